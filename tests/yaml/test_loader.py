"""The line-marked YAML loader: values, lines, streams, ``# Source:`` comments, budgets and errors."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from koku_gap.model.errors import MAX_MESSAGE, InputError
from koku_gap.yaml.loader import (
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


# --- the event builder: aliases, budgets, characters (issue 7) ---------------------------------


def test_alias_values_are_shared_and_items_keep_the_alias_line() -> None:
    value = parse_one("base: &b {x: 1}\nitems:\n- *b\n- *b\n")
    first, second = value["items"]
    assert first is second is value["base"]  # shared, not copied: expansion costs nothing
    assert value["items"].item_lines == [3, 4]  # where each alias is written


def test_budget_counts_aliases_by_what_they_expand_to() -> None:
    text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a, *a]\n"
    parse_stream(text, "t.yaml", max_nodes=60)  # 4 + 1 + 2 + 10 + 1 + 1 + 30 = 49 nodes
    with pytest.raises(InputError, match=r"alias \*a expands this file past 40 YAML nodes") as info:
        parse_stream(text, "t.yaml", max_nodes=40)
    assert (info.value.line, info.value.column) == (2, 13)  # the alias that crossed the budget


def test_budget_without_aliases() -> None:
    with pytest.raises(InputError, match="more than 10 YAML nodes: too large") as info:
        parse_stream("[" + ",".join("x" * 20) + "]", "t.yaml", max_nodes=10)
    assert info.value.line == 1


def test_depth_counts_through_aliases() -> None:
    text = "a: &a [[[1]]]\nb: [[*a]]\n"
    parse_stream(text, "t.yaml", max_depth=6)
    with pytest.raises(InputError, match=r"alias \*a nests deeper than 5 levels") as info:
        parse_stream(text, "t.yaml", max_depth=5)
    assert (info.value.line, info.value.column) == (2, 6)


def test_deep_nesting_stops_before_the_parser_goes_deep() -> None:
    text = "[" * 1_000_000  # the C composer would crash the interpreter; never even closed here
    with pytest.raises(InputError, match="nesting deeper than 100 levels") as info:
        parse_stream(text, "deep.yaml")
    assert (info.value.line, info.value.column) == (1, 102)


def test_undefined_alias() -> None:
    with pytest.raises(InputError, match=r"undefined alias \*nope") as info:
        parse_stream("a: *nope\n", "t.yaml")
    assert (info.value.line, info.value.column) == (1, 4)


def test_anchors_do_not_cross_documents() -> None:
    with pytest.raises(InputError, match="undefined alias"):
        parse_stream("a: &x 1\n---\nb: *x\n", "t.yaml")


def test_merge_key_text_elsewhere_is_text() -> None:
    assert to_plain(parse_one("a: <<\nb: [<<]\n")) == {"a": "<<", "b": ["<<"]}


def test_non_specific_tag_is_text() -> None:
    assert parse_one("a: ! 12\n") == {"a": "12"}


def test_yaml_1_1_directive_does_not_change_scalars() -> None:
    assert parse_one("%YAML 1.1\n---\na: yes\nb: 010\n") == {"a": "yes", "b": 10}


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a: 1\nb: x\x07y\n", 2, 5, "control character U+0007"),
        ("a: \x1b[31m\n", 1, 4, "control character U+001B"),
        ("a: \x7f\n", 1, 4, "control character U+007F"),
        ("a: '\ud800'\n", 1, 5, "control character U+D800"),
        ("a:\n  - \x00\n", 2, 5, "NUL byte"),
    ],
)
def test_characters_yaml_does_not_allow(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)) as info:
        parse_stream(text, "t.yaml")
    assert (info.value.line, info.value.column) == (line, column)
    assert str(info.value).isprintable()


def test_characters_yaml_allows() -> None:
    assert parse_one("a: 'tab\there é \u00a0 \U0001f600'\n") == {"a": "tab\there é \u00a0 \U0001f600"}


def test_duplicate_key_notes_are_capped() -> None:
    text = "".join(f"m{i}: {{k: 1, k: 2}}\n" for i in range(150))
    stream = parse_stream(text, "t.yaml")
    assert len(stream.notes) == 101
    assert stream.notes[-1].message == "50 more duplicate keys from here on, not listed one by one"
    assert stream.notes[-1].line == 101


def test_duplicate_key_note_names_both_lines() -> None:
    [note] = parse_stream("a: 1\nb: 2\na: 3\n", "t.yaml").notes
    assert note.message == "duplicate key 'a' (first at line 1, again at line 3); the last value wins"


def test_block_scalars_under_aliases_are_recorded_once() -> None:
    stream = parse_stream("a: &a |\n  x\nb: [*a, *a]\n", "t.yaml")
    assert stream.block_scalars == [(2, 2)]
    assert stream.in_block_scalar(2) and not stream.in_block_scalar(3)


def test_read_text_stops_at_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: 1\n" * 10)
    with pytest.raises(InputError, match="50 bytes, over the 10-byte limit"):
        read_text(big, max_bytes=10)
    with pytest.raises(InputError, match="more than 10 bytes, over the 10-byte limit"):
        decode_bytes(b"x" * 11, "<stdin>", max_bytes=10)


def test_not_utf8_column_counts_characters() -> None:
    with pytest.raises(InputError) as info:
        decode_bytes("é: \u00e9".encode() + b" \xff\n", "bad.yaml")
    assert (info.value.line, info.value.column) == (1, 6)


def test_input_error_is_one_printable_bounded_line() -> None:
    error = InputError("a\nb\x1b.yaml", 3, "bad\n  thing " + "x" * 5000, 4)
    text = str(error)
    assert text.startswith("a\\nb\\x1b.yaml:3:4: bad thing x")
    assert text.isprintable()
    assert len(error.message) == MAX_MESSAGE == 2000 and error.message.endswith("...")
