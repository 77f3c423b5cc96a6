"""model/delta.py: what --fail-on counts with a delta, its JSON, and the schema docs/json.md publishes."""

from __future__ import annotations

import json
import re

from koku_gap.model.delta import Delta
from koku_gap.model.report import Report
from tests.helpers.files import ROOT, example_report

DOCS = ROOT / "docs" / "json.md"


def delta(**fields: object) -> Delta:
    return Delta.model_validate({"ref": "main", "commit": "a" * 40, "chart_path": "chart", **fields})


def gap_ids(report: Report) -> list[str]:
    return [r.id for r in report.gaps("P3")]


def test_only_what_the_change_opens_or_makes_worse_fails() -> None:
    report = example_report()
    opened, worse, same = gap_ids(report)[:3]  # the example has gaps to spare
    gated = report.model_copy(
        update={
            "delta": delta(
                opened=[opened], changed=[worse, same], worse=[worse], previous={worse: "P2", same: "P0"}
            )
        }
    )
    assert {r.id for r in gated.failing("P3")} == {opened, worse}
    assert {r.id for r in report.failing("P3")} >= {opened, worse, same}  # without a delta: every gap
    assert gated.model_copy(update={"delta": delta()}).failing("P3") == []  # nothing opened: nothing fails


def test_the_baseline_still_excuses_an_opened_gap() -> None:
    report = example_report()
    opened = gap_ids(report)[0]
    known = report.with_baseline("b.json", [(opened, None)])
    assert known.model_copy(update={"delta": delta(opened=[opened])}).failing("P3") == []
    assert [r.id for r in report.model_copy(update={"delta": delta(opened=[opened])}).failing("P3")] == [
        opened
    ]


def test_the_json_has_delta_only_with_one() -> None:
    report = example_report()
    assert "delta" not in report.to_dict()
    with_delta = report.model_copy(update={"delta": delta(opened=["x/y"], absent=True, note="why")})
    written = json.loads(with_delta.to_json())["delta"]
    assert written["opened"] == ["x/y"] and written["absent"] is True and written["note"] == "why"
    assert Report.model_validate_json(with_delta.to_json()) == with_delta
    assert delta().short_commit == "a" * 12


def test_docs_publish_the_models_schema() -> None:
    """docs/json.md's delta schema is the model's own (regenerate it from Delta.model_json_schema())."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## delta") : text.index("## history")]
    block = re.search(r"```json\n(\{\n  \"additionalProperties\".*?)\n```", section, re.S)
    assert block is not None, "docs/json.md: the delta section's schema block"
    assert json.loads(block.group(1)) == Delta.model_json_schema()
