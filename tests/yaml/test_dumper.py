"""The dumper for suggested YAML writes exactly what ruamel's safe C dumper writes, only faster."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml.representer import RepresenterError

from koku_gap.yaml import dumper
from koku_gap.yaml.dumper import yaml_text
from koku_gap.yaml.loader import parse_stream, to_plain
from tests.helpers.dumps import ruamel_dump

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


# --- whatever the values ------------------------------------------------------------------------------------


TRICKY_TEXT = st.sampled_from(
    ["", " x", "x ", "true", "no", "null", "~", "1", "1.5", "0x1f", "1e3", ".inf", "2024-01-01", "<<",
     "=", "-", "a: b", "a #b", "${X}", "two\nlines", "end\n", "tab\there", "é€😀", "'q'", '"q"', "[x]",
     "{x}", "*x", "&x"]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    TRICKY_TEXT,
    st.text(max_size=12),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.one_of(TRICKY_TEXT, st.text()), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.one_of(TRICKY_TEXT, st.text(min_size=1)), VALUES, min_size=1, max_size=5))
def test_yaml_text_is_ruamels_dump_whatever_the_values(data: dict[str, Any]) -> None:
    assert yaml_text(data) == ruamel_dump(data)


def test_yaml_text_keeps_ruamels_anchors_for_shared_values() -> None:
    shared = {"cpu": "1"}
    data = {"limits": shared, "requests": shared, "list": [shared, [1, 2]]}
    assert yaml_text(data) == ruamel_dump(data)
    assert "&id001" in yaml_text(data)
