"""What a walk over a chart's history found: one record per commit, and what changed between them.

Deltas are by stable row id (``Row.id``, ``<app>/<component>``): a gap is *opened* at a commit when its
row was no gap at the previous analysed commit, *closed* when it is no gap any more (or its row is
gone), *changed* when it stays a gap at another priority. Commits that were not analysed
(``render-failed``, ``no-chart``) are skipped over: the next analysed commit compares with the last
one that was.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from koku_gap.model.base import Frozen
from koku_gap.model.vocabulary import PRIORITIES, STATUS_ORDER, Priority, Status

CommitStatus = Literal["ok", "partial", "render-failed", "no-chart"]
COMMIT_STATUSES: tuple[CommitStatus, ...] = ("ok", "partial", "render-failed", "no-chart")
ANALYSED: frozenset[CommitStatus] = frozenset({"ok", "partial"})
HISTORY_SCHEMA_VERSION = 1


class RowChange(Frozen):
    """One row whose gap opened, closed or changed priority at a commit."""

    id: str  # Row.id: <app>/<ClowdApp component>, or <app>/<chart workload>
    priority: Priority | None  # the gap's priority now; None: closed
    previous: Priority | None  # its priority at the previous analysed commit; None: opened
    status: Status | None  # the row's status now; None: the row is gone


class CommitResult(Frozen):
    """One commit of the walk: where its chart was, whether it was analysed, what it found."""

    sha: str
    date: datetime  # committer date, with its offset
    subject: str
    chart_path: str | None  # the --chart-path found at this commit (None: no-chart)
    tree: str | None  # that directory's tree id: commits sharing it share one analysis
    status: CommitStatus
    error: str | None = None  # render-failed: the error's first line
    not_rendered: list[str] = Field(default_factory=list)  # partial: the templates left out
    by_priority: dict[Priority, int] = Field(default_factory=dict)  # open gaps (not waived)
    by_status: dict[Status, int] = Field(default_factory=dict)  # rows per status
    gaps: int = 0
    highest_priority: Priority | None = None
    previous: str | None = None  # the previous analysed commit, which the deltas compare with
    opened: list[RowChange] = Field(default_factory=list)
    closed: list[RowChange] = Field(default_factory=list)
    changed: list[RowChange] = Field(default_factory=list)

    @property
    def analysed(self) -> bool:
        return self.status in ANALYSED

    @property
    def changes(self) -> bool:
        """Whether anything opened, closed or changed priority at this commit."""
        return bool(self.opened or self.closed or self.changed)


class History(Frozen):
    """The walk, oldest commit first (``{"commits": [...]}`` in JSON, docs/json.md)."""

    schema_version: int = HISTORY_SCHEMA_VERSION
    repo: str
    chart_paths: list[str]
    rev_range: str | None = None
    since: date | None = None
    policy: list[str] = Field(default_factory=list)
    renders: int = 0  # distinct chart trees rendered and analysed (each once)
    commits: list[CommitResult]

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per commit (``pandas.DataFrame(history.to_records())``): the record's scalars,
        a column per priority and per status (``P0``…, ``status_missing``…), the number of rows opened,
        closed and changed, and the templates left out joined by ``;``."""
        return [_record(c) for c in self.commits]


def _record(commit: CommitResult) -> dict[str, Any]:
    record: dict[str, Any] = {
        "sha": commit.sha,
        "date": commit.date,
        "subject": commit.subject,
        "chart_path": commit.chart_path,
        "tree": commit.tree,
        "status": commit.status,
        "gaps": commit.gaps if commit.analysed else None,
        "highest_priority": commit.highest_priority,
    }
    for priority in PRIORITIES:
        record[priority] = commit.by_priority.get(priority, 0) if commit.analysed else None
    for status in STATUS_ORDER:
        record[f"status_{status}"] = commit.by_status.get(status, 0) if commit.analysed else None
    record.update(
        opened=len(commit.opened),
        closed=len(commit.closed),
        changed=len(commit.changed),
        previous=commit.previous,
        error=commit.error,
        not_rendered=";".join(commit.not_rendered),
    )
    return record
