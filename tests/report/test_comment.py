"""report/_comment.py: the pull-request comment body within GitHub's limit, and the action's outputs."""

from __future__ import annotations

import re
from pathlib import Path

from koku_gap.api import analyze
from koku_gap.model.delta import Delta
from koku_gap.model.report import Report, row_order
from koku_gap.report._comment import COMMENT_LIMIT, MARKER, github_outputs, pr_comment
from tests.helpers.ci import scenario
from tests.helpers.files import example_report


def test_the_comment_leads_with_the_verdict_and_lists_the_worst_gaps_first_collapsed(tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    report = analyze([app], [chart])
    text = pr_comment(report, "P0")
    lines = text.splitlines()
    assert lines[:2] == [MARKER, "### ❌ gap-report: 2 gap(s) at or above P0 fail this change"]
    assert "<details>" in lines and lines.index("</details>") > lines.index("<details>")
    listed = [line.split(" | ")[0].removeprefix("| ") for line in lines if re.match(r"\| P\d ", line)]
    expected = [str(r.priority) for r in sorted(report.gaps("P3"), key=row_order)]
    assert listed == expected == sorted(expected)
    assert "This change" not in text  # no delta without --compare-ref


def test_the_comment_leads_with_the_delta(tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    report = analyze([app], [chart])
    delta = Delta(
        ref="main", commit="b" * 40, subject="a subject", chart_path="chart", opened=["shop/listener"]
    )
    text = pr_comment(report.model_copy(update={"delta": delta}), "P0")
    assert "### ❌ gap-report: 1 gap(s) at or above P0 fail this change" in text
    assert text.index("#### This change, against `main`") < text.index("<details>")
    assert "| opened | `listener` |" in text


def test_a_comment_too_long_is_cut_with_a_note_and_stays_well_formed() -> None:
    """400 copies of the example's gaps: over GitHub's limit, cut after whole lines, with the note."""
    report = example_report()
    rows = [
        r.model_copy(update={"id": f"{r.id}-{i}", "clowdapp": f"{r.clowdapp}-{i}"})
        for i in range(400)
        for r in report.gaps("P3")
    ]
    text = pr_comment(report.model_copy(update={"rows": rows}), "P0")
    assert len(text) <= COMMENT_LIMIT
    listed = [line for line in text.splitlines() if re.match(r"\| P\d ", line)]
    note = re.search(r"_(\d+) more line\(s\) left out: a comment holds at most 65,536 characters", text)
    assert note is not None and len(listed) + int(note.group(1)) == len(rows)
    assert text.count("<details>") == text.count("</details>") == 1
    assert text.index("</details>") < note.start()
    whole = pr_comment(report, "P0")
    assert "left out" not in whole and len(whole) < COMMENT_LIMIT


def test_github_outputs(tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    report = analyze([app], [chart])
    assert (
        github_outputs(report, "P0") == "gaps-opened=5\ngaps-closed=0\nhighest-priority=P0\ngaps-failing=2\n"
    )
    delta = Delta(
        ref="main", commit="c" * 40, chart_path=".", opened=["shop/listener"], closed=["shop/x", "shop/y"]
    )
    with_delta = report.model_copy(update={"delta": delta})
    assert github_outputs(with_delta, "P0").splitlines()[:2] == ["gaps-opened=1", "gaps-closed=2"]
    baselined = report.with_baseline("b.json", [("shop/listener", None), ("shop/gone", None)])
    assert github_outputs(baselined, "P0").splitlines()[:2] == ["gaps-opened=4", "gaps-closed=1"]
    clean = Report.model_validate({**report.to_dict(), "rows": []}).model_copy(
        update={"summary": report.summary.model_copy(update={"highest_priority": None, "gaps": 0})}
    )
    assert "highest-priority=none" in github_outputs(clean, "P0")
