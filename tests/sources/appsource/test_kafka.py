from __future__ import annotations

from koku_gap.model.evidence import AppSource


def test_topics_consumed_and_produced_by_function(shop: AppSource) -> None:
    sites = [(k.direction, k.call, k.place.function, [sorted(t.known) for t in k.topics]) for k in shop.kafka]
    assert sites == [
        (
            "consume",
            "subscribe",
            "listen",
            [["shop.payments"], ["shop.orders"]],
        ),  # constant; settings attribute
        ("consume", "KafkaConsumer", "listen", [["shop.legacy"], ["shop.returns"]]),
        ("produce", "produce", "publish", [["shop.audit"]]),  # an env read's default
        ("produce", "send", "publish", [[]]),
    ]


def test_an_unknown_topic_keeps_the_literal_it_was_looked_up_by(shop: AppSource) -> None:
    send = next(k for k in shop.kafka if k.call == "send")
    (value,) = send.topics[0].values
    assert value.value is None and value.hints == ("shop.shipments",)


def test_the_settings_topic_names_its_variable(shop: AppSource) -> None:
    subscribe = shop.kafka[0]
    orders = subscribe.topics[1]
    assert orders.expression == "settings.ORDERS_TOPIC"
    assert {v.env for v in orders.values} == {"ORDERS_TOPIC"}
    assert next(v for v in orders.values if v.value).ref.file == "shop/settings.py"
