"""Pair each ClowdApp component with what plays its part in the chart.

Role first, then the evidence the role offers (queues, the command, env switches, image family, web
services), names last and never alone. Several ClowdApp components may share one chart workload
(consolidated); a migration or a scheduled job may be carried by an init container.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from koku_gap.engine.policy import Policy
from koku_gap.engine.routes import ApiRoute, api_routes, served_paths
from koku_gap.model.graph import Component, ComponentGraph, Container, Role
from koku_gap.model.location import Notice
from koku_gap.model.vocabulary import INFRA_ROLES, RoleKind
from koku_gap.sources.roles import http_subcommand, truthy_env

# How a chart workload plays a part: its main container as what it is ("workload"), one of its init
# containers ("init-container"), or its main container before it starts (migrations run first: "container").
Via = Literal["workload", "init-container", "container"]
THRESHOLD = 0.75
# Weights of the evidence beyond the role (``_score``): the name counts up to NAME_WEIGHT (times its
# similarity), the same image SAME_IMAGE, another image DIFFERENT_IMAGE against the kinds it should.
NAME_WEIGHT = 0.5
SAME_IMAGE = 0.3
DIFFERENT_IMAGE = 0.8
# Role scores (``_role_score``) of a web API, a subcommand or a component of unknown role when no command
# confirms the pair; _Reach's pruning rests on them (checked at the end of this module).
SAME_COMMAND = 2.0  # the same management command, Kafka consumer or subcommand (_same_command)
API_PEER = 1.0  # a web API and a web API
SUBCOMMAND_AS_API = 0.6  # a subcommand serving HTTP and a web API
API_AS_SUBCOMMAND = 0.5  # a web API and a subcommand behind a Service
BOTH_UNKNOWN = 0.4
# What a candidate of another application's image loses when only its role speaks for it: more than any
# such candidate can score (a Celery worker sharing the default queue, 2.0, plus the name, 0.5), so
# it never pairs, and its row still says why in ``rejected``.
OTHER_APP_PENALTY = 3.0
DEFAULT_QUEUE = "celery"  # Celery's queue when a worker names none: every Celery app has it
REJECTED_KEPT = 3  # rejected candidates kept per component, in chart order (a report shows three)
LONG_RUNNING = frozenset({"Deployment", "StatefulSet", "DaemonSet", "DeploymentConfig", "ReplicaSet", "Pod"})
RUN_TO_COMPLETION = frozenset({"Job", "CronJob"})
_SEPARATORS = re.compile(r"[-_.]+")
# Image-name words that say nothing about which application it is: versions, base images, flavours.
_VERSION_WORD = re.compile(r"^(v?\d[a-z0-9]*|rhel\d*|ubi\d*|el\d+|latest)$")
_GENERIC_IMAGE_WORDS = frozenset(
    {"api", "app", "backend", "frontend", "image", "server", "service", "svc", "ui", "web"} | {"worker", "go"}
)
# What each of a chart workload's identity signals adds (``Identity``): named for the app, configured with
# its buckets or topics, routed at its API path. Only where an image is unknown: the images otherwise
# decide (and where they differ, _Reach's bound must hold).
IDENTITY_WEIGHT = 0.3


@dataclass(frozen=True)
class Candidate:
    """One chart workload (or one of its init containers) that could play a ClowdApp component's part."""

    target: Component
    container: Container
    via: Via
    score: float
    evidence: tuple[str, ...]
    alias: bool = False
    # Only the role pairs them and the images cannot say whether it is one application (an image unknown
    # on either side, or a reverse proxy's, which is never the application's): see _confirm.
    role_alone: bool = False


@dataclass
class Pairing:
    source: Component
    chosen: Candidate | None = None
    shared_with: list[str] = field(default_factory=list)  # other ClowdApp components on the same target
    rejected: list[str] = field(default_factory=list)  # why close candidates did not count (the first few)
    # The pair rests on the role alone and nothing else of the app is matched on evidence: a reader must
    # check it (classify makes the row partial). ``unconfirmed_why`` says so in words, for the row.
    unconfirmed: bool = False
    unconfirmed_why: str = ""


@dataclass
class MatchResult:
    pairings: list[Pairing]
    queue_consumers: dict[str, list[str]]  # queue -> chart workers that consume it
    idle_consumers: dict[str, list[str]]  # queue -> chart workers that would, but run 0 replicas
    queue_sources: dict[str, list[str]]  # queue -> ClowdApp workers that consume it
    claimed: set[str]  # chart workloads whose main container plays a ClowdApp component's part
    names: Names  # the names as matching reduced them, for classify to compare the same way
    warnings: list[Notice] = field(default_factory=list)  # policy entries that did not apply
    # component id -> how the chart routes its public API path (engine/routes.py); empty without routes
    routes: dict[str, ApiRoute] = field(default_factory=dict)


class Names:
    """Names reduced to what distinguishes them: release prefix, app names and policy prefixes dropped."""

    def __init__(
        self,
        source: ComponentGraph,
        target: ComponentGraph,
        policy: Policy,
        routed: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self.apps = sorted({*source.apps}, key=len, reverse=True)
        self.prefixes = tuple(policy.strip_prefixes)
        self.release = _common_prefix([c.name for c in target.components])
        self._strip = (*[f"{a.lower()}-" for a in self.apps], *self.prefixes)
        # every name is reduced once: similarity() runs for each candidate pair
        self._tokens: dict[tuple[str, bool], frozenset[str]] = {}
        self.identity = Identity(source, self.release, routed or {})

    def tokens(self, name: str, chart: bool) -> frozenset[str]:
        found = self._tokens.get((name, chart))
        if found is None:
            found = self._tokens[(name, chart)] = self._reduce(name, chart)
        return found

    def _reduce(self, name: str, chart: bool) -> frozenset[str]:
        reduced = name.lower()
        if chart and self.release and reduced.startswith(self.release):
            reduced = reduced[len(self.release) :]
        changed = True
        while changed:
            changed = False
            for prefix in self._strip:
                if reduced.startswith(prefix) and len(reduced) > len(prefix):
                    reduced = reduced[len(prefix) :]
                    changed = True
        return frozenset(t for t in _SEPARATORS.split(reduced) if t)

    def similarity(self, source: str, target: str) -> float:
        a, b = self.tokens(source, False), self.tokens(target, True)
        return len(a & b) / len(a | b) if a | b else 0.0


class Identity:
    """What ties a chart workload to one application beyond its role and image: its name holds the app's
    name, its containers are configured with the app's buckets or Kafka topics, or the chart routes the
    app's API path (Clowder's ``apiPath``) to it (``routed``: chart workload -> the paths it serves)."""

    def __init__(self, source: ComponentGraph, release: str, routed: Mapping[str, frozenset[str]]) -> None:
        self._release = release
        self._app_words = {app: _name_words(app) for app in source.apps}
        self._resources: dict[str, set[str]] = {}
        for r in source.resources:
            if r.kind in ("object-store", "kafka-topic") and r.name and "$" not in r.name:
                self._resources.setdefault(r.app, set()).add(r.name)
        self._routed = routed
        self._chart_words: dict[str, frozenset[str]] = {}
        self._values: dict[int, tuple[Container, frozenset[str]]] = {}

    def named_for(self, app: str, chart_name: str) -> bool:
        """Whether the chart workload's name (release prefix dropped) holds every word of the app's."""
        words = self._chart_words.get(chart_name)
        if words is None:
            reduced = chart_name.lower()
            if self._release and reduced.startswith(self._release):
                reduced = reduced[len(self._release) :]
            words = self._chart_words[chart_name] = frozenset(t for t in _SEPARATORS.split(reduced) if t)
        wanted = self._app_words.get(app, frozenset())
        return bool(wanted) and wanted <= words

    def signals(self, s: Component, t: Component, container: Container) -> list[str]:
        """The identity evidence tying ``t`` (playing through ``container``) to ``s``'s application."""
        found: list[str] = []
        if self.named_for(s.app, t.name):
            found.append(f"named for app {s.app}")
        wanted = self._resources.get(s.app)
        if wanted:
            shared = sorted(wanted & self._env_values(container))
            if shared:
                found.append(f"configured with {s.app}'s {', '.join(shared[:3])}")
        if s.web.public and s.web.api_path:
            path = s.web.api_path.strip("/")
            if path in self._routed.get(t.name, frozenset()):
                found.append(f"the chart routes /api/{path}/ to it")
        return found

    def _env_values(self, container: Container) -> frozenset[str]:
        found = self._values.get(id(container))
        if found is None or found[0] is not container:
            values = frozenset(e.value.strip() for e in container.env if e.value)
            found = self._values[id(container)] = (container, values)
        return found[1]


def _name_words(name: str) -> frozenset[str]:
    """The words of an app's name that say which app it is (``ledger-api`` -> ``ledger``)."""
    words = [w for w in _SEPARATORS.split(name.lower()) if w]
    kept = frozenset(w for w in words if w not in _GENERIC_IMAGE_WORDS)
    return kept or frozenset(words)


def _common_prefix(names: Sequence[str]) -> str:
    if len(names) < 2:
        return ""
    lowered = [n.lower() for n in names]
    shortest = min(lowered, key=len)
    length = next((i for i, ch in enumerate(shortest) if any(n[i] != ch for n in lowered)), len(shortest))
    prefix = shortest[:length]
    return prefix[: prefix.rfind("-") + 1] if "-" in prefix else ""


def match(source: ComponentGraph, target: ComponentGraph, policy: Policy) -> MatchResult:
    """Pair every ClowdApp component with its best chart candidate, and say who consumes which queue."""
    pairings = [Pairing(source=s) for s in source.components]
    routes = api_routes(source, target)
    names = Names(source, target, policy, served_paths(source, routes))
    candidates, warnings = _find_candidates(pairings, names, target, policy)
    _assign(pairings, candidates)
    _confirm(pairings)
    queue_sources, default_families = _queue_sources(source)
    queue_consumers, idle_consumers = _queue_consumers(target, default_families)
    return MatchResult(
        pairings=pairings,
        queue_consumers=queue_consumers,
        idle_consumers=idle_consumers,
        queue_sources=queue_sources,
        claimed=_claimed(pairings, queue_sources, queue_consumers, idle_consumers),
        names=names,
        warnings=warnings,
        routes=routes,
    )


def _find_candidates(
    pairings: list[Pairing], names: Names, target: ComponentGraph, policy: Policy
) -> tuple[list[tuple[int, Candidate]], list[Notice]]:
    """Each component's candidates over THRESHOLD (by index of its pairing, in component then chart
    order), and a warning for each policy alias that names no chart workload."""
    candidates: list[tuple[int, Candidate]] = []
    warnings: list[Notice] = []
    search = _Search(target.components, names, policy.ignore_env)
    for index, pairing in enumerate(pairings):
        s = pairing.source
        aliases = policy.aliases_for(s.name)
        aliased = _aliased(aliases, target.components)
        if aliases and not aliased:
            message = (
                f"policy alias {s.name} -> {', '.join(aliases)} names no chart workload; "
                "matched by evidence instead"
            )
            warnings.append(policy.notice(message, policy.origin("match", policy.alias_pattern(s.name))))
        if aliased:
            alias = ("policy alias",)
            candidates.extend(
                (index, Candidate(t, t.main, "workload", 100.0, alias, alias=True)) for t in aliased
            )
        else:
            candidates.extend((index, cand) for cand in search.candidates(pairing))
    return candidates, warnings


def _aliased(aliases: list[str], targets: Sequence[Component]) -> list[Component]:
    """The chart workloads a policy alias names: by glob, or as the end of their name (after a dash)."""
    if not aliases:
        return []
    return [
        t for t in targets if any(fnmatch.fnmatchcase(t.name, a) or t.name.endswith(f"-{a}") for a in aliases)
    ]


class _Search:
    """Scores a component against the chart workloads blocking leaves it, explaining only what a row shows."""

    def __init__(self, targets: Sequence[Component], names: Names, ignore_env: tuple[str, ...]) -> None:
        self._targets = targets
        self._names = names
        self._ignore_env = ignore_env
        self._index = _role_index(targets)
        self._truthy = _TruthyEnv()
        self._reach = _Reach(targets, self._truthy, ignore_env)

    def candidates(self, pairing: Pairing) -> list[Candidate]:
        """The candidates over THRESHOLD for ``pairing``'s component, in chart order; the first
        REJECTED_KEPT under it go to ``pairing.rejected``, after which only reachable workloads count."""
        s = pairing.source
        positions = self._own_first(s, _blocked(s, self._index))
        found: list[Candidate] = []
        for done, position in enumerate(positions):
            if len(pairing.rejected) >= REJECTED_KEPT:  # from here on only candidates count
                return found + self._counting(s, self._reach.may_reach(s, positions[done:]))
            found.extend(self._explained(pairing, self._targets[position]))
        return found

    def _own_first(self, s: Component, positions: list[int]) -> list[int]:
        """``positions`` with the workloads of ``s``'s own application first (the same image family's
        words, or named for the app), each part in chart order: a row's rejections show those first."""
        identity = self._names.identity

        def foreign(position: int) -> bool:
            t = self._targets[position]
            return not (
                same_app(s.role.image_family, t.role.image_family) or identity.named_for(s.app, t.name)
            )

        return sorted(positions, key=foreign)

    def _explained(self, pairing: Pairing, t: Component) -> list[Candidate]:
        """``t``'s candidates over THRESHOLD; those under it are rejections, while the row has room."""
        kept: list[Candidate] = []
        for cand in _candidates(pairing.source, t, self._names, self._ignore_env, self._truthy):
            if cand.score >= THRESHOLD:
                kept.append(cand)
            elif len(pairing.rejected) < REJECTED_KEPT:
                pairing.rejected.append(f"{t.name}: score {cand.score:.2f} ({'; '.join(cand.evidence)})")
        return kept

    def _counting(self, s: Component, positions: list[int]) -> list[Candidate]:
        """The candidates over THRESHOLD at ``positions``, scored first without evidence (cheaper)."""
        kept: list[Candidate] = []
        for position in positions:
            t = self._targets[position]
            found = _candidates(s, t, self._names, self._ignore_env, self._truthy, explain=False)
            if any(c.score >= THRESHOLD for c in found):  # explained only when it counts
                explained = _candidates(s, t, self._names, self._ignore_env, self._truthy)
                kept.extend(cand for cand in explained if cand.score >= THRESHOLD)
        return kept


def _queue_sources(source: ComponentGraph) -> tuple[dict[str, list[str]], list[str | None]]:
    """Queue -> the ClowdApp workers that consume it, and the images of those on the default queue."""
    queue_sources: dict[str, list[str]] = {}
    default_families: list[str | None] = []
    for s in source.components:
        if s.role.kind == RoleKind.CELERY_WORKER:
            for q in s.role.queues:
                queue_sources.setdefault(q, []).append(s.name)
            if DEFAULT_QUEUE in s.role.queues:
                default_families.append(s.role.image_family)
    return queue_sources, default_families


def _queue_consumers(
    target: ComponentGraph, default_families: list[str | None]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Queue -> the chart workers that consume it, and those that would but run no replicas."""
    queue_consumers: dict[str, list[str]] = {}
    idle_consumers: dict[str, list[str]] = {}
    for t in target.components:
        if t.role.kind == RoleKind.CELERY_WORKER:
            # A worker deployed with replicas: 0 (and no autoscaler) consumes nothing: its queues wait.
            idle = t.scaling.idle
            for q in t.role.queues:
                if q == DEFAULT_QUEUE and _foreign_default(t.role.image_family, default_families):
                    continue
                (idle_consumers if idle else queue_consumers).setdefault(q, []).append(t.name)
    return queue_consumers, idle_consumers


def _claimed(
    pairings: list[Pairing],
    queue_sources: dict[str, list[str]],
    queue_consumers: dict[str, list[str]],
    idle_consumers: dict[str, list[str]],
) -> set[str]:
    """The chart workloads whose main container plays a part, and the workers covering a ClowdApp queue."""
    claimed = {p.chosen.target.name for p in pairings if p.chosen is not None and p.chosen.via == "workload"}
    # A chart worker that consumes a ClowdApp worker's queue covers it: it is on that worker's row.
    for consumers in (queue_consumers, idle_consumers):
        claimed.update(w for q, workers in consumers.items() if q in queue_sources for w in workers)
    return claimed


def _foreign_default(family: str | None, source_families: list[str | None]) -> bool:
    """Whether a chart worker's default queue is another application's: every Celery app has one, so
    only the image says whose tasks it runs (the same rule as matching by role alone)."""
    return bool(source_families) and all(other_app(f, family) for f in source_families)


def _assign(pairings: list[Pairing], candidates: list[tuple[int, Candidate]]) -> None:
    """Best pairs first, one to one; then what is left shares its best target (consolidated)."""
    order = sorted(candidates, key=lambda ic: (-ic[1].score, ic[0], ic[1].target.source.line))
    used: set[tuple[str, str, bool]] = set()
    for index, cand in order:
        key = _slot(cand)
        if pairings[index].chosen is None and key not in used:
            pairings[index].chosen = cand
            used.add(key)
    for index, cand in order:
        if pairings[index].chosen is None:
            pairings[index].chosen = cand
    _share(pairings)


def _share(pairings: list[Pairing]) -> None:
    """Each pairing's ``shared_with``: the other ClowdApp components on the same part of a workload."""
    by_target: dict[tuple[str, str, bool], list[str]] = {}
    for p in pairings:
        if p.chosen is not None:
            by_target.setdefault(_slot(p.chosen), []).append(p.source.name)
    for p in pairings:
        if p.chosen is not None:
            others = by_target[_slot(p.chosen)]
            p.shared_with = [n for n in others if n != p.source.name]


def _confirm(pairings: list[Pairing]) -> None:
    """Settle the pairs only their role speaks for, where the images cannot tell (``role_alone``).

    An application is *anchored* in the chart when one of its components is paired on more than its
    role (a shared named queue, the same command, a switch, the same image). A role-alone pair of an
    anchored application stands: the chart deploys that application. A reverse proxy is known by what it
    fronts: when no other component of its application has a counterpart, the chart's proxy fronts
    another application's workloads, and the pair is refused. Any other role-alone pair is kept but
    marked ``unconfirmed``: classify makes its row partial, for a reader to check.
    """
    anchored = {p.source.app for p in pairings if p.chosen is not None and not p.chosen.role_alone}
    fronted = {
        p.source.app
        for p in pairings
        if p.chosen is not None and p.source.role.kind != RoleKind.REVERSE_PROXY
    }
    changed = False
    for p in pairings:
        cand = p.chosen
        if cand is None or not cand.role_alone or p.source.app in anchored:
            continue
        if p.source.role.kind == RoleKind.REVERSE_PROXY and p.source.app not in fronted:
            p.rejected.insert(
                0,
                f"{cand.target.name}: a reverse proxy is known by the application it fronts, and no other "
                f"component of {p.source.app} has a counterpart in the chart",
            )
            p.chosen, changed = None, True
        else:
            p.unconfirmed, p.unconfirmed_why = True, _unconfirmed_reason(p.source, cand)
    if changed:
        _share(pairings)


def _unconfirmed_reason(s: Component, cand: Candidate) -> str:
    """Why a role-alone pair needs checking, naming the side whose image says nothing."""
    rs, rt = s.role, cand.container.role
    if rs.kind == RoleKind.REVERSE_PROXY:
        why = "a proxy's image does not say which application it fronts"
    else:
        unknown = [f"{s.name}'s" for f in (rs.image_family,) if not image_words(f)]
        unknown += [f"{cand.target.name}'s" for f in (rt.image_family,) if not image_words(f)]
        why = f"{' and '.join(unknown) or 'the'} image {'are' if len(unknown) > 1 else 'is'} unknown"
    return (
        f"matched on role alone ({rs.kind.value}; {why}, and no other component of {s.app} is matched on "
        f"more than its role): check it is the same application"
    )


def _slot(cand: Candidate) -> tuple[str, str, bool]:
    """The part of a chart workload a candidate takes: a container, and for the main container either
    what it is or the migrations it runs before it starts (two parts, not one consolidated)."""
    return cand.target.name, cand.container.name, cand.via == "container"


class _TruthyEnv:
    """The env vars each container sets true, computed once per container (not once per pair)."""

    def __init__(self) -> None:
        self._found: dict[int, tuple[Container, set[str]]] = {}

    def __call__(self, container: Container) -> set[str]:
        found = self._found.get(id(container))
        if found is None or found[0] is not container:
            found = self._found[id(container)] = (container, truthy_env(container.env_map()))
        return found[1]


# Blocking: a ClowdApp component is scored only against the chart workloads that could yield a
# candidate at all, found through an index of the chart's roles. Each way a role pairs (_WAYS) names
# the index keys its workloads are found under next to the score it gives, so every pair the scoring
# would accept is still scored, in chart order, and the results (candidates, scores, rejected lists)
# are exactly those of trying every pair. Matching then costs about the number of plausible pairs, not
# components x workloads.
RoleKey = tuple[str, ...]


def _target_keys(t: Component) -> set[RoleKey]:
    """The index keys of a chart workload: those of its own role and of each init container's."""
    keys: set[RoleKey] = set()
    for role in (t.role, *(init.role for init in t.init_containers)):
        kind = role.kind
        keys.add(("kind", kind.value))
        if kind == RoleKind.CELERY_WORKER:
            keys.update(("queue", q) for q in role.queues)
            if "celery-embedded-beat" in role.switches:
                keys.add(("embedded-beat",))
        if role.command:
            keys.add(("command", kind.value, role.command))
            if kind == RoleKind.SUBCOMMAND and _serves_http(t):
                keys.add(("http-subcommand",))
    if "migration" in t.main.role.also:
        keys.add(("runs-migrations",))
    return keys


def _source_keys(s: Component) -> list[RoleKey]:
    """The index keys under which the chart workloads ``_role_score`` may accept for ``s`` are found."""
    return [key for way in _ways(s.role.kind) for key in way.keys(s)]


def _role_index(targets: Sequence[Component]) -> dict[RoleKey, list[int]]:
    index: dict[RoleKey, list[int]] = {}
    for position, t in enumerate(targets):
        for key in _target_keys(t):
            index.setdefault(key, []).append(position)
    return index


def _blocked(s: Component, index: dict[RoleKey, list[int]]) -> list[int]:
    """The positions of the chart workloads worth scoring against ``s``, in chart order."""
    positions: set[int] = set()
    for key in _source_keys(s):
        positions.update(index.get(key, ()))
    return sorted(positions)


# Kinds whose role score is at most _LOW_ROLE_SCORE but against a workload running the same command
# (subcommands and the web APIs running one), and that a different image costs DIFFERENT_IMAGE (or
# OTHER_APP_PENALTY when the role alone speaks): without a switch the chart sets, such a pair scores at
# most _LOW_ROLE_SCORE - DIFFERENT_IMAGE + NAME_WEIGHT, under THRESHOLD (checked below, see _Reach).
_LOW_SCORE_KINDS = frozenset({RoleKind.WEB_API, RoleKind.SUBCOMMAND, RoleKind.UNKNOWN})
_LOW_ROLE_SCORE = max(API_PEER, SUBCOMMAND_AS_API, API_AS_SUBCOMMAND, BOTH_UNKNOWN)


class _Reach:
    """Which chart workloads a component of _LOW_SCORE_KINDS can still reach THRESHOLD with.

    Such a pair stays under it when each container of the workload runs an image of another family (both
    known: ``same_family``, so identity signals do not count either), none runs the same command as a
    subcommand, and none sets a switch of the component true. The index finds the others directly (by
    ``family_key``, a missing image, the command, a switch), so that once a
    component has the rejections its row shows, the rest of its role's workloads cost nothing.
    """

    def __init__(self, targets: Sequence[Component], truthy: _TruthyEnv, ignore_env: tuple[str, ...]) -> None:
        self._ignore_env = ignore_env
        self._by: dict[tuple[str, str], set[int]] = {}  # ("family"|"command"|"sets", value) -> positions
        self._no_family: set[int] = set()
        for position, t in enumerate(targets):
            for role, container in [(t.role, t.main), *((init.role, init) for init in t.init_containers)]:
                if role.image_family:
                    self._by.setdefault(("family", family_key(role.image_family)), set()).add(position)
                else:
                    self._no_family.add(position)
                if role.command:
                    self._by.setdefault(("command", role.command), set()).add(position)
                for name in truthy(container):
                    self._by.setdefault(("sets", name), set()).add(position)

    def may_reach(self, s: Component, positions: list[int]) -> list[int]:
        """Of ``positions`` (in chart order), those that may yield a candidate for ``s``, in order."""
        rs = s.role
        if rs.kind not in _LOW_SCORE_KINDS or not rs.image_family:
            return positions
        found = self._no_family | self._by.get(("family", family_key(rs.image_family)), set())
        if rs.command and (rs.kind == RoleKind.SUBCOMMAND or http_subcommand(rs)):
            found |= self._by.get(("command", rs.command), set())
        for switch in rs.switches:
            name = switch.split("=", 1)[0]
            if name not in self._ignore_env:
                found |= self._by.get(("sets", name), set())
        wanted = set(positions)
        return sorted(p for p in found if p in wanted)


def _candidates(
    s: Component,
    t: Component,
    names: Names,
    ignore_env: tuple[str, ...],
    truthy: _TruthyEnv | None = None,
    *,
    explain: bool = True,
) -> Iterable[Candidate]:
    """The ways ``t`` could play ``s``'s part: its main container, or an init container.

    ``explain=False``: the same candidates and scores, without the evidence (cheaper, for a first look).
    """
    truthy = truthy or _TruthyEnv()
    similarity = names.similarity(s.name, t.name)
    if _kinds_fit(s, t):
        scored = _score(s, s.role, t, t.role, t.main, similarity, ignore_env, truthy, names.identity, explain)
        if scored is not None:
            score, evidence, alone = scored
            yield Candidate(t, t.main, "workload", score, evidence, role_alone=alone)
    if s.kind in RUN_TO_COMPLETION:
        for init in t.init_containers:
            if init.role.kind in (RoleKind.UNKNOWN,):
                continue
            scored = _score(
                s, s.role, t, init.role, init, similarity, ignore_env, truthy, names.identity, explain
            )
            if scored is not None:
                score, evidence, alone = scored
                evidence = (*evidence, f"init container {init.name}") if explain else ()
                yield Candidate(t, init, "init-container", score - 0.2, evidence, role_alone=alone)
        if s.role.kind == RoleKind.MIGRATION and "migration" in t.main.role.also:
            score, evidence = 1.2 + 0.3 * similarity, (f"{t.name} runs migrations before it starts",)
            fs, ft = s.role.image_family, t.main.role.image_family
            if other_app(fs, ft):
                score -= OTHER_APP_PENALTY
                evidence = (*evidence, _other_app_evidence(s.role, t.main.role))
            alone = not other_app(fs, ft) and not same_app(fs, ft)
            yield Candidate(t, t.main, "container", score, evidence if explain else (), role_alone=alone)


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
    truthy: _TruthyEnv,
    identity: Identity,
    explain: bool = True,
) -> tuple[float, tuple[str, ...], bool] | None:
    """The role's score, then the image, the env switches and the name; None when the roles do not fit.
    Also whether only the role pairs them with no verdict from the images (``Candidate.role_alone``).

    Each step adds to the running score in turn (the order of float additions is part of the result).
    """
    base = _role_score(s, rs, t, rt)
    if base is None:
        return None
    score, evidence = base
    # another application's image: decided after the switches, which are evidence beyond the role
    foreign = other_app(rs.image_family, rt.image_family) and _role_only(rs, rt)
    foreign_at = len(evidence)
    if not foreign:
        score = _image_score(score, rs, rt, evidence, explain)
    score, switched = _switch_score(score, rs, truthy(container), ignore_env, evidence, explain)
    if foreign:
        score = _foreign_score(score, rs, rt, switched, evidence, foreign_at, explain)
    # what ties the workload to the app counts where the images cannot tell (one is unknown); beside
    # another name of the same family it is only said, and beside the very same image not even that (the
    # image settles the app, and must not outweigh a lacking switch)
    identical = rs.image_family is not None and rs.image_family == rt.image_family
    signals = [] if foreign or identical or _images_differ(rs, rt) else identity.signals(s, t, container)
    if not _images_agree(rs, rt):
        score += IDENTITY_WEIGHT * len(signals)
    if explain:
        evidence.extend(signals)
    if similarity:
        score += NAME_WEIGHT * similarity
        if explain:
            evidence.append(f"name similarity {similarity:.2f}")
    alone = not signals and _alone(rs, rt, foreign, switched)
    return score, tuple(evidence) if explain else (), alone


def _images_agree(rs: Role, rt: Role) -> bool:
    return bool(rs.image_family and rt.image_family) and same_family(rs.image_family, rt.image_family)


def _images_differ(rs: Role, rt: Role) -> bool:
    """Both images known and of different families: identity signals then do not count (_Reach's bound)."""
    return bool(rs.image_family and rt.image_family) and not same_family(rs.image_family, rt.image_family)


def _alone(rs: Role, rt: Role, foreign: bool, switched: bool) -> bool:
    """Whether only the role pairs ``rs`` with ``rt`` and the images give no verdict either way.

    Another application's image is a verdict (the pair is refused), and so is the same one. A reverse
    proxy's image (nginx, envoy) never says which application it fronts. Infrastructure is not an app's.
    """
    if foreign or switched or rs.kind in INFRA_ROLES:
        return False
    if rs.kind == RoleKind.REVERSE_PROXY:
        return True
    return _role_only(rs, rt) and not same_app(rs.image_family, rt.image_family)


def _image_score(score: float, rs: Role, rt: Role, evidence: list[str], explain: bool) -> float:
    """The same image counts for a pair; a different one (both known) against the kinds it should."""
    fs, ft = rs.image_family, rt.image_family
    if fs and ft:
        if fs == ft:
            score += SAME_IMAGE
            if explain:
                evidence.append(f"same image ({fs})")
        elif same_family(fs, ft):
            score += SAME_IMAGE
            if explain:
                evidence.append(f"same image family ({fs} ~ {ft})")
        elif rs.kind in _IMAGE_PENALISED:
            score -= DIFFERENT_IMAGE
            if explain:
                evidence.append(f"different image ({fs} vs {ft})")
    return score


def _switch_score(
    score: float,
    rs: Role,
    target_truthy: set[str],
    ignore_env: tuple[str, ...],
    evidence: list[str],
    explain: bool,
) -> tuple[float, bool]:
    """Each env switch of the component the container sets true counts for; one it lacks, against.

    Also whether any switch was set: that is evidence beyond the role, even across applications.
    """
    switched = False
    for switch in rs.switches:
        name = switch.split("=", 1)[0]
        if name in ignore_env:
            continue
        if name in target_truthy:
            score += 1.0
            switched = True
            if explain:
                evidence.append(f"sets {switch}")
        elif "=" in switch:
            score -= 1.0
            if explain:
                evidence.append(f"lacks {switch}")
    return score, switched


def _foreign_score(
    score: float, rs: Role, rt: Role, switched: bool, evidence: list[str], at: int, explain: bool
) -> float:
    """Another application's image: OTHER_APP_PENALTY unless a switch speaks for the pair, then as for any
    other image. Its evidence goes where the image's would (``at``), before the switches'."""
    if not switched:
        score -= OTHER_APP_PENALTY
        if explain:
            evidence.insert(at, _other_app_evidence(rs, rt))
    elif rs.kind in _IMAGE_PENALISED:  # a switch speaks for it: as for any other image
        score -= DIFFERENT_IMAGE
        if explain:
            evidence.insert(at, f"different image ({rs.image_family} vs {rt.image_family})")
    return score


# Kinds a different image costs 0.8 (a pair only their role speaks for, across applications, costs
# OTHER_APP_PENALTY instead, whatever the kind: see _role_only).
_IMAGE_PENALISED = frozenset(
    {
        RoleKind.MIGRATION,
        RoleKind.WEB_API,
        RoleKind.SUBCOMMAND,
        RoleKind.UNKNOWN,
        RoleKind.MANAGEMENT_COMMAND,
        RoleKind.KAFKA_CONSUMER,
        RoleKind.CELERY_BEAT,
    }
)


def image_words(family: str | None) -> frozenset[str]:
    """The words of an image name that tell applications apart (``nginx-124`` -> ``nginx``)."""
    if not family:
        return frozenset()
    return frozenset(
        w
        for w in _SEPARATORS.split(family.lower())
        if w and w not in _GENERIC_IMAGE_WORDS and not _VERSION_WORD.match(w)
    )


def other_app(source_family: str | None, target_family: str | None) -> bool:
    """Whether two image families clearly belong to different applications.

    Only when both are known (a ``${IMAGE}`` left unresolved is no evidence either way) and their
    distinguishing words share none: ``shop`` vs ``billing`` differ, ``shop`` vs ``shop-onprem`` do not.
    """
    a, b = image_words(source_family), image_words(target_family)
    return bool(a) and bool(b) and not a & b


def same_family(source_family: str | None, target_family: str | None) -> bool:
    """Whether two images are one repository's family: equal, or equal once registry, organisation, tag,
    versions and generic or language suffixes are dropped (``acme-ledger`` ~ ``acme-ledger-go``,
    ``shop`` ~ ``shop-api``); ``shop`` and ``shop-onprem`` share a word but are not one family."""
    if source_family == target_family:
        return True
    words = image_words(source_family)
    return bool(words) and words == image_words(target_family)


def family_key(family: str) -> str:
    """One string per image family (``same_family``): its distinguishing words, or the name itself."""
    words = image_words(family)
    return " ".join(sorted(words)) if words else f"={family}"


def same_app(source_family: str | None, target_family: str | None) -> bool:
    """Whether two image families share a distinguishing word (``shop`` and ``shop-onprem`` do)."""
    return bool(image_words(source_family) & image_words(target_family))


def _role_only(rs: Role, rt: Role) -> bool:
    """Whether nothing but the role kind pairs ``rs`` with ``rt`` (switches are checked by the caller).

    A shared named queue or the same command is evidence of its own; the default queue, celery beat, an
    API or a migration tool is not. Proxies and infrastructure run images of their own, never the app's.
    """
    if rs.kind in INFRA_ROLES or rs.kind == RoleKind.REVERSE_PROXY:
        return False
    if rs.kind == RoleKind.CELERY_WORKER:
        return set(rs.queues) & set(rt.queues) <= {DEFAULT_QUEUE}
    return not _same_command(rs, rt)


def _other_app_evidence(rs: Role, rt: Role) -> str:
    return (
        f"another application's image ({rs.image_family} vs {rt.image_family}): the role alone does not pair"
    )


def _serves_http(t: Component) -> bool:
    """Behind a Service, or exposing a port named http/web/api."""
    if t.web.public or t.web.private:
        return True
    return any(
        str(p.get("name", "")).startswith(("http", "web", "api")) for p in t.main.ports if isinstance(p, dict)
    )


def _same_command(rs: Role, rt: Role) -> bool:
    """The same management command, Kafka consumer or subcommand; a subcommand and the web API running
    it (a subcommand that serves HTTP) are the same command too."""
    if not rs.command or rs.command != rt.command:
        return False
    if rs.kind == rt.kind and rs.kind in _COMMAND_KINDS:
        return True
    subcommands = (RoleKind.SUBCOMMAND, RoleKind.WEB_API)
    return rs.kind in subcommands and rt.kind in subcommands and (http_subcommand(rs) or http_subcommand(rt))


_COMMAND_KINDS = frozenset({RoleKind.KAFKA_CONSUMER, RoleKind.MANAGEMENT_COMMAND, RoleKind.SUBCOMMAND})


def _role_score(s: Component, rs: Role, t: Component, rt: Role) -> tuple[float, list[str]] | None:
    """What the roles alone score: the first way of ``rs``'s kind that pairs it with ``rt``, or None."""
    for way in _ways(rs.kind):
        found = way.score(s, rs, t, rt)
        if found is not None:
            return found
    return None


Scored = tuple[float, list[str]] | None


@dataclass(frozen=True)
class _Way:
    """One way a chart role may play a component's role: the index keys its workloads are found under
    (for blocking, from the component) and the role score it gives (None where it does not apply)."""

    keys: Callable[[Component], list[RoleKey]]
    score: Callable[[Component, Role, Component, Role], Scored]


def _kind_key(kind: RoleKind) -> Callable[[Component], list[RoleKey]]:
    return lambda _s: [("kind", kind.value)]


def _shared_queues(_s: Component, rs: Role, _t: Component, rt: Role) -> Scored:
    if rt.kind != RoleKind.CELERY_WORKER:
        return None
    shared = [q for q in rs.queues if q in rt.queues]
    if not shared:
        return None
    jaccard = len(set(rs.queues) & set(rt.queues)) / len(set(rs.queues) | set(rt.queues))
    return 1.0 + jaccard, [f"consumes {', '.join(shared)}"]


def _same_command_score(_s: Component, rs: Role, _t: Component, rt: Role) -> Scored:
    return (SAME_COMMAND, [f"runs {rs.command}"]) if _same_command(rs, rt) else None


def _command_keys(s: Component) -> list[RoleKey]:
    """A command kind's workloads running the same command; a subcommand's also a web API running it."""
    rs, kind = s.role, s.role.kind
    if not rs.command:
        return []
    keys: list[RoleKey] = [("command", kind.value, rs.command)]
    if kind == RoleKind.SUBCOMMAND:
        keys.append(("command", RoleKind.WEB_API.value, rs.command))
    return keys


def _api_command_keys(s: Component) -> list[RoleKey]:
    """A web API running a subcommand: the chart subcommand running it, even without an http port."""
    return [("command", RoleKind.SUBCOMMAND.value, s.role.command or "")] if http_subcommand(s.role) else []


def _subcommand_as_api(s: Component, rs: Role, _t: Component, rt: Role) -> Scored:
    if rs.kind == RoleKind.SUBCOMMAND and rt.kind == RoleKind.WEB_API and s.web.public | s.web.private:
        return SUBCOMMAND_AS_API, ["both serve HTTP"]
    return None


def _subcommand_as_api_keys(s: Component) -> list[RoleKey]:
    serves = s.role.kind == RoleKind.SUBCOMMAND and (s.web.public or s.web.private)
    return [("kind", RoleKind.WEB_API.value)] if serves else []


def _same_kind(_s: Component, rs: Role, _t: Component, rt: Role) -> Scored:
    if rs.kind != rt.kind:
        return None
    return (BOTH_UNKNOWN, ["both of unknown role"]) if rs.kind == RoleKind.UNKNOWN else (1.0, [rs.kind.value])


_COMMAND_WAYS = (_Way(_command_keys, _same_command_score), _Way(_subcommand_as_api_keys, _subcommand_as_api))
_WAYS: dict[RoleKind, tuple[_Way, ...]] = {
    RoleKind.CELERY_WORKER: (_Way(lambda s: [("queue", q) for q in s.role.queues], _shared_queues),),
    RoleKind.CELERY_BEAT: (
        _Way(
            _kind_key(RoleKind.CELERY_BEAT),
            lambda _s, _rs, _t, rt: (1.5, ["runs celery beat"]) if rt.kind == RoleKind.CELERY_BEAT else None,
        ),
        _Way(
            lambda _s: [("embedded-beat",)],
            lambda _s, _rs, _t, rt: (
                (1.0, ["worker with embedded beat (-B)"])
                if rt.kind == RoleKind.CELERY_WORKER and "celery-embedded-beat" in rt.switches
                else None
            ),
        ),
    ),
    RoleKind.KAFKA_CONSUMER: _COMMAND_WAYS,
    RoleKind.MANAGEMENT_COMMAND: _COMMAND_WAYS,
    RoleKind.SUBCOMMAND: _COMMAND_WAYS,
    RoleKind.WEB_API: (
        _Way(_api_command_keys, _same_command_score),  # a web API of the same command: found by kind
        _Way(
            _kind_key(RoleKind.WEB_API),
            lambda _s, _rs, _t, rt: (API_PEER, ["web API"]) if rt.kind == RoleKind.WEB_API else None,
        ),
        _Way(
            lambda _s: [("http-subcommand",)],
            lambda _s, _rs, t, rt: (
                (API_AS_SUBCOMMAND, [f"serves HTTP through {rt.command}"])
                if rt.kind == RoleKind.SUBCOMMAND and rt.command and _serves_http(t)
                else None
            ),
        ),
    ),
    RoleKind.MIGRATION: (
        _Way(
            _kind_key(RoleKind.MIGRATION),
            lambda _s, _rs, _t, rt: (
                (1.5, [f"runs migrations ({rt.command})"]) if rt.kind == RoleKind.MIGRATION else None
            ),
        ),
        # a workload whose main container migrates before it starts: scored by _candidates (via container)
        _Way(lambda _s: [("runs-migrations",)], lambda _s, _rs, _t, _rt: None),
    ),
}


def _ways(kind: RoleKind) -> tuple[_Way, ...]:
    """The ways a component of ``kind`` pairs; any other kind pairs with its own kind only."""
    return _WAYS.get(kind) or (_Way(_kind_key(kind), _same_kind),)


def _check_reach_bound() -> None:
    """_Reach skips, for _LOW_SCORE_KINDS, the workloads of another image that no command or switch
    speaks for: correct only while such a pair cannot reach THRESHOLD. Weights that break it fail here,
    at import, rather than silently dropping pairs."""
    best = _LOW_ROLE_SCORE - DIFFERENT_IMAGE + NAME_WEIGHT
    if not _LOW_SCORE_KINDS <= _IMAGE_PENALISED or best >= THRESHOLD:
        raise AssertionError(
            f"_Reach prunes pairs that may score {best:.2f} >= THRESHOLD {THRESHOLD}: "
            "lower the weights or stop pruning (match.py, _LOW_SCORE_KINDS)"
        )


_check_reach_bound()
