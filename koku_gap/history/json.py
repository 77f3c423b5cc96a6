"""The history as JSON: the model as is (docs/json.md, "history", is its contract and schema)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from koku_gap.report._escape import json_document

if TYPE_CHECKING:
    from koku_gap.history.model import History


def render(history: History) -> str:
    """``{"schema_version": 1, ..., "commits": [...]}``, safe for a terminal and a CI log."""
    return json_document(history.model_dump_json(indent=2, ensure_ascii=True) + "\n")
