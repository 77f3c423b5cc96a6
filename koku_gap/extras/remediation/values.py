"""The values fragment of a suggestion: every datum the suggested template reads, from the ClowdApp pod
spec, with the chart's env settings and what its sibling lends (image, probes, env, mounts)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from koku_gap.extras.remediation.names import short_name, values_key
from koku_gap.extras.remediation.siblings import ChartEnv, sibling_env
from koku_gap.model.graph import Component, Container, EnvVar
from koku_gap.yaml.loader import to_plain

PROBES = ("livenessProbe", "readinessProbe")
# The ports Clowder declares on every ClowdApp container, by the names its probes use (its defaults:
# ClowdEnvironment ``providers.web.port``, ``privatePort``, ``metrics.port``); a suggestion keeping
# the ClowdApp's own probes must declare the ones they name, which nothing else would.
CLOWDER_PORTS = {"web": 8000, "private": 10000, "metrics": 9000}


def own_reference(value_from: Any, rename: Mapping[str, str], pod: Collection[str]) -> Any:
    """``value_from`` as the suggested pod can resolve it: a ``resourceFieldRef`` naming a container
    of the chart's pod it was copied from names its counterpart in the new pod (``rename``), and one
    naming a container the new pod does not have names none (for an env var, the container itself).
    Copied from a sibling, ``containerName: koku-api`` would name no container of the new pod, which
    the API server refuses."""
    if not isinstance(value_from, Mapping):
        return value_from
    ref = value_from.get("resourceFieldRef")
    if not isinstance(ref, Mapping) or "containerName" not in ref:
        return value_from
    target = rename.get(str(ref["containerName"]), ref["containerName"])
    fixed = {k: v for k, v in ref.items() if k != "containerName"}
    if target in pod:
        fixed["containerName"] = target
    return {**value_from, "resourceFieldRef": fixed}


def _one_line(arg: str) -> str:
    """A one-line script written as a block scalar keeps its trailing newline; the shell does not care,
    and without it the values file stays a plain one-line string."""
    return arg.rstrip("\n") if arg.count("\n") == 1 and arg.endswith("\n") else arg


def _image(image: str | None) -> dict[str, str]:
    image = image or ""
    repository, _, tag = image.rpartition(":") if ":" in image.rsplit("/", 1)[-1] else (image, "", "latest")
    return {"repository": repository or image, "tag": tag or "latest"}


def _names_a_port(probe: Any) -> bool:
    """Whether a probe reaches its container by a port's name (``port: metrics``), which only a
    container declaring that port can resolve."""
    return isinstance(probe, Mapping) and any(
        isinstance(action, Mapping) and isinstance(action.get("port"), str) for action in probe.values()
    )


def _container_values(
    c: Container,
    chart: Mapping[str, ChartEnv] | None = None,
    omit: Collection[str] = (),
    sibling: Container | None = None,
    added: Sequence[EnvVar] = (),
    prober: Container | None = None,
    rename: Mapping[str, str] | None = None,
    pod: Collection[str] | None = None,
) -> dict[str, Any]:
    """``c``'s values, with ``sibling``'s image, ``added`` env and ``prober``'s probes and ports; each
    ``valueFrom`` made to name the new pod's containers (``own_reference``: ``rename``, ``pod``)."""
    values: dict[str, Any] = {
        "image": _image(sibling.image if sibling and sibling.image else c.image),
        **_command_values(c),
    }
    kept = [e for e in c.env if e.name not in omit or (chart and e.name in chart)]  # the chart's stays
    settings = [(e.name, e.value, e.value_from) for e in kept]
    if chart:
        settings = [
            (n, chart[n].value, chart[n].value_from) if n in chart else (n, v, f) for n, v, f in settings
        ]
    settings += [(e.name, e.value, e.value_from) for e in added]
    plain = {n: v for n, v, f in settings if f is None}
    if plain:
        values["env"] = {k: (v if v is not None else "") for k, v in plain.items()}
    from_refs = [
        {"name": n, "valueFrom": own_reference(f, rename or {}, pod or ())}
        for n, _, f in settings
        if f is not None
    ]
    if from_refs:
        values["envValueFrom"] = from_refs
    if c.resources:
        values["resources"] = c.resources
    probes = prober or c
    for key, probe in (("livenessProbe", probes.liveness_probe), ("readinessProbe", probes.readiness_probe)):
        if probe:
            values[key] = probe
    if prober is not None and prober.ports and any(map(_names_a_port, (values.get(k) for k in PROBES))):
        values["ports"] = list(prober.ports)  # what the probes name
    elif prober is None and not c.ports:  # the ClowdApp's probes: the ports Clowder would declare
        named = sorted({p for k in PROBES for p in _port_names(values.get(k)) if p in CLOWDER_PORTS})
        if named:
            values["ports"] = [{"name": p, "containerPort": CLOWDER_PORTS[p]} for p in named]
    return values


def _port_names(probe: Any) -> list[str]:
    """The port names a probe reaches its container by (``port: web``)."""
    if not isinstance(probe, Mapping):
        return []
    return [
        action["port"]
        for action in probe.values()
        if isinstance(action, Mapping) and isinstance(action.get("port"), str)
    ]


def _command_values(c: Container) -> dict[str, list[str]]:
    """The container's ``command`` and ``args``, those it has, each argument on one line."""
    return {
        key: [_one_line(a) for a in words]
        for key, words in (("command", c.command), ("args", c.args))
        if words
    }


def _env_items(
    env: Sequence[EnvVar], rename: Mapping[str, str] | None = None, pod: Collection[str] | None = None
) -> list[dict[str, Any]]:
    """Env as a pod spec writes it: an init container's is copied whole, it has no values of its own
    (but for the containers its references name, ``own_reference``)."""
    return [
        {"name": e.name, "valueFrom": own_reference(to_plain(e.value_from), rename or {}, pod or ())}
        if e.value_from is not None
        else {"name": e.name, "value": e.value if e.value is not None else ""}
        for e in env
    ]


def _init_values(
    c: Container, rename: Mapping[str, str] | None = None, pod: Collection[str] | None = None
) -> dict[str, Any]:
    values: dict[str, Any] = {"name": c.name}
    if c.image:
        values["image"] = c.image
    values.update(_command_values(c))
    if c.env:
        values["env"] = _env_items(c.env, rename, pod)
    if c.volume_mounts:
        values["volumeMounts"] = [to_plain(m) for m in c.volume_mounts]
    return values


_MODE_KEYS = frozenset({"mode", "defaultMode"})  # a volume's file modes (configMap, secret, projected)


def _file_modes(value: Any) -> Any:
    """``value`` (a pod volume) with each file mode as Kubernetes reads it. The chart writes octal
    (``mode: 0755``), which Kubernetes' YAML 1.1 reads as 493 and the YAML 1.2 loader here as 755, an
    invalid mode (above 0777): a mode above 0777 written in octal digits is read back as octal."""
    if isinstance(value, dict):
        return {k: _octal(v) if k in _MODE_KEYS else _file_modes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_file_modes(v) for v in value]
    return value


def _octal(mode: Any) -> Any:
    digits = str(mode)
    if type(mode) is int and mode > 0o777 and set(digits) <= set("01234567"):
        return int(digits, 8)
    return mode


def mount_values(sibling: Component | None, main: str | None = None) -> dict[str, Any]:
    """The sibling's main container mounts, its init containers and the pod volumes those mount: the
    files the env it lends points at (a CA bundle, a config file), which the chart's pod provides and
    Clowder's does not. Copies (``to_plain``), so no item is written twice as a YAML alias. ``main``:
    the new pod's main container, which the init containers' references to the sibling's then name."""
    if sibling is None or not sibling.containers:
        return {}
    inits = sibling.init_containers
    named = {m.get("name") for c in (sibling.main, *inits) for m in c.volume_mounts if isinstance(m, Mapping)}
    values: dict[str, Any] = {}
    if inits:
        rename, pod = _pod_names(sibling, main) if main is not None else (None, None)
        values["initContainers"] = [_init_values(c, rename, pod) for c in inits]
    if sibling.main.volume_mounts:
        values["volumeMounts"] = [to_plain(m) for m in sibling.main.volume_mounts]
    volumes = [
        _file_modes(to_plain(v)) for v in sibling.volumes if isinstance(v, Mapping) and v.get("name") in named
    ]
    if volumes:
        values["volumes"] = volumes
    return values


def _pod_names(sibling: Component | None, main: str) -> tuple[dict[str, str], set[str]]:
    """How the sibling's container names map to the new pod's (its main container is ``main``), and
    every container name of the new pod (``main`` and the init containers the sibling lends)."""
    inits = [c.name for c in sibling.init_containers] if sibling is not None else []
    rename = {sibling.main.name: main} if sibling is not None and sibling.containers else {}
    return rename, {main, *inits}


def values_fragment(
    component: Component,
    chart: Mapping[str, ChartEnv] | None = None,
    omit: Collection[str] = (),
    sibling: Component | None = None,
    prefixes: Sequence[str] = (),
    added: tuple[EnvVar, ...] | None = None,
) -> dict[str, Any]:
    """The component's values, under its ``values_key`` (less ``prefixes``); env settings in ``chart``
    (see ``ChartEnvs.of``) replace the ClowdApp's, env vars named in ``omit`` are left out unless the
    chart sets them, and the chart's ``sibling`` (see ``ChartEnvs.sibling``) adds its env
    (``sibling_env``), its mounts (``mount_values``) and gives its image, and its probes (with the
    ports they name) when it has the component's role kind. ``added``: the sibling's env, when the
    caller has worked it out already."""
    main = sibling.main if sibling is not None and sibling.containers else None
    # probes are the chart's own for a workload that runs as this one does (a worker's for a worker),
    # never a web API's for a job, which nothing would answer
    prober = main if sibling is not None and sibling.role.kind == component.role.kind else None
    if added is None:
        added = sibling_env(component, sibling)
    own = short_name(component.name, prefixes)  # the main container's name in both kinds of template
    rename, pod = _pod_names(sibling, own)
    rename.setdefault(component.main.name, own)  # the ClowdApp's own references name its container
    values: dict[str, Any] = {
        "enabled": True,
        **_container_values(component.main, chart, omit, main, added, prober, rename, pod),
        **mount_values(sibling, own),
    }
    if component.kind == "Deployment":
        replicas = component.scaling.replicas
        values["replicas"] = replicas if isinstance(replicas, int) and replicas > 0 else 1
    if component.kind == "CronJob" and component.schedule:
        values["schedule"] = component.schedule
    return {values_key(component.name, prefixes): values}
