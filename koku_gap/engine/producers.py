"""Who produces to the topics a missing Kafka consumer reads: the evidence its verdict rests on.

"Messages on its topics are never read" holds only when something deployed produces them. From the
application's source this finds the topics the consumer's own process subscribes to (the consume
sites its management command's modules can reach) and, for each, the producers: the app's own
produce sites, and the chart workloads outside the app that name the topic in their env (a producer,
or another reader: the files cannot tell which). None of these proves a message is sent on this
install, so with producers found the verdict is a possible gap, naming them; with none, no gap: nothing
waits to be read. A topic the code names only through a configurator
(``get_kafka_topic("platform.upload.announce")``) counts by the literal it was given (its hint).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from koku_gap.engine.match import MatchResult
from koku_gap.model.evidence import AppSource, KafkaSite, Resolution
from koku_gap.model.graph import Component, ComponentGraph
from koku_gap.model.vocabulary import RoleKind

TopicVerdict = Literal["unproven", "unfed"]


@dataclass(frozen=True)
class TopicEvidence:
    """What the code says about a missing consumer: the topics it reads (with where), the producers
    found (in words, with their lines) and the verdict."""

    topics: tuple[str, ...]
    verdict: TopicVerdict
    producers: tuple[str, ...]
    reads: tuple[str, ...]


def names(resolution: Resolution) -> set[str]:
    """The topic names an expression can be: its known values and the literals an unknown call was given."""
    return set(resolution.known) | {h for v in resolution.unknown for h in v.hints}


def consumed_topics(source: AppSource, command: str | None) -> tuple[set[str], list[KafkaSite]]:
    """The topics the process of a management command subscribes to, and the sites that do."""
    entry = next(
        (e for e in source.entry_points if e.kind == "management-command" and e.name == command), None
    )
    if entry is None:
        return set(), []
    reach = source.reachable(entry.place.module)
    sites = [k for k in source.kafka if k.direction == "consume" and k.place.module in reach]
    return {t for k in sites for r in k.topics for t in names(r)}, sites


def topic_evidence(
    source: AppSource, consumer: Component, others: Iterable[Component]
) -> TopicEvidence | None:
    """The evidence for one missing consumer, or None when its code names no topic it reads."""
    topics, sites = consumed_topics(source, consumer.role.command)
    if not topics:
        return None
    reads = tuple(f"{k.call} in {k.place.function or k.place.module} ({k.place.ref})" for k in sites)
    producers: list[str] = []
    for site in source.kafka:
        if site.direction != "produce":
            continue
        for topic in sorted(topics & {t for r in site.topics for t in names(r)}):
            where = f"{site.place.function or 'module level'} ({site.place.ref})"
            producers.append(
                f"the app's {site.call} in {where} sends to {topic}; whether that path runs here is unknown"
            )
    for workload in others:
        for env in workload.env:
            for topic in sorted(t for t in topics if env.value and t in env.value):
                where = (
                    f"{workload.name} names {topic} in its env {env.name} ({workload.source.file}:{env.line})"
                )
                producers.append(f"{where}: it may produce it, or read it too")
    verdict: TopicVerdict = "unproven" if producers else "unfed"
    return TopicEvidence(tuple(sorted(topics)), verdict, tuple(producers), reads)


def consumer_evidence(
    result: MatchResult, target: ComponentGraph, sources: Mapping[str, AppSource]
) -> dict[tuple[str, str], TopicEvidence]:
    """(app, component) -> the evidence, for each Kafka consumer nothing in the chart plays, of each
    app whose source was read; the other workloads are the chart's that play none of the app's parts."""
    found: dict[tuple[str, str], TopicEvidence] = {}
    for app, source in sources.items():
        pairings = [p for p in result.pairings if p.source.app == app]
        played = {p.chosen.target.name for p in pairings if p.chosen is not None}
        others = [c for c in target.components if c.name not in played and c.containers]
        for p in pairings:
            if p.chosen is None and p.source.role.kind == RoleKind.KAFKA_CONSUMER:
                evidence = topic_evidence(source, p.source, others)
                if evidence is not None:
                    found[(app, p.source.name)] = evidence
    return found
