"""The failing gate's closing stderr line (koku_gap/report/_gate.py), for tests that check stderr."""

from __future__ import annotations

GATE = "gap-report: --fail-on "  # how the line starts


def ungated(err: str) -> str:
    """``err`` less the gate's closing line, which every run that --fail-on fails ends with."""
    return "".join(line for line in err.splitlines(keepends=True) if not line.startswith(GATE))


def gated(err: str) -> bool:
    """Whether ``err`` holds the gate's closing line."""
    return any(line.startswith(GATE) for line in err.splitlines())
