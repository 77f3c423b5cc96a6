"""The gate's closing line: when ``--fail-on`` fails a run, why, in one line for a CI log whatever the
format and wherever the report went (a Markdown file, the terminal, GitHub annotations)."""

from __future__ import annotations

from koku_gap.model.report import Report, row_order

WORST = 3  # the rows named; the rest are counted


def gate_line(report: Report, threshold: str) -> str | None:
    """``gap-report: --fail-on P1 failed: 3 gap(s) at P1 or above (2 P0, 1 P1): a (P0 missing), ...``,
    or None when the run passes. Plain text: the caller shows it as ``terminal_text`` (cli._say)."""
    failing = report.failing(threshold)
    if not failing:
        return None
    partial = ""
    if report.partial is not None:
        unseen = sum(1 for r in failing if r.unrendered)
        partial = f"; partial analysis: {len(report.partial.skipped)} chart template(s) not rendered" + (
            f", which may hold {unseen} of these" if unseen else ""
        )
    counts: dict[str, int] = {}
    for r in failing:
        counts[str(r.priority)] = counts.get(str(r.priority), 0) + 1
    by = ", ".join(f"{n} {p}" for p, n in sorted(counts.items()))
    worst = sorted(failing, key=row_order)  # stable: file order among equals
    named = ", ".join(
        f"{r.clowdapp or ', '.join(r.chart)} ({r.priority} {r.status_words})" for r in worst[:WORST]
    )
    more = f" and {len(worst) - WORST} more" if len(worst) > WORST else ""
    return (
        f"gap-report: --fail-on {threshold} failed: {len(failing)} gap(s) at {threshold} or above "
        f"({by}): {named}{more}{partial}"
    )
