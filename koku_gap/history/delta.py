"""What opened, closed and changed priority between two analysed commits, by stable row id."""

from __future__ import annotations

from collections.abc import Mapping

from koku_gap.history.model import RowChange
from koku_gap.model.vocabulary import PRIORITIES, Priority, Status

RowGaps = Mapping[str, tuple[Status, Priority | None]]  # row id -> (status, open gap priority or None)


def deltas(before: RowGaps, after: RowGaps) -> tuple[list[RowChange], list[RowChange], list[RowChange]]:
    """(opened, closed, changed): gaps ``after`` has that ``before`` had not; gaps ``before`` had that
    ``after`` has not (its row no gap any more, or gone); gaps in both at another priority. Each list
    the most urgent first, then by id."""
    opened: list[RowChange] = []
    closed: list[RowChange] = []
    changed: list[RowChange] = []
    for row_id in sorted({*before, *after}):
        was = before[row_id][1] if row_id in before else None
        now = after[row_id][1] if row_id in after else None
        status = after[row_id][0] if row_id in after else None
        if was == now:
            continue
        change = RowChange(id=row_id, priority=now, previous=was, status=status)
        (opened if was is None else closed if now is None else changed).append(change)
    for found in (opened, closed, changed):
        found.sort(key=lambda c: (PRIORITIES.index(c.priority or c.previous or "P3"), c.id))
    return opened, closed, changed
