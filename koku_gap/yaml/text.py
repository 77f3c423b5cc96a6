"""Helpers for YAML as text, line by line (snippets and the manifests reader work on the raw lines)."""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1 << 16)
def indent(line: str) -> int:
    """How many spaces a line starts with (YAML indents with spaces only). Cached: a snippet asks it
    of the same few hundred lines thousands of times."""
    return len(line) - len(line.lstrip(" "))
