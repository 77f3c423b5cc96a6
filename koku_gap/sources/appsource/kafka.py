"""Kafka topics the code consumes and produces, by module and function.

Consumers: ``consumer.subscribe([...])`` (confluent-kafka, kafka-python, aiokafka) and the consumer
classes built with their topics (``KafkaConsumer("a", "b")``). Producers: ``producer.produce(topic, ...)``
(confluent-kafka) and ``send(topic, ...)`` on something named a producer (kafka-python, aiokafka), since
``send`` alone is every socket's and every Django signal's. Topic names resolve like queue names.
"""

from __future__ import annotations

import ast

from koku_gap.model.evidence import KafkaDirection, KafkaSite
from koku_gap.sources.appsource.celery import Celery
from koku_gap.sources.appsource.index import Context, ModuleInfo, last_name
from koku_gap.sources.appsource.resolve import Tree

CONSUMER_CLASSES = frozenset({"kafka.KafkaConsumer", "aiokafka.AIOKafkaConsumer"})
CONSUMER_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in CONSUMER_CLASSES)
PRODUCER_WORDS = ("producer", "kafka")
KAFKA_CALLS = CONSUMER_NAMES | {"subscribe", "produce", "send", "send_and_wait"}  # the callees _site reads


def kafka_sites(tree: Tree, celery: Celery, module: ModuleInfo) -> list[KafkaSite]:
    out: list[KafkaSite] = []
    for call, ctx in module.calls_named(KAFKA_CALLS):
        site = _site(tree, celery, call, ctx)
        if site is not None:
            out.append(site)
    return out


def _site(tree: Tree, celery: Celery, call: ast.Call, ctx: Context) -> KafkaSite | None:
    func = call.func
    frame = tree.frame(ctx)
    direction: KafkaDirection
    topics: list[ast.expr]
    if isinstance(func, ast.Attribute) and func.attr == "subscribe" and call.args:
        if not isinstance(call.args[0], ast.List | ast.Tuple | ast.Name | ast.Attribute):
            return None
        direction, name, topics = "consume", "subscribe", [call.args[0]]
    elif last_name(func) in CONSUMER_NAMES and tree.qualified(func, frame) in CONSUMER_CLASSES:
        direction, name, topics = (
            "consume",
            ctx.module.text(func),
            [a for a in call.args if not isinstance(a, ast.Starred)],
        )
        if not topics:
            return None
    elif isinstance(func, ast.Attribute) and func.attr == "produce":
        direction, name, topics = "produce", "produce", _topic(call)
    elif isinstance(func, ast.Attribute) and func.attr in ("send", "send_and_wait"):
        receiver = ctx.module.text(func.value).lower()
        if not any(word in receiver for word in PRODUCER_WORDS):
            return None
        direction, name, topics = "produce", func.attr, _topic(call)
    else:
        return None
    if not topics:
        return None
    elements = [pair for topic in topics for pair in celery.elements(topic, frame)]
    return KafkaSite(
        direction=direction,
        call=name,
        topics=tuple(tree.resolve_in(node, where) for node, where in elements),
        place=ctx.place(call),
    )


def _topic(call: ast.Call) -> list[ast.expr]:
    if call.args and not isinstance(call.args[0], ast.Starred):
        return [call.args[0]]
    return [k.value for k in call.keywords if k.arg == "topic"]
