"""The terminal view: the rich table on a terminal, the plain listing when piped, and --color."""

from __future__ import annotations

import io
import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import koku_gap
from koku_gap.cli import main
from koku_gap.model.delta import Delta
from koku_gap.model.report import Report, row_order
from koku_gap.report.terminal import HEADINGS, render_plain, render_table, render_terminal, why_parts
from tests.helpers.files import ROOT, example_report, topics_report

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
    for line, row in zip(body, report.ordered_rows(), strict=True):
        assert line.split()[0] == (row.clowdapp or "—")
        assert row.status in line.split()
        assert line.endswith("; ".join(why_parts(row)))  # never wrapped, never cut
        assert row.action is None or f"do: {row.action}" in line
    assert not any(ch in text for ch in "│┃╭━")
    assert "\x1b[" not in text


def test_rows_come_by_priority_then_status_in_file_order(report: Report) -> None:
    ordered = report.ordered_rows()
    keys = [row_order(r) for r in ordered]
    assert keys == sorted(keys) and sorted(ordered, key=report.rows.index) == report.rows
    for a, b in itertools.pairwise(ordered):  # equals keep the file's order
        if row_order(a) == row_order(b):
            assert report.rows.index(a) < report.rows.index(b)
    assert ordered[0].priority == "P0" and ordered[-1].priority is None
    assert ordered != report.rows  # the example's file order is not the priority order


def test_plain_columns_line_up(report: Report) -> None:
    lines = render_plain(report).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(HEADINGS[0]))
    status_at = lines[at].index("status")
    for line, row in zip(lines[at + 1 :], report.ordered_rows(), strict=False):
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
        for part in why_parts(row):
            assert part in table and part in plain
    for line in plain.split("\n\n")[0].splitlines():
        assert line in table


def test_the_deciding_reason_is_shown_not_the_assumption(report: Report) -> None:
    """The reasons that decided a row, and its action; an ``assumed: ...`` reason stays in the
    policy evidence, unless it is all the row has."""
    row = report.rows[0]
    decided = row.model_copy(
        update={
            "reasons": [
                "queue q consumed by no chart worker",
                "assumed: x — y",
                "the chart deploys w with replicas: 0",
            ],
            "action": "scale w to 1",
        }
    )
    assert why_parts(decided) == [
        "queue q consumed by no chart worker",
        "the chart deploys w with replicas: 0",
        "do: scale w to 1",
    ]
    alone = row.model_copy(update={"reasons": ["assumed: x — y"], "action": None})
    assert why_parts(alone) == ["assumed: x — y"]


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


LONG_WORD = 40  # longer than a narrow column: a file path, whose length depends on where the repo lives


def words(text: str) -> set[str]:
    """The words of a rendered table: split at spaces and box lines, so a word cut shows as two."""
    return set(re.split(r"[\s│┃|]+", text))


def assert_whole(report: Report, text: str, width: int) -> None:
    """Every line fits ``width``; every name, reason and action is there with no word cut."""
    assert max(len(line) for line in text.splitlines()) <= width
    assert "…" not in text
    shown = words(text)
    folded = re.sub(r"[\s│┃|]+", "", text)  # a word longer than its column (a path) is folded, not lost
    for row in report.rows:
        for part in [*why_parts(row), *row.chart, row.clowdapp or ""]:
            missing = [
                w
                for w in part.split()
                if not {w, f"{w},"} & shown and not (len(w) > LONG_WORD and w in folded)
            ]
            assert not missing, (row.id, part, missing)


@pytest.mark.parametrize("width", [60, 80, 100, 120, 140, 200])
def test_the_table_fits_any_width_and_cuts_no_word(report: Report, width: int) -> None:
    """A narrow terminal (COLUMNS=80) once got 15 lines per row and a one-character chart column, and
    then reasons cut mid-word."""
    text = render_table(report, color=False, width=width)
    extents = row_extents(text)
    assert [name for name, _ in extents] == [row.clowdapp or "—" for row in report.ordered_rows()]
    assert_whole(report, text, width)


def test_narrow_terminals_wrap_each_row_below_its_names(report: Report) -> None:
    text = render_table(report, color=False, width=80)
    assert "┃" not in text
    missing = next(r for r in report.rows if r.status == "missing")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{missing.clowdapp} "))
    assert lines[at].split() == [missing.clowdapp, missing.status, missing.priority]
    assert lines[at + 1].strip() == missing.reasons[0]  # no chart workload: only why, whole when it fits
    matched = next(r for r in report.rows if r.status == "match")
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{matched.clowdapp} "))
    assert lines[at + 1].strip() == f"→ {', '.join(matched.chart)}"
    assert all(line.startswith("    ") for line in lines[at + 1 : at + 3])


def test_wide_terminals_wrap_long_reasons_whole(report: Report) -> None:
    text = render_table(report, color=False, width=140)
    assert "┃ component" in text
    row = report.rows[0]
    long = row.model_copy(update={"reasons": ["word " * 80 + "end"]})
    wrapped = render_table(report.model_copy(update={"rows": [long]}), color=False, width=140)
    (extent,) = row_extents(wrapped)
    assert extent[0] == row.clowdapp and extent[1] > 3
    assert "…" not in wrapped and "end" in words(wrapped)


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


@pytest.mark.parametrize("width", [80, 200])
@pytest.mark.parametrize("policy", ["default", "koku"])
def test_the_koku_pair_at_80_and_200_columns(corpus: Path, width: int, policy: str) -> None:
    """koku's names (33 characters) and chart names (36) stay whole at every width, and so does every
    reason and action (at 80 columns 36 of 45 reasons were once cut mid-word)."""
    report = koku_gap.analyze(
        clowdapps=[corpus / "koku/clowdapp-2026-08-14-f6cc00b31.yaml"],
        manifests=[corpus / "chart/cost-onprem-2026-02-12-7cc5007a.yaml"],
        policy=policy,
    )
    text = render_table(report, color=False, width=width)
    assert [name for name, _ in row_extents(text)] == [row.clowdapp or "—" for row in report.ordered_rows()]
    assert_whole(report, text, width)


def test_a_replicas_0_row_says_why_and_what_to_do(corpus: Path) -> None:
    """The chart deploys the queue's workers at 0 replicas: the row says so, and to scale, beside
    the chart workers (it once showed only "consumed by no chart worker")."""
    report = koku_gap.analyze(
        clowdapps=[corpus / "koku/clowdapp-2026-08-14-f6cc00b31.yaml"],
        manifests=[corpus / "chart/cost-onprem-2026-01-12-0cc9aa7d.yaml"],
    )
    row = next(r for r in report.rows if r.clowdapp == "clowder-worker-download")
    text = " ".join(render_table(report, color=False, width=80).split())
    assert "with replicas: 0, so nothing consumes download" in text
    assert f"do: {row.action}" in text and "at least 1 replica" in (row.action or "")


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


def test_a_change_says_what_it_does_against_the_ref_in_both_layouts(report: Report) -> None:
    """--compare-ref: the counts and every row id of each kind of change, as the Markdown report's
    delta table says them; a stranger's commit subject is shown, never sent to the terminal."""
    gap = next(r for r in report.rows if r.is_gap)
    delta = Delta(
        ref="main",
        commit="a" * 40,
        subject="evil \x1b]52;c;Zm9v\x07 subject",
        chart_path="chart",
        opened=[gap.id],
        closed=["shop/gone"],
        changed=["shop/slower", "shop/calmer"],
        worse=["shop/slower"],
        previous={"shop/gone": "P1", "shop/slower": "P2", "shop/calmer": "P0"},
    )
    changed = report.model_copy(update={"delta": delta})
    plain = render_plain(changed)
    table = render_table(changed, color=False, width=160)
    head = (
        "this change against main (aaaaaaaaaaaa: evil \\x1b]52;c;Zm9v\\x07 subject), in chart: 1 opened, "
        "1 closed, 2 changed (1 worse); --fail-on counts the opened and the worse"
    )
    for text in (plain, table):
        assert "\x1b]52" not in text
    assert head in plain
    assert f"    opened: {gap.id}\n    worse: shop/slower\n    closed: shop/gone\n" in plain
    assert "    changed, not worse: shop/calmer" in plain
    assert "opened: " + gap.id in " ".join(table.split())
    assert "this change against" not in render_plain(report)  # no delta without --compare-ref


def test_the_summary_counts_the_kafka_topics() -> None:
    """One line: how many topics, how many with a known producer and consumer; who is the Markdown's."""
    text = render_plain(topics_report())
    line = "kafka topics: 8, 3 with a known producer, 5 with a known consumer (who: --format markdown)"
    assert line in text.splitlines()
    assert "kafka topics" not in render_plain(example_report().model_copy(update={"topics": []}))
