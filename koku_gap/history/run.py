"""``history()``: walk a chart's git history and analyse every distinct chart tree once, in parallel.

Commits that share a chart tree (same tree object; the rendering options are the walk's own) share one
analysis. Trees are analysed in worker processes, one per core, each importing the pipeline once
(forked after importing it, where the platform forks); a single tree, or
``jobs=1``, is analysed in the calling process.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from pathlib import Path

from koku_gap.engine.policy import Policy, load_policy
from koku_gap.history.analyse import (
    Analyser,
    ChartOptions,
    Job,
    TreeResult,
    analyse_in_worker,
    distinct,
    prepare,
)
from koku_gap.history.delta import RowGaps, deltas
from koku_gap.history.model import CommitResult, History
from koku_gap.history.walk import (
    ChartAt,
    Commit,
    charts_at,
    first_parent_commits,
    normalized,
    open_repository,
)
from koku_gap.model.errors import SETTING, InputError, Setting, UsageError
from koku_gap.sources.helm.sets import check_sets
from koku_gap.sources.helm.spec import DEFAULT_NAMESPACE, RELEASE_NAME_RULE, Renderer, valid_release_name
from koku_gap.yaml.loader import DEFAULT_MAX_BYTES, read_text

WORKER_MODULE = "koku_gap.history.analyse"  # what the workers run: imported once, before they start
GO_RUNTIME = "helm_python"  # helm-python-sdk: Helm's Go SDK, loaded in-process (docs/helm.md)


def history(
    repo: str | Path,
    chart_paths: Sequence[str] | str,
    clowdapps: Sequence[str | Path] | str | Path,
    *,
    values: Sequence[str | Path] = (),
    set_values: Sequence[str] = (),
    set_string_values: Sequence[str] = (),
    release: str | None = None,
    namespace: str = DEFAULT_NAMESPACE,
    api_versions: Sequence[str] = (),
    kube_version: str | None = None,
    renderer: Renderer = "auto",
    skip_failing_templates: bool = False,
    policy: Policy | str | Path | None = None,
    app_sources: Mapping[str, str | os.PathLike[str]] | str | os.PathLike[str] | None = None,
    rev_range: str | None = None,
    since: date | None = None,
    today: date | None = None,
    max_bytes: int | None = None,
    jobs: int | None = None,
    word: Callable[[Setting], str] = str,
) -> History:
    """The chart at ``chart_paths`` (the first present at each commit: a renamed directory, newest name
    first or not) compared with ``clowdapps`` at every first-parent commit of ``HEAD`` (or of
    ``rev_range`` ``A..B``; with ``since``, those committed on or after that day), oldest first.

    The chart comes from git's objects at each commit; ``values`` files and ``clowdapps`` are read
    from the file system as given (the work tree, not the commit). Each commit's counts are what
    ``analyze(clowdapps, charts=[that chart], policy=...)`` gives. A chart that fails to render is a
    ``render-failed`` commit with the error's first line, and the walk goes on. ``jobs``: worker
    processes (default: the cores available); ``word``: how errors name a setting (the CLI passes its
    options). InputError for a repository, range or path that gives nothing to walk.
    """
    paths = [chart_paths] if isinstance(chart_paths, str) else list(chart_paths)
    clowdapp_paths = [clowdapps] if isinstance(clowdapps, str | Path) else list(clowdapps)
    if not paths:
        raise UsageError(f"{SETTING}: give at least one chart path", settings=(Setting("chart_paths"),))
    if not clowdapp_paths:
        raise UsageError(f"{SETTING}: give at least one ClowdApp file", settings=(Setting("clowdapps"),))
    limit = max_bytes if max_bytes is not None else DEFAULT_MAX_BYTES
    options = ChartOptions(
        values=tuple(str(v) for v in values),
        set_values=tuple(set_values),
        set_string_values=tuple(set_string_values),
        release=release,
        namespace=namespace,
        api_versions=tuple(api_versions),
        kube_version=kube_version,
        renderer=renderer,
        skip_failing_templates=skip_failing_templates,
    )
    _check_options(options, limit)
    resolved = policy if isinstance(policy, Policy) else load_policy(policy)
    open_repository(repo)
    commits = first_parent_commits(repo, rev_range, since)
    if not commits:
        raise InputError(
            str(repo), None, _no_commits(rev_range, since), settings=_range_settings(rev_range, since)
        )
    found = charts_at(repo, commits, paths)
    if all(chart is None for chart in found):
        shown = ", ".join(normalized(p) for p in paths)
        raise InputError(
            str(repo),
            None,
            f"{SETTING}: no commit of the walk ({len(commits)}) has a directory {shown}",
            setting=Setting("chart_paths"),
        )
    job = Job(
        repo=str(repo),
        clowdapps=tuple(str(c) for c in clowdapp_paths),
        policy=resolved,
        options=options,
        today=today or date.today(),
        max_bytes=limit,
        app_sources=_plain(app_sources),
        word=word,
    )
    todo = distinct([(c.path, c.tree) for c in found if c is not None])
    results = analyse_all(job, todo, jobs)
    return History(
        repo=str(repo),
        chart_paths=[normalized(p) for p in paths],
        rev_range=rev_range,
        since=since,
        policy=list(resolved.sources),
        renders=len(todo),
        commits=assemble(commits, found, results),
    )


def _check_options(options: ChartOptions, max_bytes: int) -> None:
    """What would fail the same way at every commit, refused before the walk: a release name that is
    none, a ``--set`` Helm refuses, a values file that cannot be read."""
    if options.release is not None and not valid_release_name(options.release):
        raise UsageError(
            f"{SETTING} {options.release!r}: {RELEASE_NAME_RULE}", settings=(Setting("release"),)
        )
    check_sets(options.spec(Path(".")))
    for values_file in options.values:
        read_text(Path(values_file), max_bytes)


def _plain(
    given: Mapping[str, str | os.PathLike[str]] | str | os.PathLike[str] | None,
) -> Mapping[str, str] | str | None:
    """``app_sources`` with plain string paths (sent to the workers)."""
    if given is None or isinstance(given, str):
        return given
    if isinstance(given, os.PathLike):
        return os.fspath(given)
    return {key: os.fspath(value) for key, value in given.items()}


def _no_commits(rev_range: str | None, since: date | None) -> str:
    if since is not None and rev_range is not None:
        return f"{SETTING} {rev_range} has no commit on or after {since} ({SETTING})"
    if since is not None:
        return f"no first-parent commit on or after {since} ({SETTING})"
    return f"{SETTING} {rev_range} holds no commits"


def _range_settings(rev_range: str | None, since: date | None) -> tuple[Setting, ...]:
    return tuple(s for s, given in ((Setting("rev_range"), rev_range), (Setting("since"), since)) if given)


def analyse_all(job: Job, todo: Sequence[tuple[str, str]], jobs: int | None = None) -> dict[str, TreeResult]:
    """Each (path, tree) of ``todo`` analysed once: tree id -> result."""
    workers = min(jobs or _cores(), len(todo))
    if workers <= 1:
        analyser = Analyser(job)
        return {tree: analyser.analyse(path, tree) for path, tree in todo}
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_context(), initializer=prepare, initargs=(job,)
    )
    try:
        futures: dict[str, Future[TreeResult]] = {
            tree: pool.submit(analyse_in_worker, path, tree) for path, tree in todo
        }
        results = {tree: future.result() for tree, future in futures.items()}
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def _cores() -> int:
    """The cores this process may run on (a container's share, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1  # pragma: no cover - macOS and Windows have no sched_getaffinity


def _context() -> multiprocessing.context.BaseContext:
    """Fork, with the pipeline imported first, so the workers share that one import; but not once Helm's
    Go runtime is loaded in this process (its threads do not survive a fork): then a forkserver that
    imports the pipeline and forks the workers from it (which, like spawn, needs the caller's script
    to guard its top level with ``if __name__ == "__main__":``); spawn where neither exists."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and GO_RUNTIME not in sys.modules:
        importlib.import_module(WORKER_MODULE)
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:  # pragma: no cover - only after this process rendered a chart itself
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([WORKER_MODULE])
        return context
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


def assemble(
    commits: Sequence[Commit], found: Sequence[ChartAt | None], results: Mapping[str, TreeResult]
) -> list[CommitResult]:
    """Each commit's record, the deltas against the previous analysed commit."""
    records: list[CommitResult] = []
    before: RowGaps | None = None
    previous: str | None = None
    for commit, chart in zip(commits, found, strict=True):
        if chart is None:
            records.append(
                CommitResult(
                    sha=commit.sha,
                    date=commit.date,
                    subject=commit.subject,
                    chart_path=None,
                    tree=None,
                    status="no-chart",
                )
            )
            continue
        result = results[chart.tree]
        record = CommitResult(
            sha=commit.sha,
            date=commit.date,
            subject=commit.subject,
            chart_path=chart.path,
            tree=chart.tree,
            status=result.status,
            error=result.error,
            not_rendered=list(result.not_rendered),
            by_priority=result.by_priority,
            by_status=result.by_status,
            gaps=result.gaps,
            highest_priority=result.highest_priority,
        )
        if record.analysed:
            if before is not None:
                opened, closed, changed = deltas(before, result.rows)
                record = record.model_copy(
                    update={"previous": previous, "opened": opened, "closed": closed, "changed": changed}
                )
            before, previous = result.rows, commit.sha
        records.append(record)
    return records
