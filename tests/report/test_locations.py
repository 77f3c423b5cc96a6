"""Alike warnings about a chart's render name the templates they are in (issue 16: ``duplicate-key …
securityContext × 44`` named only render lines)."""

from __future__ import annotations

from pathlib import Path

from koku_gap.api import analyze
from koku_gap.model.location import Notice
from koku_gap.report.markdown import render_markdown
from tests.helpers.ci import scenario


def _duplicate(line: int, template: str, at: int) -> Notice:
    return Notice(
        code="duplicate-key",
        message=f"duplicate key 'securityContext' (first at line {line - 5}, again at line {line}); "
        "the last value wins",
        file="chart",
        line=line,
        template=f"c/templates/{template}",
        template_file=f"chart/templates/{template}",
        template_line=at,
    )


def test_grouped_warnings_name_their_templates_then_the_render_lines(tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    report = analyze([app], [chart])
    notes = [_duplicate(100 * n, f"w{n % 2}.yaml", 14) for n in range(1, 6)]
    text = render_markdown(report.model_copy(update={"warnings": notes}))
    assert (
        "- `chart` (duplicate-key) × 5: duplicate key 'securityContext'; the last value wins — in "
        "`chart/templates/w1.yaml:14`, `chart/templates/w0.yaml:14` (render lines 100, 200, 300, 400, 500)"
    ) in text


def test_one_warning_opens_its_template_and_keeps_the_render_line(tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    report = analyze([app], [chart])
    text = render_markdown(report.model_copy(update={"warnings": [_duplicate(2076, "api.yaml", 72)]}))
    assert "- `chart/templates/api.yaml:72` (rendered `chart:2076`) (duplicate-key): duplicate key" in text
