"""The curve as an SVG or PNG with matplotlib (``koku-gap[plot]``), imported only when asked for.

A dated x axis, one step line per priority (open gaps), and each commit that failed to render marked
on the axis. The output is reproducible: no creation date, fixed SVG ids.
"""

from __future__ import annotations

import io
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from koku_gap.history.mermaid import COLOURS
from koku_gap.model.errors import SETTING, Setting, UsageError
from koku_gap.model.vocabulary import PRIORITIES

if TYPE_CHECKING:
    from koku_gap.history.model import History

KINDS = {".svg": "svg", ".png": "png"}
EXTRA = "koku-gap[plot]"


def plot_kind(path: str | PurePath) -> str:
    """``svg`` or ``png``, from the file's suffix; UsageError for another."""
    kind = KINDS.get(PurePath(path).suffix.lower())
    if kind is None:
        raise UsageError(f"{SETTING} {path}: write a .svg or a .png file", settings=(Setting("plot"),))
    return kind


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display: a file is all we draw
        from matplotlib import pyplot
    except ImportError:
        raise UsageError(
            f"{SETTING} needs matplotlib, which is not installed: pip install '{EXTRA}'",
            settings=(Setting("plot"),),
        ) from None
    return pyplot


def check_plotting() -> None:
    """UsageError naming the extra when matplotlib is not installed (said before a long walk)."""
    _pyplot()


def plot(history: History, kind: str) -> bytes:
    """The open gaps by priority over time, as ``kind`` (``svg`` or ``png``) bytes."""
    pyplot = _pyplot()
    analysed = [c for c in history.commits if c.analysed]
    failed = [c for c in history.commits if c.status == "render-failed"]
    with pyplot.rc_context({"svg.hashsalt": "koku-gap", "svg.fonttype": "none"}):
        figure, axes = pyplot.subplots(figsize=(10, 4.5))
        dates = [c.date for c in analysed]
        for priority in PRIORITIES:
            counts = [c.by_priority.get(priority, 0) for c in analysed]
            axes.step(dates, counts, where="post", color=COLOURS[priority][0], label=priority, linewidth=1.8)
        if failed:
            axes.plot(
                [c.date for c in failed],
                [0] * len(failed),
                linestyle="none",
                marker="x",
                color="black",
                label="render failed",
            )
        axes.set_title(f"Open gaps by priority: {', '.join(history.chart_paths)}")
        axes.set_ylabel("open gaps")
        axes.set_ylim(bottom=0)
        axes.yaxis.get_major_locator().set_params(integer=True)  # gaps are counted, never halved
        axes.grid(True, alpha=0.3)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        figure.autofmt_xdate()
        out = io.BytesIO()
        metadata = {"Date": None} if kind == "svg" else {"Software": None}
        figure.savefig(out, format=kind, metadata=metadata, bbox_inches="tight")
        pyplot.close(figure)
    return out.getvalue()
