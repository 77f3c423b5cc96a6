"""Pair each ClowdApp component with what plays its part in the chart.

Role first, then the evidence the role offers (queues, the command, env switches, image family, web
services), names last and never alone. Several ClowdApp components may share one chart workload
(consolidated); a migration or a scheduled job may be carried by an init container.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from koku_gap.graph import Component, ComponentGraph, Container, Role, RoleKind
from koku_gap.policy import Policy
from koku_gap.roles import truthy_env

Via = Literal["workload", "init-container"]
THRESHOLD = 0.75
LONG_RUNNING = frozenset({"Deployment", "StatefulSet", "DaemonSet", "DeploymentConfig", "ReplicaSet", "Pod"})
RUN_TO_COMPLETION = frozenset({"Job", "CronJob"})


@dataclass(frozen=True)
class Candidate:
    """One chart workload (or one of its init containers) that could play a ClowdApp component's part."""

    target: Component
    container: Container
    via: Via
    score: float
    evidence: tuple[str, ...]
    alias: bool = False


@dataclass
class Pairing:
    source: Component
    chosen: Candidate | None = None
    shared_with: list[str] = field(default_factory=list)  # other ClowdApp components on the same target
    rejected: list[str] = field(default_factory=list)  # why close candidates did not count


@dataclass
class MatchResult:
    pairings: list[Pairing]
    queue_consumers: dict[str, list[str]]  # queue -> chart workers that consume it
    queue_sources: dict[str, list[str]]  # queue -> ClowdApp workers that consume it
    claimed: set[str]  # chart workloads whose main container plays a ClowdApp component's part
    warnings: list[str] = field(default_factory=list)  # policy entries that did not apply


class Names:
    """Names reduced to what distinguishes them: release prefix, app names and policy prefixes dropped."""

    def __init__(self, source: ComponentGraph, target: ComponentGraph, policy: Policy) -> None:
        self.apps = sorted({*source.apps}, key=len, reverse=True)
        self.prefixes = tuple(policy.strip_prefixes)
        self.release = _common_prefix([c.name for c in target.components])

    def tokens(self, name: str, chart: bool) -> frozenset[str]:
        reduced = name.lower()
        if chart and self.release and reduced.startswith(self.release):
            reduced = reduced[len(self.release) :]
        changed = True
        while changed:
            changed = False
            for prefix in (*[f"{a.lower()}-" for a in self.apps], *self.prefixes):
                if reduced.startswith(prefix) and len(reduced) > len(prefix):
                    reduced = reduced[len(prefix) :]
                    changed = True
        return frozenset(t for t in re.split(r"[-_.]+", reduced) if t)

    def similarity(self, source: str, target: str) -> float:
        a, b = self.tokens(source, False), self.tokens(target, True)
        return len(a & b) / len(a | b) if a | b else 0.0


def _common_prefix(names: Sequence[str]) -> str:
    if len(names) < 2:
        return ""
    lowered = [n.lower() for n in names]
    shortest = min(lowered, key=len)
    length = next((i for i, ch in enumerate(shortest) if any(n[i] != ch for n in lowered)), len(shortest))
    prefix = shortest[:length]
    return prefix[: prefix.rfind("-") + 1] if "-" in prefix else ""


def match(source: ComponentGraph, target: ComponentGraph, policy: Policy) -> MatchResult:
    names = Names(source, target, policy)
    candidates: list[tuple[int, Candidate]] = []
    warnings: list[str] = []
    pairings = [Pairing(source=s) for s in source.components]
    for index, pairing in enumerate(pairings):
        s = pairing.source
        aliases = policy.aliases_for(s.name)
        aliased = [
            t
            for t in target.components
            if any(fnmatch.fnmatchcase(t.name, a) or t.name.endswith(f"-{a}") for a in aliases)
        ]
        if aliases and not aliased:
            warnings.append(
                f"policy alias {s.name} -> {', '.join(aliases)} names no chart workload; "
                "matched by evidence instead"
            )
        for t in aliased:
            candidates.append((index, Candidate(t, t.main, "workload", 100.0, ("policy alias",), alias=True)))
        if aliased:
            continue
        for t in target.components:
            for cand in _candidates(s, t, names, policy.ignore_env):
                if cand.score >= THRESHOLD:
                    candidates.append((index, cand))
                else:
                    pairing.rejected.append(f"{t.name}: score {cand.score:.2f} ({'; '.join(cand.evidence)})")
    _assign(pairings, candidates)
    queue_consumers: dict[str, list[str]] = {}
    for t in target.components:
        if t.role.kind == RoleKind.CELERY_WORKER:
            for q in t.role.queues:
                queue_consumers.setdefault(q, []).append(t.name)
    queue_sources: dict[str, list[str]] = {}
    for s in source.components:
        if s.role.kind == RoleKind.CELERY_WORKER:
            for q in s.role.queues:
                queue_sources.setdefault(q, []).append(s.name)
    claimed = {p.chosen.target.name for p in pairings if p.chosen is not None and p.chosen.via == "workload"}
    # A chart worker that consumes a ClowdApp worker's queue covers it: it is on that worker's row.
    claimed.update(w for q, workers in queue_consumers.items() if q in queue_sources for w in workers)
    return MatchResult(
        pairings=pairings,
        queue_consumers=queue_consumers,
        queue_sources=queue_sources,
        claimed=claimed,
        warnings=warnings,
    )


def _assign(pairings: list[Pairing], candidates: list[tuple[int, Candidate]]) -> None:
    """Best pairs first, one to one; then what is left shares its best target (consolidated)."""
    order = sorted(candidates, key=lambda ic: (-ic[1].score, ic[0], ic[1].target.source.line))
    used: set[tuple[str, str]] = set()
    for index, cand in order:
        key = (cand.target.name, cand.container.name)
        if pairings[index].chosen is None and key not in used:
            pairings[index].chosen = cand
            used.add(key)
    for index, cand in order:
        if pairings[index].chosen is None:
            pairings[index].chosen = cand
    by_target: dict[tuple[str, str], list[str]] = {}
    for p in pairings:
        if p.chosen is not None:
            by_target.setdefault((p.chosen.target.name, p.chosen.container.name), []).append(p.source.name)
    for p in pairings:
        if p.chosen is not None:
            others = by_target[(p.chosen.target.name, p.chosen.container.name)]
            p.shared_with = [n for n in others if n != p.source.name]


def _candidates(s: Component, t: Component, names: Names, ignore_env: tuple[str, ...]) -> Iterable[Candidate]:
    """The ways ``t`` could play ``s``'s part: its main container, or an init container."""
    similarity = names.similarity(s.name, t.name)
    if _kinds_fit(s, t):
        scored = _score(s, s.role, t, t.role, t.main, similarity, ignore_env)
        if scored is not None:
            yield Candidate(t, t.main, "workload", *scored)
    if s.kind in RUN_TO_COMPLETION:
        for init in t.init_containers:
            if init.role.kind in (RoleKind.UNKNOWN,):
                continue
            scored = _score(s, s.role, t, init.role, init, similarity, ignore_env)
            if scored is not None:
                score, evidence = scored
                yield Candidate(
                    t, init, "init-container", score - 0.2, (*evidence, f"init container {init.name}")
                )
        if s.role.kind == RoleKind.MIGRATION and "migration" in t.main.role.also:
            yield Candidate(
                t,
                t.main,
                "init-container",
                1.2 + 0.3 * similarity,
                (f"{t.name} runs migrations before it starts",),
            )


def _kinds_fit(s: Component, t: Component) -> bool:
    if s.kind in LONG_RUNNING:
        return t.kind in LONG_RUNNING
    if s.role.kind == RoleKind.MIGRATION:
        return t.kind in RUN_TO_COMPLETION
    return t.kind in RUN_TO_COMPLETION


def _score(
    s: Component,
    rs: Role,
    t: Component,
    rt: Role,
    container: Container,
    similarity: float,
    ignore_env: tuple[str, ...],
) -> tuple[float, tuple[str, ...]] | None:
    base = _role_score(s, rs, t, rt)
    if base is None:
        return None
    score, evidence = base
    fs, ft = rs.image_family, rt.image_family
    if fs and ft:
        if fs == ft:
            score += 0.3
            evidence.append(f"same image ({fs})")
        elif rs.kind in (
            RoleKind.MIGRATION,
            RoleKind.WEB_API,
            RoleKind.SUBCOMMAND,
            RoleKind.UNKNOWN,
            RoleKind.MANAGEMENT_COMMAND,
            RoleKind.KAFKA_CONSUMER,
            RoleKind.CELERY_BEAT,
        ):
            score -= 0.8
            evidence.append(f"different image ({fs} vs {ft})")
    target_truthy = truthy_env(container.env_map())
    for switch in rs.switches:
        name = switch.split("=", 1)[0]
        if name in ignore_env:
            continue
        if name in target_truthy:
            score += 1.0
            evidence.append(f"sets {switch}")
        elif "=" in switch:
            score -= 1.0
            evidence.append(f"lacks {switch}")
    if similarity:
        score += 0.5 * similarity
        evidence.append(f"name similarity {similarity:.2f}")
    return score, tuple(evidence)


def _serves_http(t: Component) -> bool:
    """Behind a Service, or exposing a port named http/web/api."""
    if t.web.public or t.web.private:
        return True
    return any(
        str(p.get("name", "")).startswith(("http", "web", "api")) for p in t.main.ports if isinstance(p, dict)
    )


def _role_score(s: Component, rs: Role, t: Component, rt: Role) -> tuple[float, list[str]] | None:
    S, T = rs.kind, rt.kind
    if S == RoleKind.CELERY_WORKER:
        if T != RoleKind.CELERY_WORKER:
            return None
        shared = [q for q in rs.queues if q in rt.queues]
        if not shared:
            return None
        jaccard = len(set(rs.queues) & set(rt.queues)) / len(set(rs.queues) | set(rt.queues))
        return 1.0 + jaccard, [f"consumes {', '.join(shared)}"]
    if S == RoleKind.CELERY_BEAT:
        if T == RoleKind.CELERY_BEAT:
            return 1.5, ["runs celery beat"]
        if T == RoleKind.CELERY_WORKER and "celery-embedded-beat" in rt.switches:
            return 1.0, ["worker with embedded beat (-B)"]
        return None
    if S in (RoleKind.KAFKA_CONSUMER, RoleKind.MANAGEMENT_COMMAND, RoleKind.SUBCOMMAND):
        if T == S and rs.command and rs.command == rt.command:
            return 2.0, [f"runs {rs.command}"]
        if S == RoleKind.SUBCOMMAND and T == RoleKind.WEB_API and s.web.public | s.web.private:
            return 0.6, ["both serve HTTP"]
        return None
    if S == RoleKind.WEB_API:
        if T == RoleKind.WEB_API:
            return 1.0, ["web API"]
        if T == RoleKind.SUBCOMMAND and rt.command and _serves_http(t):
            return 0.5, [f"serves HTTP through {rt.command}"]
        return None
    if S == RoleKind.MIGRATION:
        if T == RoleKind.MIGRATION:
            return 1.5, [f"runs migrations ({rt.command})"]
        return None
    if S == T and S in (RoleKind.REVERSE_PROXY, RoleKind.STATIC_WEB, RoleKind.AD_HOC_COMMAND):
        return 1.0, [S.value]
    if S == T and S == RoleKind.UNKNOWN:
        return 0.4, ["both of unknown role"]
    if S == T:
        return 1.0, [S.value]
    return None
