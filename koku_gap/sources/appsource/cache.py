"""The analysis of a tree, cached as JSON under its content hash.

Parsing a 1,000-file service takes seconds; hashing its bytes takes milliseconds. The key covers every
relative path and byte the analysis read plus the analysis version, so an edit, a rename or a new reader
misses; a file that does not validate (truncated, edited, from another version) is ignored and rewritten.
Writes go to a temporary file in the same directory and are renamed into place, so a reader never sees
half a file and two runs racing both leave a whole one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from koku_gap.model.evidence import AppSource

CACHE_ENV = "KOKU_GAP_CACHE_DIR"


def cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """``override``, else ``$KOKU_GAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/koku-gap``, else
    ``~/.cache/koku-gap``."""
    if override is not None:
        return Path(override)
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "koku-gap"


def cache_file(directory: Path, digest: str) -> Path:
    return directory / f"appsource-{digest}.json"


def read_cached(directory: Path, digest: str) -> AppSource | None:
    try:
        data = cache_file(directory, digest).read_bytes()
    except OSError:
        return None
    try:
        cached = AppSource.model_validate_json(data)
    except ValidationError:
        return None
    return cached if cached.digest == digest else None


def write_cached(directory: Path, source: AppSource) -> bool:
    """Store ``source``; False when the directory cannot be written (the analysis still stands)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".appsource-", suffix=".tmp", dir=directory)
    except OSError:
        return False
    stored = False
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(source.model_dump_json().encode())
        os.replace(temporary, cache_file(directory, source.digest))
        stored = True
    except OSError:
        return False
    finally:  # also on KeyboardInterrupt: no temporary file left behind
        if not stored:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return True
