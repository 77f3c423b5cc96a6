"""A Mermaid ``xychart-beta`` of open gaps by priority over the analysed commits (GitHub draws it).

``xychart-beta`` has no legend: the lines come in priority order, P0 first, in the colours of
``COLOURS`` (the text under the chart names them). Commits not analysed have no point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from koku_gap.model.vocabulary import PRIORITIES, Priority
from koku_gap.report._escape import mermaid_label

if TYPE_CHECKING:
    from koku_gap.history.model import History

COLOURS: dict[Priority, tuple[str, str]] = {  # the line's colour, and its name for the legend
    "P0": ("#d62728", "red"),
    "P1": ("#ff7f0e", "orange"),
    "P2": ("#bcbd22", "olive"),
    "P3": ("#7f7f7f", "grey"),
}


def xychart(history: History) -> list[str]:
    """The chart's lines, fences included; [] when no commit was analysed."""
    analysed = [c for c in history.commits if c.analysed]
    if not analysed:
        return []
    labels = ", ".join(mermaid_label(f"{c.date.date()} {c.sha[:7]}") for c in analysed)
    top = max(max((c.by_priority.get(p, 0) for p in PRIORITIES), default=0) for c in analysed)
    palette = ", ".join(COLOURS[p][0] for p in PRIORITIES)
    lines = [
        "```mermaid",
        "---",
        "config:",
        "  themeVariables:",
        "    xyChart:",
        f'      plotColorPalette: "{palette}"',
        "---",
        "xychart-beta",
        f"  title {mermaid_label('Open gaps by priority')}",
        f"  x-axis [{labels}]",
        f'  y-axis "open gaps" 0 --> {max(top, 1)}',
    ]
    lines += [f"  line [{', '.join(str(c.by_priority.get(p, 0)) for c in analysed)}]" for p in PRIORITIES]
    return [*lines, "```"]


def legend() -> str:
    return "Lines: " + ", ".join(f"{p} {COLOURS[p][1]}" for p in PRIORITIES) + "."
