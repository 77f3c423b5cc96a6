"""What a change does to the gaps: the report's gaps against the same chart path at a git ref.

``gap-report --chart DIR --compare-ref REF`` (docs/ci.md): each gap is compared by stable row id
(``Row.id``) with the chart as REF had it. A gap is *opened* when REF's chart had no gap on that row,
*closed* when REF's had one and this chart has none (or no such row), *changed* when both have it at
another priority; of those, *worse* when it is more urgent now. ``--fail-on`` counts only what the
change opens or makes worse.
"""

from __future__ import annotations

from pydantic import Field

from koku_gap.model.base import Frozen
from koku_gap.model.vocabulary import Priority


class Delta(Frozen):
    """The gaps this chart opens, closes and changes against REF (``"delta"`` in the JSON; row ids)."""

    ref: str  # the ref as given (main, origin/main, a sha)
    commit: str  # the commit it resolved to
    subject: str = ""  # that commit's subject line (a stranger's text: reporters escape it)
    chart_path: str  # the chart's directory in the repository, ``.`` for its root
    # REF has no chart to compare with (the path is not there, or its chart does not render): every
    # gap counts as opened, and ``note`` says why.
    absent: bool = False
    note: str | None = None
    opened: list[str] = Field(default_factory=list)
    closed: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)
    worse: list[str] = Field(default_factory=list)  # of ``changed``: more urgent than at REF
    previous: dict[str, Priority] = Field(default_factory=dict)  # closed and changed ids: priority at REF

    @property
    def counted(self) -> frozenset[str]:
        """The row ids ``--fail-on`` may fail on: opened or made worse by the change."""
        return frozenset((*self.opened, *self.worse))

    @property
    def short_commit(self) -> str:
        return self.commit[:12]
