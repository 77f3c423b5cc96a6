"""Load YAML fast and safely, keeping the line of every mapping key and sequence item.

We read the *events* of ruamel.yaml's C parser (libyaml) and build plain Python values from them
ourselves, so that every dict and list remembers where it came from. The builder is a loop over
events with an explicit stack, not a recursion: libyaml's parser is iterative too, so no input can
exhaust the C stack (the C *composer* recurses once per nesting level and crashes the interpreter
with a segmentation fault near 28,000 levels, which a 56 KB file reaches) or Python's recursion
limit (the pure-Python composer raises ``RecursionError`` near 500 levels).

Budgets, checked as the events arrive, so hostile input is refused before it costs time or memory:

- characters: only what YAML allows (no NUL, no C0/C1 control characters), reported by line:column;
- nesting depth (``max_depth``), counted through aliases;
- expanded size (``max_nodes``): every node counts once per place it appears, so an alias counts the
  whole subtree it names. An alias's value is *shared*, not copied, so loading a "billion laughs"
  costs nothing until the budget refuses it; consumers that copy (parameter substitution, ``to_plain``)
  stay within the budget.

Helm's ``# Source:`` comments are not events, so we read them off the raw text.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from koku_gap.model.errors import SETTING, InputError, Setting, printable
from koku_gap.model.location import Notice
from koku_gap.yaml.events import parser_events

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Expanded nodes per file (a document counts as DOCUMENT_COST more). The largest real inputs hold under 20,000
# (koku's template: 15,637 nodes in 227 KB; the largest rendered chart: 17,561 in 335 KB; aliases add
# at most 18%, in insights-host-inventory), so this is 25 times what they need. libyaml alone spends
# about a microsecond per event, so a 20 MiB file of `[a,a,a,...]` (10 million nodes), a stream of
# tiny documents or an alias bomb is refused within about two seconds.
DEFAULT_MAX_NODES = 500_000
DOCUMENT_COST = 4  # a document's start, end and bookkeeping cost about as much as four nodes
MAX_NOTES = 100  # duplicate-key notes kept per file; the rest are summed up in one more note
# Real files nest at most 14 levels (koku, rendered charts, every public ClowdApp we have seen);
# CRD schemas go deeper, but not past 100. Consumers recurse (deepdiff copes with 400 levels).
DEFAULT_MAX_DEPTH = 100

_YAML_TAG = "tag:yaml.org,2002:"
_SOURCE_COMMENT = re.compile(r"^# Source: (?P<path>\S.*?)\s*$", re.MULTILINE)


def source_comments(text: str) -> list[tuple[int, str]]:
    """Each ``# Source: PATH`` comment Helm writes above a template's documents: (1-based line, path),
    in order; lines are counted on from the previous comment, not from 0 (linear in the text)."""
    sources: list[tuple[int, str]] = []
    line, counted = 1, 0
    for m in _SOURCE_COMMENT.finditer(text):
        line += text.count("\n", counted, m.start())
        counted = m.start()
        sources.append((line, m.group("path")))
    return sources


# what YAML 1.2 (and libyaml) refuses in a stream: all but TAB, LF, CR and the printable characters
# (\t \n \r \x20-\x7e \x85 \xa0-\ud7ff \ue000-\ufffd \U00010000-\U0010ffff), written as the few
# ranges refused rather than the complement of those allowed, which took re 6 ms to compile
_NOT_YAML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

# The YAML 1.2 core schema as ruamel.yaml resolves plain scalars (its ``VersionedResolver``): by first
# character, then by pattern; no match is a string. A ``%YAML 1.1`` directive does not change this.
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT = re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TIMESTAMP = re.compile(
    r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
    (?:[Tt]|[ \t]+)[0-9][0-9]?
    :[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
    (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    re.X,
)
_RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _tag_name, _pattern, _first in (
    ("bool", _BOOL, "tTfF"),
    ("float", _FLOAT, "-+0123456789."),
    ("int", _INT, "-+0123456789"),
    ("merge", re.compile(r"^<<$"), "<"),
    ("null", _NULL, "~nN"),
    ("timestamp", _TIMESTAMP, "0123456789"),
    ("value", re.compile(r"^=$"), "="),
):
    for _char in _first:
        _RESOLVERS.setdefault(_char, []).append((_tag_name, _pattern))
_RESOLVERS[""] = [("null", _NULL)]  # an empty plain scalar (`key:` with nothing after it)

# standard tags a collection may carry: !!omap and !!pairs are sequences of pairs, !!set is a mapping
_SEQ_TAGS = frozenset({None, "!", f"{_YAML_TAG}seq", f"{_YAML_TAG}omap", f"{_YAML_TAG}pairs"})
_MAP_TAGS = frozenset({None, "!", f"{_YAML_TAG}map", f"{_YAML_TAG}set"})


class LDict(dict[str, Any]):
    """A mapping that knows its own line and the line of each key (1-based)."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LList(list[Any]):
    """A sequence that knows its own line and the line of each item (1-based)."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


def line_of(value: Any, default: int) -> int:
    """The line a built value starts on, or ``default`` for scalars."""
    return int(getattr(value, "line", default))


@dataclass
class Document:
    """One YAML document of a stream, with the Helm template it came from when the stream says so."""

    value: Any
    line: int
    index: int
    template: str | None = None


@dataclass
class Stream:
    file: str
    text: str
    documents: list[Document]
    notes: list[Notice] = field(default_factory=list)
    # (first, last) 1-based lines of each block scalar (`|` or `>`) body, to tell text inside a
    # ConfigMap's file from YAML structure
    block_scalars: list[tuple[int, int]] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, init=False, repr=False, compare=False)

    def in_block_scalar(self, line: int) -> bool:
        """Whether ``line`` lies in a block scalar's body (block scalars never overlap)."""
        spans = self.block_scalars
        if len(spans) != len(self._starts):  # filled in order by the builder, read after it
            self._starts = [first for first, _ in spans]
        pos = bisect.bisect_right(self._starts, line) - 1
        return pos >= 0 and line <= spans[pos][1]


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a file as UTF-8 (a BOM is accepted), refusing what is too large or not text.

    Never reads more than ``max_bytes + 1`` bytes, so ``/dev/zero`` or a growing file cannot exhaust
    memory.
    """
    name = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(name, None, "is a directory, expected a YAML file")
        with p.open("rb") as handle:
            size = p.stat().st_size
            if size > max_bytes:
                raise _too_large(name, max_bytes, size)
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(name, None, "no such file") from None
    except PermissionError:
        raise InputError(name, None, "permission denied") from None
    except IsADirectoryError:
        raise InputError(name, None, "is a directory, expected a YAML file") from None
    except OSError as exc:
        raise InputError(name, None, f"cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL in the path
        raise InputError(name, None, f"cannot read: {exc}") from None
    return decode_bytes(data, name, max_bytes)


def _too_large(name: str, max_bytes: int, size: int | None = None) -> InputError:
    what = f"{size} bytes" if size is not None else f"more than {max_bytes} bytes"
    return InputError(
        name,
        None,
        f"{what}, over the {max_bytes}-byte limit (raise it with {SETTING})",
        setting=Setting("max_bytes"),
    )


def decode_bytes(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode UTF-8 (a leading BOM is dropped), reporting a bad byte by line and column."""
    if len(data) > max_bytes:
        raise _too_large(name, max_bytes)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise InputError(
            name, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}): is this a binary file?", column
        ) from None


def check_characters(text: str, file: str) -> None:
    """Refuse characters YAML does not allow, by line and column (libyaml gives only an offset)."""
    bad = _NOT_YAML.search(text)
    if bad is None:
        return
    pos = bad.start()
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    char = bad.group()
    if char == "\x00":
        message = "NUL byte: this is not a YAML text file (binary data?)"
    else:
        message = f"control character U+{ord(char):04X} is not allowed in YAML"
    raise InputError(file, line, message, column)


def parse_stream(
    text: str,
    file: str,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Stream:
    """Parse a multi-document YAML stream into line-marked values.

    Raises only ``InputError`` (with line and column where there is one), whatever the text.
    """
    check_characters(text, file)
    builder = _Builder(file, max_nodes, max_depth)
    try:
        with parser_events(text) as events:  # as YAML(typ="safe", pure=False).parse, minus a generator
            roots = builder.run(events)
    except MarkedYAMLError as exc:
        raise _syntax_error(exc, text, file) from None
    except YAMLError as exc:
        raise InputError(file, None, f"YAML error: {exc}") from None
    sources = source_comments(text)
    source_lines = [line for line, _ in sources]
    documents: list[Document] = []
    previous_end = 0
    for root in roots:
        if root.empty:
            previous_end = root.end
            continue  # an empty document (`---` followed by comments only)
        template = None
        pos = bisect.bisect_left(source_lines, root.start) - 1
        # the nearest `# Source:` above the document, if it lies after the previous document ended
        if pos >= 0 and (
            source_lines[pos] > previous_end or (source_lines[pos] >= previous_end and not documents)
        ):
            template = sources[pos][1]
        documents.append(Document(value=root.value, line=root.start, index=len(documents), template=template))
        previous_end = root.end
    return Stream(
        file=file, text=text, documents=documents, notes=builder.notes, block_scalars=builder.block_scalars
    )


def load_stream(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_nodes: int = DEFAULT_MAX_NODES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Stream:
    """Read and parse a file (``-`` is not handled here; see ``sources.manifests``)."""
    return parse_stream(read_text(path, max_bytes), str(path), max_nodes=max_nodes, max_depth=max_depth)


def _syntax_error(exc: MarkedYAMLError, text: str, file: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem:
        message = f"{exc.context}: {exc.problem}"
    if ("\t" in text and "tab" in message.lower()) or _tab_at(text, mark):
        message += " (tab characters cannot indent YAML)"
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return InputError(file, line, f"YAML syntax error: {message}", column)


def _tab_at(text: str, mark: Any) -> bool:
    if mark is None:
        return False
    start = 0
    for _ in range(mark.line):  # the mark's line, without splitting a 20 MiB text into lines
        start = text.find("\n", start) + 1
        if start == 0:
            return False
    end = text.find("\n", start)
    line = text[start : end if end >= 0 else len(text)]
    return "\t" in line[: mark.column + 1]


def _tag_text(tag: str) -> str:
    shown = "!!" + tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else tag
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class _Root:
    """A document's root value, where it starts and ends (1-based lines)."""

    value: Any
    start: int
    end: int
    empty: bool


_NO_KEY: Any = object()  # a mapping waiting for its next key
_MERGE: Any = object()  # a mapping whose pending key is the merge key `<<`
_OPEN: Any = object()  # an anchor whose collection is still being built


class _Frame:
    """An open collection: its value, its anchor, and what it has seen so far."""

    __slots__ = ("anchor", "first", "height", "key", "key_line", "merges", "value")

    def __init__(self, value: LDict | LList, anchor: str | None, first: int) -> None:
        self.value = value
        self.anchor = anchor
        self.first = first  # the node count when it opened (itself included)
        self.height = -1  # the largest height of a child so far
        self.key: Any = _NO_KEY
        self.key_line = 0
        self.merges: list[LDict] = []


def _wants_key(stack: list[_Frame]) -> bool:
    """Whether the next value completes a key of the innermost open mapping."""
    return bool(stack) and stack[-1].key is _NO_KEY and isinstance(stack[-1].value, LDict)


class _Builder:
    """Turns parser events into LDict / LList / scalars, with budgets against hostile input."""

    def __init__(self, file: str, max_nodes: int, max_depth: int) -> None:
        self.file = file
        self.max_nodes = max_nodes
        self.max_depth = max_depth
        self.count = 0  # nodes so far, aliases counted by the size of what they name
        self.aliased = 0  # of which through aliases
        self.notes: list[Notice] = []
        self.unlisted = 0  # duplicate keys past MAX_NOTES
        self.unlisted_line = 0
        self.block_scalars: list[tuple[int, int]] = []

    def error(self, mark: Any, message: str) -> InputError:
        return InputError(self.file, mark.line + 1, message, mark.column + 1)

    def run(self, events: Any) -> list[_Root]:
        roots: list[_Root] = []
        stack: list[_Frame] = []
        # anchor -> (value, expanded size, height), or _OPEN while its collection is being built
        anchors: dict[str, Any] = {}
        max_depth, max_nodes = self.max_depth, self.max_nodes
        for event in events:
            kind = type(event)
            if kind is ScalarEvent:
                mark = event.start_mark
                depth = len(stack)
                if depth > max_depth:
                    raise self.error(mark, f"nesting deeper than {max_depth} levels")
                self.count += 1
                if self.count > max_nodes:
                    self._count(0, mark)  # raises the error
                line = mark.line + 1
                style = event.style
                if style == "|" or style == ">":
                    end = event.end_mark  # 0-based; column 0 means the body ended on the line before
                    last = end.line if end.column == 0 else end.line + 1
                    self.block_scalars.append((line + 1, max(line + 1, last)))
                if event.tag is None and (not event.implicit[0] or event.value[:1] not in _RESOLVERS):
                    tag = "str"  # quoted, or plain and no pattern starts like it: _scalar_tag's shortcut
                else:
                    tag = self._scalar_tag(event)
                if tag == "str" and depth and event.anchor is None:
                    # Most events: text as a key, a value or an item. What _attach does, inline (a
                    # third of the time spent reading a file); the rarer cases fall through to it.
                    parent = stack[-1]
                    if parent.height < 0:
                        parent.height = 0
                    container = parent.value
                    if isinstance(container, LList):
                        container.append(event.value)
                        container.item_lines.append(line)
                        continue
                    key = parent.key
                    if key is _NO_KEY:
                        parent.key = event.value
                        parent.key_line = line
                        continue
                    if key is not _MERGE and key not in container:
                        parent.key = _NO_KEY
                        container[key] = event.value
                        container.key_lines[key] = parent.key_line
                        continue
                if tag == "merge":
                    if _wants_key(stack):
                        stack[-1].key = _MERGE
                        stack[-1].key_line = line
                        continue
                    value: Any = event.value  # `<<` anywhere else is just text
                elif tag == "null" and not stack and event.value == "" and not event.tag:
                    roots.append(_Root(None, line, event.end_mark.line + 1, empty=True))
                    continue
                else:
                    value = self._scalar(tag, event, mark)
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1, 0)
                self._attach(stack, roots, value, line, 0, event)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                mark = event.start_mark
                if len(stack) > max_depth:
                    raise self.error(mark, f"nesting deeper than {max_depth} levels")
                if kind is MappingStartEvent:
                    if event.tag not in _MAP_TAGS:
                        raise self._refused(event.tag, mark)
                    collection: LDict | LList = LDict(mark.line + 1)
                else:
                    if event.tag not in _SEQ_TAGS:
                        raise self._refused(event.tag, mark)
                    collection = LList(mark.line + 1)
                if _wants_key(stack):
                    raise self.error(mark, "a mapping key must be a scalar")
                self._count(1, mark)
                stack.append(_Frame(collection, event.anchor, self.count))
                if event.anchor is not None:
                    anchors[event.anchor] = _OPEN
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                if isinstance(frame.value, LDict):
                    self._finish_mapping(frame)
                height = frame.height + 1
                if frame.anchor is not None:
                    anchors[frame.anchor] = (frame.value, self.count - frame.first + 1, height)
                self._attach(stack, roots, frame.value, frame.value.line, height, event)
            elif kind is AliasEvent:
                mark = event.start_mark
                name = event.anchor
                target = anchors.get(name)
                if target is None:
                    raise self.error(mark, f"undefined alias *{_short(name)}")
                if target is _OPEN:
                    raise self.error(mark, f"recursive alias *{_short(name)}: a node contains itself")
                value, size, height = target
                if len(stack) + height > max_depth:
                    raise self.error(mark, f"alias *{_short(name)} nests deeper than {max_depth} levels")
                self.aliased += size
                self._count(size, mark, alias=name)
                if isinstance(value, LDict | LList) and _wants_key(stack):
                    raise self.error(mark, "a mapping key must be a scalar")
                self._attach(stack, roots, value, mark.line + 1, height, event)
            elif kind is DocumentStartEvent:
                anchors.clear()  # anchors do not cross documents
                self._count(DOCUMENT_COST, event.start_mark)
        if self.unlisted:
            self.notes.append(
                Notice(
                    code="duplicate-key",
                    line=self.unlisted_line,
                    message=f"{self.unlisted} more duplicate keys from here on, not listed one by one",
                )
            )
        return roots

    def _count(self, size: int, mark: Any, alias: str | None = None) -> None:
        self.count += size
        if self.count <= self.max_nodes:
            return
        if alias is not None:
            raise self.error(
                mark,
                f"alias *{_short(alias)} expands this file past {self.max_nodes} YAML nodes: "
                "refused (an alias bomb?)",
            )
        after = " after expanding aliases" if self.aliased else ""
        raise self.error(
            mark,
            f"more than {self.max_nodes} YAML nodes{after}: too large to analyse "
            "(real templates and rendered charts have under 20000)",
        )

    def _attach(
        self, stack: list[_Frame], roots: list[_Root], value: Any, line: int, height: int, event: Any
    ) -> None:
        """Give a finished value to its parent: a sequence, a mapping (as key or value), or the document."""
        if not stack:
            roots.append(_Root(value, line, event.end_mark.line + 1, empty=False))
            return
        parent = stack[-1]
        if height > parent.height:
            parent.height = height
        container = parent.value
        if isinstance(container, LList):
            container.append(value)
            container.item_lines.append(line)
            return
        key = parent.key
        if key is _NO_KEY:
            parent.key = _key_text(value)
            parent.key_line = line
            return
        parent.key = _NO_KEY
        if key is _MERGE:
            parent.merges.extend(self._merge_sources(value, event.start_mark))
            return
        if key in container and len(self.notes) >= MAX_NOTES:
            self.unlisted += 1
            self.unlisted_line = self.unlisted_line or parent.key_line
        elif key in container:
            self.notes.append(
                Notice(
                    code="duplicate-key",
                    line=parent.key_line,
                    message=f"duplicate key '{printable(_short(key))}' (first at line "
                    f"{container.key_lines[key]}, again at line {parent.key_line}); the last value wins",
                )
            )
        container[key] = value
        container.key_lines[key] = parent.key_line

    def _merge_sources(self, value: Any, mark: Any) -> list[LDict]:
        items = value if isinstance(value, LList) else [value]
        if not all(isinstance(item, LDict) for item in items):
            raise self.error(mark, "merge key '<<' needs a mapping or a list of mappings")
        return list(items)

    @staticmethod
    def _finish_mapping(frame: _Frame) -> None:
        result = frame.value
        assert isinstance(result, LDict)
        for source in frame.merges:  # explicit keys win over merged ones, earlier merges over later
            for key, item in source.items():
                if key not in result:
                    result[key] = item
                    result.key_lines[key] = source.line_of(key)

    def _scalar_tag(self, event: Any) -> str:
        """The short core-schema tag of a scalar (``str``, ``int``, ...), or its full unknown tag."""
        tag = event.tag
        if tag is None:
            if not event.implicit[0]:
                return "str"  # quoted or block scalars are text
            value = event.value
            for name, pattern in _RESOLVERS.get(value[:1], ()):
                if pattern.match(value):
                    return name
            return "str"
        if tag == "!":
            return "str"  # the non-specific tag: text, whatever it looks like
        if tag.startswith(_YAML_TAG):
            return str(tag[len(_YAML_TAG) :])
        return str(tag)

    def _scalar(self, tag: str, event: Any, mark: Any) -> Any:
        value: str = event.value
        if tag == "str":
            return value
        if tag == "null":
            return None
        if tag == "bool":
            return value.lower() in ("true", "yes", "on", "y")
        if tag == "int":
            return _to_int(value)
        if tag == "float":
            return _to_float(value)
        if tag in ("timestamp", "binary", "value"):
            return value
        raise self._refused(event.tag or tag, mark)  # only an explicit tag resolves to anything else

    def _refused(self, tag: str, mark: Any) -> InputError:
        return self.error(
            mark, f"unsupported YAML tag {printable(_tag_text(str(tag)))}: refused, never constructed"
        )


def _key_text(key: Any) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _to_int(text: str) -> int | str:
    cleaned = text.replace("_", "")
    try:
        if cleaned.startswith(("0o", "-0o", "+0o")):
            return int(cleaned.replace("0o", ""), 8)
        return int(cleaned, 0) if cleaned.lstrip("+-").startswith(("0x", "0b")) else int(cleaned, 10)
    except ValueError:
        return text


def _to_float(text: str) -> float | str:
    lowered = text.lower().replace("_", "")
    if lowered in (".inf", "+.inf"):
        return math.inf
    if lowered == "-.inf":
        return -math.inf
    if lowered == ".nan":
        return math.nan
    try:
        return float(lowered)
    except ValueError:
        return text


def to_plain(value: Any) -> Any:
    """Strip line marks: LDict/LList become dict/list (for JSON, deepdiff, display)."""
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value
