"""Choosing the engine: ``auto`` prefers helm-python-sdk, then a ``helm`` on PATH; ``python`` and
``binary`` force one and say what is missing when it is not there."""

from __future__ import annotations

import shutil
from types import ModuleType

from koku_gap.model.errors import SETTING, InputError, Setting, UsageError
from koku_gap.sources.helm.engine_binary import BinaryEngine
from koku_gap.sources.helm.engine_python import PythonEngine
from koku_gap.sources.helm.spec import RENDERERS

Engine = PythonEngine | BinaryEngine


RENDERER = Setting("renderer")


def select_engine(renderer: str, label: str = "<chart>") -> Engine:
    """The engine for ``renderer``: ``auto`` prefers helm-python-sdk, then a ``helm`` on PATH."""
    if renderer not in RENDERERS:
        raise UsageError(
            f"{SETTING} must be one of {', '.join(RENDERERS)}, got {renderer!r}", settings=(RENDERER,)
        )
    module, why_not = _import_sdk()
    if renderer in ("auto", "python") and module is not None:
        return PythonEngine()
    executable = shutil.which("helm") if renderer in ("auto", "binary") else None
    if executable:
        return BinaryEngine(executable)
    sdk = f"helm-python-sdk is not usable ({why_not}; pip install 'koku-gap[helm]')"
    binary = "there is no helm binary on PATH"
    if renderer == "python":
        raise InputError(
            label, None, f"cannot render the chart with {SETTING} python: {sdk}", setting=RENDERER
        )
    if renderer == "binary":
        raise InputError(
            label, None, f"cannot render the chart with {SETTING} binary: {binary}", setting=RENDERER
        )
    raise InputError(label, None, f"cannot render the chart: {sdk}, and {binary}")


def _import_sdk() -> tuple[ModuleType | None, str]:
    try:
        import helm_python
    except ImportError:
        return None, "not installed"
    except Exception as exc:  # HelmLibraryError: its native library is missing or does not load
        return None, str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return helm_python, ""
