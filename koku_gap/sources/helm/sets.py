"""A spec's set and set-string expressions (``helm template --set`` / ``--set-string``): checked before
any engine runs (a bad one is the caller's mistake, whichever engine renders), applied over the values
files by the python engine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from koku_gap.model.errors import SETTING, Setting, UsageError
from koku_gap.sources.helm import strvals
from koku_gap.sources.helm.spec import ChartSpec

SET, SET_STRING = Setting("set_values"), Setting("set_string_values")


def _expressions(spec: ChartSpec) -> Iterator[tuple[Setting, str, bool]]:
    """Every set expression, then every set-string one (helm template's order), with whether it keeps
    its values strings."""
    yield from ((SET, expression, False) for expression in spec.set_values)
    yield from ((SET_STRING, expression, True) for expression in spec.set_string_values)


def check_sets(spec: ChartSpec) -> None:
    """Each expression parses on its own (into a fresh map), as Helm checks it."""
    for setting, expression, strings in _expressions(spec):
        with _refused(setting, expression):
            strvals.parse(expression, strings=strings)


def apply_sets(values: dict[str, Any], spec: ChartSpec) -> None:
    """Every set expression, then every set-string one, over ``values`` (helm template's order)."""
    for setting, expression, strings in _expressions(spec):
        with _refused(setting, expression):
            strvals.parse_into(expression, values, strings=strings)


def refused(spec: ChartSpec, index: int, message: str) -> UsageError:
    """The ``index``-th expression (sets first, then set-strings, as applied) refused with ``message``."""
    setting, expression, _ = list(_expressions(spec))[index]
    return UsageError(f"{SETTING} {expression!r}: {message}", settings=(setting,))


def expressions(spec: ChartSpec) -> list[tuple[str, bool]]:
    """Every expression with whether it keeps its values strings, in the order Helm applies them."""
    return [(expression, strings) for _, expression, strings in _expressions(spec)]


@contextmanager
def _refused(setting: Setting, expression: str) -> Iterator[None]:
    """An expression Helm refuses as the caller's mistake, naming the setting it was given with."""
    try:
        yield
    except strvals.StrvalsError as exc:
        raise UsageError(f"{SETTING} {expression!r}: {exc}", settings=(setting,)) from None
