"""One chart tree, analysed: written from git to a scratch directory, rendered and compared with the
ClowdApps as ``analyze()`` compares them, so each commit gives exactly the rows a plain
``gap-report --chart`` of that directory gives (tests/history/test_corpus.py checks it). Two trees
that render the same text (a change outside the templates) are analysed once per process.

This module is what each worker process runs. The pipeline is imported once per process, and what is
the same at every commit (the policy, the ClowdApp side, the application sources) is read once per
process, through ``analyze()``'s own loaders; only the chart is read per tree. The extras
(snippets, suggested templates) are left out: they change no status or priority.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from koku_gap.api import compare, load_clowdapp_side, open_app_sources, read_app_sources, read_once
from koku_gap.engine.policy import Policy, load_policy
from koku_gap.history.model import CommitStatus
from koku_gap.history.tree import TreeRefused, export_tree
from koku_gap.model.errors import InputError, Setting
from koku_gap.model.graph import ComponentGraph
from koku_gap.model.report import Report
from koku_gap.model.vocabulary import Priority, Status
from koku_gap.sources.helm.render import RenderResult, render_chart, rendered_graph
from koku_gap.sources.helm.spec import DEFAULT_NAMESPACE, ChartSpec, Renderer
from koku_gap.sources.manifests import require_workloads
from koku_gap.yaml.limits import MAX_WORKLOADS


@dataclass(frozen=True)
class ChartOptions:
    """The ``helm template`` options every commit's chart is rendered with (ChartSpec without a path)."""

    values: tuple[str, ...] = ()
    set_values: tuple[str, ...] = ()
    set_string_values: tuple[str, ...] = ()
    release: str | None = None
    namespace: str = DEFAULT_NAMESPACE
    api_versions: tuple[str, ...] = ()
    kube_version: str | None = None
    renderer: Renderer = "auto"
    skip_failing_templates: bool = False

    @classmethod
    def of(
        cls, chart: ChartSpec, renderer: Renderer = "auto", skip_failing_templates: bool = False
    ) -> ChartOptions:
        """The options ``chart`` is rendered with, for the same chart at other commits."""
        return cls(
            values=tuple(str(v) for v in chart.values),
            set_values=tuple(chart.set_values),
            set_string_values=tuple(chart.set_string_values),
            release=chart.release,
            namespace=chart.namespace,
            api_versions=tuple(chart.api_versions),
            kube_version=chart.kube_version,
            renderer=renderer,
            skip_failing_templates=skip_failing_templates,
        )

    def spec(self, path: Path) -> ChartSpec:
        return ChartSpec(
            path=path,
            values=self.values,
            set_values=self.set_values,
            set_string_values=self.set_string_values,
            release=self.release,
            namespace=self.namespace,
            api_versions=self.api_versions,
            kube_version=self.kube_version,
        )


@dataclass(frozen=True)
class Job:
    """What every tree of one walk is analysed with: sent once to each worker process."""

    repo: str
    clowdapps: tuple[str, ...]
    policy: Policy | str | None
    options: ChartOptions
    today: date
    max_bytes: int
    app_sources: Mapping[str, str] | str | None = None
    word: Callable[[Setting], str] = str  # how an error names a setting (the CLI: as its option)
    cwd: str = field(default_factory=os.getcwd)  # where relative paths (values, ClowdApps) are read
    params: Mapping[str, str] | None = None  # the ClowdApp templates' parameters (--param)
    max_workloads: int = MAX_WORKLOADS  # each ClowdApp file's, and each chart's (--max-workloads)


@dataclass(frozen=True)
class TreeResult:
    """A tree's analysis: what a commit with that tree records, and each row's gap for the deltas."""

    status: CommitStatus
    error: str | None = None
    not_rendered: tuple[str, ...] = ()
    by_priority: dict[Priority, int] = field(default_factory=dict)
    by_status: dict[Status, int] = field(default_factory=dict)
    gaps: int = 0
    highest_priority: Priority | None = None
    rows: dict[str, tuple[Status, Priority | None]] = field(default_factory=dict)  # id -> status, gap


class Analyser:
    """A job with its policy loaded once; ``analyse(path, tree)`` per distinct tree."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.policy = job.policy if isinstance(job.policy, Policy) else load_policy(job.policy)
        paths, _ = read_once(list(job.clowdapps))  # a file given twice is read once, as analyze() reads it
        self.source, _ = load_clowdapp_side(
            paths, job.params, job.max_bytes, job.max_workloads, keep_lines=False
        )
        self.code = read_app_sources(open_app_sources(job.app_sources, self.source.apps))
        self.seen: dict[str, TreeResult] = {}  # render fingerprint -> its analysis, in this process

    def analyse(self, path: str, tree: str) -> TreeResult:
        """The chart at ``path`` in the tree ``tree``: a render failure (or a tree over the limits) is a
        result, any other error (the ClowdApps, the policy, a values file) is raised: it would be the
        same at every commit."""
        with tempfile.TemporaryDirectory(prefix="koku-gap-history-", dir=scratch_root()) as scratch:
            chart = Path(scratch) if path == "." else Path(scratch, path)
            try:
                export_tree(self.job.repo, tree, chart, self.job.max_bytes)
            except TreeRefused as exc:
                return TreeResult(status="render-failed", error=f"{path}: {exc}")
            try:
                rendered = render_chart(
                    self.job.options.spec(chart),
                    renderer=self.job.options.renderer,
                    skip_failing_templates=self.job.options.skip_failing_templates,
                    max_bytes=self.job.max_bytes,
                )
                key = fingerprint(rendered)
                if key in self.seen:  # another tree, the same render (a change outside the templates)
                    return self.seen[key]
                target = chart_side(rendered, self.job.max_bytes, self.job.max_workloads)
            except InputError as exc:
                if not _under(exc.file, scratch):
                    raise
                return TreeResult(
                    status="render-failed", error=_first_line(exc.worded(self.job.word), scratch)
                )
        report = compare(self.source, target, self.policy, today=self.job.today, app_sources=self.code)
        result = tree_result(report, tuple(s.template for s in rendered.skipped))
        self.seen[key] = result
        return result


def fingerprint(rendered: RenderResult) -> str:
    """What the analysis of a render depends on: its text and what it says it left out or logged (the
    chart's path is not part of it: it names the scratch directory, and no count depends on it)."""
    digest = hashlib.sha256(rendered.text.encode("utf-8", "surrogatepass"))
    for note in (*rendered.skipped, *rendered.dropped_hooks, *rendered.helm_warnings):
        digest.update(b"\0" + repr(note).encode("utf-8", "backslashreplace"))
    return digest.hexdigest()


def chart_side(rendered: RenderResult, max_bytes: int, max_workloads: int = MAX_WORKLOADS) -> ComponentGraph:
    """The render read as ``load_charts`` reads one chart's (the same reader, the same two refusals)."""
    graph = rendered_graph(rendered, max_bytes=max_bytes, max_workloads=max_workloads)
    if not (graph.components or graph.resources):
        raise InputError(
            rendered.chart, None, "no Kubernetes objects: the chart renders nothing with these values"
        )
    require_workloads(graph, rendered.chart, "the rendered chart")
    return graph


SHARED_MEMORY = "/dev/shm"  # Linux's memory-backed file system


def scratch_root() -> str | None:
    """Where a tree is written: memory (``/dev/shm``) where there is one and ``TMPDIR`` chooses no other
    place, else the temporary directory. A chart is a few hundred small files, written, read once and
    removed; on a disk-backed ``/tmp`` creating them costs as much as rendering them (30 ms a tree)."""
    if (
        "TMPDIR" not in os.environ
        and os.path.isdir(SHARED_MEMORY)
        and os.access(SHARED_MEMORY, os.W_OK | os.X_OK)
    ):
        return SHARED_MEMORY
    return None


def tree_result(report: Report, left_out: tuple[str, ...] = ()) -> TreeResult:
    """What the history keeps of a report: its counts, the templates left out, each row's gap."""
    return TreeResult(
        status="partial" if left_out else "ok",
        not_rendered=left_out,
        by_priority=dict(report.summary.by_priority),  # type: ignore[arg-type]
        by_status=dict(report.summary.by_status),  # type: ignore[arg-type]
        gaps=report.summary.gaps,
        highest_priority=report.summary.highest_priority,
        rows=row_gaps(report),
    )


def row_gaps(report: Report) -> dict[str, tuple[Status, Priority | None]]:
    """Each row id's status and open gap priority (None: no gap); of rows sharing an id, the most
    urgent gap speaks for it."""
    found: dict[str, tuple[Status, Priority | None]] = {}
    for row in report.rows:
        gap = row.priority if row.is_gap else None
        known = found.get(row.id)
        if known is None or (gap is not None and (known[1] is None or gap < known[1])):  # "P0" < "P1"
            found[row.id] = (row.status, gap)
    return found


def _under(file: str, scratch: str) -> bool:
    return file == scratch or file.startswith(scratch.rstrip(os.sep) + os.sep)


def _first_line(text: str, scratch: str) -> str:
    """An error's first line with the scratch directory taken out: paths read as in the repository."""
    shown = text.replace(scratch.rstrip(os.sep) + os.sep, "").replace(scratch, ".")
    return (shown.splitlines() or [""])[0]


_ANALYSER: Analyser | Exception | None = None


def prepare(job: Job) -> None:
    """A worker process's start: its one Analyser, and the directory relative paths are read from. An
    error reading the inputs is kept and raised by the first analysis, so it reaches the caller whole
    (an initializer that raises would only break the pool)."""
    global _ANALYSER
    try:
        os.chdir(job.cwd)
        _ANALYSER = Analyser(job)
    except Exception as exc:
        _ANALYSER = exc


def analyse_in_worker(path: str, tree: str) -> TreeResult:
    """``Analyser.analyse`` in a worker process ``prepare`` set up."""
    if _ANALYSER is None:
        raise RuntimeError("analyse_in_worker() before prepare()")
    if isinstance(_ANALYSER, Exception):
        raise _ANALYSER
    return _ANALYSER.analyse(path, tree)


def distinct(trees: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (path, tree) pairs to analyse, each tree once (the first path it was found at)."""
    seen: dict[str, str] = {}
    for path, tree in trees:
        seen.setdefault(tree, path)
    return [(path, tree) for tree, path in seen.items()]
