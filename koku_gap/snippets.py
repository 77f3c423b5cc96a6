"""The real lines of a ClowdApp component, trimmed for a report: what a reviewer wants to see.

Works on the text, not the parsed tree, so the snippet is exactly what is written (comments and
parameters included). A YAML list item ends where the indentation falls back to its dash.
"""

from __future__ import annotations

from dataclasses import dataclass

COLLAPSE = (
    "env:",
    "volumeMounts:",
    "volumes:",
    "securityContext:",
    "envFrom:",
    "metadata:",
    "livenessProbe:",
    "readinessProbe:",
    "startupProbe:",
    "annotations:",
)
MAX_LINES = 40
COLLAPSE_OVER = 4


@dataclass(frozen=True)
class Snippet:
    text: str
    start: int  # 1-based, inclusive
    end: int


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def item_block(lines: list[str], line: int) -> tuple[int, int]:
    """The 1-based (start, end) of the list item whose key sits on ``line``."""
    index = max(0, min(line - 1, len(lines) - 1))
    key_indent = _indent(lines[index])
    start = index
    for i in range(index, -1, -1):
        stripped = lines[i].lstrip(" ")
        if stripped.startswith("- ") and _indent(lines[i]) == key_indent - 2:
            start = i
            break
        if stripped and not stripped.startswith("#") and _indent(lines[i]) < key_indent:
            break
    dash = _indent(lines[start]) if lines[start].lstrip(" ").startswith("- ") else key_indent
    end = start
    for i in range(start + 1, len(lines)):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _indent(lines[i]) <= dash:
            break
        end = i
    return start + 1, end + 1


def trimmed(lines: list[str], start: int, end: int) -> str:
    """Long env / volume / securityContext blocks become one comment line naming their lines."""
    out: list[str] = []
    i = start - 1
    base = _indent(lines[i])
    while i < end:
        line = lines[i]
        stripped = line.strip()
        if stripped in COLLAPSE:
            j = i + 1
            while j < end and (
                not lines[j].strip()
                or _indent(lines[j]) > _indent(line)
                or (lines[j].lstrip().startswith("- ") and _indent(lines[j]) == _indent(line))
            ):
                j += 1
            if j - i - 1 > COLLAPSE_OVER:
                out.append(f"{line.rstrip()}  # {j - i - 1} lines ({i + 2}-{j}) not shown")
                i = j
                continue
        out.append(line.rstrip())
        i += 1
    if len(out) > MAX_LINES:
        rest = len(out) - MAX_LINES
        out = [*out[:MAX_LINES], " " * (base + 2) + f"# ... {rest} more lines (to line {end})"]
    width = min((_indent(x) for x in out if x.strip()), default=0)
    return "\n".join(x[width:] for x in out)


def snippet(text_lines: list[str], line: int) -> Snippet:
    start, end = item_block(text_lines, line)
    return Snippet(text=trimmed(text_lines, start, end), start=start, end=end)
