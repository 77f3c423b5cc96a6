"""Rendered Kubernetes manifests (``helm template`` output) -> ComponentGraph.

Workloads become components; every other object is kept as a resource. Services, Routes and Ingresses
tell which workloads serve HTTP; HPAs and KEDA ScaledObjects tell which autoscale; Helm hook
annotations are kept, since a migration run as a post-install hook runs after the workloads start.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from koku_gap.model.errors import SETTING, InputError, Setting, located
from koku_gap.model.graph import (
    Component,
    ComponentGraph,
    Container,
    GraphWarning,
    HookInfo,
    Resource,
    Scaling,
    SourceRef,
    WebServices,
)
from koku_gap.sources import podspec
from koku_gap.sources.routes import GATEWAY_KEY, GatewayConfigs
from koku_gap.yaml.limits import MAX_WORKLOADS, check_resources, check_workloads
from koku_gap.yaml.loader import (
    DEFAULT_MAX_BYTES,
    MAX_NOTES,
    LDict,
    Stream,
    decode_bytes,
    parse_stream,
    read_text,
    to_plain,
)
from koku_gap.yaml.text import indent

WORKLOAD_KINDS = (
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "DeploymentConfig",
    "Job",
    "CronJob",
    "Pod",
)
YAML_SUFFIXES = (".yaml", ".yml")
# Clowder's inputs, never what `helm template` prints: the other side of the comparison
CLOWDAPP_KINDS = ("Template", "ClowdApp")
ObjectKey = tuple[str, str, str]
"""(kind, namespace, name): what Kubernetes holds one of; a second is the same object again."""
UNRENDERED = re.compile(
    r"^[ \t]*(?:-[ \t]+)?(?:[\w.-]+:[ \t]*)?\{\{-?\s*"
    r"(?:\.|\$|if |end|range |with |include |template |define |toYaml |else)",
    re.M,
)
# Helm's own names anywhere in a value, quoted or not: rendered output never keeps them
HELM_EXPRESSION = re.compile(
    r"\{\{-?\s*(?:\.Values\b|\.Release\b|\.Chart\b|\.Capabilities\b|\.Files\b|\.Template\b"
    r"|include\s|tpl\s|toYaml\s)"
)


def load_manifests(
    *paths: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, max_workloads: int = MAX_WORKLOADS
) -> ComponentGraph:
    """Read rendered manifests from files, directories (``*.yaml``/``*.yml``, sorted) or ``-`` (stdin).

    ``max_workloads``: refuse more workloads than this, over all the files (docs/errors.md).
    """
    if not paths:
        raise InputError("<manifests>", None, "no manifests given")
    graph: ComponentGraph | None = None
    documents = 0
    seen: dict[ObjectKey, SourceRef] = {}  # over all the files: one cluster gets them all
    for path in paths:
        for stream in _streams(path, max_bytes):
            documents += len(stream.documents)
            part = manifests_graph(stream, max_workloads=max_workloads, seen=seen)
            graph = part if graph is None else graph.merged(part)
            check_workloads(len(graph.components), stream.file, None, max_workloads)  # many files
            check_resources(len(graph.resources), stream.file, None)
    if graph is None:
        raise InputError(str(paths[0]), None, "no YAML files found")
    label = ", ".join("<stdin>" if str(p) == "-" else str(p) for p in paths)
    if not documents:
        raise InputError(
            label, None, "no Kubernetes objects: empty or only comments (did the render produce nothing?)"
        )
    require_workloads(graph, label)
    return graph


def require_workloads(graph: ComponentGraph, label: str, where: str = "the manifests") -> None:
    """Refuse a chart side without a single workload: every ClowdApp component would be reported
    missing, a P0 report about the wrong input (only ConfigMaps, CRDs, a values file rendered alone)."""
    if graph.components:
        return
    kinds = sorted({r.kind for r in graph.resources})
    found = f" (only {', '.join(kinds[:6])}{', ...' if len(kinds) > 6 else ''})" if kinds else ""
    raise InputError(
        label,
        None,
        f"no workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob, ...) in {where}{found}: "
        "nothing to compare the ClowdApp with",
    )


def manifests_from_text(
    text: str,
    file: str,
    *,
    max_workloads: int = MAX_WORKLOADS,
    seen: dict[ObjectKey, SourceRef] | None = None,
) -> ComponentGraph:
    """Rendered manifests already in memory (``--chart``), read exactly as a file ``file`` holding them.
    ``seen``: shared by several charts, it finds an object two of them render (``duplicate-object``)."""
    return manifests_graph(_parse(text, file), max_workloads=max_workloads, seen=seen, rendered=True)


def _streams(path: str | Path, max_bytes: int) -> Iterable[Stream]:
    name = str(path)
    if name == "-":
        yield _parse(decode_bytes(sys.stdin.buffer.read(max_bytes + 1), "<stdin>", max_bytes), "<stdin>")
        return
    p = Path(path)
    if p.name == "Chart.yaml" or (p.is_dir() and (p / "Chart.yaml").is_file()):
        raise InputError(
            name,
            None,
            "this is a Helm chart, not rendered manifests: render it first (helm template) "
            f"or pass the chart with {SETTING}",
            setting=Setting("charts"),
        )
    if p.is_dir():
        files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in YAML_SUFFIXES)
        if not files:
            raise InputError(name, None, "directory holds no .yaml or .yml files")
        read: set[str] = set()
        for file in files:  # by real path, once: links to one file (or to /dev/zero) are not read again
            real = os.path.realpath(file)
            if real not in read:
                read.add(real)
                yield _parse(read_text(file, max_bytes), str(file))
        return
    yield _parse(read_text(p, max_bytes), name)


def _parse(text: str, file: str) -> Stream:
    """Parse a stream, telling an unrendered Helm template from a YAML error.

    ``{{ ... }}`` inside a block scalar is file content (an alertmanager or Go template in a
    ConfigMap), not an unrendered chart; anywhere else it is.
    """
    try:
        stream = parse_stream(text, file)
    except InputError:
        if UNRENDERED.search(text) or HELM_EXPRESSION.search(text):
            body = _block_scalar_bodies(text.split("\n"))
            for line in _template_lines(text):
                if not body[line - 1]:
                    raise _unrendered_error(file, line) from None
        raise
    for line in _template_lines(text):
        if not stream.in_block_scalar(line):
            raise _unrendered_error(file, line)
    return stream


def _template_lines(text: str) -> Iterator[int]:
    """The line of each piece of template syntax, in order (one pass over the text)."""
    matches = sorted([*UNRENDERED.finditer(text), *HELM_EXPRESSION.finditer(text)], key=lambda m: m.start())
    line, counted = 1, 0
    for match in matches:
        line += text.count("\n", counted, match.start())
        counted = match.start()
        yield line


_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*\s*(?:#.*)?$")


def _block_scalar_bodies(lines: list[str]) -> list[bool]:
    """For each line, whether it sits in a ``|``/``>`` block, by indentation alone (the text did not
    parse): the lines after a block header that are blank or indented deeper than the header's line.
    One pass, so a hostile file cannot make this quadratic."""
    result: list[bool] = []
    header: int | None = None  # indentation of the line holding the open block's header
    for line in lines:
        if header is not None and (not line.strip() or indent(line) > header):
            result.append(True)
            continue
        header = indent(line) if _BLOCK_HEADER.search(line) else None
        result.append(False)
    return result


def _unrendered_error(file: str, line: int) -> InputError:
    return InputError(
        file,
        line,
        "this is an unrendered Helm template ('{{ ... }}'): render it first "
        f"(helm template) or pass the chart with {SETTING}",
        setting=Setting("charts"),
    )


def manifests_graph(
    stream: Stream,
    *,
    max_workloads: int = MAX_WORKLOADS,
    seen: dict[ObjectKey, SourceRef] | None = None,
    rendered: bool = False,
) -> ComponentGraph:
    """One stream's objects as a graph. ``seen``: the objects of the streams read before (filled in),
    so that one repeated in a later file is dropped with a warning; ``rendered``: the stream is
    ``--chart``'s own rendering, not a file the user named."""
    file = stream.file
    objects, duplicates = _unique(_objects(stream, rendered), file, {} if seen is None else seen)
    config_maps = podspec.config_map_texts([o for o, _ in objects])
    components: list[Component] = []
    resources: list[Resource] = []
    gateways = GatewayConfigs(file)  # the gateway configs among the ConfigMaps, within one budget
    for obj, template in objects:
        kind = str(obj["kind"])
        meta = podspec.mapping(obj.get("metadata"))
        name = str(meta.get("name", ""))
        app = _app_of(meta, template, file)
        source = SourceRef(file=file, line=obj.line, template=template)
        if kind in WORKLOAD_KINDS:
            check_workloads(len(components) + 1, file, obj.line, max_workloads)
        else:
            check_resources(len(resources) + 1, file, obj.line)
        with located(file, obj.line, f"{kind} {name}"):
            if kind in WORKLOAD_KINDS:
                components.append(_workload(obj, kind, name, app, source, config_maps))
            else:
                resources.append(
                    Resource(kind=kind, name=name, app=app, source=source, data=_resource_data(obj, gateways))
                )
    components = _with_services(components, resources)
    warnings = [GraphWarning(code=n.code, message=n.message, file=file, line=n.line) for n in stream.notes]
    warnings.extend(duplicates)
    warnings.extend(gateways.notices)
    return ComponentGraph(
        origin="manifests",
        files=(file,),
        apps=tuple(dict.fromkeys(c.app for c in components)),
        components=tuple(podspec.finish_roles(components)),
        resources=tuple(resources),
        warnings=tuple(warnings),
    )


def _objects(stream: Stream, rendered: bool) -> list[tuple[LDict, str | None]]:
    """Every object of the stream (a List's items in its place), with the template it came from."""
    file = stream.file
    objects: list[tuple[LDict, str | None]] = []
    for doc in stream.documents:
        value = doc.value
        if not isinstance(value, LDict):
            raise InputError(
                file,
                doc.line,
                "a manifest document must be a mapping (a Kubernetes object), "
                f"got {'a list' if isinstance(value, list) else 'a scalar'}",
            )
        if value.get("kind") == "List" or (str(value.get("kind", "")).endswith("List") and "items" in value):
            items = [item for item in podspec.seq(value.get("items")) if isinstance(item, LDict)]
        else:
            items = [value]
        for item in items:
            if not isinstance(item.get("kind"), str):
                raise InputError(file, item.line, "a manifest document has no 'kind'")
            if item["kind"] in CLOWDAPP_KINDS:
                raise _clowdapp_error(file, item, rendered)
            objects.append((item, doc.template))
    return objects


def _clowdapp_error(file: str, obj: LDict, rendered: bool) -> InputError:
    kind = obj["kind"]
    article = "an" if kind[0] in "AEIOU" else "a"
    if rendered:
        hint = f"the chart renders Clowder's input; pass the ClowdApp with {SETTING}"
    else:
        hint = "did you swap the ClowdApp and the manifests?"
    return InputError(
        file, obj.line, f"{article} {kind} is not rendered chart output: {hint}", setting=Setting("clowdapps")
    )


def _unique(
    objects: list[tuple[LDict, str | None]], file: str, seen: dict[ObjectKey, SourceRef]
) -> tuple[list[tuple[LDict, str | None]], list[GraphWarning]]:
    """The objects without the ones already read (here or in an earlier file): the first is kept, as
    the one a reader of the first file would look at; each later copy is a ``duplicate-object``."""
    kept: list[tuple[LDict, str | None]] = []
    warnings: list[GraphWarning] = []
    for obj, template in objects:
        meta = podspec.mapping(obj.get("metadata"))
        name = podspec.text(meta.get("name")) or ""
        key = (str(obj["kind"]), podspec.text(meta.get("namespace")) or "", name)
        first = seen.get(key) if name else None
        if first is None:
            if name:
                seen[key] = SourceRef(file=file, line=obj.line, template=template)
            kept.append((obj, template))
            continue
        where = f" in namespace {key[1]}" if key[1] else ""
        warnings.append(
            GraphWarning(
                code="duplicate-object",
                file=file,
                line=obj.line,
                message=f"{key[0]} {name}{where} again at {file}:{obj.line}, first at "
                f"{first.file}:{first.line}; the first is kept and this one dropped",
            )
        )
    if len(warnings) > MAX_NOTES:  # a big file passed twice: as many warnings as duplicate keys get
        rest = warnings[MAX_NOTES]
        summary = f"{len(warnings) - MAX_NOTES} more duplicate objects from here on, not listed one by one"
        warnings = [*warnings[:MAX_NOTES], rest.model_copy(update={"message": summary})]
    return kept, warnings


def _app_of(meta: Mapping[str, Any], template: str | None, file: str) -> str:
    if template and "/templates/" in template:
        return template.split("/", 1)[0]
    labels = podspec.mapping(meta.get("labels"))
    for key in ("app.kubernetes.io/instance", "release", "app.kubernetes.io/part-of"):
        if labels.get(key):
            return str(labels[key])
    return Path(file).stem


def _resource_data(obj: LDict, gateways: GatewayConfigs) -> Any:
    """Keep what later stages read: selectors, targets and backends; not whole ConfigMaps."""
    spec = obj.get("spec")
    kind = obj.get("kind")
    if kind in ("Service", "Route", "Ingress", "HorizontalPodAutoscaler", "ScaledObject") and isinstance(
        spec, dict
    ):
        return to_plain(spec)
    if kind == "ConfigMap" and isinstance(obj.get("data"), dict):
        name = str(podspec.mapping(obj.get("metadata")).get("name", ""))
        routes = gateways.routes(obj["data"], name)  # a gateway's routes (sources/routes.py)
        return {"keys": sorted(obj["data"]), GATEWAY_KEY: routes} if routes else {"keys": sorted(obj["data"])}
    if kind == "Secret":  # the names an envFrom gets from it; never the values
        sections = [obj.get("data"), obj.get("stringData")]
        keys = {str(k) for s in sections if isinstance(s, dict) for k in s}
        return {"keys": sorted(keys)} if keys else None
    return None


def _pod_spec(obj: LDict, kind: str) -> tuple[LDict, LDict | None, Any]:
    """(pod spec, pod template metadata, owning spec) for each workload kind."""
    spec = obj.get("spec")
    if not isinstance(spec, LDict):
        raise InputError("", obj.line, f"{kind} has no spec")
    if kind == "Pod":
        return spec, obj.get("metadata"), spec
    holder = spec
    if kind == "CronJob":
        job_spec = podspec.mapping(spec.get("jobTemplate")).get("spec")
        if not isinstance(job_spec, LDict):
            raise InputError("", spec.line_of("jobTemplate"), "CronJob has no jobTemplate.spec")
        holder = job_spec
    template = holder.get("template")
    if not isinstance(template, LDict) or not isinstance(template.get("spec"), LDict):
        raise InputError("", holder.line, f"{kind} has no template.spec")
    return template["spec"], template.get("metadata"), spec


def _workload(
    obj: LDict, kind: str, name: str, app: str, source: SourceRef, config_maps: Mapping[str, str]
) -> Component:
    try:
        pod, pod_meta, spec = _pod_spec(obj, kind)
    except InputError as exc:
        raise InputError(source.file, exc.line, f"{kind} {name}: {exc.message}") from None
    config = podspec.mounted_config(pod.get("volumes"), config_maps)
    try:
        containers = [
            _container(c, i, name, pod, config) for i, c in enumerate(podspec.seq(pod.get("containers")))
        ]
        inits = tuple(
            _container(c, i, name, pod, config) for i, c in enumerate(podspec.seq(pod.get("initContainers")))
        )
    except InputError as exc:
        raise InputError(source.file, exc.line, f"{kind} {exc.message}") from None
    if not containers:
        raise InputError(source.file, pod.line, f"{kind} {name} has no containers")
    main = podspec.component_role(containers)
    ordered = sorted(containers, key=lambda c: c.role != main)  # containers[0] carries the role
    meta = podspec.mapping(obj.get("metadata"))
    labels = {**_labels(meta), **_labels(pod_meta)}
    replicas = (
        podspec.count(spec.get("replicas")) if kind not in ("Job", "CronJob", "Pod", "DaemonSet") else None
    )
    return Component(
        name=name,
        app=app,
        origin="manifests",
        kind=kind,
        k8s_name=name,
        source=source,
        role=main,
        containers=tuple(ordered),
        init_containers=inits,
        scaling=Scaling(replicas=replicas),
        schedule=podspec.text(spec.get("schedule")) if kind == "CronJob" else None,
        suspend=spec.get("suspend") if kind == "CronJob" and isinstance(spec.get("suspend"), bool) else None,
        concurrency_policy=podspec.text(spec.get("concurrencyPolicy")) if kind == "CronJob" else None,
        hook=_hook(meta),
        labels=labels,
        volumes=tuple(to_plain(v) for v in podspec.seq(pod.get("volumes")) if isinstance(v, dict)),
    )


def _container(raw: Any, index: int, owner: str, pod: LDict, config: str) -> Container:
    if not isinstance(raw, dict):
        raise InputError("", pod.line, f"{owner}: container #{index + 1} is not a mapping")
    return podspec.container(
        raw,
        name=str(raw.get("name") or f"{owner}-{index}"),
        image=podspec.text(raw.get("image")),
        params={},
        config_text=config,
        serves_http=False,
    )


def _labels(meta: Any) -> dict[str, str]:
    labels = meta.get("labels") if isinstance(meta, dict) else None
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def _hook(meta: Mapping[str, Any]) -> HookInfo | None:
    annotations = podspec.mapping(meta.get("annotations"))
    phases = annotations.get("helm.sh/hook")
    if not phases:
        return None
    weight_text = str(annotations.get("helm.sh/hook-weight", "0")).strip()
    weight = int(weight_text) if re.fullmatch(r"-?\d+", weight_text) else 0
    policy = str(annotations.get("helm.sh/hook-delete-policy", ""))
    return HookInfo(
        phases=tuple(p.strip() for p in str(phases).split(",") if p.strip()),
        weight=weight,
        delete_policy=tuple(p.strip() for p in policy.split(",") if p.strip()),
    )


def _with_services(components: list[Component], resources: list[Resource]) -> list[Component]:
    """Mark workloads behind a Service (private), a Route/Ingress (public), or an autoscaler."""
    services = [r for r in resources if r.kind == "Service" and isinstance(r.data, dict)]
    exposed = _exposed_services(resources)
    scalers = {
        str(podspec.mapping(r.data.get("scaleTargetRef")).get("name")): r
        for r in resources
        if r.kind in ("HorizontalPodAutoscaler", "ScaledObject") and isinstance(r.data, dict)
    }
    result: list[Component] = []
    for comp in components:
        private = public = False
        for svc in services:
            selector = svc.data.get("selector") if isinstance(svc.data, dict) else None
            if (
                isinstance(selector, dict)
                and selector
                and all(comp.labels.get(k) == str(v) for k, v in selector.items())
            ):
                private = True
                public = public or svc.name in exposed
        update: dict[str, Any] = {}
        if private:
            update["web"] = WebServices(public=public, private=True)
        scaler = scalers.get(comp.name)
        if scaler is not None and isinstance(scaler.data, dict):
            data = scaler.data
            update["scaling"] = Scaling(
                replicas=comp.scaling.replicas,
                min_replicas=podspec.count(data.get("minReplicas", data.get("minReplicaCount"))),
                max_replicas=podspec.count(data.get("maxReplicas", data.get("maxReplicaCount"))),
                autoscaler="hpa" if scaler.kind == "HorizontalPodAutoscaler" else "keda",
            )
        result.append(comp.model_copy(update=update) if update else comp)
    return result


def _exposed_services(resources: list[Resource]) -> set[str]:
    names: set[str] = set()
    for res in resources:
        if not isinstance(res.data, dict):
            continue
        if res.kind == "Route":
            to = res.data.get("to")
            if isinstance(to, dict) and to.get("name"):
                names.add(str(to["name"]))
        elif res.kind == "Ingress":
            names.update(_ingress_backends(res.data))
    return names


def _ingress_backends(spec: Any) -> Iterable[str]:
    if isinstance(spec, dict):
        service = spec.get("service")
        if isinstance(service, dict) and service.get("name"):
            yield str(service["name"])
        if spec.get("serviceName"):
            yield str(spec["serviceName"])
        for value in spec.values():
            yield from _ingress_backends(value)
    elif isinstance(spec, list):
        for item in spec:
            yield from _ingress_backends(item)
