"""Template families: alike suggested Deployments as one ``range`` template over a members list,
rendered with Helm's own engine (helm_python) to the same pods as each member's own suggestion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

import koku_gap
from koku_gap.model.report import Report
from tests.extras.remediation.helm import render_suggested
from tests.helpers.engine import celery, clowdapp, container, deployment, job, manifests, run, workload

COMMON = {"DJANGO_SETTINGS": "shop.settings", "LOG_LEVEL": "INFO"}
SMALL = {"limits": {"cpu": "200m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}}
LARGE = {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m", "memory": "512Mi"}}


def _report(tmp_path: Path) -> Report:
    app = clowdapp(
        deployments=[
            deployment("worker-default", command=celery("default"), env={**COMMON, "QUEUE": "default"}),
            deployment(
                "worker-export", command=celery("$QUEUE"), env={**COMMON, "QUEUE": "export"}, resources=SMALL
            ),
            deployment(
                "worker-import", command=celery("$QUEUE"), env={**COMMON, "QUEUE": "import"}, resources=LARGE
            ),
            deployment(
                "worker-audit",
                replicas=3,
                command=celery("$QUEUE"),
                env={**COMMON, "QUEUE": "audit", "AUDIT": "on"},
            ),
            deployment("sync-api", web="public", env={**COMMON, "SYNC": "true"}, probes=True),
        ],
        jobs=[job("nightly", schedule="0 1 * * *", command=["python", "manage.py", "nightly"])],
    )
    chart = manifests(
        workload(
            "shop-worker-default",
            containers=[
                container(
                    "worker",
                    command=celery("default"),
                    env={**COMMON, "QUEUE": "default", "DB_HOST": "shop-db"},
                )
            ],
        )
    )
    return run(tmp_path, app, chart)


def _render(tmp_path: Path, path: str, template: str, values: str) -> list[dict[str, Any]]:
    return render_suggested(tmp_path / f"chart-{len(list(tmp_path.iterdir()))}", path, template, values)


def _pod(doc: dict[str, Any]) -> dict[str, Any]:
    """A Deployment's pod spec, its main container's env in name order (the family writes the shared
    env first), its container name aside (the same in both)."""
    spec = dict(doc["spec"]["template"]["spec"])
    main = dict(spec["containers"][0])
    main["env"] = sorted(main.get("env") or [], key=lambda e: str(e["name"]))
    return {**spec, "containers": [main]}


def test_alike_deployments_make_one_family(tmp_path: Path) -> None:
    report = _report(tmp_path)
    (family,) = report.families
    members = {"shop/worker-export", "shop/worker-import", "shop/worker-audit", "shop/sync-api"}
    assert set(family.members) == members
    assert family.key == "shopDeployments" and family.path == "templates/shop-deployments.yaml"
    for row in report.rows:
        if row.remediation is not None:
            assert row.remediation.family == (family.key if row.id in members else None)
    nightly = next(r for r in report.rows if r.clowdapp == "nightly")
    assert nightly.remediation is not None and nightly.remediation.family is None  # a CronJob: its own
    assert json.loads(report.to_json())["families"][0]["members"] == family.members


def test_the_family_renders_each_member_as_its_own_suggestion(tmp_path: Path) -> None:
    report = _report(tmp_path)
    (family,) = report.families
    rendered = {
        d["metadata"]["name"]: d for d in _render(tmp_path, family.path, family.template, family.values)
    }
    assert len(rendered) == len(family.members)
    for row_id in family.members:
        row = next(r for r in report.rows if r.id == row_id)
        assert row.remediation is not None
        (own,) = _render(tmp_path, row.remediation.path, row.remediation.template, row.remediation.values)
        mine = rendered[own["metadata"]["name"]]
        assert _pod(mine) == _pod(own), row_id
        assert mine["metadata"]["labels"] == own["metadata"]["labels"]
        assert mine["spec"]["replicas"] == own["spec"]["replicas"]
        labels = mine["spec"]["template"]["metadata"]["labels"]
        assert mine["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_what_most_share_is_written_once_and_a_member_unsets_the_rest(tmp_path: Path) -> None:
    report = _report(tmp_path)
    (family,) = report.families
    values = YAML(typ="safe", pure=True).load(family.values)[family.key]
    assert values["env"]["LOG_LEVEL"] == "INFO" and values["component"] == "celery-worker"
    members = {m["name"]: m for m in values["members"]}
    assert members["worker-export"]["env"] == {"QUEUE": "export"}
    assert members["worker-export"]["resources"] == SMALL and members["worker-audit"]["replicas"] == 3
    assert members["worker-audit"]["env"] == {"AUDIT": "on", "QUEUE": "audit"}
    api = members["sync-api"]
    assert api["component"] == "web-api" and "command" in api["unset"]  # the workers' command is not its
    assert "livenessProbe" in api
    assert family.values.count("LOG_LEVEL") == 1  # shared: once, not once a member
    assert "from the chart's shop-worker-default" in family.values  # where the values come from, kept


def test_a_suggestion_alike_to_no_other_keeps_its_own_template(tmp_path: Path) -> None:
    app = clowdapp(
        deployments=[
            deployment("worker-default", command=celery("default")),
            deployment("worker-export", command=celery("$QUEUE")),
        ]
    )
    chart = manifests(
        workload("shop-worker-default", containers=[container("worker", command=celery("default"))])
    )
    report = run(tmp_path, app, chart)
    assert report.families == []
    assert "families" not in report.to_dict()
    export = next(r for r in report.rows if r.clowdapp == "worker-export")
    assert export.remediation is not None and export.remediation.family is None
    written = next(r for r in json.loads(report.to_json())["rows"] if r["clowdapp"] == "worker-export")
    assert "family" not in written["remediation"]


def test_the_koku_families_render_as_each_members_own(corpus: Path, tmp_path: Path) -> None:
    """The real pair: 17 gaps, one family; each member's pod is the one its own template makes."""
    report = koku_gap.analyze(
        clowdapps=[corpus / "koku/clowdapp-2026-08-14-f6cc00b31.yaml"],
        manifests=[corpus / "chart/cost-onprem-2026-02-12-7cc5007a.yaml"],
    )
    (family,) = report.families
    assert len(family.members) == 17
    rendered = {
        d["metadata"]["name"]: d for d in _render(tmp_path, family.path, family.template, family.values)
    }
    for row_id in family.members:
        row = next(r for r in report.rows if r.id == row_id)
        assert row.remediation is not None
        (own,) = _render(tmp_path, row.remediation.path, row.remediation.template, row.remediation.values)
        assert _pod(rendered[own["metadata"]["name"]]) == _pod(own), row_id
