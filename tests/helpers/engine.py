"""Builders for small ClowdApp templates and rendered chart manifests, and the report invariants.

Tests describe inputs as Python data (a few lines each), these helpers dump them as block YAML into
``tmp_path`` and run the real pipeline on the files, so line numbers and parsing are exercised too.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from koku_gap.api import analyze
from koku_gap.engine.policy import Policy
from koku_gap.model.graph import Component, ComponentGraph, Container, EnvVar, Role, RoleKind, SourceRef
from koku_gap.model.report import Report, Row
from koku_gap.model.vocabulary import SETTLED_STATUSES
from koku_gap.sources.clowdapp import load_clowdapp
from koku_gap.sources.manifests import load_manifests

APP_IMAGE = "quay.io/example/shop:latest"
CHART_APP_IMAGE = "quay.io/onprem/shop:v1"
NGINX_IMAGE = "registry.access.redhat.com/ubi9/nginx-124:latest"
RELEASE = "rel"
GUNICORN = ["gunicorn", "shop.wsgi"]  # a web API of the shop application, on either side


def dump(data: Any) -> str:
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def env_list(env: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [{"name": k, "value": v} for k, v in (env or {}).items()]


def celery(queues: str, beat: bool = False) -> list[str]:
    """A koku-style Celery command: ``bash -c 'celery -A app worker -Q <queues>'``."""
    if beat:
        return ["/bin/bash", "-c", "celery -A shop beat -l info\n"]
    return ["/bin/bash", "-c", f"celery -A shop worker -E -l info -Q {queues}\n"]


def manage(command: str) -> list[str]:
    return ["/bin/bash", "-c", f"python manage.py {command}"]


# --- ClowdApp side ----------------------------------------------------------------------------------


def pod(
    *,
    image: str | None = APP_IMAGE,
    command: Sequence[str] | None = None,
    args: Sequence[str] | None = None,
    env: Mapping[str, Any] | None = None,
    resources: Mapping[str, Any] | None = None,
    probes: bool = False,
    init: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if image is not None:
        spec["image"] = image
    if command is not None:
        spec["command"] = list(command)
    if args is not None:
        spec["args"] = list(args)
    if env:
        spec["env"] = env_list(env)
    if resources:
        spec["resources"] = dict(resources)
    if probes:
        spec["livenessProbe"] = {"httpGet": {"path": "/health", "port": 9000}}
        spec["readinessProbe"] = {"httpGet": {"path": "/ready", "port": 9000}}
    if init:
        spec["initContainers"] = [dict(i) for i in init]
    return spec


def deployment(
    name: str,
    *,
    web: str | None = None,
    replicas: Any = 1,
    keda: tuple[int, int] | None = None,
    **pod_args: Any,
) -> dict[str, Any]:
    """A ClowdApp deployment; ``web`` is "public" or "private"."""
    item: dict[str, Any] = {"name": name}
    if replicas is not None:
        item["replicas"] = replicas
    if web:
        item["webServices"] = {web: {"enabled": True}}
    if keda:
        item["autoScaler"] = {"minReplicaCount": keda[0], "maxReplicaCount": keda[1]}
    item["podSpec"] = pod(**pod_args)
    return item


def job(name: str, *, schedule: str | None = None, **pod_args: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"name": name}
    if schedule:
        item["schedule"] = schedule
    item["podSpec"] = pod(**pod_args)
    return item


def clowdapp(
    app: str = "shop",
    *,
    deployments: Iterable[Mapping[str, Any]] = (),
    jobs: Iterable[Mapping[str, Any]] = (),
    invoked: Iterable[str] = (),
    parameters: Mapping[str, str] | None = None,
    **spec_extra: Any,
) -> str:
    """An OpenShift Template holding one ClowdApp (and a ClowdJobInvocation for ``invoked`` jobs)."""
    spec: dict[str, Any] = {"envName": "env"}
    deps = [dict(d) for d in deployments]
    if deps:
        spec["deployments"] = deps
    js = [dict(j) for j in jobs]
    if js:
        spec["jobs"] = js
    spec.update(spec_extra)
    objects: list[dict[str, Any]] = [
        {
            "apiVersion": "cloud.redhat.com/v1alpha1",
            "kind": "ClowdApp",
            "metadata": {"name": app},
            "spec": spec,
        }
    ]
    invoked = list(invoked)
    if invoked:
        objects.append(
            {
                "apiVersion": "cloud.redhat.com/v1alpha1",
                "kind": "ClowdJobInvocation",
                "metadata": {"name": f"{app}-run"},
                "spec": {"appName": app, "jobs": invoked},
            }
        )
    template: dict[str, Any] = {
        "apiVersion": "template.openshift.io/v1",
        "kind": "Template",
        "metadata": {"name": app},
        "objects": objects,
        "parameters": [{"name": k, "value": v} for k, v in (parameters or {"ENV_NAME": "env"}).items()],
    }
    return dump(template)


# --- chart side --------------------------------------------------------------------------------------


def container(
    name: str,
    *,
    image: str | None = CHART_APP_IMAGE,
    command: Sequence[str] | None = None,
    args: Sequence[str] | None = None,
    env: Mapping[str, Any] | None = None,
    resources: Mapping[str, Any] | None = None,
    probes: bool = False,
    http: bool = False,
) -> dict[str, Any]:
    c: dict[str, Any] = {"name": name}
    if image is not None:
        c["image"] = image
    if command is not None:
        c["command"] = list(command)
    if args is not None:
        c["args"] = list(args)
    if env:
        c["env"] = env_list(env)
    if http:
        c["ports"] = [{"name": "http", "containerPort": 8000}]
    if resources:
        c["resources"] = dict(resources)
    if probes:
        c["livenessProbe"] = {"httpGet": {"path": "/health", "port": 8000}}
        c["readinessProbe"] = {"httpGet": {"path": "/ready", "port": 8000}}
    return c


def workload(
    name: str,
    *,
    kind: str = "Deployment",
    replicas: int | None = 1,
    init: Sequence[Mapping[str, Any]] = (),
    containers: Sequence[Mapping[str, Any]] | None = None,
    hook: str | None = None,
    schedule: str | None = None,
    **container_args: Any,
) -> dict[str, Any]:
    """A chart workload (Deployment, StatefulSet, Job or CronJob) with one main container by default."""
    labels = {"app.kubernetes.io/instance": RELEASE, "app.kubernetes.io/component": name}
    pod_spec: dict[str, Any] = {}
    if init:
        pod_spec["initContainers"] = [dict(i) for i in init]
    pod_spec["containers"] = (
        [dict(c) for c in containers] if containers else [container("main", **container_args)]
    )
    template = {"metadata": {"labels": labels}, "spec": pod_spec}
    meta: dict[str, Any] = {"name": name, "labels": labels}
    if hook:
        meta["annotations"] = {"helm.sh/hook": hook, "helm.sh/hook-weight": "0"}
    obj: dict[str, Any] = {"apiVersion": "apps/v1", "kind": kind, "metadata": meta}
    if kind in ("Deployment", "StatefulSet"):
        spec: dict[str, Any] = {"selector": {"matchLabels": labels}, "template": template}
        if replicas is not None:
            spec = {"replicas": replicas, **spec}
        obj["spec"] = spec
    elif kind == "Job":
        obj["apiVersion"] = "batch/v1"
        obj["spec"] = {"template": template}
    elif kind == "CronJob":
        obj["apiVersion"] = "batch/v1"
        obj["spec"] = {"schedule": schedule or "0 0 * * *", "jobTemplate": {"spec": {"template": template}}}
    else:
        raise ValueError(kind)
    return obj


def service(name: str, target: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {
            "selector": {"app.kubernetes.io/instance": RELEASE, "app.kubernetes.io/component": target},
            "ports": [{"name": "http", "port": 8000}],
        },
    }


def hpa(target: str, low: int, high: int) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": target},
        "spec": {
            "scaleTargetRef": {"kind": "Deployment", "name": target},
            "minReplicas": low,
            "maxReplicas": high,
        },
    }


def manifests(*objects: Mapping[str, Any], chart: str = "shop-chart") -> str:
    """A ``helm template``-like stream: each document framed by ``---`` and a ``# Source:`` line."""
    parts = []
    for obj in objects:
        name = obj.get("metadata", {}).get("name", "x")
        parts.append(f"---\n# Source: {chart}/templates/{name}.yaml\n{dump(dict(obj))}")
    return "".join(parts)


# --- running and checking ----------------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(
    tmp_path: Path,
    clowdapp_text: str | Sequence[str],
    manifests_text: str | Sequence[str],
    *,
    policy: Policy | str | Path | None = None,
    params: Mapping[str, str] | None = None,
) -> Report:
    """Write the inputs to files, analyse them, check the report invariants, return the report."""
    apps = [clowdapp_text] if isinstance(clowdapp_text, str) else list(clowdapp_text)
    charts = [manifests_text] if isinstance(manifests_text, str) else list(manifests_text)
    app_files = [write(tmp_path, f"clowdapp-{i}.yaml", t) for i, t in enumerate(apps)]
    chart_files = [write(tmp_path, f"rendered-{i}.yaml", t) for i, t in enumerate(charts)]
    report = analyze(clowdapps=app_files, manifests=chart_files, params=params, policy=policy)
    assert_invariants(report, app_files, chart_files, params=params)
    return report


def graphs(
    clowdapp_files: Sequence[str | Path],
    manifest_files: Sequence[str | Path],
    params: Mapping[str, str] | None = None,
) -> tuple[ComponentGraph, ComponentGraph]:
    source = load_clowdapp(clowdapp_files[0], params)
    for extra in clowdapp_files[1:]:
        source = source.merged(load_clowdapp(extra, params))
    return source, load_manifests(*manifest_files)


def merged(paths: Sequence[Path]) -> ComponentGraph:
    """The ClowdApp templates at ``paths`` read into one graph, as ``analyze`` reads several."""
    graphs = [load_clowdapp(p) for p in paths]
    graph = graphs[0]
    for other in graphs[1:]:
        graph = graph.merged(other)
    return graph


def assert_invariants(
    report: Report,
    clowdapp_files: Sequence[str | Path],
    manifest_files: Sequence[str | Path],
    params: Mapping[str, str] | None = None,
) -> None:
    """What every report must satisfy, whatever the inputs (issue 3, "Done when")."""
    source, target = graphs(clowdapp_files, manifest_files, params)
    check_report(report, source, target)


def check_report(report: Report, source: ComponentGraph, target: ComponentGraph) -> None:
    """The invariants, against graphs already loaded from the same files."""
    source_rows = [r for r in report.rows if r.clowdapp is not None]
    # each ClowdApp component is exactly one row, with clowdapp == its name
    assert len(source_rows) == len(source.components)
    for comp in source.components:
        mine = [r for r in source_rows if r.clowdapp == comp.name and r.app == comp.app]
        assert len(mine) == 1, f"{comp.id}: {len(mine)} rows"
    # every chart workload appears in `chart` of at least one row
    named = {n for r in report.rows for n in r.chart}
    for comp in target.components:
        assert comp.name in named, f"chart workload {comp.name} is in no row"
    # row ids are unique
    counts = Counter(r.id for r in report.rows)
    assert not [i for i, n in counts.items() if n > 1], f"duplicate row ids: {counts}"
    for row in report.rows:
        assert row.reasons and all(isinstance(x, str) and x.strip() for x in row.reasons), row.id
        if row.status in SETTLED_STATUSES:
            assert row.priority is None, row.id
        if row.clowdapp is None:
            assert row.source is None and row.chart, row.id
        else:
            assert row.source is not None and row.source.line >= 1, row.id
        for t in row.targets:
            assert t.name in row.chart and t.line >= 1, row.id
    # queues.uncovered: consumed by some ClowdApp worker and by no chart worker; queues.extra: the reverse
    wanted = {q for c in source.components if c.role.kind == RoleKind.CELERY_WORKER for q in c.role.queues}
    # a worker deployed with replicas: 0 (and no autoscaler) consumes nothing
    idle = {c.name for c in target.components if c.scaling.replicas == 0 and c.scaling.autoscaler is None}
    running = [c for c in target.components if c.role.kind == RoleKind.CELERY_WORKER and c.name not in idle]
    consumed = {q for c in running for q in c.role.queues}
    assert report.queues.uncovered == sorted(wanted - consumed)
    assert report.queues.extra == sorted(consumed - wanted)
    assert report.summary.clowdapp_components == len(source.components)
    assert report.summary.chart_workloads == len(target.components)
    assert sum(report.summary.by_status.values()) == len(report.rows)


def line_of(path: str | Path, needle: str) -> int:
    """The 1-based line of the first line of ``path`` that holds ``needle``."""
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def row(report: Report, clowdapp: str, app: str | None = None) -> Row:
    """The row of a ClowdApp component (of ``app``, when several apps share the name)."""
    found = [r for r in report.rows if r.clowdapp == clowdapp and (app is None or r.app == app)]
    assert len(found) == 1, f"{clowdapp}: {[r.clowdapp for r in report.rows]}"
    return found[0]


def chart_row(report: Report, name: str) -> Row:
    """The row a chart workload got of its own (no ClowdApp counterpart)."""
    found = [r for r in report.rows if r.clowdapp is None and r.chart == [name]]
    assert len(found) == 1, f"{name}: {[(r.clowdapp, r.chart) for r in report.rows]}"
    return found[0]


def rows_naming(report: Report, chart_name: str) -> list[Row]:
    return [r for r in report.rows if chart_name in r.chart]


def graph_component(
    name: str,
    env: Mapping[str, str | None] | None = None,
    *,
    kind: RoleKind = RoleKind.CELERY_WORKER,
    family: str = "shop",
    image: str | None = None,
    origin: str = "manifests",
    refs: Mapping[str, Any] | None = None,
    **container: Any,
) -> Component:
    """A one-container Component built directly (no file): for units that take graphs. ``refs`` are
    env vars set by ``valueFrom``; ``switches`` and ``queues`` go to the role, the rest to the container."""
    items = [EnvVar(name=k, value=v, line=i + 1) for i, (k, v) in enumerate((env or {}).items())]
    items += [EnvVar(name=k, value_from=v, line=100 + i) for i, (k, v) in enumerate((refs or {}).items())]
    role_fields = {k: container.pop(k) for k in ("switches", "queues") if k in container}
    role = Role(kind=kind, image_family=family, **role_fields)
    main = Container(
        name=name,
        image=image or f"quay.io/saas/{family}:abc",
        env=tuple(items),
        role=role,
        line=1,
        **container,
    )
    return Component(
        name=name,
        app="shop",
        origin="clowdapp" if origin == "clowdapp" else "manifests",
        kind="Deployment",
        k8s_name=name,
        source=SourceRef(file="f.yaml", line=1),
        role=role,
        containers=(main,),
    )
