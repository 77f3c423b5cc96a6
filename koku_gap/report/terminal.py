"""The terminal view: a rich table coloured by status and priority for a person at a terminal, and a
plain one-line-per-row listing when piped, so ``gap-report | grep missing`` finds whole rows.

Piped output is what scripts and pagers read: box drawing and wrapped cells only get in their way
(the same choice ``gh`` and ``kubectl`` make). It also spares a piped run importing and laying out
rich, a third of its own analysis time (docs/performance.md).
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from typing import TYPE_CHECKING, Literal

from koku_gap.report.model import Report, Row

if TYPE_CHECKING:
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
PRIORITY_STYLE = {"P0": "bold white on red", "P1": "bold red", "P2": "yellow", "P3": "dim"}
HEADINGS = ("component", "chart", "status", "prio", "why")
ColorMode = Literal["auto", "always", "never"]
NONE = "—"  # a cell with nothing in it: the row has no counterpart on that side


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
    return render_table(report, color=use_color, width=width or shutil.get_terminal_size((120, 40)).columns)


def summary_lines(report: Report) -> list[str]:
    """The counts both layouts open with."""
    s = report.summary
    counts = ", ".join(f"{n} {status}" for status, n in s.by_status.items() if n)
    gaps = ", ".join(f"{n} {p}" for p, n in s.by_priority.items() if n) or "none"
    lines = [
        f"{s.clowdapp_components} ClowdApp components, {s.chart_workloads} chart workloads",
        f"rows: {counts}",
        f"gaps: {gaps}",
    ]
    if report.queues.uncovered:
        lines.append(f"uncovered Celery queues: {', '.join(report.queues.uncovered)}")
    if report.baseline is not None:
        b = report.baseline
        lines.append(f"baseline {b.file}: {len(b.known)} known, {len(b.new)} new, {len(b.fixed)} fixed")
    return lines


def cells(row: Row) -> tuple[str, str, str, str, str]:
    """One row's cells as text, in the order of HEADINGS."""
    return (
        row.clowdapp or NONE,
        ", ".join(row.chart) or NONE,
        row.status + (" (waived)" if row.waived else ""),
        row.priority or "",
        row.reasons[0] if row.reasons else "",
    )


def render_plain(report: Report) -> str:
    """Aligned columns, one line per row and nothing wrapped: for pipes, files and scripts."""
    rows = [cells(row) for row in report.rows]
    widths = [max(len(text) for text in column) for column in zip(HEADINGS, *rows, strict=False)]
    out = [*summary_lines(report), ""]
    for line in [HEADINGS, *rows]:
        padded = [text.ljust(w) for text, w in zip(line[:-1], widths, strict=False)]
        out.append("  ".join([*padded, line[-1]]).rstrip())
    out.extend(_warning_lines(report))
    return "\n".join(out) + "\n"


def render_table(report: Report, *, color: bool, width: int) -> str:
    """The rich table, with a summary panel; cells are Text objects (no markup to parse or escape)."""
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table
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
    grid = Table(show_lines=False, header_style="bold")
    grid.add_column(HEADINGS[0], no_wrap=True)  # names stay whole, to copy and search
    grid.add_column(HEADINGS[1], overflow="fold")
    grid.add_column(HEADINGS[2], no_wrap=True)
    grid.add_column(HEADINGS[3], no_wrap=True)
    grid.add_column(HEADINGS[4], overflow="fold", ratio=1)
    for row in report.rows:
        grid.add_row(*_styled(row, Text))
    console.print(grid)
    for line in _warning_lines(report):
        console.print(Text(line))
    return buffer.getvalue()


def _styled(row: Row, text: type[Text]) -> tuple[Text, ...]:
    name, chart, status, priority, why = cells(row)
    return (
        text(name),
        text(chart),
        text(status, style=STATUS_STYLE.get(row.status, "")),
        text(priority, style=PRIORITY_STYLE.get(row.priority or "", "")),
        text(why),
    )


def _warning_lines(report: Report) -> list[str]:
    if not report.warnings:
        return []
    return [f"{len(report.warnings)} warning(s); see --format markdown or json for the list"]
