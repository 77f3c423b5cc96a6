"""Suggested templates rendered by Helm's own engine (the SDK, skipped where it is not installed):
what the remediation tests check the suggestions against."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML


def render_suggested(chart: Path, path: str, template: str, values: str) -> list[dict[str, Any]]:
    """The documents Helm renders from a one-template chart written to ``chart`` (``path`` inside it)."""
    helm = pytest.importorskip("helm_python")
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: suggested\nversion: 0.1.0\n", encoding="utf-8")
    (chart / "values.yaml").write_text(values, encoding="utf-8")
    (chart / path).write_text(template, encoding="utf-8")
    loaded = helm.Chart.load(str(chart))
    try:
        rendered = loaded.render(name="rel", namespace="ns")
    finally:
        loaded.close()
    yaml = YAML(typ="safe", pure=True)
    return [d for text in rendered.values() for d in yaml.load_all(text) if d]
