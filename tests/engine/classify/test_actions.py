"""``Row.act_now``: the engine says which actions ask for nothing now, so reporters need not parse words;
and a row's evidence names each fact once."""

from __future__ import annotations

from pathlib import Path

import koku_gap
from tests.helpers.files import ROOT


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


def _scenario_with(tmp_path: Path, policy_text: str) -> koku_gap.Report:
    from tests.helpers.ci import scenario
    from tests.helpers.engine import write

    app, chart = scenario(tmp_path)
    return koku_gap.analyze([app], [chart], policy=write(tmp_path, "policy.yaml", policy_text))


def test_act_now_is_what_the_policy_says_not_what_its_words_start_with(tmp_path: Path) -> None:
    report = _scenario_with(
        tmp_path,
        "extends: default\ncomponents:\n"
        "  listener: {status: missing, reason: r, action: 'none of the listeners run yet: add it'}\n"
        "  worker-xl: {status: missing, reason: r, action: 'add it next quarter', act_now: false}\n",
    )
    by = {r.clowdapp: r for r in report.rows}
    assert (by["listener"].action or "").startswith("none") and by["listener"].act_now
    assert by["worker-xl"].action == "add it next quarter" and not by["worker-xl"].act_now


def test_a_policy_made_optional_row_gets_no_template_whatever_its_reasons_say(tmp_path: Path) -> None:
    """``Row.policy_override`` is set by the engine where the entry applied; reasons are for people."""
    from koku_gap.api import _templated

    policy = "extends: default\ncomponents:\n  listener: {status: optional, priority: P2, reason: later}\n"
    report = _scenario_with(tmp_path, policy)
    listener = next(r for r in report.rows if r.clowdapp == "listener")
    assert listener.policy_override and listener.reasons[0] == "policy: later"
    assert listener.remediation is None and not _templated(listener)
    reworded = listener.model_copy(update={"reasons": ["the team said: later"]})
    assert not _templated(reworded)  # rewording the reason changes nothing
    assert _templated(listener.model_copy(update={"policy_override": False}))
    assert "policy_override" not in listener.model_dump(mode="json")  # not part of the JSON contract
