"""The words every stage shares, each defined once with what it means: priorities and the levels CI
formats give them, statuses and the groups they fall in, role kinds, drift kinds.

Policy validation, the engine, the report model and the reporters read these tables; nothing else
lists them. The names are a public contract (JSON, SARIF rule ids, policies): add freely, never rename.
The kinds of gap built from them (``missing-<role>``, ``drift-<kind>`` and the special ones) are in
``rules.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, get_args

# --- priorities -------------------------------------------------------------------------------------

Priority = Literal["P0", "P1", "P2", "P3"]
PRIORITIES: tuple[Priority, ...] = get_args(Priority)  # the most urgent first
Level = Literal["error", "warning", "note"]
# P0 and P1 break the service or a feature; P2 degrades it; P3 is worth knowing.
LEVEL_OF_PRIORITY: dict[Priority, Level] = {"P0": "error", "P1": "error", "P2": "warning", "P3": "note"}
# The gaps a report explains in full (ClowdApp lines, impact) and suggests a Helm template for.
DETAILED_PRIORITIES: tuple[Priority, ...] = ("P0", "P1", "P2")


def priority_at_least(priority: str | None, threshold: str) -> bool:
    """P0 is the most urgent: ``priority_at_least("P0", "P1")`` is True; ``none`` is no threshold."""
    if priority is None or threshold == "none":
        return False
    order: tuple[str, ...] = PRIORITIES
    return order.index(priority) <= order.index(threshold)


# --- statuses and their groups ----------------------------------------------------------------------

# What a status says about the chart, for summaries and sections. Every reporter reads Row.group.
Group = Literal["covered", "lacking", "optional", "beyond"]
GROUPS: dict[Group, str] = {
    "covered": "the chart plays the component's part",
    "lacking": "the chart lacks the part or plays it only in part",
    "optional": "the chart need not play the part",
    "beyond": "the chart runs something the ClowdApp does not",
}

Status = Literal["match", "consolidated", "partial", "missing", "optional", "better", "infra", "extra"]
# The statuses of a chart workload no ClowdApp component claims.
ChartStatus = Literal["better", "infra", "extra"]


@dataclass(frozen=True)
class StatusInfo:
    group: Group
    description: str


# In report order: what to fix first, then what is fine, then what the chart adds.
STATUSES: dict[Status, StatusInfo] = {
    "missing": StatusInfo("lacking", "nothing in the chart plays the component's part"),
    "partial": StatusInfo("lacking", "played, but in a way that loses something the policy counts"),
    "optional": StatusInfo("optional", "not played, and the policy says the chart need not play it"),
    "consolidated": StatusInfo("covered", "played by a workload that plays other components too"),
    "match": StatusInfo("covered", "played by a chart workload"),
    "better": StatusInfo("beyond", "a chart workload that does more than the ClowdApp asks"),
    "infra": StatusInfo("beyond", "a chart workload that provides what the ClowdApp takes from its platform"),
    "extra": StatusInfo("beyond", "a chart workload no ClowdApp component accounts for"),
}
STATUS_ORDER: tuple[Status, ...] = tuple(STATUSES)
GROUP_ORDER: tuple[Group, ...] = tuple(GROUPS)
GROUP_OF_STATUS: dict[Status, Group] = {status: info.group for status, info in STATUSES.items()}
# Gaps: a priority, a waiver, a rule (kind of gap). The others are settled: nothing to do but check drift.
GAP_STATUSES: frozenset[Status] = frozenset(
    s for s, g in GROUP_OF_STATUS.items() if g in ("lacking", "optional")
)
SETTLED_STATUSES: frozenset[Status] = frozenset(STATUS_ORDER) - GAP_STATUSES

# --- role kinds -------------------------------------------------------------------------------------


class RoleKind(StrEnum):
    """What a workload is, independent of what it is called."""

    CELERY_WORKER = "celery-worker"
    CELERY_BEAT = "celery-beat"
    WEB_API = "web-api"
    REVERSE_PROXY = "reverse-proxy"
    STATIC_WEB = "static-web"
    KAFKA_CONSUMER = "kafka-consumer"
    MANAGEMENT_COMMAND = "management-command"
    SUBCOMMAND = "subcommand"
    MIGRATION = "migration"
    AD_HOC_COMMAND = "ad-hoc-command"
    DATABASE = "database"
    CACHE = "cache"
    KAFKA = "kafka"
    QUERY_ENGINE = "query-engine"
    METASTORE = "metastore"
    OBJECT_STORE = "object-store"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Missing:
    """What CI formats say when a ClowdApp component of a role has no counterpart (``missing-<role>``)."""

    short: str
    full: str
    level: Level  # under the default policy


@dataclass(frozen=True)
class RoleInfo:
    purpose: str  # what a workload of the role is for; ``{queues}`` and ``{command}`` are filled in
    missing: Missing | None = None  # None: described generically (infrastructure, which a chart adds)
    # Infrastructure: what a ClowdApp takes from its platform (``platform``: the resource kinds it
    # declares for it), so a chart workload of the role provides it rather than being the app's.
    infra: bool = False
    platform: tuple[str, ...] = ()


ROLES: dict[RoleKind, RoleInfo] = {
    RoleKind.CELERY_WORKER: RoleInfo(
        "runs Celery tasks from its queue(s) {queues}",
        Missing(
            "Celery worker missing",
            "A Celery worker of the ClowdApp has no counterpart in the chart.",
            "error",
        ),
    ),
    RoleKind.CELERY_BEAT: RoleInfo(
        "schedules the periodic Celery tasks",
        Missing(
            "Celery beat missing",
            "The ClowdApp runs Celery beat and the chart does not: periodic tasks are never scheduled.",
            "error",
        ),
    ),
    RoleKind.WEB_API: RoleInfo(
        "serves the HTTP API",
        Missing(
            "API missing",
            "A ClowdApp component serving HTTP has no counterpart in the chart: its endpoints are "
            "unreachable.",
            "error",
        ),
    ),
    RoleKind.REVERSE_PROXY: RoleInfo(
        "routes client requests to the API workloads",
        Missing(
            "Reverse proxy missing",
            "The ClowdApp's reverse proxy has no counterpart in the chart; clients must reach the APIs "
            "another way (an Ingress or Route, or a gateway the chart provides).",
            "warning",
        ),
    ),
    RoleKind.STATIC_WEB: RoleInfo(
        "serves static files (a web UI)",
        Missing(
            "Static web server missing",
            "A ClowdApp component serving static files has no counterpart in the chart.",
            "warning",
        ),
    ),
    RoleKind.KAFKA_CONSUMER: RoleInfo(
        "consumes Kafka messages ({command})",
        Missing(
            "Kafka consumer missing",
            "A ClowdApp component that consumes Kafka topics has no counterpart in the chart: messages on "
            "its topics are never read and the data they carry stops flowing.",
            "error",
        ),
    ),
    RoleKind.MANAGEMENT_COMMAND: RoleInfo(
        "runs the management command {command}",
        Missing(
            "Management-command workload missing",
            "A long-running Django management command of the ClowdApp has no counterpart in the chart.",
            "error",
        ),
    ),
    RoleKind.SUBCOMMAND: RoleInfo(
        "runs {command}",
        Missing(
            "Worker process missing",
            "A long-running worker process (a binary and its subcommand) has no counterpart in the chart.",
            "error",
        ),
    ),
    RoleKind.MIGRATION: RoleInfo(
        "applies the database migrations",
        Missing(
            "Database migration missing",
            "The ClowdApp migrates the database and the chart does not: the schema is never created or "
            "upgraded.",
            "error",
        ),
    ),
    RoleKind.AD_HOC_COMMAND: RoleInfo(
        "runs a command supplied at deploy time ({command})",
        Missing(
            "Ad-hoc command job missing",
            "A job that runs one command on demand has no counterpart in the chart; run it with kubectl when "
            "needed.",
            "note",
        ),
    ),
    RoleKind.DATABASE: RoleInfo("a database server", infra=True, platform=("database",)),
    RoleKind.CACHE: RoleInfo("an in-memory cache", infra=True, platform=("in-memory-db",)),
    RoleKind.KAFKA: RoleInfo("a Kafka broker", infra=True, platform=("kafka-topic",)),
    RoleKind.QUERY_ENGINE: RoleInfo("a SQL query engine", infra=True),
    RoleKind.METASTORE: RoleInfo("a table metastore for the query engine", infra=True),
    RoleKind.OBJECT_STORE: RoleInfo("object storage (S3-compatible)", infra=True, platform=("object-store",)),
    RoleKind.UNKNOWN: RoleInfo(
        "not recognised from its command or image",
        Missing(
            "Component of unknown role missing",
            "A ClowdApp component whose role koku-gap cannot tell has no counterpart in the chart; check it "
            "by hand.",
            "error",
        ),
    ),
}
ROLE_NAMES: tuple[str, ...] = tuple(kind.value for kind in RoleKind)
INFRA_ROLES: frozenset[RoleKind] = frozenset(kind for kind, info in ROLES.items() if info.infra)

# --- drift kinds ------------------------------------------------------------------------------------


class DriftKind(StrEnum):
    """How a matched pair differs, field by field (``Drift.kind``; a policy's ``partial_on`` names them)."""

    ENV_MISSING = "env-missing"
    ENV_FROM = "env-from"
    SWITCH_MISSING = "switch-missing"
    RESOURCES = "resources"
    REPLICAS = "replicas"
    AUTOSCALING = "autoscaling"
    PROBE_MISSING = "probe-missing"
    HOOK_PHASE = "hook-phase"
    SCHEDULE = "schedule"


@dataclass(frozen=True)
class DriftInfo:
    short: str  # one line, for CI formats (the ``drift-<kind>`` rule)
    full: str  # what the difference means for the service


DRIFTS: dict[DriftKind, DriftInfo] = {
    DriftKind.SWITCH_MISSING: DriftInfo(
        "Env switch missing",
        "The chart runs the component without an environment switch that selects what it does in the "
        "ClowdApp (a variable such as WORKER_MODE=true): it runs, but as something else.",
    ),
    DriftKind.ENV_MISSING: DriftInfo(
        "Environment variable missing",
        "The chart runs the component without an environment variable the ClowdApp sets.",
    ),
    DriftKind.ENV_FROM: DriftInfo(
        "Environment variable unverified",
        "The chart may set an environment variable the ClowdApp sets only through an envFrom source whose "
        "keys the files do not show.",
    ),
    DriftKind.RESOURCES: DriftInfo(
        "Resources differ", "The chart's requests or limits differ from the ClowdApp's."
    ),
    DriftKind.REPLICAS: DriftInfo(
        "Replicas differ", "The chart runs a different number of replicas than the ClowdApp."
    ),
    DriftKind.AUTOSCALING: DriftInfo(
        "Autoscaling differs", "The chart scales the component differently from the ClowdApp."
    ),
    DriftKind.PROBE_MISSING: DriftInfo(
        "Probe missing", "The chart's container lacks a liveness or readiness probe the ClowdApp defines."
    ),
    DriftKind.HOOK_PHASE: DriftInfo(
        "Hook phase differs",
        "The chart runs the job in a different Helm hook phase than the ClowdApp implies.",
    ),
    DriftKind.SCHEDULE: DriftInfo(
        "Schedule differs",
        "The chart runs a scheduled job on another schedule, or on none, or schedules what the ClowdApp "
        "does not: its work runs at other times.",
    ),
}
DRIFT_NAMES: tuple[str, ...] = tuple(kind.value for kind in DriftKind)

# Each table covers its whole vocabulary: a new word without its description fails at import.
assert set(STATUSES) == set(get_args(Status)), "every Status needs a STATUSES entry"
assert set(get_args(ChartStatus)) <= set(STATUSES) and set(get_args(ChartStatus)) == {
    s for s, g in GROUP_OF_STATUS.items() if g == "beyond"
}, "ChartStatus is the statuses of the 'beyond' group"
assert set(ROLES) == set(RoleKind), "every RoleKind needs a ROLES entry"
assert set(DRIFTS) == set(DriftKind), "every DriftKind needs a DRIFTS entry"
