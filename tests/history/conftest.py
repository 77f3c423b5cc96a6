"""The story repository and its walk, built once per module that asks for them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from koku_gap.history.model import History
from koku_gap.history.run import history
from tests.history.helpers import ChartRepo, story, write_clowdapp

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> tuple[ChartRepo, dict[str, str], Path, History]:
    """(repo, steps, clowdapp, history of kiosk/ then old/), analysed in this process."""
    root = tmp_path_factory.mktemp("story")
    repo, steps = story(root / "repo")
    clowdapp = write_clowdapp(root)
    found = history(repo.root, ["kiosk", "old"], [clowdapp], jobs=1, today=TODAY)
    return repo, steps, clowdapp, found
