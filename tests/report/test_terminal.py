"""The terminal view: the rich table on a terminal, the plain listing when piped, and --color."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import koku_gap
from koku_gap.cli import main
from koku_gap.model.report import Report
from koku_gap.report.terminal import HEADINGS, WHY_LINES, render_plain, render_table, render_terminal
from tests.helpers.files import ROOT, example_report

APP = ROOT / "fixtures/example/clowdapp.yaml"
CHART = ROOT / "fixtures/example/rendered.yaml"
GAP_REPORT = (sys.executable, "-m", "koku_gap.cli")


@pytest.fixture
def report() -> Report:
    return example_report()


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
    text = render_terminal(report, width=140)
    assert "┃" in text and "component" in text
    assert "\x1b[" in text


def test_no_color_keeps_the_table_without_colour(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", FakeTTY())
    monkeypatch.setenv("NO_COLOR", "1")
    text = render_terminal(report, width=140)
    assert "┃ component" in text
    assert "\x1b[" not in text
    assert all(len(line) <= 140 for line in text.splitlines())
    for row in report.rows:
        if row.clowdapp:
            assert row.clowdapp in text  # component names are never folded
    assert render_terminal(report, color="never", width=140) == text


def test_always_colours_even_when_piped(report: Report) -> None:
    text = render_terminal(report, color="always", width=140)
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
        env={**os.environ, "COLUMNS": "140"},
    )
    assert ("┃" in run.stdout) is table
    assert ("\x1b[" in run.stdout) is coloured


def test_cli_report_written_to_a_file_is_plain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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


def row_extents(text: str) -> list[tuple[str, int]]:
    """Each table row's first cell and how many lines the row takes, in either table layout.

    A row starts on a line whose first cell is not blank: ``│ name`` in the boxed table, ``name`` at
    the margin in the two-line layout; its continuation lines are blank there.
    """
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith(("┡", "─")))
    body: list[str] = []
    for line in lines[top + 1 :]:
        if line.startswith("└") or "warning(s)" in line:
            break
        body.append(line)
    rows: list[tuple[str, int]] = []
    for line in body:
        cell = line.removeprefix("│ ")
        if cell[:1].strip():
            rows.append((cell.split()[0], 1))
        else:
            name, count = rows[-1]
            rows[-1] = (name, count + 1)
    return rows


@pytest.mark.parametrize("width", [60, 80, 100, 120, 140, 200])
def test_the_table_fits_any_width_with_short_rows(report: Report, width: int) -> None:
    """A narrow terminal (COLUMNS=80) once got 15 lines per row and a one-character chart column."""
    text = render_table(report, color=False, width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    extents = row_extents(text)
    assert [name for name, _ in extents] == [row.clowdapp or "—" for row in report.rows]  # whole names
    assert all(1 <= lines <= WHY_LINES for _, lines in extents), extents
    for row in report.rows:  # every chart name whole too (the two-line layout cuts only at the edge)
        for name in row.chart:
            assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text), name


def test_narrow_terminals_get_two_lines_per_row(report: Report) -> None:
    text = render_table(report, color=False, width=80)
    assert "┃" not in text
    assert [lines for _, lines in row_extents(text)] == [2] * len(report.rows)
    missing = next(r for r in report.rows if r.status == "missing")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{missing.clowdapp} "))
    assert lines[at].split() == [missing.clowdapp, missing.status, missing.priority]
    assert lines[at + 1].strip() == missing.reasons[0]  # no chart workload: only why, whole when it fits
    matched = next(r for r in report.rows if r.status == "match")
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{matched.clowdapp} "))
    assert lines[at + 1].strip().startswith(f"→ {matched.chart[0]}: ")
    assert any(line.endswith("…") for line in lines)  # long reasons are cut at the edge, not wrapped


def test_wide_terminals_keep_the_boxed_table(report: Report) -> None:
    text = render_table(report, color=False, width=140)
    assert "┃ component" in text
    row = report.rows[0]
    long = row.model_copy(update={"reasons": ["word " * 80]})
    clipped = render_table(report.model_copy(update={"rows": [long]}), color=False, width=140)
    (extent,) = row_extents(clipped)
    assert extent == (row.clowdapp, WHY_LINES)
    assert "…" in clipped


def test_the_narrow_layout_keeps_colour(report: Report) -> None:
    text = render_table(report, color=True, width=80)
    assert "\x1b[" in text and "┃" not in text


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_cli_table_at_the_terminal_width(columns: str) -> None:
    run = subprocess.run(
        [
            *GAP_REPORT,
            "--clowdapp",
            str(APP),
            "--manifests",
            str(CHART),
            "--fail-on",
            "none",
            "--color",
            "always",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": columns},
    )
    plain = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout)
    assert max(len(line) for line in plain.splitlines()) <= int(columns)
    assert len(row_extents(plain)) == 19


@pytest.mark.parametrize("width", [60, 80, 120, 160])
def test_the_koku_pair_at_any_width(corpus: Path, width: int) -> None:
    """koku's names (33 characters) and chart names (36) stay whole at every width."""
    report = koku_gap.analyze(
        clowdapps=[corpus / "koku/clowdapp-2026-08-14-f6cc00b31.yaml"],
        manifests=[corpus / "chart/cost-onprem-2026-02-12-7cc5007a.yaml"],
        policy="koku",
    )
    text = render_table(report, color=False, width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    extents = row_extents(text)
    assert [name for name, _ in extents] == [row.clowdapp or "—" for row in report.rows]
    assert all(lines <= WHY_LINES for _, lines in extents)


def test_width_comes_from_columns_then_stderr_then_120(monkeypatch: pytest.MonkeyPatch) -> None:
    from koku_gap.report import terminal

    monkeypatch.setenv("COLUMNS", "91")
    assert terminal.terminal_width() == 91
    monkeypatch.delenv("COLUMNS")
    # the modules terminal.py calls (shutil, os), patched for the test's duration
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback: os.terminal_size(fallback))
    monkeypatch.setattr(os, "get_terminal_size", lambda _fd: os.terminal_size((77, 20)))
    assert terminal.terminal_width() == 77  # stdout piped, stderr still at the terminal

    def no_terminal(_fd: int) -> os.terminal_size:
        raise OSError("not a terminal")

    monkeypatch.setattr(os, "get_terminal_size", no_terminal)
    assert terminal.terminal_width() == 120
