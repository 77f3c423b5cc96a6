"""Options from a file and the environment, as a chart tool's users expect: CLI > env > file.

A repository that runs ``gap-report`` in CI keeps its inputs in ``.koku-gap.yaml`` (found in the working
directory, or named by ``--config FILE``), its keys the long options without ``--``::

    clowdapp: [deploy/clowdapp.yaml]
    chart: [chart]
    values: [ci/values.yaml]
    policy: policy.yaml
    fail-on: P1

``KOKU_GAP_<OPTION>`` (``KOKU_GAP_FAIL_ON=P0``; a repeatable option's values separated by commas)
overrides the file, and an option given on the command line overrides both: a repeatable one
replaces the file's list, and one of a group of alternatives (``--chart`` / ``--manifests``) sets the
group aside. Paths are used as written, from the working directory. An unknown key, or a value of the
wrong shape, is one line naming the file and its line.
"""

from __future__ import annotations

import argparse
import difflib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from koku_gap.model.bundled import bundled_policies
from koku_gap.model.errors import InputError, UsageError

CONFIG_FILE = ".koku-gap.yaml"
ENV_PREFIX = "KOKU_GAP_"
NOT_CONFIGURABLE = frozenset({"help", "config", "version"})
# A config file sits in the repository a pull request changes: it may not say where gap-report writes
# (a path it picks could be the runner's own files), only the command line or the environment may,
# and the paths it names stay inside the working directory.
WRITES = frozenset({"output", "write-baseline", "pr-comment", "github-output", "plot"})
READS = frozenset({"clowdapp", "manifests", "chart", "values", "policy", "baseline", "app-source"})


def config_arguments(
    parser: argparse.ArgumentParser,
    argv: Sequence[str],
    config: str | None,
    environ: Mapping[str, str] = os.environ,
) -> list[str]:
    """The arguments the file and the environment add before ``argv``, for what ``argv`` does not say."""
    actions = _configurable(parser)
    values: dict[str, tuple[object, str, int | None]] = {}  # option -> (value, where, line)
    path = Path(config) if config is not None else Path(CONFIG_FILE)
    if config is not None or path.is_file():
        values.update(_from_file(path, actions))
    for key, action in actions.items():
        text = environ.get(ENV_PREFIX + key.upper().replace("-", "_"))
        if text is not None:
            value: object = text.split(",") if _repeatable(action) else text
            values[key] = (value, ENV_PREFIX + key.upper().replace("-", "_"), None)
    given = _given(parser, argv)
    out: list[str] = []
    for key, (value, where, line) in values.items():
        action = actions[key]
        if action.dest in given or _group_given(parser, action, given):
            continue
        out += _tokens(key, action, value, where, line)
    return out


def _configurable(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    found: dict[str, argparse.Action] = {}
    for action in parser._actions:
        long = [o for o in action.option_strings if o.startswith("--")]
        if long and action.dest not in NOT_CONFIGURABLE:
            found[long[0][2:]] = action
    return found


def _repeatable(action: argparse.Action) -> bool:
    return isinstance(action, argparse._AppendAction)


def _flag(action: argparse.Action) -> bool:
    return isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction)


def _from_file(
    path: Path, actions: Mapping[str, argparse.Action]
) -> dict[str, tuple[object, str, int | None]]:
    from koku_gap.yaml.loader import LDict, load_stream, to_plain  # only with a file: --help stays light

    stream = load_stream(path)
    documents = [d for d in stream.documents if d.value is not None]
    if not documents:
        return {}
    root = documents[0].value
    if len(documents) > 1 or not isinstance(root, LDict):
        raise InputError(str(path), 1, "a config file is one mapping of option names to values")
    found: dict[str, tuple[object, str, int | None]] = {}
    for key, value in root.items():
        line = root.line_of(key)
        if not isinstance(key, str) or key not in actions:
            close = difflib.get_close_matches(str(key), list(actions), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise InputError(str(path), line, f"unknown option {key!r}{hint}")
        if key in WRITES:
            raise InputError(
                str(path),
                line,
                f"{key}: where gap-report writes is said on the command line, not in a config file",
            )
        plain = to_plain(value)
        if key in READS:
            _inside(plain, key, str(path), line)
        found[key] = (plain, str(path), line)
    return found


def _inside(value: object, key: str, file: str, line: int | None) -> None:
    """A path a config file names is relative and stays in the working directory (``..`` and links
    resolved); a bundled policy's name and ``APP=`` of ``app-source`` are not paths."""
    here = Path.cwd().resolve()
    for item in value if isinstance(value, list) else [value]:
        text = str(item).split("=", 1)[-1] if key == "app-source" else str(item)
        if key == "policy" and text in bundled_policies():
            continue
        candidate = Path(text)
        if candidate.is_absolute() or not (here / candidate).resolve().is_relative_to(here):
            raise InputError(
                file, line, f"{key}: {text!r} leaves the working directory (a config file's paths stay in it)"
            )


def _given(parser: argparse.ArgumentParser, argv: Sequence[str]) -> set[str]:
    """The destinations ``argv`` sets, abbreviations included (as argparse accepts them)."""
    given: set[str] = set()
    for token in argv:
        if token == "--":
            break
        if not token.startswith("--"):
            continue
        name = token.split("=", 1)[0]
        for action in parser._actions:
            if any(o == name or (o.startswith(name) and len(name) > 2) for o in action.option_strings):
                given.add(action.dest)
    return given


def _group_given(parser: argparse.ArgumentParser, action: argparse.Action, given: set[str]) -> bool:
    for group in parser._mutually_exclusive_groups:
        if action in group._group_actions:
            return any(a.dest in given for a in group._group_actions)
    return False


def _tokens(key: str, action: argparse.Action, value: object, where: str, line: int | None) -> list[str]:
    """The command-line words for one configured option; a value of the wrong shape is refused."""
    option = f"--{key}"
    if _flag(action):
        if not isinstance(value, bool) and value not in ("true", "false"):
            raise _shape(where, line, key, "true or false")
        return [option] if value in (True, "true") else []
    if _repeatable(action):
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(i, str | int | float) and not isinstance(i, bool) for i in items):
            raise _shape(where, line, key, "a list of values")
        return [word for i in items for word in (option, str(i))]
    if isinstance(value, list | dict | bool) or value is None:
        raise _shape(where, line, key, "one value")
    return [option, str(value)]


def _shape(where: str, line: int | None, key: str, wanted: str) -> InputError | UsageError:
    if line is None:  # the environment: no file to name
        return UsageError(f"{where}: {key} takes {wanted}")
    return InputError(where, line, f"{key} takes {wanted}")
