"""Another application's components are not played by a chart workload on role alone (match.py).

A Celery worker on the default queue, celery beat, an API or a migration tool says nothing about which
application it is: when both image families are known and clearly differ, such a candidate is refused
(strongly penalised, and listed in the row's rejected evidence). A shared named queue, the same command
or a switch the chart sets is evidence of its own; an unresolved image is no evidence either way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap.api import analyze
from koku_gap.engine.match import OTHER_APP_PENALTY, THRESHOLD, image_words, match, other_app
from koku_gap.engine.policy import load_policy
from tests.helpers.engine import (
    celery,
    chart_row,
    clowdapp,
    deployment,
    graphs,
    manifests,
    row,
    run,
    workload,
)
from tests.helpers.files import ENGINE_FIXTURES as FIXTURES

NOTES = FIXTURES / "diffapp-clowdapp.yaml"
SHOP_CHART = FIXTURES / "diffapp-rendered.yaml"
GUNICORN = ["gunicorn", "app.wsgi"]


@pytest.mark.parametrize(
    ("source", "target", "differ"),
    [
        ("notes", "shop", True),
        ("rbac", "koku", True),
        ("koku", "koku", False),
        ("koku", "koku-onprem", False),  # a rebuild of the same app keeps its name
        ("nginx-124", "nginx", False),  # versions say nothing
        ("ros-ocp-backend", "insights-ros-ocp-backend", False),
        ("notes-api", "shop-api", True),  # generic words say nothing either
        (None, "koku", False),  # an unresolved ${IMAGE}: no evidence
        ("koku", None, False),
        ("ui", "koku", False),  # nothing but generic words: no evidence
    ],
)
def test_other_app_compares_the_distinguishing_words_of_image_names(
    source: str | None, target: str | None, differ: bool
) -> None:
    assert other_app(source, target) is differ


def test_image_words_drop_versions_base_images_and_generic_words() -> None:
    assert image_words("proxyv2-rhel9") == {"proxyv2"}
    assert image_words("nginx-124") == {"nginx"}
    assert image_words("Koku_UI-rhel9") == {"koku"}
    assert image_words("koku-onprem") == {"koku", "onprem"}  # a product word is no generic one
    assert image_words(None) == frozenset()


def test_another_apps_components_are_not_played_by_role_alone() -> None:
    report = analyze(clowdapps=[NOTES], manifests=[SHOP_CHART])
    worker = row(report, "worker")  # default queue only
    assert (worker.status, worker.priority, worker.chart) == ("missing", "P0", [])
    assert report.queues.uncovered == ["celery"]
    assert report.queues.detail["celery"].chart == []
    assert any("another application's image (notes vs shop)" in e for e in worker.evidence)
    for name in ("beat", "api", "db-migrate"):
        r = row(report, name)
        assert (r.status, r.chart) == ("missing", []), name
        assert any(e.startswith("rejected ") and "another application's image" in e for e in r.evidence)
    # a named queue both consume is evidence beyond the role
    sweeper = row(report, "sweeper")
    assert (sweeper.status, sweeper.chart) == ("match", ["rel-shop-worker"])
    for name in ("rel-shop-api", "rel-shop-beat", "rel-shop-migrate"):
        assert chart_row(report, name).status == "extra"


def test_the_same_image_family_pairs_as_before() -> None:
    report = analyze(clowdapps=[NOTES], manifests=[SHOP_CHART], params={"IMAGE": "quay.io/example/shop"})
    assert {r.clowdapp: r.chart for r in report.rows if r.clowdapp} == {
        "api": ["rel-shop-api"],
        "worker": ["rel-shop-worker"],
        "sweeper": ["rel-shop-worker"],
        "beat": ["rel-shop-beat"],
        "db-migrate": ["rel-shop-migrate"],
    }
    assert report.queues.uncovered == []


def test_a_refused_candidate_stays_under_the_threshold_whatever_its_name() -> None:
    source, target = graphs([NOTES], [SHOP_CHART])
    result = match(source, target, load_policy("default"))
    worker = next(p for p in result.pairings if p.source.name == "worker")
    assert worker.chosen is None
    # the best a role-only candidate can score: the default queue alone (2.0) and the same name (0.5)
    assert 2.0 + 0.5 - OTHER_APP_PENALTY < THRESHOLD
    assert [r.split(":")[0] for r in worker.rejected] == ["rel-shop-worker"]
    assert "name similarity 1.00" in worker.rejected[0]
    assert "celery" not in result.queue_consumers  # nor does it cover the default queue
    assert result.queue_consumers["sweep"] == ["rel-shop-worker"]


def test_an_unresolved_image_is_no_evidence_either_way(tmp_path: Path) -> None:
    app = clowdapp(
        "notes",
        deployments=[
            deployment(
                "worker", image="${IMAGE}:latest", command=["/bin/bash", "-c", "celery -A notes worker"]
            ),
            deployment("beat", image="${IMAGE}:latest", command=celery("", beat=True)),
        ],
        parameters={"ENV_NAME": "env", "IMAGE": ""},
    )
    chart = manifests(
        workload("rel-worker", command=["/bin/bash", "-c", "celery -A shop worker -Q celery"]),
        workload("rel-beat", command=celery("", beat=True)),
    )
    report = run(tmp_path, app, chart)
    assert row(report, "worker").chart == ["rel-worker"]
    assert row(report, "beat").chart == ["rel-beat"]


def test_a_switch_the_chart_sets_is_evidence_beyond_the_role(tmp_path: Path) -> None:
    app = clowdapp(
        "notes",
        deployments=[
            deployment("api", web="public", image="quay.io/example/notes:1", command=GUNICORN),
            deployment(
                "sync", web="private", image="quay.io/example/notes:1", command=GUNICORN, env={"SYNC": "true"}
            ),
        ],
    )
    chart = manifests(
        workload("rel-api", image="quay.io/onprem/shop:1", command=GUNICORN, http=True),
        workload(
            "rel-sync", image="quay.io/onprem/shop:1", command=GUNICORN, http=True, env={"SYNC": "true"}
        ),
    )
    report = run(tmp_path, app, chart)
    sync = row(report, "sync")
    assert sync.chart == ["rel-sync"]
    assert any(e == "different image (notes vs shop)" for e in sync.evidence)  # still costs 0.8
    assert row(report, "api").chart == []


def test_a_workload_migrating_first_does_not_run_another_apps_migrations(tmp_path: Path) -> None:
    app = clowdapp(
        "notes",
        jobs=[
            {
                "name": "db-migrate",
                "podSpec": {
                    "image": "quay.io/example/notes:1",
                    "command": ["/bin/bash", "-c", "python manage.py migrate"],
                },
            }
        ],
        invoked=["db-migrate"],
    )
    chart = manifests(
        workload(
            "rel-api",
            image="quay.io/onprem/shop:1",
            command=["/bin/bash", "-c", "python manage.py migrate\nexec gunicorn shop.wsgi"],
            http=True,
        )
    )
    report = run(tmp_path, app, chart)
    migrate = row(report, "db-migrate")
    assert (migrate.status, migrate.chart) == ("missing", [])
    assert any(
        "runs migrations before it starts" in e and "another application" in e for e in migrate.evidence
    )


# --- the corpus: wild Celery ClowdApps against the koku chart ----------------------------------------

WILD_CELERY = (
    "RedHatInsights__insights-rbac__deploy_rbac-clowdapp.yaml",
    "cloudigrade__cloudigrade__deployment_clowdapp.yaml",
)
KOKU_CHART = "chart/cost-onprem-2026-02-12-7cc5007a.yaml"


@pytest.mark.parametrize("name", WILD_CELERY)
def test_wild_celery_apps_are_not_played_by_koku_workloads(corpus: Path, name: str) -> None:
    clowdapp_file, chart_file = corpus / "wild" / name, corpus / KOKU_CHART
    source, target = graphs([clowdapp_file], [chart_file])
    koku = {t.name for t in target.components if t.main.role.image_family == "koku"}
    assert koku  # the chart's koku API, workers and beat
    celery_roles = {"celery-worker", "celery-beat"}
    assert {c.role.kind.value for c in source.components} & celery_roles
    report = analyze(clowdapps=[clowdapp_file], manifests=[chart_file])
    for r in report.rows:
        if r.clowdapp is not None:
            assert not set(r.chart) & koku, (r.clowdapp, r.chart, r.evidence)
    for r in report.rows:
        if r.clowdapp is not None and r.role in celery_roles:
            assert r.status == "missing", (r.clowdapp, r.status)
            assert "celery" not in r.queues or "celery" in report.queues.uncovered
