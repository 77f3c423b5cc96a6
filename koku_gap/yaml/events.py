"""The C parser's events of a YAML text, for readers that build their own values from them.

libyaml's parser (ruamel's ``CParser``) without ``YAML().parse``'s per-call setup and generator: the
loader builds line-marked values from every event, Helm's framing reads only a document's head.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]  # (imported there from the C extension)
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent


@contextlib.contextmanager
def parser_events(text: str) -> Iterator[Iterator[Any]]:
    """The events of ``text``, in order, until the parser has none left; the parser is freed after."""
    parser = CParser(text)
    try:
        yield iter(parser.get_event, None)
    finally:
        parser.dispose()


def skip_node(events: Iterable[Any], first: Any) -> None:
    """Consume the events of the node ``first`` starts (nothing more for a scalar or an alias)."""
    if not isinstance(first, CollectionStartEvent):
        return
    depth = 1
    for event in events:
        if isinstance(event, CollectionStartEvent):
            depth += 1
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
            if depth == 0:
                return
