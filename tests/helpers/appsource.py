"""The synthetic app of the queue verdicts (fixtures/appsource/queues) with its ClowdApp and chart, read
once per session for the engine's tests (tests/sources/appsource has its own fixture)."""

from __future__ import annotations

import functools

from koku_gap.model.evidence import AppSource
from koku_gap.sources.appsource import load_app_source
from tests.helpers.files import ROOT

QUEUES_APP = ROOT / "fixtures" / "appsource" / "queues"
QUEUES_CLOWDAPP = ROOT / "fixtures" / "appsource" / "queues-clowdapp.yaml"
QUEUES_CHART = ROOT / "fixtures" / "appsource" / "queues-rendered.yaml"


@functools.cache
def queues_source() -> AppSource:
    """The app's source as read (frozen: tests share it)."""
    return load_app_source(QUEUES_APP, cache=False)


PATHS_APP = ROOT / "fixtures" / "appsource" / "paths"  # the call paths a sender runs on (issue 13)
PATHS_CHART = ROOT / "fixtures" / "appsource" / "paths-rendered.yaml"
PATHS_CLOWDAPP = ROOT / "fixtures" / "appsource" / "paths-clowdapp.yaml"


@functools.cache
def paths_source() -> AppSource:
    return load_app_source(PATHS_APP, cache=False)
