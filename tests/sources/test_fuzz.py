"""Property-based fuzzing of the loaders (issue 7): whatever the bytes, only ``InputError`` escapes.

Four sources of input, each a bounded number of examples (the deterministic ``ci`` profile of
``conftest.py``; ``HYPOTHESIS_PROFILE=explore`` draws 20 times as many, at random): random bytes,
random YAML-ish text, real fixtures mutated as text (insertions, deletions, re-indentation,
truncation), and real fixtures mutated as trees (a subtree replaced by a value of another type),
which reach the readers' schema checks rather than the parser's.
The whole file runs in a few seconds.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from koku_gap.api import compare
from koku_gap.engine.policy import load_policy
from koku_gap.model.errors import InputError
from koku_gap.model.graph import ComponentGraph
from koku_gap.sources.clowdapp import load_clowdapp
from koku_gap.sources.manifests import load_manifests
from koku_gap.yaml.loader import parse_stream, to_plain
from tests.conftest import examples

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = [
    ROOT / "fixtures" / "engine" / "mini-clowdapp.yaml",
    ROOT / "fixtures" / "engine" / "mini-rendered.yaml",
    ROOT / "fixtures" / "loaders" / "template.yaml",
    ROOT / "fixtures" / "loaders" / "rendered.yaml",
    ROOT / "fixtures" / "loaders" / "bare-clowdapp.yaml",
    ROOT / "fixtures" / "loaders" / "two-clowdapps.yaml",
]
TEXTS = [path.read_text(encoding="utf-8") for path in FIXTURES]

TOKENS = [
    "- ", ": ", "? ", "{", "}", "[", "]", ", ", "&a ", "*a", "<<: *a", "!!str ", "!!python/none ", "!t ",
    "| ", ">-", "'", '"', "#", "\n", "  ", "\t", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n",
    "${X}", "${{X}}", "{{ .Values.x }}", "{{- include \"x\" . }}", "~", "null", "true", "3", "0x1F", ".inf",
    "kind: ClowdApp\n", "kind: Template\n", "kind: Deployment\n", "objects:\n", "deployments:\n",
    "name: x\n", "podSpec:\n", "spec:\n", "containers:\n", "\\", "\x85", "\u2028", "\r", "\ufeff", "é",
]  # fmt: skip
YAMLISH = st.lists(st.sampled_from(TOKENS) | st.text(max_size=3), max_size=60).map("".join)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@cache
def base_graphs() -> tuple[ComponentGraph, ComponentGraph]:
    return load_clowdapp(FIXTURES[0]), load_manifests(FIXTURES[1])


def check_error(error: InputError, file: str) -> None:
    text = str(error)
    assert "\n" not in text and text.isprintable(), text
    assert error.file == file
    assert error.line is None or error.line >= 1
    assert error.column is None or (error.line is not None and error.column >= 1)


def load_everything(work: Path, data: bytes, *, engine: bool = False) -> None:
    """Each loader on ``data``; only InputError may come out, and then as one clean line."""
    path = work / "input.yaml"
    path.write_bytes(data)
    text = data.decode("utf-8", errors="replace")
    try:
        parse_stream(text, "text.yaml")
    except InputError as error:
        check_error(error, "text.yaml")
    app, chart = base_graphs()
    policy = load_policy("default")
    for load, side in ((load_clowdapp, "clowdapp"), (load_manifests, "manifests")):
        try:
            graph = load(path)
        except InputError as error:
            check_error(error, str(path))
            continue
        if engine:  # a file that loads must also survive the whole analysis
            compare(graph, chart, policy) if side == "clowdapp" else compare(app, graph, policy)


@settings(max_examples=examples(150))
@given(st.binary(max_size=400))
def test_random_bytes(work: Path, data: bytes) -> None:
    load_everything(work, data)


@settings(max_examples=examples(150))
@given(st.text(max_size=200))
def test_random_text(work: Path, text: str) -> None:
    """Any code point, lone surrogates included (parse_stream takes text from the API too)."""
    try:
        parse_stream(text, "text.yaml")
    except InputError as error:
        check_error(error, "text.yaml")
    load_everything(work, text.encode("utf-8", errors="surrogatepass"))


@settings(max_examples=examples(200))
@given(YAMLISH)
def test_yamlish_text(work: Path, text: str) -> None:
    load_everything(work, text.encode("utf-8", errors="surrogatepass"))


MUTATION = st.tuples(
    st.sampled_from(["insert", "delete", "duplicate-line", "indent", "dedent", "truncate"]),
    st.floats(min_value=0, max_value=1),
    st.sampled_from(TOKENS),
    st.integers(min_value=1, max_value=40),
)


def mutate(text: str, mutations: list[tuple[str, float, str, int]]) -> str:
    for kind, where, token, size in mutations:
        pos = int(where * len(text))
        lines = text.split("\n")
        row = min(int(where * len(lines)), len(lines) - 1)
        if kind == "insert":
            text = text[:pos] + token + text[pos:]
        elif kind == "delete":
            text = text[:pos] + text[pos + size :]
        elif kind == "duplicate-line":
            lines.insert(row, lines[row])
            text = "\n".join(lines)
        elif kind == "indent":
            lines[row] = " " * (size % 5) + lines[row]
            text = "\n".join(lines)
        elif kind == "dedent":
            lines[row] = lines[row][size % 5 :]
            text = "\n".join(lines)
        else:
            text = text[:pos]
    return text


@settings(max_examples=examples(150))
@given(st.sampled_from(range(len(TEXTS))), st.lists(MUTATION, min_size=1, max_size=5))
def test_mutated_fixtures_as_text(
    work: Path, which: int, mutations: list[tuple[str, float, str, int]]
) -> None:
    load_everything(work, mutate(TEXTS[which], mutations).encode("utf-8"), engine=True)


@cache
def fixture_documents(which: int) -> list[Any]:
    return [to_plain(d.value) for d in parse_stream(TEXTS[which], "fixture.yaml").documents]


def subtrees(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from subtrees(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from subtrees(item, (*path, index))


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = replaced(value[head], rest, new)
    return copy


OTHER_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.sampled_from(["", "x", "${X}", "${{X}}", "{{ .x }}"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["name", "kind", "spec", "x"]), inner)
    ),
    max_leaves=6,
)


def dump_all(documents: list[Any]) -> str:
    yaml = YAML(typ="safe", pure=True)
    out = io.StringIO()
    yaml.dump_all(documents, out)
    return out.getvalue()


@settings(max_examples=examples(120))
@given(
    st.sampled_from(range(len(TEXTS))),
    st.lists(st.tuples(st.floats(0, 1), OTHER_VALUES), min_size=1, max_size=3),
)
def test_mutated_fixtures_as_trees(work: Path, which: int, changes: list[tuple[float, Any]]) -> None:
    documents = list(fixture_documents(which))
    for where, new in changes:
        index = min(int(where * len(documents)), len(documents) - 1)
        paths = list(subtrees(documents[index]))
        path, _ = paths[min(int(where * 7919) % len(paths), len(paths) - 1)]
        documents[index] = replaced(documents[index], path, new)
    load_everything(work, dump_all(documents).encode("utf-8"), engine=True)
