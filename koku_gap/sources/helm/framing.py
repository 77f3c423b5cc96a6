"""Render a Helm chart offline, as ``helm template`` would, and read the result as rendered manifests.

Two engines, chosen automatically (``renderer="auto"``) or forced:

- ``python``: helm-python-sdk (``import helm_python``), Helm's own Go SDK through a shared library.
  It returns each template's raw output; this module then does what ``helm template`` does after
  rendering (Helm 4's ``releaseutil.SortManifests`` and install action): drops ``NOTES.txt``, partials and
  whitespace-only templates, splits documents, puts hooks after the other objects, orders both by kind
  (Helm's install order) and frames each document as ``---\\n# Source: <chart>/templates/<path>\\n<doc>\\n``.
  The text is the same, byte for byte, as Helm 4's ``helm template`` prints.
- ``binary``: a ``helm`` on ``PATH``, run as ``helm template`` with the same options.

A template that fails (typically a ``fail`` after a ``lookup`` that finds nothing offline) is an
:class:`InputError` naming it and quoting Helm. With ``skip_failing_templates`` the chart is copied to a
temporary directory, the failing template deleted from the copy and the copy rendered again, until it
renders; the templates left out are listed in :attr:`RenderResult.skipped` and become
``template-not-rendered`` warnings of the report.

The rendered stream is read like a ``--manifests`` file named after the chart path: ``SourceRef.file`` is
the chart path as given, ``line`` a line of the rendered stream, ``template`` Helm's ``# Source:`` path.
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]  # (imported there from the C extension)
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    ScalarEvent,
    StreamEndEvent,
)

from koku_gap.model.errors import InputError, UsageError
from koku_gap.model.graph import ComponentGraph, GraphWarning
from koku_gap.sources import strvals
from koku_gap.sources.manifests import manifests_from_text, require_workloads
from koku_gap.yaml.limits import MAX_WORKLOADS
from koku_gap.yaml.loader import DEFAULT_MAX_BYTES, LDict, decode_bytes, parse_stream, read_text

Renderer = Literal["auto", "python", "binary"]
RENDERERS: tuple[Renderer, ...] = ("auto", "python", "binary")
DEFAULT_NAMESPACE = "default"
BINARY_TIMEOUT = 300  # seconds for one `helm template` run

# Helm 4 pkg/release/v1/util/kind_sorter.go: InstallOrder
INSTALL_ORDER: tuple[str, ...] = (
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
)
_KIND_RANK = {kind: rank for rank, kind in enumerate(INSTALL_ORDER)}
# Helm 4 pkg/release/v1/util/manifest_sorter.go: the hook events it knows ("test-success" is Helm 2's)
HOOK_EVENTS = frozenset(
    {
        "pre-install",
        "post-install",
        "pre-delete",
        "post-delete",
        "pre-upgrade",
        "post-upgrade",
        "pre-rollback",
        "post-rollback",
        "test",
        "test-success",
    }
)
HOOK_ANNOTATION = "helm.sh/hook"
# Go's unicode.IsSpace, and RE2's \s (ASCII only) for SplitManifests' separator
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
)
_RE2_SPACE = frozenset("\t\n\f\r ")
_RELEASE_NAME = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")
_SOURCE = re.compile(r"^# Source: (?P<path>\S.*?)\s*$", re.M)
# Where Helm's error messages name the template that failed; the earliest mention is the one rendered
# (inner ones are helpers it included).
_FAILED_AT = (
    re.compile(r"(?:execution|parse) error (?:at|in) \((?P<t>[^():\s]+)(?::(?P<l>\d+))?(?::(?P<c>\d+))?\)"),
    re.compile(r"YAML parse error on (?P<t>[^:\s]+)"),
    re.compile(r'executing "(?P<t>[^"]+/templates/[^"]+)"'),
    re.compile(r"(?:^|template: )(?P<t>[^\s:\"]+/templates/[^\s:\"]+):(?P<l>\d+)(?::(?P<c>\d+))?", re.M),
)


@dataclass(frozen=True)
class SkippedTemplate:
    """A template left out of the render (``--skip-failing-templates``), and why Helm refused it."""

    template: str  # Helm's name for it: <chart>/templates/<path> or <chart>/charts/<sub>/templates/<path>
    message: str  # Helm's error


@dataclass(frozen=True)
class DroppedHook:
    """An object whose ``helm.sh/hook`` names an event Helm does not know: Helm leaves it out."""

    template: str
    kind: str
    name: str
    hook: str


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
                message=f"template {s.template} was left out (--skip-failing-templates) and is not "
                f"analysed: {s.message}",
                file=self.chart,
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


@dataclass(frozen=True)
class ChartSpec:
    """One chart and the ``helm template`` options to render it with."""

    path: str | Path
    values: Sequence[str | Path] = ()  # values files, in order (-f)
    set_values: Sequence[str] = ()  # --set expressions
    set_string_values: Sequence[str] = ()  # --set-string expressions
    release: str | None = None  # default: the chart's name
    namespace: str = DEFAULT_NAMESPACE
    api_versions: Sequence[str] = ()  # extra .Capabilities.APIVersions
    kube_version: str | None = None  # .Capabilities.KubeVersion (default: the engine's)


def render_chart(
    chart: str | Path,
    values_files: Sequence[str | Path] = (),
    set_values: Sequence[str] = (),
    set_string_values: Sequence[str] = (),
    release: str | None = None,
    namespace: str = DEFAULT_NAMESPACE,
    api_versions: Sequence[str] = (),
    kube_version: str | None = None,
    *,
    renderer: Renderer = "auto",
    skip_failing_templates: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> RenderResult:
    """Render a chart directory or ``.tgz`` offline, framed like ``helm template`` (see the module doc).

    Raises InputError for a chart or values file that cannot be read, a failing template (unless
    ``skip_failing_templates``) and when no engine is available; UsageError for a bad ``--set``.
    """
    label = str(chart)
    path = Path(chart)
    if not path.exists():
        raise InputError(label, None, "no such chart directory or archive")
    name = chart_name(path)
    if release is None:
        release = name
        if not valid_release_name(release):
            raise InputError(
                label,
                None,
                f"the chart name {release!r} is not a valid release name: give one with --release",
            )
    elif not valid_release_name(release):
        raise UsageError(
            f"--release {release!r}: a release name is lower-case letters, digits, '-' and '.', "
            "starts and ends with a letter or digit, at most 53 characters"
        )
    for expression in set_values:
        _check_set("--set", expression, strings=False)
    for expression in set_string_values:
        _check_set("--set-string", expression, strings=True)
    job = _Job(
        label=label,
        release=release,
        namespace=namespace or DEFAULT_NAMESPACE,
        values_files=tuple(Path(v) for v in values_files),
        set_values=tuple(set_values),
        set_string_values=tuple(set_string_values),
        api_versions=tuple(api_versions),
        kube_version=kube_version,
        max_bytes=max_bytes,
    )
    for values_file in job.values_files:
        read_text(values_file, max_bytes)  # every engine: a missing or oversized file is our error
    engine = select_engine(renderer, label)
    skipped: list[SkippedTemplate] = []
    with tempfile.TemporaryDirectory(prefix="koku-gap-chart-") as scratch:
        target = path
        copy: _WorkingCopy | None = None
        while True:
            try:
                rendered = engine.render(target, job)
                break
            except _TemplateFailed as failure:
                if not skip_failing_templates or failure.template is None or _is_partial(failure.template):
                    raise failure.input_error(path, skip_failing_templates) from None
                if any(s.template == failure.template for s in skipped):  # deleted, yet it failed again
                    raise failure.input_error(path, skip_failing_templates) from None
                if copy is None:
                    copy = _WorkingCopy(path, Path(scratch))
                copy.remove(failure.template)
                skipped.append(SkippedTemplate(failure.template, failure.message))
                target = copy.root
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


def load_chart(
    chart: ChartSpec | str | Path,
    *,
    renderer: Renderer = "auto",
    skip_failing_templates: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_workloads: int = MAX_WORKLOADS,
) -> ComponentGraph:
    """Render a chart and read it into the manifests side of the comparison."""
    spec = chart if isinstance(chart, ChartSpec) else ChartSpec(path=chart)
    result = render_chart(
        spec.path,
        spec.values,
        spec.set_values,
        spec.set_string_values,
        spec.release,
        spec.namespace,
        spec.api_versions,
        spec.kube_version,
        renderer=renderer,
        skip_failing_templates=skip_failing_templates,
        max_bytes=max_bytes,
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
            f"the rendered chart is {size} bytes, over the {max_bytes}-byte limit (--max-bytes)",
        )
    try:
        graph = manifests_from_text(result.text, result.chart, max_workloads=max_workloads)
    except InputError as exc:
        template = template_at(result.text, exc.line) if exc.line else None
        if template is None:
            raise
        raise InputError(
            exc.file, exc.line, f"{exc.message} (in the output of template {template})", exc.column
        ) from None
    warnings = result.warnings()
    return graph.model_copy(update={"warnings": graph.warnings + tuple(warnings)}) if warnings else graph


def template_at(text: str, line: int) -> str | None:
    """The ``# Source:`` template a line of a rendered stream belongs to."""
    found = None
    for match in _SOURCE.finditer(text):
        if text.count("\n", 0, match.start()) + 1 > line:
            break
        found = match.group("path")
    return found


def valid_release_name(name: str) -> bool:
    """Helm's rule (``chartutil.ValidateReleaseName``): a DNS name of at most 53 characters."""
    return 0 < len(name) <= 53 and _RELEASE_NAME.fullmatch(name) is not None


def chart_name(path: Path) -> str:
    """The ``name`` in a chart directory's or archive's Chart.yaml."""
    label = str(path)
    if path.is_dir():
        chart_yaml = path / "Chart.yaml"
        if not chart_yaml.is_file():
            raise InputError(label, None, "not a Helm chart: the directory has no Chart.yaml")
        name = _name_in(read_text(chart_yaml), str(chart_yaml))
    else:
        name = _name_in(_archive_chart_yaml(path), f"{label}:Chart.yaml")
    if not name:
        raise InputError(label, None, "Chart.yaml has no name")
    return name


# -- engines ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    label: str
    release: str
    namespace: str
    values_files: tuple[Path, ...]
    set_values: tuple[str, ...]
    set_string_values: tuple[str, ...]
    api_versions: tuple[str, ...]
    kube_version: str | None
    max_bytes: int


@dataclass(frozen=True)
class _Rendered:
    text: str
    dropped_hooks: list[DroppedHook]
    helm_warnings: list[str]


class _TemplateFailed(Exception):
    """Helm could not render a template (``template`` None: the message names none we can tell)."""

    def __init__(self, message: str, template: str | None, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.message = " ".join(message.split())
        self.template = template
        self.line = line
        self.column = column

    @classmethod
    def from_helm(cls, message: str) -> _TemplateFailed:
        earliest: tuple[int, str, int | None, int | None] | None = None
        for pattern in _FAILED_AT:
            match = pattern.search(message)
            if match and (earliest is None or match.start() < earliest[0]):
                groups = match.groupdict()
                line, column = groups.get("l"), groups.get("c")
                earliest = (
                    match.start(),
                    match.group("t"),
                    int(line) if line else None,
                    int(column) if column else None,
                )
        if earliest is None:
            return cls(message, None, None, None)
        _, template, line, column = earliest
        if line is None:  # the location may be given elsewhere in the message
            where = re.search(re.escape(template) + r":(\d+)(?::(\d+))?", message)
            if where:
                line = int(where.group(1))
                column = int(where.group(2)) if where.group(2) else None
        return cls(message, template, line, column)

    def input_error(self, chart: Path, skipping: bool) -> InputError:
        if self.template is None:
            return InputError(str(chart), None, f"Helm could not render the chart: {self.message}")
        source = _template_file(chart, self.template)
        if _is_partial(self.template):
            advice = "it is a helper (its name starts with '_'), so it cannot be left out"
        elif skipping:
            advice = "it failed again after the templates before it were left out"
        else:
            advice = (
                "offline, lookup finds nothing and there is no cluster: give the value it needs with "
                "--set or --values, or pass --skip-failing-templates to analyse the chart without it"
            )
        return InputError(
            str(source) if source else str(chart),
            self.line if source else None,
            f"template {self.template} failed to render: {self.message} ({advice})",
            self.column if source else None,
        )


class _PythonEngine:
    """helm-python-sdk: Helm's Go SDK in-process."""

    name: Literal["python"] = "python"

    def __init__(self, module: ModuleType) -> None:
        self.helm = module
        self._values: dict[str, Any] | None = None

    def render(self, chart: Path, job: _Job) -> _Rendered:
        helm = self.helm
        values = self.values(job)
        try:
            loaded = helm.Chart.load(str(chart))
        except helm.HelmError as exc:
            raise InputError(job.label, None, f"cannot load the chart: {exc}") from None
        with loaded:  # a Chart is changed by rendering (dependencies): one load per render
            metadata = loaded.metadata
            if metadata.get("type") == "library":
                raise InputError(job.label, None, "library charts are not installable, so not renderable")
            _check_dependencies(job.label, metadata, loaded.dependencies)
            try:
                with _native_stderr() as logged:  # Helm's Go log (coalesce warnings)
                    files = self._render(loaded, values, job)
            except helm.HelmRenderError as exc:
                raise _TemplateFailed.from_helm(str(exc)) from None
            except helm.HelmValuesError as exc:
                raise InputError(job.label, None, f"the chart refuses these values: {exc}") from None
            except helm.HelmInvalidArgError as exc:
                if job.kube_version is not None and "version" in str(exc):
                    raise UsageError(f"--kube-version {job.kube_version!r}: {exc}") from None
                raise InputError(job.label, None, f"Helm refuses the render options: {exc}") from None
            except helm.HelmError as exc:
                raise InputError(job.label, None, f"Helm could not render the chart: {exc}") from None
        text, dropped = frame_like_helm_template(files)
        return _Rendered(text, dropped, logged)

    def _render(self, chart: Any, values: dict[str, Any], job: _Job) -> dict[str, str]:
        if not job.api_versions and job.kube_version is None:
            files: dict[str, str] = chart.render(
                values, name=job.release, namespace=job.namespace, revision=1, is_install=True
            )
            return files
        # helm-python-sdk 0.2.2 takes api_versions / kube_version in the native render options but its
        # Chart.render() does not pass them on: call the native function as Chart.render() does
        options: dict[str, Any] = {
            "name": job.release,
            "namespace": job.namespace,
            "revision": 1,
            "is_install": True,
        }
        if job.api_versions:
            options["api_versions"] = list(job.api_versions)
        if job.kube_version is not None:
            options["kube_version"] = job.kube_version
        try:
            from helm_python import _native

            raw = _native.call_string("helm_render", chart._raw(), json.dumps(values), json.dumps(options))
        except (ImportError, AttributeError) as exc:
            raise InputError(
                job.label,
                None,
                f"this helm-python-sdk cannot take --api-versions/--kube-version ({exc}): "
                "use --renderer binary",
            ) from None
        decoded: dict[str, str] = json.loads(raw)
        return decoded

    def values(self, job: _Job) -> dict[str, Any]:
        """helm template's values: files merged in order, then every --set, then every --set-string."""
        if self._values is not None:
            return self._values
        helm = self.helm
        merged: dict[str, Any] = {}
        for values_file in job.values_files:
            text = read_text(values_file, job.max_bytes)
            try:
                current = helm.values_from_yaml(text)
            except helm.HelmError as exc:
                message = " ".join(str(exc).split())
                line = re.search(r"\bline (\d+):", message)
                raise InputError(
                    str(values_file), int(line.group(1)) if line else None, f"not a values file: {message}"
                ) from None
            merged = strvals.merge_maps(merged, current)
        _apply_sets(merged, job)
        self._values = merged
        return merged


class _BinaryEngine:
    """A ``helm`` executable: ``helm template`` with the same options."""

    name: Literal["binary"] = "binary"

    def __init__(self, executable: str) -> None:
        self.executable = executable

    def command(self, chart: Path, job: _Job) -> list[str]:
        """``helm template``'s arguments; ``--flag=value`` so that no value is ever read as a flag."""
        location = str(chart) if not str(chart).startswith("-") else f"./{chart}"
        command = [self.executable, "template", job.release, location, f"--namespace={job.namespace}"]
        command += [f"--values={values_file}" for values_file in job.values_files]
        command += [f"--set={expression}" for expression in job.set_values]
        command += [f"--set-string={expression}" for expression in job.set_string_values]
        command += [f"--api-versions={api_version}" for api_version in job.api_versions]
        if job.kube_version is not None:
            command.append(f"--kube-version={job.kube_version}")
        return command

    def render(self, chart: Path, job: _Job) -> _Rendered:
        try:
            done = subprocess.run(
                self.command(chart, job), capture_output=True, timeout=BINARY_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise InputError(job.label, None, f"helm template ran over {BINARY_TIMEOUT} s") from None
        except OSError as exc:
            raise InputError(
                job.label, None, f"cannot run {self.executable}: {exc.strerror or exc}"
            ) from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            message = re.sub(r"^Error: ", "", message)
            message = message.replace("Use --debug flag to render out invalid YAML", "").strip()
            failure = _TemplateFailed.from_helm(message or f"helm template exited with {done.returncode}")
            if failure.template is None:
                raise InputError(job.label, None, f"helm template failed: {failure.message}")
            raise failure
        text = decode_bytes(done.stdout, f"{job.label} (helm template output)", job.max_bytes)
        return _Rendered(text, [], helm_log_lines(done.stderr))


Engine = _PythonEngine | _BinaryEngine


def select_engine(renderer: str, label: str = "<chart>") -> Engine:
    """The engine for ``renderer``: ``auto`` prefers helm-python-sdk, then a ``helm`` on PATH."""
    if renderer not in RENDERERS:
        raise UsageError(f"--renderer must be one of {', '.join(RENDERERS)}, got {renderer!r}")
    module, why_not = _import_sdk()
    if renderer in ("auto", "python") and module is not None:
        return _PythonEngine(module)
    executable = shutil.which("helm") if renderer in ("auto", "binary") else None
    if executable:
        return _BinaryEngine(executable)
    sdk = f"helm-python-sdk is not usable ({why_not}; pip install 'koku-gap[helm]')"
    binary = "there is no helm binary on PATH"
    if renderer == "python":
        raise InputError(label, None, f"cannot render the chart with --renderer python: {sdk}")
    if renderer == "binary":
        raise InputError(label, None, f"cannot render the chart with --renderer binary: {binary}")
    raise InputError(label, None, f"cannot render the chart: {sdk}, and {binary}")


def _import_sdk() -> tuple[ModuleType | None, str]:
    try:
        import helm_python
    except ImportError:
        return None, "not installed"
    except Exception as exc:  # HelmLibraryError: its native library is missing or does not load
        return None, str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return helm_python, ""


@contextlib.contextmanager
def _native_stderr() -> Iterator[list[str]]:
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


_LOG_PREFIX = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)? ")


def helm_log_lines(data: bytes) -> list[str]:
    """Helm's log output as distinct lines, without Go's ``log`` timestamps."""
    lines = (_LOG_PREFIX.sub("", line).strip() for line in data.decode("utf-8", "replace").splitlines())
    return list(dict.fromkeys(line for line in lines if line))


def _check_set(option: str, expression: str, *, strings: bool) -> None:
    try:
        strvals.parse(expression, strings=strings)
    except strvals.StrvalsError as exc:
        raise UsageError(f"{option} {expression!r}: {exc}") from None


def _apply_sets(values: dict[str, Any], job: _Job) -> None:
    for option, expressions, strings in (
        ("--set", job.set_values, False),
        ("--set-string", job.set_string_values, True),
    ):
        for expression in expressions:
            try:
                strvals.parse_into(expression, values, strings=strings)
            except strvals.StrvalsError as exc:
                raise UsageError(f"{option} {expression!r}: {exc}") from None


def _check_dependencies(label: str, metadata: Mapping[str, Any], loaded: Iterable[Mapping[str, Any]]) -> None:
    """``action.CheckDependencies``: helm template refuses a chart whose declared subcharts are absent."""
    present = {str(d.get("name")) for d in loaded}
    missing = [
        str(d.get("name"))
        for d in metadata.get("dependencies") or []
        if isinstance(d, Mapping) and str(d.get("name")) not in present
    ]
    if missing:
        raise InputError(
            label,
            None,
            f"Chart.yaml declares dependencies missing from charts/: {', '.join(missing)} "
            f"(run `helm dependency build {label}` first)",
        )


# -- what helm template does after rendering ---------------------------------------------------------


def frame_like_helm_template(files: Mapping[str, str]) -> tuple[str, list[DroppedHook]]:
    """Rendered templates -> ``helm template``'s text (Helm 4 ``SortManifests`` + install action)."""
    generic: list[tuple[str, str, str]] = []  # (kind, template, document)
    hooks: list[tuple[str, str, str]] = []
    dropped: list[DroppedHook] = []
    for template in sorted(files):
        content = files[template]
        if template.endswith("NOTES.txt") or posixpath.basename(template).startswith("_"):
            continue
        if not content.strip(_GO_SPACE):
            continue
        for document in split_manifests(content):
            kind, name, annotations = manifest_head(document, template)
            hook = annotations.get(HOOK_ANNOTATION) if annotations is not None else None
            if hook is None:
                generic.append((kind, template, document))
                continue
            events = [event.strip().lower() for event in hook.split(",")]
            if not all(event in HOOK_EVENTS for event in events):
                dropped.append(DroppedHook(template=template, kind=kind, name=name, hook=hook))
                continue
            hooks.append((kind, template, document))
    ordered = sorted(generic, key=_kind_order) + sorted(hooks, key=_kind_order)
    text = "".join(f"---\n# Source: {template}\n{document}\n" for _, template, document in ordered)
    return text, dropped


def split_manifests(content: str) -> list[str]:
    """Helm 4 ``releaseutil.SplitManifests``: documents in order, leading whitespace trimmed.

    Helm splits on the regular expression ``(?:^|\\s*\\n)---\\s*`` (RE2: ``\\s`` is ASCII whitespace).
    Python's backtracking engine is slow on it across indentation, so the matches are found directly:
    each ``\\n---`` after the previous match, widened to the whitespace before it and after it.
    """
    text = content.lstrip(_GO_SPACE)
    documents: list[str] = []
    start = 0
    if text.startswith("---"):
        documents.append("")
        start = _after_space(text, 3)
    while (newline := text.find("\n---", start)) >= 0:
        begin = newline
        while begin > start and text[begin - 1] in _RE2_SPACE:
            begin -= 1
        documents.append(text[start:begin])
        start = _after_space(text, newline + 4)
    documents.append(text[start:])
    return [d.lstrip(_GO_SPACE) for d in documents if d.strip(_GO_SPACE)]


def _after_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in _RE2_SPACE:
        index += 1
    return index


def _kind_order(item: tuple[str, str, str]) -> tuple[int, int, str]:
    """``lessByKind``: install order, unknown kinds last and alphabetical; the sort is stable."""
    rank = _KIND_RANK.get(item[0])
    return (0, rank, "") if rank is not None else (1, 0, item[0])


def _events(document: str) -> Iterator[Any]:
    """The C parser's events for a document (without ``YAML().parse``'s per-call setup)."""
    parser = CParser(document)
    try:
        while True:
            event = parser.get_event()
            yield event
            if event is None or isinstance(event, StreamEndEvent):
                return
    finally:
        parser.dispose()


def manifest_head(document: str, template: str) -> tuple[str, str, dict[str, str] | None]:
    """Helm's ``SimpleHead`` of a document: kind, metadata.name and metadata.annotations.

    Reads parser events only until both ``kind`` and ``metadata`` are seen (they open nearly every
    manifest), so the rest of the document is parsed once, later, by the manifests reader.
    """
    kind = name = ""
    annotations: dict[str, str] | None = None
    seen_kind = seen_metadata = False
    events = _events(document)
    try:
        for event in events:
            if isinstance(event, CollectionStartEvent):
                if not isinstance(event, MappingStartEvent):
                    return kind, name, annotations  # not a mapping: the manifests reader says so
                break
            if isinstance(event, ScalarEvent | AliasEvent):
                return kind, name, annotations
        while not (seen_kind and seen_metadata):
            key = next(events)
            if isinstance(key, CollectionEndEvent):
                break
            if not isinstance(key, ScalarEvent):
                _skip_node(events, key)
                _skip_node(events, next(events))
                continue
            value = next(events)
            if key.value == "kind":
                seen_kind = True
                kind = value.value if isinstance(value, ScalarEvent) else ""
                _skip_node(events, value)
            elif key.value == "metadata" and isinstance(value, MappingStartEvent):
                seen_metadata = True
                name, annotations = _metadata(events)
            else:
                _skip_node(events, value)
    except YAMLError as exc:
        raise _TemplateFailed(
            f"YAML parse error on {template}: {' '.join(str(exc).split())}", template, None, None
        ) from None
    except StopIteration:
        pass
    return kind, name, annotations


def _metadata(events: Iterable[Any]) -> tuple[str, dict[str, str] | None]:
    """The rest of a ``metadata`` mapping: its name and annotations (scalar values as written)."""
    iterator = iter(events)
    name = ""
    annotations: dict[str, str] | None = None
    for key in iterator:
        if isinstance(key, CollectionEndEvent):
            break
        value = next(iterator)
        if isinstance(key, ScalarEvent) and key.value == "name" and isinstance(value, ScalarEvent):
            name = value.value
        elif (
            isinstance(key, ScalarEvent)
            and key.value == "annotations"
            and isinstance(value, MappingStartEvent)
        ):
            annotations = {}
            for item in iterator:
                if isinstance(item, CollectionEndEvent):
                    break
                item_value = next(iterator)
                if isinstance(item, ScalarEvent) and isinstance(item_value, ScalarEvent):
                    annotations[item.value] = item_value.value
                else:
                    _skip_node(iterator, item)
                    _skip_node(iterator, item_value)
        else:
            _skip_node(iterator, key)
            _skip_node(iterator, value)
    return name, annotations


def _skip_node(events: Iterable[Any], first: Any) -> None:
    """Consume the events of the node ``first`` starts (nothing more for a scalar or an alias)."""
    if not isinstance(first, CollectionStartEvent):
        return
    depth = 1
    for event in events:
        if isinstance(event, CollectionStartEvent):
            depth += 1
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
            if depth == 0:
                return


# -- charts on disk -----------------------------------------------------------------------------------


def _is_partial(template: str) -> bool:
    return posixpath.basename(template).startswith("_")


def _name_in(text: str, file: str) -> str:
    stream = parse_stream(text, file)
    first = stream.documents[0].value if stream.documents else None
    if not isinstance(first, LDict):
        raise InputError(file, None, "Chart.yaml is not a mapping")
    name = first.get("name")
    return str(name) if name is not None else ""


def _archive_chart_yaml(archive: Path) -> str:
    """The top-level Chart.yaml of a chart archive (``<name>/Chart.yaml``)."""
    label = str(archive)
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                parts = member.name.strip("/").split("/")
                if member.isfile() and len(parts) == 2 and parts[1] == "Chart.yaml":
                    handle = tar.extractfile(member)
                    if handle is None:
                        break
                    return decode_bytes(handle.read(DEFAULT_MAX_BYTES + 1), f"{label}:{member.name}")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(label, None, f"not a chart directory or .tgz archive: {exc}") from None
    raise InputError(label, None, "not a Helm chart: the archive has no <name>/Chart.yaml")


def _template_file(chart: Path, template: str) -> Path | None:
    """The file a template name points at in a chart directory, when subcharts sit in dirs named like them."""
    if not chart.is_dir():
        return None
    parts = template.split("/")[1:]
    directory = chart
    while len(parts) > 2 and parts[0] == "charts":
        directory = directory / "charts" / parts[1]
        parts = parts[2:]
    candidate = directory.joinpath(*parts) if parts else None
    return candidate if candidate is not None and candidate.is_file() else None


@dataclass
class _WorkingCopy:
    """A scratch copy of a chart (a directory, archives unpacked where needed) to delete templates from."""

    source: Path
    scratch: Path
    root: Path = field(init=False)

    def __post_init__(self) -> None:
        label = str(self.source)
        try:
            if self.source.is_dir():
                self.root = self.scratch / "chart"
                shutil.copytree(self.source, self.root)
            else:
                self.root = _unpack(self.source, self.scratch / "chart")
        except (OSError, shutil.Error) as exc:
            raise InputError(label, None, f"cannot copy the chart to leave templates out: {exc}") from None

    def remove(self, template: str) -> None:
        """Delete the file behind a template name (``<chart>/[charts/<sub>/]*templates/<path>``)."""
        parts = template.split("/")[1:]
        directory = self.root
        while len(parts) > 2 and parts[0] == "charts":
            directory = self._subchart(directory, parts[1], template)
            parts = parts[2:]
        target = directory.joinpath(*parts)
        if not parts or not target.is_file():
            raise InputError(
                str(self.source), None, f"cannot find template {template} in the chart to leave it out"
            )
        target.unlink()

    def _subchart(self, chart: Path, name: str, template: str) -> Path:
        """The directory of subchart ``name`` (its Chart.yaml name, or a dependency alias) of ``chart``."""
        charts = chart / "charts"
        wanted = {name}
        chart_yaml = chart / "Chart.yaml"
        if chart_yaml.is_file():
            stream = parse_stream(read_text(chart_yaml), str(chart_yaml))
            top = stream.documents[0].value if stream.documents else None
            dependencies = top.get("dependencies") if isinstance(top, LDict) else None
            for dependency in dependencies if isinstance(dependencies, list) else []:
                if (
                    isinstance(dependency, dict)
                    and dependency.get("alias") == name
                    and dependency.get("name")
                ):
                    wanted.add(str(dependency["name"]))
        entries = sorted(charts.iterdir(), key=lambda e: e.name != name) if charts.is_dir() else []
        for entry in entries:
            if entry.is_dir() and (entry / "Chart.yaml").is_file():
                if _name_in(read_text(entry / "Chart.yaml"), str(entry / "Chart.yaml")) in wanted:
                    return entry
            elif (
                entry.is_file()
                and entry.name.endswith(".tgz")
                and _name_in(_archive_chart_yaml(entry), f"{entry}:Chart.yaml") in wanted
            ):
                unpacked = _unpack(entry, charts / f".{entry.name}.unpacked")
                destination = charts / f"{entry.name[: -len('.tgz')]}.koku-gap"
                unpacked.rename(destination)
                shutil.rmtree(charts / f".{entry.name}.unpacked")
                entry.unlink()
                return destination
        raise InputError(
            str(self.source), None, f"cannot find subchart {name} of template {template} to leave it out"
        )


def _unpack(archive: Path, destination: Path) -> Path:
    """Extract a chart archive safely; returns its top directory (the chart)."""
    label = str(archive)
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            for member in members:
                name = member.name
                if (
                    name.startswith("/")
                    or ".." in Path(name).parts
                    or not (member.isfile() or member.isdir())
                ):
                    raise InputError(
                        label, None, f"refusing archive member {name!r}: not a plain file in the chart"
                    )
            destination.mkdir(parents=True, exist_ok=True)
            if hasattr(tarfile, "data_filter"):
                tar.extractall(destination, members=members, filter="data")
            else:  # pragma: no cover - Python before 3.11.4; members were checked above
                tar.extractall(destination, members=members)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(label, None, f"cannot unpack the chart archive: {exc}") from None
    tops = [p for p in destination.iterdir() if p.is_dir() and (p / "Chart.yaml").is_file()]
    if len(tops) != 1:
        raise InputError(label, None, "a chart archive holds one top directory with a Chart.yaml")
    return tops[0]


__all__ = [
    "HOOK_EVENTS",
    "INSTALL_ORDER",
    "RENDERERS",
    "ChartSpec",
    "DroppedHook",
    "RenderResult",
    "Renderer",
    "SkippedTemplate",
    "chart_name",
    "frame_like_helm_template",
    "load_chart",
    "load_charts",
    "render_chart",
    "rendered_graph",
    "select_engine",
    "split_manifests",
    "template_at",
    "valid_release_name",
]
