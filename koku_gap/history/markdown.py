"""The history as Markdown: the curve (Mermaid), a burndown table, and what each commit changed.

Every text from the repository (subjects, paths, errors, row ids) goes through the escaping helper of
where it lands (``report/_escape.py``): a table cell, a code span, a Mermaid label.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from koku_gap.history.mermaid import legend, xychart
from koku_gap.model.vocabulary import PRIORITIES
from koku_gap.report._escape import md_code, md_text

if TYPE_CHECKING:
    from koku_gap.history.model import CommitResult, History, RowChange

MAX_SUBJECT = 72  # characters of a subject in the table


def render(history: History) -> str:
    lines = [f"# Gap history of {', '.join(md_code(p) for p in history.chart_paths)}", ""]
    lines += [_summary(history), ""]
    chart = xychart(history)
    if chart:
        lines += ["## Open gaps by priority", "", *chart, "", legend(), ""]
    lines += ["## Burndown", "", *_table(history), ""]
    changed = [c for c in history.commits if c.changes]
    if changed:
        lines += ["## What changed", ""]
        for commit in changed:
            lines += _changes(commit)
    failed = [c for c in history.commits if c.status == "render-failed" or c.not_rendered]
    if failed:
        lines += ["## Not rendered", ""]
        lines += [_failure(c) for c in failed]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _summary(history: History) -> str:
    counts = {
        s: sum(1 for c in history.commits if c.status == s)
        for s in ("ok", "partial", "render-failed", "no-chart")
    }
    walked = md_code(history.rev_range) if history.rev_range else "`HEAD`"
    since = f" since {history.since}" if history.since else ""
    return (
        f"{len(history.commits)} first-parent commits of {walked}{since} in {md_code(history.repo)}: "
        f"{counts['ok']} analysed, {counts['partial']} partial (templates left out), "
        f"{counts['render-failed']} failed to render, {counts['no-chart']} without the chart; "
        f"{history.renders} distinct chart trees rendered. Policy: "
        f"{', '.join(md_code(p) for p in history.policy) or 'default'}."
    )


def _table(history: History) -> list[str]:
    head = [
        "Date",
        "Commit",
        "Subject",
        "Chart",
        "Status",
        *PRIORITIES,
        "Gaps",
        "Opened",
        "Closed",
        "Changed",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in history.commits:
        counts = (
            [str(c.by_priority.get(p, 0)) for p in PRIORITIES] + [str(c.gaps)] if c.analysed else [""] * 5
        )
        moves = [str(len(c.opened)), str(len(c.closed)), str(len(c.changed))] if c.analysed else [""] * 3
        cells = [
            str(c.date.date()),
            md_code(c.sha[:7]),
            md_text(_short(c.subject)),
            md_code(c.chart_path) if c.chart_path else "",
            c.status,
            *counts,
            *moves,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _changes(commit: CommitResult) -> list[str]:
    previous = f" (since {md_code(commit.previous[:7])})" if commit.previous else ""
    lines = [f"### {commit.date.date()} {md_code(commit.sha[:7])} {md_text(_short(commit.subject))}", ""]
    lines[0] += previous
    lines += [f"- opened: {_change(c)}" for c in commit.opened]
    lines += [f"- closed: {_change(c)}" for c in commit.closed]
    lines += [f"- changed: {_change(c)}" for c in commit.changed]
    return [*lines, ""]


def _change(change: RowChange) -> str:
    if change.previous is None:
        return f"{md_code(change.id)} {change.priority} ({change.status})"
    if change.priority is None:
        now = f"now {change.status}" if change.status else "the row is gone"
        return f"{md_code(change.id)} was {change.previous} ({now})"
    return f"{md_code(change.id)} {change.previous} → {change.priority} ({change.status})"


def _failure(commit: CommitResult) -> str:
    where = f"{commit.date.date()} {md_code(commit.sha[:7])}"
    if commit.error:
        return f"- {where}: {md_text(commit.error)}"
    return f"- {where}: analysed without {', '.join(md_code(t) for t in commit.not_rendered)}"


def _short(text: str) -> str:
    return text if len(text) <= MAX_SUBJECT else text[: MAX_SUBJECT - 1] + "…"
