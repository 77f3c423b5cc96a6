"""The formats that print a Report, found by convention: each module here whose name does not start with
``_`` is one format, named after the module. It declares

- ``EXTRAS``: which of the extras (snippets, suggested templates) it prints, so a run computes no more;
- ``render(report, options) -> str``: the report in its format, from the Report model only.

Adding a format is adding one module (and its tests). The names come from the package's directory
listing, not from importing the modules, so ``gap-report --help`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple, Protocol, cast

if TYPE_CHECKING:
    from koku_gap.model.report import Report

# What reports show but the engine does not decide (``api.enrich``): each component's own lines, and
# a suggested Helm template for a gap the chart has no counterpart to.
Extra = Literal["snippets", "remediation"]
ColorMode = Literal["auto", "always", "never"]


class RenderOptions(NamedTuple):
    """What any format may take besides the report; each reads only what it needs.

    ``fail_on``: the threshold at and above which a gap fails the run (the CI formats mark those);
    ``date``: printed under the Markdown title (None: no date, so output is reproducible);
    ``color``: the terminal format's colour (``always``: the coloured table wherever it goes);
    ``to_file``: the text goes to a file, not to a terminal (the terminal format then prints its
    plain listing unless ``color`` is ``always``); ``width``: the terminal table's width (None: the
    terminal's).
    """

    fail_on: str = "P0"
    date: str | None = None
    color: ColorMode = "auto"
    to_file: bool = False
    width: int | None = None


class Reporter(Protocol):
    """What a format module provides."""

    EXTRAS: tuple[Extra, ...]

    def render(self, report: Report, options: RenderOptions, /) -> str: ...


def format_names() -> tuple[str, ...]:
    """Every format, in alphabetical order, from this package's directory listing: nothing imported, not
    even pkgutil (``--help`` lists them; model.bundled lists the policies the same way)."""
    found = {f.stem for folder in __path__ for f in Path(folder).glob("*.py")}
    return tuple(sorted(name for name in found if not name.startswith("_")))


def reporter(name: str) -> Reporter:
    """The module of format ``name``; ValueError naming the formats there are for another name."""
    names = format_names()
    if name not in names:
        raise ValueError(f"no report format {name!r}; the formats are {', '.join(names)}")
    return cast(Reporter, import_module(f"{__name__}.{name}"))


def render(report: Report, name: str, options: RenderOptions | None = None) -> str:
    """``report`` in format ``name``."""
    return reporter(name).render(report, options or RenderOptions())
