"""The engine on the real corpus (../shared/corpus): every koku template against every chart render,
and ros-ocp-backend + kruize against the newest chart. Skipped when the corpus is absent.

The specific facts below were checked by reading the files (line numbers are of the corpus files):
- 7cc5007a (chart): one `cost-onprem-koku-api` (gunicorn) replaces api-reads/api-writes; `cost-onprem-gateway`
  is envoy (the API proxy), `cost-onprem-ui` is nginx serving the UI image; `cost-onprem-koku-migrate` is a
  pre-install,pre-upgrade hook running `manage.py migrate`; workers consume only celery, cost_model, ocp,
  priority and summary (lines 583-1420), so `download` and every *_xl / *_penalty queue is consumed by nobody;
  no workload runs `manage.py sources_listener` or sets SOURCES=true.
- 223a2451 (two charts, one install): `migration` (infrastructure chart, line 143) is a
  post-install,post-upgrade hook running `manage.py migrate`; no proxy workload; every koku queue has a
  worker.
- 0cc9aa7d: migrations run in the `run-migrations` init container of the koku API deployment; a
  `cost-onprem-sources-listener` runs `manage.py sources_listener`.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from koku_gap.api import analyze, compare
from koku_gap.engine.policy import load_policy
from koku_gap.model.graph import ComponentGraph, RoleKind
from koku_gap.model.report import Report, Row
from koku_gap.sources.clowdapp import load_clowdapp
from koku_gap.sources.manifests import load_manifests
from tests.helpers.engine import check_report

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

KOKU = {
    "2025-08-05": "koku/clowdapp-2025-08-05-926d65f71.yaml",
    "2025-10-27": "koku/clowdapp-2025-10-27-4b5f85cf6.yaml",
    "2026-08-14": "koku/clowdapp-2026-08-14-f6cc00b31.yaml",
}
CHARTS = {
    "223a2451": (
        "chart/cost-management-onprem-2025-11-23-223a2451.yaml",
        "chart/cost-management-infrastructure-2025-11-23-223a2451.yaml",
    ),
    "223a2451-openshift": (
        "chart/cost-management-onprem-2025-11-23-223a2451-openshift.yaml",
        "chart/cost-management-infrastructure-2025-11-23-223a2451-openshift.yaml",
    ),
    "0cc9aa7d": ("chart/cost-onprem-2026-01-12-0cc9aa7d.yaml",),
    "0cc9aa7d-openshift": ("chart/cost-onprem-2026-01-12-0cc9aa7d-openshift.yaml",),
    "98b90458": ("chart/cost-onprem-2026-02-11-98b90458.yaml",),
    "3346ee67": ("chart/cost-onprem-2026-02-11-3346ee67.yaml",),
    "7cc5007a": ("chart/cost-onprem-2026-02-12-7cc5007a.yaml",),
}
ROS = (
    "ros/ros-ocp-backend-clowdapp-2026-08-20-2d24259.yaml",
    "ros/kruize-clowdapp-2026-08-20-2d24259.yaml",
)
XL_PENALTY = [f"{q}_{size}" for q in ("cost_model", "download", "ocp", "priority", "refresh", "summary")
              for size in ("xl", "penalty")]  # fmt: skip


@pytest.fixture(scope="module")
def corpus_dir() -> Path:
    if not (CORPUS / "koku").is_dir() or not (CORPUS / "chart").is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return CORPUS


@functools.cache
def _source(files: tuple[str, ...]) -> ComponentGraph:
    graph = load_clowdapp(CORPUS / files[0])
    for extra in files[1:]:
        graph = graph.merged(load_clowdapp(CORPUS / extra))
    return graph


@functools.cache
def _target(files: tuple[str, ...]) -> ComponentGraph:
    return load_manifests(*(CORPUS / f for f in files))


@functools.cache
def _report(clowdapps: tuple[str, ...], charts: tuple[str, ...]) -> Report:
    """End to end through ``analyze()``, for the pairs whose rows the tests below check one by one."""
    report = analyze(
        clowdapps=[CORPUS / f for f in clowdapps], manifests=[CORPUS / f for f in charts], policy="koku"
    )
    check_report(report, _source(clowdapps), _target(charts))
    return report


@functools.cache
def _compared(clowdapps: tuple[str, ...], charts: tuple[str, ...]) -> Report:
    """``compare()`` on graphs loaded once: what ``analyze()`` does after loading, without reloading
    the same 200 KB files for each of the 21 pairs (test_analyze_equals_compare pins the equivalence)."""
    report = compare(_source(clowdapps), _target(charts), load_policy("koku"))
    check_report(report, _source(clowdapps), _target(charts))
    return report


def koku_report(_corpus_dir: Path, koku: str, chart: str) -> Report:
    """The pair's report; takes the ``corpus_dir`` fixture's value so that only its users call it."""
    return _report((KOKU[koku],), CHARTS[chart])


def by_name(report: Report, name: str) -> Row:
    found = [r for r in report.rows if r.clowdapp == name or (r.clowdapp or "").startswith(f"{name}-cji-")]
    assert len(found) == 1, name
    return found[0]


def chart_only(report: Report, name: str) -> Row:
    [found] = [r for r in report.rows if r.clowdapp is None and r.chart == [name]]
    return found


# --- every pair ------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("corpus_dir")
@pytest.mark.parametrize("chart", list(CHARTS))
@pytest.mark.parametrize("koku", list(KOKU))
def test_every_koku_template_against_every_chart(koku: str, chart: str) -> None:
    report = _compared((KOKU[koku],), CHARTS[chart])  # the invariants are checked on the way
    assert report.summary.clowdapp_components == 32
    assert {r.app for r in report.rows if r.clowdapp} == {"koku"}
    assert report.inputs[0].side == "clowdapp" and [i.side for i in report.inputs[1:]] == ["manifests"] * len(
        CHARTS[chart]
    )
    # role first: a row's direct counterpart always has a compatible role
    target = _target(CHARTS[chart])
    for r in report.rows:
        if r.clowdapp and r.targets and r.role == "celery-worker":
            counterpart = target.component(r.targets[0].name)
            assert counterpart.role.kind == RoleKind.CELERY_WORKER, r.id
            assert set(r.queues) & set(counterpart.role.queues), r.id
    # what no chart of this corpus has: a counterpart for the ad-hoc management-command job
    mgmt = by_name(report, "management-command")
    assert (mgmt.role, mgmt.status, mgmt.priority) == ("ad-hoc-command", "optional", "P3")
    # the scheduler runs beat and every chart here has a beat deployment
    scheduler = by_name(report, "clowder-scheduler")
    assert (scheduler.role, scheduler.status) == ("celery-beat", "match")
    assert scheduler.chart[0].endswith("celery-beat")
    # the Kafka listener is always there (koku-api-listener / koku-listener)
    listener = by_name(report, "clowder-listener")
    assert listener.status == "match" and "listener" in listener.chart[0]


@pytest.mark.usefixtures("corpus_dir")
def test_analyze_equals_compare() -> None:
    """``analyze()`` is ``compare()`` on the loaded graphs, then the extras, which change nothing else."""
    pair = ((KOKU["2026-08-14"],), CHARTS["7cc5007a"])
    without_extras: dict[str, object] = {"snippet": None, "snippet_lines": [], "remediation": None}
    assert [r.model_copy(update=without_extras) for r in _report(*pair).rows] == _compared(*pair).rows
    assert any(r.snippet for r in _report(*pair).rows)
    assert _report(*pair).queues == _compared(*pair).queues


# --- koku 2026-08-14 against the newest chart -------------------------------------------------------------


@pytest.fixture(scope="module")
def newest(corpus_dir: Path) -> Report:
    return koku_report(corpus_dir, "2026-08-14", "7cc5007a")


def test_newest_apis_consolidated_into_koku_api(newest: Report) -> None:
    for name in ("api-reads", "api-writes"):
        r = by_name(newest, name)
        assert (r.status, r.priority, r.chart) == ("consolidated", None, ["cost-onprem-koku-api"])


def test_newest_scheduler_listener_masu(newest: Report) -> None:
    assert by_name(newest, "clowder-scheduler").chart == ["cost-onprem-celery-beat"]
    assert by_name(newest, "clowder-listener").chart == ["cost-onprem-koku-listener"]
    masu = by_name(newest, "clowder-masu")  # MASU=true on both sides
    assert (masu.status, masu.chart) == ("match", ["cost-onprem-koku-masu"])


def test_newest_proxy_is_the_gateway_not_the_ui(newest: Report) -> None:
    proxy = by_name(newest, "clowder-api")
    assert proxy.role == "reverse-proxy"
    assert (proxy.status, proxy.chart) == ("match", ["cost-onprem-gateway"])
    assert "cost-onprem-ui" not in proxy.chart
    ui = chart_only(newest, "cost-onprem-ui")
    assert (ui.role, ui.status) == ("static-web", "better")


def test_newest_migration_job(newest: Report) -> None:
    migrate = by_name(newest, "db-migrate")
    assert migrate.role == "migration"
    assert (migrate.status, migrate.priority, migrate.chart) == ("match", None, ["cost-onprem-koku-migrate"])
    # a pre-install hook is what a migration should be: no drift
    assert [d for d in migrate.drift if d.kind == "hook-phase"] == []


def test_newest_uncovered_queues(newest: Report) -> None:
    uncovered = set(newest.queues.uncovered)
    assert "download" in uncovered
    assert set(XL_PENALTY) <= uncovered
    assert {"hcs", "refresh", "subs_extraction", "subs_transmission"} <= uncovered
    assert not {"celery", "cost_model", "ocp", "priority", "summary"} & uncovered
    assert newest.queues.extra == []


def test_newest_workers(newest: Report) -> None:
    # The generic rule: a queue no chart worker consumes is P0. The koku policy knows from koku's code
    # (docs/audit/koku-verdicts.md) that on an OpenShift-only install nothing sends to `refresh` (only
    # delete_openshift_on_cloud_data, for cloud providers), *_xl / *_penalty (Unleash flags, false
    # on-prem), download / hcs / subs (cloud-provider features): those rows are optional, and cite why.
    refresh = by_name(newest, "clowder-worker-refresh")
    assert (refresh.status, refresh.priority, refresh.chart) == ("optional", "P3", [])
    assert refresh.reasons[0].startswith("policy:") and "delete_openshift_on_cloud_data" in refresh.reasons[0]
    assert "koku/masu/processor/tasks.py:761 @f6cc00b31" in [str(c) for c in refresh.citations]
    assert [a.name for a in refresh.assumptions] == ["on-prem-is-ocp-only"]
    xl = by_name(newest, "clowder-worker-ocp-xl")
    assert (xl.status, xl.priority, xl.chart) == ("optional", "P3", [])
    assert xl.reasons[0].startswith("policy:") and "Unleash" in xl.reasons[0]
    assert any("ocp_xl" in reason for reason in xl.reasons)
    for name, chart in [
        ("clowder-worker-celery", "cost-onprem-celery-worker-default"),
        ("clowder-worker-ocp", "cost-onprem-celery-worker-ocp"),
        ("clowder-worker-summary", "cost-onprem-celery-worker-summary"),
        ("clowder-worker-priority", "cost-onprem-celery-worker-priority"),
        ("clowder-worker-cost-model", "cost-onprem-celery-worker-cost-model"),
    ]:
        assert (by_name(newest, name).status, by_name(newest, name).chart) == ("match", [chart])
    download = by_name(newest, "clowder-worker-download")
    assert (download.status, download.priority) == ("optional", "P3")
    for name in ("clowder-worker-subs-extraction", "clowder-worker-subs-transmission"):
        assert (by_name(newest, name).status, by_name(newest, name).priority) == ("optional", "P3")
    assert {"download", "ocp_xl", "refresh"} <= set(newest.queues.uncovered)  # facts stay facts


def test_xl_override_leaves_a_real_counterpart_matched(corpus_dir: Path) -> None:
    # `when: gap`: on the 2025-11-23 chart the xl workers exist, so they stay matches.
    report = analyze(
        [corpus_dir / "koku" / "clowdapp-2025-08-05-926d65f71.yaml"],
        [
            corpus_dir / "chart" / "cost-management-onprem-2025-11-23-223a2451.yaml",
            corpus_dir / "chart" / "cost-management-infrastructure-2025-11-23-223a2451.yaml",
        ],
        policy="koku",
    )
    row = by_name(report, "clowder-worker-ocp-xl")
    assert (row.status, row.chart) == ("match", ["koku-celery-worker-ocp-xl"])
    assert not row.reasons[0].startswith("policy:")


def test_newest_chart_only_rows(newest: Report) -> None:
    assert chart_only(newest, "cost-onprem-database").status == "infra"
    assert chart_only(newest, "cost-onprem-valkey").status == "infra"
    # cost-onprem-ingress runs insights-ingress-go, and koku lists `ingress` in its dependencies
    assert chart_only(newest, "cost-onprem-ingress").status == "better"
    for name in ("cost-onprem-ros-api", "cost-onprem-ros-processor", "cost-onprem-kruize"):
        r = chart_only(newest, name)
        assert r.status == "extra" and r.reasons[0].startswith("policy:")


# --- koku 2025-08-05 against the 2025-11-23 pair ----------------------------------------------------------


@pytest.fixture(scope="module")
def oldest(corpus_dir: Path) -> Report:
    return koku_report(corpus_dir, "2025-08-05", "223a2451")


def test_oldest_migration_is_a_post_install_hook(oldest: Report) -> None:
    migrate = by_name(oldest, "db-migrate")
    assert (migrate.status, migrate.priority, migrate.chart) == ("partial", "P2", ["migration"])
    assert "post-install" in migrate.reasons[0]
    assert migrate.targets[0].file.endswith("cost-management-infrastructure-2025-11-23-223a2451.yaml")


def test_oldest_has_no_proxy(oldest: Report) -> None:
    proxy = by_name(oldest, "clowder-api")
    assert (proxy.role, proxy.status, proxy.priority, proxy.chart) == ("reverse-proxy", "optional", "P2", [])


def test_oldest_every_worker_has_a_counterpart(oldest: Report) -> None:
    assert oldest.queues.uncovered == []
    workers = [r for r in oldest.rows if r.role == "celery-worker" and r.clowdapp]
    assert len(workers) == 22  # clowder-worker-celery and 21 clowder-worker-<queue> deployments
    assert all(r.status == "match" for r in workers)
    assert by_name(oldest, "clowder-worker-celery").chart == ["koku-celery-worker-default"]
    assert by_name(oldest, "clowder-worker-ocp-xl").chart == ["koku-celery-worker-ocp-xl"]
    # koku-celery-worker-download-penalty consumes download,download_penalty: it covers `download` too
    assert set(by_name(oldest, "clowder-worker-download").chart) >= {
        "koku-celery-worker-download", "koku-celery-worker-download-penalty"
    }  # fmt: skip


def test_oldest_apis_and_chart_only_rows(oldest: Report) -> None:
    assert by_name(oldest, "api-reads").chart == ["koku-koku-api-reads"]
    assert by_name(oldest, "api-writes").chart == ["koku-koku-api-writes"]
    assert by_name(oldest, "clowder-masu").chart == ["koku-koku-api-masu"]
    assert chart_only(oldest, "trino-coordinator").status == "better"
    assert chart_only(oldest, "trino-worker").status == "better"
    assert chart_only(oldest, "hive-metastore").status == "better"
    assert chart_only(oldest, "postgres").status == "infra"
    assert chart_only(oldest, "redis").status == "infra"
    assert chart_only(oldest, "db-init").status == "infra"
    assert chart_only(oldest, "koku-sources-api").status == "better"  # koku depends on sources-api


# --- 0cc9aa7d: migrations in an init container ---------------------------------------------------------


@pytest.mark.parametrize("chart", ["0cc9aa7d", "0cc9aa7d-openshift"])
def test_0cc9aa7d_migration_in_an_init_container(corpus_dir: Path, chart: str) -> None:
    report = koku_report(corpus_dir, "2025-10-27", chart)
    migrate = by_name(report, "db-migrate")
    assert migrate.status == "match"
    assert migrate.targets[0].via == "init-container"
    assert migrate.targets[0].container == "run-migrations"
    assert migrate.chart[0].startswith("cost-onprem-koku-api-")
    assert by_name(report, "clowder-sources-listener").chart == ["cost-onprem-sources-listener"]
    assert chart_only(report, "cost-onprem-sources-api").status == "better"


# --- ros-ocp-backend + kruize against the newest chart ------------------------------------------------


@pytest.fixture(scope="module")
def ros() -> Report:
    if not all((CORPUS / f).is_file() for f in (*ROS, *CHARTS["7cc5007a"])):
        pytest.skip("ros/ not in the corpus")
    return _report(ROS, CHARTS["7cc5007a"])


def test_ros_and_kruize(ros: Report) -> None:
    assert {r.app for r in ros.rows if r.clowdapp} == {"ros-ocp-backend", "kruize"}
    expected = {
        "processor": "cost-onprem-ros-processor",
        "recommendation-poller": "cost-onprem-ros-rec-poller",
        "api": "cost-onprem-ros-api",
        "housekeeper": "cost-onprem-ros-housekeeper",
        "delete-rosocp-partitions": "cost-onprem-ros-partition-cleaner",
        "recommendations": "cost-onprem-kruize",
        "delete-kruize-partitions": "cost-onprem-kruize-delete-partitions",
    }
    for name, chart in expected.items():
        r = by_name(ros, name)
        assert (r.status, r.chart) == ("match", [chart]), r.reasons
    # a CronJob in kruize's ClowdApp; the chart runs CreatePartition in cost-onprem-kruize's init container
    create = by_name(ros, "create-kruize-partitions")
    assert (create.status, create.priority, create.chart) == ("partial", "P2", ["cost-onprem-kruize"])
    assert create.targets[0].via == "init-container"
    assert "schedule" in create.reasons[0]
    assert chart_only(ros, "cost-onprem-database").status == "infra"
    # koku's workloads are in the chart but koku is not analysed here: they are not ROS gaps
    assert all(r.priority is None for r in ros.rows if r.clowdapp is None)
    assert ros.queues.uncovered == []


@pytest.mark.usefixtures("ros")  # skips without ros/ in the corpus
def test_koku_ros_and_kruize_together_against_the_newest_chart() -> None:
    report = _report((KOKU["2026-08-14"], *ROS), CHARTS["7cc5007a"])
    assert {r.app for r in report.rows if r.clowdapp} == {"koku", "ros-ocp-backend", "kruize"}
    assert report.summary.clowdapp_components == 32 + 8
    assert not [r.chart for r in report.rows if r.status == "extra"]  # every chart workload is someone's
    rows = {(r.app, r.clowdapp): r for r in report.rows if r.clowdapp}
    assert rows[("ros-ocp-backend", "api")].chart == ["cost-onprem-ros-api"]
    assert rows[("koku", "clowder-api")].chart == ["cost-onprem-gateway"]
    assert rows[("kruize", "recommendations")].chart == ["cost-onprem-kruize"]


def test_newest_sources_client_is_not_needed_and_never_switched_on(newest: Report) -> None:
    # The chart's envoy config says the Sources API is now part of the koku API, which serves /sources/;
    # the sources-client serves source-status/ for a Platform Sources service the chart does not run.
    # Setting SOURCES=true on the API would swap its ROOT_URLCONF to sources.urls: the policy makes the
    # row optional and says never to set it.
    row = by_name(newest, "clowder-sources-client")
    assert (row.status, row.priority, row.chart) == ("optional", "P3", [])
    assert "Never set SOURCES=true" in row.reasons[0]
    assert row.action is not None and "do not set SOURCES=true" in row.action and not row.act_now


def test_overridden_rows_do_not_contradict_themselves(newest: Report) -> None:
    row = by_name(newest, "clowder-worker-cost-model-xl")
    assert row.reasons[0].startswith("policy:")
    assert all(
        r.startswith(("policy:", "without the policy entry:", "queue", "assumed:")) for r in row.reasons
    )
    assert row.action and "revisit" in row.action


def test_workers_deployed_with_zero_replicas_consume_nothing(corpus_dir: Path) -> None:
    # 0cc9aa7d deploys the refresh and cloud-provider workers with replicas: 0: their queues wait, and
    # the engine says so; the koku policy knows nothing sends to them on OpenShift-only (optional P3).
    report = analyze(
        [corpus_dir / "koku" / "clowdapp-2026-08-14-f6cc00b31.yaml"],
        [corpus_dir / "chart" / "cost-onprem-2026-01-12-0cc9aa7d.yaml"],
        policy="koku",
    )
    refresh = by_name(report, "clowder-worker-refresh")
    assert (refresh.status, refresh.priority) == ("optional", "P3")
    assert any("replicas: 0" in reason for reason in refresh.reasons)
    assert "cost-onprem-celery-worker-refresh" in refresh.chart
    download = by_name(report, "clowder-worker-download")
    assert (download.status, download.priority) == ("optional", "P3")
    assert {"refresh", "download"} <= set(report.queues.uncovered)


@pytest.mark.parametrize("koku", ["2025-10-27", "2026-08-14"])
@pytest.mark.parametrize("chart", ["0cc9aa7d", "98b90458", "3346ee67", "7cc5007a"])
def test_koku_policy_gate_follows_the_code(corpus_dir: Path, koku: str, chart: str) -> None:
    # The audit (docs/audit/koku-verdicts.md) proves no P0/P1 for koku 2026-08-14 at any render, and one
    # P0 for koku 2025-10-27 once the chart dropped sources-api-go (E7: the sources listener; the policy
    # tells the versions apart by ONPREM in the ClowdApp's env). tests/engine/policy/ pins the rest.
    report = koku_report(corpus_dir, koku, chart)
    urgent = [(r.clowdapp, r.priority) for r in report.gaps("P1")]
    p0 = koku == "2025-10-27" and chart != "0cc9aa7d"
    unrouted = chart == "0cc9aa7d"  # no route reaches koku's API there (issue 14, unrouted-api)
    expected = [("clowder-sources-listener", "P0")] if p0 else [("clowder-api", "P1")] if unrouted else []
    assert urgent == expected, urgent
