"""The queue verdicts from koku's own code, on the real corpus, under the *default* policy (which knows
nothing of koku): with ``--app-source`` a queue no chart worker consumes is a P0 only with a live
sender. Checked against docs/audit/koku-verdicts.md:

- koku 4b5f85cf6's beat registers ``finalize_hcs_reports`` unconditionally (ONPREM is read nowhere at
  that commit) and the beat process autodiscovers ``hcs.tasks``, so the task lands on ``hcs`` (E5): a
  proven gap, at every chart render (none consumes ``hcs``; 0cc9aa7d runs its worker at 0 replicas).
- koku f6cc00b31's beat skips it under ONPREM=True (the chart's beat pod sets it): no live sender of
  any uncovered queue; every queue verdict is P1 at most, naming its senders.
- ``delayed_tasks_trigger`` is declared on ``download`` but the beat never loads ``masu.celery.tasks``
  at start (only functions import it): both answers are given, so ``download`` is unproven (E1, E4).

Skipped when the corpus is absent.
"""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from koku_gap.api import analyze
from koku_gap.model.report import Report, Row

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
KOKU = {
    "4b5f85cf6": "koku/clowdapp-2025-10-27-4b5f85cf6.yaml",
    "f6cc00b31": "koku/clowdapp-2026-08-14-f6cc00b31.yaml",
}
CHARTS = {
    "0cc9aa7d": "chart/cost-onprem-2026-01-12-0cc9aa7d.yaml",
    "98b90458": "chart/cost-onprem-2026-02-11-98b90458.yaml",
    "3346ee67": "chart/cost-onprem-2026-02-11-3346ee67.yaml",
    "7cc5007a": "chart/cost-onprem-2026-02-12-7cc5007a.yaml",
}


@pytest.fixture(scope="module")
def koku_sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    archives = CORPUS / "app-src"
    if not archives.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    root = tmp_path_factory.mktemp("koku-code")
    for commit in KOKU:
        with tarfile.open(archives / f"koku-{commit}.tar.gz") as archive:
            archive.extractall(root, filter="data")
    return {commit: root / f"koku-{commit}" for commit in KOKU}


def _report(koku_sources: dict[str, Path], commit: str, chart: str, *, with_source: bool = True) -> Report:
    return analyze(
        [CORPUS / KOKU[commit]],
        [CORPUS / CHARTS[chart]],
        app_sources={"koku": koku_sources[commit]} if with_source else None,
        extras=(),
    )


def _row(report: Report, name: str) -> Row:
    return next(r for r in report.rows if r.clowdapp == name)


def _queue_rows(report: Report) -> list[Row]:
    return [r for r in report.rows if r.rule and "celery-queue" in r.rule]


@pytest.mark.parametrize("chart", list(CHARTS))
def test_f6cc00b31_proves_no_queue_gap_at_any_render(koku_sources: dict[str, Path], chart: str) -> None:
    report = _report(koku_sources, "f6cc00b31", chart)
    rows = _queue_rows(report)
    assert rows, "the chart leaves queues unconsumed at every render"
    assert all(r.priority in ("P1", "P3") for r in rows), [(r.clowdapp, r.priority) for r in rows]
    for row in rows:
        if row.rule == "unproven-celery-queue":
            assert [a.name for a in row.assumptions] == ["a-path-runs"]
            assert any(e.startswith("code: ") and ".py:" in e for e in row.evidence)


@pytest.mark.parametrize("chart", list(CHARTS))
def test_the_4b5f85cf6_beat_proves_hcs(koku_sources: dict[str, Path], chart: str) -> None:
    report = _report(koku_sources, "4b5f85cf6", chart)
    hcs = _row(report, "clowder-worker-hcs")
    assert (hcs.priority, hcs.rule) == ("P0", "uncovered-celery-queue")
    assert hcs.assumptions == []  # proven by the code, not assumed
    beat = [e for e in hcs.evidence if "finalize_hcs_reports" in e]
    assert beat and "koku/koku/celery.py:213" in beat[0] and "hcs.tasks" in beat[0]
    others = [r for r in _queue_rows(report) if r.clowdapp != "clowder-worker-hcs"]
    assert all(r.priority in ("P1", "P3") for r in others)


def test_the_beat_sends_delayed_tasks_by_name_unless_a_function_imports_them(
    koku_sources: dict[str, Path],
) -> None:
    download = _row(_report(koku_sources, "f6cc00b31", "7cc5007a"), "clowder-worker-download")
    assert download.rule == "unproven-celery-queue"
    beat = next(e for e in download.evidence if "delayed_tasks_trigger" in e)
    assert "loads masu.celery.tasks only if a function of" in beat
    assert "else it sends the task by name" in beat


def test_refresh_is_sent_only_on_an_unproven_path(koku_sources: dict[str, Path]) -> None:
    """E2: the only sender of ``refresh`` is trigger_ocp_on_cloud_summary, past conditions on data."""
    refresh = _row(_report(koku_sources, "f6cc00b31", "7cc5007a"), "clowder-worker-refresh")
    assert (refresh.status, refresh.priority) == ("missing", "P1")
    code = [e for e in refresh.evidence if e.startswith("code: ")]
    assert len(code) == 1 and "koku/masu/processor/tasks.py:166" in code[0]
    assert "trigger_ocp_on_cloud_summary" in code[0]


@pytest.mark.parametrize("chart", list(CHARTS))
def test_without_the_source_every_uncovered_queue_stays_an_assumed_p0(
    koku_sources: dict[str, Path], chart: str
) -> None:
    report = _report(koku_sources, "f6cc00b31", chart, with_source=False)
    rows = _queue_rows(report)
    assert rows and all(r.priority == "P0" and r.rule == "uncovered-celery-queue" for r in rows)
    assert all([a.name for a in r.assumptions] == ["a-sender-exists"] for r in rows)


@pytest.mark.parametrize("commit", list(KOKU))
@pytest.mark.parametrize("chart", list(CHARTS))
def test_with_the_code_the_default_policy_s_only_p0_is_the_proven_beat(
    koku_sources: dict[str, Path], commit: str, chart: str
) -> None:
    """The gate never cries wolf: at f6cc00b31 nothing is proven, at 4b5f85cf6 only the hcs beat. The
    missing sources-listener (98b90458 on) is a possible gap: koku's own
    publish_application_destroy_event (f6cc00b31) and ROS's housekeeper name its topic."""
    report = _report(koku_sources, commit, chart)
    p0 = sorted(r.clowdapp or "" for r in report.rows if r.priority == "P0")
    assert p0 == (["clowder-worker-hcs"] if commit == "4b5f85cf6" else [])
    listener = _row(report, "clowder-sources-listener")
    if chart == "0cc9aa7d":
        assert listener.status == "match"
    else:
        assert (listener.priority, listener.rule) == ("P1", "unproven-kafka-consumer")
        assert any(
            "cost-onprem-ros-housekeeper names platform.sources.event-stream" in e for e in listener.evidence
        )
        by_koku = any("koku/sources/kafka_publisher.py" in e for e in listener.evidence)
        assert by_koku is (commit == "f6cc00b31")


def test_f6cc00b31_sends_nothing_to_hcs(koku_sources: dict[str, Path]) -> None:
    """E5 at f6cc00b31: the orchestrator skips HCS on ONPREM, the beat entry is SaaS-only, and the masu
    endpoints that queue HCS work are routed only under ``if not settings.ONPREM or ...``."""
    hcs = _row(_report(koku_sources, "f6cc00b31", "7cc5007a"), "clowder-worker-hcs")
    assert (hcs.status, hcs.priority, hcs.rule) == ("optional", "P3", "unsent-celery-queue")
    assert any("its view is routed only at koku/masu/api/urls.py:" in e for e in hcs.evidence)
    assert any("finalize_hcs_reports" in e and "not registered" in e for e in hcs.evidence)
