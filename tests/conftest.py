"""Shared fixtures: our own small YAML files, the optional real corpus, and hypothesis settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
LOADER_FIXTURES = ROOT / "fixtures" / "loaders"

# deterministic and fast: no example database written into the repository, same examples every run
settings.register_profile(
    "koku-gap",
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("koku-gap")


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
