"""The kinds of gap, in one place: the rule id a row carries and what CI formats say about it.

Engine side, next to ``classify.py``, which names the rule that decided a gap (``Row.rule``): the engine
never imports a reporter. The report model derives each row's level from ``LEVEL_OF_PRIORITY``; SARIF
lists these rules with their help text, JUnit uses the id as the failure type, GitHub annotations as
the title. Ids are a public contract (code-scanning alerts are keyed on them): add rules freely, never
rename one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning", "note"]

# P0 and P1 break the service or a feature; P2 degrades it; P3 is worth knowing.
LEVEL_OF_PRIORITY: dict[str, Level] = {"P0": "error", "P1": "error", "P2": "warning", "P3": "note"}

UNCOVERED_QUEUE = "uncovered-celery-queue"
SCHEDULE_LOST = "schedule-lost"
POST_INSTALL_MIGRATION = "post-install-migration"
MISSING_SCHEDULED = "missing-scheduled-job"
MISSING_DISABLED = "missing-disabled-component"
POLICY_OVERRIDE = "policy-override"
ROLE_ALONE = "role-alone-match"


@dataclass(frozen=True)
class Rule:
    id: str
    short: str  # one line, what the gap is
    full: str  # what it means for the service
    help: str  # how to close it
    level: Level  # the level under the default policy; each result carries its own

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

# role -> (short, full, level under the default policy)
_MISSING: dict[str, tuple[str, str, Level]] = {
    "kafka-consumer": (
        "Kafka consumer missing",
        "A ClowdApp component that consumes Kafka topics has no counterpart in the chart: messages on its "
        "topics are never read and the data they carry stops flowing.",
        "error",
    ),
    "celery-worker": (
        "Celery worker missing",
        "A Celery worker of the ClowdApp has no counterpart in the chart.",
        "error",
    ),
    "celery-beat": (
        "Celery beat missing",
        "The ClowdApp runs Celery beat and the chart does not: periodic tasks are never scheduled.",
        "error",
    ),
    "web-api": (
        "API missing",
        "A ClowdApp component serving HTTP has no counterpart in the chart: its endpoints are unreachable.",
        "error",
    ),
    "reverse-proxy": (
        "Reverse proxy missing",
        "The ClowdApp's reverse proxy has no counterpart in the chart; clients must reach the APIs another "
        "way (an Ingress or Route, or a gateway the chart provides).",
        "warning",
    ),
    "static-web": (
        "Static web server missing",
        "A ClowdApp component serving static files has no counterpart in the chart.",
        "warning",
    ),
    "management-command": (
        "Management-command workload missing",
        "A long-running Django management command of the ClowdApp has no counterpart in the chart.",
        "error",
    ),
    "subcommand": (
        "Worker process missing",
        "A long-running worker process (a binary and its subcommand) has no counterpart in the chart.",
        "error",
    ),
    "migration": (
        "Database migration missing",
        "The ClowdApp migrates the database and the chart does not: the schema is never created or upgraded.",
        "error",
    ),
    "ad-hoc-command": (
        "Ad-hoc command job missing",
        "A job that runs one command on demand has no counterpart in the chart; run it with kubectl when "
        "needed.",
        "note",
    ),
    "unknown": (
        "Component of unknown role missing",
        "A ClowdApp component whose role koku-gap cannot tell has no counterpart in the chart; check it by "
        "hand.",
        "error",
    ),
}

_DRIFT: dict[str, tuple[str, str]] = {
    "switch-missing": (
        "Env switch missing",
        "The chart runs the component without an environment switch that selects what it does in the "
        "ClowdApp (for example MASU=true): it runs, but as something else.",
    ),
    "env-missing": (
        "Environment variable missing",
        "The chart runs the component without an environment variable the ClowdApp sets.",
    ),
    "resources": (
        "Resources differ",
        "The chart's requests or limits differ from the ClowdApp's.",
    ),
    "replicas": ("Replicas differ", "The chart runs a different number of replicas than the ClowdApp."),
    "autoscaling": ("Autoscaling differs", "The chart scales the component differently from the ClowdApp."),
    "probe-missing": (
        "Probe missing",
        "The chart's container lacks a liveness or readiness probe the ClowdApp defines.",
    ),
    "hook-phase": (
        "Hook phase differs",
        "The chart runs the job in a different Helm hook phase than the ClowdApp implies.",
    ),
}

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
    ),
    SCHEDULE_LOST: Rule(
        SCHEDULE_LOST,
        "Schedule lost",
        "A scheduled ClowdApp job is matched by something that runs only at pod start (an init container "
        "or a long-running workload): its periodic work runs once.",
        "Add a CronJob with the ClowdApp job's schedule that runs the same command.",
        "warning",
    ),
    POST_INSTALL_MIGRATION: Rule(
        POST_INSTALL_MIGRATION,
        "Migrations run after the workloads start",
        "The chart runs database migrations as a post-install or post-upgrade hook: the new code starts "
        "against the old schema.",
        'Run the migration job as a pre-install,pre-upgrade hook (annotation "helm.sh/hook").',
        "warning",
    ),
    MISSING_SCHEDULED: Rule(
        MISSING_SCHEDULED,
        "Scheduled job missing",
        "A scheduled ClowdApp job (CronJob) has no counterpart in the chart: its periodic work never runs.",
        "Add a CronJob with the same schedule and command to the chart.",
        "warning",
    ),
    MISSING_DISABLED: Rule(
        MISSING_DISABLED,
        "Disabled component missing",
        "A ClowdApp component that runs with 0 replicas by default has no counterpart in the chart.",
        "Nothing, unless on-prem enables the component; then add it to the chart.",
        "note",
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


def rule(rule_id: str) -> Rule:
    """The rule's metadata; ids from a newer policy or drift kind get a generic description."""
    if rule_id in _SPECIAL:
        return _SPECIAL[rule_id]
    kind, _, rest = rule_id.partition("-")
    if kind == "missing":
        short, full, level = _MISSING.get(
            rest,
            (
                f"{rest.replace('-', ' ').capitalize()} missing",
                f"A ClowdApp component of role {rest} has no counterpart in the chart.",
                "error",
            ),
        )
        return Rule(rule_id, short, full, _ADD, level)
    if kind == "drift":
        short, full = _DRIFT.get(
            rest, (f"Drift: {rest}", f"The chart's counterpart differs from the ClowdApp ({rest}).")
        )
        return Rule(
            rule_id,
            short,
            full + " The policy counts this difference as a gap (`partial_on`).",
            "Change the chart's workload to do what the ClowdApp does; the row's drift lists the difference.",
            "warning",
        )
    return Rule(rule_id, rule_id, f"Gap of kind {rule_id}.", "See the row's reasons.", "warning")
