"""koku-gap: what a Helm chart still lacks compared to the ClowdApp it replaces.

The public API is imported lazily, so ``gap-report --help`` does not pay for pydantic and ruamel.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "InputError": "koku_gap.model.errors",
    "Component": "koku_gap.model.graph",
    "ComponentGraph": "koku_gap.model.graph",
    "Container": "koku_gap.model.graph",
    "Resource": "koku_gap.model.graph",
    "Role": "koku_gap.model.graph",
    "RoleKind": "koku_gap.model.graph",
    "SourceRef": "koku_gap.model.graph",
    "load_clowdapp": "koku_gap.sources.clowdapp",
    "load_manifests": "koku_gap.sources.manifests",
    "ChartSpec": "koku_gap.sources.helm",
    "RenderResult": "koku_gap.sources.helm",
    "load_chart": "koku_gap.sources.helm",
    "render_chart": "koku_gap.sources.helm",
    "analyze": "koku_gap.api",
    "compare": "koku_gap.api",
    "History": "koku_gap.history.model",
    "Policy": "koku_gap.engine.policy",
    "load_policy": "koku_gap.engine.policy",
    "Report": "koku_gap.model.report",
    "Row": "koku_gap.model.report",
}

__all__ = [
    "ChartSpec",
    "Component",
    "ComponentGraph",
    "Container",
    "History",
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
    "history",
    "load_chart",
    "load_clowdapp",
    "load_manifests",
    "load_policy",
    "render_chart",
]

if TYPE_CHECKING:
    from koku_gap.api import analyze, compare
    from koku_gap.engine.policy import Policy, load_policy
    from koku_gap.history.model import History
    from koku_gap.history.run import history
    from koku_gap.model.errors import InputError
    from koku_gap.model.graph import Component, ComponentGraph, Container, Resource, Role, RoleKind, SourceRef
    from koku_gap.model.report import Report, Row
    from koku_gap.sources.clowdapp import load_clowdapp
    from koku_gap.sources.helm import ChartSpec, RenderResult, load_chart, render_chart
    from koku_gap.sources.manifests import load_manifests


def __getattr__(name: str) -> Any:
    if name == "history":  # the package, which is callable: koku_gap/history/__init__.py says why
        return import_module("koku_gap.history")
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'koku_gap' has no attribute {name!r}")
