"""``load_app_source``: a Python service's source tree -> :class:`~koku_gap.model.evidence.AppSource`.

Read the files (bounded, never outside the tree), hash them, answer from the cache when it holds this
hash, else parse each file with ``ast`` and run the readers over the indexed modules. A file that does
not parse is a warning naming it; the rest is read.
"""

from __future__ import annotations

import ast
import gc
import io
import os
import tokenize
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from koku_gap.model.evidence import ANALYSIS_VERSION, AppSource, Module, SourceWarning
from koku_gap.sources.appsource import cache as cache_store
from koku_gap.sources.appsource.files import MAX_BYTES, MAX_FILES, SourceFile, digest, read_tree

if TYPE_CHECKING:
    from koku_gap.sources.appsource.index import ModuleInfo

FACTS = (
    "task_routes",
    "default_queues",
    "task_imports",
    "url_routes",
    "url_confs",
    "url_includes",
    "routing",
    "beats",
    "kafka",
    "env_reads",
    "switches",
    "entry_points",
)


def load_app_source(
    path: str | os.PathLike[str],
    *,
    max_files: int = MAX_FILES,
    max_bytes: int = MAX_BYTES,
    include_tests: bool = False,
    cache: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
) -> AppSource:
    """The evidence read from the Python source under ``path``. Test files (``tests/``, ``test_*.py``,
    ``conftest.py``) are left out unless ``include_tests``: no deployed process runs them.

    InputError: ``path`` missing or unreadable, a symbolic link out of it, over ``max_files`` files or
    ``max_bytes`` bytes of ``.py``."""
    root = Path(path)
    files = read_tree(root, max_files=max_files, max_bytes=max_bytes, include_tests=include_tests)
    return load_read_tree(root, files, include_tests=include_tests, cache=cache, cache_dir=cache_dir)


def load_read_tree(
    root: Path,
    files: Sequence[SourceFile],
    *,
    include_tests: bool = False,
    cache: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
) -> AppSource:
    """``load_app_source`` of a tree its caller has read already (``read_tree(root, ...)``, with the
    same ``include_tests``): a checkout is walked and read once."""
    files = list(files)
    key = digest(files, f"koku-gap appsource v{ANALYSIS_VERSION} tests={include_tests}")
    directory = cache_store.cache_dir(cache_dir) if cache else None
    if directory is not None and (cached := cache_store.read_cached(directory, key)) is not None:
        return cached.model_copy(update={"root": str(root)})
    source = analyse(files, key)
    if directory is not None:
        cache_store.write_cached(directory, source)
    return source.model_copy(update={"root": str(root)})


def analyse(files: list[SourceFile], key: str) -> AppSource:
    """Parse and read ``files``; the root is not part of the result (the cache is shared by copies).

    Python's cyclic garbage collector is paused meanwhile: the syntax trees of a whole service are
    millions of objects kept alive until the end, and each collection would walk them all again, for
    nothing (they hold no cycles to free): on koku that was more than half of the time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _analyse(files, key)
    finally:
        if paused:
            gc.enable()


def _analyse(files: list[SourceFile], key: str) -> AppSource:
    problems: list[SourceWarning] = []
    modules: list[ModuleInfo] = []
    try:
        for file in files:
            info = _parse(file, problems)
            if info is not None:
                modules.append(info)
        return _read(files, key, modules, problems)
    finally:  # the index holds cycles (contexts point at their module): undone, it is freed on return
        for module in modules:
            module.release()


def _read(
    files: list[SourceFile], key: str, modules: list[ModuleInfo], problems: list[SourceWarning]
) -> AppSource:
    # the readers are imported only when something is read: a cache hit needs none of them
    from koku_gap.sources.appsource.celery import Celery
    from koku_gap.sources.appsource.entrypoints import entry_points
    from koku_gap.sources.appsource.environment import Environment
    from koku_gap.sources.appsource.imports import import_graph
    from koku_gap.sources.appsource.installed import installed_apps
    from koku_gap.sources.appsource.kafka import kafka_sites
    from koku_gap.sources.appsource.resolve import Tree
    from koku_gap.sources.appsource.urls import called_names, url_confs, url_includes, url_routes

    tree = Tree(modules)
    environment = Environment(tree)
    celery = Celery(tree, environment)
    too_deep: set[str] = set()  # a module whose expressions nest past Python's recursion limit

    def each(read: Callable[[ModuleInfo], None]) -> None:
        for module in modules:
            if module.file.path in too_deep:
                continue
            try:
                read(module)
            except RecursionError:
                too_deep.add(module.file.path)
                problems.append(_too_deep(module.file))

    each(celery.read_tasks)
    each(celery.read_apps)
    each(celery.read_app_calls)
    found: dict[str, list[object]] = {k: [] for k in FACTS}
    called = called_names(tree)

    def read_facts(module: ModuleInfo) -> None:
        facts: dict[str, Sequence[object]] = {  # all of a module's facts or none
            "task_routes": list(celery.task_routes(module)),
            "default_queues": list(celery.default_queues(module)),
            "task_imports": list(celery.task_imports(module)),
            "url_routes": url_routes(tree, environment, module, called),
            "url_confs": url_confs(tree, environment, module),
            "url_includes": url_includes(tree, environment, module),
            "routing": celery.routing(module),
            "beats": celery.beats(module),
            "kafka": kafka_sites(tree, celery, module),
            "env_reads": environment.reads(module),
            "switches": environment.switches(module),
            "entry_points": entry_points(tree, module, celery.apps),
        }
        for name, values in facts.items():
            found[name] += values

    each(read_facts)
    try:
        helpers = environment.helpers()  # the functions the conditions read above call
    except RecursionError:
        helpers = []
    facts = {
        "root": "",
        "digest": key,
        "files": len(files),
        "bytes": sum(len(f.data) for f in files),
        "modules": [Module(name=m.name, file=m.file.path) for m in modules],
        "imports": import_graph(modules),
        "imports_at_load": import_graph(modules, at_load=True),
        "tasks": celery.tasks,
        "apps": celery.apps,
        "installed_apps": installed_apps(tree),
        "helpers": helpers,
        **found,
        "warnings": problems,
    }
    tree.env_default = None  # the environment reader and the tree point at each other
    return AppSource.model_validate(facts)


def _parse(file: SourceFile, problems: list[SourceWarning]) -> ModuleInfo | None:
    from koku_gap.sources.appsource.index import index_module  # see _read

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(file.data).readline)
        text = file.data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = file.data[: exc.start].count(b"\n") + 1
        problems.append(_unreadable(file, f"not {exc.encoding}: {exc.reason}", line))
        return None
    except (SyntaxError, LookupError) as exc:  # a coding cookie naming no codec
        problems.append(_unreadable(file, str(exc), None))
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes: still code
            tree = ast.parse(text, filename=file.path)
        return index_module(file, tree, text)
    except SyntaxError as exc:
        problems.append(
            SourceWarning(
                code="appsource-syntax",
                message=f"does not parse, not read: {exc.msg}",
                file=file.path,
                line=exc.lineno,
            )
        )
    except ValueError as exc:  # null bytes
        problems.append(
            SourceWarning(code="appsource-syntax", message=f"does not parse, not read: {exc}", file=file.path)
        )
    except (RecursionError, MemoryError):
        problems.append(_too_deep(file))
    return None


def _unreadable(file: SourceFile, why: str, line: int | None) -> SourceWarning:
    return SourceWarning(
        code="appsource-encoding", message=f"not readable as text, not read: {why}", file=file.path, line=line
    )


def _too_deep(file: SourceFile) -> SourceWarning:
    return SourceWarning(
        code="appsource-too-deep", message="nested too deeply to read, not read", file=file.path
    )
