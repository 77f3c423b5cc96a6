"""Render a chart as ``helm template`` would, and read the render as the manifests side.

A template that fails (typically a ``fail`` after a ``lookup`` that finds nothing offline) is an
:class:`InputError` naming it and quoting Helm. With ``skip_failing_templates`` the chart is copied to a
temporary directory, the failing template deleted from the copy and the copy rendered again, until it
renders; the templates left out are listed in :attr:`RenderResult.skipped` and become
``template-not-rendered`` warnings of the report.

The rendered stream is read like a ``--manifests`` file named after the chart path: ``SourceRef.file`` is
the chart path as given, ``line`` a line of the rendered stream, ``template`` Helm's ``# Source:`` path,
and ``template_file``/``template_line`` where the object is written in the chart (``template_lines``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from koku_gap.model.errors import SETTING, InputError, Setting
from koku_gap.model.graph import ComponentGraph, GraphWarning, SourceRef
from koku_gap.model.location import Notice
from koku_gap.sources.helm.chart_files import WorkingCopy, chart_name, is_partial, refuse_outside_links
from koku_gap.sources.helm.engines import Engine, select_engine
from koku_gap.sources.helm.failures import TemplateFailed, all_failures
from koku_gap.sources.helm.framing import HOOK_ANNOTATION, DroppedHook, template_at
from koku_gap.sources.helm.job import Rendered, RenderJob, read_job
from koku_gap.sources.helm.sets import check_sets
from koku_gap.sources.helm.spec import RELEASE_NAME_RULE, ChartSpec, Renderer, valid_release_name
from koku_gap.sources.helm.template_lines import TemplateLines
from koku_gap.sources.manifests import manifests_from_text, require_workloads
from koku_gap.yaml.limits import MAX_WORKLOADS
from koku_gap.yaml.loader import DEFAULT_MAX_BYTES

MAX_SKIPPED = 100  # templates --skip-failing-templates may leave out: one whole render each
MAX_SURVEYED = 20  # renders spent, on a failing chart, to name the other templates that fail too


@dataclass(frozen=True)
class SkippedTemplate:
    """A template left out of the render (``--skip-failing-templates``), and why Helm refused it."""

    template: str  # Helm's name for it: <chart>/templates/<path> or <chart>/charts/<sub>/templates/<path>
    message: str  # Helm's error


@dataclass(frozen=True)
class RenderResult:
    """A chart rendered like ``helm template``: the text, and what did not make it into the text."""

    chart: str  # the chart path as given: the ``file`` of every SourceRef read from ``text``
    name: str  # the chart's name (Chart.yaml)
    release: str
    namespace: str
    renderer: Literal["python", "binary"]
    text: str  # `---\n# Source: <template>\n<document>\n` for each document, in helm template's order
    skipped: tuple[SkippedTemplate, ...] = ()
    dropped_hooks: tuple[DroppedHook, ...] = ()
    helm_warnings: tuple[str, ...] = ()  # what Helm logged while rendering (values it ignored, ...)

    def warnings(self) -> list[GraphWarning]:
        """The report's warnings about objects this render does not contain."""
        found = [
            GraphWarning(
                code="template-not-rendered",
                message=f"template {s.template} was left out (it failed, and failing templates are "
                f"skipped) and is not analysed: {s.message}",
                file=self.chart,
                template=s.template,
            )
            for s in self.skipped
        ]
        found += [
            GraphWarning(
                code="unknown-hook",
                message=f"{d.kind} {d.name} ({d.template}) has {HOOK_ANNOTATION}: {d.hook!r}, an event Helm "
                "does not know, so Helm leaves it out and it is not analysed",
                file=self.chart,
            )
            for d in self.dropped_hooks
        ]
        found += [
            GraphWarning(code="helm-warning", message=f"Helm: {line}", file=self.chart)
            for line in self.helm_warnings
        ]
        return found


def render_chart(
    chart: ChartSpec | str | Path,
    *,
    renderer: Renderer = "auto",
    skip_failing_templates: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> RenderResult:
    """Render a chart directory or ``.tgz`` offline, framed like ``helm template`` (see the module doc).

    Raises InputError for a chart or values file that cannot be read, a failing template (unless
    ``skip_failing_templates``) and when no engine is available; ValueError for a ``release`` that is
    not a release name; UsageError for a bad set expression.
    """
    spec = chart if isinstance(chart, ChartSpec) else ChartSpec(path=chart)
    label = str(spec.path)
    path = Path(spec.path)
    if not path.exists():
        raise InputError(label, None, "no such chart directory or archive")
    name = chart_name(path)
    release = spec.release
    if release is None:
        release = name
        if not valid_release_name(release):
            raise InputError(
                label,
                None,
                f"the chart name {release!r} is not a valid release name: give one with {SETTING}",
                setting=Setting("release"),
            )
    elif not valid_release_name(release):
        raise ValueError(f"release {release!r}: {RELEASE_NAME_RULE}")
    check_sets(spec)
    if path.is_dir():
        refuse_outside_links(path)  # an archive's members are checked as it is unpacked (archive.py)
    job = read_job(spec, release, max_bytes)
    engine = select_engine(renderer, label)
    with tempfile.TemporaryDirectory(prefix="koku-gap-chart-") as scratch:
        limit = MAX_SKIPPED if skip_failing_templates else MAX_SURVEYED
        out = _leaving_out(engine, path, job, Path(scratch), limit, keep_going=not skip_failing_templates)
    if out.rendered is None:
        raise _refusal(path, label, out, skip_failing_templates)
    rendered = out.rendered
    if out.failures and not skip_failing_templates:  # it rendered only with templates left out
        raise all_failures(path, out.failures, True)
    skipped = [SkippedTemplate(str(f.template), f.message) for f in out.failures]
    return RenderResult(
        chart=label,
        name=name,
        release=release,
        namespace=job.namespace,
        renderer=engine.name,
        text=rendered.text,
        skipped=tuple(skipped),
        dropped_hooks=tuple(rendered.dropped_hooks),
        helm_warnings=tuple(rendered.helm_warnings),
    )


@dataclass
class _LeftOut:
    """What rendering came to, failing templates left out one by one: the render (None when it stopped
    first), the failures left out, in order, and why it stopped: a failure that cannot be left out (no
    template named, a helper, one that failed again: ``stopped``), or ``limit`` renders spent, or (only
    when ``keep_going``) an error of the scratch copy (``complete`` False)."""

    rendered: Rendered | None
    failures: list[TemplateFailed] = field(default_factory=list)
    stopped: TemplateFailed | None = None
    complete: bool = True
    over_limit: bool = False


def _leaving_out(
    engine: Engine, chart: Path, job: RenderJob, scratch: Path, limit: int, *, keep_going: bool
) -> _LeftOut:
    """Render ``chart``; while a template fails, render a scratch copy without it (at most ``limit``
    left out: each is a whole render). With ``--skip-failing-templates`` the render is the result;
    without, the search only names every template that fails (``keep_going``: what stops the search
    early leaves the failures found so far to say)."""
    out = _LeftOut(None)
    copy: WorkingCopy | None = None
    target = chart
    while True:
        try:
            out.rendered = engine.render(target, job)
            return out
        except TemplateFailed as failure:
            removable = failure.template is not None and not is_partial(failure.template)
            if not removable or any(f.template == failure.template for f in out.failures):
                out.stopped = failure
                return out
            if len(out.failures) >= limit:
                out.stopped, out.over_limit = failure, True
                return out
            try:
                copy = copy or WorkingCopy(chart, scratch)
                copy.remove(str(failure.template))
            except InputError:
                if not keep_going or not out.failures:
                    raise
                out.complete = False
                return out
            out.failures.append(failure)
            target = copy.root
        except InputError:
            if not keep_going or not out.failures:
                raise
            out.complete = False
            return out


def _refusal(chart: Path, label: str, out: _LeftOut, skipping: bool) -> InputError:
    """The one error of a render that stopped: with templates left out, the last that could not be
    (or the limit); without, the first failure naming every other the search found."""
    stopped = out.stopped
    if skipping and out.over_limit and stopped is not None:
        return InputError(
            label,
            None,
            f"more than {MAX_SKIPPED} templates fail to render (the last: {stopped.template}); "
            f"give the values they need with {SETTING} or {SETTING}",
            settings=(Setting("set_values"), Setting("values")),
        )
    if stopped is not None and (skipping or not out.failures):  # it alone says what stopped the render
        return stopped.input_error(chart, skipping)
    found = [*out.failures, *([stopped] if out.over_limit and stopped is not None else [])]
    return all_failures(chart, found, out.complete and not out.over_limit)


def load_chart(
    chart: ChartSpec | str | Path,
    *,
    renderer: Renderer = "auto",
    skip_failing_templates: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_workloads: int = MAX_WORKLOADS,
) -> ComponentGraph:
    """Render a chart and read it into the manifests side of the comparison."""
    result = render_chart(
        chart, renderer=renderer, skip_failing_templates=skip_failing_templates, max_bytes=max_bytes
    )
    return rendered_graph(result, max_bytes=max_bytes, max_workloads=max_workloads)


def load_charts(
    charts: Sequence[ChartSpec | str | Path],
    *,
    renderer: Renderer = "auto",
    skip_failing_templates: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_workloads: int = MAX_WORKLOADS,
) -> ComponentGraph:
    """Several charts as one manifests side; like empty ``--manifests``, an error if none renders anything."""
    if not charts:
        raise InputError("<charts>", None, "no charts given")
    graphs = [
        load_chart(
            c,
            renderer=renderer,
            skip_failing_templates=skip_failing_templates,
            max_bytes=max_bytes,
            max_workloads=max_workloads,
        )
        for c in charts
    ]
    if not any(g.components or g.resources for g in graphs):
        raise InputError(
            ", ".join(g.files[0] for g in graphs),
            None,
            "no Kubernetes objects: the chart renders nothing with these values",
        )
    merged = graphs[0]
    for graph in graphs[1:]:
        merged = merged.merged(graph)
    require_workloads(merged, ", ".join(g.files[0] for g in graphs), "the rendered chart")
    return merged


def rendered_graph(
    result: RenderResult, *, max_bytes: int = DEFAULT_MAX_BYTES, max_workloads: int = MAX_WORKLOADS
) -> ComponentGraph:
    """A RenderResult read exactly as ``--manifests`` reads a file holding ``result.text``."""
    size = len(result.text.encode("utf-8"))
    if size > max_bytes:
        raise InputError(
            result.chart,
            None,
            f"the rendered chart is {size} bytes, over the {max_bytes}-byte limit ({SETTING})",
            setting=Setting("max_bytes"),
        )
    try:
        graph = manifests_from_text(result.text, result.chart, max_workloads=max_workloads)
    except InputError as exc:
        template = template_at(result.text, exc.line) if exc.line else None
        if template is None:
            raise
        raise exc.amended(f" (in the output of template {template})") from None
    graph = with_template_lines(graph, result)
    warnings = result.warnings()
    return graph.model_copy(update={"warnings": graph.warnings + tuple(warnings)}) if warnings else graph


def with_template_lines(graph: ComponentGraph, result: RenderResult) -> ComponentGraph:
    """``graph`` with each location in the render also given as the template file and line it is written
    at (``TemplateLines``): its workloads, resources and the warnings about the render. Container and
    env lines stay render lines; their workload's location opens the template."""
    lines = TemplateLines(result.text, Path(result.chart), result.chart)

    def placed(source: SourceRef) -> SourceRef:
        found = lines.at(source.line) if source.file == result.chart else None
        if found is None:
            return source
        return source.model_copy(update={"template_file": found.file, "template_line": found.line})

    def noted(notice: Notice) -> Notice:
        found = lines.at(notice.line) if notice.file == result.chart and notice.line else None
        if found is None:
            return notice
        template = template_at(result.text, notice.line) if notice.line else None
        return notice.model_copy(
            update={"template": template, "template_file": found.file, "template_line": found.line}
        )

    return graph.model_copy(
        update={
            "components": tuple(c.model_copy(update={"source": placed(c.source)}) for c in graph.components),
            "resources": tuple(r.model_copy(update={"source": placed(r.source)}) for r in graph.resources),
            "warnings": tuple(noted(w) for w in graph.warnings),
        }
    )
