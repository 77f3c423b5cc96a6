"""A suggested Helm template (and its values.yaml fragment) for a ClowdApp component the chart lacks.

The template is generic and every datum goes through ``.Values``: commands, env, resources and probes
are copied from the ClowdApp pod spec into the values fragment, so nothing the ClowdApp says can
break the template's syntax, and the porting team edits values, not template code.

Env values are the ClowdApp's SaaS defaults unless the chart says otherwise: where the chart's own
workloads of the same image family set a variable, the values take the chart's setting (the most common
one) and say so in a comment; a value written with a template parameter says which one, so a reader
knows what to check before trusting it on-prem.

What Clowder injects (database, cache, Kafka, object store: its cdappconfig) the ClowdApp never says, so
the chart's "sibling" of the component (its most alike workload of the same image family, see
``ChartEnvs.sibling``) lends its own settings of those, its image and its probes (with the ports they
name); without a sibling the values say they are the ClowdApp's SaaS settings. Env it lends often
points at files its pod provides (``AWS_CA_BUNDLE`` at a CA bundle an init container assembles in an
emptyDir), so its volume mounts, init containers and the volumes they name come along too.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import io
import json
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from koku_gap.extras.snippets import indent
from koku_gap.model.graph import Component, ComponentGraph, Container, EnvVar, RoleKind
from koku_gap.yaml.loader import to_plain

PRE_HOOK = "pre-install,pre-upgrade"
PROBES = ("livenessProbe", "readinessProbe")
NO_SIBLING = "# no chart workload runs this image: values are the ClowdApp's (SaaS) settings; review them"
MOUNT_KEYS = ("initContainers", "volumeMounts", "volumes")  # what a sibling's pod lends besides env
RESOLVED_KEPT = 100_000  # scalars whose YAML resolution values_yaml remembers


def values_key(name: str) -> str:
    """``clowder-sources-listener`` -> ``sourcesListener`` (a values.yaml key)."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]
    if words and words[0] == "clowder" and len(words) > 1:
        words = words[1:]
    if not words:
        return "component"
    key = words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])
    return key if key[:1].isalpha() else f"c{key}"


def short_name(name: str) -> str:
    base = name[len("clowder-") :] if name.startswith("clowder-") else name
    cleaned = re.sub(r"[^a-z0-9-]+", "-", base.lower()).strip("-")
    return cleaned[:50] or "component"


def _one_line(arg: str) -> str:
    """A one-line script written as a block scalar keeps its trailing newline; the shell does not care,
    and without it the values file stays a plain one-line string."""
    return arg.rstrip("\n") if arg.count("\n") == 1 and arg.endswith("\n") else arg


@dataclass(frozen=True)
class ChartEnv:
    """How the chart sets an env var: its most common setting, and the first workload that has it."""

    value: str | None
    value_from: Any
    workload: str


def _setting(env: EnvVar) -> tuple[str | None, str | None]:
    """What an env var is set to, comparable and hashable (a ``valueFrom`` in canonical JSON)."""
    if env.value_from is None:
        return env.value, None
    return None, json.dumps(env.value_from, sort_keys=True, default=str)


def role_env(component: Component) -> set[str]:
    """Env names that make the component what it is: its role's switches (``SOURCES=true``) and what
    its command reads (``-Q $WORKER_QUEUES``). Another workload's value of those would be wrong."""
    names = {switch.split("=", 1)[0] for switch in component.role.switches}
    if component.containers:
        script = " ".join([*component.main.command, *component.main.args])
        names.update(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", script))
    return names


class ChartEnvs:
    """The env settings of a chart's workloads by image family and name, indexed once per chart (a
    suggestion is made for every gap, each looking up the same workloads)."""

    def __init__(self, target: ComponentGraph, topics: Collection[str] = ()) -> None:
        self._topics = frozenset(topics)  # the Kafka topics the ClowdApps declare (``lent``)
        self._by_family: dict[str, dict[str, list[tuple[str, EnvVar]]]] = {}
        self._workloads: dict[str, list[Component]] = {}
        self._names: dict[int, frozenset[str]] = {}  # id(workload) -> the env names it sets
        self._siblings: dict[tuple[str, str, frozenset[str]], Component] = {}
        self._best: dict[tuple[str, str], ChartEnv] = {}
        for other in target.components:
            family = other.role.image_family
            if family is not None and other.containers:
                self._workloads.setdefault(family, []).append(other)
                names = self._by_family.setdefault(family, {})
                for env in other.main.env:
                    names.setdefault(env.name, []).append((other.name, env))

    def of(self, component: Component) -> dict[str, ChartEnv]:
        """The chart's setting of each env var ``component`` sets, from the chart workloads built from
        the same image family (their main containers): the on-prem value, where the ClowdApp's is
        SaaS's. What defines the component's role (``role_env``) stays the ClowdApp's."""
        family = component.role.image_family
        names = self._by_family.get(family) if family is not None else None
        if family is None or not names or not component.containers:
            return {}
        wanted = {e.name for e in component.main.env} - role_env(component)
        result: dict[str, ChartEnv] = {}
        for name, settings in names.items():
            if name in wanted:
                result[name] = self._most_common(family, name, settings)
        return result

    def _most_common(self, family: str, name: str, settings: list[tuple[str, EnvVar]]) -> ChartEnv:
        """The family's most common setting of ``name``, found once (every component asks it again);
        ties: the setting seen first, in the chart's order, so the choice is stable."""
        key = (family, name)
        if key not in self._best:
            best = Counter(_setting(env) for _, env in settings).most_common(1)[0][0]
            workload, env = next((w, e) for w, e in settings if _setting(e) == best)
            self._best[key] = ChartEnv(value=env.value, value_from=env.value_from, workload=workload)
        return self._best[key]

    def sibling(self, component: Component) -> Component | None:
        """The chart workload most like ``component`` among those of its image family: the same role
        kind first, then the most env names in common; ties go to the chart's order. Its settings are
        the on-prem way to run that image (None: the chart runs no such image)."""
        family = component.role.image_family
        candidates = self._workloads.get(family, []) if family is not None else []
        if family is None or not candidates or not component.containers:
            return None
        own = frozenset(e.name for e in component.main.env)
        kind = component.role.kind
        key = (family, kind.value, own)  # many components share it (every app's copy of a worker)
        if key not in self._siblings:

            def likeness(other: Component) -> tuple[bool, int]:
                names = self._names.get(id(other))
                if names is None:
                    names = self._names[id(other)] = frozenset(e.name for e in other.main.env)
                return other.role.kind == kind, len(own & names)

            self._siblings[key] = max(candidates, key=likeness)  # max keeps the first of equals
        return self._siblings[key]

    def lent(self, component: Component) -> Component | None:
        """``sibling`` as its settings are lent to ``component``: when it is a Kafka consumer, less
        what makes it that consumer (the topics it reads, by value among the ClowdApps' ``kafkaTopics``;
        its consumer group), which would make the suggestion read another consumer's messages."""
        sibling = self.sibling(component)
        if sibling is None or sibling.role.kind != RoleKind.KAFKA_CONSUMER:
            return sibling
        env = tuple(e for e in sibling.main.env if not self._consumer_identity(e))
        main = sibling.main.model_copy(update={"env": env})
        return sibling.model_copy(update={"containers": (main, *sibling.containers[1:])})

    def _consumer_identity(self, env: EnvVar) -> bool:
        if _CONSUMER_GROUP.search(env.name):
            return True
        return bool(env.value) and bool(set(re.split(r"[\s,]+", env.value or "")) & self._topics)


_CONSUMER_GROUP = re.compile(r"CONSUMER_GROUP|GROUP_ID")  # a Kafka consumer group's usual env names


def identity_env(component: Component) -> set[str]:
    """The env names of ``role_env`` that make the component what it is: its role's switches, and what
    its command reads whose value names its queues or command (``-Q $WORKER_QUEUES``). Not what the
    command merely uses (``$APP_HOME``, a Kafka host it connects to), which another workload needs too."""
    role = component.role
    names = {switch.split("=", 1)[0] for switch in role.switches}
    read = role_env(component) - names
    for env in component.main.env if component.containers else ():
        if env.name in read and env.value:
            words = set(re.split(r"[\s,]+", env.value))
            if words & set(role.queues) or (role.command and role.command in env.value):
                names.add(env.name)
    return names


def sibling_env(component: Component, sibling: Component | None) -> tuple[EnvVar, ...]:
    """The sibling's env vars the ClowdApp does not set (mostly what Clowder injects, which the chart
    must set itself), less what makes the sibling what it is (``identity_env``: its switches, queues)."""
    if sibling is None or not sibling.containers or not component.containers:
        return ()
    skip = {e.name for e in component.main.env} | identity_env(sibling)
    return tuple(e for e in sibling.main.env if e.name not in skip)


def chart_env(component: Component, target: ComponentGraph | None) -> dict[str, ChartEnv]:
    """``ChartEnvs(target).of(component)``, for one component (None: no chart, no settings)."""
    return ChartEnvs(target).of(component) if target is not None else {}


def chart_sibling(component: Component, target: ComponentGraph | None) -> Component | None:
    """``ChartEnvs(target).sibling(component)``, for one component (None: no chart, no sibling)."""
    return ChartEnvs(target).sibling(component) if target is not None else None


_PARAMETER = re.compile(r"\$\{\{?([A-Za-z_][A-Za-z0-9_]*)\}?\}")


def parameter_env(component: Component, lines: Sequence[str], parameters: Collection[str]) -> dict[str, str]:
    """Env name -> the template parameter its value is written with, read from the ClowdApp's own lines
    (an env item's two lines from ``EnvVar.line``): such a value is the parameter's SaaS default."""
    if not component.containers:
        return {}
    starts = sorted(e.line for e in component.main.env)
    result: dict[str, str] = {}
    for env in component.main.env:
        if env.value_from is not None or not 0 < env.line <= len(lines):
            continue
        at = bisect.bisect_right(starts, env.line)  # the next env item's line, if any
        end = min(env.line + 2, starts[at]) if at < len(starts) else env.line + 2
        text = " ".join(lines[env.line - 1 : end - 1])
        names = [n for n in _PARAMETER.findall(text) if n in parameters]
        if names:
            result[env.name] = ", ".join(dict.fromkeys(names))
    return result


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
) -> dict[str, Any]:
    """The component's values; env settings in ``chart`` (see ``chart_env``) replace the ClowdApp's,
    env vars named in ``omit`` are left out unless the chart sets them, and the chart's ``sibling``
    (see ``ChartEnvs.sibling``) adds its env (``sibling_env``), its mounts (``mount_values``) and gives
    its image, and its probes (with the ports they name) when it has the component's role kind."""
    main = sibling.main if sibling is not None and sibling.containers else None
    # probes are the chart's own for a workload that runs as this one does (a worker's for a worker),
    # never a web API's for a job, which nothing would answer
    prober = main if sibling is not None and sibling.role.kind == component.role.kind else None
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
    return {values_key(component.name): values}


def _container_block(key: str, name: str, indent: int) -> str:
    pad = " " * indent
    v = f".Values.{key}"
    lines = [
        f"{pad}- name: {name}",
        f'{pad}  image: "{{{{ {v}.image.repository }}}}:{{{{ {v}.image.tag }}}}"',
        *_guarded(key, "command", indent + 2),
        *_guarded(key, "args", indent + 2),
        f"{pad}  env:",
        f"{pad}    {{{{- range $name, $value := {v}.env }}}}",
        f"{pad}    - name: {{{{ $name }}}}",
        f"{pad}      value: {{{{ $value | quote }}}}",
        f"{pad}    {{{{- end }}}}",
        f"{pad}    {{{{- with {v}.envValueFrom }}}}",
        f"{pad}    {{{{- toYaml . | nindent {indent + 4} }}}}",
        f"{pad}    {{{{- end }}}}",
    ]
    for field in ("ports", "resources", *PROBES, "volumeMounts"):
        lines += _guarded(key, field, indent + 2)
    return "\n".join(lines)


def _guarded(key: str, field: str, indent: int) -> list[str]:
    """``field: <the values' field as YAML>``, written only when the values have it."""
    pad = " " * indent
    return [
        f"{pad}{{{{- with .Values.{key}.{field} }}}}",
        f"{pad}{field}:",
        f"{pad}  {{{{- toYaml . | nindent {indent + 2} }}}}",
        f"{pad}{{{{- end }}}}",
    ]


def _pod_field(key: str, field: str, indent: int) -> str:
    """A pod spec field (``initContainers``, ``volumes``) written only when the values have it."""
    return "\n".join(_guarded(key, field, indent)) + "\n"


def _pod_spec(key: str, name: str, indent: int) -> str:
    """The pod spec's containers, behind its init containers and before its volumes."""
    return (
        f"{_pod_field(key, 'initContainers', indent)}{' ' * indent}containers:\n"
        f"{_container_block(key, name, indent + 2)}\n{_pod_field(key, 'volumes', indent)}"
    )


def _labels(name: str, component_label: str, indent: int) -> str:
    pad = " " * indent
    return (
        f"{pad}app.kubernetes.io/name: {name}\n"
        f"{pad}app.kubernetes.io/instance: {{{{ .Release.Name }}}}\n"
        f"{pad}app.kubernetes.io/component: {component_label}"
    )


def helm_template(component: Component) -> str:
    """A Deployment, a pre-install/pre-upgrade hook Job (migrations), or a CronJob (scheduled jobs)."""
    key = values_key(component.name)
    name = short_name(component.name)
    role = component.role.kind.value
    header = f"{{{{- if .Values.{key}.enabled }}}}\n"
    full = f"{{{{ .Release.Name }}}}-{name}"
    if component.kind == "CronJob":
        body = (
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n"
            f"  name: {full}\n  labels:\n{_labels(name, role, 4)}\nspec:\n"
            f"  schedule: {{{{ .Values.{key}.schedule | quote }}}}\n"
            "  concurrencyPolicy: Forbid\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n"
            f"          labels:\n{_labels(name, role, 12)}\n        spec:\n          restartPolicy: Never\n"
            f"{_pod_spec(key, name, 10)}"
        )
    elif component.kind == "Job":
        hook = ""
        if component.role.kind == RoleKind.MIGRATION:
            hook = (
                "  annotations:\n"
                f'    "helm.sh/hook": {PRE_HOOK}\n'
                '    "helm.sh/hook-weight": "0"\n'
                '    "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded\n'
            )
        body = (
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n"
            f"  name: {full}\n  labels:\n{_labels(name, role, 4)}\n{hook}spec:\n  backoffLimit: 1\n"
            f"  template:\n    metadata:\n      labels:\n{_labels(name, role, 8)}\n    spec:\n"
            f"      restartPolicy: Never\n{_pod_spec(key, name, 6)}"
        )
    else:
        body = (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
            f"  name: {full}\n  labels:\n{_labels(name, role, 4)}\nspec:\n"
            f"  replicas: {{{{ .Values.{key}.replicas }}}}\n  selector:\n    matchLabels:\n"
            f"      app.kubernetes.io/name: {name}\n"
            f"      app.kubernetes.io/instance: {{{{ .Release.Name }}}}\n"
            f"  template:\n    metadata:\n      labels:\n{_labels(name, role, 8)}\n    spec:\n"
            f"{_pod_spec(key, name, 6)}"
        )
    return header + body + "{{- end }}\n"


def values_yaml(
    component: Component,
    chart: Mapping[str, ChartEnv] | None = None,
    parameters: Mapping[str, str] | None = None,
    omit: Collection[str] = (),
    sibling: Component | None = None,
) -> str:
    """``values_fragment`` as YAML, each env var taken from the chart (``chart``, the ``sibling``) or
    written with a template parameter (``parameters``, see ``parameter_env``) marked by a comment on
    its line, and the sibling's image by one on ``image:`` (its mounts, init containers and volumes on
    theirs); env vars named in ``omit`` left out. When
    the chart was read (``chart`` not None) but has no sibling, a first line says the values are SaaS's."""
    notes = (
        {e.name: f"from the chart's {sibling.name}" for e in sibling_env(component, sibling)}
        if sibling
        else {}
    )
    notes.update((name, f"from the chart's {env.workload}") for name, env in (chart or {}).items())
    for name, parameter in (parameters or {}).items():
        notes.setdefault(name, f"from template parameter {parameter}")
    text = _annotate(yaml_text(values_fragment(component, chart, omit, sibling)), notes)
    if sibling is None:
        return f"{NO_SIBLING}\n{text}" if chart is not None else text
    if sibling.containers and sibling.main.image:
        text = text.replace("\n  image:\n", f"\n  image:  # the chart's image, as {sibling.name}\n", 1)
    for key in MOUNT_KEYS:
        text = text.replace(f"\n  {key}:\n", f"\n  {key}:  # from the chart's {sibling.name}\n", 1)
    return text


_ENV_KEY = re.compile(r"^    ([A-Za-z_][A-Za-z0-9_.-]*):(?: |$)")


def _annotate(text: str, notes: Mapping[str, str]) -> str:
    """``text`` (a values fragment) with ``# note`` after each env var named in ``notes``: at the end
    of its line when the value fits on it, else on a line of its own above it."""
    if not notes:
        return text
    lines = text.split("\n")
    out: list[str] = []
    section = ""
    for index, line in enumerate(lines):
        if indent(line) == 2 and not line.startswith("  -"):
            section = line.strip().split(":", 1)[0]
        name: str | None = None
        if section == "env" and (found := _ENV_KEY.match(line)):
            name = found.group(1)
        elif section == "envValueFrom" and line.startswith("  - name: "):
            name = line.removeprefix("  - name: ")
        note = notes.get(name) if name is not None else None
        if note is None:
            out.append(line)
            continue
        note = " ".join(note.split())
        after = lines[index + 1] if index + 1 < len(lines) else ""
        whole = section == "envValueFrom" or (after.strip() != "" and indent(after) <= indent(line))
        out.extend([f"{line}  # {note}"] if whole else [f"{' ' * indent(line)}# {note}", line])
    return "\n".join(out)


def yaml_text(data: Any) -> str:
    """``data`` as block YAML, exactly as ``YAML(typ="safe", pure=False)`` with ``width = 4096`` and
    ``default_flow_style = False`` dumps it (keys sorted), three times faster."""
    out = io.StringIO()
    dumper = _dumper_class()(out)
    try:
        dumper.open()
        dumper.represent(data)
        dumper.close()
    finally:
        dumper.dispose()
    return out.getvalue()


@functools.cache
def _dumper_class() -> type:
    """What ``YAML(typ="safe", pure=False)`` dumps with (the C emitter, ruamel's safe representer and
    resolver), with its defaults and a width of 4096, minus ruamel's per-node overhead.

    ruamel makes a new ``Tag`` for every node, and the C emitter compares it with the resolver's
    by its text, which each new ``Tag`` decodes character by character; and it resolves each scalar
    twice, by regular expressions. That was most of the time spent writing a values fragment (27 ms of
    a koku run; 3 s at 100 times koku). Here a tag is one shared ``Tag`` per name, a scalar's
    resolution is remembered, and plain data skips the representer's dispatch: the nodes, the events
    and so the text are exactly the same (tests/test_performance.py compares them, hypothesis too).
    """
    from ruamel.yaml.cyaml import CEmitter  # type: ignore[attr-defined]  # (from the C extension)
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
    from ruamel.yaml.representer import SafeRepresenter
    from ruamel.yaml.resolver import Resolver
    from ruamel.yaml.tag import Tag

    tags: dict[str, Any] = {}
    resolved: dict[tuple[str, bool, bool], Any] = {}

    def shared(tag: Any) -> Any:
        if not isinstance(tag, str):
            return tag
        found = tags.get(tag)
        if found is None:
            found = tags[tag] = Tag(suffix=tag)
        return found

    str_tag, int_tag, bool_tag, null_tag, map_tag, seq_tag = (
        shared(f"tag:yaml.org,2002:{name}") for name in ("str", "int", "bool", "null", "map", "seq")
    )

    def direct(data: Any, seen: set[int]) -> Any:
        """The node SafeRepresenter makes of plain data (exact dict, list, str, int, bool, None), made
        here without its per-node dispatch; None for anything else, or a container met twice (which
        ruamel writes as an anchor and aliases): then SafeRepresenter does it all."""
        kind = type(data)
        if kind is str:
            return ScalarNode(str_tag, data)
        if kind is bool:
            return ScalarNode(bool_tag, "true" if data else "false")
        if kind is int:
            return ScalarNode(int_tag, str(data))
        if data is None:
            return ScalarNode(null_tag, "null")
        if (kind is not dict and kind is not list) or id(data) in seen:
            return None
        seen.add(id(data))
        if kind is list:
            items = [direct(item, seen) for item in data]
            return None if None in items else SequenceNode(seq_tag, items, flow_style=False)
        pairs = list(data.items())
        with contextlib.suppress(TypeError):  # as SafeRepresenter: sorted, unless keys do not compare
            pairs = sorted(pairs)
        value = [(direct(k, seen), direct(v, seen)) for k, v in pairs]
        if any(k is None or v is None for k, v in value):
            return None
        return MappingNode(map_tag, value, flow_style=False)

    class ValuesDumper(CEmitter, SafeRepresenter, Resolver):  # type: ignore[misc]
        def __init__(self, stream: io.StringIO) -> None:
            CEmitter.__init__(self, stream, width=4096, allow_unicode=True)
            self._emitter = self._serializer = self._representer = self
            SafeRepresenter.__init__(self, default_style=None, default_flow_style=False)
            Resolver.__init__(self)

        def represent(self, data: Any) -> None:
            node = direct(data, set())
            if node is None:
                super().represent(data)
            else:
                self.serialize(node)

        def represent_scalar(self, tag: Any, value: Any, style: Any = None, anchor: Any = None) -> Any:
            return super().represent_scalar(shared(tag), value, style=style, anchor=anchor)

        def represent_sequence(self, tag: Any, sequence: Any, flow_style: Any = None) -> Any:
            return super().represent_sequence(shared(tag), sequence, flow_style=flow_style)

        def represent_mapping(self, tag: Any, mapping: Any, flow_style: Any = None) -> Any:
            return super().represent_mapping(shared(tag), mapping, flow_style=flow_style)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is not ScalarNode or self.yaml_path_resolvers:
                return super().resolve(kind, value, implicit)
            key = (value, bool(implicit[0]), bool(implicit[1]))
            found = resolved.get(key)
            if found is None:
                if len(resolved) >= RESOLVED_KEPT:  # a long-lived process (a notebook) reads many inputs
                    resolved.clear()
                found = resolved[key] = str(super().resolve(kind, value, implicit))  # compared as text
            return found

    return ValuesDumper


def template_path(component: Component) -> str:
    kind = {"CronJob": "cronjob", "Job": "job"}.get(component.kind, "deployment")
    return f"templates/{short_name(component.name)}-{kind}.yaml"
