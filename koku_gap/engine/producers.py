"""Kafka topics across apps: who produces and who consumes each topic (``topic_table``, the Report's
``topics``), and what that says of a missing Kafka consumer (``consumer_evidence``).

The table holds every topic a passed ClowdApp declares (``kafkaTopics``) or a workload names, and
each party to it with the line that says so:

- an app's ``kafkaTopics`` entry: it names the topic, not which way (Clowder gives every listed topic
  to every component, producers and consumers alike);
- a component's or a chart workload's env var whose value is the topic (or, for a variable whose name
  ends in ``TOPIC``, any word a topic could be): a direction only where the variable's name says it
  (``KAFKA_CONSUMER_TOPIC`` is read, ``OUTGOING_TOPIC`` written, ``env_part``); a chart workload that
  names a topic without saying takes the direction of the ClowdApp component it plays, when that
  component's own evidence gives one;
- the app's code (``--app-source``): a component consumes the topics the modules its management
  command loads at start subscribe to (``consumed_topics``, ``at_load``); other consume sites, and every
  produce site, are the app's, since which process runs them the imports cannot tell. A topic the code
  names only through a configurator (``get_kafka_topic("platform.upload.announce")``) counts by the
  literal it was given (its hint).

A missing consumer is judged by the producers of the topics its own code reads. A running workload
known to produce one it surely reads (the workload's env var's name says so, or the component's it
plays) proves the gap: messages wait unread (the policy's ``missing`` outcome for the role, without its
assumption).
Short of that, anything deployed that may produce it (the app's own produce sites, on paths the files
cannot prove run; a workload or another deployed app naming it) makes it a possible gap, naming them;
with none, no gap: nothing waits to be read. Parties known to consume a topic are no producers of it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from koku_gap.engine.match import MatchResult
from koku_gap.model.graph import Component, ComponentGraph, EnvVar, SourceRef
from koku_gap.model.report import KafkaTopic, TopicKnownBy, TopicPart, TopicParty
from koku_gap.model.vocabulary import RoleKind

if TYPE_CHECKING:  # the code's evidence models load only when an app source was read (docs/performance.md)
    from koku_gap.model.evidence import AppSource, KafkaSite, Resolution

TopicVerdict = Literal["proven", "unproven", "unfed"]

# The words of an env var's name that say which way its topic goes (whole words: ``KAFKA_PRODUCER_ACKS``
# names no topic, ``INPUT_TOPIC`` is read).
PRODUCE_WORDS = frozenset(
    {"PRODUCER", "PRODUCE", "PRODUCES", "PUBLISH", "PUBLISHER", "OUTGOING", "OUTBOUND", "OUTPUT"}
)
CONSUME_WORDS = frozenset({"CONSUMER", "CONSUME", "CONSUMES", "SUBSCRIBE", "INCOMING", "INBOUND", "INPUT"})
_WORD = re.compile(r"[^A-Za-z0-9]+")
_TOPICAL = re.compile(r"(?:^|[^A-Za-z0-9])TOPICS?$", re.IGNORECASE)  # the name's last word is TOPIC(S)
_VALUE_WORD = re.compile(r"[^\s,;]+")
_TOPIC_NAME = re.compile(r"[A-Za-z0-9._-]{1,249}")  # the characters and length Kafka allows
WORKLOADS_SHOWN = 3  # the chart workloads an app runs as, named in a possible producer's words
_POSSIBLE_ORDER = ("code", "chart", "clowdapp")  # a possible gap lists code, then the chart, then other apps


@dataclass(frozen=True)
class TopicEvidence:
    """What the files say about a missing consumer: the topics its code reads (with where), the
    producers found (in words, with their lines: for ``proven``, the chain) and the verdict."""

    topics: tuple[str, ...]
    verdict: TopicVerdict
    producers: tuple[str, ...]
    reads: tuple[str, ...]


def names(resolution: Resolution) -> set[str]:
    """The topic names an expression can be: its known values and the literals an unknown call was given."""
    return set(resolution.known) | {h for v in resolution.unknown for h in v.hints}


def site_topics(site: KafkaSite) -> set[str]:
    return {t for r in site.topics for t in names(r)}


def consumed_topics(
    source: AppSource, command: str | None, *, at_load: bool = False
) -> tuple[set[str], list[KafkaSite]]:
    """The topics the process of a management command may subscribe to, and the sites that do: those
    of the modules it can import; ``at_load``, of those it imports by loading its command (no import
    inside a function followed), which the process surely loads."""
    entry = next(
        (e for e in source.entry_points if e.kind == "management-command" and e.name == command), None
    )
    if entry is None:
        return set(), []
    reach = source.reachable(entry.place.module, at_load=at_load)
    sites = [k for k in source.kafka if k.direction == "consume" and k.place.module in reach]
    return {t for k in sites for t in site_topics(k)}, sites


def env_part(name: str) -> TopicPart:
    """What an env var's name says of its topic: written (a producer's word), read (a consumer's), or
    neither (no such word, or both)."""
    words = {w.upper() for w in _WORD.split(name) if w}
    produces, consumes = bool(words & PRODUCE_WORDS), bool(words & CONSUME_WORDS)
    if produces == consumes:
        return "names"
    return "produces" if produces else "consumes"


def env_topics(env: EnvVar, declared: Collection[str]) -> list[str]:
    """The topics an env var names: each word of its value that a ClowdApp declares, or, for a variable
    whose name ends in ``TOPIC``/``TOPICS``, each word a topic could be named."""
    value = env.value
    if not value:
        return []
    topical = _TOPICAL.search(env.name) is not None
    if not topical and not any(t in value for t in declared):  # most variables: no word to split
        return []
    found = [
        w
        for w in _VALUE_WORD.findall(value)
        if w in declared or (topical and _TOPIC_NAME.fullmatch(w) and any(c.isalpha() for c in w))
    ]
    return list(dict.fromkeys(found))


def _where(site: KafkaSite) -> str:
    return site.place.function or "module level"


class _Table:
    """The parties of each topic, gathered in input order."""

    def __init__(self) -> None:
        self.parties: dict[str, list[TopicParty]] = {}

    def add(self, topic: str, party: TopicParty) -> None:
        found = self.parties.setdefault(topic, [])
        if party not in found:
            found.append(party)

    def topics(self) -> list[KafkaTopic]:
        return [KafkaTopic(name=t, parties=ps) for t, ps in self.parties.items()]


def topic_table(
    source: ComponentGraph,
    target: ComponentGraph,
    result: MatchResult,
    sources: Mapping[str, AppSource] | None = None,
) -> list[KafkaTopic]:
    """Every topic the ClowdApps declare or a workload names, with its parties (the module docstring):
    the apps' declarations and code first, in input order, then each component's env, then the chart's
    workloads. Reads no file."""
    table = _Table()
    declared = [r for r in source.resources if r.kind == "kafka-topic"]
    known = {r.name for r in declared}
    seen: dict[tuple[str, str | None], list[str]] = {}  # alike pods repeat their env: each read once

    def named(env: EnvVar) -> list[str]:
        key = (env.name, env.value)
        if key not in seen:
            seen[key] = env_topics(env, known)
        return seen[key]

    playing = {p.source.id: p.chosen.target for p in result.pairings if p.chosen is not None}
    running = {cid: [t.name] for cid, t in playing.items() if not t.scaling.idle}
    by_app: dict[str, list[str]] = {}
    for c in source.components:
        workloads = by_app.setdefault(c.app, [])
        workloads += [n for n in running.get(c.id, []) if n not in workloads]
    for r in declared:
        table.add(
            r.name,
            TopicParty(
                name=r.app,
                side="clowdapp",
                app=r.app,
                part="names",
                said_by="kafkaTopics",
                detail="kafkaTopics",
                source=r.source,
                deployed=by_app.get(r.app, []),
            ),
        )
    for app, code in (sources or {}).items():
        _code_parties(table, app, code, [c for c in source.components if c.app == app], running, by_app)
    for c in source.components:
        for container in c.containers:
            for env in container.env:
                topics = named(env)
                part = env_part(env.name) if topics else "names"
                for topic in topics:
                    table.add(
                        topic,
                        TopicParty(
                            name=c.id,
                            side="clowdapp",
                            app=c.app,
                            part=part,
                            said_by="env",
                            detail=f"env {env.name}",
                            source=SourceRef(file=c.source.file, line=env.line),
                            known_by="env-name" if part != "names" else None,
                            deployed=running.get(c.id, []),
                        ),
                    )
    played: dict[str, list[str]] = {}
    for cid, t in playing.items():
        played.setdefault(t.name, []).append(cid)
    for w in target.components:
        for container in w.containers:
            for env in container.env:
                for topic in named(env):
                    part, known_by = _chart_part(
                        env.name, table.parties.get(topic, []), played.get(w.name, [])
                    )
                    table.add(
                        topic,
                        TopicParty(
                            name=w.name,
                            side="chart",
                            part=part,
                            said_by="env",
                            detail=f"env {env.name}",
                            source=SourceRef(file=w.source.file, line=env.line, template=w.source.template),
                            known_by=known_by,
                            deployed=[] if w.scaling.idle else [w.name],
                            plays=played.get(w.name, []),
                        ),
                    )
    return table.topics()


def _code_parties(
    table: _Table,
    app: str,
    code: AppSource,
    components: list[Component],
    running: Mapping[str, list[str]],
    by_app: Mapping[str, list[str]],
) -> None:
    """What one app's code says: the topics each component's command subscribes to (in the modules it
    loads at start: an import inside a function may be another process's), then the sites no component
    is known to run (every produce site, and the consume sites no command loads), the app's."""
    reached: list[KafkaSite] = []
    for c in components:
        _, sites = consumed_topics(code, c.role.command, at_load=True)
        for site in sites:
            reached.append(site)
            for topic in sorted(site_topics(site)):
                table.add(topic, _code_party(c.id, app, "consumes", site, running.get(c.id, [])))
    for site in code.kafka:
        if site not in reached:
            part: TopicPart = "produces" if site.direction == "produce" else "consumes"
            for topic in sorted(site_topics(site)):
                table.add(topic, _code_party(app, app, part, site, by_app.get(app, [])))


def _code_party(name: str, app: str, part: TopicPart, site: KafkaSite, deployed: list[str]) -> TopicParty:
    ref = site.place.ref
    return TopicParty(
        name=name,
        side="clowdapp",
        app=app,
        part=part,
        said_by="code",
        detail=f"{site.call} in {_where(site)}",
        source=SourceRef(file=ref.file, line=ref.line),
        known_by="code",
        deployed=deployed,
    )


def _chart_part(
    variable: str, parties: Iterable[TopicParty], plays: Collection[str]
) -> tuple[TopicPart, TopicKnownBy | None]:
    """A chart workload's part in a topic: its env var's name's, else that of the components it plays
    when their own evidence agrees on one, else it only names it."""
    own = env_part(variable)
    if own != "names":
        return own, "env-name"
    theirs = {p.part for p in parties if p.name in plays and p.part != "names"}
    if len(theirs) == 1:
        return theirs.pop(), "component"
    return "names", None


def consumer_evidence(
    result: MatchResult,
    target: ComponentGraph,
    sources: Mapping[str, AppSource],
    topics: Iterable[KafkaTopic],
) -> dict[tuple[str, str], TopicEvidence]:
    """(app, component) -> the evidence, for each Kafka consumer nothing in the chart plays, of each app
    whose source was read, judged by the parties of the topics its code reads (``topics``)."""
    table = {t.name: t for t in topics}
    lines = {w.name: w.source for w in target.components}
    found: dict[tuple[str, str], TopicEvidence] = {}
    for app, source in sources.items():
        for p in result.pairings:
            if p.source.app != app or p.chosen is not None or p.source.role.kind != RoleKind.KAFKA_CONSUMER:
                continue
            read, sites = consumed_topics(source, p.source.role.command)
            if not read:
                continue
            sure, _ = consumed_topics(source, p.source.role.command, at_load=True)
            reads = tuple(f"{k.call} in {k.place.function or k.place.module} ({k.place.ref})" for k in sites)
            found[(app, p.source.name)] = _judged(app, sorted(read), sure, table, lines, reads)
    return found


def _judged(
    app: str,
    read: list[str],
    sure: Collection[str],
    table: Mapping[str, KafkaTopic],
    lines: Mapping[str, SourceRef],
    reads: tuple[str, ...],
) -> TopicEvidence:
    """The verdict on a consumer of ``app`` that may read ``read`` (``sure``: those its process surely
    loads the code of): proven by a running workload known to produce one it surely reads, possible
    by anything deployed that may produce one, else unfed."""
    proven: list[str] = []
    possible: list[tuple[TopicParty, str]] = []
    for topic in read:
        for party in table.get(topic, KafkaTopic(name=topic)).parties:
            if party.part == "consumes" or not _counts(party, app):
                continue
            if party.known_by == "component" and party.deployed:
                continue  # the component it plays speaks for it, with the same chain
            if _produces(party) and topic in sure:
                proven.append(_proof(party, topic, lines))
            else:
                possible.append((party, topic))
    if proven:
        return TopicEvidence(tuple(read), "proven", tuple(proven), reads)
    possible.sort(key=lambda found: _POSSIBLE_ORDER.index(_listed(found[0])))
    words = tuple(_possibility(party, topic, app, lines) for party, topic in possible)
    return TopicEvidence(tuple(read), "unproven" if words else "unfed", words, reads)


def _produces(party: TopicParty) -> bool:
    """A running workload known to produce the topic: what proves a consumer's gap. A produce site of
    the code is the app's, on a path the files cannot prove runs: never proof."""
    return party.part == "produces" and party.known_by == "env-name" and bool(party.deployed)


def _listed(party: TopicParty) -> str:
    return "code" if party.said_by == "code" else party.side


def _counts(party: TopicParty, app: str) -> bool:
    """Whether a party may be a producer of a topic a consumer of ``app`` reads. The app's own code
    decides for it (its produce sites count; its declarations and the env that only names the topic do
    not, nor do the chart workloads that play its components but say no more); another app counts
    where it is deployed; a chart workload always (one at ``replicas: 0`` may be scaled up)."""
    own = party.app == app or any(c.startswith(f"{app}/") for c in party.plays)
    if own:
        return party.part == "produces" and (
            party.said_by == "code" or party.side == "chart" or bool(party.deployed)
        )
    return party.side == "chart" or bool(party.deployed)


def _proof(party: TopicParty, topic: str, lines: Mapping[str, SourceRef]) -> str:
    """The chain that proves the gap: who produces the topic, the line that says so, where it runs."""
    says = f"its {party.detail} says so ({party.source})"
    if party.side == "chart":
        at = f" ({lines[party.name]})" if party.name in lines else ""
        return f"chart: {party.name}{at} produces {topic}: {says}"
    runs = ", ".join(f"{w} ({lines[w]})" if w in lines else w for w in party.deployed)
    return f"ClowdApp: {party.name} produces {topic}: {says}; it runs as {runs}"


def _possibility(party: TopicParty, topic: str, app: str, lines: Mapping[str, SourceRef]) -> str:
    """A party that may produce the topic, in words with its line."""
    if _produces(party):  # the consumer may not read it: an import inside a function loads the code
        return f"{_proof(party, topic, lines)}; the consumer reads it only if a function imports its module"
    if party.said_by == "code":
        whose = "the app's" if party.app == app else f"{party.app}'s"
        return (
            f"code: {whose} {party.detail} ({party.source}) sends to {topic}; "
            "whether that path runs here is unknown"
        )
    maybe = "it may produce it, or read it too"
    if party.side == "chart" and party.part == "produces":  # at replicas: 0, else it would prove it
        how = f"it plays {', '.join(party.plays)}, which does" if party.known_by == "component" else ""
        says = how or f"its {party.detail} says so ({party.source})"
        return f"chart: {party.name} (at replicas: 0) produces {topic} when it runs: {says}"
    if party.side == "chart":
        idle = "" if party.deployed else " (at replicas: 0)"
        return f"chart: {party.name}{idle} names {topic} in its {party.detail} ({party.source}): {maybe}"
    said = "declares" if party.said_by == "kafkaTopics" else "names"
    where = "kafkaTopics" if party.said_by == "kafkaTopics" else party.detail
    runs = _few(party.deployed)
    return f"ClowdApp: {party.name} {said} {topic} in its {where} ({party.source}), runs as {runs}: {maybe}"


def _few(names: list[str]) -> str:
    """The first chart workloads of a list, and how many more."""
    more = f" and {len(names) - WORKLOADS_SHOWN} more" if len(names) > WORKLOADS_SHOWN else ""
    return ", ".join(names[:WORKLOADS_SHOWN]) + more
