"""Helm's ``--set`` parser, ported (koku_gap/sources/strvals.py), against Helm's own in helm-python-sdk."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from koku_gap.sources.helm import strvals
from koku_gap.sources.helm.strvals import StrvalsError, merge_maps, parse, parse_into

helm_python = pytest.importorskip("helm_python")

CASES = [
    "a=b,c.d=e",
    "list={a,b}",
    r"x=a\,b",
    r"path=C:\\dir",
    "n=007,m=0,k=10000000000,big=99999999999999999999",
    "a[1]=x",
    "a[0].b=1",
    "a[0][1]=2",
    "a[1]=x,a[0]=y",
    "a[0]=1,a.b=2",
    "a.b=1,a[0]=2",
    "name=",
    "a={}",
    "a={a,b",
    "a.b",
    "a.",
    "a[",
    "a[1",
    "a[x]=1",
    "a[-1]=2",
    "a[70000]=1",
    "a[0]x=1",
    "a,b",
    "=b",
    ".a=b",
    "a[0].b=",
    "a=true,b=FALSE,c=Null,d=-5,e=+5,f=-0,g=1.5,h=1e3",
    "a=x=y",
    "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd.ee=1",
    "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd=1",
    "",
    "é.ü=ß",
]


def helm_parse(expression: str, strings: bool) -> tuple[str, Any]:
    parser = helm_python.parse_set_string_values if strings else helm_python.parse_set_string
    try:
        return "ok", parser(expression)
    except helm_python.HelmError as exc:
        return "error", str(exc)


def ours(expression: str, strings: bool) -> tuple[str, Any]:
    try:
        return "ok", json.loads(json.dumps(parse(expression, strings=strings)))  # as it crosses to Go
    except StrvalsError as exc:
        return "error", str(exc)


@pytest.mark.parametrize("strings", [False, True])
@pytest.mark.parametrize("expression", CASES)
def test_same_values_and_same_errors_as_helm(expression: str, strings: bool) -> None:
    assert ours(expression, strings) == helm_parse(expression, strings)


@settings(max_examples=400)
@given(st.text(alphabet="ab.=,[]{}\\019-tl ", max_size=14), st.booleans())
def test_any_expression_parses_as_helm_parses_it(expression: str, strings: bool) -> None:
    mine, helms = ours(expression, strings), helm_parse(expression, strings)
    assert mine[0] == helms[0], (mine, helms)
    if mine[0] == "ok":
        assert mine[1] == helms[1]


def test_parse_into_changes_the_map_it_is_given() -> None:
    values: dict[str, Any] = {
        "image": {"repository": "r", "tag": "1"},
        "items": [{"name": "a"}, {"name": "b"}],
    }
    parse_into("image.tag=2,items[1].name=z,items[0].port=80", values)
    assert values == {
        "image": {"repository": "r", "tag": 2},
        "items": [{"name": "a", "port": 80}, {"name": "z"}],
    }
    parse_into("items={x}", values, strings=True)
    assert values["items"] == ["x"]  # {...} replaces the whole list
    parse_into("image.tag=3", values, strings=True)
    assert values["image"]["tag"] == "3"


@pytest.mark.parametrize(
    ("base", "expression", "message"),
    [
        (
            {"image": "r:1"},
            "image.tag=2",
            "unable to parse key: interface conversion: interface {} is string",
        ),
        ({"items": {"a": 1}}, "items[0]=x", "is map[string]interface {}, not []interface {}"),
        ({"items": [["a"], "b"]}, "items[1][0]=x", "interface {} is string, not []interface {}"),
        ({"image": None}, "image.tag=2", "interface {} is nil, not map[string]interface {}"),
    ],
)
def test_parse_into_refuses_what_helm_refuses(base: dict[str, Any], expression: str, message: str) -> None:
    with pytest.raises(
        StrvalsError, match=message.replace("[", r"\[").replace("{", r"\{").replace("}", r"\}")
    ):
        parse_into(expression, base)


def test_typed_values() -> None:
    assert [
        strvals.typed_value(v, False) for v in ("TRUE", "fAlse", "NULL", "0", "-12", "012", "1.5", "")
    ] == [
        True,
        False,
        None,
        0,
        -12,
        "012",
        "1.5",
        "",
    ]
    assert strvals.typed_value("9223372036854775807", False) == 2**63 - 1
    assert strvals.typed_value("9223372036854775808", False) == "9223372036854775808"
    assert strvals.typed_value("true", True) == "true"


def test_merge_maps_is_helms_values_file_merge() -> None:
    base = {"a": {"b": 1, "c": [1, 2]}, "d": "x", "e": {"f": 1}}
    merged = merge_maps(base, {"a": {"c": [3], "g": 2}, "d": {"h": 1}, "e": None})
    assert merged == {"a": {"b": 1, "c": [3], "g": 2}, "d": {"h": 1}, "e": None}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": "x", "e": {"f": 1}}  # inputs untouched
