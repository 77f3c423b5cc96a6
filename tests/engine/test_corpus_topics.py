"""The Kafka topics of the whole product (issue 14): the five ClowdApps the cost-onprem chart carries
(koku f6cc00b31 with its source, ros-ocp-backend, kruize, insights-ingress-go, sources-api-go) against the
0cc9aa7d render and chart HEAD (7cc5007a). Each row says what a reader of the files says, and no more:

- ``platform.upload.announce``: koku's listener reads it (its code) and runs as the chart's koku
  listener, whose ``KAFKA_TOPIC`` names it; ingress declares it and the chart's ingress names it
  (``KAFKA_ROS_TOPIC`` at 0cc9aa7d, ``INGRESS_KAFKAANNOUNCETOPIC`` at HEAD): ingress is what announces
  uploads, but neither its ClowdApp nor the chart says so (Clowder hands every listed topic to every
  component; its Go code is not read), so it *names* the topic. ROS's processor does not read it:
  its ``UPLOAD_TOPIC`` is ``hccm.ros.events``.
- ``hccm.ros.events``: koku's code produces it (``ROSReportShipper.send_kafka_message``, a produce site
  of the app: which of its processes runs it the imports do not say); the chart's ROS processor names it.
- ``platform.sources.event-stream``: koku's sources-listener reads it (its code): played by
  ``cost-onprem-sources-listener`` at 0cc9aa7d, by nothing at HEAD; koku's own API may produce it
  (``publish_application_destroy_event``); sources-api, its producer in SaaS, declares it, and is
  deployed at 0cc9aa7d only; at HEAD ROS's housekeeper names it (``SOURCES_EVENT_TOPIC``).
- ``rosocp.kruize.recommendations``: ROS declares it and its recommendation poller names it.

Nothing in these files proves a producer, so the missing sources-listener at HEAD stays a possible gap
(P1), never a P0. Skipped when the corpus is absent."""

from __future__ import annotations

import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from koku_gap.api import analyze
from koku_gap.model.report import KafkaTopic, Report, TopicParty
from tests.helpers.corpus import CHARTS as ALL_CHARTS
from tests.helpers.corpus import FIVE, INGRESS, KOKU

CHARTS = {date: ALL_CHARTS[date] for date in ("0cc9aa7d", "7cc5007a")}
LISTENER = {"0cc9aa7d": "cost-onprem-koku-api-listener", "7cc5007a": "cost-onprem-koku-listener"}
ANNOUNCE_ENV = {"0cc9aa7d": "KAFKA_ROS_TOPIC", "7cc5007a": "INGRESS_KAFKAANNOUNCETOPIC"}


@pytest.fixture(scope="module")
def koku_source(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("koku-code")
    with tarfile.open(corpus / "app-src" / "koku-f6cc00b31.tar.gz") as archive:
        archive.extractall(root, filter="data")
    return root / "koku-f6cc00b31"


@pytest.fixture(scope="module")
def reports(corpus: Path, koku_source: Path) -> dict[tuple[str, bool], Report]:
    """(chart, with koku's code) -> the report of the five."""
    return {
        (chart, code): analyze(
            [corpus / f for f in FIVE],
            [corpus / path],
            app_sources={"koku": koku_source} if code else None,
            extras=(),
        )
        for chart, path in CHARTS.items()
        for code in (True, False)
    }


def _topic(report: Report, name: str) -> KafkaTopic:
    return next(t for t in report.topics if t.name == name)


def _who(parties: list[TopicParty]) -> list[tuple[str, list[str]]]:
    """Each party by name, with the chart workloads it runs in."""
    return [(p.name, p.deployed) for p in parties]


@pytest.mark.parametrize("chart", list(CHARTS))
def test_upload_announce_is_read_by_koku_s_listener_and_named_by_ingress(
    reports: dict[tuple[str, bool], Report], corpus: Path, chart: str, find_line: Callable[..., int]
) -> None:
    topic = _topic(reports[(chart, True)], "platform.upload.announce")
    assert [(p.name, p.source.line) for p in topic.declared] == [
        ("koku", find_line(corpus / KOKU, "topicName: platform.upload.announce")),
        ("ingress", find_line(corpus / INGRESS, "topicName: platform.upload.announce") - 2),  # its item
    ]
    assert topic.producers == []  # nothing in the files says who announces uploads
    listener = LISTENER[chart]
    assert _who(topic.consumers) == [("koku/clowder-listener", [listener]), (listener, [listener])]
    code, env = topic.consumers
    assert (code.known_by, code.detail, str(code.source)) == (
        "code",
        "subscribe in listen_for_messages_loop",
        "koku/masu/external/kafka_msg_handler.py:825",
    )
    assert (env.known_by, env.plays, env.detail) == (
        "component",
        ["koku/clowder-listener"],
        "env KAFKA_TOPIC",
    )
    value = find_line(corpus / CHARTS[chart], 'value: "platform.upload.announce"')
    assert env.source.line == value - 1  # the env item's `- name:` line
    [ingress] = topic.naming
    assert (ingress.name, ingress.plays, ingress.detail) == (
        "cost-onprem-ingress",
        ["ingress/service"],
        f"env {ANNOUNCE_ENV[chart]}",
    )


@pytest.mark.parametrize("chart", list(CHARTS))
def test_ros_events_are_produced_by_koku_s_code_and_named_by_ros_s_processor(
    reports: dict[tuple[str, bool], Report], chart: str
) -> None:
    topic = _topic(reports[(chart, True)], "hccm.ros.events")
    assert [p.name for p in topic.declared] == ["koku", "ros-ocp-backend"]
    [koku] = topic.producers
    assert (koku.name, koku.known_by, str(koku.source)) == (
        "koku",  # the app's: which of its processes runs the site is not known
        "code",
        "koku/masu/external/ros_report_shipper.py:136",
    )
    assert topic.consumers == []
    assert _who(topic.naming) == [("cost-onprem-ros-processor", ["cost-onprem-ros-processor"])]
    assert topic.naming[0].plays == ["ros-ocp-backend/processor"]
    assert "platform.upload.announce" not in {
        t.name
        for t in reports[(chart, True)].topics
        for p in t.parties
        if p.name == "cost-onprem-ros-processor"
    }


def test_the_sources_event_stream_at_each_render(reports: dict[tuple[str, bool], Report]) -> None:
    old, head = (_topic(reports[(chart, True)], "platform.sources.event-stream") for chart in CHARTS)
    assert _who(old.declared)[2] == ("sources-api", ["cost-onprem-sources-api"])  # deployed at 0cc9aa7d
    assert _who(head.declared)[2] == ("sources-api", [])  # and not at HEAD
    assert _who(old.consumers) == [("koku/clowder-sources-listener", ["cost-onprem-sources-listener"])]
    assert _who(head.consumers) == [("koku/clowder-sources-listener", [])]
    for topic in (old, head):
        assert [(p.name, str(p.source)) for p in topic.producers] == [
            ("koku", "koku/sources/kafka_publisher.py:106")  # publish_application_destroy_event
        ]
    assert old.naming == []
    assert [(p.name, p.plays, p.detail) for p in head.naming] == [
        ("cost-onprem-ros-housekeeper", ["ros-ocp-backend/housekeeper"], "env SOURCES_EVENT_TOPIC")
    ]


def test_the_missing_sources_listener_stays_a_possible_gap(reports: dict[tuple[str, bool], Report]) -> None:
    """No producer of the event stream is proven at HEAD: koku's own produce site is on a request's
    path, the housekeeper and the apps declaring it say no direction."""
    report = reports[("7cc5007a", True)]
    listener = next(r for r in report.rows if r.id == "koku/clowder-sources-listener")
    assert (listener.status, listener.priority, listener.rule) == ("missing", "P1", "unproven-kafka-consumer")
    assert not any(r.priority == "P0" and r.role == "kafka-consumer" for r in report.rows)
    words = [e for e in listener.evidence if "platform.sources.event-stream" in e and "may produce" in e]
    assert [w.split(" names ")[0].split(" declares ")[0] for w in words] == [
        "chart: cost-onprem-ros-housekeeper",
        "ClowdApp: ros-ocp-backend",  # sources-api, not deployed here, is no producer of it
    ]


def test_without_the_code_no_topic_has_a_direction(reports: dict[tuple[str, bool], Report]) -> None:
    for chart in CHARTS:
        topics = reports[(chart, False)].topics
        assert not [p.name for t in topics for p in t.parties if p.part != "names"], chart
        assert _topic(reports[(chart, False)], "rosocp.kruize.recommendations").naming[0].name == (
            "cost-onprem-ros-rec-poller"
        )
