"""Shared fixtures: our own small YAML files, the optional real corpus, and hypothesis settings."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
LOADER_FIXTURES = ROOT / "fixtures" / "loaders"
sys.path.insert(0, str(ROOT / "bench"))  # tests import bench/scale.py as `scale`, as bench/run.py does

# Two hypothesis profiles, chosen by HYPOTHESIS_PROFILE (docs/development.md):
# - "ci", the default: deterministic and fast, the same examples every run, so a red CI run is the
#   code's doing, never the draw's; no example database written into the repository;
# - "explore": random and EXPLORE_FACTOR times the examples, to look for what the frozen sample
#   misses; a failure prints its example and the @reproduce_failure blob to pin it with.
EXPLORE_FACTOR = 20
settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    parent=settings.get_profile("ci"),
    max_examples=100 * EXPLORE_FACTOR,
    derandomize=False,
    print_blob=True,
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def examples(count: int) -> int:
    """A test's own ``max_examples``, scaled as the profile scales the default: a test that asks for
    150 examples gets 150 under "ci" and 3,000 under "explore"."""
    return count * EXPLORE_FACTOR if PROFILE == "explore" else count


def line_containing(path: Path, needle: str, occurrence: int = 1, after: int = 0) -> int:
    """The 1-based line of the ``occurrence``-th line of ``path`` after line ``after`` holding ``needle``."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if number > after and needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found {occurrence} time(s) in {path}")


@pytest.fixture
def find_line() -> Callable[..., int]:
    """``line_containing`` for tests: the line of a text in a fixture file, never hard-coded."""
    return line_containing


@pytest.fixture(scope="session", autouse=True)
def _app_source_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Parsed application sources are cached in a directory of this session, never the user's: the
    cache is shared by the tests of one run (each koku tree is parsed once) and by no other run."""
    os.environ["KOKU_GAP_CACHE_DIR"] = str(tmp_path_factory.mktemp("appsource-cache"))


@pytest.fixture
def fixtures_dir() -> Path:
    return LOADER_FIXTURES


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared real-world corpus next to the repository; tests using it skip when it is absent."""
    path = (Path(__file__).parents[1] / ".." / "shared" / "corpus").resolve()
    if not path.is_dir():
        pytest.skip(f"corpus not available at {path}")
    return path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the current output instead of comparing (make golden)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
