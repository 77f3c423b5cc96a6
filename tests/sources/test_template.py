"""OpenShift Template parameters, processed the way ``oc process`` does."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from koku_gap import load_clowdapp
from koku_gap.model.errors import InputError
from koku_gap.sources.template import Parameters, Substituter, read_parameters
from koku_gap.yaml.loader import LDict, LList, parse_stream, to_plain
from tests.helpers.files import LineFinder


def params_of(text: str, overrides: dict[str, str] | None = None) -> Parameters:
    doc = parse_stream(text, "t.yaml").documents[0].value
    return read_parameters(doc.get("parameters"), "t.yaml", doc.line_of("parameters"), overrides)


def substituter(values: dict[str, str | None]) -> Substituter:
    return Substituter(Parameters(values=values, lines=dict.fromkeys(values, 1)), "t.yaml")


PARAMS = """\
parameters:
- name: PLAIN
  value: hello
- name: NUMBER
  value: 3
- name: FLAG
  value: true
- name: SECRET
  generate: expression
  from: "[a-z]{10}"
- name: NEEDED
  required: true
- name: EMPTY_REQUIRED
  required: true
  value: ""
- name: OPTIONAL
- name: GIVEN_AND_GENERATED
  value: fixed
  generate: expression
- name: DUP
  value: first
- name: DUP
  value: second
"""


def _line(needle: str) -> int:
    return next(n for n, line in enumerate(PARAMS.splitlines(), 1) if needle in line)


def test_parameter_values() -> None:
    params = params_of(PARAMS)
    assert params.values == {
        "PLAIN": "hello",
        "NUMBER": "3",
        "FLAG": "true",
        "SECRET": "generated-secret",
        "NEEDED": None,
        "EMPTY_REQUIRED": None,
        "OPTIONAL": "",
        "GIVEN_AND_GENERATED": "fixed",
        "DUP": "second",
    }
    assert params.lines["PLAIN"] == 2
    assert params.lines["DUP"] == _line("value: second") - 1  # the declaration that wins


def test_parameter_warnings() -> None:
    params = params_of(PARAMS)
    by_code: dict[str, list[Any]] = {}
    for warning in params.warnings:
        by_code.setdefault(warning.code, []).append(warning)
    assert [w.line for w in by_code["duplicate-parameter"]] == [_line("value: second") - 1]
    assert f"first at line {_line('value: first') - 1}" in by_code["duplicate-parameter"][0].message
    assert sorted(w.line for w in by_code["required-parameter"]) == [
        _line("name: NEEDED"),
        _line("name: EMPTY_REQUIRED"),
    ]
    assert all(w.file == "t.yaml" for w in params.warnings)


def test_overrides() -> None:
    params = params_of(PARAMS, {"NEEDED": "now", "PLAIN": "bye"})
    assert params.values["NEEDED"] == "now"
    assert params.values["PLAIN"] == "bye"
    assert [w.line for w in params.warnings if w.code == "required-parameter"] == [
        _line("name: EMPTY_REQUIRED")
    ]


def test_unknown_override_is_an_error() -> None:
    with pytest.raises(InputError, match=r"params\['NOPE'\]") as info:
        params_of(PARAMS, {"NOPE": "x"})
    assert info.value.line == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("parameters: {A: 1}\n", "must be a list"),
        ("parameters:\n- value: 1\n", "needs a 'name'"),
        ("parameters:\n- just-a-string\n", "needs a 'name'"),
    ],
)
def test_bad_parameters(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        params_of(text)


def test_no_parameters() -> None:
    assert params_of("kind: Template\n").values == {}


# --- substitution ------------------------------------------------------------------------------


def test_string_substitution_anywhere() -> None:
    sub = substituter({"IMAGE": "quay.io/x/app", "TAG": "v1"})
    assert sub.apply("${IMAGE}:${TAG}", 1) == "quay.io/x/app:v1"
    assert sub.apply("pre-${TAG}-post-${TAG}", 1) == "pre-v1-post-v1"


def test_json_substitution_only_for_the_whole_scalar() -> None:
    sub = substituter({"N": "3", "B": "true", "L": '["a", "b"]', "M": '{"k": 1}', "S": "not json"})
    assert sub.apply("${{N}}", 1) == 3
    assert sub.apply("${{B}}", 1) is True
    assert sub.apply("${{S}}", 1) == "not json"
    assert sub.apply("x ${{N}}", 1) == "x ${{N}}"  # not the whole scalar: left as written
    assert sub.apply("${N}", 1) == "3"  # the string form stays a string
    listed = sub.apply("${{L}}", 7)
    assert isinstance(listed, LList) and listed == ["a", "b"] and listed.item_lines == [7, 7]
    mapped = sub.apply("${{M}}", 9)
    assert isinstance(mapped, LDict) and mapped == {"k": 1} and mapped.line_of("k") == 9


def test_values_used_over_and_over_are_bounded() -> None:
    """A 1 KB value used 100 times adds 100 KB: over a 50 KB budget the file is refused at the line."""
    params = Parameters(values={"BIG": "x" * 1024, "N": "[" + "1," * 500 + "1]"}, lines={"BIG": 1, "N": 2})
    sub = Substituter(params, "t.yaml", budget=50 * 1024)
    for _ in range(49):
        sub.apply("${BIG}", 5)
    with pytest.raises(InputError) as caught:
        for line in range(10, 20):
            sub.apply("${BIG}-${BIG}", line)
    assert (caught.value.file, caught.value.line) == ("t.yaml", 10)
    assert "template parameters expand to more than" in caught.value.message
    json_sub = Substituter(params, "t.yaml", budget=5000)
    with pytest.raises(InputError):  # ${{P}} counts the same: its JSON is what it adds
        for line in range(1, 10):
            json_sub.apply("${{N}}", line)


def test_required_parameter_stays_symbolic() -> None:
    sub = substituter({"TAG": None})
    assert sub.apply("img:${TAG}", 1) == "img:${TAG}"
    assert sub.apply("${{TAG}}", 1) == "${{TAG}}"
    assert sub.unknown == {}


def test_unknown_references_are_left_and_recorded() -> None:
    sub = substituter({"KNOWN": "k"})
    tree = parse_stream("a: ${FOO}\nb:\n- ${KNOWN}/${BAR}\n- ${{BAZ}}\nc: ${FOO}\n", "t.yaml").documents[0]
    out = sub.apply(tree.value, 1)
    assert to_plain(out) == {"a": "${FOO}", "b": ["k/${BAR}", "${{BAZ}}"], "c": "${FOO}"}
    assert sub.unknown == {"FOO": 1, "BAR": 3, "BAZ": 4}  # first line each was met
    assert [w.line for w in sub.warnings()] == [1, 3, 4]
    assert all(w.code == "unknown-parameter" for w in sub.warnings())


def test_shell_variables_are_not_parameters() -> None:
    sub = substituter({"Q": "x"})
    assert sub.apply("$Q ${Q:-d} $(Q) ${Q}", 1) == "$Q ${Q:-d} $(Q) x"
    assert sub.unknown == {}


def test_substitution_keeps_lines_and_non_strings() -> None:
    doc = parse_stream("a:\n  b: ${X}\n  n: 5\nl:\n- ${X}\n- true\n", "t.yaml").documents[0].value
    out = substituter({"X": "y"}).apply(doc, 1)
    assert to_plain(out) == {"a": {"b": "y", "n": 5}, "l": ["y", True]}
    assert out.key_lines == doc.key_lines
    assert out["a"].key_lines == doc["a"].key_lines
    assert out["l"].item_lines == doc["l"].item_lines


# --- through the loader ------------------------------------------------------------------------


def test_template_fixture_parameters(fixtures_dir: Path, find_line: LineFinder) -> None:
    path = fixtures_dir / "template.yaml"
    graph = load_clowdapp(path)
    assert graph.parameters["LOG_LEVEL"] == "DEBUG"  # duplicate: the last declaration wins
    assert graph.parameters["IMAGE_TAG"] is None
    assert graph.parameters["SECRET_KEY"] == "generated-secret-key"
    api = graph.component("api")
    assert api.scaling.replicas == 3  # ${{API_REPLICAS}}
    assert api.main.image == "quay.io/example/shop:${IMAGE_TAG}"  # required, no value: symbolic
    assert api.main.env_map()["SECRET_KEY"] == "generated-secret-key"
    assert api.main.env_map()["API_TOKEN"] == "${UNDECLARED_TOKEN}"
    assert api.main.resources == {"limits": {"cpu": "500m", "memory": "1Gi"}}
    codes = {(w.code, w.line) for w in graph.warnings}
    assert ("unknown-parameter", find_line(path, "${UNDECLARED_TOKEN}")) in codes
    # a block scalar is reported at its `>` line, the line before its text
    assert ("unknown-parameter", find_line(path, "${APP_HOME}") - 1) in codes
    assert ("required-parameter", find_line(path, "name: IMAGE_TAG")) in codes
    assert ("required-parameter", find_line(path, "name: ENV_NAME")) in codes
    assert len([w for w in graph.warnings if w.code == "required-parameter"]) == 2
    parameters = find_line(path, "parameters:")
    assert ("duplicate-parameter", find_line(path, "name: LOG_LEVEL", 2, after=parameters)) in codes


def test_template_fixture_overrides(fixtures_dir: Path) -> None:
    graph = load_clowdapp(fixtures_dir / "template.yaml", params={"IMAGE_TAG": "abc", "API_REPLICAS": "5"})
    api = graph.component("api")
    assert api.main.image == "quay.io/example/shop:abc"
    assert api.scaling.replicas == 5
    assert not any(w.code == "required-parameter" and "IMAGE_TAG" in w.message for w in graph.warnings)


def test_template_fixture_unknown_override(fixtures_dir: Path, find_line: LineFinder) -> None:
    path = fixtures_dir / "template.yaml"
    with pytest.raises(InputError, match=r"params\['NO_SUCH'\]") as info:
        load_clowdapp(path, params={"NO_SUCH": "1"})
    assert info.value.file == str(path)
    assert info.value.line == find_line(path, "parameters:")


# --- properties ----------------------------------------------------------------------------------

NAMES = st.from_regex(r"[A-Z][A-Z0-9_]{0,7}", fullmatch=True)
VALUES = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="$"),
    max_size=12,
)
LITERALS = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="${}"), max_size=8)


@st.composite
def templates(draw: st.DrawFn) -> tuple[dict[str, str], list[tuple[str, str | None]]]:
    """Declared parameters, and a string as (literal, referenced name) chunks."""
    params = draw(st.dictionaries(NAMES, VALUES, min_size=1, max_size=5))
    names = st.one_of(st.sampled_from(sorted(params)), NAMES, st.none())
    chunks = draw(st.lists(st.tuples(LITERALS, names), max_size=6))
    return params, chunks


def render(chunks: list[tuple[str, str | None]]) -> str:
    return "".join(text + (f"${{{name}}}" if name else "") for text, name in chunks)


@given(templates())
def test_string_substitution_property(case: tuple[dict[str, str], list[tuple[str, str | None]]]) -> None:
    params, chunks = case
    text = render(chunks)
    sub = substituter(dict(params))
    expected = "".join(
        literal + (params.get(name, f"${{{name}}}") if name else "") for literal, name in chunks
    )
    result = sub.apply(text, 4)
    assert result == expected
    unknown = {name for _, name in chunks if name and name not in params}
    assert set(sub.unknown) == unknown
    assert all(line == 4 for line in sub.unknown.values())


@given(templates())
def test_substitution_does_not_recurse(case: tuple[dict[str, str], list[tuple[str, str | None]]]) -> None:
    params, chunks = case
    # values that look like references are inserted as they are, never expanded again
    tricky = {name: f"${{{name}}}" for name in params}
    text = render(chunks)
    assert substituter(dict(tricky)).apply(text, 1) == text


@given(
    NAMES,
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        VALUES,
        st.lists(st.integers(), max_size=3),
    ),
)
def test_json_substitution_property(name: str, value: Any) -> None:
    sub = substituter({name: json.dumps(value)})
    result = sub.apply(f"${{{{{name}}}}}", 2)
    assert to_plain(result) == value


@given(NAMES, VALUES)
def test_json_form_of_plain_text_is_the_text(name: str, value: str) -> None:
    try:
        json.loads(value)
    except ValueError:
        assert substituter({name: value}).apply(f"${{{{{name}}}}}", 1) == value


@settings(max_examples=50)
@given(st.dictionaries(NAMES, st.one_of(VALUES, st.none()), max_size=5), st.data())
def test_read_parameters_property(declared: dict[str, str | None], data: st.DataObject) -> None:
    lines = ["parameters:"]
    for name, value in declared.items():
        lines.append(f"- name: {name}")
        if value is None:
            lines.append("  required: true")
        else:
            lines.append(f"  value: {json.dumps(value, ensure_ascii=False)}")
    text = "\n".join(lines) + "\n"
    overrides = data.draw(st.dictionaries(st.sampled_from(sorted(declared) or ["X"]), VALUES, max_size=3))
    if declared:
        params = params_of(text, overrides)
    else:
        with pytest.raises(InputError) if overrides else _nothing():
            params = params_of(text, overrides)
        if overrides:
            return
    expected: dict[str, str | None] = dict(declared)
    expected.update(overrides)
    assert params.values == expected
    missing = sorted(name for name, value in expected.items() if value is None)
    reported = sorted(
        re.search(r"parameter (\S+)", w.message).group(1)  # type: ignore[union-attr]
        for w in params.warnings
        if w.code == "required-parameter"
    )
    assert reported == missing


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None
