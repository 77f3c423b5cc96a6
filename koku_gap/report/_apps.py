"""A report of several apps: each app's share (``Report.summary.apps``), worded once for every format
that prints it as text (the terminal's summary lines, GitHub's notice, JUnit's suite properties).

Only a report of several ClowdApp apps has per-app summaries (``summarize``); one app's report has
none, so nothing here changes it. The words are plain: each format escapes them for its medium.
"""

from __future__ import annotations

from collections.abc import Callable

from koku_gap.model.report import AppSummary


def app_components(app: AppSummary) -> str:
    """``3 components`` (``1 component``)."""
    n = app.clowdapp_components
    return f"{n} component{'' if n == 1 else 's'}"


def app_gaps(app: AppSummary) -> str:
    """The app's open gaps by priority, ``1 P0, 2 P3``, or ``no gaps``."""
    return ", ".join(f"{n} {p}" for p, n in app.by_priority.items() if n) or "no gaps"


def app_worst(app: AppSummary, quote: Callable[[str], str] = str) -> str | None:
    """The app's worst gap, ``listener (P0 missing)`` (its component through ``quote``), or None."""
    worst = app.worst
    return f"{quote(worst.clowdapp)} ({worst.priority} {worst.status})" if worst is not None else None


def app_line(app: AppSummary, quote: Callable[[str], str] = str) -> str:
    """One app's share on one line: ``app billing: 1 component, 1 P0; worst: listener (P0 missing)``;
    names go through ``quote`` (the medium's escape)."""
    worst = app_worst(app, quote)
    said = f"; worst: {worst}" if worst is not None else ""
    return f"app {quote(app.app)}: {app_components(app)}, {app_gaps(app)}{said}"
