"""Matched pairs, the unmatched, drift and policy -> report rows with a status and a priority.

Every ClowdApp component becomes exactly one row; every chart workload whose main container plays
no ClowdApp component's part gets a row of its own (infra, better or extra). Each row says which rule
fired, so a reader can argue with a reason instead of a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from koku_gap.engine.drift import EnvKeys, drift
from koku_gap.engine.match import Candidate, MatchResult, Names, Pairing
from koku_gap.engine.policy import ChartRule, ComponentOverride, Outcome, Policy, Reasoned, Waiver
from koku_gap.model import rules
from koku_gap.model.graph import Component, ComponentGraph, Resource
from koku_gap.model.location import SourceRef
from koku_gap.model.report import Drift, PlatformService, Row, Target, WaiverInfo
from koku_gap.model.vocabulary import (
    GAP_STATUSES,
    INFRA_ROLES,
    ROLES,
    SETTLED_STATUSES,
    ChartStatus,
    DriftKind,
    Priority,
    RoleKind,
    Status,
    priority_at_least,
)
from koku_gap.sources.roles import role_purpose

if TYPE_CHECKING:  # the code's evidence is read only with --app-source: its models load then
    from koku_gap.engine.env_meaning import EnvMeaning
    from koku_gap.engine.producers import TopicEvidence
    from koku_gap.engine.senders import QueueEvidence, Sender

PRE_PHASES = frozenset({"pre-install", "pre-upgrade"})
PROVEN_CONSUMER = rules.missing_rule(RoleKind.KAFKA_CONSUMER.value)  # a producer is known: the role's rule
CONSUMER_RULES = frozenset({PROVEN_CONSUMER, rules.UNPROVEN_CONSUMER, rules.UNFED_CONSUMER})
SENDERS_SHOWN = 6  # senders a row lists in its evidence; the rest are counted
CodeEvidence = Mapping[tuple[str, str], "QueueEvidence"]  # (app, queue) -> what the app's code says
ConsumerEvidence = Mapping[tuple[str, str], "TopicEvidence"]  # (app, missing consumer) -> the same
DEPENDENCY_KINDS = ("dependency", "optional-dependency")


@dataclass(frozen=True)
class Action:
    """What to do about a row, and whether that asks for something now (``Row.act_now``): decided with
    the words, so no one reads the decision back out of them."""

    text: str | None
    now: bool


# What to do about a chart workload no ClowdApp component claims, by its status.
CHART_ACTION: dict[ChartStatus, Action] = {
    "better": Action("keep", now=False),
    "infra": Action("keep: it replaces a platform service", now=False),
    "extra": Action("check that the chart needs it", now=True),
}


def source_rows(
    result: MatchResult,
    policy: Policy,
    today: date | None = None,
    env_keys: EnvKeys | None = None,
    code: CodeEvidence | None = None,
    consumers: ConsumerEvidence | None = None,
    meanings: Mapping[str, EnvMeaning] | None = None,
) -> list[Row]:
    """One row per ClowdApp component; ``today`` decides which waivers have expired (default: today);
    ``env_keys``: what the chart's ConfigMaps and Secrets hold (``drift.env_keys``), for envFrom;
    ``code``: what the apps' own source says about each queue (``engine/senders.py``), and
    ``consumers`` about each missing Kafka consumer's topics (``engine/producers.py``) and ``meanings``
    about each app's env vars (``engine/env_meaning.py``), where given."""
    day = today or date.today()
    found, meant = consumers or {}, meanings or {}
    return [
        _source_row(p, result, policy, day, env_keys or {}, code or {}, found, meant.get(p.source.app))
        for p in result.pairings
    ]


@dataclass(frozen=True)
class _QueueCase:
    """What decides a worker's unconsumed queues: the policy outcome (None: not a gap, nothing sends
    there), its kind, the queues it speaks of, and the code evidence behind it."""

    outcome: Outcome | None
    rule: str
    queues: list[str]
    evidence: list[str] = field(default_factory=list)
    note: str | None = None  # said on the row when the queues are no gap


def _queue_case(
    s: Component, chosen: Component | None, uncovered: list[str], policy: Policy, code: CodeEvidence
) -> _QueueCase | None:
    """How the unconsumed queues of a worker are judged: by the application's code where it was read
    (a live sender proves the gap, unproven senders make it a possible one, none makes it no gap),
    else by the policy's ``uncovered_queue`` and the assumption it rests on. A worker the chart runs
    at 0 replicas exactly as the ClowdApp does is as in SaaS: no gap of its queues."""
    outcome = policy.outcome(rules.UNCOVERED_QUEUE)
    if s.role.kind != RoleKind.CELERY_WORKER or not uncovered or outcome is None:
        return None
    if chosen is not None and s.scaling.idle and chosen.scaling.idle:
        note = (
            f"{chosen.name} runs with replicas: 0, as the ClowdApp runs {s.name}: nothing consumes "
            f"{', '.join(uncovered)} on either side"
        )
        return _QueueCase(None, rules.UNCOVERED_QUEUE, uncovered, note=note)
    found = [code.get((s.app, q)) for q in uncovered]
    known = [e for e in found if e is not None]
    if len(known) != len(found):
        return _QueueCase(outcome, rules.UNCOVERED_QUEUE, uncovered)
    live = [e for e in known if e.verdict == "live"]
    unproven = [e for e in known if e.verdict == "unproven"]
    if live:
        proven = outcome.model_copy(update={"rests_on": ()})  # the code proves it
        queues = [e.queue for e in live]
        return _QueueCase(
            proven, rules.UNCOVERED_QUEUE, queues, _code_evidence(known, "live"), _others(known, queues)
        )
    if unproven:  # a policy without unproven_queue keeps uncovered_queue, assumption and all
        queues = [e.queue for e in unproven]
        evidence = _code_evidence(known, "unproven")
        possible = policy.outcome(rules.UNPROVEN_QUEUE)
        if possible is None:
            return _QueueCase(outcome, rules.UNCOVERED_QUEUE, queues, evidence)
        return _QueueCase(possible, rules.UNPROVEN_QUEUE, queues, evidence, _others(known, queues))
    evidence = [*_code_evidence(known, "dead"), f"code: searched {known[0].searched}"]
    note = (
        f"no chart worker consumes {', '.join(uncovered)}, but nothing deployed sends there (code evidence)"
    )
    return _QueueCase(policy.outcome(rules.UNSENT_QUEUE), rules.UNSENT_QUEUE, uncovered, evidence, note)


_VERDICT_WORDS = {"unproven": "sent to only on unproven paths", "unsent": "nothing deployed sends there"}


def _others(found: list[QueueEvidence], decided: list[str]) -> str | None:
    """What the code says of the unconsumed queues the row's verdict does not speak of."""
    others = [
        f"{e.queue} ({_VERDICT_WORDS.get(e.verdict, e.verdict)})" for e in found if e.queue not in decided
    ]
    return f"the other unconsumed queue(s): {', '.join(others)}" if others else None


def _topic_case(s: Component, found: TopicEvidence | None, policy: Policy) -> _QueueCase | None:
    """How a missing Kafka consumer is judged when its code says which topics it reads: by their
    producers (``engine/producers.py``); ``queues`` holds the topics. A running workload known to
    produce one proves the gap: the role's own outcome, without the assumption it rests on."""
    if found is None or s.role.kind != RoleKind.KAFKA_CONSUMER:
        return None
    reads = [f"code: reads {', '.join(found.topics)} by {r}" for r in found.reads]
    producers = list(found.producers[:SENDERS_SHOWN])
    if len(found.producers) > SENDERS_SHOWN:
        producers.append(f"and {len(found.producers) - SENDERS_SHOWN} more producer(s)")
    unproven, unfed = policy.outcome(rules.UNPROVEN_CONSUMER), policy.outcome(rules.UNFED_CONSUMER)
    if found.verdict == "proven":
        proven = policy.outcome_for_missing_role(s.role.kind.value).model_copy(update={"rests_on": ()})
        return _QueueCase(proven, PROVEN_CONSUMER, list(found.topics), [*reads, *producers])
    if found.verdict == "unproven" and unproven is not None:
        return _QueueCase(unproven, rules.UNPROVEN_CONSUMER, list(found.topics), [*reads, *producers])
    if found.verdict == "unfed" and unfed is not None:
        nothing = (
            f"code: no produce site of the app, and no chart workload or other deployed app names "
            f"{', '.join(found.topics)}"
        )
        return _QueueCase(unfed, rules.UNFED_CONSUMER, list(found.topics), [*reads, nothing])
    return None


def _code_evidence(found: list[QueueEvidence], liveness: str) -> list[str]:
    """The senders of one liveness, in words with their lines, the first few of them."""
    senders: list[Sender] = [x for e in found for x in e.senders if x.liveness == liveness]
    shown = [f"code: {x.words}" for x in senders[:SENDERS_SHOWN]]
    if len(senders) > SENDERS_SHOWN:
        shown.append(f"code: and {len(senders) - SENDERS_SHOWN} more {liveness} sender(s)")
    if not senders:
        shown.append(
            f"code: no task, routing site or beat entry sends to {', '.join(e.queue for e in found)}"
        )
    return shown


def _target(cand: Candidate) -> Target:
    t = cand.target
    line = t.source.line if cand.via == "workload" else cand.container.line
    source = t.source if line == t.source.line else t.source.model_copy(update={"line": line})
    return Target(name=t.name, kind=t.kind, source=source, via=cand.via, container=cand.container.name)


@dataclass(frozen=True)
class _Verdict:
    """What the engine's rules make of a component, before the policy has its say."""

    outcome: Outcome
    rule: str | None  # the kind of gap, for CI formats (model/rules.py)
    targets: list[Target]
    drifts: list[Drift]
    evidence: list[str]


def _source_row(
    p: Pairing,
    result: MatchResult,
    policy: Policy,
    today: date,
    env_keys: EnvKeys,
    code: CodeEvidence,
    consumers: ConsumerEvidence,
    meaning: EnvMeaning | None,
) -> Row:
    s = p.source
    uncovered = [q for q in s.role.queues if q not in result.queue_consumers]
    covering = sorted({w for q in s.role.queues for w in result.queue_consumers.get(q, [])})
    chosen = p.chosen.target if p.chosen else None
    case = _queue_case(s, chosen, uncovered, policy, code) or _topic_case(
        s, consumers.get((s.app, s.name)), policy
    )
    verdict = _verdict(p, result, policy, env_keys, case, meaning)
    outcome, targets = verdict.outcome, verdict.targets
    same_as_saas = case is not None and case.outcome is None and case.rule == rules.UNCOVERED_QUEUE
    reasons = [outcome.reason, *_queue_notes(s, uncovered, covering, targets, result, idle_said=same_as_saas)]
    if case is not None and case.note and verdict.rule not in (rules.UNSENT_QUEUE, rules.MISSING_DISABLED):
        reasons.append(case.note)
    if p.unconfirmed and verdict.rule != rules.ROLE_ALONE:  # another gap decided the row: still say it
        reasons.append(p.unconfirmed_why)
    override = policy.override_for(s)
    status, priority, reasons, overridden = _overridden(s, outcome, override, policy, reasons)
    action = _action(outcome, override if overridden else None, status, verdict.drifts)
    if status in SETTLED_STATUSES:
        priority = None
    waived = _waiver(s, uncovered, policy, today) if status in GAP_STATUSES and priority else None
    waiver = waived.info if waived is not None else None
    if waiver is not None:
        note, action = _waiver_note(waiver, action)
        reasons.insert(0, note)
    # what decided the row, whose evidence it cites: the override or the outcome entry, and the waivers
    deciding: list[Reasoned] = [override if overridden and override is not None else outcome]
    deciding += waived.entries if waived is not None else []
    row = Row(
        id=s.id,
        app=s.app,
        clowdapp=s.name,
        chart=[t.name for t in targets] + _also_named(s, covering, targets, result),
        role=s.role.kind.value,
        kind=s.kind,
        status=status,
        priority=priority,
        source=s.source,
        targets=targets,
        reasons=reasons,
        drift=verdict.drifts,
        queues=list(s.role.queues),
        evidence=list(dict.fromkeys([*s.role.evidence, *verdict.evidence, *(case.evidence if case else [])])),
        purpose=role_purpose(s.role),
        action=action.text,
        act_now=action.now,
        rule=_row_rule(status, verdict.rule),
        waiver=waiver,
        waived=waiver is not None and not waiver.expired,
        policy_override=overridden,
    )
    return policy.cited(row, deciding)


def _verdict(
    p: Pairing,
    result: MatchResult,
    policy: Policy,
    env_keys: EnvKeys,
    case: _QueueCase | None,
    meaning: EnvMeaning | None = None,
) -> _Verdict:
    """Missing when nothing plays the part (showing the closest rejections), else judged on the drift."""
    s = p.source
    if p.chosen is None:
        missing, gap = _missing_outcome(s, policy, result, case)
        rejected = [f"rejected {r}" for r in p.rejected[:3]]
        return _Verdict(missing, gap, [], [], rejected + _route_evidence(s, gap, result))
    cand = p.chosen
    target = _target(cand)
    drifts = drift(s, cand.target, cand.container, policy.ignore_env, env_keys)
    if meaning is not None:  # the app's code says which of the unset variables matter
        drifts = [meaning.explained(d) for d in drifts]
    outcome, rule = _matched_outcome(s, cand, p, drifts, policy, result, case)
    evidence = [*cand.evidence, *_route_evidence(s, rule, result)]
    return _Verdict(outcome, rule, [target], drifts, evidence)


def _route_evidence(s: Component, rule: str | None, result: MatchResult) -> list[str]:
    """An unrouted API's two locations: the ClowdApp's public path and each chart route reaching it."""
    if rule != rules.UNROUTED_API:
        return []
    route = result.routes[s.id]
    found = [f"ClowdApp: public web service at {route.path} ({s.source})", *route.evidence()]
    if not route.taken:
        found.append(f"route: no Route, Ingress or gateway path of the chart reaches {route.path}")
    return found


def _queue_notes(
    s: Component,
    uncovered: list[str],
    covering: list[str],
    targets: list[Target],
    result: MatchResult,
    *,
    idle_said: bool = False,
) -> list[str]:
    """Who else the component's queues concern: idle chart workers (unless ``idle_said``: the row
    already says both sides run it at 0 replicas), other workers that consume them."""
    notes: list[str] = []
    idle = sorted({w for q in uncovered for w in result.idle_consumers.get(q, [])})
    if idle and not idle_said:
        workers, queues = ", ".join(idle), ", ".join(uncovered)
        notes.append(f"the chart deploys {workers} with replicas: 0, so nothing consumes {queues}")
    if s.role.kind == RoleKind.CELERY_WORKER:
        for name in covering:
            if not any(t.name == name for t in targets):
                notes.append(f"queue(s) also consumed by {name}")
    return notes


def _overridden(
    s: Component, outcome: Outcome, override: ComponentOverride | None, policy: Policy, reasons: list[str]
) -> tuple[Status, Priority | None, list[str], bool]:
    """Status, priority and reasons once the policy's ``components:`` entry applies, and whether it
    did; a reader sees both the entry's reason and what the rule alone would have said."""
    status, priority = outcome.status, outcome.priority
    if override is None or not (override.when == "always" or outcome.status in GAP_STATUSES):
        return status, priority, reasons, False
    status = override.status or status
    if override.priority is not None:
        priority = override.priority
    elif status in GAP_STATUSES and priority is None:
        priority = policy.outcome_for_missing(s.role.kind.value).priority
    # the entry's reason decides now: the rule's own is what it would say alone (its words may be what
    # the entry refutes: "messages are never read" where nothing produces them)
    reasons = [f"without the policy entry: {r}" if r == outcome.reason else r for r in reasons]
    return status, priority, [f"policy: {override.reason}", *reasons], True


def _action(
    outcome: Outcome, override: ComponentOverride | None, status: Status, drifts: list[Drift]
) -> Action:
    """What to do: nothing but checking drift when settled, else the applied policy entry's word over
    the rule's."""
    if status in SETTLED_STATUSES:
        kinds = sorted({d.kind for d in drifts})
        return Action(f"none; check drift ({', '.join(kinds)})" if kinds else "none", now=False)
    if override is not None and override.action:
        return Action(override.action, now=override.act_now)
    if (
        override is not None
        and override.status
        and override.status != outcome.status
        and status == "optional"
    ):
        return Action("none while the policy's reason holds; revisit it if it stops holding", now=False)
    return Action(outcome.action, now=outcome.act_now and outcome.action is not None)


def _row_rule(status: Status, rule: str | None) -> str | None:
    """The kind of gap, for a gap only; a `components:` override that made a gap of what was not one
    is a gap of its own kind."""
    if status not in GAP_STATUSES:
        return None
    return rules.POLICY_OVERRIDE if rule is None else rule


def _waiver_note(waiver: WaiverInfo, action: Action) -> tuple[str, Action]:
    """The reason a waiver puts first on its row, and the action: an expired one is renewed, or the gap
    closed."""
    if waiver.expired:
        note = f"waiver expired ({waiver.subject}, held until {waiver.expires}): {waiver.reason}"
        renew = f"renew or remove the expired waiver, or {action.text or 'close the gap'}"
        return note, Action(renew, now=True)
    until = f", until {waiver.expires}" if waiver.expires else ""
    return f"waived ({waiver.subject}{until}): {waiver.reason}", action


def _also_named(s: Component, covering: list[str], targets: list[Target], result: MatchResult) -> list[str]:
    """The chart workers that cover (or would cover) the component's queues without playing its part."""
    also_named = [*covering, *(w for q in s.role.queues for w in result.idle_consumers.get(q, []))]
    return list(dict.fromkeys(t for t in also_named if not any(x.name == t for x in targets)))


def _waiver(s: Component, uncovered: list[str], policy: Policy, today: date) -> _Waived | None:
    """The waiver of a gap: one naming the component, else queue waivers covering every uncovered queue.

    An expired waiver comes back (marked expired) only when no active one applies: the row says so.
    """
    expired: list[Waiver] = []
    for waiver in policy.component_waivers(s.app, s.name):
        if not waiver.expired(today):
            return _waived([waiver], expired=False)
        expired.append(waiver)
    by_queue = [policy.queue_waivers(s.app, q) for q in uncovered]
    if by_queue and all(by_queue):
        live = [next((w for w in found if not w.expired(today)), None) for found in by_queue]
        active = [w for w in live if w is not None]
        if len(active) == len(live):
            return _waived(active, expired=False)
        expired.extend(found[0] for found, w in zip(by_queue, live, strict=True) if w is None)
    return _waived(expired, expired=True) if expired else None


class _Waived(NamedTuple):
    """The waiver a row shows, and the policy entries it was made of (whose evidence the row cites)."""

    info: WaiverInfo
    entries: list[Waiver]


def _waived(waivers: list[Waiver], *, expired: bool) -> _Waived:
    unique = list(dict.fromkeys(waivers))
    dates = [w.expires for w in unique if w.expires is not None]
    info = WaiverInfo(
        subject=", ".join(dict.fromkeys(w.subject for w in unique)),
        reason="; ".join(dict.fromkeys(w.reason for w in unique)),
        expires=min(dates).isoformat() if dates else None,
        expired=expired,
    )
    return _Waived(info, unique)


def _act(outcome: Outcome, action: str, *, now: bool = True) -> Outcome:
    """The outcome with a default action (``now``: whether it asks for something now), unless the
    policy rule names its own."""
    return outcome if outcome.action else outcome.model_copy(update={"action": action, "act_now": now})


def _fill(outcome: Outcome, **values: str) -> Outcome:
    try:
        reason = outcome.reason.format(**values)
    except (KeyError, IndexError):
        reason = outcome.reason
    return outcome.model_copy(update={"reason": reason})


def _missing_outcome(
    s: Component, policy: Policy, result: MatchResult, case: _QueueCase | None
) -> tuple[Outcome, str]:
    """The outcome for a component with no counterpart, and the rule (kind of gap) that decided it."""
    add = f"add a {s.kind} for {s.name}"
    disabled, scheduled = policy.outcome(rules.MISSING_DISABLED), policy.outcome(rules.MISSING_SCHEDULED)
    if s.scaling.idle and disabled:
        action = f"none unless on-prem enables it; then {add}"
        return _act(disabled, action, now=False), rules.MISSING_DISABLED
    if case is not None and case.outcome is not None and case.rule == rules.UNSENT_QUEUE:
        action = (
            f"none while nothing sends to {', '.join(case.queues)}; if something starts sending there, {add}"
        )
        return _act(_fill(case.outcome, queues=", ".join(case.queues)), action, now=False), case.rule
    if case is not None and case.outcome is not None and case.rule in CONSUMER_RULES:
        topics = ", ".join(case.queues)
        filled = _fill(case.outcome, topics=topics)
        if case.rule == rules.UNFED_CONSUMER:
            action = f"none while nothing produces to {topics}; if something starts producing there, {add}"
            return _act(filled, action, now=False), case.rule
        return _act(filled, add), case.rule
    if case is not None and case.outcome is not None:
        queues = ", ".join(case.queues)
        idle, unconsumed = _idle_split(case.queues, None, result)
        action = "; ".join(
            [*(_scale(w) for w in idle)]
            + (
                [f"add queue(s) {', '.join(unconsumed)} to an existing worker's -Q, or {add}"]
                if unconsumed
                else []
            )
        )
        return _act(_fill(case.outcome, queues=queues), action), case.rule
    if s.kind == "CronJob" and s.role.kind != RoleKind.KAFKA_CONSUMER and scheduled:
        return _act(scheduled, add), rules.MISSING_SCHEDULED
    outcome = policy.outcome_for_missing_role(s.role.kind.value)
    rule = rules.missing_rule(s.role.kind.value)
    unrouted = _unrouted_missing(s, outcome, policy, result)
    if unrouted is not None:
        return unrouted
    if outcome.status == "optional":
        return _act(outcome, f"decide whether on-prem needs it; if so, {add}"), rule
    return _act(outcome, add), rule


def _matched_outcome(
    s: Component,
    cand: Candidate,
    p: Pairing,
    drifts: list[Drift],
    policy: Policy,
    result: MatchResult,
    case: _QueueCase | None,
) -> tuple[Outcome, str | None]:
    """The outcome for a matched component, and the rule (kind of gap) when it is one.

    The gap rules are tried in order, the first that applies decides; with none, it is a match.
    """
    gap = (
        _uncovered_queue_outcome(cand, case, result)
        or _unrouted_outcome(s, cand, policy, result)
        or _schedule_lost_outcome(s, cand, policy)
        or _post_install_outcome(s, cand.target, policy, result)
        or _partial_outcome(cand, p, drifts, policy)
        or _role_alone_outcome(s, cand, p, policy)
    )
    return gap or (_match_outcome(cand, p, policy), None)


def _uncovered_queue_outcome(
    cand: Candidate, case: _QueueCase | None, result: MatchResult
) -> tuple[Outcome, str] | None:
    """A worker played by a chart worker that leaves some of its queues unconsumed: partial. A queue
    only idle workers (replicas: 0) would consume needs one scaled up, not another -Q entry. Queues
    nothing deployed sends to leave the pair to the other rules (the row says so)."""
    if case is None or case.outcome is None or case.rule == rules.UNSENT_QUEUE:
        return None
    filled = _fill(case.outcome, queues=", ".join(case.queues))
    idle, unconsumed = _idle_split(case.queues, cand.target.name, result)
    steps = [_scale(w) for w in idle]
    if unconsumed:
        steps.append(f"add {', '.join(unconsumed)} to {cand.target.name}'s -Q queues")
    action = "; ".join(steps)
    return _act(filled.model_copy(update={"status": "partial"}), action), case.rule


def _idle_split(
    uncovered: list[str], preferred: str | None, result: MatchResult
) -> tuple[list[str], list[str]]:
    """The idle chart workers to scale up so that the queues get consumed (``preferred`` first, when it
    is one of a queue's idle consumers), and the queues no chart worker would consume at all."""
    idle: list[str] = []
    unconsumed: list[str] = []
    for q in uncovered:
        workers = result.idle_consumers.get(q, [])
        if not workers:
            unconsumed.append(q)
        elif not any(w in idle for w in workers):
            idle.append(preferred if preferred in workers else workers[0])
    return idle, unconsumed


def _scale(worker: str) -> str:
    return f"scale {worker} to at least 1 replica (it is deployed with replicas: 0)"


def _role_alone_outcome(
    s: Component, cand: Candidate, p: Pairing, policy: Policy
) -> tuple[Outcome, str] | None:
    """A pair only the role speaks for, with no image to confirm it and nothing else of the app matched on
    evidence (match._confirm): a reader must check it is the same application."""
    if not p.unconfirmed:
        return None
    t = cand.target.name
    alias = f"match: {{{s.name}: {t}}}"
    return Outcome(
        status="partial",
        priority=policy.partial_priority,
        reason=f"played by {_where(cand)}, but {p.unconfirmed_why}",
        action=f"check that {t} runs {s.app}'s {s.name}; if it does, say so in the policy ({alias})",
    ), rules.ROLE_ALONE


def _unrouted_outcome(
    s: Component, cand: Candidate, policy: Policy, result: MatchResult
) -> tuple[Outcome, str] | None:
    """A public API whose path the chart's routes (Route, Ingress, a gateway's) never bring to the
    workload playing it: the part runs, but users cannot reach it (engine/routes.py)."""
    route, outcome = result.routes.get(s.id), policy.outcome(rules.UNROUTED_API)
    if route is None or outcome is None or cand.target.name in route.reached:
        return None
    if route.reached:
        routed = f"send it to {', '.join(route.reached)}, not to {cand.target.name}"
    else:
        routed = "send it nowhere"
    action = f"route {route.path} to {cand.target.name} (a Route or Ingress path, or the gateway's routes)"
    return _act(_fill(outcome, path=route.path, routed=routed), action), rules.UNROUTED_API


def _unrouted_missing(
    s: Component, missing: Outcome, policy: Policy, result: MatchResult
) -> tuple[Outcome, str] | None:
    """A missing component of a deployed app whose public API path the chart's routes bring to no
    workload of that app (a proxy the chart leaves out, "clients must reach the APIs another way", and
    no route does): the API is unreachable, which outranks a less urgent missing outcome."""
    route = result.routes.get(s.id)
    outcome = policy.outcome(rules.UNROUTED_API)
    if route is None or outcome is None or outcome.priority is None:
        return None
    if missing.priority is not None and priority_at_least(missing.priority, outcome.priority):
        return None
    own = {p.chosen.target.name for p in result.pairings if p.chosen is not None and p.source.app == s.app}
    if not own or own & set(route.reached):
        # nothing of the app is deployed (its rows say so), or the chart brings the path to the app's
        # own workloads: reachable without the part
        return None
    routed = (
        f"send it to {', '.join(route.reached)}, none of {s.app}'s" if route.reached else "send it nowhere"
    )
    apis = [
        p.chosen.target.name
        for p in result.pairings
        if p.chosen is not None and p.source.app == s.app and p.source.role.kind == RoleKind.WEB_API
    ]
    fronted = ", ".join(dict.fromkeys(apis)) or f"{s.app}'s API"
    action = f"route {route.path} to {fronted} (a Route or Ingress path, or a gateway's routes)"
    filled = _fill(outcome, path=route.path, routed=routed).model_copy(update={"status": "missing"})
    return _act(filled, action), rules.UNROUTED_API


def _schedule_lost_outcome(s: Component, cand: Candidate, policy: Policy) -> tuple[Outcome, str] | None:
    """A scheduled job played by something other than a CronJob: nothing runs it on its schedule."""
    t, outcome = cand.target, policy.outcome(rules.SCHEDULE_LOST)
    if s.schedule and (cand.via != "workload" or t.kind != "CronJob") and outcome:
        where = _where(cand)
        action = f"add a CronJob with schedule '{s.schedule}' running what {where} runs"
        return _act(_fill(outcome, via=where), action), rules.SCHEDULE_LOST
    return None


def _post_install_outcome(
    s: Component, t: Component, policy: Policy, result: MatchResult
) -> tuple[Outcome, str] | None:
    """A migration run by a Helm hook only after install or upgrade: the new code meets the old schema."""
    post_install = t.hook is not None and not (PRE_PHASES & set(t.hook.phases))
    outcome = policy.outcome(rules.POST_INSTALL_MIGRATION)
    if s.role.kind == RoleKind.MIGRATION and post_install and outcome and t.hook:
        in_chart, note, action = _hook_move(s, t, result)
        phases = ",".join(t.hook.phases)
        filled = _fill(outcome, phases=phases, in_chart=in_chart, chart_note=note)
        return _act(filled, action), rules.POST_INSTALL_MIGRATION
    return None


def _hook_move(s: Component, t: Component, result: MatchResult) -> tuple[str, str, str]:
    """Where the migration hook belongs: ``in_chart`` and ``chart_note`` for the reason, and the action.

    A hook in another chart than the app's (e.g. an infrastructure chart's) must move, not just change
    phase: upgrading the app's chart alone never runs it.
    """
    hook = '"helm.sh/hook": pre-install,pre-upgrade'
    hook_chart, app_charts = _chart_of(t), _app_charts(s, result)
    if hook_chart and app_charts and hook_chart not in app_charts:
        app = " or ".join(app_charts)
        action = f"move {t.name} from chart {hook_chart} into {app} as a {hook} Job"
        return f" of chart {hook_chart}", f"; upgrading {app} alone never migrates", action
    return "", "", f"annotate {t.name} with {hook}"


def _partial_outcome(
    cand: Candidate, p: Pairing, drifts: list[Drift], policy: Policy
) -> tuple[Outcome, str] | None:
    """Played, but with drift of a kind the policy counts as a gap (``partial_on``)."""
    partial = [d for d in drifts if d.kind in policy.partial_on]
    if not partial:
        return None
    messages = "; ".join(d.message for d in partial)
    return Outcome(
        status="partial",
        priority=policy.partial_priority,
        reason=f"played by {_where(cand)}, but " + messages,
        action=_partial_action(cand, p, partial, messages),
    ), rules.drift_rule(partial[0].kind)


def _partial_action(cand: Candidate, p: Pairing, partial: list[Drift], messages: str) -> str:
    """What to do about the drift. A switch selects what a process serves (a URL conf, a worker mode):
    set on a workload that also plays other components, it would change what they get, so the advice is
    a workload of the component's own, never the switch on the shared one."""
    switches = [str(s) for d in partial if d.kind == DriftKind.SWITCH_MISSING for s in d.clowdapp or ()]
    if switches and p.shared_with:
        return (
            f"do not set {', '.join(switches)} on {cand.target.name}: it also plays "
            f"{', '.join(p.shared_with)}, and the switch would change what it serves them; if on-prem needs "
            f"what {p.source.name} does under it, run {p.source.name} as a workload of its own"
        )
    return f"fix {cand.target.name}: " + messages


def _match_outcome(cand: Candidate, p: Pairing, policy: Policy) -> Outcome:
    """No gap: a match (by evidence or a policy alias, whose evidence it carries), or consolidated when
    the workload plays others too."""
    where = _where(cand)
    if cand.alias:
        entry = policy.alias_entry(p.source.name)
        cited = {"evidence": entry.evidence, "rests_on": entry.rests_on} if entry is not None else {}
        return Outcome(status="match", reason=f"played by {where} (policy alias)", **cited)
    if p.shared_with:
        return Outcome(
            status="consolidated",
            reason=f"{where} also plays {', '.join(p.shared_with)}: consolidated into one workload",
        )
    if cand.via == "container":
        return Outcome(status="match", reason=f"run by {where}")
    return Outcome(status="match", reason=f"played by {where}")


def _chart_of(t: Component) -> str | None:
    """The chart a rendered workload comes from: the first part of Helm's ``# Source:`` path."""
    return t.source.template.split("/", 1)[0] if t.source.template and "/" in t.source.template else None


def _app_charts(s: Component, result: MatchResult) -> list[str]:
    """The charts of the workloads that play the other components of ``s``'s app, sorted."""
    charts = (
        _chart_of(p.chosen.target)
        for p in result.pairings
        if p.chosen is not None and p.source.app == s.app and p.source.name != s.name
    )
    return sorted({c for c in charts if c})


def _where(cand: Candidate) -> str:
    """What plays the part, in words: the workload, one of its init containers, or its main container
    before it starts (``via: container``: a workload that migrates first)."""
    t = cand.target
    if cand.via == "container":
        return f"the main container {cand.container.name} of {t.name}, before it starts"
    return t.name if cand.via == "workload" else f"{cand.container.name} in {t.name}"


class ChartVerdict(NamedTuple):
    """A chart workload no ClowdApp component claims: its status, reason and action, and the policy
    entries that decided it (whose evidence its row cites)."""

    workload: Component
    status: ChartStatus
    reason: str
    action: Action
    deciding: list[Reasoned]
    bundles: tuple[str, ...] = ()  # the ClowdApp dependencies (not passed as ClowdApps) it provides


def chart_verdicts(
    source: ComponentGraph, target: ComponentGraph, result: MatchResult, policy: Policy
) -> list[ChartVerdict]:
    """Every chart workload no ClowdApp component claims, judged once: its row (``chart_rows``) and
    the platform services it provides (``platform_services``) both read these."""
    names = result.names
    platform: dict[str, list[Resource]] = {}
    for resource in source.resources:
        platform.setdefault(resource.kind, []).append(resource)
    # read once here, not once per chart workload: _chart_status runs for every unclaimed workload.
    # A dependency whose own ClowdApp is passed is compared component by component instead: the chart
    # workloads playing its parts are claimed, and none of them "bundles" it.
    dependencies = [
        (r, names.tokens(r.name, False))
        for r in source.resources
        if r.kind in DEPENDENCY_KINDS and r.name not in source.apps
    ]
    inline_migrations = _inline_migrations(source)
    verdicts = []
    for t in target.components:
        if t.name not in result.claimed:
            status, reason, action, rule = _chart_status(
                t, source, platform, dependencies, inline_migrations, policy, names
            )
            deciding: list[Reasoned] = [rule] if rule is not None else []
            tokens = names.tokens(t.name, True)
            bundles = tuple(dict.fromkeys(d.name for d, dt in dependencies if _bundles(dt, tokens)))
            verdicts.append(
                ChartVerdict(t, status, reason, action or CHART_ACTION[status], deciding, bundles)
            )
    return verdicts


def _bundles(dependency: frozenset[str], workload: frozenset[str]) -> bool:
    """Whether a chart workload's name words hold all of a dependency's: it runs that service."""
    return bool(dependency) and dependency <= workload


def chart_rows(verdicts: list[ChartVerdict], policy: Policy) -> list[Row]:
    """A row for every chart workload that plays no ClowdApp component's part."""
    return [policy.cited(_chart_row(v.workload, v.status, v.reason, v.action), v.deciding) for v in verdicts]


def _inline_migrations(source: ComponentGraph) -> dict[str | None, list[str]]:
    """Image family -> the ClowdApp components that run migrations before they start."""
    inline: dict[str | None, list[str]] = {}
    for c in source.components:
        if "migration" in c.role.also:
            inline.setdefault(c.role.image_family, []).append(c.name)
    return inline


def _chart_row(t: Component, status: ChartStatus, reason: str, action: Action) -> Row:
    """The row of a chart workload no ClowdApp component claims: never a gap, so no priority."""
    return Row(
        id=t.id,
        app=t.app,
        clowdapp=None,
        chart=[t.name],
        role=t.role.kind.value,
        kind=t.kind,
        status=status,
        priority=None,
        source=None,
        targets=[Target(name=t.name, kind=t.kind, source=t.source)],
        reasons=[reason],
        queues=list(t.role.queues),
        evidence=list(t.role.evidence),
        purpose=role_purpose(t.role),
        action=action.text,
        act_now=action.now,
    )


def _chart_status(
    t: Component,
    source: ComponentGraph,
    platform: dict[str, list[Resource]],
    dependencies: list[tuple[Resource, frozenset[str]]],
    inline_migrations: dict[str | None, list[str]],
    policy: Policy,
    names: Names,
) -> tuple[ChartStatus, str, Action | None, ChartRule | None]:
    """Status, reason, an action when the status's own (``CHART_ACTION``) would mislead, and the policy's
    chart rule when one decided."""
    rule = policy.chart_rule(t.name, t.role.kind.value)
    if rule is not None and not (rule.unless_app and rule.unless_app in source.apps):
        # a workload of an app not passed is out of scope, not something to check the chart needs
        scope = f"out of scope: pass its ClowdApp ({rule.unless_app}) too, to compare it"
        action = Action(scope, now=True) if rule.unless_app else None
        return rule.status, f"policy: {rule.reason}", action, rule
    status, reason = _chart_evidence_status(t, platform, dependencies, inline_migrations, names)
    return status, reason, None, None


def _chart_evidence_status(
    t: Component,
    platform: dict[str, list[Resource]],
    dependencies: list[tuple[Resource, frozenset[str]]],
    inline_migrations: dict[str | None, list[str]],
    names: Names,
) -> tuple[ChartStatus, str]:
    """The status of a chart workload no policy rule decides: from what the ClowdApp takes from its
    platform, the migrations it runs inline and its dependencies."""
    if t.role.kind in INFRA_ROLES:
        for kind in ROLES[t.role.kind].platform:
            wanted = platform.get(kind)
            if wanted:
                named = sorted({r.app for r in wanted})
                apps = f"{', '.join(named)} {'takes' if len(named) == 1 else 'take'}"
                return "infra", (
                    f"provides the {kind.replace('-', ' ')} that {apps} from the platform "
                    f"(first declared at {wanted[0].source})"
                )
    if t.role.kind == RoleKind.MIGRATION:
        inline = inline_migrations.get(t.role.image_family, [])
        if inline:
            when = f"as a {','.join(t.hook.phases)} hook" if t.hook else "as a job"
            return "better", (
                f"runs the migrations once {when}; the ClowdApp runs them inline before "
                f"{', '.join(inline[:4])}{' ...' if len(inline) > 4 else ''} start"
            )
    tokens = names.tokens(t.name, True)
    for dep, dep_tokens in dependencies:
        if _bundles(dep_tokens, tokens):
            return "better", f"bundles {dep.name}, a ClowdApp dependency the platform provides ({dep.source})"
    if t.role.kind in INFRA_ROLES:
        return "extra", f"{t.role.kind.value} with no ClowdApp counterpart"
    return "extra", "no ClowdApp component plays this part"


def platform_services(
    source: ComponentGraph,
    target: ComponentGraph,
    verdicts: list[ChartVerdict],
    result: MatchResult | None = None,
) -> list[PlatformService]:
    """What the ClowdApp takes from its platform, and which chart workloads provide it (the chart
    workloads classified `infra`: a database that belongs to a bundled service is not the app's).

    A dependency (another app) is provided by what its rows say: when its own ClowdApp is passed, the
    chart workloads that play its components (``result``); otherwise those whose row bundles it."""
    infra = {v.workload.name for v in verdicts if v.status == "infra"}
    by_kind = _infra_by_kind(target, infra)
    topics = {r.name for r in target.resources if r.kind == "KafkaTopic"}
    services: list[PlatformService] = []
    bundling: dict[str, set[str]] = {}  # dependency -> the unclaimed chart workloads that bundle it
    for v in verdicts:
        for dep in v.bundles:
            bundling.setdefault(dep, set()).add(v.workload.name)
    playing: dict[str, set[str]] = {}  # passed app -> the chart workloads playing its components
    for p in result.pairings if result is not None else ():
        if p.chosen is not None and p.chosen.via == "workload":
            playing.setdefault(p.source.app, set()).add(p.chosen.target.name)
    for r in source.resources:
        if r.kind not in ("database", "in-memory-db", "kafka-topic", "object-store", *DEPENDENCY_KINDS):
            continue
        provided = list(by_kind.get(r.kind, []))
        if r.kind in DEPENDENCY_KINDS:  # a service the platform runs beside the app (rbac, ingress, ...)
            found = playing.get(r.name, set()) if r.name in source.apps else bundling.get(r.name, set())
            provided = [t.name for t in target.components if t.name in found]  # chart order
        if r.kind == "kafka-topic" and r.name in topics:
            provided.append(f"KafkaTopic/{r.name}")
        services.append(
            PlatformService(
                kind=r.kind,
                name=r.name,
                app=r.app,
                source=SourceRef(file=r.source.file, line=r.source.line),
                provided_by=provided,
            )
        )
    return services


def _infra_by_kind(target: ComponentGraph, infra: set[str]) -> dict[str, list[str]]:
    """Platform service kind -> the chart workloads of ``infra`` that provide it, in chart order."""
    by_kind: dict[str, list[str]] = {}
    for t in target.components:
        if t.name not in infra:
            continue
        for kind in ROLES[t.role.kind].platform:
            by_kind.setdefault(kind, []).append(t.name)
    return by_kind
