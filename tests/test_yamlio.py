"""The line-marked YAML loader: values, lines, streams, ``# Source:`` comments, budgets and errors."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from koku_gap.errors import InputError
from koku_gap.yamlio import (
    LDict,
    LList,
    decode_bytes,
    line_of,
    load_stream,
    parse_stream,
    read_text,
    to_plain,
)


def parse_one(text: str) -> Any:
    stream = parse_stream(text, "t.yaml")
    assert len(stream.documents) == 1
    return stream.documents[0].value


# --- values and lines -------------------------------------------------------------------------


def test_mapping_and_sequence_lines() -> None:
    value = parse_one("a: 1\nb:\n  - x\n  - y: 2\n    z: 3\nc: {d: 4}\n")
    assert isinstance(value, LDict)
    assert value.line == 1
    assert value.key_lines == {"a": 1, "b": 2, "c": 6}
    seq = value["b"]
    assert isinstance(seq, LList)
    assert seq.line == 3
    assert seq.item_lines == [3, 4]
    assert seq[1].line == 4
    assert seq[1].line_of("z") == 5
    assert value.line_of("missing") == 1
    assert seq.line_of(99) == 3
    assert line_of(seq[1], 0) == 4
    assert line_of("scalar", 7) == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("-12", -12),
        ("0x1F", 31),
        ("0o17", 15),
        ("017", 17),  # YAML 1.2: no implicit octal
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("true", True),
        ("false", False),
        ("yes", "yes"),  # YAML 1.2: only true/false are booleans
        ("on", "on"),
        ("null", None),
        ("~", None),
        ("", None),
        ("'3'", "3"),
        ('"${{REPLICAS}}"', "${{REPLICAS}}"),
        ("${{REPLICAS}}", "${{REPLICAS}}"),  # a plain scalar, not a flow mapping: `$` starts it
        ("2001-12-14", "2001-12-14"),  # timestamps stay text
    ],
)
def test_scalars(text: str, expected: Any) -> None:
    assert parse_one(f"v: {text}\n")["v"] == expected


def test_special_floats() -> None:
    value = parse_one("a: .inf\nb: -.inf\nc: .nan\n")
    assert value["a"] == math.inf
    assert value["b"] == -math.inf
    assert math.isnan(value["c"])


def test_keys_are_text() -> None:
    value = parse_one("1: a\ntrue: b\nnull: c\n1.5: d\n")
    assert list(value) == ["1", "true", "null", "1.5"]


def test_block_scalars() -> None:
    text = "kind: A\ndata:\n  f: |\n    one\n    two\n\n  g: >-\n    x\n    y\n  h: plain\n"
    stream = parse_stream(text, "t.yaml")
    value = stream.documents[0].value
    assert value["data"]["f"] == "one\ntwo\n"
    assert value["data"]["g"] == "x y"
    assert stream.in_block_scalar(4)
    assert stream.in_block_scalar(5)
    assert stream.in_block_scalar(8)
    assert stream.in_block_scalar(9)
    assert not stream.in_block_scalar(3)  # the `f: |` line itself is structure
    assert not stream.in_block_scalar(10)


def test_block_scalar_at_end_of_file_without_newline() -> None:
    stream = parse_stream("x: |\n  a\n  last", "t.yaml")
    assert stream.in_block_scalar(3)


# --- anchors, merges, duplicates -----------------------------------------------------------------


def test_anchors_and_merge_keys() -> None:
    text = (
        "base: &base\n"
        "  image: img\n"
        "  replicas: 1\n"
        "extra: &extra\n"
        "  replicas: 5\n"
        "  port: 80\n"
        "pod:\n"
        "  <<: [*base, *extra]\n"
        "  replicas: 3\n"
        "alias: *base\n"
    )
    value = parse_one(text)
    pod = value["pod"]
    assert to_plain(pod) == {"replicas": 3, "image": "img", "port": 80}  # explicit wins, earlier merge wins
    assert pod.line_of("replicas") == 9
    assert pod.line_of("image") == 2  # a merged key keeps the line it is written on
    assert to_plain(value["alias"]) == {"image": "img", "replicas": 1}


def test_merge_of_non_mapping_is_an_error() -> None:
    with pytest.raises(InputError, match="merge key"):
        parse_stream("a: &a [1]\nb:\n  <<: *a\n", "t.yaml")


def test_duplicate_keys_are_noted_and_last_wins() -> None:
    stream = parse_stream("labels:\n  component: a\n  component: b\n", "t.yaml")
    assert stream.documents[0].value["labels"]["component"] == "b"
    assert stream.documents[0].value["labels"].line_of("component") == 3
    [note] = stream.notes
    assert note.code == "duplicate-key"
    assert note.line == 3
    assert "first at line 2" in note.message


# --- streams and Helm's `# Source:` comments ------------------------------------------------------


def test_multi_document_stream_with_sources() -> None:
    text = (
        "---\n"  # 1
        "# Source: shop/templates/a.yaml\n"  # 2
        "kind: A\n"  # 3
        "data:\n"  # 4
        "  x: |\n"  # 5
        "    # Source: not/a/comment.yaml\n"  # 6
        "---\n"  # 7
        "# Source: shop/templates/empty.yaml\n"  # 8
        "---\n"  # 9
        "kind: B\n"  # 10
        "---\n"  # 11
        "# Source: shop/templates/c.yaml\n"  # 12
        "kind: C\n"  # 13
    )
    stream = parse_stream(text, "t.yaml")
    assert [d.value["kind"] for d in stream.documents] == ["A", "B", "C"]
    assert [d.line for d in stream.documents] == [3, 10, 13]
    assert [d.index for d in stream.documents] == [0, 1, 2]
    # B has no comment of its own: the one above belongs to an empty document
    assert [d.template for d in stream.documents] == ["shop/templates/a.yaml", None, "shop/templates/c.yaml"]
    assert stream.documents[0].value["data"]["x"] == "# Source: not/a/comment.yaml\n"


def test_empty_stream() -> None:
    assert parse_stream("", "t.yaml").documents == []
    assert parse_stream("# only a comment\n---\n", "t.yaml").documents == []


# --- bytes, files and errors -------------------------------------------------------------------


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfkind: Template\n")
    stream = load_stream(path)
    assert stream.documents[0].value == {"kind": "Template"}
    assert stream.documents[0].line == 1


def test_not_utf8_names_line_and_column() -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(b"a: 1\nb: \xff\n", "bad.yaml")
    assert (info.value.file, info.value.line, info.value.column) == ("bad.yaml", 2, 4)
    assert "0xff" in str(info.value)


def test_nul_byte() -> None:
    with pytest.raises(InputError, match="NUL") as info:
        parse_stream("a: 1\nb: \x00\n", "t.yaml")
    assert info.value.line == 2


def test_read_text_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="is a directory"):
        read_text(tmp_path)
    big = tmp_path / "big.yaml"
    big.write_text("a: 1\n" * 10)
    with pytest.raises(InputError, match="over the 10-byte limit"):
        read_text(big, max_bytes=10)


def test_syntax_error_has_file_line_and_one_line_message() -> None:
    text = "kind: Template\nobjects:\n  - a: [1, 2\n  - b: 3\nparameters: x: y\n"
    with pytest.raises(InputError) as info:
        parse_stream(text, "broken.yaml")
    error = info.value
    assert error.file == "broken.yaml"
    assert error.line is not None and 3 <= error.line <= 5
    assert "YAML syntax error" in error.message
    assert "\n" not in str(error)
    assert str(error).startswith(f"broken.yaml:{error.line}:")


def test_tab_indentation_is_explained() -> None:
    with pytest.raises(InputError, match="tab characters") as info:
        parse_stream("a:\n\tb: 1\n", "tabs.yaml")
    assert info.value.line == 2


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object:os.system ls\n",
        "a: !custom 1\n",
        "a: !custom {b: 1}\n",
        "a: !!set [1, 2]\n",
    ],
)
def test_unknown_tags_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="unsupported YAML tag"):
        parse_stream(text, "t.yaml")


def test_standard_collection_tags() -> None:
    value = parse_one("s: !!set {a: null}\no: !!omap [{a: 1}]\n")
    assert to_plain(value) == {"s": {"a": None}, "o": [{"a": 1}]}


def test_mapping_key_must_be_scalar() -> None:
    with pytest.raises(InputError, match="mapping key must be a scalar") as info:
        parse_stream("a: 1\n? [x]\n: 2\n", "t.yaml")
    assert info.value.line == 2


def test_alias_bomb_is_stopped() -> None:
    text = "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: [*c, *c, *c, *c]\n"
    with pytest.raises(InputError, match="alias bomb"):
        parse_stream(text, "bomb.yaml", max_nodes=100)


def test_nesting_limit() -> None:
    with pytest.raises(InputError, match="nesting deeper"):
        parse_stream("a: " + "[" * 30 + "]" * 30 + "\n", "deep.yaml", max_depth=10)


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(InputError, match="recursive alias"):
        parse_stream("a: &a [*a]\n", "loop.yaml")


def test_to_plain_strips_marks() -> None:
    value = parse_one("a: [1, {b: 2}]\n")
    plain = to_plain(value)
    assert type(plain) is dict
    assert type(plain["a"]) is list
    assert type(plain["a"][1]) is dict
    assert plain == {"a": [1, {"b": 2}]}


# --- property: what ruamel dumps, we load back, with increasing lines ---------------------------

KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC_-.0123456789", min_size=1, max_size=8)
TEXT = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), max_size=20)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
TREES = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=4)),
    max_leaves=25,
)


def _dump(value: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump(value, out)
    return out.getvalue()


def _sequences(value: Any) -> list[LList]:
    found: list[LList] = []
    if isinstance(value, LList):
        found.append(value)
    if isinstance(value, dict):
        for item in value.values():
            found.extend(_sequences(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_sequences(item))
    return found


@settings(max_examples=50)  # ruamel's pure dumper is the slow part
@given(st.dictionaries(KEYS, TREES, min_size=1, max_size=5))
def test_roundtrip_of_dumped_trees(tree: dict[str, Any]) -> None:
    text = _dump(tree)
    value = parse_one(text)
    assert to_plain(value) == tree
    total_lines = text.count("\n") + 1
    for seq in _sequences(value):
        assert len(seq.item_lines) == len(seq)
        assert all(1 <= line <= total_lines for line in seq.item_lines)
        assert seq.item_lines == sorted(seq.item_lines)
        assert len(set(seq.item_lines)) == len(seq.item_lines)  # block style: one item per line
    assert all(1 <= line <= total_lines for line in value.key_lines.values())
    assert list(value.key_lines.values()) == sorted(value.key_lines.values())


@settings(max_examples=40)
@given(st.lists(st.dictionaries(KEYS, SCALARS, min_size=1, max_size=3), min_size=1, max_size=5))
def test_multi_document_roundtrip(documents: list[dict[str, Any]]) -> None:
    text = "".join("---\n" + _dump(doc) for doc in documents)
    stream = parse_stream(text, "multi.yaml")
    assert [to_plain(d.value) for d in stream.documents] == documents
    lines = [d.line for d in stream.documents]
    assert lines == sorted(lines) and len(set(lines)) == len(lines)
