"""The common component graph both inputs are read into.

A ClowdApp deployment and a chart Deployment become the same ``Component`` shape, so the matcher
compares like with like. Models are frozen: stages pass them on, never edit them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from koku_gap.model.base import Frozen

# Re-exported: the loaders build graphs from these (defined in location.py and vocabulary.py).
from koku_gap.model.location import Notice
from koku_gap.model.location import SourceRef as SourceRef
from koku_gap.model.vocabulary import INFRA_ROLES as INFRA_ROLES
from koku_gap.model.vocabulary import RoleKind as RoleKind

JSON = Any  # plain JSON-compatible data copied from the input (resources, probes, valueFrom, ...)
# The sources' name for a Notice about their input: the same shape, kept for the loaders that use it.
GraphWarning = Notice


class Role(Frozen):
    """A role with the evidence that supports it (queues, command, switches) for the matcher."""

    kind: RoleKind
    queues: tuple[str, ...] = ()
    command: str | None = None  # manage.py command, binary subcommand, or the migration tool
    switches: tuple[str, ...] = ()  # env switches that select the role, e.g. "WORKER_MODE=true"
    image_family: str | None = None  # e.g. "nginx", "postgresql", the app's own
    also: tuple[str, ...] = ()  # other role kinds the same container runs first (e.g. "migration")
    evidence: tuple[str, ...] = ()  # human-readable: why we think so


class EnvVar(Frozen):
    name: str
    value: str | None = None
    value_from: JSON = None
    line: int


class Container(Frozen):
    name: str
    image: str | None = None
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    env: tuple[EnvVar, ...] = ()
    env_from: tuple[JSON, ...] = ()
    resources: JSON = None
    liveness_probe: JSON = None
    readiness_probe: JSON = None
    startup_probe: JSON = None
    ports: tuple[JSON, ...] = ()
    volume_mounts: tuple[JSON, ...] = ()  # whole items: name, mountPath, subPath, readOnly
    role: Role
    line: int
    inherit_env: bool = False  # Clowder init containers may inherit the main container's env

    def env_map(self) -> dict[str, str | None]:
        return {e.name: e.value for e in self.env}


class HookInfo(Frozen):
    """Helm hook annotations of a chart object."""

    phases: tuple[str, ...]
    weight: int = 0
    delete_policy: tuple[str, ...] = ()


class WebServices(Frozen):
    public: bool = False
    private: bool = False
    metrics: bool = False
    api_path: str | None = None


class Scaling(Frozen):
    """Replicas as written: a fixed count, or an autoscaler's range."""

    replicas: int | str | None = None
    min_replicas: int | str | None = None
    max_replicas: int | str | None = None
    autoscaler: Literal["keda", "simple", "hpa"] | None = None

    @property
    def idle(self) -> bool:
        """Deployed with ``replicas: 0`` and no autoscaler: it runs nothing until someone scales it."""
        return self.replicas == 0 and self.autoscaler is None


class Component(Frozen):
    """A workload: one ClowdApp deployment or job, or one chart Deployment/StatefulSet/Job/...."""

    name: str  # the ClowdApp deployment/job name, or the chart object's metadata.name
    app: str  # the ClowdApp name, or the chart release / instance label
    origin: Literal["clowdapp", "manifests"]
    kind: str  # Deployment, Job, CronJob, StatefulSet, DaemonSet, Pod
    k8s_name: str  # the name Kubernetes will see (Clowder: <app>-<name>)
    source: SourceRef
    role: Role
    containers: tuple[Container, ...]
    init_containers: tuple[Container, ...] = ()
    sidecars: tuple[str, ...] = ()  # Clowder sidecars by name (token-refresher, otel-collector)
    scaling: Scaling = Field(default_factory=Scaling)
    web: WebServices = Field(default_factory=WebServices)
    schedule: str | None = None
    suspend: bool | None = None  # CronJob fields, None where the file does not set them
    concurrency_policy: str | None = None
    invoked_by: tuple[str, ...] = ()  # ClowdJobInvocations that run this job
    hook: HookInfo | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    volumes: tuple[JSON, ...] = ()

    @property
    def queues(self) -> tuple[str, ...]:
        return self.role.queues

    @property
    def id(self) -> str:
        return f"{self.app}/{self.name}"

    @property
    def main(self) -> Container:
        return self.containers[0]

    @property
    def env(self) -> tuple[EnvVar, ...]:
        return self.main.env if self.containers else ()

    def all_containers(self) -> tuple[Container, ...]:
        return self.init_containers + self.containers


class Resource(Frozen):
    """Anything that is not a workload: a Kafka topic, a database, a Service, a ConfigMap, ..."""

    kind: str  # "kafka-topic", "database", ..., or the Kubernetes kind for manifests
    name: str
    app: str
    source: SourceRef
    data: JSON = None


class ComponentGraph(Frozen):
    """Everything one side of the comparison deploys, with where each thing is written."""

    origin: Literal["clowdapp", "manifests"]
    files: tuple[str, ...]
    apps: tuple[str, ...] = ()
    components: tuple[Component, ...] = ()
    resources: tuple[Resource, ...] = ()
    warnings: tuple[Notice, ...] = ()
    parameters: dict[str, str | None] = Field(default_factory=dict)

    def __repr__(self) -> str:
        """One line, not the pydantic dump of every component (a koku graph's is 207 KB)."""
        files = ", ".join(self.files[:3]) or "no file"
        files += f" and {len(self.files) - 3} more" if len(self.files) > 3 else ""
        return (
            f"<ComponentGraph {self.origin}: {len(self.components)} components, "
            f"{len(self.resources)} resources, {len(self.warnings)} warnings, from {files}>"
        )

    def component(self, name: str, app: str | None = None) -> Component:
        for comp in self.components:
            if comp.name == name and (app is None or comp.app == app):
                return comp
        raise KeyError(name)

    def resources_of(self, kind: str) -> tuple[Resource, ...]:
        return tuple(r for r in self.resources if r.kind == kind)

    def merged(self, other: ComponentGraph) -> ComponentGraph:
        """Two graphs of the same origin as one (several --clowdapp or --manifests inputs)."""
        if other.origin != self.origin:
            raise ValueError("cannot merge a ClowdApp graph with a manifests graph")
        return ComponentGraph(
            origin=self.origin,
            files=self.files + other.files,
            apps=tuple(dict.fromkeys(self.apps + other.apps)),
            components=self.components + other.components,
            resources=self.resources + other.resources,
            warnings=self.warnings + other.warnings,
            parameters={**self.parameters, **other.parameters},
        )
