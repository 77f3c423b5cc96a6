"""Line helpers for YAML as text."""

from __future__ import annotations

from koku_gap.yaml.text import indent


def test_indent_counts_leading_spaces_only() -> None:
    assert [indent(line) for line in ("a: 1", "  - b", "    c: |", "", "\tx", "   ")] == [0, 2, 4, 0, 0, 3]
