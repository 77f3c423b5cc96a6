"""tree: a commit's chart written from git's objects, within a chart's limits."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from koku_gap.history import tree as tree_module
from koku_gap.history.tree import TreeRefused, check_tree, export_tree
from tests.history.helpers import ChartRepo, chart


@pytest.fixture
def repo(tmp_path: Path) -> ChartRepo:
    repo = ChartRepo(tmp_path / "repo")
    repo.commit("chart", chart())
    return repo


def test_the_tree_is_written_as_committed(repo: ChartRepo, tmp_path: Path) -> None:
    export_tree(repo.root, repo.tree("HEAD", "kiosk"), tmp_path / "out" / "kiosk", 1 << 20)
    written = sorted(
        p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file()
    )
    assert written == [
        "kiosk/Chart.yaml",
        "kiosk/README.md",
        "kiosk/templates/api.yaml",
        "kiosk/templates/listener.yaml",
        "kiosk/values.yaml",
    ]


def test_a_file_over_the_byte_limit_is_refused(repo: ChartRepo, tmp_path: Path) -> None:
    with pytest.raises(TreeRefused, match=r"templates/api\.yaml is [0-9]+ bytes, over the 100-byte limit"):
        export_tree(repo.root, repo.tree("HEAD", "kiosk"), tmp_path / "out", 100)
    assert not (tmp_path / "out").exists()  # checked before anything is written


def test_too_many_entries_are_refused(repo: ChartRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tree_module, "MAX_CHART_ENTRIES", 3)
    with pytest.raises(TreeRefused, match="holds 6 entries, more than 3"):
        check_tree(repo.root, repo.tree("HEAD", "kiosk"), 1 << 20)


@pytest.mark.parametrize("pointed", ["/etc/passwd", "../../outside.yaml", "../.."])
def test_a_link_out_of_the_chart_is_refused(tmp_path: Path, pointed: str) -> None:
    repo = ChartRepo(tmp_path / "repo")
    (tmp_path / "repo" / "kiosk" / "templates").mkdir(parents=True)
    os.symlink(pointed, tmp_path / "repo" / "kiosk" / "templates" / "secret.yaml")
    repo.commit("link", chart())
    message = f"templates/secret.yaml: a symbolic link that leads outside the chart ({pointed}): refused"
    with pytest.raises(TreeRefused, match=re.escape(message)):
        export_tree(repo.root, repo.tree("HEAD", "kiosk"), tmp_path / "out" / "kiosk", 1 << 20)


def test_links_inside_and_executables_are_written_as_committed(tmp_path: Path) -> None:
    repo = ChartRepo(tmp_path / "repo")
    (tmp_path / "repo" / "kiosk" / "templates").mkdir(parents=True)
    os.symlink("../values.yaml", tmp_path / "repo" / "kiosk" / "templates" / "same.yaml")
    script = tmp_path / "repo" / "kiosk" / "run.sh"
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o755)
    repo.commit("link", chart())
    out = tmp_path / "out" / "kiosk"
    export_tree(repo.root, repo.tree("HEAD", "kiosk"), out, 1 << 20)
    assert os.readlink(out / "templates" / "same.yaml") == "../values.yaml"
    assert (out / "templates" / "same.yaml").read_text(encoding="utf-8") == (out / "values.yaml").read_text(
        encoding="utf-8"
    )
    assert os.access(out / "run.sh", os.X_OK) and not os.access(out / "values.yaml", os.X_OK)
