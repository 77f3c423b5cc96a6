"""delta: opened, closed and changed, by row id."""

from __future__ import annotations

from koku_gap.history.delta import RowGaps, deltas


def test_opened_closed_changed_and_unchanged() -> None:
    before: RowGaps = {
        "a/gone": ("missing", "P1"),
        "a/fixed": ("partial", "P0"),
        "a/worse": ("partial", "P2"),
        "a/same": ("missing", "P3"),
        "a/settled": ("match", None),
    }
    after: RowGaps = {
        "a/fixed": ("match", None),
        "a/worse": ("missing", "P0"),
        "a/same": ("partial", "P3"),
        "a/new": ("missing", "P2"),
        "a/new0": ("missing", "P0"),
        "a/settled": ("match", None),
    }
    opened, closed, changed = deltas(before, after)
    assert [(c.id, c.priority, c.previous, c.status) for c in opened] == [
        ("a/new0", "P0", None, "missing"),
        ("a/new", "P2", None, "missing"),
    ]
    assert [(c.id, c.priority, c.previous, c.status) for c in closed] == [
        ("a/fixed", None, "P0", "match"),
        ("a/gone", None, "P1", None),
    ]
    assert [(c.id, c.priority, c.previous, c.status) for c in changed] == [("a/worse", "P0", "P2", "missing")]


def test_nothing_moves_between_equal_commits() -> None:
    rows: RowGaps = {"a/x": ("missing", "P0")}
    assert deltas(rows, dict(rows)) == ([], [], [])
