"""Helm's ``--set`` / ``--set-string`` syntax and its ``--values`` merge, ported from Helm's Go code.

``helm template -f a.yaml -f b.yaml --set x=1 --set-string y=2`` builds its values like this
(``pkg/cli/values/options.go``): each values file is merged over the previous ones (maps recursively,
anything else replaced), then every ``--set`` is parsed *into* that map, then every ``--set-string``.
Parsing into the map matters: ``--set list[1]=x`` changes one item of a list a values file gave.
helm-python-sdk only parses an expression into a fresh map, so the parser (``pkg/strvals/parser.go``)
is ported here line for line, quirks included; ``tests/sources/helm/test_strvals.py`` checks it
against Helm's own parser in the SDK.

Syntax: ``a=b,c.d=e`` (nested keys), ``list={a,b}``, ``list[0]=a``, ``list[0].key=v``, ``\\`` escapes
the next character (``a=x\\,y``). ``--set`` types its values (``true``/``false``, ``null``, integers
without a leading zero), ``--set-string`` keeps strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MAX_INDEX = 65536  # strvals.MaxIndex
MAX_NESTED_NAME_LEVEL = 30  # strvals.MaxNestedNameLevel
_INT64 = range(-(2**63), 2**63)
_DECIMAL = re.compile(r"[+-]?[0-9]+")  # strconv.ParseInt(s, 10, 64) / strconv.Atoi syntax
_KEY_STOP = frozenset("=[,.")
_ITEM_STOP = frozenset("[.=")


class StrvalsError(ValueError):
    """A ``--set`` expression Helm would refuse; the message is Helm's."""


class _Panic(Exception):
    """Where the Go code panics on a type assertion; ``key()`` recovers it as an error."""


def parse_into(expression: str, dest: dict[str, Any], *, strings: bool = False) -> None:
    """``strvals.ParseInto`` (``strings=False``, for ``--set``) or ``ParseIntoString`` (``--set-string``)."""
    _Parser(expression, dest, strings).parse()


def parse(expression: str, *, strings: bool = False) -> dict[str, Any]:
    """``strvals.Parse`` / ``ParseString``: an expression into a new map."""
    values: dict[str, Any] = {}
    parse_into(expression, values, strings=strings)
    return values


def merge_maps(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Helm's ``mergeMaps`` for ``-f`` files: maps merge recursively, any other value replaces."""
    out = dict(base)
    for key, value in override.items():
        current = out.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            out[key] = merge_maps(current, value)
        else:
            out[key] = value
    return out


def typed_value(text: str, strings: bool) -> Any:
    """``typedVal``: what an unquoted ``--set`` value means."""
    if strings:
        return text
    if _equal_fold(text, "true"):
        return True
    if _equal_fold(text, "false"):
        return False
    if _equal_fold(text, "null"):
        return None
    if text == "0":
        return 0
    if text and text[0] != "0" and _DECIMAL.fullmatch(text) and int(text) in _INT64:
        return int(text)
    return text


def _equal_fold(text: str, word: str) -> bool:
    """Go's ``strings.EqualFold`` against an ASCII word (simple folding: ``ſ`` is ``s``, ``K`` is ``k``)."""
    return len(text) == len(word) and all(
        c == w or (len(c.casefold()) == 1 and c.casefold() == w) for c, w in zip(text, word, strict=True)
    )


def _go_type(value: Any) -> str:
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    return "string"


def _conversion(value: Any, wanted: str) -> str:
    """The text of Go's panic on a failed type assertion."""
    return f"interface conversion: interface {{}} is {_go_type(value)}, not {wanted}"


def _quote_runes(text: str) -> str:
    """Go's ``%q`` of a ``[]rune``: each character quoted, as ``['x' 'y']``."""
    quoted = (c.replace("\\", "\\\\").replace("'", "\\'") for c in text)
    return "[" + " ".join(f"'{c}'" for c in quoted) + "]"


def _quote(text: str) -> str:
    """Go's ``%q`` for the texts that appear in these messages."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


class _Parser:
    """``strvals.parser`` with the string reader; ``True`` results mean Go's ``io.EOF`` (the end)."""

    def __init__(self, text: str, data: dict[str, Any], strings: bool) -> None:
        self.text = text
        self.pos = 0
        self.data = data
        self.strings = strings

    def parse(self) -> None:
        while not self.key(self.data, 0):
            pass

    # -- the scanner (a bytes.Buffer read rune by rune in Go) ------------------------------------------

    def _read(self) -> str | None:
        if self.pos >= len(self.text):
            return None
        char = self.text[self.pos]
        self.pos += 1
        return char

    def _unread(self) -> None:
        self.pos -= 1

    def _until(self, stop: frozenset[str]) -> tuple[str, str | None]:
        """``runesUntil``: the text up to a stop character (``None`` at the end); ``\\`` escapes."""
        out: list[str] = []
        while True:
            char = self._read()
            if char is None:
                return "".join(out), None
            if char in stop:
                return "".join(out), char
            if char == "\\":
                escaped = self._read()
                if escaped is None:
                    return "".join(out), None
                out.append(escaped)
            else:
                out.append(char)

    # -- the grammar ------------------------------------------------------------------------------------

    def key(self, data: dict[str, Any], level: int) -> bool:
        try:
            return self._key(data, level)
        except _Panic as exc:
            raise StrvalsError(f"unable to parse key: {exc}") from None

    def _key(self, data: dict[str, Any], level: int) -> bool:
        key, last = self._until(_KEY_STOP)
        if last is None:
            if not key:
                return True
            raise StrvalsError(f"key {_quote(key)} has no value")
        if last == "[":
            index = self._key_index()
            if index is None:
                return True  # an unterminated index reads as the end (Go wraps io.EOF)
            items: list[Any] = []
            if key in data:
                existing = data[key]
                if not isinstance(existing, list):
                    raise _Panic(_conversion(existing, "[]interface {}"))
                items = existing
            items, end = self._list_item(items, index, level)
            _set(data, key, items)
            return end
        if last == "=":
            values, state = self._value_list()
            if state == "list":
                _set(data, key, values)
                return False
            if state == "end":
                _set(data, key, "")
                return True
            text = self._value()
            _set(data, key, typed_value(text, self.strings))
            return False
        if last == ",":
            raise StrvalsError(f"key {_quote(key)} has no value (cannot end with ,)")
        # last == "."
        level += 1
        if level > MAX_NESTED_NAME_LEVEL:
            raise StrvalsError(
                "value name nested level is greater than maximum supported nested level of "
                f"{MAX_NESTED_NAME_LEVEL}"
            )
        inner: dict[str, Any] = {}
        if key in data:
            existing = data[key]
            if not isinstance(existing, dict):
                raise _Panic(_conversion(existing, "map[string]interface {}"))
            inner = existing
        end = self.key(inner, level)
        if not end and not inner:
            raise StrvalsError(f"key map {_quote(key)} has no value")
        if inner:
            _set(data, key, inner)
        return end

    def _key_index(self) -> int | None:
        text, last = self._until(frozenset("]"))
        if last is None:
            return None
        if not _DECIMAL.fullmatch(text) or int(text) not in _INT64:
            raise StrvalsError(f"error parsing index: strconv.Atoi: parsing {_quote(text)}: invalid syntax")
        return int(text)

    def _list_item(self, items: list[Any], index: int, level: int) -> tuple[list[Any], bool]:
        if index < 0:
            raise StrvalsError(f"negative {index} index not allowed")
        rest, last = self._until(_ITEM_STOP)
        if rest:
            raise StrvalsError(f"unexpected data at end of array index: {_quote_runes(rest)}")
        if last is None:
            return items, True
        if last == "=":
            values, state = self._value_list()
            if state == "list":
                return _set_index(items, index, values), False
            if state == "end":
                return _set_index(items, index, ""), False
            text = self._value()
            return _set_index(items, index, typed_value(text, self.strings)), False
        if last == "[":
            next_index = self._key_index()
            if next_index is None:
                return items, True
            current: list[Any] = []
            if len(items) > index and items[index] is not None:
                if not isinstance(items[index], list):
                    raise _Panic(_conversion(items[index], "[]interface {}"))
                current = items[index]
            nested, end = self._list_item(current, next_index, level)
            if end:
                return items, True
            return _set_index(items, index, nested), False
        # last == "."
        inner: dict[str, Any] = {}
        if len(items) > index:
            if isinstance(items[index], dict):
                inner = items[index]
            else:
                items[index] = inner  # indices out of order: Go starts an empty map here
        if self.key(inner, level):
            return items, True
        return _set_index(items, index, inner), False

    def _value(self) -> str:
        text, _ = self._until(frozenset(","))
        return text

    def _value_list(self) -> tuple[list[Any], str]:
        """``valList``: ``("list", items)``, ``"end"`` at the end of input, ``"scalar"`` if no ``{``."""
        char = self._read()
        if char is None:
            return [], "end"
        if char != "{":
            self._unread()
            return [], "scalar"
        items: list[Any] = []
        while True:
            text, last = self._until(frozenset(",}"))
            if last is None:
                raise StrvalsError("list must terminate with '}'")
            items.append(typed_value(text, self.strings))
            if last == "}":
                following = self._read()
                if following is not None and following != ",":
                    self._unread()
                return items, "list"


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    if key:
        data[key] = value


def _set_index(items: list[Any], index: int, value: Any) -> list[Any]:
    if index < 0:
        raise StrvalsError(f"negative {index} index not allowed")
    if index > MAX_INDEX:
        raise StrvalsError(f"index of {index} is greater than maximum supported index of {MAX_INDEX}")
    if len(items) <= index:
        items = items + [None] * (index + 1 - len(items))
    items[index] = value
    return items
