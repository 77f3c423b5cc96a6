"""A pull request's comment body and the GitHub action's outputs (``--pr-comment``, ``--github-output``).

The comment is what a reviewer reads first: the verdict, what the change opened, closed and changed
(``Report.delta``, as the Markdown report leads with it), and the open gaps the most urgent first in a
collapsed ``<details>``, all within GitHub's 65,536 characters: lines that would not fit are left out
with a note that counts them, never silently. Decides nothing: the failing gaps, the delta and the
row order are the Report's.
"""

from __future__ import annotations

from koku_gap.model.report import Report, Row
from koku_gap.report._escape import md_text
from koku_gap.report.markdown import STATUS_ICON, delta_section

COMMENT_LIMIT = 65_536  # characters GitHub takes in an issue or pull-request comment
MARKER = "<!-- koku-gap: gap-report -->"  # lets a workflow find its own comment to update it
_RESERVE = 600  # characters kept for the closing lines and the note of what was left out


def pr_comment(report: Report, fail_on: str = "P0", limit: int = COMMENT_LIMIT) -> str:
    """The comment's Markdown, at most ``limit`` characters."""
    failing = report.failing(fail_on)
    mark = "❌" if failing else "✅"
    verdict = (
        f"{len(failing)} gap(s) at or above {fail_on} fail this change"
        if failing
        else f"no gap at or above {fail_on} fails this change"
    )
    head = [MARKER, f"### {mark} gap-report: {verdict}", ""]
    delta = delta_section(report, "####")
    gaps = report.gaps("P3")
    open_rows = {id(r) for r in gaps}
    ordered = [r for r in report.ordered_rows() if id(r) in open_rows]
    table = [
        "<details>",
        f"<summary>{len(ordered)} open gap(s), the most urgent first</summary>",
        "",
        "| Priority | Component | Status | Role | Action |",
        "|---|---|---|---|---|",
        *(_gap_line(r) for r in ordered),
    ]
    closing = ["", "</details>", ""]
    lines = _fit([*head, *delta], table, closing, limit)
    return "\n".join(lines) + "\n"


def _gap_line(row: Row) -> str:
    name = row.clowdapp or ", ".join(row.chart)
    action = md_text(row.action) if row.action else ""
    return (
        f"| {row.priority} | `{md_text(name)}` | {STATUS_ICON[row.status]} | {md_text(row.role)} | {action} |"
    )


def _fit(lead: list[str], table: list[str], closing: list[str], limit: int) -> list[str]:
    """``lead``, then as many of ``table``'s lines as fit, then ``closing``, within ``limit`` characters
    (each line with its newline); what did not fit is counted in a note. ``lead`` itself is cut line by
    line too when it alone is too long (a change that opens thousands of gaps)."""
    budget = limit - _RESERVE
    kept: list[str] = []
    size = 0
    dropped = 0
    body = [*lead, *table]
    for index, line in enumerate(body):
        if size + len(line) + 1 > budget:
            dropped = len(body) - index
            break
        kept.append(line)
        size += len(line) + 1
    in_table = any(line == "<details>" for line in kept)
    note = (
        [
            "",
            f"_{dropped} more line(s) left out: a comment holds at most {limit:,} characters; the job "
            "summary and `--format markdown` have the whole report._",
        ]
        if dropped
        else []
    )
    return [*kept, *(closing if in_table else []), *note]


def github_outputs(report: Report, fail_on: str = "P0") -> str:
    """``gaps-opened``, ``gaps-closed`` and ``highest-priority`` as ``$GITHUB_OUTPUT`` lines.

    Opened and closed come from the delta (``--compare-ref``), else from the baseline (new, fixed),
    else every open gap is opened and none closed. ``highest-priority`` is the most urgent open gap's
    (``none`` without one); ``gaps-failing`` counts what fails the run at ``fail_on``."""
    if report.delta is not None:
        opened, closed = len(report.delta.opened), len(report.delta.closed)
    elif report.baseline is not None:
        opened, closed = len(report.baseline.new), len(report.baseline.fixed)
    else:
        opened, closed = report.summary.gaps, 0
    highest = report.summary.highest_priority or "none"
    failing = len(report.failing(fail_on))
    return f"gaps-opened={opened}\ngaps-closed={closed}\nhighest-priority={highest}\ngaps-failing={failing}\n"
