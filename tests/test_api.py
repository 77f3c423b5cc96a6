"""The public API (api.py): the same input given twice is read once, with one `duplicate-input` warning;
read twice, each workload would be its own duplicate (64 workloads for 32, "also plays api-writes,
api-writes", gaps doubled)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import koku_gap
from koku_gap.cli import main
from koku_gap.model.errors import UsageError
from koku_gap.model.report import Report
from koku_gap.sources.helm import ChartSpec
from tests.helpers.files import ROOT

APP = ROOT / "fixtures" / "example" / "clowdapp.yaml"
RENDERED = ROOT / "fixtures" / "example" / "rendered.yaml"
CHARTS = ROOT / "fixtures" / "charts"


def _without_warnings(report: Report) -> dict[str, Any]:
    return report.model_dump(exclude={"warnings"})


def _duplicates(report: Report) -> list[tuple[str, str]]:
    return [(w.file, w.message) for w in report.warnings if w.code == "duplicate-input"]


def test_a_clowdapp_given_twice_is_read_once() -> None:
    once = koku_gap.analyze([APP], [RENDERED])
    twice = koku_gap.analyze([APP, str(APP)], [RENDERED])
    assert _without_warnings(twice) == _without_warnings(once)
    assert [i.workloads for i in twice.inputs] == [i.workloads for i in once.inputs]
    assert _duplicates(twice) == [(str(APP), "given twice: read once")]
    assert twice.warnings[1:] == once.warnings


def test_manifests_given_twice_are_read_once() -> None:
    once = koku_gap.analyze([APP], [RENDERED])
    twice = koku_gap.analyze([APP], [RENDERED, RENDERED, RENDERED])
    assert _without_warnings(twice) == _without_warnings(once)
    assert not any(w.code == "duplicate-object" for w in twice.warnings)
    assert _duplicates(twice) == [(str(RENDERED), "given 3 times: read once")]


def test_the_same_file_under_another_name_is_the_same_input(tmp_path: Path) -> None:
    link = tmp_path / "linked.yaml"
    link.symlink_to(RENDERED)
    relative = os.path.relpath(RENDERED)
    report = koku_gap.analyze([APP], [RENDERED, link, relative])
    assert [i.file for i in report.inputs if i.side == "manifests"] == [str(RENDERED)]
    assert _duplicates(report) == [
        (str(RENDERED), f"given 3 times (also as {', '.join(sorted([str(link), relative]))}): read once")
    ]


def test_two_files_with_the_same_content_are_two_inputs(tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    copy.write_bytes(RENDERED.read_bytes())
    report = koku_gap.analyze([APP], [RENDERED, copy])
    assert _duplicates(report) == []
    assert any(w.code == "duplicate-object" for w in report.warnings)


def test_cli_clowdapp_twice(capsys: pytest.CaptureFixture[str]) -> None:
    def run(*argv: str) -> dict[str, Any]:
        main([*argv, "--manifests", str(RENDERED), "--format", "json", "--fail-on", "none"])
        return dict(json.loads(capsys.readouterr().out))

    once = run("--clowdapp", str(APP))
    twice = run("--clowdapp", str(APP), "--clowdapp", str(APP))
    first, *rest = twice.pop("warnings")
    assert (first["code"], first["file"], first["line"]) == ("duplicate-input", str(APP), None)
    assert rest == once.pop("warnings")
    assert twice == once


def test_stdin_twice_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(RENDERED.read_bytes())))
    report = koku_gap.analyze([APP], ["-", "-"])
    assert report.summary.chart_workloads == koku_gap.analyze([APP], [RENDERED]).summary.chart_workloads
    assert _duplicates(report) == [("-", "given twice: read once")]


def test_a_chart_given_twice_with_the_same_options_is_rendered_once() -> None:
    app = CHARTS / "clowdapp.yaml"
    shop = CHARTS / "shop"
    values = [CHARTS / "values-cluster.yaml"]
    once = koku_gap.analyze([app], charts=[ChartSpec(shop, values=values)])
    twice = koku_gap.analyze(
        [app], charts=[ChartSpec(shop, values=values), ChartSpec(shop, values=list(values))]
    )
    assert _without_warnings(twice) == _without_warnings(once)
    assert _duplicates(twice) == [(str(shop), "given twice: read once")]
    other_values = ChartSpec(shop, values=values, set_values=["unused=1"])
    other = koku_gap.analyze([app], charts=[ChartSpec(shop, values=values), other_values])
    assert _duplicates(other) == []  # other values: another render


def test_docs_list_the_warning() -> None:
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert "| `duplicate-input` |" in doc


def test_one_app_given_two_source_checkouts_is_refused_before_either_is_read(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        koku_gap.analyze(
            APP, RENDERED, app_sources={"ledger@a": tmp_path / "one", "ledger@b": tmp_path / "missing-too"}
        )
    assert str(err.value) == (
        "app_sources['ledger@b']: app ledger is given twice; give one source checkout per app"
    )


def test_a_run_without_app_sources_loads_none_of_the_code_evidence() -> None:
    """The code-evidence models and readers (25 models, 14 ms of imports) are for --app-source runs:
    a plain analysis, in a process of its own, never imports them (docs/performance.md)."""
    probe = (
        "import sys\nfrom koku_gap.api import analyze\n"
        "analyze(['fixtures/example/clowdapp.yaml'], ['fixtures/example/rendered.yaml'])\n"
        "lazy = ('koku_gap.model.evidence', 'koku_gap.sources.appsource', 'koku_gap.engine.senders',\n"
        "        'koku_gap.engine.conditions', 'koku_gap.engine.env_meaning')\n"
        "print(sorted(m for m in sys.modules if m.startswith(lazy)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"
