"""``Report.to_json`` is serialised by pydantic-core: the same text ``json.dumps(indent=2)`` writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import koku_gap
from koku_gap.model.location import Notice
from koku_gap.model.report import Report

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report() -> Report:
    return koku_gap.analyze(ROOT / "fixtures/example/clowdapp.yaml", ROOT / "fixtures/example/rendered.yaml")


def test_to_json_is_json_dumps_text(report: Report) -> None:
    assert report.to_json() == json.dumps(report.to_dict(), indent=2) + "\n"


def test_non_ascii_is_escaped_as_json_dumps_does(report: Report) -> None:
    odd = Notice(code="x", file="é€😀.yaml", line=1, message="naïve — “quoted” \x07 bell")
    with_odd = report.model_copy(update={"warnings": [odd]})
    assert with_odd.to_json() == json.dumps(with_odd.to_dict(), indent=2) + "\n"
    assert with_odd.to_json().isascii()


def test_the_corpus_reports_too(corpus: Path) -> None:
    koku = sorted((corpus / "koku").glob("*.yaml"))[-1]
    chart = corpus / "chart" / "cost-onprem-2026-02-12-7cc5007a.yaml"
    full = koku_gap.analyze(koku, chart, policy="koku")
    assert full.to_json() == json.dumps(full.to_dict(), indent=2) + "\n"
