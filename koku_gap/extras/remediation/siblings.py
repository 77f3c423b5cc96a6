"""The chart's settings a suggestion takes: how the chart's workloads of the same image family set each
env var, and the chart's "sibling" of the component (its most alike workload), which lends what Clowder
would inject and the ClowdApp never says."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from koku_gap.model.graph import Component, ComponentGraph, EnvVar, RoleKind


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
