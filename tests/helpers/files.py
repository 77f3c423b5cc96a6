"""Where the repository's own fixtures are, for tests at any depth, and the report on the bundled example
that many tests read: one place to fix when a test file moves, and one analysis per session."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from koku_gap.api import analyze
from koku_gap.model.report import Report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "example"
ENGINE_FIXTURES = ROOT / "fixtures" / "engine"

# ClowdApp templates with a chart render they go with, for checks that must hold on each of our inputs
FIXTURE_PAIRS = [
    (ROOT / "fixtures/example/clowdapp.yaml", ROOT / "fixtures/example/rendered.yaml"),
    (ROOT / "fixtures/engine/mini-clowdapp.yaml", ROOT / "fixtures/engine/mini-rendered.yaml"),
    (ROOT / "fixtures/charts/clowdapp.yaml", ROOT / "fixtures/example/rendered.yaml"),
]

LineFinder = Callable[..., int]  # the `find_line` fixture: (path, text, occurrence=1, after=0)


@functools.cache
def example_report() -> Report:
    """The bundled example (fixtures/example) analysed with the default policy; a Report is frozen, so
    tests share it and change it only through ``model_copy``."""
    return analyze(clowdapps=[EXAMPLE / "clowdapp.yaml"], manifests=[EXAMPLE / "rendered.yaml"])


TOPICS = (
    ROOT / "fixtures" / "topics"
)  # three apps whose Kafka topics cross, and a chart (the comments at the top of each file)
TOPICS_APPS = [TOPICS / f"{name}.yaml" for name in ("shop", "till", "books")]
SHOP_SOURCE = ROOT / "fixtures" / "appsource" / "shop"


@functools.cache
def topics_report() -> Report:
    """The three apps of fixtures/topics against their chart, with shop's code: its listener, missing,
    reads a topic till's register (played by acme-checkout) says it produces."""
    return analyze(
        clowdapps=TOPICS_APPS, manifests=[TOPICS / "rendered.yaml"], app_sources={"shop": SHOP_SOURCE}
    )
