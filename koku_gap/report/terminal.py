"""A rich table coloured by status and priority, with a summary panel; plain text when not a TTY."""

from __future__ import annotations

import io
import os
import shutil
import sys

from koku_gap.report.model import Report, Row

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


def render_terminal(report: Report, *, color: bool = True, width: int | None = None) -> str:
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table

    use_color = color and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or shutil.get_terminal_size((120, 40)).columns,
        force_terminal=use_color,
        no_color=not use_color,
        color_system="standard" if use_color else None,
        highlight=False,
        soft_wrap=False,
    )
    s = report.summary
    counts = ", ".join(f"{n} {status}" for status, n in s.by_status.items() if n)
    gaps = ", ".join(f"{n} {p}" for p, n in s.by_priority.items() if n) or "none"
    baseline = ""
    if report.baseline is not None:
        from rich.markup import escape

        b = report.baseline
        tally = f"{len(b.known)} known, {len(b.new)} new, {len(b.fixed)} fixed"
        baseline = f"\nbaseline {escape(b.file)}: {tally}"
    console.print(
        Panel(
            f"{s.clowdapp_components} ClowdApp components, {s.chart_workloads} chart workloads\n"
            f"rows: {counts}\ngaps: {gaps}"
            + (
                f"\nuncovered Celery queues: {', '.join(report.queues.uncovered)}"
                if report.queues.uncovered
                else ""
            )
            + baseline,
            title="koku-gap",
            expand=False,
        )
    )
    table = Table(show_lines=False, header_style="bold")
    table.add_column("component", no_wrap=True)  # names stay whole, to copy and search
    table.add_column("chart", overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("prio", no_wrap=True)
    table.add_column("why", overflow="fold", ratio=1)
    for row in report.rows:
        table.add_row(*_cells(row))
    console.print(table)
    if report.warnings:
        console.print(f"{len(report.warnings)} warning(s); see --format markdown or json for the list")
    return buffer.getvalue()


def _cells(row: Row) -> tuple[str, str, str, str, str]:
    from rich.markup import escape

    name = row.clowdapp or "—"
    chart = ", ".join(row.chart) or "—"
    status = f"[{STATUS_STYLE.get(row.status, '')}]{row.status}[/]" + (" (waived)" if row.waived else "")
    priority = f"[{PRIORITY_STYLE[row.priority]}]{row.priority}[/]" if row.priority else ""
    return escape(name), escape(chart), status, priority, escape(row.reasons[0] if row.reasons else "")
