"""A tree's analysis, phase by phase, by one process or by each of two that own half the files each.

A process parses the files it owns; once every file's :class:`Summary` is known (``Share.exchange``),
it reads its modules' Celery tasks and applications, then their ``app.*`` calls, then every other fact,
each phase's findings added to the tree in file order by both processes before the next phase (the
later phases refer to the tasks and apps). A module the process does not own is parsed there only when
a lookup needs it. The facts then go to the process that returns them, which adds what needs the whole
tree read: the helper functions the conditions call, ``INSTALLED_APPS``, the import graphs.

Every list is built in file order and every warning keeps the place it had when one process read the
tree phase by phase, so one process and two give the same AppSource, byte for byte.
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from koku_gap.model.evidence import AppSource, CeleryApp, CeleryTask, Module, SourceWarning
from koku_gap.sources.appsource.celery import Celery
from koku_gap.sources.appsource.entrypoints import entry_points
from koku_gap.sources.appsource.environment import Environment, Noted
from koku_gap.sources.appsource.files import SourceFile
from koku_gap.sources.appsource.imports import ModuleImports, import_graph
from koku_gap.sources.appsource.index import ModuleInfo, NodeAt, index_module
from koku_gap.sources.appsource.installed import installed_apps
from koku_gap.sources.appsource.kafka import kafka_sites
from koku_gap.sources.appsource.resolve import Modules, Tree
from koku_gap.sources.appsource.summary import Summary, summarize
from koku_gap.sources.appsource.urls import CalledNames, url_confs, url_includes, url_routes

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
# The phases, in the order one process runs them over the whole tree: a warning's place among the others.
PARSE, TASKS, APPS, APP_CALLS, READ = range(5)

T = TypeVar("T")
Problem = tuple[tuple[int, int], SourceWarning]  # ((phase, file index), warning)
Facts = dict[str, list[object]]


class Share(Protocol):
    """How a process hands its findings to the other reading the same tree (or to none)."""

    def exchange(self, mine: T) -> list[T]:
        """Every process's ``mine``, this one's itself: each gets all once all have given theirs."""

    def gather(self, mine: T) -> list[T] | None:
        """The last findings: all of them in the process that builds the AppSource, None in another."""


class Alone:
    """One process reading the whole tree."""

    def exchange(self, mine: T) -> list[T]:
        return [mine]

    def gather(self, mine: T) -> list[T] | None:
        return [mine]


@dataclass(frozen=True)
class _Found:
    tasks: dict[int, list[tuple[str, CeleryTask]]]
    apps: dict[int, list[tuple[NodeAt, CeleryApp]]]


@dataclass(frozen=True)
class _Read:
    facts: dict[int, Facts]
    imports: dict[int, ModuleImports]
    noted: list[Noted]
    problems: list[Problem]


def read_files(
    files: Sequence[SourceFile], key: str, own: Sequence[int], share: Share, parsed: dict[int, ModuleInfo]
) -> AppSource | None:
    """Read the files at ``own`` (indices into ``files``, in order), with ``share``; ``parsed`` collects
    every module this process indexes (the caller frees them). None where ``share.gather`` gives none."""
    problems: list[Problem] = []
    summaries: dict[int, Summary | None] = {}
    for index in own:
        unread: list[SourceWarning] = []
        info = parse(files[index], unread)
        problems += [((PARSE, index), w) for w in unread]
        summaries[index] = None if info is None else summarize(info)
        if info is not None:
            parsed[index] = info
    every: list[Summary | None] = [None] * len(files)
    for given in share.exchange(summaries):
        for index, summary in given.items():
            every[index] = summary
    modules = Modules(files, every, parsed, lambda file: parse(file, []))
    tree = Tree(modules)
    environment = Environment(tree)
    celery = Celery(tree, environment)
    mine = [i for i in own if i in parsed]
    too_deep: set[int] = set()

    def each(phase: int, read: Callable[[ModuleInfo], T]) -> dict[int, T]:
        out: dict[int, T] = {}
        for index in mine:
            if index in too_deep:
                continue
            try:
                out[index] = read(modules.at(index))
            except RecursionError:  # expressions nested past Python's recursion limit
                too_deep.add(index)
                problems.append(((phase, index), _too_deep(files[index])))
        return out

    found = _Found(each(TASKS, celery.tasks_in), each(APPS, celery.apps_in))
    parts = share.exchange(found)
    for index, tasks in _in_file_order(p.tasks for p in parts):
        celery.add_tasks(files[index].module, tasks)
    for _, apps in _in_file_order(p.apps for p in parts):
        celery.add_apps(apps)
    for _, calls in _in_file_order(share.exchange(each(APP_CALLS, celery.app_calls_in))):
        celery.add_app_calls(calls)
    called = CalledNames(tree)

    def read_facts(module: ModuleInfo) -> Facts:
        return {  # all of a module's facts or none
            "task_routes": list(celery.task_routes(module)),
            "default_queues": list(celery.default_queues(module)),
            "task_imports": list(celery.task_imports(module)),
            "url_routes": list(url_routes(tree, environment, module, called)),
            "url_confs": list(url_confs(tree, environment, module)),
            "url_includes": list(url_includes(tree, environment, module)),
            "routing": list(celery.routing(module)),
            "beats": list(celery.beats(module)),
            "kafka": list(kafka_sites(tree, celery, module)),
            "env_reads": list(environment.reads(module)),
            "switches": list(environment.switches(module)),
            "entry_points": list(entry_points(tree, module, celery.apps)),
        }

    facts = each(READ, read_facts)
    own_read = _Read(facts, {i: ModuleImports.of(parsed[i]) for i in mine}, environment.noted(), problems)
    read = share.gather(own_read)
    if read is None:
        return None
    by_path = {f.path: i for i, f in enumerate(files)}
    for part in read:
        if part is not own_read:
            environment.add_noted(part.noted, lambda path: modules.at(by_path[path]))
    return _source(files, key, tree, environment, celery, read)


def _source(
    files: Sequence[SourceFile],
    key: str,
    tree: Tree,
    environment: Environment,
    celery: Celery,
    read: list[_Read],
) -> AppSource:
    found: dict[str, list[object]] = {k: [] for k in FACTS}
    for _, facts in _in_file_order(p.facts for p in read):
        for name, values in facts.items():
            found[name] += values
    imports = _in_file_order(p.imports for p in read)  # every module that parses
    problems = sorted((p for part in read for p in part.problems), key=lambda p: p[0])
    try:
        helpers = environment.helpers()  # the functions the conditions read above call
    except RecursionError:
        helpers = []
    ordered = [m for _, m in imports]
    source = AppSource.model_validate(
        {
            "root": "",
            "digest": key,
            "files": len(files),
            "bytes": sum(len(f.data) for f in files),
            "modules": [Module(name=files[i].module, file=files[i].path) for i, _ in imports],
            "imports": import_graph(ordered),
            "imports_at_load": import_graph(ordered, at_load=True),
            "tasks": celery.tasks,
            "apps": celery.apps,
            "installed_apps": installed_apps(tree),
            "helpers": helpers,
            **found,
            "warnings": [w for _, w in problems],
        }
    )
    tree.env_default = None  # the environment reader and the tree point at each other
    return source


def _in_file_order(parts: Iterable[Mapping[int, T]]) -> list[tuple[int, T]]:
    """Each process's findings by file index, merged, in file order (a file has one owner)."""
    merged: dict[int, T] = {}
    for part in parts:
        merged.update(part)
    return sorted(merged.items(), key=lambda item: item[0])


def parse(file: SourceFile, problems: list[SourceWarning]) -> ModuleInfo | None:
    """The file's module, indexed; None, with a warning in ``problems``, when it cannot be read."""
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
