"""koku-gap: what a Helm chart still lacks compared to the ClowdApp it replaces."""

from __future__ import annotations

from koku_gap.errors import InputError
from koku_gap.graph import Component, ComponentGraph, Container, Resource, SourceRef
from koku_gap.sources.clowdapp import load_clowdapp
from koku_gap.sources.manifests import load_manifests

__all__ = [
    "Component",
    "ComponentGraph",
    "Container",
    "InputError",
    "Resource",
    "SourceRef",
    "load_clowdapp",
    "load_manifests",
]
__version__ = "0.1.0"
