"""koku-gap: what a Helm chart still lacks compared to the ClowdApp it replaces.

The public API is imported lazily, so ``gap-report --help`` does not pay for pydantic and ruamel.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "InputError": "koku_gap.errors",
    "Component": "koku_gap.graph",
    "ComponentGraph": "koku_gap.graph",
    "Container": "koku_gap.graph",
    "Resource": "koku_gap.graph",
    "Role": "koku_gap.graph",
    "RoleKind": "koku_gap.graph",
    "SourceRef": "koku_gap.graph",
    "load_clowdapp": "koku_gap.sources.clowdapp",
    "load_manifests": "koku_gap.sources.manifests",
    "ChartSpec": "koku_gap.sources.helm",
    "RenderResult": "koku_gap.sources.helm",
    "load_chart": "koku_gap.sources.helm",
    "render_chart": "koku_gap.sources.helm",
    "analyze": "koku_gap.pipeline",
    "compare": "koku_gap.pipeline",
    "Policy": "koku_gap.policy",
    "load_policy": "koku_gap.policy",
    "Report": "koku_gap.report.model",
    "Row": "koku_gap.report.model",
}

__all__ = [
    "ChartSpec",
    "Component",
    "ComponentGraph",
    "Container",
    "InputError",
    "Policy",
    "RenderResult",
    "Report",
    "Resource",
    "Role",
    "RoleKind",
    "Row",
    "SourceRef",
    "__version__",
    "analyze",
    "compare",
    "load_chart",
    "load_clowdapp",
    "load_manifests",
    "load_policy",
    "render_chart",
]

if TYPE_CHECKING:
    from koku_gap.errors import InputError
    from koku_gap.graph import Component, ComponentGraph, Container, Resource, Role, RoleKind, SourceRef
    from koku_gap.pipeline import analyze, compare
    from koku_gap.policy import Policy, load_policy
    from koku_gap.report.model import Report, Row
    from koku_gap.sources.clowdapp import load_clowdapp
    from koku_gap.sources.helm import ChartSpec, RenderResult, load_chart, render_chart
    from koku_gap.sources.manifests import load_manifests


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'koku_gap' has no attribute {name!r}")
