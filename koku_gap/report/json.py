"""The JSON format: the Report model as is (docs/json.md is its contract)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic_core import PydanticSerializationError

from koku_gap.report._escape import json_document, surrogate_safe

if TYPE_CHECKING:
    from koku_gap.model.report import Report
    from koku_gap.report import Extra, RenderOptions

EXTRAS: tuple[Extra, ...] = ("snippets", "remediation")


def render(report: Report, _options: RenderOptions) -> str:
    """The report as JSON; pydantic-core refuses a lone surrogate (an undecodable file name, a
    ``\\udcxx`` in the baseline), so such a report is written from its dict with U+FFFD instead."""
    try:
        text = report.to_json()
    except PydanticSerializationError:
        text = json.dumps(_surrogate_free(report.to_dict()), indent=2, ensure_ascii=True) + "\n"
    return json_document(text)


def _surrogate_free(value: Any) -> Any:
    """``value`` (a report's dict) with ``surrogate_safe`` applied to every string in it."""
    if isinstance(value, str):
        return surrogate_safe(value)
    if isinstance(value, dict):
        return {surrogate_safe(k): _surrogate_free(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_surrogate_free(v) for v in value]
    return value
