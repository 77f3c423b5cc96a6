"""The kinds of gap, in one place: the rule id a row carries and what CI formats say about it.

``classify.py`` names the rule that decided a gap (``Row.rule``); SARIF lists these rules with their
help text, JUnit uses the id as the failure type, GitHub annotations as the title. Ids are a public
contract (code-scanning alerts are keyed on them): add rules freely, never rename one.

Two families are built from the vocabulary: ``missing-<role>`` (a role's ``Missing`` text) and
``drift-<kind>`` (a drift kind's description); the special kinds are defined here, each with the
policy key (``section``) whose outcome decides its rows: ``Policy`` builds its fields from them.
"""

from __future__ import annotations

from dataclasses import dataclass

from koku_gap.model.vocabulary import (
    DRIFT_NAMES,
    DRIFTS,
    LEVEL_OF_PRIORITY,
    ROLE_NAMES,
    ROLES,
    DriftKind,
    Level,
    RoleKind,
)

__all__ = ["LEVEL_OF_PRIORITY", "OUTCOME_SECTIONS", "Level", "Rule", "drift_rule", "missing_rule", "rule"]

UNCOVERED_QUEUE = "uncovered-celery-queue"
UNPROVEN_QUEUE = "unproven-celery-queue"
UNSENT_QUEUE = "unsent-celery-queue"
UNPROVEN_CONSUMER = "unproven-kafka-consumer"
UNFED_CONSUMER = "unfed-kafka-consumer"
SCHEDULE_LOST = "schedule-lost"
POST_INSTALL_MIGRATION = "post-install-migration"
MISSING_SCHEDULED = "missing-scheduled-job"
MISSING_DISABLED = "missing-disabled-component"
POLICY_OVERRIDE = "policy-override"
ROLE_ALONE = "role-alone-match"
UNROUTED_API = "unrouted-api"


@dataclass(frozen=True)
class Rule:
    id: str
    short: str  # one line, what the gap is
    full: str  # what it means for the service
    help: str  # how to close it
    level: Level  # the level under the default policy; each result carries its own
    section: str | None = None  # the policy key whose outcome decides the row's status and priority

    @property
    def name(self) -> str:
        """PascalCase, as SARIF's ``reportingDescriptor.name`` wants it."""
        return "".join(part.capitalize() for part in self.id.split("-"))


def missing_rule(role: str) -> str:
    """A ClowdApp component of this role has no counterpart in the chart."""
    return f"missing-{role}"


def drift_rule(kind: str) -> str:
    """A matched component differs in a way the policy counts as a gap (``partial_on``)."""
    return f"drift-{kind}"


_ADD = (
    "Add a workload to the chart that runs the same command with the same configuration; the Markdown "
    "report (`--format markdown`) shows the ClowdApp lines and a suggested Helm template. If the chart "
    "does not need it, say so in the policy (`components:` override or a waiver with a reason)."
)

_SPECIAL: dict[str, Rule] = {
    ROLE_ALONE: Rule(
        ROLE_ALONE,
        "Matched on role alone",
        "The chart workload plays the ClowdApp component's role, but nothing else (image, command, queue, "
        "switch) says it runs the same application: the pair may be two different services.",
        "Check that the chart workload runs the same application; if it does, say so with a policy alias "
        "(`match: {COMPONENT: WORKLOAD}`), which settles the row.",
        "warning",
    ),
    UNCOVERED_QUEUE: Rule(
        UNCOVERED_QUEUE,
        "Celery queue consumed by no chart worker",
        "A Celery queue the ClowdApp's worker consumes is consumed by no worker of the chart: tasks routed "
        "to it wait forever.",
        "Add the queue to an existing chart worker's `-Q` list, or add a worker that consumes it. Queues "
        "on-prem never routes tasks to can be waived in the policy (`waivers: [{queue: ..., reason: ...}]`).",
        "error",
        section="uncovered_queue",
    ),
    UNPROVEN_QUEUE: Rule(
        UNPROVEN_QUEUE,
        "Celery queue consumed by no chart worker, sent to on unproven paths",
        "A Celery queue the ClowdApp's worker consumes is consumed by no worker of the chart, and the "
        "application's code can send tasks to it, but only on paths whose conditions the files do not "
        "settle (a request, a provider's type, a feature flag): tasks wait if such a path runs.",
        "Read the senders on the row: if one runs on this install, consume the queue (an existing worker's "
        "`-Q` or a new worker); if none does, say why in the policy (`components:` or a queue waiver).",
        "warning",
        section="unproven_queue",
    ),
    UNSENT_QUEUE: Rule(
        UNSENT_QUEUE,
        "Celery queue nothing deployed sends to",
        "A Celery queue the ClowdApp's worker consumes is consumed by no worker of the chart, and nothing "
        "deployed sends to it: no task routes there, or every sender is off under the pods' settings.",
        "Nothing while the senders on the row stay off; revisit when the chart's settings change.",
        "note",
        section="unsent_queue",
    ),
    UNPROVEN_CONSUMER: Rule(
        UNPROVEN_CONSUMER,
        "Kafka consumer missing, its topics produced on unproven paths",
        "A Kafka consumer of the ClowdApp has no counterpart in the chart, and something may produce to the "
        "topics its code reads (the app's own code on a path whose conditions the files do not settle, or a "
        "chart workload naming the topic): messages wait unread if it does.",
        "Read the producers on the row: if one produces on this install, add the consumer; if none does, "
        "say why in the policy (`components:`).",
        "warning",
        section="unproven_consumer",
    ),
    UNFED_CONSUMER: Rule(
        UNFED_CONSUMER,
        "Kafka consumer missing, nothing produces its topics",
        "A Kafka consumer of the ClowdApp has no counterpart in the chart, and nothing deployed produces to "
        "the topics its code reads: nothing waits to be read.",
        "Nothing while no producer is deployed; revisit when the chart adds one.",
        "note",
        section="unfed_consumer",
    ),
    SCHEDULE_LOST: Rule(
        SCHEDULE_LOST,
        "Schedule lost",
        "A scheduled ClowdApp job is matched by something that runs only at pod start (an init container "
        "or a long-running workload): its periodic work runs once.",
        "Add a CronJob with the ClowdApp job's schedule that runs the same command.",
        "warning",
        section="schedule_lost",
    ),
    POST_INSTALL_MIGRATION: Rule(
        POST_INSTALL_MIGRATION,
        "Migrations run after the workloads start",
        "The chart runs database migrations as a post-install or post-upgrade hook: the new code starts "
        "against the old schema.",
        'Run the migration job as a pre-install,pre-upgrade hook (annotation "helm.sh/hook").',
        "warning",
        section="post_install_migration",
    ),
    UNROUTED_API: Rule(
        UNROUTED_API,
        "Public API routed nowhere",
        "A public web service of the ClowdApp is exposed under /api/<apiPath>/ in SaaS, and the chart's "
        "routes (Route, Ingress, a gateway's own routes) send no request under that path to the workload "
        "that plays it: users cannot reach the API.",
        "Route /api/<apiPath>/ to the workload on the row (a Route or Ingress path, or a gateway's routes).",
        "warning",
        section="unrouted_api",
    ),
    MISSING_SCHEDULED: Rule(
        MISSING_SCHEDULED,
        "Scheduled job missing",
        "A scheduled ClowdApp job (CronJob) has no counterpart in the chart: its periodic work never runs.",
        "Add a CronJob with the same schedule and command to the chart.",
        "warning",
        section="missing_scheduled",
    ),
    MISSING_DISABLED: Rule(
        MISSING_DISABLED,
        "Disabled component missing",
        "A ClowdApp component that runs with 0 replicas by default has no counterpart in the chart.",
        "Nothing, unless on-prem enables the component; then add it to the chart.",
        "note",
        section="missing_disabled",
    ),
    POLICY_OVERRIDE: Rule(
        POLICY_OVERRIDE,
        "Gap set by the policy",
        "The policy (`components:`) turns this component into a gap whatever the chart does; the row's "
        "first reason says why.",
        "Read the policy's reason on the row; change the chart or the policy.",
        "warning",
    ),
}


# The policy keys of the special kinds that have one, in the order the policy documents them: the
# fields of ``Policy`` are built from this (engine/policy.py), so a new kind is one entry above.
OUTCOME_SECTIONS: dict[str, str] = {r.id: r.section for r in _SPECIAL.values() if r.section is not None}


def rule(rule_id: str) -> Rule:
    """The rule's metadata; ids from a newer policy or drift kind get a generic description."""
    if rule_id in _SPECIAL:
        return _SPECIAL[rule_id]
    kind, _, rest = rule_id.partition("-")
    if kind == "missing":
        known = ROLES[RoleKind(rest)].missing if rest in ROLE_NAMES else None
        if known is not None:
            return Rule(rule_id, known.short, known.full, _ADD, known.level)
        short = f"{rest.replace('-', ' ').capitalize()} missing"
        return Rule(
            rule_id,
            short,
            f"A ClowdApp component of role {rest} has no counterpart in the chart.",
            _ADD,
            "error",
        )
    if kind == "drift":
        drift = DRIFTS[DriftKind(rest)] if rest in DRIFT_NAMES else None
        short, full = (
            (drift.short, drift.full)
            if drift
            else (f"Drift: {rest}", f"The chart's counterpart differs from the ClowdApp ({rest}).")
        )
        return Rule(
            rule_id,
            short,
            full + " The policy counts this difference as a gap (`partial_on`).",
            "Change the chart's workload to do what the ClowdApp does; the row's drift lists the difference.",
            "warning",
        )
    return Rule(rule_id, rule_id, f"Gap of kind {rule_id}.", "See the row's reasons.", "warning")
