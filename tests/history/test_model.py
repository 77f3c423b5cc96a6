"""model: the records pandas reads, and the JSON schema docs/json.md publishes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from koku_gap.history.model import History
from tests.history.test_run import Walked

DOCS = Path(__file__).resolve().parents[2] / "docs" / "json.md"


def test_one_flat_record_per_commit(walked: Walked) -> None:
    _, steps, _, found = walked
    records = found.to_records()
    assert [r["sha"] for r in records] == list(steps.values())
    dropped = records[list(steps).index("drop-listener")]
    assert dropped["P0"] == 1 and dropped["status_missing"] == 1 and dropped["opened"] == 1
    assert dropped["status"] == "ok" and dropped["chart_path"] == "old" and dropped["error"] is None
    no_chart = records[0]
    assert no_chart["P0"] is None and no_chart["gaps"] is None and no_chart["status"] == "no-chart"
    assert all(isinstance(v, str | int | type(None)) for r in records for k, v in r.items() if k != "date")


def test_the_json_round_trips(walked: Walked) -> None:
    _, _, _, found = walked
    assert History.model_validate_json(found.model_dump_json()) == found


def test_docs_publish_the_models_schema() -> None:
    """docs/json.md's history schema is the model's own (regenerate it from History.model_json_schema())."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## history") :]
    block = re.search(r"```json\n(\{\n  \"\$defs\".*?)\n```", section, re.S)
    assert block is not None, "docs/json.md: the history section's schema block"
    assert json.loads(block.group(1)) == History.model_json_schema()
