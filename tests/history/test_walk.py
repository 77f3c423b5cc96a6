"""walk: the commits of a range and each one's chart tree, from git's objects."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from koku_gap.history.walk import charts_at, first_parent_commits, normalized, open_repository, revisions
from koku_gap.model.errors import InputError
from tests.history.helpers import ChartRepo, chart


@pytest.fixture
def repo(tmp_path: Path) -> ChartRepo:
    repo = ChartRepo(tmp_path / "repo")
    repo.commit("no chart", {"README.md": "x\n"})
    repo.commit("old", chart("old"))
    repo.commit("both | odd subject", {**chart("old"), **chart("new")})
    repo.commit("new only", chart("new"), clear="old")
    return repo


def test_commits_oldest_first_with_date_and_subject(repo: ChartRepo) -> None:
    commits = first_parent_commits(repo.root)
    assert [c.subject for c in commits] == ["no chart", "old", "both | odd subject", "new only"]
    assert commits[0].date.isoformat() == "2026-01-02T12:00:00+00:00"
    assert commits[-1].sha == repo.git("rev-parse", "HEAD")


def test_a_range_and_since(repo: ChartRepo) -> None:
    assert [c.subject for c in first_parent_commits(repo.root, "HEAD~2..")] == [
        "both | odd subject",
        "new only",
    ]
    assert [c.subject for c in first_parent_commits(repo.root, "..HEAD~3")] == []
    assert [c.subject for c in first_parent_commits(repo.root, since=date(2026, 1, 4))] == [
        "both | odd subject",
        "new only",
    ]


def test_a_range_is_resolved_before_it_is_walked(repo: ChartRepo) -> None:
    assert revisions(repo.root, None) == [repo.git("rev-parse", "HEAD")]
    with pytest.raises(InputError, match="'--all' is not a revision"):
        revisions(repo.root, "--all..HEAD")
    with pytest.raises(InputError, match="'HEAD~9' does not resolve"):
        revisions(repo.root, "HEAD~9..HEAD")


def test_the_first_path_present_wins(repo: ChartRepo) -> None:
    commits = first_parent_commits(repo.root)
    found = charts_at(repo.root, commits, ["new", "old"])
    assert [c.path if c else None for c in found] == [None, "old", "new", "new"]
    assert found[1] is not None and found[1].tree == repo.tree(commits[1].sha, "old")
    assert [c.path if c else None for c in charts_at(repo.root, commits, ["old"])] == [
        None,
        "old",
        "old",
        None,
    ]


def test_a_file_is_no_chart_directory_and_the_root_is_one(repo: ChartRepo) -> None:
    commits = first_parent_commits(repo.root)
    assert charts_at(repo.root, commits, ["README.md"]) == [None] * 4
    root = charts_at(repo.root, commits, ["."])
    assert root[0] is not None and root[0].tree == repo.git("rev-parse", f"{commits[0].sha}^{{tree}}")


def test_paths_are_written_as_git_names_them() -> None:
    assert normalized("./charts//kiosk/") == "charts/kiosk"
    assert normalized(".") == normalized("./") == "."


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a git repository"):
        open_repository(tmp_path)
