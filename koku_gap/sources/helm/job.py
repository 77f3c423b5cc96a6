"""What an engine is given (a job) and what it gives back (the text, and what Helm said meanwhile)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from koku_gap.sources.helm.framing import DroppedHook
from koku_gap.sources.helm.spec import DEFAULT_NAMESPACE, ChartSpec


@dataclass(frozen=True)
class RenderJob:
    """What an engine renders: a spec whose release is decided (the spec's, else the chart's name),
    and the byte budget of every file it reads."""

    spec: ChartSpec
    release: str
    max_bytes: int

    @property
    def label(self) -> str:
        """The chart path as given: what errors and SourceRefs name."""
        return str(self.spec.path)

    @property
    def namespace(self) -> str:
        return self.spec.namespace or DEFAULT_NAMESPACE

    @property
    def values_files(self) -> tuple[Path, ...]:
        return tuple(Path(v) for v in self.spec.values)


@dataclass(frozen=True)
class Rendered:
    """An engine's render: ``helm template``'s text, the hooks Helm left out and the lines it logged."""

    text: str
    dropped_hooks: list[DroppedHook]
    helm_warnings: list[str]
