"""A missing Kafka consumer judged by who produces the topics its own code reads (engine/producers.py),
on fixtures/appsource/shop: ``manage.py listen`` subscribes to ``shop.payments`` and
``settings.ORDERS_TOPIC`` (``shop.orders``) and builds a consumer of ``shop.legacy`` and ``shop.returns``;
the app produces only ``shop.audit`` and, through a lookup it cannot follow, ``shop.shipments``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import koku_gap
from koku_gap.engine.producers import consumed_topics, env_part, env_topics
from koku_gap.model import rules
from koku_gap.model.graph import EnvVar
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


# --- the topic table across apps (fixtures/topics) ----------------------------------------------------------
# shop's listener (the code above) is missing from the chart; till's register says in its env that it
# produces shop.payments and plays acme-checkout, which names it without saying; books' keeper names
# shop.orders without saying; acme-recorder says it consumes shop.audit and names a topic of its own.

TOPICS = ROOT / "fixtures" / "topics"
SHOP_APP, TILL, BOOKS, CHART = (TOPICS / f for f in ("shop.yaml", "till.yaml", "books.yaml", "rendered.yaml"))


def _topics_report(*clowdapps: Path, chart: Path = CHART, with_source: bool = True) -> koku_gap.Report:
    return koku_gap.analyze(
        clowdapps=list(clowdapps), manifests=[chart], app_sources={"shop": SHOP} if with_source else None
    )


def _parties(report: koku_gap.Report, topic: str) -> list[tuple[str, str, str | None, str, int]]:
    """(name, part, known_by, file name, line) of each party to a topic, in table order."""
    found = next(t for t in report.topics if t.name == topic)
    return [(p.name, p.part, p.known_by, Path(p.source.file).name, p.source.line) for p in found.parties]


def test_the_table_holds_every_topic_declared_or_named() -> None:
    report = _topics_report(SHOP_APP, TILL, BOOKS)
    assert [t.name for t in report.topics] == [
        "shop.payments",  # declared, in input order
        "shop.orders",
        "shop.audit",
        "books.entries",
        "shop.legacy",  # read or written by the code only
        "shop.returns",
        "shop.shipments",
        "acme.records",  # named by a chart workload only (RECORDS_TOPIC)
    ]


def test_who_produces_and_consumes_shop_payments(find_line: Callable[..., int]) -> None:
    report = _topics_report(SHOP_APP, TILL, BOOKS)
    assert _parties(report, "shop.payments") == [
        ("shop", "names", None, "shop.yaml", find_line(SHOP_APP, "topicName: shop.payments")),
        ("till", "names", None, "till.yaml", find_line(TILL, "topicName: shop.payments")),
        ("shop/listener", "consumes", "code", "kafka.py", 17),
        ("till/register", "produces", "env-name", "till.yaml", find_line(TILL, "PAYMENTS_PRODUCER_TOPIC")),
        ("acme-checkout", "produces", "component", "rendered.yaml", find_line(CHART, "PAYMENTS_TOPIC")),
    ]
    topic = next(t for t in report.topics if t.name == "shop.payments")
    checkout = topic.parties[-1]
    assert (checkout.plays, checkout.deployed, checkout.detail) == (
        ["till/register"],
        ["acme-checkout"],
        "env PAYMENTS_TOPIC",
    )
    listener = topic.consumers[0]
    assert (listener.deployed, listener.detail, listener.source.file) == (
        [],
        "subscribe in listen",
        "events/kafka.py",
    )
    assert topic.declared == topic.parties[:2] and topic.naming == []


def test_a_name_saying_no_direction_only_names_the_topic(find_line: Callable[..., int]) -> None:
    report = _topics_report(SHOP_APP, TILL, BOOKS)
    keeper = ("books/keeper", "names", None, "books.yaml", find_line(BOOKS, "ORDERS_TOPIC"))
    assert keeper in _parties(report, "shop.orders")
    assert _parties(report, "shop.audit")[1:] == [
        ("shop", "produces", "code", "kafka.py", 24),  # a produce site: the app's, no component's
        ("acme-recorder", "consumes", "env-name", "rendered.yaml", find_line(CHART, "KAFKA_CONSUMER_TOPIC")),
    ]
    assert _parties(report, "acme.records") == [
        ("acme-recorder", "names", None, "rendered.yaml", find_line(CHART, "RECORDS_TOPIC"))
    ]


def test_without_the_code_no_direction_is_told_from_the_declarations() -> None:
    report = _topics_report(SHOP_APP, TILL, BOOKS, with_source=False)
    payments = next(t for t in report.topics if t.name == "shop.payments")
    assert [p.name for p in payments.producers] == ["till/register", "acme-checkout"]
    assert payments.consumers == []  # the listener's subscription is in its code
    assert "shop.legacy" not in {t.name for t in report.topics}


@pytest.mark.parametrize(
    ("name", "part"),
    [
        ("KAFKA_CONSUMER_TOPIC", "consumes"),
        ("INCOMING_TOPIC", "consumes"),
        ("OUTGOING_TOPIC", "produces"),
        ("orders.producer.topic", "produces"),
        ("UPLOAD_TOPIC", "names"),
        ("INGRESS_KAFKAANNOUNCETOPIC", "names"),  # one word: nothing said
        ("PRODUCER_TO_CONSUMER_TOPIC", "names"),  # both said
    ],
)
def test_an_env_var_s_name_says_the_direction_in_whole_words(name: str, part: str) -> None:
    assert env_part(name) == part


def test_an_env_var_names_a_declared_topic_or_any_topic_under_a_topic_name() -> None:
    declared = {"shop.orders"}
    assert env_topics(EnvVar(name="ORDERS", value="shop.orders,other", line=1), declared) == ["shop.orders"]
    assert env_topics(EnvVar(name="OUT_TOPICS", value="a.b, c-d", line=1), declared) == ["a.b", "c-d"]
    assert env_topics(EnvVar(name="KAFKA_TOPIC_PREFIX", value="platform", line=1), declared) == []
    assert env_topics(EnvVar(name="PARTITIONS_TOPIC", value="3 ${X}", line=1), declared) == []
    assert env_topics(EnvVar(name="KAFKA_PRODUCER_ACKS", value="1", line=1), declared) == []


# --- the verdict on a missing consumer ----------------------------------------------------------------------


def test_a_running_workload_known_to_produce_a_topic_proves_the_gap(find_line: Callable[..., int]) -> None:
    listener = row(_topics_report(SHOP_APP, TILL, BOOKS), "listener")
    assert (listener.status, listener.priority, listener.rule) == ("missing", "P0", "missing-kafka-consumer")
    assert listener.assumptions == []  # proven, not assumed
    assert listener.reasons == [
        "a Kafka consumer is missing: messages on its topics are never read, data stops flowing"
    ]
    chain = [e for e in listener.evidence if e.startswith("ClowdApp: ")]
    assert chain == [
        f"ClowdApp: till/register produces shop.payments: its env PAYMENTS_PRODUCER_TOPIC says so "
        f"({TILL}:{find_line(TILL, 'PAYMENTS_PRODUCER_TOPIC')}); it runs as acme-checkout "
        f"({CHART}:{find_line(CHART, '# Source: acme/templates/checkout.yaml') + 1})"  # its first line
    ]
    assert any(e.startswith("code: reads shop.legacy, shop.orders, shop.payments") for e in listener.evidence)


def test_a_workload_naming_the_topic_without_saying_leaves_it_possible() -> None:
    listener = row(_topics_report(SHOP_APP, BOOKS), "listener")
    assert (listener.status, listener.priority, listener.rule) == ("missing", "P1", rules.UNPROVEN_CONSUMER)
    assert [a.name for a in listener.assumptions] == ["a-producer-runs"]
    assert any(
        e.startswith("ClowdApp: books/keeper names shop.orders in its env ORDERS_TOPIC (")
        and e.endswith("runs as acme-bookkeeper: it may produce it, or read it too")
        for e in listener.evidence
    )
    assert any(
        e.startswith("ClowdApp: books declares shop.orders in its kafkaTopics") for e in listener.evidence
    )


def test_an_app_that_is_not_deployed_produces_nothing_here(tmp_path: Path) -> None:
    """till's register says it produces shop.payments, books names shop.orders: neither runs here."""
    chart = write(
        tmp_path, "rendered.yaml", manifests(workload("acme-storefront", command=["gunicorn", "shop.wsgi"]))
    )
    listener = row(_topics_report(SHOP_APP, TILL, BOOKS, chart=chart), "listener")
    assert (listener.status, listener.priority, listener.rule) == ("optional", "P3", rules.UNFED_CONSUMER)
    payments = next(
        t for t in _topics_report(SHOP_APP, TILL, BOOKS, chart=chart).topics if t.name == "shop.payments"
    )
    assert [(p.name, p.deployed) for p in payments.producers] == [("till/register", [])]


def test_a_producer_at_replicas_0_proves_nothing(tmp_path: Path) -> None:
    idle = CHART.read_text(encoding="utf-8").replace(
        "  name: acme-checkout\nspec:\n  replicas: 1", "  name: acme-checkout\nspec:\n  replicas: 0"
    )
    assert idle != CHART.read_text(encoding="utf-8")
    listener = row(_topics_report(SHOP_APP, TILL, chart=write(tmp_path, "rendered.yaml", idle)), "listener")
    assert (listener.priority, listener.rule) == ("P1", rules.UNPROVEN_CONSUMER)
    assert any(
        e == "chart: acme-checkout (at replicas: 0) produces shop.payments when it runs: it plays "
        "till/register, which does"
        for e in listener.evidence
    )


def test_a_chart_workload_whose_env_says_it_produces_proves_the_gap(tmp_path: Path) -> None:
    feeder = workload(
        "acme-feeder", image="quay.io/acme/feeder:1", env={"RETURNS_PRODUCER_TOPIC": "shop.returns"}
    )
    chart = write(
        tmp_path,
        "rendered.yaml",
        manifests(workload("acme-storefront", command=["gunicorn", "shop.wsgi"]), feeder),
    )
    listener = row(_topics_report(SHOP_APP, chart=chart), "listener")
    assert (listener.priority, listener.rule, listener.assumptions) == ("P0", "missing-kafka-consumer", [])
    assert any(
        e.startswith("chart: acme-feeder (")
        and "produces shop.returns: its env RETURNS_PRODUCER_TOPIC says so" in e
        for e in listener.evidence
    )


def test_a_consumer_known_to_read_is_no_producer(tmp_path: Path) -> None:
    reader = workload(
        "acme-auditor", image="quay.io/acme/auditor:1", env={"PAYMENTS_CONSUMER_TOPIC": "shop.payments"}
    )
    chart = write(
        tmp_path,
        "rendered.yaml",
        manifests(workload("acme-storefront", command=["gunicorn", "shop.wsgi"]), reader),
    )
    listener = row(_topics_report(SHOP_APP, chart=chart), "listener")
    assert (listener.priority, listener.rule) == ("P3", rules.UNFED_CONSUMER)


def _deli(tmp_path: Path) -> Path:
    """A source tree whose ``listen_now`` imports the consumer's module at start and ``listen_later``
    only inside its ``handle``: the second may be another process's code."""
    root = tmp_path / "deli"
    files = {
        "manage.py": "import sys\n",
        "deli/__init__.py": "",
        "deli/management/__init__.py": "",
        "deli/management/commands/__init__.py": "",
        "deli/stream.py": (
            "from confluent_kafka import Consumer\n\n\ndef follow():\n"
            '    Consumer({"group.id": "deli"}).subscribe(["shop.payments"])\n'
        ),
        "deli/management/commands/listen_now.py": (
            "from deli.stream import follow\n\n\nclass Command:\n    def handle(self):\n        follow()\n"
        ),
        "deli/management/commands/listen_later.py": (
            "class Command:\n    def handle(self):\n"
            "        from deli.stream import follow\n\n        follow()\n"
        ),
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_proof_needs_a_topic_the_consumer_surely_reads(tmp_path: Path) -> None:
    app = clowdapp(
        "deli",
        deployments=[
            deployment("now", command=manage("listen_now")),
            deployment("later", command=manage("listen_later")),
        ],
    )
    report = koku_gap.analyze(
        clowdapps=[write(tmp_path, "deli.yaml", app), TILL],
        manifests=[CHART],
        app_sources={"deli": _deli(tmp_path)},
    )
    now, later = row(report, "now"), row(report, "later")
    assert (now.priority, now.rule) == ("P0", "missing-kafka-consumer")
    assert (later.priority, later.rule) == ("P1", rules.UNPROVEN_CONSUMER)
    assert any(
        e.endswith("the consumer reads it only if a function imports its module") for e in later.evidence
    )
    payments = next(t for t in report.topics if t.name == "shop.payments")
    assert [p.name for p in payments.consumers] == ["deli/now"]  # later's read is no component's for sure


def test_one_app_of_several_keeps_the_whole_table() -> None:
    """A topic crosses apps: ``--app till`` keeps every topic and party, as the verdicts were made."""
    whole = _topics_report(SHOP_APP, TILL, BOOKS)
    one = koku_gap.analyze(
        clowdapps=[SHOP_APP, TILL, BOOKS], manifests=[CHART], app_sources={"shop": SHOP}, app="till"
    )
    assert one.topics == whole.topics
    assert [r.id for r in one.rows] == ["till/register"]
