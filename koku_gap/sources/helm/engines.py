"""Choosing the engine: ``auto`` prefers helm-python-sdk, then a ``helm`` on PATH; ``python`` and
``binary`` force one and say what is missing when it is not there."""

from __future__ import annotations

import importlib.util
import shutil

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
    installed, why_not = _sdk_installed()
    if renderer in ("auto", "python") and installed:
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


def _sdk_installed() -> tuple[bool, str]:
    """Whether helm-python-sdk is installed, without importing it: importing it loads Helm's Go runtime
    (five threads) into this process, which only the render child needs (a forked process would not
    survive those threads). A native library that does not load is said by the child."""
    try:
        spec = importlib.util.find_spec("helm_python")
    except (ImportError, ValueError):
        return False, "not installed"
    return (spec is not None), ("" if spec is not None else "not installed")
