"""The terminal view: a rich table coloured by status and priority for a person at a terminal, and a
plain one-line-per-row listing when piped, so ``gap-report | grep missing`` finds whole rows. A terminal
too narrow for the boxed table with whole names (COLUMNS=80) gets each row as a line of names, then its
chart workloads, reasons and action wrapped below it. Nothing is cut: ``why`` is the reasons that
decided the row (``Row.why``) and its action, wrapped at word boundaries. Rows come by priority, then
status (``Report.ordered_rows``).

Piped output is what scripts and pagers read: box drawing and wrapped cells only get in their way
(the same choice ``gh`` and ``kubectl`` make). It also spares a piped run importing and laying out
rich, a third of its own analysis time (docs/performance.md).
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from typing import TYPE_CHECKING

from koku_gap.model.report import NOT_RENDERED, Report, Row
from koku_gap.report import ColorMode, Extra, RenderOptions
from koku_gap.report._apps import app_line
from koku_gap.report._escape import terminal_text, workflow_safe

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

STATUS_STYLE = {
    "missing": "bold red",
    "partial": "yellow",
    "optional": "cyan",
    "consolidated": "green",
    "match": "green",
    "better": "bold blue",
    "infra": "blue",
    "extra": "dim",
}
UNRENDERED_STYLE = (
    "bold magenta"  # Row.status_words NOT_RENDERED: a counterpart may be in a left-out template
)
PRIORITY_STYLE = {"P0": "bold white on red", "P1": "bold red", "P2": "yellow", "P3": "dim"}
HEADINGS = ("component", "chart", "status", "prio", "why")
NONE = "—"  # a cell with nothing in it: the row has no counterpart on that side
# The boxed table: its borders and padding take 3 columns per column and 1 more; below MIN_TABLE
# columns, or when ``why`` would get fewer than MIN_WHY, rows take two lines each instead.
BOX_OVERHEAD = 3 * len(HEADINGS) + 1
MIN_TABLE = 100
MIN_WHY = 40
ARROW = "→"
DO = "do: "  # what starts the action after the reasons
INDENT = "    "


EXTRAS: tuple[Extra, ...] = ()


def render(report: Report, options: RenderOptions) -> str:
    """Written to a file, the plain listing unless the colour is ``always``: a file is read later,
    by ``grep`` or a pager, not at this terminal."""
    table = False if options.to_file and options.color != "always" else None
    return render_terminal(report, color=options.color, width=options.width, table=table)


def render_terminal(
    report: Report, *, color: ColorMode = "auto", width: int | None = None, table: bool | None = None
) -> str:
    """The report for a terminal, as ``gap-report --color`` asks.

    ``auto``: the coloured table on a terminal (without colour when ``NO_COLOR`` is set,
    https://no-color.org), the plain listing when standard output is not a terminal; ``never``: the
    same without colour; ``always``: the coloured table wherever it goes (``less -R``). ``table``
    forces the layout either way; ``width`` is the table's (default: the terminal's).
    """
    tty = sys.stdout.isatty()
    if table is None:
        table = tty or color == "always"
    if not table:
        return render_plain(report)
    use_color = color == "always" or (color == "auto" and tty and "NO_COLOR" not in os.environ)
    return render_table(report, color=use_color, width=width or terminal_width())


def terminal_width() -> int:
    """``COLUMNS``, else the width of the terminal on standard output, else on standard error (piped
    to ``less -R`` with ``--color always``, the person still reads at that terminal), else 120."""
    columns = shutil.get_terminal_size((0, 0)).columns
    if columns:
        return columns
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns or 120
    except (OSError, ValueError):  # no terminal there either, or stderr closed or replaced
        return 120


def summary_lines(report: Report) -> list[str]:
    """The counts both layouts open with."""
    s = report.summary
    counts = ", ".join(f"{n} {status}" for status, n in s.by_status.items() if n)
    gaps = ", ".join(f"{n} {p}" for p, n in s.by_priority.items() if n) or "none"
    lines = [
        *partial_lines(report),
        f"{s.clowdapp_components} ClowdApp components, {s.chart_workloads} chart workloads",
        f"rows: {counts}",
        f"gaps: {gaps}",
    ]
    lines.extend(app_line(app, terminal_text) for app in s.apps)  # several apps: each one's share
    if report.queues.uncovered:
        lines.append(f"uncovered Celery queues: {', '.join(map(terminal_text, report.queues.uncovered))}")
    if report.topics:
        lines.append(topics_line(report))
    if report.baseline is not None:
        b = report.baseline
        counts = f"{len(b.known)} known, {len(b.new)} new, {len(b.fixed)} fixed"
        lines.append(f"baseline {terminal_text(b.file)}: {counts}")
    return [*lines, *delta_lines(report)]


def delta_lines(report: Report) -> list[str]:
    """What the change does against ``--compare-ref`` (``Report.delta``): the counts, then the row ids
    of each kind of change, every one (the Markdown report's table, as lines); [] without one."""
    d = report.delta
    if d is None:
        return []
    subject = f": {terminal_text(d.subject)}" if d.subject else ""
    worse = f" ({len(d.worse)} worse)" if d.worse else ""
    lines = [
        f"this change against {terminal_text(d.ref)} ({terminal_text(d.short_commit)}{subject}), in "
        f"{terminal_text(d.chart_path)}: {len(d.opened)} opened, {len(d.closed)} closed, "
        f"{len(d.changed)} changed{worse}; --fail-on counts the opened and the worse"
    ]
    if d.note:
        lines.append(f"{INDENT}{terminal_text(d.note)}")
    for label, ids in (("opened", d.opened), ("worse", d.worse), ("closed", d.closed)):
        if ids:
            lines.append(f"{INDENT}{label}: {', '.join(map(terminal_text, ids))}")
    others = [i for i in d.changed if i not in d.worse]
    if others:
        lines.append(f"{INDENT}changed, not worse: {', '.join(map(terminal_text, others))}")
    return lines


def topics_line(report: Report) -> str:
    """The Kafka topics in one line: how many, how many have a known producer and a known consumer;
    who and where is the Markdown's (and the JSON's)."""
    topics = report.topics
    produced = sum(1 for t in topics if t.producers)
    consumed = sum(1 for t in topics if t.consumers)
    return (
        f"kafka topics: {len(topics)}, {produced} with a known producer, {consumed} with a known consumer "
        "(who: --format markdown)"
    )


def partial_lines(report: Report) -> list[str]:
    """What opens a partial analysis's report: that it is partial, and the templates it did not see."""
    if report.partial is None:
        return []
    skipped = report.partial.skipped
    unseen = sum(1 for r in report.rows if r.unrendered)
    lines = [
        f"PARTIAL ANALYSIS: {len(skipped)} chart template(s) failed to render and were left out "
        "(--skip-failing-templates); what they deploy is not in this report"
        + (f"; {unseen} row(s) whose counterpart may be in them read 'not rendered'" if unseen else "")
    ]
    lines += [f"  left out: {terminal_text(t.template)}" for t in skipped]
    return lines


def why_parts(row: Row) -> list[str]:
    """What ``why`` says, as a terminal may show it: each deciding reason, then ``do: <action>``."""
    parts = [terminal_text(r) for r in row.why]
    if row.action:
        parts.append(DO + terminal_text(row.action))
    return parts


def cells(row: Row) -> tuple[str, str, str, str, str]:
    """One row's cells as text, in the order of HEADINGS, as a terminal may show them (``terminal_text``)."""
    return (
        terminal_text(row.clowdapp) if row.clowdapp else NONE,
        ", ".join(map(terminal_text, row.chart)) or NONE,
        row.status_words + (" (waived)" if row.waived else ""),
        row.priority or "",
        "; ".join(why_parts(row)),
    )


def render_plain(report: Report) -> str:
    """Aligned columns, one line per row and nothing wrapped: for pipes, files and scripts."""
    rows = [cells(row) for row in report.ordered_rows()]
    widths = [max(len(text) for text in column) for column in zip(HEADINGS, *rows, strict=False)]
    out = [*summary_lines(report), ""]
    for line in [HEADINGS, *rows]:
        padded = [text.ljust(w) for text, w in zip(line[:-1], widths, strict=False)]
        out.append("  ".join([*padded, line[-1]]).rstrip())
    out.extend(_warning_lines(report))
    return "\n".join(out) + "\n"


def render_table(report: Report, *, color: bool, width: int) -> str:
    """The rich table, with a summary panel; cells are Text objects (no markup to parse or escape).

    The boxed table needs every name whole plus room for ``why`` (MIN_WHY); a narrower terminal gets
    two lines per row instead (``_narrow_rows``), so no column is squeezed to a few characters.
    """
    from rich.console import Console
    from rich.panel import Panel
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        soft_wrap=False,
    )
    console.print(Panel(Text("\n".join(summary_lines(report))), title="koku-gap", expand=False))
    why_width = _why_width(report, width)
    if why_width is None:
        for row_line in _narrow_rows(report, width, Text, console):
            console.print(row_line)
    else:
        console.print(_boxed(report, console, why_width))
    for line in _warning_lines(report):
        console.print(Text(line))
    return buffer.getvalue()


def _why_width(report: Report, width: int) -> int | None:
    """The room ``why`` gets in the boxed table at ``width``, or None when the table does not fit."""
    rows = [cells(row) for row in report.rows]
    names = [max([len(HEADINGS[i]), *(len(r[i]) for r in rows)]) for i in (0, 2, 3)]
    chart = max([len(HEADINGS[1]), *(len(terminal_text(n)) for row in report.rows for n in row.chart)])
    room = width - BOX_OVERHEAD - sum(names) - chart
    return room if width >= MIN_TABLE and room >= MIN_WHY else None


def _boxed(report: Report, console: Console, why_width: int) -> Table:
    """Five boxed columns; ``why`` wrapped at words, each reason and the action on lines of their own,
    names never cut."""
    from rich.table import Table
    from rich.text import Text

    grid = Table(show_lines=False, header_style="bold")
    grid.add_column(HEADINGS[0], no_wrap=True)  # names stay whole, to copy and search
    grid.add_column(HEADINGS[1], overflow="fold")  # several names wrap at their commas
    grid.add_column(HEADINGS[2], no_wrap=True)
    grid.add_column(HEADINGS[3], no_wrap=True)
    grid.add_column(HEADINGS[4], width=why_width, overflow="fold")  # fold: only a word wider than it
    for row in report.ordered_rows():
        name, chart, status, priority, _ = _styled(row, Text)
        grid.add_row(name, chart, status, priority, _wrapped(why_parts(row), console, why_width, Text))
    return grid


def _wrapped(parts: list[str], console: Console, width: int, text: type[Text], indent: str = "") -> Text:
    """Each of ``parts`` wrapped at words to ``width`` (less ``indent``, which starts every line)."""
    lines: list[Text] = []
    for part in parts:
        for line in text(part).wrap(console, max(width - len(indent), 1), overflow="fold"):
            line.rstrip()
            # a wrapped line may start with what a CI runner reads as a command (``::``): shown escaped
            safe = workflow_safe(line.plain)
            lines.append(text(indent) + (line if safe == line.plain else text(safe)))
    return text("\n").join(lines)


def _narrow_rows(report: Report, width: int, text: type[Text], console: Console) -> list[Text]:
    """Rows for a narrow terminal: the component, status and priority, whole and aligned; then,
    indented and wrapped at words, the chart workloads and each reason and the action."""
    ordered = report.ordered_rows()
    rows = [cells(row) for row in ordered]
    widths = [max([len(HEADINGS[i]), *(len(r[i]) for r in rows)]) for i in (0, 2, 3)]
    heading = (HEADINGS[0], HEADINGS[2], HEADINGS[3])
    out = [
        _aligned([text(h, style="bold") for h in heading], widths, text),
        text(f"{INDENT}{ARROW} {HEADINGS[1]}; {HEADINGS[4]}", style="bold"),
    ]
    out.append(text("─" * min(width, max(len(line) for line in out))))
    for row in ordered:
        name, chart, status, priority, _ = _styled(row, text)
        out.append(_aligned([name, status, priority], widths, text))
        parts = why_parts(row)
        if chart.plain != NONE:  # a row with no chart workload says only why
            parts.insert(0, f"{ARROW} {chart.plain}")
        out.append(_wrapped(parts, console, width, text, INDENT))
    return out


def _aligned(parts: list[Text], widths: list[int], text: type[Text]) -> Text:
    """Cells padded to their column's width, two spaces apart, without trailing spaces."""
    line = text("")
    for n, (cell, w) in enumerate(zip(parts, widths, strict=True)):
        if n:
            line.append("  ")
        line.append_text(cell)
        line.append(" " * (w - len(cell)))
    line.rstrip()
    return line


def _styled(row: Row, text: type[Text]) -> tuple[Text, ...]:
    name, chart, status, priority, why = cells(row)
    return (
        text(name),
        text(chart),
        text(
            status,
            style=UNRENDERED_STYLE if row.status_words == NOT_RENDERED else STATUS_STYLE.get(row.status, ""),
        ),
        text(priority, style=PRIORITY_STYLE.get(row.priority or "", "")),
        text(why),
    )


def _warning_lines(report: Report) -> list[str]:
    if not report.warnings:
        return []
    return [f"{len(report.warnings)} warning(s); see --format markdown or json for the list"]
