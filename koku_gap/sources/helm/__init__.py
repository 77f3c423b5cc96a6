"""Render a Helm chart offline, as ``helm template`` would, and read the result as rendered manifests.

One module per job:

- ``spec``: the chart and its ``helm template`` options (``ChartSpec``), defined once;
- ``render``: ``render_chart`` (leaving failing templates out on request) and ``load_chart(s)``;
- ``engines`` chooses ``engine_python`` (helm-python-sdk, Helm's Go SDK, in a child process) or
  ``engine_binary`` (a ``helm`` on ``PATH``); ``job`` is what they are given and give back, ``sets``
  the ``--set`` expressions, ``capture`` what Helm logs while rendering;
- ``framing``: what ``helm template`` does after rendering (order, hooks, ``# Source:`` framing);
- ``chart_files`` and ``archive``: a chart on disk and in a ``.tgz``; ``strvals``: Helm's ``--set`` parser;
- ``child``: the python engine's render in a process of its own, under limits.

The names below are imported on first use, so the render child (``python -m
koku_gap.sources.helm.child``) starts without the YAML loader and pydantic.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "chart_name": "chart_files",
    "select_engine": "engines",
    "HOOK_EVENTS": "framing",
    "INSTALL_ORDER": "framing",
    "DroppedHook": "framing",
    "frame_like_helm_template": "framing",
    "split_manifests": "framing",
    "template_at": "framing",
    "RenderResult": "render",
    "SkippedTemplate": "render",
    "load_chart": "render",
    "load_charts": "render",
    "render_chart": "render",
    "rendered_graph": "render",
    "RELEASE_NAME_RULE": "spec",
    "RENDERERS": "spec",
    "ChartSpec": "spec",
    "Renderer": "spec",
    "valid_release_name": "spec",
}

if TYPE_CHECKING:
    from koku_gap.sources.helm.chart_files import chart_name
    from koku_gap.sources.helm.engines import select_engine
    from koku_gap.sources.helm.framing import (
        HOOK_EVENTS,
        INSTALL_ORDER,
        DroppedHook,
        frame_like_helm_template,
        split_manifests,
        template_at,
    )
    from koku_gap.sources.helm.render import (
        RenderResult,
        SkippedTemplate,
        load_chart,
        load_charts,
        render_chart,
        rendered_graph,
    )
    from koku_gap.sources.helm.spec import (
        RELEASE_NAME_RULE,
        RENDERERS,
        ChartSpec,
        Renderer,
        valid_release_name,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "HOOK_EVENTS",
    "INSTALL_ORDER",
    "RELEASE_NAME_RULE",
    "RENDERERS",
    "ChartSpec",
    "DroppedHook",
    "RenderResult",
    "Renderer",
    "SkippedTemplate",
    "chart_name",
    "frame_like_helm_template",
    "load_chart",
    "load_charts",
    "render_chart",
    "rendered_graph",
    "select_engine",
    "split_manifests",
    "template_at",
    "valid_release_name",
]
