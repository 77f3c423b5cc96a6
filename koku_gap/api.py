"""The whole pipeline in one call: load, match, classify, then the extras the formats print."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from koku_gap.engine.classify import chart_rows, chart_verdicts, platform_services, source_rows
from koku_gap.engine.drift import env_keys
from koku_gap.engine.match import match
from koku_gap.engine.partial import partial_report
from koku_gap.engine.policy import Policy, load_policy
from koku_gap.engine.producers import consumer_evidence, topic_table
from koku_gap.extras.remediation import (
    ChartEnvs,
    helm_template,
    parameter_env,
    role_env,
    template_path,
    values_yaml,
)
from koku_gap.extras.remediation.families import with_families
from koku_gap.extras.snippets import snippet
from koku_gap.model.errors import SETTING, InputError, Setting, UsageError
from koku_gap.model.graph import ComponentGraph
from koku_gap.model.location import Notice
from koku_gap.model.report import (
    InputFile,
    QueueInfo,
    Queues,
    Remediation,
    Report,
    Row,
    TemplateFamily,
    summarize,
)
from koku_gap.report import Extra
from koku_gap.sources.clowdapp import clowdapp_graph
from koku_gap.sources.manifests import load_manifests
from koku_gap.yaml.limits import MAX_WORKLOADS
from koku_gap.yaml.loader import DEFAULT_MAX_BYTES, load_stream

if TYPE_CHECKING:
    from koku_gap.engine.citations import AppSourceDir
    from koku_gap.model.evidence import AppSource
    from koku_gap.sources.helm import ChartSpec, Renderer

ALL_EXTRAS: frozenset[Extra] = frozenset({"snippets", "remediation"})


def analyze(
    clowdapps: Sequence[str | Path] | str | Path,
    manifests: Sequence[str | Path] | str | Path | None = None,
    *,
    params: Mapping[str, str] | None = None,
    policy: Policy | str | Path | None = None,
    today: date | None = None,
    charts: Sequence[ChartSpec | str | Path] | ChartSpec | str | Path | None = None,
    renderer: Renderer = "auto",
    skip_failing_templates: bool = False,
    max_bytes: int | None = None,
    max_workloads: int = MAX_WORKLOADS,
    extras: Collection[Extra] = ALL_EXTRAS,
    on_loaded: Callable[[], object] | None = None,
    app_sources: Mapping[str, str | os.PathLike[str]] | str | os.PathLike[str] | None = None,
    app: str | None = None,
) -> Report:
    """Compare ClowdApp template(s) with rendered chart manifests: load, then ``compare``, then the
    extras, from the text read once while loading.

    ``params``: template parameter values, as ``oc process -p``, for the parameters some template
    declares. ``policy`` is a Policy, a policy file, or a bundled name (``default``, ``koku``); None is
    ``default``. ``today`` decides which policy waivers have expired (default: the current date).
    ``charts`` (instead of ``manifests``): chart directories or ``.tgz`` files, or ``ChartSpec``s with
    values and options, rendered offline first like ``helm template`` (``renderer``: auto, python,
    binary; ``skip_failing_templates``: leave out templates that fail; see docs/helm.md).
    ``max_bytes``: the largest input file read (None: 20 MiB); ``max_workloads``: the most workloads
    a ClowdApp file, or the chart side, may hold (docs/errors.md). ``extras``: which of the snippets
    and suggested templates to attach (default: both; a caller that prints only some formats may
    leave out what they never read, ``report.Reporter.EXTRAS``). ``on_loaded`` runs once both sides
    are read, before the analysis (the CLI freezes the garbage collector's view of the inputs there).
    ``app_sources``: each ClowdApp app's source checkout, ``{"koku": DIR}`` (``"koku@COMMIT"`` names
    the checkout's commit when it has no ``.git``), or one directory for the only app: its Celery queues
    are judged by who sends to them in the chart's pods (docs/matching.md), and the policy's citations
    of that app are checked against it (``stale-evidence`` warnings, docs/policy.md). ``app``: keep only
    that ClowdApp app's rows (and platform services); matching still sees every app, so another app's
    components still claim their chart workloads, and the per-app summaries stay (UsageError when no
    ClowdApp holds the app).
    """
    clowdapp_paths = [clowdapps] if isinstance(clowdapps, str | Path) else list(clowdapps)
    manifest_paths: list[str | Path] = (
        [] if manifests is None else [manifests] if isinstance(manifests, str | Path) else list(manifests)
    )
    chart_specs: list[ChartSpec | str | Path] = (
        []
        if charts is None
        else [charts]
        if isinstance(charts, str | Path) or not isinstance(charts, Sequence)  # one path or ChartSpec
        else list(charts)
    )
    if not clowdapp_paths:
        raise ValueError("analyze() needs at least one ClowdApp file")
    clowdapp_paths, repeated = read_once(clowdapp_paths)
    manifest_paths, repeated_manifests = read_once(manifest_paths)
    chart_specs, repeated_charts = read_once(chart_specs)
    if bool(manifest_paths) == bool(chart_specs):
        raise ValueError("analyze() needs manifests or charts (one of them, not both)")
    limit = max_bytes if max_bytes is not None else DEFAULT_MAX_BYTES
    resolved = policy if isinstance(policy, Policy) else load_policy(policy)
    source, lines = load_clowdapp_side(clowdapp_paths, params, limit, max_workloads, keep_lines=bool(extras))
    checkouts = open_app_sources(app_sources, source.apps)
    if app is not None and app not in source.apps:
        raise UsageError(
            f"{SETTING}: no ClowdApp app is named {app!r}; the ClowdApps hold: {', '.join(source.apps)}",
            settings=(Setting("app"),),
        )
    if manifest_paths:
        target = load_manifests(*manifest_paths, max_bytes=limit, max_workloads=max_workloads)
    else:
        from koku_gap.sources.helm import load_charts  # only when rendering: it is not needed otherwise

        target = load_charts(
            chart_specs,
            renderer=renderer,
            skip_failing_templates=skip_failing_templates,
            max_bytes=limit,
            max_workloads=max_workloads,
        )
    if on_loaded is not None:
        on_loaded()
    code_sources = read_app_sources(checkouts)
    report = compare(source, target, resolved, today=today, app_sources=code_sources)
    rows = enrich(
        report.rows,
        source,
        extras,
        target,
        resolved.ignore_env,
        file_lines=lines,
        strip_prefixes=resolved.strip_prefixes,
    )
    families: list[TemplateFamily] = []
    if "remediation" in extras:
        rows, families = with_families(
            rows, source, target, resolved.ignore_env, file_lines=lines, prefixes=resolved.strip_prefixes
        )
    stale: list[Notice] = []
    if checkouts:
        from koku_gap.engine.citations import stale_citations  # only with app sources: it reads their files

        stale = stale_citations(resolved, checkouts, source.apps)
    read_notes = [  # the reader names files from the source root; the report, from where the user is
        w.model_copy(update={"file": str(Path(s.root) / w.file)})
        for s in code_sources.values()
        for w in s.warnings
    ]
    warnings = [*repeated, *repeated_manifests, *repeated_charts, *report.warnings, *read_notes, *stale]
    report = report.model_copy(update={"rows": rows, "warnings": warnings, "families": families})
    return only_app(report, app, source) if app is not None else report


def only_app(report: Report, app: str, source: ComponentGraph) -> Report:
    """``report`` restricted to one app's rows and platform services. Everything else was decided with
    all apps in view (which chart workloads other apps' components play, who consumes which queue), so
    the queues, warnings and per-app summaries stay whole; the summary counts what is kept."""
    rows = [r for r in report.rows if r.clowdapp is not None and r.app == app]
    own = sum(1 for c in source.components if c.app == app)
    summary = summarize(rows, own, report.summary.chart_workloads)
    return report.model_copy(
        update={
            "rows": rows,
            "platform": [p for p in report.platform if p.app == app],
            "summary": summary.model_copy(update={"apps": report.summary.apps}),
        }
    )


def read_app_sources(checkouts: Sequence[AppSourceDir]) -> dict[str, AppSource]:
    """Each checkout's source read with ``ast`` (cached by content), for the queue verdicts."""
    if not checkouts:
        return {}
    from koku_gap.sources.appsource.loader import load_read_tree  # only with app sources: it parses them

    return {c.app: load_read_tree(c.root, c.files) for c in checkouts}


def open_app_sources(
    given: Mapping[str, str | os.PathLike[str]] | str | os.PathLike[str] | None, apps: Collection[str]
) -> list[AppSourceDir]:
    """The source checkouts given, each named by a ClowdApp app of the inputs (UsageError otherwise)."""
    if given is None:
        return []
    from koku_gap.engine.citations import open_source

    if isinstance(given, str | os.PathLike):
        if len(apps) != 1:
            held = ", ".join(sorted(apps))
            raise UsageError(
                f"{SETTING}: a source without an app name needs exactly one ClowdApp app; the ClowdApps "
                f"hold {len(apps)} ({held}): name the app",
                settings=(Setting("app_sources"),),
            )
        return [open_source(next(iter(apps)), given)]
    named: set[str] = set()
    for key in given:  # {"shop@a": d1, "shop@b": d2}: which one is shop's? Refused before reading either
        app = key.partition("@")[0]
        if app in named:
            raise UsageError(
                f"{SETTING}: app {app} is given twice; give one source checkout per app",
                settings=(Setting("app_sources", key),),
            )
        named.add(app)
    checkouts: list[AppSourceDir] = []
    for key, root in given.items():
        app, _, commit = key.partition("@")
        if app not in apps:
            raise UsageError(
                f"{SETTING}: no ClowdApp app is named {app!r}; the ClowdApps hold: {', '.join(sorted(apps))}",
                settings=(Setting("app_sources", key),),
            )
        checkouts.append(open_source(app, root, commit or None))
    return checkouts


def load_clowdapp_side(
    paths: list[str | Path],
    params: Mapping[str, str] | None,
    max_bytes: int,
    max_workloads: int,
    *,
    keep_lines: bool,
) -> tuple[ComponentGraph, dict[str, list[str]]]:
    """The ClowdApp side as one graph, and, with ``keep_lines``, each file's lines as read (for the
    snippets and the parameter notes of suggested templates: each file is read once)."""
    strict = len(paths) == 1
    graphs: list[ComponentGraph] = []
    lines: dict[str, list[str]] = {}
    for path in paths:
        stream = load_stream(path, max_bytes=max_bytes)
        graphs.append(clowdapp_graph(stream, params, strict_params=strict, max_workloads=max_workloads))
        if keep_lines:
            lines[stream.file] = stream.text.splitlines()
    declared = {name for graph in graphs for name in graph.parameters}
    for name in params or {}:
        if name not in declared:
            files = ", ".join(str(p) for p in paths)
            raise InputError(
                files,
                None,
                f"{SETTING}: no template declares this parameter",
                setting=Setting("params", name),
            )
    source = graphs[0]
    for graph in graphs[1:]:
        source = source.merged(graph)
    return source, lines


Input = TypeVar("Input", str | Path, "ChartSpec | str | Path")


def _path_of(entry: object) -> str:
    """The path an input names: itself, or a ChartSpec's chart."""
    return str(getattr(entry, "path", entry))


def _input_key(entry: object) -> tuple[str, object]:
    """What makes two inputs the same: the file they resolve to (``-``, stdin, as itself); for a chart
    given with options, the options too (one chart rendered with other values is another input)."""
    path = _path_of(entry)
    where = path if path == "-" else os.path.realpath(path)
    if dataclasses.is_dataclass(entry) and not isinstance(entry, type):
        return (where, dataclasses.replace(entry, path=""))
    return (where, None)


def read_once(entries: list[Input]) -> tuple[list[Input], list[Notice]]:
    """``entries`` without repeats, the first of each kept, and a ``duplicate-input`` warning for each
    input given more than once: read twice, a file's objects would count twice (each workload playing
    itself again, every gap doubled)."""
    kept: list[tuple[tuple[str, object], Input, list[str]]] = []  # compared, not hashed: options are lists
    for entry in entries:
        key = _input_key(entry)
        first = next((k for k in kept if k[0] == key), None)
        if first is None:
            kept.append((key, entry, []))
        else:
            first[2].append(_path_of(entry))
    warnings = [
        Notice(code="duplicate-input", message=_repeat_message(_path_of(entry), again), file=_path_of(entry))
        for _, entry, again in kept
        if again
    ]
    return [entry for _, entry, _ in kept], warnings


def _repeat_message(first: str, again: list[str]) -> str:
    times = "twice" if len(again) == 1 else f"{len(again) + 1} times"
    others = sorted({path for path in again if path != first})
    also = f" (also as {', '.join(others)})" if others else ""
    return f"given {times}{also}: read once"


def _templated(row: Row) -> bool:
    """Whether a row gets a suggested Helm template: a detailed gap the chart has no counterpart to,
    unless the policy itself made it optional (the team decided it need not be ported)."""
    if row.targets or not row.is_detailed:
        return False
    return not (row.status == "optional" and row.policy_override)


def enrich(
    rows: list[Row],
    source: ComponentGraph,
    extras: Collection[Extra] = ALL_EXTRAS,
    target: ComponentGraph | None = None,
    omit_env: Collection[str] = (),
    *,
    file_lines: Mapping[str, list[str]] | None = None,
    strip_prefixes: Sequence[str] = (),
) -> list[Row]:
    """Attach what reports show but the engine does not decide: each component's own lines (from
    ``file_lines``, each ClowdApp file's lines as read when it was loaded; ``snippets``) and, where
    the chart has no counterpart to a gap the reports detail (``Row.is_detailed``: P0-P2) and the
    policy did not make optional, a suggested Helm template
    (``remediation``) whose env takes the chart's settings where ``target`` has them and leaves out
    ``omit_env`` (the policy's ``ignore_env``: Clowder's own variables, wrong off Clowder), and whose
    image, probes and the env Clowder would inject come from the chart's sibling of the component
    (``ChartEnvs.sibling``). Neither changes a status or a priority, so leaving them out changes
    nothing else. A file ``file_lines`` does not hold gets no snippet, and its suggested templates
    no note of the template parameters their values are written with."""
    with_snippets, with_remediation = "snippets" in extras, "remediation" in extras
    topics = [r.name for r in source.resources_of("kafka-topic")]
    chart_envs = ChartEnvs(target, topics) if with_remediation and target is not None else None
    if not (with_snippets or with_remediation):
        return rows
    components = {(c.app, c.name): c for c in source.components}
    texts = file_lines or {}
    result: list[Row] = []
    for row in rows:
        if row.source is None or row.clowdapp is None:
            result.append(row)
            continue
        update: dict[str, object] = {}
        component = components.get((row.app, row.clowdapp))
        templated = with_remediation and component is not None and _templated(row)
        lines = texts.get(row.source.file)
        if with_snippets and lines:
            found = snippet(lines, row.source.line, role_env(component) if component else ())
            update["snippet"] = found.text
            update["snippet_lines"] = [found.start, found.end]
        if templated and component is not None:
            update["remediation"] = Remediation(
                path=template_path(component, strip_prefixes),
                template=helm_template(component, strip_prefixes),
                values=values_yaml(
                    component,
                    chart_envs.of(component) if chart_envs is not None else None,
                    parameter_env(component, lines or [], source.parameters),
                    omit_env,
                    chart_envs.lent(component) if chart_envs is not None else None,
                    strip_prefixes,
                ),
            )
        result.append(row.model_copy(update=update))
    return result


def _input_files(side: Literal["clowdapp", "manifests"], graph: ComponentGraph) -> list[InputFile]:
    """Each file a side was read from, with the apps and the number of workloads it holds."""
    return [
        InputFile(
            side=side,
            file=f,
            apps=sorted({c.app for c in graph.components if c.source.file == f}),
            workloads=sum(1 for c in graph.components if c.source.file == f),
        )
        for f in graph.files
    ]


def compare(
    source: ComponentGraph,
    target: ComponentGraph,
    policy: Policy,
    *,
    today: date | None = None,
    app_sources: Mapping[str, AppSource] | None = None,
) -> Report:
    """Two loaded graphs -> the Report (the notebook entry point when inputs are already loaded):
    match, then classify the ClowdApp's components, the chart's other workloads and the platform
    services, from the one match result. ``app_sources``: each app's source as read
    (``load_app_source``): its Celery queues are judged by who sends to them in the chart's pods, its
    missing Kafka consumers by who produces the topics they read, and the env vars the chart leaves
    unset by what the code does with them. Each Kafka topic's producers and consumers, across the apps
    and the chart (``Report.topics``), are tabled with or without it.
    Reads no file; the extras (``enrich``) come after."""
    result = match(source, target, policy)
    keys = env_keys(target.resources)
    topics = topic_table(source, target, result, app_sources)
    if app_sources:  # the code's evidence, and its modules, only when some source was read
        from koku_gap.engine.env_meaning import EnvMeaning
        from koku_gap.engine.senders import code_evidence

        code = code_evidence(result, app_sources, keys)
        consumers = consumer_evidence(result, target, app_sources, topics)
        meanings = {app: EnvMeaning.of(tree) for app, tree in app_sources.items()}
        rows = source_rows(result, policy, today, keys, code, consumers, meanings)
    else:
        rows = source_rows(result, policy, today, keys)
    verdicts = chart_verdicts(source, target, result, policy)
    rows += chart_rows(verdicts, policy)
    queues = Queues(
        uncovered=sorted(q for q in result.queue_sources if q not in result.queue_consumers),
        extra=sorted(q for q in result.queue_consumers if q not in result.queue_sources),
        detail={
            q: QueueInfo(clowdapp=result.queue_sources.get(q, []), chart=result.queue_consumers.get(q, []))
            for q in sorted({*result.queue_sources, *result.queue_consumers})
        },
    )
    inputs = [*_input_files("clowdapp", source), *_input_files("manifests", target)]
    # the loaders' and the policy's notices as they made them (frozen: shared, never copied)
    warnings = [
        *source.warnings,
        *target.warnings,
        *result.warnings,
        *policy.unused_patterns(source.components),
    ]
    report = Report(
        inputs=inputs,
        policy=list(policy.sources),
        rows=rows,
        queues=queues,
        platform=platform_services(source, target, verdicts, result),
        topics=topics,
        warnings=warnings,
        summary=summarize(rows, len(source.components), len(target.components), source.apps),
    )
    return partial_report(report, policy.strip_prefixes)  # templates left out of a render: it says so
