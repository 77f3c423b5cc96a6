"""The dumper for suggested YAML writes exactly what ruamel's safe C dumper writes, only faster."""

from __future__ import annotations

import io
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.representer import RepresenterError

from koku_gap.yaml import dumper
from koku_gap.yaml.dumper import yaml_text
from koku_gap.yaml.loader import parse_stream, to_plain


def ruamel_dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=False)
    yaml.default_flow_style = False
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


PLAIN = {
    "b": [1, True, None, "", "yes", "0o17", {"z": "two\nlines", "a": "x" * 200}],
    "a": {"env": {"LEVEL": "debug", "PORT": "8000"}, "image": {"repository": "q/i", "tag": "1.0"}},
    "é": "😀",
}


@pytest.mark.parametrize(
    "data",
    [
        PLAIN,
        {"floats": [1.5, float("inf")], "tuple": (1, 2)},  # not plain: ruamel's representer writes them
        {1: "int key", "s": "str key"},  # keys that do not compare: written unsorted, as ruamel does
        [],
        {},
    ],
    ids=["plain", "floats-and-tuples", "mixed-keys", "empty-list", "empty-map"],
)
def test_yaml_text_is_ruamels_dump(data: Any) -> None:
    assert yaml_text(data) == ruamel_dump(data)


def test_line_marked_values_are_refused_as_ruamel_refuses_them_and_dump_once_plain() -> None:
    """The loader's LDict and LList are not plain data: like ruamel, the dumper wants ``to_plain`` first."""
    loaded = parse_stream("a: {b: [1, x]}\nc: d\n", "f.yaml").documents[0].value
    with pytest.raises(RepresenterError):
        ruamel_dump(loaded)
    with pytest.raises(RepresenterError):
        yaml_text(loaded)
    assert yaml_text(to_plain(loaded)) == ruamel_dump({"a": {"b": [1, "x"]}, "c": "d"})


def test_remembered_resolutions_are_bounded_and_dropped_without_changing_the_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dumper, "RESOLVED_KEPT", 3)
    data = {f"k{i}": [str(i), f"{i}.5", "true" if i % 2 else "no"] for i in range(20)}
    assert yaml_text(data) == ruamel_dump(data)
    assert yaml_text(data) == ruamel_dump(data)  # a second time, from a cleared memo
