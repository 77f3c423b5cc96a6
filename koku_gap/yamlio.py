"""Load YAML fast, keeping the line of every mapping key and sequence item.

ruamel.yaml's C composer gives us a node tree with marks in a tenth of the time the round-trip loader
needs; we build plain Python values from it ourselves so that every dict and list remembers where it
came from. Helm's ``# Source:`` comments are lost by the composer, so we read them off the raw text.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from koku_gap.errors import InputError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_NODES = 2_000_000  # expanded nodes per stream: stops alias bombs, fits any real chart
DEFAULT_MAX_DEPTH = 100

_YAML_TAG = "tag:yaml.org,2002:"
_SOURCE_COMMENT = re.compile(r"^# Source: (?P<path>\S.*?)\s*$", re.MULTILINE)


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


@dataclass(frozen=True)
class YamlNote:
    """Something legal but suspicious in the input (a duplicate key), reported as a warning."""

    code: str
    line: int
    message: str


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
    notes: list[YamlNote] = field(default_factory=list)
    # (first, last) 1-based lines of each block scalar (`|` or `>`) body, to tell text inside a
    # ConfigMap's file from YAML structure
    block_scalars: list[tuple[int, int]] = field(default_factory=list)

    def in_block_scalar(self, line: int) -> bool:
        return any(first <= line <= last for first, last in self.block_scalars)


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a file as UTF-8 (a BOM is accepted), refusing what is too large or not text."""
    name = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(name, None, "is a directory, expected a YAML file")
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(
                name, None, f"file is {size} bytes, over the {max_bytes}-byte limit (--max-bytes)"
            )
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(name, None, "no such file") from None
    except PermissionError:
        raise InputError(name, None, "permission denied") from None
    except IsADirectoryError:
        raise InputError(name, None, "is a directory, expected a YAML file") from None
    except OSError as exc:
        raise InputError(name, None, f"cannot read: {exc.strerror or exc}") from None
    return decode_bytes(data, name, max_bytes)


def decode_bytes(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode UTF-8, reporting a bad byte by line and column, not by offset."""
    if len(data) > max_bytes:
        raise InputError(
            name, None, f"input is {len(data)} bytes, over the {max_bytes}-byte limit (--max-bytes)"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(name, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x})", column) from None
    return text


def parse_stream(
    text: str,
    file: str,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Stream:
    """Parse a multi-document YAML stream into line-marked values."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(file, line, "NUL byte in input: this is not a YAML text file")
    yaml = YAML(typ="safe", pure=False)
    builder = _Builder(file, max_nodes, max_depth)
    sources = [(text.count("\n", 0, m.start()) + 1, m.group("path")) for m in _SOURCE_COMMENT.finditer(text)]
    source_lines = [line for line, _ in sources]
    documents: list[Document] = []
    previous_end = 0
    try:
        for node in yaml.compose_all(text):
            if node is None:
                continue
            start = node.start_mark.line + 1
            end = node.end_mark.line + 1
            if isinstance(node, ScalarNode) and node.value == "" and _tag(node) == "null":
                previous_end = end
                continue  # an empty document (`---` followed by comments only)
            value = builder.build(node)
            template = None
            pos = bisect.bisect_left(source_lines, start) - 1
            # the nearest `# Source:` above the document, if it lies after the previous document ended
            if pos >= 0 and (
                source_lines[pos] > previous_end or (source_lines[pos] >= previous_end and not documents)
            ):
                template = sources[pos][1]
            documents.append(Document(value=value, line=start, index=len(documents), template=template))
            previous_end = end
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            message = f"{exc.context}: {exc.problem}"
        if ("\t" in text and "tab" in message.lower()) or _tab_at(text, mark):
            message += " (tab characters cannot indent YAML)"
        error_line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        raise InputError(file, error_line, f"YAML syntax error: {message}", column) from None
    except YAMLError as exc:
        raise InputError(file, None, f"YAML error: {exc}") from None
    except RecursionError:
        raise InputError(file, None, "YAML nesting too deep") from None
    return Stream(
        file=file, text=text, documents=documents, notes=builder.notes, block_scalars=builder.block_scalars
    )


def load_stream(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Stream:
    """Read and parse a file (``-`` is not handled here; see ``load_text``)."""
    return parse_stream(read_text(path, max_bytes), str(path))


def _tab_at(text: str, mark: Any) -> bool:
    if mark is None:
        return False
    lines = text.splitlines()
    if 0 <= mark.line < len(lines):
        return "\t" in lines[mark.line][: mark.column + 1]
    return False


def _tag(node: Node) -> str:
    tag = node.tag
    raw = str(getattr(tag, "value", tag) or "")
    return raw[len(_YAML_TAG) :] if raw.startswith(_YAML_TAG) else raw


# standard tags a collection may carry: !!omap and !!pairs are sequences of pairs, !!set is a mapping
_COLLECTION_TAGS = {"seq": frozenset({"seq", "omap", "pairs"}), "map": frozenset({"map", "set"})}


class _Builder:
    """Turns composed nodes into LDict / LList / scalars, with budgets against hostile input."""

    def __init__(self, file: str, max_nodes: int, max_depth: int) -> None:
        self.file = file
        self.max_nodes = max_nodes
        self.max_depth = max_depth
        self.count = 0
        self.notes: list[YamlNote] = []
        self.block_scalars: list[tuple[int, int]] = []
        self._active: set[int] = set()

    def build(self, node: Node, depth: int = 0) -> Any:
        self.count += 1
        line = node.start_mark.line + 1
        if self.count > self.max_nodes:
            raise InputError(
                self.file, line, f"document expands to more than {self.max_nodes} nodes (alias bomb?)"
            )
        if depth > self.max_depth:
            raise InputError(self.file, line, f"nesting deeper than {self.max_depth} levels")
        if isinstance(node, ScalarNode):
            return self._scalar(node, line)
        key = id(node)
        if key in self._active:
            raise InputError(self.file, line, "recursive alias: a node contains itself")
        self._active.add(key)
        try:
            if isinstance(node, SequenceNode):
                self._check_tag(node, "seq", line)
                seq = LList(line)
                for item in node.value:
                    seq.append(self.build(item, depth + 1))
                    seq.item_lines.append(item.start_mark.line + 1)
                return seq
            if isinstance(node, MappingNode):
                self._check_tag(node, "map", line)
                return self._mapping(node, line, depth)
        finally:
            self._active.discard(key)
        raise InputError(self.file, line, f"unsupported YAML node {type(node).__name__}")

    def _check_tag(self, node: Node, expected: str, line: int) -> None:
        tag = _tag(node)
        if tag not in _COLLECTION_TAGS[expected]:
            raise InputError(self.file, line, f"unsupported YAML tag !{tag.lstrip('!')}: refused")

    def _mapping(self, node: MappingNode, line: int, depth: int) -> LDict:
        result = LDict(line)
        merged: list[LDict] = []
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if isinstance(key_node, ScalarNode) and _tag(key_node) == "merge":
                merged.extend(self._merge_sources(value_node, depth))
                continue
            raw_key = self.build(key_node, depth + 1)
            if isinstance(raw_key, dict | list):
                raise InputError(self.file, key_line, "a mapping key must be a scalar")
            key = _key_text(raw_key)
            if key in result:
                self.notes.append(
                    YamlNote(
                        "duplicate-key",
                        key_line,
                        f"duplicate key '{key}' (first at line {result.key_lines[key]}); the last value wins",
                    )
                )
            result[key] = self.build(value_node, depth + 1)
            result.key_lines[key] = key_line
        for source in merged:  # explicit keys win over merged ones, earlier merges over later
            for key, value in source.items():
                if key not in result:
                    result[key] = value
                    result.key_lines[key] = source.line_of(key)
        return result

    def _merge_sources(self, node: Node, depth: int) -> Iterator[LDict]:
        built = self.build(node, depth + 1)
        items = built if isinstance(built, list) else [built]
        for item in items:
            if not isinstance(item, LDict):
                raise InputError(self.file, node.start_mark.line + 1, "merge key '<<' needs a mapping")
            yield item

    def _scalar(self, node: ScalarNode, line: int) -> Any:
        tag = _tag(node)
        value: str = node.value
        if node.style in ("|", ">"):
            end = node.end_mark  # 0-based; column 0 means the body ended on the line before
            last = end.line if end.column == 0 else end.line + 1
            self.block_scalars.append((line + 1, max(line + 1, last)))
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
        raise InputError(
            self.file, line, f"unsupported YAML tag !{tag.lstrip('!')}: refused, never constructed"
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
