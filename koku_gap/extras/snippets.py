"""The real lines of a ClowdApp component, trimmed for a report: what a reviewer wants to see.

Works on the text, not the parsed tree, so the snippet is exactly what is written (comments and
parameters included). A YAML list item ends where the indentation falls back to its dash. Long
blocks (env, volumes, probes, metadata) shrink to one comment naming their lines, except the env
entries that say what the component is (its switches, the variables its command reads).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from koku_gap.yaml.text import indent

COLLAPSE = frozenset(
    {
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
    }
)
ALWAYS_COLLAPSE = frozenset({"metadata:", "annotations:"})
MAX_LINES = 40
COLLAPSE_OVER = 4
ENV_NAME = re.compile(r"^\s*(?:-\s+)?name:\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Snippet:
    text: str
    start: int  # 1-based, inclusive
    end: int


def item_block(lines: list[str], line: int) -> tuple[int, int]:
    """The 1-based (start, end) of the list item whose key sits on ``line``."""
    index = max(0, min(line - 1, len(lines) - 1))
    key_indent = indent(lines[index])
    start = index
    # `- name: x` starts its own item: scanning back to the parent key from there, once per row,
    # made a file of 10,000 one-line items take half a minute
    if not lines[index].lstrip(" ").startswith("- "):
        for i in range(index, -1, -1):
            stripped = lines[i].lstrip(" ")
            if stripped.startswith("- ") and indent(lines[i]) == key_indent - 2:
                start = i
                break
            if stripped and not stripped.startswith("#") and indent(lines[i]) < key_indent:
                break
    dash = indent(lines[start]) if lines[start].lstrip(" ").startswith("- ") else key_indent
    end = start
    for i in range(start + 1, len(lines)):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if indent(lines[i]) <= dash:
            break
        end = i
    return start + 1, end + 1


def _block_end(lines: list[str], i: int, end: int) -> int:
    """Index just past the block that starts with the key on line ``i`` (0-based)."""
    own = indent(lines[i])
    j = i + 1
    while j < end:
        text = lines[j]
        if text.strip() and not (
            indent(text) > own or (text.lstrip().startswith("- ") and indent(text) == own)
        ):
            break
        j += 1
    return j


def _kept_entries(lines: list[str], first: int, stop: int, keep: Collection[str]) -> list[str]:
    """From an env list, the entries whose name is in ``keep`` (each with its continuation lines)."""
    shown: list[str] = []
    i = first
    while i < stop:
        match = ENV_NAME.match(lines[i]) if lines[i].lstrip().startswith("- ") else None
        if match is None:
            i += 1
            continue
        j = i + 1
        while j < stop:
            following = lines[j]
            if following.lstrip().startswith("- ") and indent(following) <= indent(lines[i]):
                break
            j += 1
        if match.group(1) in keep:
            shown.extend(line.rstrip() for line in lines[i:j])
        i = j
    return shown


def trimmed(lines: list[str], start: int, end: int, keep: Collection[str] = ()) -> str:
    out: list[str] = []
    i = start - 1
    base = indent(lines[i])
    while i < end:
        line = lines[i]
        stripped = line.strip().lstrip("- ").strip() if line.lstrip().startswith("- ") else line.strip()
        if stripped in COLLAPSE and not line.lstrip().startswith("- "):
            j = _block_end(lines, i, end)
            size = j - i - 1
            if size > COLLAPSE_OVER or (stripped in ALWAYS_COLLAPSE and size > 0):
                shown = _kept_entries(lines, i + 1, j, keep) if stripped == "env:" else []
                hidden = size - len(shown)
                note = (
                    f"  # {hidden} more lines ({i + 2}-{j})"
                    if shown
                    else f"  # {size} lines ({i + 2}-{j}) not shown"
                )
                out.append(line.rstrip() + note)
                out.extend(shown)
                i = j
                continue
        out.append(line.rstrip())
        i += 1
    if len(out) > MAX_LINES:
        rest = len(out) - MAX_LINES
        out = [*out[:MAX_LINES], " " * (base + 2) + f"# ... {rest} more lines (to line {end})"]
    width = min((indent(x) for x in out if x.strip()), default=0)
    return "\n".join(x[width:] for x in out)


def snippet(text_lines: list[str], line: int, keep: Collection[str] = ()) -> Snippet:
    """The item around ``line``; ``keep``: env names to show even when the env block is collapsed."""
    start, end = item_block(text_lines, line)
    return Snippet(text=trimmed(text_lines, start, end, keep), start=start, end=end)
