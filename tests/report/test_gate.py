"""The gate's closing line (report/_gate.py, said by the CLI): a failing ``--fail-on`` says why on
stderr, in every format and with --output; a passing one adds nothing there."""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap.cli import _say, main
from koku_gap.model.report import Report
from koku_gap.report._gate import gate_line
from tests.helpers.files import ROOT, example_report

APP = str(ROOT / "fixtures/example/clowdapp.yaml")
CHART = str(ROOT / "fixtures/example/rendered.yaml")


@pytest.fixture
def report() -> Report:
    return example_report()


def test_the_line_names_the_threshold_the_count_and_the_worst(report: Report) -> None:
    line = gate_line(report, "P2")
    failing = report.failing("P2")
    assert line is not None and "\n" not in line
    assert line.startswith(f"gap-report: --fail-on P2 failed: {len(failing)} gap(s) at P2 or above (")
    assert "1 P0, 1 P1, 3 P2" in line
    # the worst first: the P0, then the P1, then the first P2 by status and file order; the rest counted
    assert line.endswith(
        ": clowder-worker-export (P0 missing), clowder-sync (P1 missing), nightly-cleanup (P2 missing)"
        f" and {len(failing) - 3} more"
    )


def test_no_line_when_the_run_passes(report: Report) -> None:
    assert gate_line(report, "none") is None
    waived = report.model_copy(update={"rows": [r.model_copy(update={"waived": True}) for r in report.rows]})
    assert gate_line(waived, "P3") is None


@pytest.mark.parametrize(
    "flags",
    [
        ["--format", "markdown", "--output", "{out}/report.md"],
        ["--format", "terminal"],
        ["--format", "github"],
    ],
)
def test_every_format_closes_a_failing_run_on_stderr(
    flags: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], report: Report
) -> None:
    argv = [
        "--clowdapp",
        APP,
        "--manifests",
        CHART,
        "--fail-on",
        "P1",
        *(f.format(out=tmp_path) for f in flags),
    ]
    assert main(argv) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [gate_line(report, "P1")]
    assert err[0].startswith("gap-report: --fail-on P1 failed: 2 gap(s) at P1 or above (1 P0, 1 P1): ")


@pytest.mark.parametrize(
    "flags",
    [
        ["--format", "markdown", "--output", "{out}/report.md"],
        ["--format", "terminal"],
        ["--format", "github"],
    ],
)
def test_a_passing_run_adds_nothing_on_stderr(
    flags: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "--clowdapp",
        APP,
        "--manifests",
        CHART,
        "--fail-on",
        "none",
        *(f.format(out=tmp_path) for f in flags),
    ]
    assert main(argv) == 0
    assert capsys.readouterr().err == ""


def test_names_in_the_line_are_escaped_for_a_ci_log(
    report: Report, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = "w\x1b]52;c;AAAA\x07 ##[error]x"
    rows = [r.model_copy(update={"clowdapp": hostile}) if r.priority == "P0" else r for r in report.rows]
    line = gate_line(report.model_copy(update={"rows": rows}), "P0")
    assert line is not None and hostile in line  # the text as it is; _say shows it for the log
    _say(line)
    said = capsys.readouterr().err
    assert "\x1b" not in said and "\x07" not in said and "##[" not in said
    assert "\\x1b]52;c;AAAA\\x07" in said
