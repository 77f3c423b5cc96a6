"""Gaps over a chart's git history: each first-parent commit's chart compared with the ClowdApp.

One module per job: ``git`` runs git (bounded), ``walk`` finds the commits and each one's chart tree,
``tree`` writes a tree to a scratch directory, ``analyse`` analyses one tree (what each worker runs),
``delta`` compares two commits by row id, ``ref`` is ``--compare-ref`` (a run's chart against the
same directory at a ref), ``run`` is ``history()``, ``model`` what it returns, and the
formats: ``formats`` (which there are), ``json``, ``csv``, ``markdown`` (with ``mermaid``'s chart) and
``plot`` (matplotlib, imported only when asked for).

``koku_gap.history(...)`` is both this package and the function: importing a submodule sets the
package as the attribute of ``koku_gap``, which would hide a function of that name, so the package
itself is callable and calls ``run.history`` (imported then, so importing the package stays cheap).
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from koku_gap.history.model import History


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> History:
        from koku_gap.history.run import history

        return history(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule


def __getattr__(name: str) -> Any:
    """``from koku_gap.history import history``: the function, imported when first asked for."""
    if name == "history":
        from koku_gap.history.run import history

        return history
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
