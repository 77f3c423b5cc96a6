"""The synthetic apps under fixtures/appsource, read once per session (no cache: the tests of the cache
use their own directories)."""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap.model.evidence import AppSource
from koku_gap.sources.appsource import load_app_source

APPS = Path(__file__).resolve().parents[3] / "fixtures" / "appsource"
SHOP = APPS / "shop"
QUEUES = APPS / "queues"  # one queue per sender verdict (queues-clowdapp.yaml, queues-rendered.yaml)


@pytest.fixture(scope="session")
def shop() -> AppSource:
    return load_app_source(SHOP, cache=False)


@pytest.fixture(scope="session")
def queues() -> AppSource:
    return load_app_source(QUEUES, cache=False)
