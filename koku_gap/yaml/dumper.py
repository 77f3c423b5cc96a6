"""Dump plain data as block YAML, byte for byte as ruamel's safe C dumper writes it, faster.

For the YAML this program writes for people to read and paste (suggested values fragments).
"""

from __future__ import annotations

import contextlib
import functools
import io
from typing import Any

RESOLVED_KEPT = 100_000  # scalars whose YAML resolution yaml_text remembers


def yaml_text(data: Any) -> str:
    """``data`` as block YAML, exactly as ``YAML(typ="safe", pure=False)`` with ``width = 4096`` and
    ``default_flow_style = False`` dumps it (keys sorted), three times faster."""
    out = io.StringIO()
    dumper = _dumper_class()(out)
    try:
        dumper.open()
        dumper.represent(data)
        dumper.close()
    finally:
        dumper.dispose()
    return out.getvalue()


@functools.cache
def _dumper_class() -> type:
    """What ``YAML(typ="safe", pure=False)`` dumps with (the C emitter, ruamel's safe representer and
    resolver), with its defaults and a width of 4096, minus ruamel's per-node overhead.

    ruamel makes a new ``Tag`` for every node, and the C emitter compares it with the resolver's
    by its text, which each new ``Tag`` decodes character by character; and it resolves each scalar
    twice, by regular expressions. That was most of the time spent writing a values fragment (27 ms of
    a koku run; 3 s at 100 times koku). Here a tag is one shared ``Tag`` per name, a scalar's
    resolution is remembered, and plain data skips the representer's dispatch: the nodes, the events
    and so the text are exactly the same (tests/yaml/test_dumper.py compares them, hypothesis
    too).
    """
    from ruamel.yaml.cyaml import CEmitter  # type: ignore[attr-defined]  # (from the C extension)
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
    from ruamel.yaml.representer import SafeRepresenter
    from ruamel.yaml.resolver import Resolver
    from ruamel.yaml.tag import Tag

    tags: dict[str, Any] = {}
    resolved: dict[tuple[str, bool, bool], Any] = {}

    def shared(tag: Any) -> Any:
        if not isinstance(tag, str):
            return tag
        found = tags.get(tag)
        if found is None:
            found = tags[tag] = Tag(suffix=tag)
        return found

    str_tag, int_tag, bool_tag, null_tag, map_tag, seq_tag = (
        shared(f"tag:yaml.org,2002:{name}") for name in ("str", "int", "bool", "null", "map", "seq")
    )

    def direct(data: Any, seen: set[int]) -> Any:
        """The node SafeRepresenter makes of plain data (exact dict, list, str, int, bool, None), made
        here without its per-node dispatch; None for anything else, or a container met twice (which
        ruamel writes as an anchor and aliases): then SafeRepresenter does it all."""
        kind = type(data)
        if kind is str:
            return ScalarNode(str_tag, data)
        if kind is bool:
            return ScalarNode(bool_tag, "true" if data else "false")
        if kind is int:
            return ScalarNode(int_tag, str(data))
        if data is None:
            return ScalarNode(null_tag, "null")
        if (kind is not dict and kind is not list) or id(data) in seen:
            return None
        seen.add(id(data))
        if kind is list:
            items = [direct(item, seen) for item in data]
            return None if None in items else SequenceNode(seq_tag, items, flow_style=False)
        pairs = list(data.items())
        with contextlib.suppress(TypeError):  # as SafeRepresenter: sorted, unless keys do not compare
            pairs = sorted(pairs)
        value = [(direct(k, seen), direct(v, seen)) for k, v in pairs]
        if any(k is None or v is None for k, v in value):
            return None
        return MappingNode(map_tag, value, flow_style=False)

    class ValuesDumper(CEmitter, SafeRepresenter, Resolver):  # type: ignore[misc]
        def __init__(self, stream: io.StringIO) -> None:
            CEmitter.__init__(self, stream, width=4096, allow_unicode=True)
            self._emitter = self._serializer = self._representer = self
            SafeRepresenter.__init__(self, default_style=None, default_flow_style=False)
            Resolver.__init__(self)

        def represent(self, data: Any) -> None:
            node = direct(data, set())
            if node is None:
                super().represent(data)
            else:
                self.serialize(node)

        def represent_scalar(self, tag: Any, value: Any, style: Any = None, anchor: Any = None) -> Any:
            return super().represent_scalar(shared(tag), value, style=style, anchor=anchor)

        def represent_sequence(self, tag: Any, sequence: Any, flow_style: Any = None) -> Any:
            return super().represent_sequence(shared(tag), sequence, flow_style=flow_style)

        def represent_mapping(self, tag: Any, mapping: Any, flow_style: Any = None) -> Any:
            return super().represent_mapping(shared(tag), mapping, flow_style=flow_style)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is not ScalarNode or self.yaml_path_resolvers:
                return super().resolve(kind, value, implicit)
            key = (value, bool(implicit[0]), bool(implicit[1]))
            found = resolved.get(key)
            if found is None:
                if len(resolved) >= RESOLVED_KEPT:  # a long-lived process (a notebook) reads many inputs
                    resolved.clear()
                found = resolved[key] = str(super().resolve(kind, value, implicit))  # compared as text
            return found

    return ValuesDumper
