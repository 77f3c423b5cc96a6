"""The application's own source as evidence: Celery, Kafka, settings and entry points, read with ``ast``.

``load_app_source`` is imported on first use: a caller that needs only the file walk (``files``, the
policy's citation check) does not load the readers and their models.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = ["load_app_source"]

if TYPE_CHECKING:
    from koku_gap.sources.appsource.loader import load_app_source


def __getattr__(name: str) -> Any:
    if name == "load_app_source":
        return import_module("koku_gap.sources.appsource.loader").load_app_source
    raise AttributeError(f"module 'koku_gap.sources.appsource' has no attribute {name!r}")
