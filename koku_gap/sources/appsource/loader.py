"""``load_app_source``: a Python service's source tree -> :class:`~koku_gap.model.evidence.AppSource`.

Read the files (bounded, never outside the tree), hash them, answer from the cache when it holds this
hash, else parse each file with ``ast`` and run the readers over the indexed modules. A file that does
not parse is a warning naming it; the rest is read.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from koku_gap.model.evidence import ANALYSIS_VERSION, AppSource
from koku_gap.sources.appsource import cache as cache_store
from koku_gap.sources.appsource.files import MAX_BYTES, MAX_FILES, SourceFile, digest, read_tree

if TYPE_CHECKING:
    from koku_gap.sources.appsource.index import ModuleInfo


def load_app_source(
    path: str | os.PathLike[str],
    *,
    max_files: int = MAX_FILES,
    max_bytes: int = MAX_BYTES,
    include_tests: bool = False,
    cache: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    workers: int | None = None,
) -> AppSource:
    """The evidence read from the Python source under ``path``. Test files (``tests/``, ``test_*.py``,
    ``conftest.py``) are left out unless ``include_tests``: no deployed process runs them. ``workers``:
    how many processes parse a tree the cache does not hold (``analyse``).

    InputError: ``path`` missing or unreadable, a symbolic link out of it, over ``max_files`` files or
    ``max_bytes`` bytes of ``.py``."""
    root = Path(path)
    files = read_tree(root, max_files=max_files, max_bytes=max_bytes, include_tests=include_tests)
    return load_read_tree(
        root, files, include_tests=include_tests, cache=cache, cache_dir=cache_dir, workers=workers
    )


def load_read_tree(
    root: Path,
    files: Sequence[SourceFile],
    *,
    include_tests: bool = False,
    cache: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    workers: int | None = None,
) -> AppSource:
    """``load_app_source`` of a tree its caller has read already (``read_tree(root, ...)``, with the
    same ``include_tests``): a checkout is walked and read once."""
    if workers not in (None, 1, 2):
        raise ValueError(f"workers must be 1, 2 or None, not {workers!r}")
    files = list(files)
    key = digest(files, f"koku-gap appsource v{ANALYSIS_VERSION} tests={include_tests}")
    directory = cache_store.cache_dir(cache_dir) if cache else None
    if directory is not None and (cached := cache_store.read_cached(directory, key)) is not None:
        return cached.model_copy(update={"root": str(root)})
    source = analyse(files, key, workers=workers)
    if directory is not None:
        cache_store.write_cached(directory, source)
    return source.model_copy(update={"root": str(root)})


def analyse(files: list[SourceFile], key: str, *, workers: int | None = None) -> AppSource:
    """Parse and read ``files``; the root is not part of the result (the cache is shared by copies).
    ``workers``: processes to read with, 1 or 2 (None: 2 where a second core and ``fork`` are there and
    the tree is large enough to be worth it; ``split`` says when); the result is the same either way.

    Python's cyclic garbage collector is paused meanwhile: the syntax trees of a whole service are
    millions of objects kept alive until the end, and each collection would walk them all again, for
    nothing (they hold no cycles to free): on koku that was more than half of the time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _analyse(files, key, workers)
    finally:
        if paused:
            gc.enable()


def _analyse(files: list[SourceFile], key: str, workers: int | None) -> AppSource:
    from koku_gap.sources.appsource import split  # the readers: only when something is read

    if split.worth_splitting(files, workers):
        source = split.read_in_two(files, key)
        if source is not None:
            return source
    return _alone(files, key)


def _alone(files: list[SourceFile], key: str) -> AppSource:
    from koku_gap.sources.appsource.reading import Alone, read_files

    parsed: dict[int, ModuleInfo] = {}
    try:
        source = read_files(files, key, range(len(files)), Alone(), parsed)
        assert source is not None  # one process builds it
        return source
    finally:  # the index holds cycles (contexts point at their module): undone, it is freed on return
        for module in parsed.values():
            module.release()
