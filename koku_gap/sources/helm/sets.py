"""A spec's set and set-string expressions (``helm template --set`` / ``--set-string``): checked before
any engine runs (a bad one is the caller's mistake, whichever engine renders), applied over the values
files by the python engine."""

from __future__ import annotations

from typing import Any

from koku_gap.model.errors import SETTING, Setting, UsageError
from koku_gap.sources.helm import strvals
from koku_gap.sources.helm.spec import ChartSpec


def check_sets(spec: ChartSpec) -> None:
    for expression in spec.set_values:
        _check_set(SET, expression, strings=False)
    for expression in spec.set_string_values:
        _check_set(SET_STRING, expression, strings=True)


SET, SET_STRING = Setting("set_values"), Setting("set_string_values")


def _check_set(setting: Setting, expression: str, *, strings: bool) -> None:
    try:
        strvals.parse(expression, strings=strings)
    except strvals.StrvalsError as exc:
        raise UsageError(f"{SETTING} {expression!r}: {exc}", settings=(setting,)) from None


def apply_sets(values: dict[str, Any], spec: ChartSpec) -> None:
    """Every set expression, then every set-string one, over ``values`` (helm template's order)."""
    for setting, expressions, strings in (
        (SET, spec.set_values, False),
        (SET_STRING, spec.set_string_values, True),
    ):
        for expression in expressions:
            try:
                strvals.parse_into(expression, values, strings=strings)
            except strvals.StrvalsError as exc:
                raise UsageError(f"{SETTING} {expression!r}: {exc}", settings=(setting,)) from None
