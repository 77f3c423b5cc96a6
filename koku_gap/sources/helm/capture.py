"""Helm's own log lines: what a ``helm`` binary writes to stderr, and what the Go SDK writes to file
descriptor 2 of the render child (a file of its own there, read back by ``engine_python``)."""

from __future__ import annotations

import re

_LOG_PREFIX = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)? ")


def helm_log_lines(data: bytes) -> list[str]:
    """Helm's log output as distinct lines, without Go's ``log`` timestamps."""
    lines = (_LOG_PREFIX.sub("", line).strip() for line in data.decode("utf-8", "replace").splitlines())
    return list(dict.fromkeys(line for line in lines if line))
