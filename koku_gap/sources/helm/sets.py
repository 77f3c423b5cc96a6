"""A spec's ``--set`` and ``--set-string`` expressions: checked before any engine runs (a bad one is
the caller's mistake, whichever engine renders), applied over the values files by the python engine."""

from __future__ import annotations

from typing import Any

from koku_gap.model.errors import UsageError
from koku_gap.sources.helm import strvals
from koku_gap.sources.helm.spec import ChartSpec


def check_sets(spec: ChartSpec) -> None:
    for expression in spec.set_values:
        _check_set("--set", expression, strings=False)
    for expression in spec.set_string_values:
        _check_set("--set-string", expression, strings=True)


def _check_set(option: str, expression: str, *, strings: bool) -> None:
    try:
        strvals.parse(expression, strings=strings)
    except strvals.StrvalsError as exc:
        raise UsageError(f"{option} {expression!r}: {exc}") from None


def apply_sets(values: dict[str, Any], spec: ChartSpec) -> None:
    """Every --set, then every --set-string, over ``values`` (helm template's order)."""
    for option, expressions, strings in (
        ("--set", spec.set_values, False),
        ("--set-string", spec.set_string_values, True),
    ):
        for expression in expressions:
            try:
                strvals.parse_into(expression, values, strings=strings)
            except strvals.StrvalsError as exc:
                raise UsageError(f"{option} {expression!r}: {exc}") from None
