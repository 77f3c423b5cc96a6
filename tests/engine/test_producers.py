"""A missing Kafka consumer judged by who produces the topics its own code reads (engine/producers.py),
on fixtures/appsource/shop: ``manage.py listen`` subscribes to ``shop.payments`` and
``settings.ORDERS_TOPIC`` (``shop.orders``) and builds a consumer of ``shop.legacy`` and ``shop.returns``;
the app produces only ``shop.audit`` and, through a lookup it cannot follow, ``shop.shipments``."""

from __future__ import annotations

from pathlib import Path

import koku_gap
from koku_gap.engine.producers import consumed_topics
from koku_gap.model import rules
from koku_gap.sources.appsource import load_app_source
from tests.helpers.engine import clowdapp, deployment, manage, manifests, row, workload, write
from tests.helpers.files import ROOT

SHOP = ROOT / "fixtures" / "appsource" / "shop"
APP = clowdapp(
    deployments=[
        deployment("listener", command=manage("listen")),
        deployment("api", web="public"),
    ],
    kafkaTopics=[{"topicName": "shop.payments"}],
)


def _report(tmp_path: Path, *chart_objects: dict[str, object], with_source: bool = True) -> koku_gap.Report:
    chart = manifests(workload("rel-api", command=["gunicorn", "shop.wsgi"]), *chart_objects)
    return koku_gap.analyze(
        clowdapps=[write(tmp_path, "clowdapp.yaml", APP)],
        manifests=[write(tmp_path, "rendered.yaml", chart)],
        app_sources={"shop": SHOP} if with_source else None,
    )


def test_the_topics_a_command_reads_are_those_its_modules_subscribe_to() -> None:
    topics, sites = consumed_topics(load_app_source(SHOP, cache=False), "listen")
    assert topics == {"shop.payments", "shop.orders", "shop.legacy", "shop.returns"}
    assert {s.place.function for s in sites} == {"listen"}
    assert consumed_topics(load_app_source(SHOP, cache=False), "no-such-command") == (set(), [])


def test_a_consumer_whose_topics_nothing_produces_is_no_gap(tmp_path: Path) -> None:
    listener = row(_report(tmp_path), "listener")
    assert (listener.status, listener.priority, listener.rule) == ("optional", "P3", rules.UNFED_CONSUMER)
    assert listener.act_now is False
    assert any(
        e.startswith("code: reads shop.legacy, shop.orders, shop.payments, shop.returns by")
        for e in listener.evidence
    )


def test_a_chart_workload_naming_a_topic_may_produce_it(tmp_path: Path) -> None:
    feeder = workload("rel-payments-gateway", image="quay.io/other/gateway:1", env={"TOPIC": "shop.payments"})
    listener = row(_report(tmp_path, feeder), "listener")
    assert (listener.status, listener.priority, listener.rule) == ("missing", "P1", rules.UNPROVEN_CONSUMER)
    assert [a.name for a in listener.assumptions] == ["a-producer-runs"]
    assert any("rel-payments-gateway names shop.payments in its env TOPIC" in e for e in listener.evidence)


def test_without_the_source_the_consumer_stays_the_assumed_p0(tmp_path: Path) -> None:
    listener = row(_report(tmp_path, with_source=False), "listener")
    assert (listener.status, listener.priority) == ("missing", "P0")
    assert [a.name for a in listener.assumptions] == ["a-producer-exists"]
