"""What Kubernetes would refuse in a rendered pod template, for the suggested-template tests: names a
pod's parts give one another must resolve (``resourceFieldRef.containerName``, mounts, named probe
ports) and a Deployment's selector must select its own pod template."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def pod_template(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    """The pod template (metadata and spec) of a Deployment, Job or CronJob."""
    spec = doc["spec"]
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    template: Mapping[str, Any] = spec["template"]
    return template


def _probes(container: Mapping[str, Any]) -> list[Any]:
    return [container[k] for k in ("livenessProbe", "readinessProbe", "startupProbe") if container.get(k)]


def problems(doc: Mapping[str, Any]) -> list[str]:
    """Every reference in ``doc``'s pod template that names nothing of the pod, and a selector that
    does not select the pod: what the API server or the kubelet would refuse (empty: none)."""
    found: list[str] = []
    template = pod_template(doc)
    spec = template["spec"]
    inits = list(spec.get("initContainers") or [])
    mains = list(spec.get("containers") or [])
    if not mains:
        found.append("the pod has no containers")
    names = [c.get("name") for c in (*inits, *mains)]
    if len(set(names)) != len(names):
        found.append(f"container names repeat: {names}")
    volumes = {v.get("name") for v in spec.get("volumes") or []}
    for c in (*inits, *mains):
        who = f"container {c.get('name')}"
        for env in c.get("env") or []:
            ref = (env.get("valueFrom") or {}).get("resourceFieldRef") or {}
            target = ref.get("containerName")
            if target is not None and target not in names:
                found.append(f"{who}: env {env.get('name')} reads the resources of container {target}")
        for mount in c.get("volumeMounts") or []:
            if mount.get("name") not in volumes:
                found.append(f"{who}: mounts volume {mount.get('name')}, which the pod does not have")
        ports = {p.get("name") for p in c.get("ports") or [] if p.get("name")}
        for probe in _probes(c):
            for action in probe.values():
                port = action.get("port") if isinstance(action, Mapping) else None
                if isinstance(port, str) and port not in ports:
                    found.append(f"{who}: a probe names port {port}, which it does not declare")
    if doc["kind"] in ("Deployment", "StatefulSet", "DaemonSet"):
        wanted = (doc["spec"].get("selector") or {}).get("matchLabels") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        if not wanted or any(labels.get(k) != v for k, v in wanted.items()):
            found.append(f"the selector {wanted} does not select the pod template's labels {labels}")
    return found
