"""Helm's own log lines: what a ``helm`` binary writes to stderr, and what the Go SDK writes to file
descriptor 2 in-process, captured for the length of a render."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator

_LOG_PREFIX = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)? ")


@contextlib.contextmanager
def native_stderr() -> Iterator[list[str]]:
    """Collect what native code writes to file descriptor 2 meanwhile (Helm's Go ``log``), as lines.

    helm-python-sdk's logging bridge does not carry Helm's own warnings (``coalesce``: a value ignored
    because its type does not match the chart's); they would reach the terminal bare. For the few
    milliseconds of a render, descriptor 2 points at a temporary file instead.
    """
    lines: list[str] = []
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no descriptor 2 to borrow: let it be
        yield lines
        return
    try:
        with tempfile.TemporaryFile() as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield lines
            finally:
                os.dup2(saved, 2)
                sink.seek(0)
                lines.extend(helm_log_lines(sink.read()))
    finally:
        os.close(saved)


def helm_log_lines(data: bytes) -> list[str]:
    """Helm's log output as distinct lines, without Go's ``log`` timestamps."""
    lines = (_LOG_PREFIX.sub("", line).strip() for line in data.decode("utf-8", "replace").splitlines())
    return list(dict.fromkeys(line for line in lines if line))
