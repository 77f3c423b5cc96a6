"""OpenShift Template parameters, processed the way ``oc process`` does.

``${P}`` is replaced anywhere inside a string (the result is a string); ``${{P}}`` only when it is the
whole scalar, and then the value is parsed as JSON (``${{REPLICAS}}`` -> 3). Substitution happens on
the line-marked tree, so every value keeps the line it was written on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from koku_gap.model.errors import SETTING, InputError, Setting
from koku_gap.model.graph import GraphWarning
from koku_gap.yaml.limits import MAX_SUBSTITUTED_BYTES
from koku_gap.yaml.loader import LDict, LList

STRING_PARAM = re.compile(r"\$\{([a-zA-Z0-9_]+)\}")
WHOLE_JSON_PARAM = re.compile(r"^\$\{\{([a-zA-Z0-9_]+)\}\}$")


@dataclass
class Parameters:
    """Declared parameters with their effective values (None: required and unset, stays symbolic)."""

    values: dict[str, str | None]
    lines: dict[str, int]
    warnings: list[GraphWarning] = field(default_factory=list)


def read_parameters(
    raw: Any,
    file: str,
    section_line: int,
    overrides: Mapping[str, str] | None,
    *,
    strict: bool = True,
) -> Parameters:
    """Declared parameters with overrides applied; ``strict``: an override nobody declares is an error."""
    values: dict[str, str | None] = {}
    lines: dict[str, int] = {}
    warnings: list[GraphWarning] = []
    items = raw if isinstance(raw, list) else []
    if raw is not None and not isinstance(raw, list):
        raise InputError(file, section_line, "Template 'parameters' must be a list")
    for index, item in enumerate(items):
        line = items.line_of(index) if isinstance(items, LList) else section_line
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise InputError(file, line, "a template parameter needs a 'name'")
        name: str = item["name"]
        if name in lines:
            warnings.append(
                GraphWarning(
                    code="duplicate-parameter",
                    file=file,
                    line=line,
                    message=f"parameter {name} is declared twice (first at line "
                    f"{lines[name]}); the last declaration wins",
                )
            )
        lines[name] = line
        value = _as_text(item["value"]) if item.get("value") is not None else ""
        if value:
            values[name] = value
        elif item.get("generate") == "expression":
            values[name] = f"generated-{name.lower().replace('_', '-')}"
        elif str(item.get("required")).lower() == "true":
            values[name] = None  # `oc process` refuses an empty required parameter; we keep it symbolic
        else:
            values[name] = value
    for name, override in (overrides or {}).items():
        if name not in lines:
            if not strict:
                continue
            raise InputError(
                file,
                section_line,
                f"{SETTING}: the template declares no such parameter",
                setting=Setting("params", name),
            )
        values[name] = override
    for name, current in values.items():
        if current is None:
            warnings.append(
                GraphWarning(
                    code="required-parameter",
                    file=file,
                    line=lines[name],
                    message=f"required parameter {name} has no value; left as ${{{name}}}",
                )
            )
    return Parameters(values=values, lines=lines, warnings=warnings)


def _marked(value: Any, line: int) -> Any:
    """A JSON value from a ``${{P}}`` parameter as line-marked YAML values, all on the scalar's line."""
    if isinstance(value, dict):
        mapping = LDict(line)
        for key, item in value.items():
            mapping[str(key)] = _marked(item, line)
            mapping.key_lines[str(key)] = line
        return mapping
    if isinstance(value, list):
        seq = LList(line)
        for item in value:
            seq.append(_marked(item, line))
            seq.item_lines.append(line)
        return seq
    return value


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


class Substituter:
    """Applies parameters to a value tree and remembers which unknown names it met, and where."""

    def __init__(self, params: Parameters, file: str, budget: int = MAX_SUBSTITUTED_BYTES) -> None:
        self.params = params
        self.file = file
        self.unknown: dict[str, int] = {}
        self.budget = budget  # bytes the parameter values may add, over the whole file

    def _spend(self, raw: str, line: int) -> None:
        """Count what a substitution adds; refuse the file once the values add more than the budget."""
        self.budget -= len(raw)
        if self.budget < 0:
            raise InputError(
                self.file,
                line,
                f"template parameters expand to more than {MAX_SUBSTITUTED_BYTES} bytes: a value used "
                "over and over (real templates add kilobytes)",
            )

    def apply(self, value: Any, line: int) -> Any:
        if isinstance(value, str):
            return self._string(value, line) if "${" in value else value
        if isinstance(value, LDict):
            out = LDict(value.line)
            out.key_lines = value.key_lines
            for key, item in value.items():
                out[key] = self.apply(item, value.line_of(key))
            return out
        if isinstance(value, LList):
            seq = LList(value.line)
            seq.item_lines = value.item_lines
            seq.extend(self.apply(item, value.line_of(i)) for i, item in enumerate(value))
            return seq
        return value

    def _string(self, value: str, line: int) -> Any:
        whole = WHOLE_JSON_PARAM.match(value)
        if whole:
            name = whole.group(1)
            if name not in self.params.values:
                self.unknown.setdefault(name, line)
                return value
            raw = self.params.values[name]
            if raw is None:
                return value
            self._spend(raw, line)
            try:
                return _marked(json.loads(raw), line)
            except ValueError:
                return raw

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.params.values:
                self.unknown.setdefault(name, line)
                return match.group(0)
            raw = self.params.values[name]
            if raw is None:
                return match.group(0)
            self._spend(raw, line)
            return raw

        return STRING_PARAM.sub(replace, value)

    def warnings(self) -> list[GraphWarning]:
        return [
            GraphWarning(
                code="unknown-parameter",
                file=self.file,
                line=line,
                message=f"${{{name}}} is not a declared parameter; left as written "
                "(a shell or runtime variable?)",
            )
            for name, line in sorted(self.unknown.items(), key=lambda kv: kv[1])
        ]
