"""A chart and the ``helm template`` options to render it with: defined once, here, and taken whole by
the renderer and its engines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Renderer = Literal["auto", "python", "binary"]
RENDERERS: tuple[Renderer, ...] = ("auto", "python", "binary")
DEFAULT_NAMESPACE = "default"
RELEASE_NAME_RULE = (
    "a release name is lower-case letters, digits, '-' and '.', starts and ends with a letter or digit, "
    "at most 53 characters"
)
_RELEASE_NAME = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")


@dataclass(frozen=True)
class ChartSpec:
    """One chart and the ``helm template`` options to render it with."""

    path: str | Path
    values: Sequence[str | Path] = ()  # values files, in order (-f)
    set_values: Sequence[str] = ()  # --set expressions
    set_string_values: Sequence[str] = ()  # --set-string expressions
    release: str | None = None  # default: the chart's name
    namespace: str = DEFAULT_NAMESPACE
    api_versions: Sequence[str] = ()  # extra .Capabilities.APIVersions
    kube_version: str | None = None  # .Capabilities.KubeVersion (default: the engine's)


def valid_release_name(name: str) -> bool:
    """Helm's rule (``chartutil.ValidateReleaseName``): a DNS name of at most 53 characters."""
    return 0 < len(name) <= 53 and _RELEASE_NAME.fullmatch(name) is not None
