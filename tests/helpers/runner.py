"""GitHub's runner reading a step's output for workflow commands: what tests check gap-report's output
against, so a name or message can be shown to forge no command.

The runner (actions/runner, ``ActionCommandManager`` and ``ActionCommand``) reads stdout and stderr
alike, line by line, a line ending at LF, CR or CRLF. While ``::stop-commands::TOKEN`` is in force it
reads nothing but the command named TOKEN, which ends it. Otherwise a line is a command when, after
leading whitespace, it starts ``::name props::data`` (props ``k=v`` separated by ``,``), or else when it
holds the legacy ``##[name props]data`` anywhere (props separated by ``;``); only registered names count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

REGISTERED = frozenset(
    {
        "add-mask",
        "add-matcher",
        "add-path",
        "debug",
        "echo",
        "endgroup",
        "error",
        "group",
        "internal-set-repo-path",
        "notice",
        "remove-matcher",
        "save-state",
        "set-env",
        "set-output",
        "stop-commands",
        "warning",
    }
)
_LINE_END = re.compile(r"\r\n|\r|\n")
_DATA = {"%25": "%", "%0D": "\r", "%0A": "\n"}
_PROPERTY = {**_DATA, "%3A": ":", "%2C": ","}
_LEGACY = {**_DATA, "%3B": ";", "%5D": "]"}


@dataclass(frozen=True)
class Command:
    """One workflow command as the runner executes it, and the line it was read from."""

    name: str
    data: str
    line: str
    properties: dict[str, str] = field(default_factory=dict)


def lines(output: str) -> list[str]:
    """``output`` split as the runner's line reader splits it: at CRLF, CR and LF."""
    return _LINE_END.split(output)


def commands(output: str) -> list[Command]:
    """Every workflow command the runner would execute reading ``output``, stop-commands included."""
    found: list[Command] = []
    stop_token: str | None = None
    for line in lines(output):
        names = REGISTERED | ({stop_token} if stop_token else set())
        command = _parse(line, names)
        if stop_token is not None:
            if command is not None and command.name.lower() == stop_token.lower():
                stop_token = None
            continue
        if command is None:
            continue
        found.append(command)
        if command.name == "stop-commands" and command.data:
            stop_token = command.data
    return found


def _parse(line: str, names: set[str] | frozenset[str]) -> Command | None:
    return _parse_v2(line, names) or _parse_legacy(line, names)


def _parse_v2(line: str, names: set[str] | frozenset[str]) -> Command | None:
    text = line.lstrip()
    if not text.startswith("::"):
        return None
    end = text.find("::", 2)
    if end < 0:
        return None
    info = text[2:end]
    name, _, props = info.partition(" ")
    if name not in names:
        return None
    return Command(name, _unescape(text[end + 2 :], _DATA), line, _properties(props.strip(), ",", _PROPERTY))


def _parse_legacy(line: str, names: set[str] | frozenset[str]) -> Command | None:
    start = line.find("##[")
    if start < 0:
        return None
    end = line.find("]", start)
    if end < 0:
        return None
    name, _, props = line[start + 3 : end].partition(" ")
    if name not in names:
        return None
    return Command(name, _unescape(line[end + 1 :], _LEGACY), line, _properties(props, ";", _LEGACY))


def _properties(text: str, separator: str, mapping: dict[str, str]) -> dict[str, str]:
    pairs = (part.split("=", 1) for part in text.split(separator) if part)
    return {pair[0]: _unescape(pair[1], mapping) for pair in pairs if len(pair) == 2 and pair[0] and pair[1]}


def _unescape(text: str, mapping: dict[str, str]) -> str:
    return re.sub("|".join(map(re.escape, mapping)), lambda m: mapping[m.group()], text)
