"""--format junit (issue 5): one test case per row, failures for the gaps that fail the run."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from koku_gap.api import analyze
from koku_gap.cli import main
from koku_gap.model.vocabulary import GAP_STATUSES
from koku_gap.report.junit import render_junit
from tests.helpers.ci import EXPECTED, args, scenario
from tests.helpers.engine import dump, workload, write
from tests.helpers.gate import gated, ungated


def junit(capsys: pytest.CaptureFixture[str], argv: list[str], code: int) -> ET.Element:
    assert main([*argv, "--format", "junit"]) == code
    out, err = capsys.readouterr()
    assert ungated(err) == "" and gated(err) == (code == 1)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(out)


def cases(root: ET.Element) -> dict[str, ET.Element]:
    return {c.attrib["name"]: c for c in root.iter("testcase")}


def outcome(case: ET.Element) -> str:
    children = [child.tag for child in case]
    return children[0] if children else "passed"


@pytest.mark.parametrize(
    ("fail_on", "code", "failed"),
    [
        ("P0", 1, {"listener", "worker-xl"}),
        ("P1", 1, {"listener", "worker-xl", "clowder-sync"}),
        ("P2", 1, {"listener", "worker-xl", "clowder-sync", "db-migrate"}),
        ("P3", 1, set(EXPECTED)),
        ("none", 0, set()),
    ],
)
def test_failures_follow_the_threshold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fail_on: str, code: int, failed: set[str]
) -> None:
    app, chart = scenario(tmp_path)
    root = junit(capsys, args(app, chart, "--fail-on", fail_on), code)
    by_name = cases(root)
    assert sorted(by_name) == sorted(["api", "worker-fast", *EXPECTED])  # one test case per row
    assert {n for n, c in by_name.items() if outcome(c) == "failure"} == failed
    assert root.tag == "testsuites"
    assert root.attrib == {
        "name": "gap-report",
        "tests": "7",
        "failures": str(len(failed)),
        "errors": "0",
        "skipped": "0",
    }
    [suite] = root.findall("testsuite")
    assert suite.attrib["name"] == "shop" and suite.attrib["failures"] == str(len(failed))
    properties = {p.attrib["name"]: p.attrib["value"] for p in suite.iter("property")}
    assert properties == {"fail-on": fail_on, "policy": "<policy:default>"}
    for name, case in by_name.items():
        assert case.attrib["classname"] == "shop"
        assert case.attrib["file"] == str(app)
        if name in EXPECTED and name not in failed:  # a gap below the threshold says so
            out = case.find("system-out")
            assert out is not None and out.text is not None
            assert out.text.startswith(f"gap not failing (below --fail-on {fail_on})\n")


def test_failure_content(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, chart = scenario(tmp_path)
    failure = cases(junit(capsys, args(app, chart, "--fail-on", "P2"), 1))["db-migrate"].find("failure")
    assert failure is not None
    assert failure.attrib == {
        "message": "P2 partial: migrations run as a post-install hook, after the workloads start",
        "type": "post-install-migration",
    }
    assert failure.text is not None
    lines = failure.text.splitlines()
    assert lines[0] == "db-migrate (migration, Job): partial, P2"
    assert lines[1].startswith(f"ClowdApp: {app}:")
    assert lines[2].startswith(f"chart: rel-shop-migrate at {chart}:")
    assert "reason: migrations run as a post-install hook, after the workloads start" in lines
    assert any(line.startswith("action: ") for line in lines)


def test_waived_rows_are_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, chart = scenario(tmp_path)
    policy = write(
        tmp_path, "p.yaml", "extends: default\nwaivers:\n  - {component: listener, reason: in 2.0}\n"
    )
    root = junit(capsys, args(app, chart, "--policy", str(policy)), 1)
    listener = cases(root)["listener"]
    skipped = listener.find("skipped")
    assert skipped is not None and skipped.attrib == {"message": "waived: in 2.0"}
    assert root.attrib["skipped"] == "1" and root.attrib["failures"] == "1"  # worker-xl still fails


def test_baselined_gaps_pass_with_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, chart = scenario(tmp_path)
    baseline = write(
        tmp_path,
        "b.json",
        json.dumps({"format": "koku-gap-baseline", "version": 1, "gaps": [{"id": "missing:shop/listener"}]}),
    )
    root = junit(capsys, args(app, chart, "--baseline", str(baseline)), 1)
    listener = cases(root)["listener"]
    assert outcome(listener) == "system-out"
    assert listener[0].text is not None and listener[0].text.startswith(
        "gap not failing (known from the baseline)"
    )
    assert outcome(cases(root)["worker-xl"]) == "failure"
    properties = {p.attrib["name"]: p.attrib["value"] for p in root.iter("property")}
    assert properties["baseline"] == str(baseline)


def test_chart_rows_and_several_apps(tmp_path: Path) -> None:
    """Chart-only rows are test cases too (named by the workload), in a suite of the chart's app."""
    app, chart = scenario(tmp_path)
    chart.write_text(chart.read_text() + "---\n" + dump(workload("rel-extra", command=["sleep"])))
    report = analyze([app], [chart])
    root = ET.fromstring(render_junit(report, "P0"))
    suites = {s.attrib["name"]: s for s in root.findall("testsuite")}
    assert sorted(suites) == sorted({r.app for r in report.rows})
    [extra] = [r for r in report.rows if r.clowdapp is None]
    case = cases(suites[extra.app])["rel-extra"]
    assert case.attrib["classname"] == extra.app
    assert outcome(case) == "passed"
    assert int(root.attrib["tests"]) == len(report.rows)
    assert all(r.rule is None for r in report.rows if r.status not in GAP_STATUSES)


def test_text_that_xml_cannot_hold_is_replaced(tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    report = analyze([app], [chart])
    rows = [
        r.model_copy(update={"reasons": ["bad \x01 byte & <tag> \ud800"]}) if r.clowdapp == "listener" else r
        for r in report.rows
    ]
    text = render_junit(report.model_copy(update={"rows": rows}), "P0")
    failure = cases(ET.fromstring(text))["listener"].find("failure")
    assert failure is not None
    assert failure.attrib["message"] == "P0 missing: bad \ufffd byte & <tag> \ufffd"


def test_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, chart = scenario(tmp_path)
    main([*args(app, chart), "--format", "junit"])
    first = capsys.readouterr().out
    main([*args(app, chart), "--format", "junit"])
    assert capsys.readouterr().out == first
    assert "time" not in first and "timestamp" not in first
