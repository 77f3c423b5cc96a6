"""The terminal view: the rich table on a terminal, the plain listing when piped, and --color."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

import koku_gap
from koku_gap.cli import main
from koku_gap.report.model import Report
from koku_gap.report.terminal import HEADINGS, render_plain, render_terminal

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "fixtures/example/clowdapp.yaml"
CHART = ROOT / "fixtures/example/rendered.yaml"
GAP_REPORT = (sys.executable, "-m", "koku_gap.cli")


@pytest.fixture(scope="module")
def report() -> Report:
    return koku_gap.analyze(clowdapps=[APP], manifests=[CHART])


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_piped_output_is_one_line_per_row(report: Report) -> None:
    text = render_terminal(report)  # pytest's stdout is not a terminal
    assert text == render_plain(report)
    lines = text.splitlines()
    header = lines.index(next(line for line in lines if line.startswith(HEADINGS[0])))
    body = lines[header + 1 : header + 1 + len(report.rows)]
    assert len(body) == len(report.rows)
    for line, row in zip(body, report.rows, strict=True):
        assert line.split()[0] == (row.clowdapp or "—")
        assert row.status in line.split()
        assert (row.reasons[0] if row.reasons else "") in line  # never wrapped, never cut
    assert not any(ch in text for ch in "│┃╭━")
    assert "\x1b[" not in text


def test_plain_columns_line_up(report: Report) -> None:
    lines = render_plain(report).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(HEADINGS[0]))
    status_at = lines[at].index("status")
    for line, row in zip(lines[at + 1 :], report.rows, strict=False):
        assert line[status_at:].startswith(row.status)


def test_table_on_a_terminal_with_colour(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", FakeTTY())
    monkeypatch.delenv("NO_COLOR", raising=False)
    text = render_terminal(report, width=120)
    assert "┃" in text and "component" in text
    assert "\x1b[" in text


def test_no_color_keeps_the_table_without_colour(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", FakeTTY())
    monkeypatch.setenv("NO_COLOR", "1")
    text = render_terminal(report, width=100)
    assert "┃ component" in text
    assert "\x1b[" not in text
    assert all(len(line) <= 100 for line in text.splitlines())
    for row in report.rows:
        if row.clowdapp:
            assert row.clowdapp in text  # component names are never folded
    assert render_terminal(report, color="never", width=100) == text


def test_always_colours_even_when_piped(report: Report) -> None:
    text = render_terminal(report, color="always", width=120)
    assert "┃" in text
    assert "\x1b[" in text


def test_table_width_is_respected(report: Report) -> None:
    narrow = render_terminal(report, table=True, color="never", width=80)
    assert max(len(line) for line in narrow.splitlines()) <= 80


def test_both_layouts_say_the_same(report: Report) -> None:
    table = render_terminal(report, table=True, color="never", width=400)
    plain = render_plain(report)
    for row in report.rows:
        assert row.status in table and row.status in plain
        assert (row.reasons[0] if row.reasons else "") in table
    for line in plain.split("\n\n")[0].splitlines():
        assert line in table


def test_waived_rows_say_so(report: Report) -> None:
    row = next(r for r in report.rows if r.priority)
    waived = report.model_copy(update={"rows": [row.model_copy(update={"waived": True})]})
    assert f"{row.status} (waived)" in render_plain(waived)


@pytest.mark.parametrize(
    ("flags", "table", "coloured"),
    [([], False, False), (["--color", "never"], False, False), (["--color", "always"], True, True)],
)
def test_cli_color_flag_when_piped(flags: list[str], table: bool, coloured: bool) -> None:
    run = subprocess.run(
        [*GAP_REPORT, "--clowdapp", str(APP), "--manifests", str(CHART), "--fail-on", "none", *flags],
        capture_output=True,
        text=True,
        check=True,
    )
    assert ("┃" in run.stdout) is table
    assert ("\x1b[" in run.stdout) is coloured


def test_cli_report_written_to_a_file_is_plain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", FakeTTY())
    out = tmp_path / "report.txt"
    assert (
        main(["--clowdapp", str(APP), "--manifests", str(CHART), "--fail-on", "none", "--output", str(out)])
        == 0
    )
    text = out.read_text()
    assert "┃" not in text and "\x1b[" not in text


def test_cli_rejects_an_unknown_color(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--clowdapp", str(APP), "--manifests", str(CHART), "--color", "sometimes"]) == 2
    assert "--color" in capsys.readouterr().err
