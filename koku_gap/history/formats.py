"""The formats a History is written in (``gap-report history --format``), each a module here."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from koku_gap.history.model import History

HistoryFormat = Literal["csv", "json", "markdown"]
FORMATS: tuple[HistoryFormat, ...] = get_args(HistoryFormat)


def render(history: History, name: str) -> str:
    """``history`` in format ``name``; ValueError naming the formats there are for another name."""
    if name not in FORMATS:
        raise ValueError(f"no history format {name!r}; the formats are {', '.join(FORMATS)}")
    module = import_module(f"koku_gap.history.{name}")
    text: str = module.render(history)
    return text
