"""The parser's events, shared by the loader and Helm's framing."""

from __future__ import annotations

import pytest
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import MappingEndEvent, MappingStartEvent, ScalarEvent, StreamEndEvent

from koku_gap.yaml.events import parser_events, skip_node


def test_events_run_to_the_end_of_the_stream_and_stop() -> None:
    with parser_events("a: 1\n---\nb: 2\n") as events:
        kinds = [type(e).__name__ for e in events]
    assert kinds[0] == "StreamStartEvent" and kinds[-1] == "StreamEndEvent"
    assert kinds.count("DocumentStartEvent") == 2


def test_skip_node_consumes_a_whole_collection_and_nothing_of_a_scalar() -> None:
    with parser_events("a: {b: [1, {c: 2}], d: 3}\ne: 4\n") as events:
        while not isinstance(next(events), MappingStartEvent):
            pass
        key = next(events)
        assert isinstance(key, ScalarEvent) and key.value == "a"
        skip_node(events, next(events))  # the whole {b: ..., d: 3}
        following = next(events)
        assert isinstance(following, ScalarEvent) and following.value == "e"
        value = next(events)
        skip_node(events, value)  # a scalar: nothing more
        assert isinstance(next(events), MappingEndEvent)
        assert not isinstance(next(events), StreamEndEvent)  # the document's end comes first


def test_a_syntax_error_surfaces_from_the_events() -> None:
    with pytest.raises(YAMLError), parser_events("a: [\n") as events:
        list(events)
