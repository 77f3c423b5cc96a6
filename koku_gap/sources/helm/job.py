"""What an engine is given (a job) and what it gives back (the text, and what Helm said meanwhile)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from koku_gap.sources.helm.framing import DroppedHook
from koku_gap.sources.helm.spec import DEFAULT_NAMESPACE, ChartSpec
from koku_gap.yaml.loader import read_text


@dataclass(frozen=True)
class RenderJob:
    """What an engine renders: a spec whose release is decided (the spec's, else the chart's name),
    the byte budget of every file it reads, and the values files' text, read once (``read_job``)."""

    spec: ChartSpec
    release: str
    max_bytes: int
    values_texts: tuple[str, ...] = ()

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


def read_job(spec: ChartSpec, release: str, max_bytes: int) -> RenderJob:
    """The job, with every values file read within ``max_bytes``: a missing or oversized one is our
    error whichever engine renders, and the python engine merges the text read here."""
    texts = tuple(read_text(Path(values_file), max_bytes) for values_file in spec.values)
    return RenderJob(spec=spec, release=release, max_bytes=max_bytes, values_texts=texts)


@dataclass(frozen=True)
class Rendered:
    """An engine's render: ``helm template``'s text, the hooks Helm left out and the lines it logged."""

    text: str
    dropped_hooks: list[DroppedHook]
    helm_warnings: list[str]
