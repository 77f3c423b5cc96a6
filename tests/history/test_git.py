"""git(): an argument list, a deadline, bounded output."""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap.history.git import GitFailed, git
from koku_gap.model.errors import InputError
from tests.history.helpers import ChartRepo


@pytest.fixture
def repo(tmp_path: Path) -> ChartRepo:
    repo = ChartRepo(tmp_path / "repo")
    repo.commit("one", {"a.txt": "a\n"})
    return repo


def test_output_and_stdin(repo: ChartRepo) -> None:
    assert git(repo.root, "rev-parse", "HEAD").strip() == repo.git("rev-parse", "HEAD")
    assert git(repo.root, "cat-file", "--batch-check", stdin="HEAD:a.txt\n").split()[1] == "blob"


def test_a_failure_carries_gits_first_line(repo: ChartRepo) -> None:
    with pytest.raises(GitFailed) as caught:
        git(repo.root, "rev-parse", "--verify", "nosuch")
    assert caught.value.returncode != 0
    assert caught.value.first_line.startswith("fatal: ") and str(caught.value) == caught.value.first_line


def test_too_much_output_is_refused(repo: ChartRepo) -> None:
    with pytest.raises(InputError, match="printed more than 10 bytes"):
        git(repo.root, "log", max_output=10)


def test_too_slow_is_stopped(repo: ChartRepo) -> None:
    with pytest.raises(InputError, match=r"took more than 0\.2 s"):
        git(repo.root, "-c", "alias.nap=!sleep 5", "nap", timeout=0.2)


def test_an_argument_is_never_a_shell_word(repo: ChartRepo) -> None:
    with pytest.raises(GitFailed):
        git(repo.root, "rev-parse", "--verify", "HEAD; touch pwned")
    assert not (repo.root / "pwned").exists()
