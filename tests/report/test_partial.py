"""A partial analysis says so first in every format (issue 16): the shop chart with its listener
template failing, rendered with ``--skip-failing-templates``."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from koku_gap.cli import main
from tests.helpers.gate import gated, ungated
from tests.sources.helm.charts import APP, CLUSTER, LISTENER, SHOP

LEFT_OUT = "shop/templates/listener.yaml"


@pytest.fixture
def argv(tmp_path: Path) -> list[str]:
    """The shop chart whose listener template fails offline, and the options that skip it."""
    pytest.importorskip("helm_python")
    chart = tmp_path / "shop"
    shutil.copytree(SHOP, chart)
    template = chart / "templates" / "listener.yaml"
    template.write_text('{{- fail "listener: set listener.broker" }}\n' + template.read_text())
    return ["--clowdapp", APP, "--chart", str(chart), "--values", CLUSTER, "--values", LISTENER,
            "--skip-failing-templates"]  # fmt: skip


def _run(argv: list[str], fmt: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([*argv, "--format", fmt])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_says_partial_first_and_the_listener_is_not_rendered(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(argv, "json", capsys)
    report = json.loads(out)
    assert list(report)[:2] == ["schema_version", "partial"]
    [skipped] = report["partial"]["skipped"]
    assert skipped["template"] == LEFT_OUT and "set listener.broker" in skipped["message"]
    listener = next(r for r in report["rows"] if r["clowdapp"] == "listener")
    assert listener["unrendered"] == [LEFT_OUT] and listener["priority"] == "P0"
    # the gate still counts it (it may be missing) and its closing line says the analysis was partial
    assert code == 1 and gated(err) and ungated(err) == ""
    assert "listener (P0 not rendered)" in err
    assert "partial analysis: 1 chart template(s) not rendered, which may hold 1 of these" in err


def test_terminal_says_partial_first(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(argv, "terminal", capsys)
    lines = out.splitlines()
    assert lines[0].startswith("PARTIAL ANALYSIS: 1 chart template(s) failed to render")
    assert lines[1] == f"  left out: {LEFT_OUT}"
    [row] = [line for line in lines if line.startswith("listener ")]
    assert "not rendered  P0" in row and "missing" not in row.split("P0")[0]


def test_markdown_says_partial_before_the_summary(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = _run(argv, "markdown", capsys)
    assert out.index("## ⚠️ Partial analysis") < out.index("## Executive summary")
    assert f"- `{LEFT_OUT}`: " in out
    assert "- ❔ **Not rendered** (may be in a template left out of the render): 1: `listener`." in out
    assert "| `listener` |" in out and "| ❔ not rendered | P0 |" in out
    assert "**What it lacks**" not in out.split("## Deployment comparison matrix")[0]


def test_sarif_opens_with_a_note(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(argv, "sarif", capsys)
    run = json.loads(out)["runs"][0]
    first = run["results"][0]
    assert (first["ruleId"], first["level"]) == ("partial-analysis", "note")
    assert LEFT_OUT in first["message"]["text"]
    assert run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == "partial-analysis"
    assert run["properties"]["partial"] == {"skipped": [LEFT_OUT]}
    listener = next(r for r in run["results"] if r["properties"].get("id") == "shop/listener")
    assert listener["properties"]["unrendered"] == [LEFT_OUT]
    assert listener["message"]["text"].startswith("listener (kafka-consumer): not rendered, P0.") or (
        "not rendered" in listener["message"]["text"].split(".")[0]
    )


def test_junit_opens_each_suite_with_a_skipped_case(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = _run(argv, "junit", capsys)
    root = ET.fromstring(out)
    for suite in root.iter("testsuite"):
        properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert properties["partial"] == LEFT_OUT
        first = suite.find("testcase")
        assert first is not None and first.get("name") == "partial analysis"
        skipped = first.find("skipped")
        assert skipped is not None and "1 chart template(s) failed to render" in str(skipped.get("message"))


def test_github_opens_with_a_warning(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(argv, "github", capsys)
    lines = out.splitlines()
    assert lines[0].startswith("::warning title=gap-report%3A partial analysis::1 chart template(s) failed")
    assert "Not rendered (their counterpart may be in those templates): listener." in lines[0]
    assert "partial analysis: 1 chart template(s) not rendered" in lines[-1]
