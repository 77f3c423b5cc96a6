"""plot: the curve with matplotlib, an optional extra named when it is missing."""

from __future__ import annotations

import sys

import pytest

from koku_gap.history.plot import check_plotting, plot, plot_kind
from koku_gap.model.errors import UsageError
from tests.history.test_run import Walked


def test_the_kind_is_the_files_suffix() -> None:
    assert plot_kind("burndown.svg") == "svg" and plot_kind("b.PNG") == "png"
    with pytest.raises(UsageError, match=r"plot=\.\.\. burndown\.pdf: write a \.svg or a \.png file"):
        plot_kind("burndown.pdf")


def test_without_matplotlib_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # importing it raises ImportError
    with pytest.raises(
        UsageError, match=r"needs matplotlib, which is not installed: pip install 'koku-gap\[plot\]'"
    ):
        check_plotting()


def test_an_svg_and_a_png_reproducibly(walked: Walked) -> None:
    pytest.importorskip("matplotlib")
    _, _, _, found = walked
    svg = plot(found, "svg")
    assert svg.startswith(b"<?xml") and b"<svg" in svg and plot(found, "svg") == svg
    assert b"P0" in svg and b"render failed" in svg
    png = plot(found, "png")
    assert png.startswith(b"\x89PNG") and plot(found, "png") == png
