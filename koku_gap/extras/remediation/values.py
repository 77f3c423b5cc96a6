"""The values fragment of a suggestion: every datum the suggested template reads, from the ClowdApp pod
spec, with the chart's env settings and what its sibling lends (image, probes, env, mounts)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from koku_gap.extras.remediation.names import values_key
from koku_gap.extras.remediation.siblings import ChartEnv, sibling_env
from koku_gap.model.graph import Component, Container, EnvVar
from koku_gap.yaml.loader import to_plain

PROBES = ("livenessProbe", "readinessProbe")


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
) -> dict[str, Any]:
    """``c``'s values, with ``sibling``'s image, ``added`` env and ``prober``'s probes and ports."""
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
    from_refs = [{"name": n, "valueFrom": f} for n, _, f in settings if f is not None]
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
    return values


def _command_values(c: Container) -> dict[str, list[str]]:
    """The container's ``command`` and ``args``, those it has, each argument on one line."""
    return {
        key: [_one_line(a) for a in words]
        for key, words in (("command", c.command), ("args", c.args))
        if words
    }


def _env_items(env: Sequence[EnvVar]) -> list[dict[str, Any]]:
    """Env as a pod spec writes it: an init container's is copied whole, it has no values of its own."""
    return [
        {"name": e.name, "valueFrom": to_plain(e.value_from)}
        if e.value_from is not None
        else {"name": e.name, "value": e.value if e.value is not None else ""}
        for e in env
    ]


def _init_values(c: Container) -> dict[str, Any]:
    values: dict[str, Any] = {"name": c.name}
    if c.image:
        values["image"] = c.image
    values.update(_command_values(c))
    if c.env:
        values["env"] = _env_items(c.env)
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


def mount_values(sibling: Component | None) -> dict[str, Any]:
    """The sibling's main container mounts, its init containers and the pod volumes those mount: the
    files the env it lends points at (a CA bundle, a config file), which the chart's pod provides and
    Clowder's does not. Copies (``to_plain``), so no item is written twice as a YAML alias."""
    if sibling is None or not sibling.containers:
        return {}
    inits = sibling.init_containers
    named = {m.get("name") for c in (sibling.main, *inits) for m in c.volume_mounts if isinstance(m, Mapping)}
    values: dict[str, Any] = {}
    if inits:
        values["initContainers"] = [_init_values(c) for c in inits]
    if sibling.main.volume_mounts:
        values["volumeMounts"] = [to_plain(m) for m in sibling.main.volume_mounts]
    volumes = [
        _file_modes(to_plain(v)) for v in sibling.volumes if isinstance(v, Mapping) and v.get("name") in named
    ]
    if volumes:
        values["volumes"] = volumes
    return values


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
    values: dict[str, Any] = {
        "enabled": True,
        **_container_values(component.main, chart, omit, main, added, prober),
        **mount_values(sibling),
    }
    if component.kind == "Deployment":
        replicas = component.scaling.replicas
        values["replicas"] = replicas if isinstance(replicas, int) and replicas > 0 else 1
    if component.kind == "CronJob" and component.schedule:
        values["schedule"] = component.schedule
    return {values_key(component.name, prefixes): values}
