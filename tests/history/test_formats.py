"""The formats: JSON as the model, CSV a line per commit, Markdown with the curve; every text from the
repository escaped for where it lands."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from koku_gap.history.formats import FORMATS, render
from koku_gap.history.model import CommitResult, History, RowChange
from tests.history.test_run import Walked

HOSTILE = "=cmd|' /C calc'!A0 ##[error]x <b>| [link](http://x)\x1b[31m"


def hostile() -> History:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    return History(
        repo="r",
        chart_paths=["kiosk"],
        commits=[
            CommitResult(
                sha="a" * 40,
                date=when,
                subject=HOSTILE,
                chart_path="kiosk",
                tree="t" * 40,
                status="ok",
                by_priority={"P0": 1},
                gaps=1,
            ),
            CommitResult(
                sha="b" * 40,
                date=when,
                subject="::warning::x",
                chart_path="kiosk",
                tree="u" * 40,
                status="render-failed",
                error=f"kiosk/x.yaml: {HOSTILE}",
            ),
            CommitResult(
                sha="c" * 40,
                date=when,
                subject="ok",
                chart_path="kiosk",
                tree="t" * 40,
                status="ok",
                previous="a" * 40,
                closed=[RowChange(id="k/`x`|y", priority=None, previous="P0", status=None)],
            ),
        ],
    )


def test_the_formats() -> None:
    assert FORMATS == ("csv", "json", "markdown")
    with pytest.raises(ValueError, match="the formats are csv, json, markdown"):
        render(hostile(), "sarif")


def test_json_is_the_model(walked: Walked) -> None:
    _, _, _, found = walked
    text = render(found, "json")
    assert History.model_validate(json.loads(text)) == found
    assert list(json.loads(text))[-1] == "commits"


def test_csv_one_line_per_commit(walked: Walked) -> None:
    _, steps, _, found = walked
    rows = list(csv.DictReader(io.StringIO(render(found, "csv"))))
    assert [r["sha"] for r in rows] == list(steps.values())
    assert rows[list(steps).index("drop-listener")]["P0"] == "1" and rows[0]["P0"] == ""


def test_csv_cells_are_no_formulas_and_no_commands() -> None:
    text = render(hostile(), "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["subject"].startswith("'=cmd")
    assert "\x1b" not in text and "##[" not in text
    assert not any(line.lstrip().startswith("::") for line in text.splitlines())


def test_markdown_has_the_curve_the_table_and_the_changes(walked: Walked) -> None:
    _, steps, _, found = walked
    text = render(found, "markdown")
    assert "```mermaid" in text and "xychart-beta" in text
    chart = text[text.index("xychart-beta") : text.index("```", text.index("xychart-beta"))]
    assert chart.count("  line [") == 4
    assert "  line [0, 0, 1, 0, 0, 0]" in chart  # P0 over the 6 analysed commits
    assert "Lines: P0 red, P1 orange, P2 olive, P3 grey." in text
    assert (
        f"| `{steps['drop-listener'][:7]}` | drop the listener | `old` | ok | 1 | 0 | 0 | 0 | 1 | 1 | 0 | 0 |"
        in text
    )
    assert "- opened: `kiosk/listener` P0 (missing)" in text
    assert "- closed: `kiosk/listener` was P0 (now match)" in text
    assert "## Not rendered" in text and "kiosk/templates/route.yaml" in text


def test_markdown_escapes_the_repositorys_text() -> None:
    text = render(hostile(), "markdown")
    assert "\x1b" not in text and "##[" not in text and "<b>" not in text
    assert "\\[link]" in text and "\\|" in text
    assert "- closed: ``k/`x`\\|y`` was P0 (the row is gone)" in text


def test_a_history_with_nothing_analysed_has_no_curve() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    empty = History(
        repo="r",
        chart_paths=["k"],
        commits=[
            CommitResult(sha="a" * 40, date=when, subject="s", chart_path=None, tree=None, status="no-chart")
        ],
    )
    text = render(empty, "markdown")
    assert "mermaid" not in text and "| no-chart |" in text
