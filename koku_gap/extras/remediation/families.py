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
_CONTAINER = ("command", "args", "ports", "resources", *PROBES, "volumeMounts")
UNSET, UNSET_ENV = "unset", "unsetEnv"  # a member's list of the family's fields / env it does not take


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
    return json.dumps([member.component.kind, a.no_sibling, shape], sort_keys=True, default=str)


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


def _common(items: Sequence[Sequence[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The items more than half the members have (each a name and its setting, comment included), in
    the order they first appear: the family's, which a member without one leaves out (``unset``)."""
    counts: dict[tuple[str, str], int] = {}
    for member in items:
        for item in dict.fromkeys(member):
            counts[item] = counts.get(item, 0) + 1
    return [item for item, n in counts.items() if 2 * n > len(items)]


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


@dataclass(frozen=True)
class _Own:
    """A member's own values, their comments, and where it has the family's env from when that is not
    where the family's comment says (comment -> env names)."""

    name: str
    values: dict[str, Any]
    notes: dict[str, str]
    elsewhere: dict[str, list[str]]


@dataclass(frozen=True)
class _Split:
    """The family's values (``shared``) and comments, and each member's own values and comments."""

    shared: dict[str, Any]
    notes: dict[str, str]
    fields: dict[str, str]
    own: list[_Own]


def _env_items(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A member's env, plain and ``valueFrom``, as (name, its setting as JSON) pairs."""
    plain = [(n, _key({"value": x})) for n, x in (values.get("env") or {}).items()]
    return [*plain, *((r["name"], _key(r)) for r in values.get("envValueFrom") or [])]


def _env_values(items: Mapping[str, str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``_env_items`` pairs back as ``env`` and ``envValueFrom`` values."""
    loaded = {n: json.loads(x) for n, x in items.items()}
    return (
        {n: x["value"] for n, x in loaded.items() if "value" in x},
        [x for x in loaded.values() if "value" not in x],
    )


def _split(group: Sequence[Member], prefixes: Sequence[str]) -> _Split:
    """What most members have alike is the family's; a member has its own values where it differs,
    and lists in ``unset`` / ``unsetEnv`` what of the family's it does not have."""
    values = [{**m.annotated.values, "component": m.component.role.kind.value} for m in group]
    notes = [m.annotated.notes for m in group]
    fields = sorted({k for v in values for k in v} - {"enabled", *_ENV, *_OWN})
    chosen = dict(_common([[(k, _key(v[k])) for k in fields if k in v] for v in values]))
    shared: dict[str, Any] = {f: json.loads(x) for f, x in chosen.items()}
    envs = [_env_items(v) for v in values]
    common = dict(_common(envs))
    env, refs = _env_values(common)
    shared.update((k, x) for k, x in (("env", env), ("envValueFrom", refs)) if x)
    taken = [{n for n, x in e if common.get(n) == x} for e in envs]
    family_notes: dict[str, str] = {}
    for name in common:  # a shared value's comment: the one most members that take it have
        said = [ns.get(name) for ns, t in zip(notes, taken, strict=True) if name in t]
        best = max(dict.fromkeys(said), key=said.count)
        if best is not None:
            family_notes[name] = best
    own: list[_Own] = []
    for member, v, ns, e, t in zip(group, values, notes, envs, taken, strict=True):
        mine: dict[str, Any] = {"enabled": True}
        mine.update((k, v[k]) for k in (*fields, *_OWN) if k in v and chosen.get(k) != _key(v[k]))
        rest, other = _env_values({n: x for n, x in e if n not in t})
        mine.update((k, x) for k, x in (("env", rest), ("envValueFrom", other)) if x)
        unset = [k for k in chosen if k not in v]
        unset_env = [n for n in common if n not in {n for n, _ in e}]
        mine.update((k, x) for k, x in ((UNSET, unset), (UNSET_ENV, unset_env)) if x)
        elsewhere: dict[str, list[str]] = {}  # the family's env this member has from another source
        for n in common:
            if n in t and ns.get(n) != family_notes.get(n):
                elsewhere.setdefault(ns.get(n) or "the ClowdApp's own", []).append(n)
        said_own = {n: x for n, x in ns.items() if n in {*rest, *(x["name"] for x in other)}}
        own.append(_Own(short_name(member.component.name, prefixes), mine, said_own, elsewhere))
    kin_notes: dict[str, list[str]] = {}  # a shared block's comment: each sibling that lends it
    for m in group:
        for k, note in m.annotated.fields.items():
            if k in shared and note not in kin_notes.setdefault(k, []):
                kin_notes[k].append(note)
    return _Split(shared, family_notes, {k: _joined(n) for k, n in kin_notes.items()}, own)


def _joined(notes: Sequence[str]) -> str:
    """Comments that differ only in their last word (the sibling's name) as one: ``from the chart's
    a, b``."""
    heads = {n.rsplit(" ", 1)[0] for n in notes}
    if len(heads) == 1 and all(" " in n for n in notes):
        return f"{heads.pop()} {', '.join(n.rsplit(' ', 1)[1] for n in notes)}"
    return "; ".join(notes)


MOST = "from the chart's"  # the comment most shared env has, said once on ``env:`` (``_values_text``)


def _values_text(key: str, group: Sequence[Member], split: _Split) -> str:
    """The family's values: what most members share under ``key`` (commented as each member's would
    be: the comment most of its env has, once on ``env:``, the others on their lines), then
    ``members:``, each with its own values and their comments."""
    env = split.shared.get("env") or {}
    said = [split.notes.get(n) for n in env]
    most = max(dict.fromkeys(said), key=said.count) if said else None
    notes, fields = dict(split.notes), dict(split.fields)
    if most is not None and said.count(most) > 2:
        fields["env"] = f"each {most} unless its line says otherwise"
        for n in env:
            note = notes.get(n)
            if note == most:
                del notes[n]
            elif note is None:
                notes[n] = "the ClowdApp's own"
    out = [commented(yaml_text({key: split.shared}), notes, fields).rstrip("\n"), "  members:"]
    for member in split.own:
        lines = commented(yaml_text({"m": member.values}), member.notes, {}).rstrip("\n").split("\n")[1:]
        out.append(f"  - {yaml_text({'name': member.name}).rstrip()}")
        out += [f"    # {', '.join(ns)}: {' '.join(k.split())}" for k, ns in member.elsewhere.items()]
        out += [f"  {line}" for line in lines]
    text = "\n".join(out) + "\n"
    return f"{NO_SIBLING}\n{text}" if group[0].annotated.no_sibling else text


def _field(field: str, indent: int) -> list[str]:
    """``field`` of the member's values over the family's (``$v``), written only when set."""
    pad = " " * indent
    return [
        f"{pad}{{{{- with $v.{field} }}}}",
        f"{pad}{field}:",
        f"{pad}  {{{{- toYaml . | nindent {indent + 2} }}}}",
        f"{pad}{{{{- end }}}}",
    ]


def _labels(indent: int) -> list[str]:
    pad = " " * indent
    return [
        f"{pad}app.kubernetes.io/name: {{{{ $m.name }}}}",
        f"{pad}app.kubernetes.io/instance: {{{{ $.Release.Name }}}}",
        f"{pad}app.kubernetes.io/component: {{{{ $v.component }}}}",
    ]


def family_template(key: str) -> str:
    """One Deployment per enabled member of ``.Values.<key>.members``: its values over the family's
    (``$v``: the family's, less what the member unsets, with the member's set over them; shallow, so
    a member's probe replaces the family's whole); the env through a named helper, the family's (less
    what the member sets or unsets) then the member's own."""
    helper = f"suggested.{key}.env"
    lines = [
        f"{{{{- /* {helper}: env items from .env and .envValueFrom, less those named in .skip */ -}}}}",
        f'{{{{- define "{helper}" }}}}',
        "{{- range $name, $value := .env }}",
        "{{- if not (has $name $.skip) }}",
        "- name: {{ $name }}",
        "  value: {{ $value | quote }}",
        "{{- end }}",
        "{{- end }}",
        "{{- range .envValueFrom }}",
        "{{- if not (has .name $.skip) }}",
        "{{ list . | toYaml }}",
        "{{- end }}",
        "{{- end }}",
        "{{- end }}",
        f"{{{{- $f := .Values.{key} }}}}",
        "{{- range $m := $f.members }}",
        "{{- if $m.enabled }}",
        '{{- $v := omit $f "members" "env" "envValueFrom" }}',
        f"{{{{- range ($m.{UNSET} | default list) }}}}{{{{ $_ := unset $v . }}}}{{{{ end }}}}",
        "{{- range $k, $x := $m }}{{ $_ := set $v $k $x }}{{ end }}",
        f"{{{{- $skip := $m.{UNSET_ENV} | default list }}}}",
        "{{- range $name, $_ := ($m.env | default dict) }}{{ $skip = append $skip $name }}{{ end }}",
        "{{- range ($m.envValueFrom | default list) }}{{ $skip = append $skip .name }}{{ end }}",
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
        *_field("initContainers", 6),
        "      containers:",
        "        - name: {{ $m.name }}",
        "          {{- with $v.image }}",
        '          image: "{{ .repository }}:{{ .tag }}"',
        "          {{- end }}",
        "          env:",
        *(
            f'            {{{{- include "{helper}" (dict "env" {v}.env "envValueFrom" {v}.envValueFrom'
            f' "skip" {skip}) | nindent 12 }}}}'
            for v, skip in (("$f", "$skip"), ("$m", "list"))
        ),
    ]
    for field in _CONTAINER:
        lines += _field(field, 10)
    lines += [*_field("volumes", 6), "{{- end }}", "{{- end }}"]
    return "\n".join(lines) + "\n"


def _family(key: str, group: Sequence[Member], prefixes: Sequence[str]) -> Family:
    split = _split(group, prefixes)
    stem = re.sub(r"(?<!^)(?=[A-Z])", "-", key).lower()
    return Family(
        key=key,
        path=f"templates/{stem}.yaml",
        template=family_template(key),
        values=_values_text(key, group, split),
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
