"""The one model every reporter reads; ``gap-report --format json`` prints it as is.

Field names here are a public contract (schema_version 1): add fields freely, never rename.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, cast

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from koku_gap.model.base import Frozen
from koku_gap.model.delta import Delta
from koku_gap.model.location import INSTANCE_DETAIL, Notice, SourceRef
from koku_gap.model.vocabulary import (
    DETAILED_PRIORITIES,
    GAP_STATUSES,
    GROUP_OF_STATUS,
    GROUP_ORDER,
    LEVEL_OF_PRIORITY,
    PRIORITIES,
    STATUS_ORDER,
    STATUSES,
    Group,
    Level,
    Priority,
    Status,
    priority_at_least,
)

SCHEMA_VERSION = 1
# How a target plays the part when it is not the whole workload, in words (``via`` -> words); a value
# not listed reads as itself with spaces, so a new ``via`` never needs a reporter change.
VIA_WORDS: dict[str, str] = {"init-container": "init container", "container": "main container"}
_LOCATION = ("file", "line", "template", "template_file", "template_line")  # SourceRef's fields
ASSUMED = "assumed: "  # how a reason that states an assumption begins (Assumption.words)
NOT_RENDERED = "not rendered"  # Row.status_words of a row whose counterpart may be in a left-out template


class Target(Frozen):
    """A chart object that plays (part of) a ClowdApp component's part, and where it is written.

    Schema 1 writes the location flat (``name, kind, file, line, template, via, container``): the JSON
    keeps that shape, and reads it back, while the model holds one SourceRef like every other one."""

    name: str
    kind: str
    source: SourceRef
    via: Literal["workload", "init-container", "container"] = "workload"
    container: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _nest(cls, data: Any) -> Any:
        if isinstance(data, dict) and "source" not in data:
            flat = dict(data)
            location = {k: flat.pop(k) for k in _LOCATION if k in flat}
            return {**flat, "source": location}
        return data

    @model_serializer(mode="wrap")
    def _flat(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in handler(self).items():
            if key == "source":
                out.update(value)
            else:
                out[key] = value
        return out

    @property
    def file(self) -> str:
        return self.source.file

    @property
    def line(self) -> int:
        return self.source.line

    @property
    def template(self) -> str | None:
        return self.source.template

    @property
    def opens(self) -> str:
        """Where to look: the template file and line with ``--chart``, else the rendered file's line."""
        return self.source.opens

    @property
    def via_words(self) -> str | None:
        """``init container``, ``main container``, ...: None when the whole workload plays the part."""
        via: str = self.via
        if via == "workload":
            return None
        return VIA_WORDS.get(via, via.replace("-", " "))

    def describe(self, quote: Callable[[str], str] = str) -> str:
        """What plays the part, in words every reporter shares: ``main container api of shop-api``.

        ``quote`` wraps names (Markdown passes backticks)."""
        words = self.via_words
        if words is None:
            return quote(self.name)
        container = f" {quote(self.container)}" if self.container else ""
        return f"{words}{container} of {quote(self.name)}"


class Drift(Frozen):
    """One field-level difference of a matched pair."""

    kind: str  # a DriftKind (model/vocabulary.py, docs/json.md); str, so a newer version's report reads
    message: str
    clowdapp: Any = None
    chart: Any = None


class Remediation(Frozen):
    """A suggested Helm template for a missing component, and the values.yaml fragment it reads."""

    path: str  # where it would go in the chart, e.g. templates/sources-listener-deployment.yaml
    template: str
    values: str
    # The template family (``Report.families``) that writes this suggestion with alike ones; absent
    # from the JSON when none, so a report without families is written as before.
    family: str | None = Field(default=None, exclude_if=lambda v: v is None)


class TemplateFamily(Frozen):
    """One suggested template for alike gaps (``extras/remediation/families.py``): a ``range`` over the
    members' values, what they share written once. ``members`` are row ids, in row order."""

    key: str  # its values.yaml key, e.g. appDeployments
    path: str
    template: str
    values: str
    members: list[str]


class WaiverInfo(Frozen):
    """The policy waiver that matched a gap row: ``expired`` ones no longer waive it."""

    subject: str  # what the waiver names: "component clowder-worker-hcs", "queue hcs"
    reason: str
    expires: str | None = None  # ISO date: the last day the waiver holds
    expired: bool = False


class Citation(Frozen):
    """A line of an application's source that a policy entry cites for its reason, so a reader can
    check the reason rather than trust it: ``file`` relative to the source root, 1-based ``line``, the
    line's ``text`` stripped (optional; it also finds the line again when it moved), the ``commit`` the
    line was read at and the ``app`` whose source it is (optional: the only app, when one)."""

    file: str = Field(min_length=1)
    line: int = Field(ge=1, strict=True)
    text: str | None = None
    commit: str | None = None
    app: str | None = None

    @field_validator("commit", mode="before")
    @classmethod
    def _commit_written_as_text(cls, value: object) -> object:
        if value is None or isinstance(value, str):
            return value
        raise ValueError(f'a commit is text: quote it (commit: "{value}"), or YAML reads it as a number')

    def __str__(self) -> str:
        at = f" @{self.commit}" if self.commit else ""
        return f"{self.file}:{self.line}{at}"


class Assumption(Frozen):
    """Something the files cannot settle, that a verdict rests on: a policy ``assume:`` entry."""

    name: str
    statement: str
    evidence: list[Citation] = Field(default_factory=list)

    @property
    def words(self) -> str:
        """How a row says it: ``assumed: one-region — the install runs in one region``."""
        return f"{ASSUMED}{self.name} — {self.statement}"


class BaselineResult(Frozen):
    """How the current gaps compare with a baseline file (``--baseline``); lists of row ids, sorted."""

    file: str
    # current gaps, waived ones included (Report.with_baseline): recorded ones do not fail the run
    known: list[str] = Field(default_factory=list)
    new: list[str] = Field(default_factory=list)  # current gaps (waived ones too) it does not record
    fixed: list[str] = Field(default_factory=list)  # recorded gaps that are no longer open


def component_key(row_id: str) -> str:
    """The component a row id names: ``shop/clowder-listener``. Ids are that key; a baseline written
    before they were (``missing:shop/clowder-listener``, the status first) still names the same one."""
    status, colon, key = row_id.partition(":")
    return key if colon and status in STATUSES else row_id


class SkippedTemplate(Frozen):
    """A chart template left out of the analysis (``--skip-failing-templates``), and Helm's reason."""

    template: str  # Helm's name: <chart>/templates/<path>
    message: str


class Partial(Frozen):
    """What a partial analysis did not see: the templates left out because they failed to render.
    Whatever they would have rendered is not in the chart side, so a row lacking a counterpart may
    be lacking it only here (``Row.unrendered``)."""

    skipped: list[SkippedTemplate]


class Row(Frozen):
    id: str  # the component: ``<app>/<ClowdApp component>``, or ``<app>/<chart workload>`` for a chart row
    app: str
    clowdapp: str | None
    chart: list[str]
    role: str
    kind: str
    status: Status
    priority: Priority | None
    waived: bool = False
    source: SourceRef | None
    targets: list[Target] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    drift: list[Drift] = Field(default_factory=list)
    queues: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    snippet: str | None = None  # the ClowdApp lines of this component, trimmed (see snippets.py)
    snippet_lines: list[int] = Field(default_factory=list)  # [first, last] line of the whole item
    purpose: str | None = None  # what this kind of component does, from its role
    action: str | None = None  # what to do about it, in one line
    act_now: bool = True  # False when the action asks for nothing now (set by the rule that decided it)
    remediation: Remediation | None = None
    rule: str | None = None  # the kind of gap (model/rules.py), e.g. missing-kafka-consumer
    waiver: WaiverInfo | None = None  # the policy waiver that matched, active or expired
    baselined: bool = False  # a gap the --baseline file records: it does not fail the run
    group: Group = "covered"  # derived from status (GROUP_OF_STATUS), whatever the input says
    level: Level | None = None  # derived from priority (LEVEL_OF_PRIORITY): error, warning, note
    # The source lines the policy entries that decided this row cite, and the assumptions they rest on;
    # left out of the JSON when empty, so a policy without evidence writes the report it always did.
    citations: list[Citation] = Field(default_factory=list, exclude_if=lambda v: not v)
    assumptions: list[Assumption] = Field(default_factory=list, exclude_if=lambda v: not v)
    # The policy's ``components:`` entry decided this row (its reason comes first). Decided by the engine
    # for the stages after it (suggested templates); not part of the JSON report.
    policy_override: bool = Field(default=False, exclude=True)
    # Templates left out of the render (``Report.partial``) that may hold this row's counterpart:
    # the row cannot say it is missing, only that its counterpart was not seen. Absent when none.
    unrendered: list[str] = Field(default_factory=list, exclude_if=lambda v: not v)

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        """Fill ``group`` and ``level`` from status and priority, so they can never disagree with them."""
        if isinstance(data, dict) and "status" in data:
            priority = data.get("priority")
            data = {
                **data,
                "group": GROUP_OF_STATUS.get(data["status"], "covered"),
                "level": LEVEL_OF_PRIORITY.get(cast(Priority, priority))
                if isinstance(priority, str)
                else None,
            }
        return data

    @property
    def is_finding(self) -> bool:
        """A gap under the policy, waived or not (what SARIF lists, waived ones as suppressed)."""
        return self.status in GAP_STATUSES and self.priority is not None

    @property
    def is_gap(self) -> bool:
        return self.is_finding and not self.waived

    @property
    def why(self) -> list[str]:
        """The reasons that decided the row, less the assumptions it rests on (``assumed: ...``, which
        the policy evidence states): what a one-line view shows, with the action."""
        rests = {a.words for a in self.assumptions}
        return [r for r in self.reasons if r not in rests and not r.startswith(ASSUMED)] or self.reasons[:1]

    def __repr__(self) -> str:
        """One line: the row's name, status, priority and deciding reason, not its pydantic dump."""
        name = self.clowdapp or ", ".join(self.chart)
        priority = f" {self.priority}" if self.priority else ""
        waived = " waived" if self.waived else ""
        reason = f": {self.reasons[0]}" if self.reasons else ""
        return f"<Row {self.app}/{name} {self.status}{priority}{waived}{reason}>"

    @property
    def status_words(self) -> str:
        """The status as reports show it: ``not rendered`` for a row lacking a counterpart that may be
        in a template left out of the render (``unrendered``), which cannot say ``missing``."""
        return NOT_RENDERED if self.unrendered and not self.targets else self.status

    @property
    def is_detailed(self) -> bool:
        """A gap urgent enough to explain in full (DETAILED_PRIORITIES), waived or not."""
        return self.priority in DETAILED_PRIORITIES

    @property
    def rule_id(self) -> str:
        """``rule``, or ``<status>-<role>`` for a row that names none (a report from an older version)."""
        return self.rule or f"{self.status}-{self.role}"


class QueueInfo(Frozen):
    clowdapp: list[str]  # ClowdApp workers consuming the queue
    chart: list[str]  # chart workers consuming it


class Queues(Frozen):
    uncovered: list[str] = Field(default_factory=list)
    extra: list[str] = Field(default_factory=list)
    detail: dict[str, QueueInfo] = Field(default_factory=dict)


class PlatformService(Frozen):
    """Something the ClowdApp takes from its platform (database, Kafka, ...), and what provides it on-prem."""

    kind: str
    name: str
    app: str
    source: SourceRef
    provided_by: list[str] = Field(default_factory=list)


TopicPart = Literal["produces", "consumes", "names"]  # ``names``: the evidence does not say which
TopicSaidBy = Literal["kafkaTopics", "env", "code"]  # what kind of line the evidence is
# How a party's direction is known: its code, its env var's name (``KAFKA_CONSUMER_TOPIC``), or the
# ClowdApp component the chart workload plays (``plays``), whose own evidence says it.
TopicKnownBy = Literal["code", "env-name", "component"]


class TopicParty(Frozen):
    """One party to a Kafka topic, as one line of evidence shows it: an app (its ``kafkaTopics`` entry,
    a produce or consume site of its code tied to none of its components), one of its components (its
    env, the code its command runs) or a chart workload (its env).

    ``part`` is the direction where the evidence says it (``known_by`` says how) and ``names`` where it
    does not: a workload naming a topic may write it or read it. ``deployed`` lists the chart workloads
    it runs in, running (not at ``replicas: 0``): a component's counterpart, an app's components'
    counterparts (which of them runs an app-level line is not known), a chart workload itself. Code
    lines are relative to the app's source root (``--app-source``)."""

    name: str  # the app, ``<app>/<component>``, or the chart workload
    side: Literal["clowdapp", "chart"]
    app: str | None = None  # the ClowdApp app; None for a chart workload
    part: TopicPart
    said_by: TopicSaidBy
    detail: str  # the evidence in a few words: ``kafkaTopics``, ``env UPLOAD_TOPIC``, ``subscribe in listen``
    source: SourceRef
    known_by: TopicKnownBy | None = None  # None when ``part`` is ``names``
    deployed: list[str] = Field(default_factory=list)
    plays: list[str] = Field(default_factory=list)  # a chart workload's ClowdApp components (row ids)

    @property
    def app_level(self) -> bool:
        """A fact of the whole app (its ``kafkaTopics``, code no component is known to run)."""
        return self.side == "clowdapp" and self.name == self.app

    def describe(self, quote: Callable[[str], str] = str) -> str:
        """Who, in words every reporter shares: ``koku/clowder-listener in cost-onprem-koku-listener``,
        ``koku/clowder-sources-listener, not deployed``, ``cost-onprem-ros-processor as
        ros-ocp-backend/processor`` (the component it plays), ``koku`` (an app that runs here).
        ``quote`` wraps names."""
        if self.side == "chart":
            plays = f" as {', '.join(map(quote, self.plays))}" if self.plays else ""
            return f"{quote(self.name)}{plays}{'' if self.deployed else ' at replicas: 0'}"
        if not self.deployed:
            return f"{quote(self.name)}, not deployed"
        where = "" if self.app_level else f" in {', '.join(map(quote, self.deployed))}"
        return f"{quote(self.name)}{where}"


class KafkaTopic(Frozen):
    """A Kafka topic any ClowdApp declares or any workload names, and every party to it: who produces
    it, who consumes it, who names it without saying which (``TopicParty``)."""

    name: str
    parties: list[TopicParty] = Field(default_factory=list)

    @property
    def declared(self) -> list[TopicParty]:
        """The apps whose ``kafkaTopics`` list it."""
        return [p for p in self.parties if p.said_by == "kafkaTopics"]

    @property
    def producers(self) -> list[TopicParty]:
        return [p for p in self.parties if p.part == "produces"]

    @property
    def consumers(self) -> list[TopicParty]:
        return [p for p in self.parties if p.part == "consumes"]

    @property
    def naming(self) -> list[TopicParty]:
        """Workloads that name it and say neither (declarations apart)."""
        return [p for p in self.parties if p.part == "names" and p.said_by != "kafkaTopics"]


@dataclass(frozen=True)
class WarningGroup:
    """Alike warnings of one file: one code, one shape, in the order the first was reported."""

    file: str
    code: str
    shape: str
    warnings: tuple[Notice, ...]

    @property
    def lines(self) -> list[int]:
        return [w.line for w in self.warnings if w.line is not None]

    @property
    def summary(self) -> str:
        """The group's message: its ``group`` text, or the first message without per-instance details."""
        first = self.warnings[0]
        return first.group if first.group is not None else INSTANCE_DETAIL.sub("", first.message)


class InputFile(Frozen):
    side: Literal["clowdapp", "manifests"]
    file: str
    apps: list[str] = Field(default_factory=list)
    workloads: int = 0


class WorstGap(Frozen):
    """An app's most urgent unwaived gap (the first such row, in report order)."""

    id: str
    clowdapp: str
    status: Status
    priority: Priority | None


class AppSummary(Frozen):
    """One ClowdApp app's share of a multi-app report: its components' rows counted, its worst gap."""

    app: str
    clowdapp_components: int
    by_status: dict[str, int]
    by_priority: dict[str, int]
    gaps: int
    highest_priority: Priority | None
    worst: WorstGap | None = None


def _few_apps(apps: list[AppSummary]) -> bool:
    """Per-app summaries are written only for a report of several apps (one app's is the summary)."""
    return len(apps) < 2


class Summary(Frozen):
    clowdapp_components: int
    chart_workloads: int
    by_status: dict[str, int]
    by_priority: dict[str, int]
    gaps: int
    highest_priority: Priority | None
    by_group: dict[str, int] = Field(default_factory=dict)  # rows per Row.group, in GROUP_ORDER order
    waived: int = 0  # gap rows a policy waiver holds for
    # each ClowdApp app, in input order, when the report covers several (JSON: absent otherwise)
    apps: list[AppSummary] = Field(default_factory=list, exclude_if=_few_apps)


class Report(Frozen):
    schema_version: int = SCHEMA_VERSION
    # Set when the chart side is incomplete (templates left out, ``--skip-failing-templates``): second
    # in the JSON, so a CI reading it sees the analysis is partial first. Absent when complete.
    partial: Partial | None = Field(default=None, exclude_if=lambda v: v is None)
    inputs: list[InputFile]
    policy: list[str] = Field(default_factory=list)
    rows: list[Row]
    queues: Queues
    platform: list[PlatformService] = Field(default_factory=list)
    # Each Kafka topic and its parties, across every app and the chart; absent from the JSON when none.
    topics: list[KafkaTopic] = Field(default_factory=list, exclude_if=lambda v: not v)
    warnings: list[Notice] = Field(default_factory=list)
    summary: Summary
    baseline: BaselineResult | None = None
    # Suggested templates written once for several alike gaps; absent from the JSON when none.
    families: list[TemplateFamily] = Field(default_factory=list, exclude_if=lambda v: not v)
    # What the change does against a git ref (--compare-ref, model/delta.py); absent from the JSON when none.
    delta: Delta | None = Field(default=None, exclude_if=lambda v: v is None)

    def __repr__(self) -> str:
        """One line, not the pydantic dump of every row (a koku report's is 120-278 KB)."""
        s = self.summary
        gaps = ", ".join(f"{n} {p}" for p, n in s.by_priority.items() if n) or "none"
        return (
            f"<Report {', '.join(self.apps) or 'ClowdApp'}: {s.clowdapp_components} components, "
            f"{s.chart_workloads} chart workloads, {len(self.rows)} rows, gaps: {gaps}>"
        )

    @property
    def apps(self) -> list[str]:
        """The ClowdApp applications the report compares, sorted."""
        return sorted({a for i in self.inputs if i.side == "clowdapp" for a in i.apps})

    def gaps(self, min_priority: str = "P3") -> list[Row]:
        """Unwaived gaps at or above ``min_priority`` (P0 is the most urgent; ``p1`` reads as ``P1``)."""
        if isinstance(min_priority, str) and min_priority.lower() == "none":
            return []  # no threshold: what ``--fail-on none`` means
        threshold = priority_named(min_priority)
        return [r for r in self.rows if r.is_gap and priority_at_least(r.priority, threshold)]

    def ordered_rows(self) -> list[Row]:
        """The rows by priority (P0 first, rows without one last), then status (``STATUS_ORDER``), in
        file order among equals: the order the terminal and the Markdown matrix list them in."""
        return sorted(self.rows, key=row_order)

    def row(self, name: str) -> Row:
        """The row of a ClowdApp component or chart workload by name (or by row id)."""
        for r in self.rows:
            if name in (r.id, r.clowdapp) or (r.clowdapp is None and name in r.chart):
                return r
        raise KeyError(
            f"no row named {name!r}; rows: {', '.join(r.clowdapp or r.chart[0] for r in self.rows)}"
        )

    def details(self, name: str) -> Details:
        """One row's detail as the Markdown report writes it (``row``'s names); Jupyter renders it."""
        from koku_gap.report.markdown import render_row

        return Details(render_row(self, self.row(name)))

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per row, in row order, for ``pandas.DataFrame(report.to_records())``: lists as
        text joined by ``, `` (reasons by ``; ``), the source as ``file:line``."""
        return [_record(r) for r in self.rows]

    def failing(self, threshold: str) -> list[Row]:
        """The gaps that fail a run at ``threshold``: at or above it, not waived, not in the baseline, and
        with a ``delta``, opened or made worse by the change."""
        counted = self.delta.counted if self.delta is not None else None
        return [r for r in self.gaps(threshold) if not r.baselined and (counted is None or r.id in counted)]

    def fails(self, threshold: str) -> bool:
        return bool(self.failing(threshold))

    def with_baseline(self, file: str, recorded: Iterable[tuple[str, Priority | None]]) -> Report:
        """This report with the gaps a baseline records marked ``baselined``, and ``baseline`` filled.

        ``recorded`` holds (row id, priority) pairs; a None priority accepts any. A gap is known when the
        baseline records the same component (``component_key``: the id, which names no status, so
        ``missing`` turning ``partial`` stays known; an old id with its status reads the same) at the
        same or a more urgent priority; a gap that became more urgent
        is new. Recorded components with no open gap are fixed.

        One rule for every format: the comparison is of findings (``Row.is_finding``), waived or not.
        A waiver decides whether a gap fails the run, not whether it is there: a recorded gap waived
        since is known (SARIF ``unchanged``), never fixed, and a waived gap the baseline does not
        record is new (SARIF ``new``, suppressed by its waiver); neither fails the run.
        """
        entries = list(recorded)
        accepted: dict[str, Priority | None] = {}
        for row_id, priority in entries:
            key = component_key(row_id)
            old = accepted.get(key, priority)
            if old is None or priority is None:
                accepted[key] = None
            else:  # of duplicate entries the most urgent, which accepts the most
                accepted[key] = priority if priority_at_least(priority, old) else old
        rows: list[Row] = []
        known: list[str] = []
        new: list[str] = []
        open_keys: set[str] = set()
        for row in self.rows:
            baselined = False
            if row.is_finding:
                key = component_key(row.id)
                open_keys.add(key)
                if key in accepted:
                    limit = accepted[key]
                    baselined = limit is None or priority_at_least(limit, row.priority or "P0")
                (known if baselined else new).append(row.id)
            rows.append(
                row if row.baselined == baselined else row.model_copy(update={"baselined": baselined})
            )
        fixed = sorted({row_id for row_id, _ in entries if component_key(row_id) not in open_keys})
        result = BaselineResult(file=file, known=sorted(set(known)), new=sorted(set(new)), fixed=fixed)
        return self.model_copy(update={"rows": rows, "baseline": result})

    def chart_status(self) -> dict[str, Status]:
        """Each chart workload any row names, in row order, with the status of the first row naming it."""
        status: dict[str, Status] = {}
        for row in self.rows:
            for name in row.chart:
                status.setdefault(name, row.status)
        return status

    def warning_groups(self) -> list[WarningGroup]:
        """The warnings grouped by file, code and shape, groups in the order of their first warning."""
        groups: dict[tuple[str, str, str], list[Notice]] = {}
        for w in self.warnings:
            groups.setdefault((w.file, w.code, w.shape), []).append(w)
        return [WarningGroup(f, c, shape, tuple(ws)) for (f, c, shape), ws in groups.items()]

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self) -> str:
        """What ``json.dumps(self.to_dict(), indent=2)`` writes, serialised by pydantic-core (four times
        faster on a koku report); floats may be written another way (``1e-05`` as ``0.00001``)."""
        return self.model_dump_json(indent=2, ensure_ascii=True) + "\n"

    def to_markdown(self) -> str:
        from koku_gap.report.markdown import render_markdown

        return render_markdown(self)

    def _repr_markdown_(self) -> str:
        """What a notebook shows: the summary and the matrix; ``details(NAME)`` for one row, and
        ``to_markdown()`` for the whole document."""
        from koku_gap.report.markdown import render_compact

        return render_compact(self)


class Details(str):
    """A row's Markdown detail: prints as text, and a notebook renders it as Markdown."""

    __slots__ = ()

    def _repr_markdown_(self) -> str:
        return str(self)


def priority_named(name: str) -> str:
    """``name`` as a priority (``p1`` is ``P1``), or ValueError naming the allowed ones."""
    upper = name.upper() if isinstance(name, str) else name
    if upper not in PRIORITIES:
        raise ValueError(f"no priority {name!r}: use one of {', '.join(PRIORITIES)} (any case)")
    return upper


def row_order(row: Row) -> tuple[int, int]:
    """A row's place in ``Report.ordered_rows``: priority, then status."""
    priority = PRIORITIES.index(row.priority) if row.priority in PRIORITIES else len(PRIORITIES)
    status = STATUS_ORDER.index(row.status) if row.status in STATUS_ORDER else len(STATUS_ORDER)
    return priority, status


def _record(r: Row) -> dict[str, Any]:
    return {
        "id": r.id,
        "app": r.app,
        "clowdapp": r.clowdapp,
        "chart": ", ".join(r.chart),
        "role": r.role,
        "kind": r.kind,
        "status": r.status,
        "group": r.group,
        "priority": r.priority,
        "level": r.level,
        "waived": r.waived,
        "baselined": r.baselined,
        "source": f"{r.source.file}:{r.source.line}" if r.source else None,
        "targets": ", ".join(f"{t.name} ({t.file}:{t.line})" for t in r.targets),
        "reasons": "; ".join(r.reasons),
        "drift": ", ".join(d.kind for d in r.drift),
        "queues": ", ".join(r.queues),
        "action": r.action,
        "act_now": r.act_now,
        "rule": r.rule,
        "template": r.remediation.path if r.remediation else None,
    }


def summarize(
    rows: list[Row], clowdapp_components: int, chart_workloads: int, apps: Iterable[str] = ()
) -> Summary:
    """The report's counts; ``apps`` (the ClowdApp apps, in input order) adds one summary per app when
    there are several."""
    by_status = {s: sum(1 for r in rows if r.status == s) for s in STATUS_ORDER}
    gaps = [r for r in rows if r.is_gap]
    by_priority = {p: sum(1 for r in gaps if r.priority == p) for p in PRIORITIES}
    highest = next((p for p in PRIORITIES if by_priority[p]), None)
    names = list(dict.fromkeys(apps))
    return Summary(
        clowdapp_components=clowdapp_components,
        chart_workloads=chart_workloads,
        by_status=by_status,
        by_priority=by_priority,
        gaps=len(gaps),
        highest_priority=highest,
        by_group={g: sum(1 for r in rows if r.group == g) for g in GROUP_ORDER},
        waived=sum(1 for r in rows if r.waived),
        apps=[app_summary(app, rows) for app in names] if len(names) > 1 else [],
    )


def app_summary(app: str, rows: Iterable[Row]) -> AppSummary:
    """One app's counts over its ClowdApp components' rows (a chart workload's row is no app's)."""
    own = [r for r in rows if r.clowdapp is not None and r.app == app]
    gaps = [r for r in own if r.is_gap]
    by_priority = {p: sum(1 for r in gaps if r.priority == p) for p in PRIORITIES}
    highest = next((p for p in PRIORITIES if by_priority[p]), None)
    worst = next((r for r in gaps if r.priority == highest), None) if gaps else None
    return AppSummary(
        app=app,
        clowdapp_components=len(own),
        by_status={s: sum(1 for r in own if r.status == s) for s in STATUS_ORDER},
        by_priority=by_priority,
        gaps=len(gaps),
        highest_priority=highest,
        worst=(
            WorstGap(id=worst.id, clowdapp=worst.clowdapp or "", status=worst.status, priority=worst.priority)
            if worst is not None
            else None
        ),
    )
