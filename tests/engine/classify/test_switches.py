"""A switch that selects what a process serves is never advised on a workload that plays others too.

Koku's case, generically: a ClowdApp runs its API twice, once as itself and once with a switch that swaps
the URL conf (``SOURCES=true``); a chart that consolidates both into one workload must not be told to set
the switch there, since the workload would then serve the other URL conf to everyone.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.engine import clowdapp, deployment, manifests, row, run, workload, write

GUNICORN = ["gunicorn", "app.wsgi"]
# the API, and the same API with the switch that swaps its URL conf
APP = clowdapp(
    deployments=[
        deployment("api", web="public", command=GUNICORN),
        deployment("sources", web="public", command=GUNICORN, env={"SOURCES": "true"}),
    ]
)


def _consolidated(tmp_path: Path) -> tuple[str | None, str]:
    """The consolidating chart: the switched component's action and the plain API's status."""
    policy = write(tmp_path, "policy.yaml", "extends: default\nmatch:\n  sources: rel-api\n")
    report = run(
        tmp_path,
        APP,
        manifests(workload("rel-api", command=GUNICORN, http=True)),
        policy=policy,
    )
    sources = row(report, "sources")
    assert sources.status == "partial" and sources.chart == ["rel-api"]
    return sources.action, row(report, "api").status


def test_the_shared_workload_is_not_told_to_set_the_switch(tmp_path: Path) -> None:
    action, api = _consolidated(tmp_path)
    assert api == "consolidated"
    assert action is not None and action.startswith("do not set SOURCES=true on rel-api: it also plays api")
    assert "run sources as a workload of its own" in action


def test_a_workload_of_its_own_is_told_to_set_it(tmp_path: Path) -> None:
    policy = write(tmp_path, "policy.yaml", "extends: default\nmatch:\n  sources: rel-sources\n")
    report = run(
        tmp_path,
        APP,
        manifests(
            workload("rel-api", command=GUNICORN, http=True),
            workload("rel-sources", command=GUNICORN, http=True),
        ),
        policy=policy,
    )
    sources = row(report, "sources")
    assert sources.status == "partial"
    assert sources.action == (
        "fix rel-sources: the chart does not set SOURCES=true, which selects this component's behaviour"
    )
