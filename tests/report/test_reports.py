"""The Markdown report: structure, truthfulness and notebook hooks (the terminal view: test_terminal.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import koku_gap
from koku_gap.model.report import Report
from koku_gap.report.markdown import render_markdown

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def report() -> Report:
    return koku_gap.analyze(
        clowdapps=[ROOT / "fixtures/example/clowdapp.yaml"],
        manifests=[ROOT / "fixtures/example/rendered.yaml"],
    )


def test_markdown_has_every_section_in_order(report: Report) -> None:
    text = render_markdown(report)
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == [
        "Executive summary",
        "Deployment comparison matrix",
        "Gaps in detail",
        "Priority fixes",
        "Drift in matched components",
        "What the chart does better, and what else it runs",
        "Celery queue coverage",
        "Platform services",
        "Component graph",
        "Warnings",
        "Next steps",
    ]


def test_matrix_has_one_line_per_row(report: Report) -> None:
    text = render_markdown(report)
    matrix = text.split("## Deployment comparison matrix")[1].split("##")[0]
    lines = [
        line for line in matrix.splitlines() if line.startswith("| ") and not line.startswith("| Component")
    ]
    assert len(lines) == len(report.rows)
    for row in report.rows:
        if row.clowdapp:
            assert sum(f"| `{row.clowdapp}` |" in line for line in lines) == 1


def test_each_detailed_gap_shows_the_real_clowdapp_lines(report: Report) -> None:
    text = render_markdown(report)
    source = (ROOT / "fixtures/example/clowdapp.yaml").read_text(encoding="utf-8").splitlines()
    for row in report.rows:
        if row.priority not in ("P0", "P1", "P2"):
            continue
        assert f"### {row.priority} · `{row.clowdapp}`" in text
        assert row.snippet and row.source and row.clowdapp
        assert f"- name: {row.clowdapp}" in row.snippet
        assert source[row.source.line - 1].strip().endswith(row.clowdapp)
        for kept in (
            line for line in row.snippet.splitlines() if "not shown" not in line and "more lines" not in line
        ):
            assert any(kept.strip() == s.strip() for s in source), kept


def test_suggested_templates_only_for_rows_without_counterpart(report: Report) -> None:
    for row in report.rows:
        if row.remediation is not None:
            assert not row.targets and row.status in ("missing", "partial", "optional")
    text = render_markdown(report)
    assert "Suggested Helm template <code>templates/clowder-worker-export-deployment.yaml</code>" in text


def test_mermaid_block_has_every_component_and_edge(report: Report) -> None:
    text = render_markdown(report)
    block = text.split("```mermaid\n")[1].split("```")[0]
    assert block.startswith("flowchart LR")
    for row in report.rows:
        for name in [*([row.clowdapp] if row.clowdapp else []), *row.chart]:
            assert f'["{name}"]' in block
    edges = [line for line in block.splitlines() if "-->|" in line]
    assert len(edges) == sum(len(r.targets) for r in report.rows if r.clowdapp)


def test_date_only_when_given(report: Report) -> None:
    assert "**Date**" not in render_markdown(report)
    assert "**Date**: 2026-11-26" in render_markdown(report, date="2026-11-26")


def test_notebook_hooks(report: Report) -> None:
    assert report._repr_markdown_() == report.to_markdown() == render_markdown(report)
    assert all(r.priority in ("P0", "P1") for r in report.gaps(min_priority="P1"))
    assert {r.id for r in report.gaps("P3")} >= {r.id for r in report.gaps("P1")}
    assert report.to_dict()["schema_version"] == 1
