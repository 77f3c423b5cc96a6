"""The review items of test_verdicts.py on the real corpus (../shared/corpus, skipped when absent);
lines are the corpus files'.

- insights-host-inventory's `service` (nginx, line ~184) fronts service-reads/service-writes, which run
  the insights-inventory image: nothing it fronts is in the koku chart, so koku's envoy gateway is not it.
- chart 0cc9aa7d deploys cost-onprem-celery-worker-refresh with `replicas: 0` (line ~3255) although its
  WORKER_QUEUES holds `refresh` (line ~3302).
- vulnerability-engine sets GUNICORN_WORKERS to '4' and '1': a count, not a switch that pairs its
  manager-admin-service with koku's API.
"""

from __future__ import annotations

import functools
from pathlib import Path

from koku_gap.api import analyze
from koku_gap.model.report import Report
from tests.helpers.engine import chart_row, row

NEWEST = "chart/cost-onprem-2026-02-12-7cc5007a.yaml"
IDLE = "chart/cost-onprem-2026-01-12-0cc9aa7d.yaml"
ROS = ("ros/ros-ocp-backend-clowdapp-2026-08-20-2d24259.yaml", "ros/kruize-clowdapp-2026-08-20-2d24259.yaml")


@functools.cache
def _report(corpus: Path, clowdapps: tuple[str, ...], chart: str) -> Report:
    return analyze(clowdapps=[corpus / f for f in clowdapps], manifests=[corpus / chart], policy="koku")


def test_another_apps_nginx_does_not_play_kokus_gateway(corpus: Path) -> None:
    report = _report(corpus, ("wild/RedHatInsights__insights-host-inventory__deploy_clowdapp.yaml",), NEWEST)
    proxy = row(report, "service")
    assert (proxy.role, proxy.status, proxy.chart) == ("reverse-proxy", "optional", [])
    assert chart_row(report, "cost-onprem-gateway").status == "extra"
    assert not [r for r in report.rows if r.clowdapp and r.status in ("match", "consolidated")]


def test_kokus_own_proxy_still_plays_the_gateway(corpus: Path) -> None:
    report = _report(corpus, ("koku/clowdapp-2026-08-14-f6cc00b31.yaml",), NEWEST)
    assert (row(report, "clowder-api").status, row(report, "clowder-api").chart) == (
        "match",
        ["cost-onprem-gateway"],
    )


def test_a_worker_deployed_with_zero_replicas_is_to_be_scaled(corpus: Path) -> None:
    """Under the default policy (koku's makes refresh optional: nothing sends to it on OCP-only)."""
    report = analyze(
        clowdapps=[corpus / "koku/clowdapp-2025-10-27-4b5f85cf6.yaml"],
        manifests=[corpus / IDLE],
        policy="default",
    )
    refresh = row(report, "clowder-worker-refresh")
    assert (refresh.status, refresh.priority) == ("partial", "P0")
    assert refresh.action == (
        "scale cost-onprem-celery-worker-refresh to at least 1 replica (it is deployed with replicas: 0)"
    )


def test_ros_and_kruize_rows_are_out_of_scope_without_their_clowdapps(corpus: Path) -> None:
    report = _report(corpus, ("koku/clowdapp-2026-08-14-f6cc00b31.yaml",), NEWEST)
    for name, app in [("cost-onprem-ros-api", "ros-ocp-backend"), ("cost-onprem-kruize", "kruize")]:
        r = chart_row(report, name)
        assert r.status == "extra"
        assert r.action == f"out of scope: pass its ClowdApp ({app}) too, to compare it"


def test_http_subcommands_are_web_apis_and_still_match(corpus: Path) -> None:
    report = _report(corpus, ROS, NEWEST)
    api = row(report, "api", "ros-ocp-backend")
    assert (api.role, api.status, api.chart) == ("web-api", "match", ["cost-onprem-ros-api"])
    assert "runs rosocp start api" in api.evidence
    recommendations = row(report, "recommendations", "kruize")
    assert (recommendations.role, recommendations.chart) == ("web-api", ["cost-onprem-kruize"])
    assert row(report, "processor").role == "subcommand"


def test_a_worker_count_does_not_pair_another_apps_service(corpus: Path) -> None:
    report = _report(corpus, ("wild/RedHatInsights__vulnerability-engine__deploy_clowdapp.yaml",), IDLE)
    assert row(report, "manager-admin-service").chart == []
    assert chart_row(report, "cost-onprem-koku-api-writes").status == "extra"
