"""GitHub Actions workflow commands: one annotation per gap that fails the run, and a job summary.

Annotations (``::error file=...,line=...,title=...::message``) go to stdout, where the runner turns
them into marks on the pull request's files: P0/P1 ``error``, P2 ``warning``, P3 ``notice``. Only the
gaps that fail the run are annotated (``Report.failing``: at or above ``--fail-on``, not waived, not
in the baseline), so a PR shows what it broke, not what the team already knows. The Markdown report
is appended to ``$GITHUB_STEP_SUMMARY`` when the runner sets it.

A report of several apps (``Report.summary.apps``) adds one ``::notice`` before the annotations, one
line per app (its components, gaps by priority and worst gap), and each annotation's title names the
app of its component (``P0 missing-kafka-consumer: billing/listener``); the job summary's Markdown
report has the same per-app table in its summary. One app's log is as it always was.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from koku_gap.model.errors import InputError
from koku_gap.model.report import Report, Row
from koku_gap.report import Extra, RenderOptions
from koku_gap.report._apps import app_line
from koku_gap.report._escape import md_text, terminal_text

COMMAND_OF_LEVEL = {"error": "error", "warning": "warning", "note": "notice"}  # Row.level -> command
SUMMARY_LIMIT = 1024 * 1024 - 4096  # GitHub refuses step summaries over 1 MiB
_SECTION = re.compile(r"\n(?=## )")  # where a Markdown report's sections begin


EXTRAS: tuple[Extra, ...] = ("snippets",)  # snippet_lines: an annotation's end line


def render(report: Report, options: RenderOptions) -> str:
    return render_github(report, options.fail_on)


def escape_data(value: str) -> str:
    """A workflow command's message, escaped as the runner unescapes it."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A workflow command's property value: also ``:`` and ``,``, which delimit properties."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _path(file: str) -> str:
    """The runner matches annotations to files by repository-relative POSIX path: no ``./``, no ``\\``."""
    return str(PurePosixPath(file.replace("\\", "/")))


def _annotation(row: Row, several: bool) -> str:
    """The row's annotation; its user text as ``terminal_text`` (the log shows it, the PR page too).
    ``several``: the report has several apps, and the title names the component's (``app/name``)."""
    assert row.level is not None  # a failing gap has a priority, so a level
    name = terminal_text(row.clowdapp or ", ".join(row.chart))
    title = terminal_text(f"{row.app}/{row.clowdapp or ', '.join(row.chart)}") if several else name
    message = "\n".join([f"{name} ({row.role}) is {row.status_words}.", *map(terminal_text, row.reasons)])
    if row.targets:
        message += "\nChart: " + ", ".join(terminal_text(f"{t.describe()} ({t.opens})") for t in row.targets)
    if row.action:
        message += f"\nAction: {terminal_text(row.action)}"
    end = row.snippet_lines[1] if len(row.snippet_lines) == 2 and row.source else None
    return command(
        COMMAND_OF_LEVEL[row.level],
        message,
        file=terminal_text(_path(row.source.file)) if row.source else None,
        line=row.source.line if row.source else None,
        endLine=end if row.source and end and end > row.source.line else None,
        title=f"{row.priority} {row.rule_id}: {title}",
    )


def render_github(report: Report, fail_on: str = "P0") -> str:
    failing = sorted(
        report.failing(fail_on),
        key=lambda r: (r.priority or "", r.source.file if r.source else "", r.source.line if r.source else 0),
    )
    several = bool(report.summary.apps)
    lines = [
        *_partial(report),
        *_delta_notice(report),
        *_apps_notice(report),
        *(_annotation(row, several) for row in failing),
    ]
    baseline = report.baseline
    if baseline is not None and baseline.fixed:
        lines.append(
            command(
                "notice",
                f"{len(baseline.fixed)} gap(s) recorded in {terminal_text(baseline.file)} are fixed: "
                + ", ".join(map(terminal_text, baseline.fixed))
                + ". Refresh the baseline with --write-baseline.",
                title="gap-report: baseline entries fixed",
            )
        )
    lines.append(_verdict(report, fail_on))
    return "\n".join(lines) + "\n"


def _apps_notice(report: Report) -> list[str]:
    """With several apps, one notice: each app's share of the report on a line of its own."""
    if not report.summary.apps:
        return []
    message = "\n".join(app_line(app, terminal_text) for app in report.summary.apps)
    return [command("notice", message, title=f"gap-report: {len(report.summary.apps)} apps")]


def _delta_notice(report: Report) -> list[str]:
    """With ``--compare-ref``, the log's first line: what the change opened, closed and changed."""
    d = report.delta
    if d is None:
        return []
    listed = "".join(
        f"; {label}: " + ", ".join(map(terminal_text, ids))
        for label, ids in (("opened", d.opened), ("closed", d.closed), ("changed", d.changed))
        if ids
    )
    note = f" ({terminal_text(d.note)})" if d.note else ""
    message = (
        f"against {terminal_text(d.ref)} ({d.short_commit}){note}: {len(d.opened)} gap(s) opened, "
        f"{len(d.closed)} closed, {len(d.changed)} changed{listed}"
    )
    return [command("notice", message, title="gap-report: this change")]


def _partial(report: Report) -> list[str]:
    """The first annotation of a partial analysis: what it did not see, and which rows that leaves open."""
    if report.partial is None:
        return []
    skipped = report.partial.skipped
    unseen = [terminal_text(r.clowdapp or r.id) for r in report.rows if r.unrendered]
    message = (
        f"{len(skipped)} chart template(s) failed to render and were left out (--skip-failing-templates); "
        "what they deploy is not in this report: "
        + ", ".join(terminal_text(t.template) for t in skipped)
        + "."
    )
    if unseen:
        message += f"\nNot rendered (their counterpart may be in those templates): {', '.join(unseen)}."
    return [command("warning", message, title="gap-report: partial analysis")]


def _verdict(report: Report, fail_on: str) -> str:
    """One plain line (not a command) closing the log: what failed, what did not, and why."""
    failing = report.failing(fail_on)
    waived = report.summary.waived
    known = len(report.baseline.known) if report.baseline is not None else 0
    parts = [f"{report.summary.gaps} open gap(s)"]
    if report.partial is not None:
        parts.append(f"partial analysis: {len(report.partial.skipped)} chart template(s) not rendered")
    if report.delta is not None:
        parts.append(f"{len(report.delta.counted)} opened or worse against {terminal_text(report.delta.ref)}")
    if known:
        parts.append(f"{known} known from the baseline")
    if waived:
        parts.append(f"{waived} waived")
    if fail_on == "none":
        head = "gap-report: no gap fails this run (--fail-on none)"
    elif failing:
        head = f"gap-report: {len(failing)} gap(s) at or above {fail_on} fail this run"
    else:
        head = f"gap-report: no gap at or above {fail_on} fails this run"
    return f"{head} ({', '.join(parts)})"


def step_summary(report: Report, fail_on: str = "P0", limit: int | None = None) -> str:
    """The job summary: the verdict, then the Markdown report (which leads with the change's delta),
    cut after its last whole section within ``limit`` bytes, with a note naming what was left out."""
    from koku_gap.report.markdown import render_markdown

    failing = report.failing(fail_on)
    mark = "❌" if failing else "✅"
    head = f"{mark} {_verdict(report, fail_on)}\n\n"
    room = (SUMMARY_LIMIT if limit is None else limit) - len(head.encode("utf-8")) - 1
    return head + cut_at_section(render_markdown(report), room) + "\n"


def cut_at_section(text: str, limit: int) -> str:
    """``text`` whole when it fits in ``limit`` bytes (UTF-8); else its leading ``## `` sections that fit
    with a closing note that names the sections left out (never cut silently, never mid-section)."""
    if len(text.encode("utf-8")) <= limit:
        return text
    starts = [0, *(m.start() + 1 for m in _SECTION.finditer(text))]
    sections = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    kept: list[str] = []
    size = 0
    for index, section in enumerate(sections):
        left = sections[index:]
        note = _cut_note(left)
        if size + len(section.encode("utf-8")) + len(note.encode("utf-8")) + 1 > limit:
            return "".join(kept) + note
        kept.append(section)
        size += len(section.encode("utf-8"))
    return "".join(kept)  # pragma: no cover - the whole text fitted after all


def _cut_note(left: list[str]) -> str:
    names = [terminal_text(s.split("\n", 1)[0].lstrip("# ").strip()) for s in left]
    shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
    return (
        f"\n\n_The report is cut here: it is larger than a job summary may be (1 MiB). Left out: "
        f"{len(left)} section(s) ({md_text(shown)}); the whole report: `--format markdown`._\n"
    )


def append_step_summary(report: Report, fail_on: str = "P0", env: Mapping[str, str] | None = None) -> bool:
    """Append the job summary to ``$GITHUB_STEP_SUMMARY`` if the runner set it; True when written."""
    path = (env if env is not None else os.environ).get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    try:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(step_summary(report, fail_on))
    except OSError as exc:
        raise InputError(path, None, f"cannot append the job summary: {exc.strerror or exc}") from None
    return True
