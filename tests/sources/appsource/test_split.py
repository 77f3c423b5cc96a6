"""Two processes reading one tree find what one does, byte for byte, and any failure of the second one
makes the first read alone."""

from __future__ import annotations

import os
import tarfile
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from koku_gap.model.evidence import AppSource
from koku_gap.sources.appsource import load_app_source, reading, split
from koku_gap.sources.appsource.files import SourceFile, read_tree
from koku_gap.sources.appsource.index import ModuleInfo
from koku_gap.sources.appsource.reading import Share
from tests.sources.appsource.conftest import APPS, QUEUES, SHOP
from tests.sources.appsource.test_loader import CELERYISH

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the split needs fork")


def both(root: Path, include_tests: bool = True) -> tuple[str, str]:
    one = load_app_source(root, cache=False, include_tests=include_tests, workers=1)
    two = load_app_source(root, cache=False, include_tests=include_tests, workers=2)
    return one.model_dump_json(), two.model_dump_json()


@pytest.mark.parametrize("app", [SHOP, QUEUES, APPS / "broken", APPS / "paths"], ids=lambda p: p.name)
def test_two_processes_find_what_one_does(app: Path) -> None:
    one, two = both(app)
    assert one == two


def test_two_processes_find_what_one_does_on_koku(corpus: Path, tmp_path: Path) -> None:
    with tarfile.open(corpus / "app-src" / "koku-f6cc00b31.tar.gz") as archive:
        archive.extractall(tmp_path, filter="data")
    one, two = both(tmp_path / "koku-f6cc00b31", include_tests=False)
    assert one == two and '"beats":[{' in one


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a.py", "b.py", "pkg/__init__.py", "pkg/c.py"]),
                          st.lists(st.sampled_from(CELERYISH), max_size=6)), max_size=4))  # fmt: skip
def test_any_split_of_the_patterns_finds_what_one_process_does(files: list[tuple[str, list[str]]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for name, lines in files:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text("".join(lines))
        one, two = both(root)
        assert one == two


def _failing_in_the_child(monkeypatch: pytest.MonkeyPatch, fail: str) -> None:
    real = reading.read_files

    def read_files(
        files: Sequence[SourceFile], key: str, own: Sequence[int], share: Share, parsed: dict[int, ModuleInfo]
    ) -> AppSource | None:
        if isinstance(share, split.Pair) and share.child:
            if fail == "raise":
                raise RuntimeError("a bug in the child")
            os._exit(9)  # killed: no word to the parent, the pipe just closes
        return real(files, key, own, share, parsed)

    monkeypatch.setattr(split, "read_files", read_files)


@pytest.mark.parametrize("fail", ["raise", "exit"])
def test_a_child_that_fails_leaves_the_parent_to_read_alone(
    monkeypatch: pytest.MonkeyPatch, fail: str
) -> None:
    expected = load_app_source(SHOP, cache=False, workers=1)
    files = read_tree(SHOP)
    _failing_in_the_child(monkeypatch, fail)
    assert split.read_in_two(files, expected.digest) is None
    assert load_app_source(SHOP, cache=False, workers=2) == expected


def test_a_tree_is_split_only_when_it_is_worth_it(monkeypatch: pytest.MonkeyPatch) -> None:
    small = read_tree(SHOP)
    large = [SourceFile("big.py", "big", False, b"x = 1\n" * (split.SPLIT_BYTES // 6 + 1))]
    assert split.worth_splitting(small, 2) and not split.worth_splitting(large, 1)
    assert not split.worth_splitting(small, None)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert split.worth_splitting(large, None)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert not split.worth_splitting(large, None)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not split.worth_splitting(large, None)  # a fork would copy another thread's locks
    finally:
        stop.set()
        other.join()


def test_workers_other_than_one_or_two_are_refused() -> None:
    with pytest.raises(ValueError, match="workers must be 1, 2 or None"):
        load_app_source(SHOP, cache=False, workers=3)


def test_the_halves_share_out_every_file_once_by_bytes() -> None:
    files = [SourceFile(f"m{i}.py", f"m{i}", False, b"#" * size) for i, size in enumerate([9, 1, 5, 5, 3, 2])]
    mine, theirs = split.halves(files)
    assert sorted(mine + theirs) == list(range(6)) and mine == sorted(mine) and theirs == sorted(theirs)
    weight = [sum(len(files[i].data) for i in side) for side in (mine, theirs)]
    assert abs(weight[0] - weight[1]) <= max(len(f.data) for f in files)
