"""The python engine: helm-python-sdk (``import helm_python``), Helm's own Go SDK in-process through a
shared library. It returns each template's raw output, which ``framing`` turns into ``helm template``'s
text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from koku_gap.model.errors import SETTING, InputError, Setting, UsageError
from koku_gap.sources.helm import strvals
from koku_gap.sources.helm.capture import native_stderr
from koku_gap.sources.helm.failures import TemplateFailed
from koku_gap.sources.helm.framing import frame_like_helm_template
from koku_gap.sources.helm.job import Rendered, RenderJob
from koku_gap.sources.helm.sets import apply_sets


class PythonEngine:
    """helm-python-sdk: Helm's Go SDK in-process."""

    name: Literal["python"] = "python"

    def __init__(self, module: ModuleType) -> None:
        self.helm = module
        self._values: tuple[RenderJob, dict[str, Any]] | None = None  # merged once per job (retries)

    def render(self, chart: Path, job: RenderJob) -> Rendered:
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
                with native_stderr() as logged:  # Helm's Go log (coalesce warnings)
                    files = self._render(loaded, values, job)
            except helm.HelmRenderError as exc:
                raise TemplateFailed.from_helm(str(exc)) from None
            except helm.HelmValuesError as exc:
                raise InputError(job.label, None, f"the chart refuses these values: {exc}") from None
            except helm.HelmInvalidArgError as exc:
                if job.spec.kube_version is not None and "version" in str(exc):
                    raise UsageError(
                        f"{SETTING} {job.spec.kube_version!r}: {exc}", settings=(Setting("kube_version"),)
                    ) from None
                raise InputError(job.label, None, f"Helm refuses the render options: {exc}") from None
            except helm.HelmError as exc:
                raise InputError(job.label, None, f"Helm could not render the chart: {exc}") from None
        text, dropped = frame_like_helm_template(files)
        return Rendered(text, dropped, logged)

    def _render(self, chart: Any, values: dict[str, Any], job: RenderJob) -> dict[str, str]:
        spec = job.spec
        if not spec.api_versions and spec.kube_version is None:
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
        if spec.api_versions:
            options["api_versions"] = list(spec.api_versions)
        if spec.kube_version is not None:
            options["kube_version"] = spec.kube_version
        try:
            from helm_python import _native

            raw = _native.call_string("helm_render", chart._raw(), json.dumps(values), json.dumps(options))
        except (ImportError, AttributeError) as exc:
            raise InputError(
                job.label,
                None,
                f"this helm-python-sdk cannot take {SETTING}/{SETTING} ({exc}): use {SETTING} binary",
                settings=(Setting("api_versions"), Setting("kube_version"), Setting("renderer")),
            ) from None
        decoded: dict[str, str] = json.loads(raw)
        return decoded

    def values(self, job: RenderJob) -> dict[str, Any]:
        """helm template's values: files merged in order, then every set, then every set-string expression."""
        if self._values is not None and self._values[0] is job:
            return self._values[1]
        helm = self.helm
        merged: dict[str, Any] = {}
        for values_file, text in zip(job.values_files, job.values_texts, strict=True):
            try:
                current = helm.values_from_yaml(text)
            except helm.HelmError as exc:
                message = " ".join(str(exc).split())
                line = re.search(r"\bline (\d+):", message)
                raise InputError(
                    str(values_file), int(line.group(1)) if line else None, f"not a values file: {message}"
                ) from None
            merged = strvals.merge_maps(merged, current)
        apply_sets(merged, job.spec)
        self._values = (job, merged)
        return merged


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
