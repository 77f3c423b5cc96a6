"""One suggested template per family of alike gaps, rather than one nearly identical template each.

Suggested Deployments built the same way (the same image, init containers and volumes, lent by the
same sibling: a dozen Celery workers of one application, say) differ in little but their name,
queues, replicas and resources. A family writes them as one ``range`` template over a list of
members; what every member shares is written once (the env through a named helper), what is a
member's own stays with it. Each member's full values stay on its row (``Row.remediation``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from koku_gap.extras.remediation.annotated import NO_SIBLING, Annotated, annotate, commented
from koku_gap.extras.remediation.names import short_name
from koku_gap.extras.remediation.parameters import parameter_env
from koku_gap.extras.remediation.siblings import ChartEnvs
from koku_gap.extras.remediation.values import PROBES
from koku_gap.model.graph import Component, ComponentGraph
from koku_gap.model.report import Row, TemplateFamily
from koku_gap.yaml.dumper import yaml_text

# What makes members one family: their pod is built alike. All else may be a member's own.
_KIN = ("image", "initContainers", "volumes")
_OWN = ("replicas", "resources")  # always each member's, even when equal: what a team tunes per workload
_ENV = ("env", "envValueFrom")
_ABSENT = object()
_CONTAINER = ("command", "args", "ports", "resources", *PROBES, "volumeMounts")


@dataclass(frozen=True)
class Member:
    """One gap's suggestion, as a family reads it."""

    row_id: str
    component: Component
    annotated: Annotated


@dataclass(frozen=True)
class Family:
    """A family's values key, template path, template and values.yaml fragment, and its members' row ids."""

    key: str
    path: str
    template: str
    values: str
    members: tuple[str, ...]


def _kin(member: Member) -> str:
    a = member.annotated
    shape = {k: a.values.get(k) for k in _KIN}
    notes = {k: a.fields.get(k) for k in _KIN}
    return json.dumps([member.component.kind, a.no_sibling, shape, notes], sort_keys=True, default=str)


def families(members: Sequence[Member], prefixes: Sequence[str] = ()) -> list[Family]:
    """The families of ``members`` (Deployments only; two members or more), in the order of their
    first member; a member alike to no other gets no family and keeps its own template. Member names
    are the suggested objects' (``short_name``, less ``prefixes``)."""
    groups: dict[str, list[Member]] = {}
    for member in members:
        if member.component.kind == "Deployment":
            groups.setdefault(_kin(member), []).append(member)
    kept = [g for g in groups.values() if len(g) > 1]
    keys: list[str] = []
    for group in kept:
        keys.append(_family_key(group, keys))
    return [_family(key, group, prefixes) for key, group in zip(keys, kept, strict=True)]


def _family_key(group: Sequence[Member], taken: Sequence[str]) -> str:
    """``<image name>Deployments`` (``nginxDeployments``), numbered when another family has it."""
    image = group[0].annotated.values.get("image") or {}
    repository = str(image.get("repository", "")) if isinstance(image, Mapping) else ""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", repository.rsplit("/", 1)[-1]) if w]
    stem = words[0].lower() + "".join(w.capitalize() for w in words[1:]) if words else "suggested"
    stem = stem if stem[:1].isalpha() else f"c{stem}"
    key, n = f"{stem}Deployments", 2
    while key in taken:
        key, n = f"{stem}Deployments{n}", n + 1
    return key


def _shared_env(group: Sequence[Member]) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, str]]:
    """The env every member sets alike (the same value and the same comment), and those comments."""
    first = group[0].annotated
    env: dict[str, Any] = {}
    for name, value in (first.values.get("env") or {}).items():
        note = first.notes.get(name)
        if all(
            (m.annotated.values.get("env") or {}).get(name, _ABSENT) == value
            and m.annotated.notes.get(name) == note
            for m in group[1:]
        ):
            env[name] = value
    refs: list[dict[str, Any]] = []
    for ref in first.values.get("envValueFrom") or []:
        note = first.notes.get(ref["name"])
        if all(ref in (m.annotated.values.get("envValueFrom") or []) for m in group[1:]) and all(
            m.annotated.notes.get(ref["name"]) == note for m in group[1:]
        ):
            refs.append(ref)
    names = [*env, *(r["name"] for r in refs)]
    return env, refs, {n: first.notes[n] for n in names if n in first.notes}


def _split(group: Sequence[Member], prefixes: Sequence[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The values all members share, and each member's own (its name and role label first)."""
    values = [m.annotated.values for m in group]
    fields = sorted({k for v in values for k in v} - {"enabled", *_ENV, *_OWN})
    shared: dict[str, Any] = {
        k: values[0][k] for k in fields if all(k in v and v[k] == values[0][k] for v in values)
    }
    env, refs, _ = _shared_env(group)
    if env:
        shared["env"] = env
    if refs:
        shared["envValueFrom"] = refs
    own: list[dict[str, Any]] = []
    for member, v in zip(group, values, strict=True):
        mine: dict[str, Any] = {"enabled": True}
        mine.update((k, v[k]) for k in (*fields, *_OWN) if k in v and k not in shared)
        rest = {n: x for n, x in (v.get("env") or {}).items() if n not in env}
        if rest:
            mine["env"] = rest
        other = [r for r in v.get("envValueFrom") or [] if r not in refs]
        if other:
            mine["envValueFrom"] = other
        name = short_name(member.component.name, prefixes)
        own.append({"name": name, "component": member.component.role.kind.value, **mine})
    return shared, own


def _values_text(key: str, group: Sequence[Member], shared: dict[str, Any], own: list[dict[str, Any]]) -> str:
    """The family's values: what members share under ``key`` (commented as each member's would be),
    then ``members:``, each with its own values and their comments."""
    _, _, shared_notes = _shared_env(group)
    fields = {k: n for k, n in group[0].annotated.fields.items() if k in shared}
    out = [commented(yaml_text({key: shared}), shared_notes, fields).rstrip("\n"), "  members:"]
    for member, mine in zip(group, own, strict=True):
        head = yaml_text({k: mine[k] for k in ("name", "component")}).rstrip("\n").split("\n")
        body = {k: x for k, x in mine.items() if k not in ("name", "component")}
        notes = {n: t for n, t in member.annotated.notes.items() if n not in shared_notes}
        lines = commented(yaml_text({"m": body}), notes, {}).rstrip("\n").split("\n")[1:]
        out.append(f"  - {head[0]}")
        out += [f"    {line}" for line in head[1:]]
        out += [f"  {line}" for line in lines]
    text = "\n".join(out) + "\n"
    return f"{NO_SIBLING}\n{text}" if group[0].annotated.no_sibling else text


def _either(field: str, indent: int) -> list[str]:
    """``field``, the member's own or else the family's, written only when one of them has it."""
    pad = " " * indent
    return [
        f"{pad}{{{{- with ($m.{field} | default $f.{field}) }}}}",
        f"{pad}{field}:",
        f"{pad}  {{{{- toYaml . | nindent {indent + 2} }}}}",
        f"{pad}{{{{- end }}}}",
    ]


def _labels(indent: int) -> list[str]:
    pad = " " * indent
    return [
        f"{pad}app.kubernetes.io/name: {{{{ $m.name }}}}",
        f"{pad}app.kubernetes.io/instance: {{{{ $.Release.Name }}}}",
        f"{pad}app.kubernetes.io/component: {{{{ $m.component }}}}",
    ]


def family_template(key: str) -> str:
    """One Deployment per enabled member of ``.Values.<key>.members``; the family's env (a named
    helper, also used for each member's own env) and any field a member does not set its own."""
    helper = f"suggested.{key}.env"
    lines = [
        f'{{{{- define "{helper}" }}}}',
        "{{- range $name, $value := .env }}",
        "- name: {{ $name }}",
        "  value: {{ $value | quote }}",
        "{{- end }}",
        "{{- with .envValueFrom }}",
        "{{ toYaml . }}",
        "{{- end }}",
        "{{- end }}",
        f"{{{{- $f := .Values.{key} }}}}",
        "{{- range $m := $f.members }}",
        "{{- if $m.enabled }}",
        "---",
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: {{ $.Release.Name }}-{{ $m.name }}",
        "  labels:",
        *_labels(4),
        "spec:",
        "  replicas: {{ $m.replicas }}",
        "  selector:",
        "    matchLabels:",
        *_labels(6)[:2],
        "  template:",
        "    metadata:",
        "      labels:",
        *_labels(8),
        "    spec:",
        *_either("initContainers", 6),
        "      containers:",
        "        - name: {{ $m.name }}",
        "          {{- with ($m.image | default $f.image) }}",
        '          image: "{{ .repository }}:{{ .tag }}"',
        "          {{- end }}",
        "          env:",
        f'            {{{{- include "{helper}" $f | nindent 12 }}}}',
        f'            {{{{- include "{helper}" $m | nindent 12 }}}}',
    ]
    for field in _CONTAINER:
        lines += _either(field, 10)
    lines += [*_either("volumes", 6), "{{- end }}", "{{- end }}"]
    return "\n".join(lines) + "\n"


def _family(key: str, group: Sequence[Member], prefixes: Sequence[str]) -> Family:
    shared, own = _split(group, prefixes)
    stem = re.sub(r"(?<!^)(?=[A-Z])", "-", key).lower()
    return Family(
        key=key,
        path=f"templates/{stem}.yaml",
        template=family_template(key),
        values=_values_text(key, group, shared, own),
        members=tuple(m.row_id for m in group),
    )


def with_families(
    rows: Sequence[Row],
    source: ComponentGraph,
    target: ComponentGraph | None,
    omit: Collection[str] = (),
    *,
    file_lines: Mapping[str, list[str]] | None = None,
    prefixes: Sequence[str] = (),
) -> tuple[list[Row], list[TemplateFamily]]:
    """``rows`` (with their suggestions, ``api.enrich``) with each family member's ``remediation``
    naming its family, and the families. The suggestions are worked out again from the same inputs,
    as ``enrich`` did: the family needs them before they are written."""
    components = {(c.app, c.name): c for c in source.components}
    topics = [r.name for r in source.resources_of("kafka-topic")]
    envs = ChartEnvs(target, topics) if target is not None else None
    members: list[Member] = []
    for row in rows:
        component = components.get((row.app, row.clowdapp or ""))
        if row.remediation is None or component is None or row.source is None:
            continue
        lines = (file_lines or {}).get(row.source.file) or []
        annotated = annotate(
            component,
            envs.of(component) if envs is not None else None,
            parameter_env(component, lines, source.parameters),
            omit,
            envs.lent(component) if envs is not None else None,
            prefixes,
        )
        members.append(Member(row.id, component, annotated))
    found = families(members, prefixes)
    family_of = {row_id: f.key for f in found for row_id in f.members}
    out = [
        r.model_copy(update={"remediation": r.remediation.model_copy(update={"family": family_of[r.id]})})
        if r.remediation is not None and r.id in family_of
        else r
        for r in rows
    ]
    models = [
        TemplateFamily(key=f.key, path=f.path, template=f.template, values=f.values, members=list(f.members))
        for f in found
    ]
    return out, models
