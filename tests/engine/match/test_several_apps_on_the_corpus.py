"""The whole product in one run (issue 14): the five ClowdApps the cost-onprem chart carries against the
0cc9aa7d render and chart HEAD, and koku with ROS and Kruize against 98b90458 and 3346ee67. Each
component's counterpart is the one a reader of both files gives it (checked row by row; docs/matching.md,
"Several apps"), and no chart workload is "better" or "extra" while it plays a passed app's component."""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap.api import analyze
from koku_gap.model.report import Report
from tests.helpers.corpus import CHARTS, FIVE, THREE

P = "cost-onprem-"
# What every render from 98b90458 on gives ROS and Kruize (and 0cc9aa7d too)
ROS_KRUIZE = {
    "ros-ocp-backend/processor": f"{P}ros-processor",
    "ros-ocp-backend/recommendation-poller": f"{P}ros-rec-poller",
    "ros-ocp-backend/api": f"{P}ros-api",
    "ros-ocp-backend/housekeeper": f"{P}ros-housekeeper",  # --sources
    "ros-ocp-backend/delete-rosocp-partitions": f"{P}ros-partition-cleaner",  # --partitions
    "kruize/recommendations": f"{P}kruize",
    "kruize/delete-kruize-partitions": f"{P}kruize-delete-partitions",
    "kruize/create-kruize-partitions": f"{P}kruize",  # its init container (partial: schedule lost)
}
# koku from 98b90458 on: one gateway (envoy) for the nginx proxy, a migration hook job
KOKU_LATER = {
    "koku/clowder-api": f"{P}gateway",
    "koku/clowder-listener": f"{P}koku-listener",
    "koku/clowder-masu": f"{P}koku-masu",
    "koku/clowder-scheduler": f"{P}celery-beat",
    "koku/clowder-sources-client": None,
    "koku/clowder-sources-listener": None,  # the chart dropped its sources listener
    "koku/db-migrate-cji-latest-00": f"{P}koku-migrate",
    "koku/management-command-cji-latest-00": None,  # ad hoc, run with kubectl
}
SPLIT_API = {"koku/api-reads": f"{P}koku-api-reads", "koku/api-writes": f"{P}koku-api-writes"}
ONE_API = {"koku/api-reads": f"{P}koku-api", "koku/api-writes": f"{P}koku-api"}  # consolidated
EXPECTED = {
    ("five", "0cc9aa7d"): {
        **SPLIT_API,
        "koku/clowder-api": None,  # no proxy in that render (and no route to koku's API: unrouted-api)
        "koku/clowder-listener": f"{P}koku-api-listener",
        "koku/clowder-masu": f"{P}koku-api-masu",
        "koku/clowder-scheduler": f"{P}celery-beat",
        "koku/clowder-sources-client": None,
        "koku/clowder-sources-listener": f"{P}sources-listener",
        "koku/db-migrate-cji-latest-00": f"{P}koku-api-reads",  # its run-migrations init container
        "koku/management-command-cji-latest-00": None,
        **ROS_KRUIZE,
        "ingress/service": f"{P}ingress",  # insights-ingress ~ insights-ingress-go, its bucket and topic
        "sources-api/background-worker": None,  # the chart runs sources-api-go's API only
        "sources-api/availability-status-listener": None,
        "sources-api/svc": f"{P}sources-api",
    },
    ("five", "7cc5007a"): {
        **ONE_API,
        **KOKU_LATER,
        **ROS_KRUIZE,
        "ingress/service": f"{P}ingress",
        "sources-api/background-worker": None,  # HEAD no longer deploys sources-api-go
        "sources-api/availability-status-listener": None,
        "sources-api/svc": None,
    },
    ("three", "98b90458"): {**SPLIT_API, **KOKU_LATER, **ROS_KRUIZE},
    ("three", "3346ee67"): {**ONE_API, **KOKU_LATER, **ROS_KRUIZE},
}


def _report(corpus: Path, apps: str, chart: str) -> Report:
    files = FIVE if apps == "five" else THREE
    return analyze([corpus / f for f in files], corpus / CHARTS[chart])


def _worker_counterparts(report: Report, chart: set[str]) -> dict[str, str | None]:
    """koku's Celery workers: each plays the chart's worker of the same queue, where the chart has one."""
    expected: dict[str, str | None] = {}
    for r in report.rows:
        if r.clowdapp and r.clowdapp.startswith("clowder-worker-"):
            suffix = r.clowdapp.removeprefix("clowder-worker-")
            name = f"{P}celery-worker-{'default' if suffix == 'celery' else suffix}"
            expected[r.id] = name if name in chart else None
    return expected


@pytest.mark.parametrize(("apps", "chart"), list(EXPECTED))
def test_every_component_has_the_counterpart_a_reader_gives_it(corpus: Path, apps: str, chart: str) -> None:
    report = _report(corpus, apps, chart)
    found = {r.id: (r.targets[0].name if r.targets else None) for r in report.rows if r.clowdapp}
    chart_names = {r.chart[0] for r in report.rows if r.clowdapp is None} | {
        t.name for r in report.rows for t in r.targets
    }
    expected = {**EXPECTED[(apps, chart)], **_worker_counterparts(report, chart_names)}
    assert found == expected


@pytest.mark.parametrize(("apps", "chart"), list(EXPECTED))
def test_no_chart_workload_is_better_or_extra_while_it_plays_a_passed_app(
    corpus: Path, apps: str, chart: str
) -> None:
    report = _report(corpus, apps, chart)
    playing = {t.name for r in report.rows if r.clowdapp for t in r.targets if t.via == "workload"}
    beyond = {
        r.chart[0]: r.reasons[0]
        for r in report.rows
        if r.clowdapp is None and r.status in ("better", "extra")
    }
    assert not playing & set(beyond)
    passed = {r.app for r in report.rows if r.clowdapp}
    assert not [why for why in beyond.values() if any(why.startswith(f"bundles {app},") for app in passed)]


def test_the_ingress_dependency_is_bundled_only_while_its_clowdapp_is_not_passed(corpus: Path) -> None:
    three, five = _report(corpus, "three", "98b90458"), _report(corpus, "five", "7cc5007a")
    bundled = next(r for r in three.rows if r.chart == [f"{P}ingress"])
    assert bundled.status == "better" and bundled.reasons[0].startswith(
        "bundles ingress, a ClowdApp dependency"
    )
    provided = {p.provided_by[0] for p in three.platform if p.kind == "dependency" and p.name == "ingress"}
    assert provided == {f"{P}ingress"}  # the platform table names the row's workload
    assert not [r for r in five.rows if r.clowdapp is None and r.chart == [f"{P}ingress"]]
    provided = {p.provided_by[0] for p in five.platform if p.kind == "dependency" and p.name == "ingress"}
    assert provided == {f"{P}ingress"}  # now as what plays ingress's service


def test_koku_api_is_unrouted_at_0cc9aa7d_and_routed_through_the_gateway_later(corpus: Path) -> None:
    early, late = _report(corpus, "five", "0cc9aa7d"), _report(corpus, "five", "7cc5007a")
    proxy = next(r for r in early.rows if r.id == "koku/clowder-api")
    assert (proxy.status, proxy.priority, proxy.rule) == ("missing", "P1", "unrouted-api")
    assert "route: Ingress/cost-onprem / -> cost-onprem-ros-api" in " ".join(proxy.evidence)
    assert not [r for r in late.rows if r.rule == "unrouted-api"]  # envoy's routes reach koku, ROS, ingress


def test_each_app_has_its_summary(corpus: Path) -> None:
    report = _report(corpus, "five", "7cc5007a")
    assert [a.app for a in report.summary.apps] == [
        "koku",
        "ros-ocp-backend",
        "kruize",
        "ingress",
        "sources-api",
    ]
    assert sum(a.clowdapp_components for a in report.summary.apps) == report.summary.clowdapp_components
