"""ClowdApp templates -> ComponentGraph, with Clowder's own semantics.

Clowder names each deployment ``<app>-<deployment>``, turns a job with a ``schedule`` into a CronJob and
runs a job without one only through a ClowdJobInvocation, gives init containers the main image (and
env, with ``inheritEnv``), and provides Kafka, the database, Redis and object storage from the platform.
What Clowder would not take as written (a key its CRD lacks, the pre-2021 ``pods:`` schema, a command
given as one string) is read best-effort and named in a warning with its line.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from koku_gap.model.errors import SETTING, InputError, Setting, located
from koku_gap.model.graph import (
    Component,
    ComponentGraph,
    Container,
    GraphWarning,
    Resource,
    Role,
    RoleKind,
    Scaling,
    SourceRef,
    WebServices,
)
from koku_gap.sources import podspec
from koku_gap.sources.clowder_crd import (
    CLOWDAPP_FIELDS,
    FROM_MAIN_CONTAINER,
    INIT_CONTAINER_FIELDS,
    LEGACY_POD_FIELDS,
    POD_SPEC_FIELDS,
    READ_THOUGH_UNKNOWN,
)
from koku_gap.sources.manifests import WORKLOAD_KINDS
from koku_gap.sources.roles import simple_commands
from koku_gap.sources.template import STRING_PARAM, Parameters, Substituter, read_parameters
from koku_gap.yaml.limits import MAX_RESOURCES, MAX_WORKLOADS, check_resources, check_workloads
from koku_gap.yaml.loader import DEFAULT_MAX_BYTES, LDict, LList, Stream, line_of, load_stream, to_plain


def load_clowdapp(
    path: str | Path,
    params: Mapping[str, str] | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    strict_params: bool = True,
    max_workloads: int = MAX_WORKLOADS,
) -> ComponentGraph:
    """Read a ClowdApp template (or bare ClowdApp documents) into a component graph.

    ``strict_params=False`` ignores overrides this template does not declare (several templates
    analysed together each take the parameters they know; the caller checks the union).
    ``max_workloads``: refuse a file with more deployments and jobs than this (docs/errors.md).
    """
    stream = load_stream(path, max_bytes=max_bytes)
    return clowdapp_graph(stream, params, strict_params=strict_params, max_workloads=max_workloads)


@dataclass
class _Objects:
    """What a file's documents hold: its objects, and the Template's parameters when it is one."""

    objects: list[Any] = field(default_factory=list)
    parameters: Parameters = field(default_factory=lambda: Parameters(values={}, lines={}))
    objects_line: int | None = None  # where the Template lists its objects
    template: bool = False


@dataclass
class _Read:
    """Everything read from the ClowdApps of one file."""

    apps: list[str] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    warnings: list[GraphWarning] = field(default_factory=list)


def clowdapp_graph(
    stream: Stream,
    params: Mapping[str, str] | None = None,
    *,
    strict_params: bool = True,
    max_workloads: int = MAX_WORKLOADS,
) -> ComponentGraph:
    """One parsed file as a graph: parameters applied as ``oc process`` does, then each ClowdApp read."""
    file = stream.file
    found = _objects(stream, params, strict_params)
    substituter = Substituter(found.parameters, file)
    resolved = [substituter.apply(obj, line_of(obj, 1)) for obj in found.objects]
    clowdapps = _clowdapps(resolved, found.objects)
    if not clowdapps:
        raise _no_clowdapp(stream, resolved, found.objects_line)
    _check_workloads(clowdapps, file, max_workloads)
    read = _read_clowdapps(clowdapps, resolved, file, found.parameters.values)
    resources = _other_resources(resolved, read.apps, read.resources, file)
    warnings = [*_yaml_warnings(stream), *found.parameters.warnings, *substituter.warnings(), *read.warnings]
    return ComponentGraph(
        origin="clowdapp",
        files=(file,),
        apps=tuple(dict.fromkeys(read.apps)),
        components=tuple(podspec.finish_roles(read.components, _literal_envs(clowdapps))),
        resources=tuple(resources),
        warnings=tuple(warnings),
        parameters=dict(found.parameters.values),
    )


def _objects(stream: Stream, params: Mapping[str, str] | None, strict_params: bool) -> _Objects:
    """The objects of every document: a Template's ``objects``, a List's ``items``, or the document."""
    file = stream.file
    found = _Objects()
    for doc in stream.documents:
        value = doc.value
        if not isinstance(value, LDict):
            raise InputError(
                file, doc.line, f"expected a mapping (Template or ClowdApp), got {_type_name(value)}"
            )
        kind = value.get("kind")
        if kind == "Template":
            if found.template:
                raise InputError(file, doc.line, "more than one Template in one file is not supported")
            _read_template(value, file, params, strict_params, found)
        elif kind == "List":
            items = value.get("items")
            if items is not None and not isinstance(items, list):
                raise InputError(file, value.line_of("items"), "List 'items' must be a list")
            found.objects.extend(items or [])
        elif isinstance(kind, str):
            found.objects.append(value)
        else:
            raise InputError(file, doc.line, "document has no 'kind': expected a Template or a ClowdApp")
    if params and strict_params and not found.template:
        name = next(iter(params))
        raise InputError(
            file,
            None,
            f"{SETTING}: this file is not a Template and declares no parameters",
            setting=Setting("params", name),
        )
    if len(found.objects) > MAX_RESOURCES:  # before substitution copies them all
        check_resources(
            len(found.objects), file, line_of(found.objects[MAX_RESOURCES], found.objects_line or 1)
        )
    return found


def _read_template(
    template: LDict, file: str, params: Mapping[str, str] | None, strict_params: bool, found: _Objects
) -> None:
    """A Template's parameters (with the overrides) and its objects, into ``found``."""
    found.template = True
    found.parameters = read_parameters(
        template.get("parameters"), file, template.line_of("parameters"), params, strict=strict_params
    )
    raw_objects = template.get("objects")
    found.objects_line = template.line_of("objects")
    if not isinstance(raw_objects, list):
        got = "it is missing" if raw_objects is None else f"got {_type_name(raw_objects)}"
        raise InputError(
            file,
            found.objects_line,
            f"Template 'objects' must be a list of objects ({got}); oc process refuses it too",
        )
    found.objects.extend(raw_objects)


def _clowdapps(resolved: list[Any], objects: list[Any]) -> list[tuple[LDict, Any]]:
    """Each ClowdApp with parameters applied, beside the same object as written."""
    return [
        (o, raw)
        for o, raw in zip(resolved, objects, strict=True)
        if isinstance(o, LDict) and o.get("kind") == "ClowdApp"
    ]


def _no_clowdapp(stream: Stream, resolved: list[Any], objects_line: int | None) -> InputError:
    """The error for a file without a ClowdApp, saying what the file holds instead."""
    kinds = sorted({str(o.get("kind")) for o in resolved if isinstance(o, dict)})
    line = objects_line or (stream.documents[0].line if stream.documents else None)
    swapped: tuple[Setting, ...] = ()
    if kinds:
        found = f" (objects: {', '.join(kinds)})"
        if set(WORKLOAD_KINDS) & set(kinds):  # rendered manifests given as the ClowdApp: inputs swapped?
            found += f"; it looks like a rendered chart: pass it with {SETTING}"
            swapped = (Setting("manifests"),)
    elif stream.documents:
        found = " (no objects with a 'kind' in the file)"
    elif stream.text.strip():
        found = ": the file holds only comments; expected an OpenShift Template or a ClowdApp"
    else:
        found = ": the file is empty; expected an OpenShift Template or a ClowdApp"
    return InputError(stream.file, line, "no ClowdApp found" + found, settings=swapped)


def _read_clowdapps(
    clowdapps: list[tuple[LDict, Any]], resolved: list[Any], file: str, params: Mapping[str, str | None]
) -> _Read:
    """Every ClowdApp's workloads, platform resources and warnings, in file order."""
    config_maps = podspec.config_map_texts(resolved)
    invocations = _invocations(resolved)
    read = _Read()
    for app_obj, raw_obj in clowdapps:
        app, comps, res, warnings = _read_clowdapp(app_obj, raw_obj, file, params, config_maps, invocations)
        read.warnings.extend(warnings)
        read.apps.append(app)
        read.components.extend(comps)
        read.resources.extend(res)
        if len(read.resources) > MAX_RESOURCES:
            check_resources(len(read.resources), file, read.resources[MAX_RESOURCES].source.line)
    return read


def _other_resources(
    resolved: list[Any], apps: list[str], resources: list[Resource], file: str
) -> list[Resource]:
    """``resources`` followed by every object beside the ClowdApps (ConfigMaps, Secrets, CJIs, ...)."""
    result = list(resources)
    for obj in resolved:
        if isinstance(obj, LDict) and obj.get("kind") not in ("ClowdApp", None):
            check_resources(len(result) + 1, file, obj.line)
            meta = podspec.mapping(obj.get("metadata"))
            result.append(
                Resource(
                    kind=str(obj["kind"]),
                    name=str(meta.get("name", "")),
                    app=_app_of(obj, apps),
                    source=SourceRef(file=file, line=obj.line),
                    data=None,
                )
            )
    return result


def _check_workloads(clowdapps: list[tuple[LDict, Any]], file: str, limit: int) -> None:
    """Count the workloads before reading any: refuse the first one past the limit."""
    count = 0
    for app_obj, _ in clowdapps:
        spec = app_obj.get("spec")
        for key in ("deployments", "pods", "jobs"):
            items = spec.get(key) if isinstance(spec, LDict) else None
            if isinstance(items, LList):
                before, count = count, count + len(items)
                if count > limit:
                    check_workloads(count, file, items.line_of(limit - before), limit)


def _literal_envs(clowdapps: list[tuple[LDict, Any]]) -> dict[str, dict[str, str | None]]:
    """Per component id, the env values written literally in the template (not through parameters)."""
    result: dict[str, dict[str, str | None]] = {}
    for resolved, raw in clowdapps:
        app = str(podspec.mapping(resolved.get("metadata")).get("name", ""))
        raw_spec = podspec.mapping(raw.get("spec") if isinstance(raw, dict) else None)
        resolved_spec = podspec.mapping(resolved.get("spec"))
        for key in ("deployments", "pods", "jobs"):
            # substitution keeps lists as they are: the n-th raw item is the n-th resolved one
            pairs = zip(podspec.seq(raw_spec.get(key)), podspec.seq(resolved_spec.get(key)), strict=False)
            for item, resolved_item in pairs:
                if not isinstance(item, dict) or not isinstance(resolved_item, dict):
                    continue
                if key == "pods":
                    item = lifted_pod(item)
                pod = item.get("podSpec")
                env = pod.get("env") if isinstance(pod, dict) else None
                literal = {
                    str(e["name"]): podspec.text(e.get("value"))
                    for e in podspec.seq(env)
                    if isinstance(e, dict) and "name" in e and "${" not in str(e.get("value", ""))
                }
                result[f"{app}/{resolved_item.get('name')}"] = literal
    return result


def _type_name(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "an empty document"
    return f"a scalar ({str(value)[:40]!r})"


def _yaml_warnings(stream: Stream) -> list[GraphWarning]:
    return [GraphWarning(code=n.code, message=n.message, file=stream.file, line=n.line) for n in stream.notes]


def _app_of(obj: Mapping[str, Any], apps: list[str]) -> str:
    spec = obj.get("spec") or {}
    app = spec.get("appName") if isinstance(spec, dict) else None
    return str(app) if app else (apps[0] if apps else "")


def _invocations(objects: list[Any]) -> dict[tuple[str, str], list[str]]:
    """(app, job name) -> names of the ClowdJobInvocations that run it."""
    result: dict[tuple[str, str], list[str]] = {}
    for obj in objects:
        if isinstance(obj, dict) and obj.get("kind") == "ClowdJobInvocation":
            spec = podspec.mapping(obj.get("spec"))
            name = str(podspec.mapping(obj.get("metadata")).get("name", ""))
            for job in podspec.seq(spec.get("jobs")):
                result.setdefault((str(spec.get("appName", "")), str(job)), []).append(name)
    return result


def _read_clowdapp(
    obj: LDict,
    raw_obj: Any,
    file: str,
    params: Mapping[str, str | None],
    config_maps: Mapping[str, str],
    invocations: Mapping[tuple[str, str], list[str]],
) -> tuple[str, list[Component], list[Resource], list[GraphWarning]]:
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or not meta.get("name"):
        raise InputError(file, obj.line, "ClowdApp has no metadata.name")
    app = str(meta["name"])
    spec = obj.get("spec")
    if not isinstance(spec, LDict):
        raise InputError(file, obj.line_of("spec"), f"ClowdApp {app}: 'spec' must be a mapping")
    raw_spec = raw_obj.get("spec") if isinstance(raw_obj, dict) else None
    raw_spec = raw_spec if isinstance(raw_spec, dict) else {}
    components: list[Component] = []
    for key in ("deployments", "pods"):  # `pods` is the pre-2021 name of `deployments`
        raw = spec.get(key)
        if raw is None:
            continue
        if not isinstance(raw, LList):
            raise InputError(file, spec.line_of(key), f"ClowdApp {app}: '{key}' must be a list")
        for index, item in enumerate(raw):
            if key == "pods":
                item = lifted_pod(item)
            with located(file, raw.line_of(index), f"ClowdApp {app}"):
                components.append(_deployment(item, raw.line_of(index), app, file, params, config_maps))
    jobs = spec.get("jobs")
    if jobs is not None:
        if not isinstance(jobs, LList):
            raise InputError(file, spec.line_of("jobs"), f"ClowdApp {app}: 'jobs' must be a list")
        for index, item in enumerate(jobs):
            unresolved = _item(raw_spec.get("jobs"), index)
            with located(file, jobs.line_of(index), f"ClowdApp {app}"):
                components.append(
                    _job(item, unresolved, jobs.line_of(index), app, file, params, config_maps, invocations)
                )
    components, warnings = _unique_names(components, file)
    return app, components, _app_resources(spec, app, file), [*warnings, *_shape_warnings(app, spec, file)]


def _shape_warnings(app: str, spec: LDict, file: str) -> list[GraphWarning]:
    """What the reader takes other than as written: keys Clowder does not define, Clowder's legacy
    schema, values coerced into the shape Clowder wants. Reading itself is unchanged."""
    found = _unknown_keys(spec, "spec", "the ClowdApp spec", "the ClowdApp spec")
    for key, what in (("deployments", "deployment"), ("pods", "pod"), ("jobs", "job")):
        for item in podspec.seq(spec.get(key)):
            if isinstance(item, LDict):
                found.extend(_workload_shape(item, what))
    return [
        GraphWarning(
            code=f.code,
            file=file,
            line=f.line,
            message=f"ClowdApp {app}: {f.message}",
            group=f"ClowdApp {app}: {f.group}" if f.group else None,
        )
        for f in sorted(found, key=lambda f: f.line)
    ]


def _workload_shape(item: LDict, what: str) -> list[podspec.Finding]:
    """The warnings of one deployment, legacy pod or job: its keys, its podSpec, its webServices."""
    label = f"{what} '{item.get('name')}'"
    found = _unknown_keys(item, what, label, f"a {what}")
    pod_label, pod_kind = f"the podSpec of {label}", f"the podSpec of a {what}"
    if what == "pod":
        found.append(_legacy_pod(item, label))
        lifted = lifted_pod(item)  # the podSpec checks below see what is read
        if lifted is not item:  # some of it from the top level
            pod_label, pod_kind = label, "a pod"
        item = lifted
    pod = item.get("podSpec")
    if isinstance(pod, LDict):
        found.extend(_unknown_keys(pod, "podSpec", pod_label, pod_kind, owner=what))
        found.extend(podspec.coercions(pod, pod_label))
        for index, init in enumerate(podspec.seq(pod.get("initContainers"))):
            if isinstance(init, LDict):
                name = f"'{init['name']}'" if init.get("name") else f"#{index + 1}"
                where = f"init container {name} of {label}"
                found.extend(_unknown_keys(init, "initContainer", where, f"an init container of a {what}"))
                found.extend(podspec.coercions(init, where))
        for index, sidecar in enumerate(podspec.seq(pod.get("sidecars"))):
            if isinstance(sidecar, LDict):
                name = f"'{sidecar['name']}'" if sidecar.get("name") else f"#{index + 1}"
                found.extend(
                    _unknown_keys(sidecar, "sidecar", f"sidecar {name} of {label}", f"a sidecar of a {what}")
                )
    web = item.get("webServices")
    if what != "job" and isinstance(web, LDict):
        found.extend(
            _unknown_keys(web, "webServices", f"the webServices of {label}", f"the webServices of a {what}")
        )
        for section in ("public", "private"):
            part = web.get(section)
            if isinstance(part, LDict):
                place = f"webServices.{section}"
                found.extend(_unknown_keys(part, place, f"{place} of {label}", f"{place} of a {what}"))
    return found


def _unknown_keys(
    mapping: LDict, place: str, where: str, kind_where: str, owner: str = ""
) -> list[podspec.Finding]:
    """A warning per key the CRD does not define at ``place`` (a key of CLOWDAPP_FIELDS); ``where``
    names this mapping, ``kind_where`` any of its kind, for grouping alike warnings."""
    allowed = CLOWDAPP_FIELDS[place]
    return [
        podspec.Finding(
            mapping.line_of(key),
            "unknown-key",
            _unknown_key(key, place, where, owner),
            _unknown_key(key, place, kind_where, owner),
        )
        for key in mapping
        if key not in allowed
    ]


def _unknown_key(key: str, place: str, where: str, owner: str) -> str:
    if place == "podSpec" and key in READ_THOUGH_UNKNOWN:
        return (
            f"unknown key '{key}' in {where}: not a ClowdApp field, so Clowder drops it, "
            "though this analysis still reads it"
        )
    return f"unknown key '{key}' in {where}, ignored ({_hint(key, place, owner)})"


def _hint(key: str, place: str, owner: str) -> str:
    """Why the key is unknown, and where it may have been meant to go."""
    if place == "initContainer" and key in FROM_MAIN_CONTAINER:
        where = "; set it on the podSpec" if key in POD_SPEC_FIELDS else ""
        return f"Clowder gives init containers the main container's {key}{where}"
    if place in ("deployment", "job") and key in POD_SPEC_FIELDS:
        return "not a ClowdApp field here; it belongs under podSpec"
    if owner and key in CLOWDAPP_FIELDS[owner]:
        return f"not a ClowdApp field here; it belongs on the {owner}, beside podSpec"
    close = difflib.get_close_matches(key, sorted(CLOWDAPP_FIELDS[place]), n=1, cutoff=0.85)
    return f"not a ClowdApp field; did you mean '{close[0]}'?" if close else "not a ClowdApp field"


def lifted_pod(item: Any) -> Any:
    """A legacy ``pods:`` item as Clowder's pre-2021 schema meant it: the pod fields written at the
    item's top level (``image``, ``env``, probes, ...) moved under ``podSpec``. A key also written
    under a real ``podSpec`` keeps the podSpec's value. Anything else comes back as it is."""
    if not isinstance(item, LDict):
        return item
    flat = [key for key in item if key in LEGACY_POD_FIELDS]
    pod = item.get("podSpec")
    if not flat or (pod is not None and not isinstance(pod, LDict)):
        return item  # nothing to lift, or a podSpec the reader refuses with its own error
    merged = LDict(pod.line if pod is not None else item.line)
    for key in flat:
        merged[key] = item[key]
        merged.key_lines[key] = item.line_of(key)
    if pod is not None:
        for key, value in pod.items():
            merged[key] = value
            merged.key_lines[key] = pod.line_of(key)
    result = LDict(item.line)
    for key, value in item.items():
        if key not in flat:
            result[key] = value
            result.key_lines[key] = item.line_of(key)
    result["podSpec"] = merged
    result.key_lines["podSpec"] = item.line_of("podSpec") if pod is not None else item.line
    return result


def _legacy_pod(item: LDict, label: str) -> podspec.Finding:
    """Say which parts of Clowder's old ``pods:`` schema were read, and how."""
    read = ["read from the legacy 'pods:' list as a deployment"]
    if item.get("web") is True:
        read.append("'web: true' as its public web service")
    if "minReplicas" in item and "replicas" not in item:
        read.append("'minReplicas' as its replicas")
    flat = [key for key in item if key in LEGACY_POD_FIELDS]
    if flat:
        read.append(f"its pod fields at the item's top level ({', '.join(flat)}) as its podSpec")
    message = f"{label} is in Clowder's pre-2021 schema: " + ", ".join(read)
    pod = item.get("podSpec")
    shadowed = [key for key in flat if isinstance(pod, LDict) and key in pod]
    if shadowed:
        message += f"; the podSpec's own {', '.join(shadowed)} kept over the top-level one"
    return podspec.Finding(item.line_of("name"), "legacy-schema", message)


def _unique_names(components: list[Component], file: str) -> tuple[list[Component], list[GraphWarning]]:
    """Two workloads of one ClowdApp with the same name (a real public file has a CronJob and a Job
    both called ``remove-custom-epel-repos``): keep both, call the later one ``name#2``, and warn."""
    seen: dict[str, int] = {}
    suffixes: dict[str, int] = {}  # the next suffix to try per name: linear however many repeats
    result: list[Component] = []
    warnings: list[GraphWarning] = []
    for comp in components:
        if comp.name in seen:
            n = suffixes.get(comp.name, 2)
            while f"{comp.name}#{n}" in seen:
                n += 1
            suffixes[comp.name] = n + 1
            renamed = f"{comp.name}#{n}"
            warnings.append(
                GraphWarning(
                    code="duplicate-workload",
                    file=file,
                    line=comp.source.line,
                    message=f"ClowdApp {comp.app}: a second workload named '{comp.name}' (first at line "
                    f"{seen[comp.name]}); reported as '{renamed}'",
                )
            )
            comp = comp.model_copy(update={"name": renamed})
        seen[comp.name] = comp.source.line
        result.append(comp)
    return result, warnings


def _item(seq: Any, index: int) -> Any:
    return seq[index] if isinstance(seq, list) and index < len(seq) else None


def _named(item: Any, line: int, app: str, file: str, what: str) -> tuple[LDict, str, SourceRef]:
    """The item, its name, and where it is written (the line of its ``name:``)."""
    if not isinstance(item, LDict):
        raise InputError(file, line, f"ClowdApp {app}: each {what} must be a mapping")
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise InputError(file, line, f"ClowdApp {app}: a {what} has no 'name'")
    return item, name, SourceRef(file=file, line=item.line_of("name"))


def _parameter_command(raw_item: Any, params: Mapping[str, str | None]) -> Role | None:
    """A job whose whole script is one template parameter runs whatever the deployer passes in."""
    pod = raw_item.get("podSpec") if isinstance(raw_item, dict) else None
    if not isinstance(pod, dict):
        return None
    argv = [*podspec.str_list(pod.get("command")), *podspec.str_list(pod.get("args"))]
    scripts = [list(words) for words in simple_commands(argv)]
    if len(scripts) != 1 or len(scripts[0]) != 1:
        return None
    match = STRING_PARAM.fullmatch(scripts[0][0])
    if not match or match.group(1) not in params:
        return None
    name = match.group(1)
    default = params[name]
    return Role(
        kind=RoleKind.AD_HOC_COMMAND,
        command=f"${{{name}}}",
        evidence=(f"runs whatever parameter {name} holds (default: {default!r})",),
    )


def _pod(
    item: LDict,
    name: str,
    app: str,
    file: str,
    params: Mapping[str, str | None],
    config_maps: Mapping[str, str],
    serves_http: bool,
) -> tuple[tuple[Container, ...], tuple[Container, ...], tuple[str, ...], tuple[Any, ...]]:
    pod = item.get("podSpec")
    if pod is None:
        pod = LDict(item.line)
    if not isinstance(pod, LDict):
        raise InputError(file, item.line_of("podSpec"), f"ClowdApp {app}/{name}: 'podSpec' must be a mapping")
    image = podspec.text(pod.get("image"))
    config = podspec.mounted_config(pod.get("volumes"), config_maps)
    main = podspec.container(
        pod, name=name, image=image, params=params, config_text=config, serves_http=serves_http
    )
    inits: list[Container] = []
    raw_inits = [init for init in podspec.seq(pod.get("initContainers")) if isinstance(init, dict)]
    for index, init in enumerate(raw_inits):
        inherit = init.get("inheritEnv") is True
        # Clowder names an unnamed init container after its deployment (only one may be unnamed)
        default_name = f"{name}-init" if len(raw_inits) == 1 else f"{name}-init-{index}"
        read = podspec.container(
            _as_clowder_reads(init),
            name=str(init.get("name") or default_name),
            image=podspec.text(init.get("image")) or image,
            params=params,
            config_text=config,
            serves_http=False,
            inherited_env=main.env if inherit else (),
            inherit_env=inherit,
        )
        inits.append(
            read.model_copy(update={"resources": main.resources, "volume_mounts": main.volume_mounts})
        )
    sidecars = tuple(  # Clowder adds a sidecar only when it says `enabled: true`
        str(s.get("name"))
        for s in podspec.seq(pod.get("sidecars"))
        if isinstance(s, dict) and s.get("enabled") is True
    )
    volumes = tuple(to_plain(v) for v in podspec.seq(pod.get("volumes")) if isinstance(v, dict))
    return (main,), tuple(inits), sidecars, volumes


def _as_clowder_reads(init: Mapping[str, Any]) -> LDict:
    """An init container's mapping with only the keys Clowder builds it from (``InitContainer``:
    name, image, command, args, inheritEnv, env; ProcessInitContainers), lines kept: what it drops
    (probes, ports, envFrom, its own resources and volumeMounts) is an unknown-key warning, and read
    into nothing, the role included. The main container's resources and volumeMounts are added after."""
    kept = LDict(line_of(init, 0))
    lines = getattr(init, "key_lines", {})
    for key, value in init.items():
        if key in INIT_CONTAINER_FIELDS:
            kept[key] = value
            if key in lines:
                kept.key_lines[key] = lines[key]
    return kept


def _deployment(
    item: Any,
    line: int,
    app: str,
    file: str,
    params: Mapping[str, str | None],
    config_maps: Mapping[str, str],
) -> Component:
    dep, name, source = _named(item, line, app, file, "deployment")
    web = _web_services(dep)
    containers, inits, sidecars, volumes = _pod(
        dep, name, app, file, params, config_maps, web.public or web.private
    )
    return Component(
        name=name,
        app=app,
        origin="clowdapp",
        kind="Deployment",
        k8s_name=f"{app}-{name}",
        source=source,
        role=containers[0].role,
        containers=containers,
        init_containers=inits,
        sidecars=sidecars,
        scaling=_scaling(dep),
        web=web,
        volumes=volumes,
    )


def _job(
    item: Any,
    raw_item: Any,
    line: int,
    app: str,
    file: str,
    params: Mapping[str, str | None],
    config_maps: Mapping[str, str],
    invocations: Mapping[tuple[str, str], list[str]],
) -> Component:
    job, name, source = _named(item, line, app, file, "job")
    containers, inits, sidecars, volumes = _pod(job, name, app, file, params, config_maps, False)
    ad_hoc = _parameter_command(raw_item, params)
    if ad_hoc is not None:
        ad_hoc = ad_hoc.model_copy(update={"image_family": containers[0].role.image_family})
        containers = (containers[0].model_copy(update={"role": ad_hoc}), *containers[1:])
    schedule = podspec.text(job.get("schedule"))
    return Component(
        name=name,
        app=app,
        origin="clowdapp",
        kind="CronJob" if schedule else "Job",
        k8s_name=f"{app}-{name}",
        source=source,
        role=containers[0].role,
        containers=containers,
        init_containers=inits,
        sidecars=sidecars,
        schedule=schedule,
        suspend=job.get("suspend") if isinstance(job.get("suspend"), bool) else None,
        concurrency_policy=podspec.text(job.get("concurrencyPolicy")),
        invoked_by=tuple(invocations.get((app, name), ())),
        volumes=volumes,
    )


def _web_services(dep: Mapping[str, Any]) -> WebServices:
    raw = dep.get("webServices")
    legacy_web = dep.get("web") is True  # the pre-webServices boolean
    if not isinstance(raw, dict):
        return WebServices(public=legacy_web)

    def enabled(key: str) -> bool:
        section = raw.get(key)
        return isinstance(section, dict) and section.get("enabled") is True

    public = raw.get("public")
    if not isinstance(public, dict):
        public = {}
    return WebServices(
        public=enabled("public") or legacy_web,
        private=enabled("private"),
        metrics=enabled("metrics"),
        api_path=podspec.text(public.get("apiPath")),
    )


def _scaling(dep: Mapping[str, Any]) -> Scaling:
    replicas = dep.get("replicas", dep.get("minReplicas"))
    keda = dep.get("autoScaler")
    if isinstance(keda, dict):
        return Scaling(
            replicas=podspec.count(replicas),
            min_replicas=podspec.count(keda.get("minReplicaCount")),
            max_replicas=podspec.count(keda.get("maxReplicaCount")),
            autoscaler="keda",
        )
    simple = dep.get("autoScalerSimple")
    if isinstance(simple, dict):
        bounds = simple.get("replicas") or {}
        return Scaling(
            replicas=podspec.count(replicas),
            min_replicas=podspec.count(bounds.get("min")),
            max_replicas=podspec.count(bounds.get("max")),
            autoscaler="simple",
        )
    return Scaling(replicas=podspec.count(replicas))


def _app_resources(spec: LDict, app: str, file: str) -> list[Resource]:
    resources: list[Resource] = []

    def add(kind: str, name: str, line: int, data: Any = None) -> None:
        check_resources(len(resources) + 1, file, line)
        resources.append(
            Resource(
                kind=kind, name=name, app=app, source=SourceRef(file=file, line=line), data=to_plain(data)
            )
        )

    topics = spec.get("kafkaTopics")
    if isinstance(topics, LList):
        for index, topic in enumerate(topics):
            if isinstance(topic, dict) and topic.get("topicName"):
                add("kafka-topic", str(topic["topicName"]), topics.line_of(index), topic)
    database = spec.get("database")
    if isinstance(database, dict):
        name = database.get("name") or database.get("sharedDbAppName") or app
        add("database", str(name), spec.line_of("database"), database)
    if spec.get("inMemoryDb") is True:
        add("in-memory-db", app, spec.line_of("inMemoryDb"))
    shared_cache = spec.get("sharedInMemoryDbAppName")
    if isinstance(shared_cache, str) and shared_cache:  # another app's Redis, shared
        add("in-memory-db", shared_cache, spec.line_of("sharedInMemoryDbAppName"), {"shared": True})
    buckets = spec.get("objectStore")
    if isinstance(buckets, LList):
        for index, bucket in enumerate(buckets):
            add("object-store", str(bucket), buckets.line_of(index))
    if spec.get("featureFlags") is True:
        add("feature-flags", app, spec.line_of("featureFlags"))
    for key, kind in (("dependencies", "dependency"), ("optionalDependencies", "optional-dependency")):
        deps = spec.get(key)
        if isinstance(deps, LList):
            for index, dep in enumerate(deps):
                add(kind, str(dep), deps.line_of(index))
    cyndi = spec.get("cyndi")
    if isinstance(cyndi, dict) and cyndi.get("enabled") is True:  # Clowder: off unless enabled
        add("cyndi", str(cyndi.get("appName") or app), spec.line_of("cyndi"), cyndi)
    return resources
