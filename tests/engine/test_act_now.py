"""``Row.act_now``: the engine says which actions ask for nothing now, so reporters need not parse words;
and a row's evidence names each fact once."""

from __future__ import annotations

from pathlib import Path

import koku_gap

ROOT = Path(__file__).resolve().parents[2]


def test_act_now_follows_the_action_words() -> None:
    report = koku_gap.analyze(
        ROOT / "fixtures/example/clowdapp.yaml", ROOT / "fixtures/example/rendered.yaml"
    )
    by = {(r.clowdapp or r.chart[0]): r for r in report.rows}
    assert by["clowder-listener"].action == "none" and not by["clowder-listener"].act_now
    assert (by["api-reads"].action or "").startswith("none; check drift") and not by["api-reads"].act_now
    assert by["clowder-sync"].act_now and by["clowder-worker-export"].act_now  # missing: add it
    assert (
        by["ledger-onprem-trino-coordinator"].action == "keep"
        and not by["ledger-onprem-trino-coordinator"].act_now
    )
    assert by["ledger-onprem-ui"].act_now  # extra: check that the chart needs it
    for row in report.rows:
        assert row.act_now == (not (row.action or "none").startswith(("none", "keep")))


def test_evidence_names_each_fact_once() -> None:
    report = koku_gap.analyze(
        ROOT / "fixtures/example/clowdapp.yaml", ROOT / "fixtures/example/rendered.yaml"
    )
    for row in report.rows:
        assert len(row.evidence) == len(set(row.evidence)), row.evidence


def test_evidence_names_each_fact_once_on_ros_and_kruize(corpus: Path) -> None:
    """Their subcommands are both the role's evidence and the pair's ("runs rosocp start processor")."""
    report = koku_gap.analyze(
        sorted((corpus / "ros").glob("*.yaml")), corpus / "chart" / "cost-onprem-2026-02-12-7cc5007a.yaml"
    )
    for row in report.rows:
        assert len(row.evidence) == len(set(row.evidence)), row.evidence
