"""The JSON format: the Report model as is (docs/json.md is its contract)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from koku_gap.model.report import Report
    from koku_gap.report import Extra, RenderOptions

EXTRAS: tuple[Extra, ...] = ("snippets", "remediation")


def render(report: Report, _options: RenderOptions) -> str:
    return report.to_json()
