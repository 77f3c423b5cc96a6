"""The suggested Helm template: generic, every datum read from ``.Values`` (see ``values``), so nothing the
ClowdApp says can break its syntax."""

from __future__ import annotations

from collections.abc import Sequence

from koku_gap.extras.remediation.names import short_name, values_key
from koku_gap.extras.remediation.values import PROBES
from koku_gap.model.graph import Component, RoleKind

PRE_HOOK = "pre-install,pre-upgrade"


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


def helm_template(component: Component, prefixes: Sequence[str] = ()) -> str:
    """A Deployment, a pre-install/pre-upgrade hook Job (migrations), or a CronJob (scheduled jobs)."""
    key = values_key(component.name, prefixes)
    name = short_name(component.name, prefixes)
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
