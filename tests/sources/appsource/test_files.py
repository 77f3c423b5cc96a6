from __future__ import annotations

import os
from pathlib import Path

import pytest

from koku_gap.model.errors import InputError
from koku_gap.sources.appsource.files import digest, is_test_path, module_name, read_tree
from tests.sources.appsource.conftest import SHOP


def test_module_names_follow_the_packages_not_the_directories() -> None:
    packages = {"koku/masu", "koku/masu/processor"}
    assert module_name("koku/masu/processor/tasks.py", packages) == ("masu.processor.tasks", False)
    assert module_name("koku/masu/__init__.py", packages) == ("masu", True)
    assert module_name("koku/manage.py", packages) == ("manage", False)
    assert module_name("script.py", set()) == ("script", False)


def test_tests_are_left_out_unless_asked_for() -> None:
    assert is_test_path("orders/tests/test_orders.py")
    assert is_test_path("pkg/test_x.py") and is_test_path("conftest.py") and is_test_path("a/x_test.py")
    assert not is_test_path("orders/tasks.py") and not is_test_path("contest.py")
    default = [f.path for f in read_tree(SHOP)]
    assert "orders/tests/test_orders.py" not in default
    assert "orders/tests/test_orders.py" in [f.path for f in read_tree(SHOP, include_tests=True)]
    assert default == sorted(default)


def test_missing_and_not_a_directory_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        read_tree(tmp_path / "absent")
    (tmp_path / "file.py").write_text("x = 1\n")
    with pytest.raises(InputError, match="not a directory"):
        read_tree(tmp_path / "file.py")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every directory")
def test_an_unreadable_directory_is_an_input_error(tmp_path: Path) -> None:
    locked = tmp_path / "pkg"
    locked.mkdir()
    (locked / "a.py").write_text("x = 1\n")
    locked.chmod(0o000)
    try:
        with pytest.raises(InputError):
            read_tree(tmp_path)
    finally:
        locked.chmod(0o755)


def test_a_link_out_of_the_tree_is_refused_and_one_inside_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    (root / "a.py").write_text("x = 1\n")
    (root / "alias.py").symlink_to(root / "a.py")
    assert [f.path for f in read_tree(root)] == ["a.py"]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("KEY = 1\n")
    (root / "escape").symlink_to(outside)
    with pytest.raises(InputError, match="symbolic link out of the application source") as caught:
        read_tree(root)
    assert caught.value.file.endswith("escape")
    (root / "escape").unlink()
    (root / "one.py").symlink_to(outside / "secret.py")
    with pytest.raises(InputError, match="symbolic link out"):
        read_tree(root)


def test_the_budget_counts_files_and_bytes(tmp_path: Path) -> None:
    for n in range(3):
        (tmp_path / f"m{n}.py").write_text("x = 1\n" * 10)
    assert len(read_tree(tmp_path, max_files=3)) == 3
    with pytest.raises(InputError, match="more than 2 Python files"):
        read_tree(tmp_path, max_files=2)
    with pytest.raises(InputError, match="more than 100 bytes"):
        read_tree(tmp_path, max_bytes=100)


def test_the_digest_changes_with_a_path_a_byte_or_the_options(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    first = digest(read_tree(tmp_path), "v1")
    assert digest(read_tree(tmp_path), "v1") == first
    assert digest(read_tree(tmp_path), "v2") != first
    (tmp_path / "a.py").write_text("x = 2\n")
    assert digest(read_tree(tmp_path), "v1") != first
    (tmp_path / "a.py").rename(tmp_path / "b.py")
    assert digest(read_tree(tmp_path), "v1") not in (first,)


def test_a_file_that_cannot_be_read_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    real = open

    def refuse(path: object, *args: object, **kwargs: object) -> object:
        if Path(str(path)).name == "a.py":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", refuse)
    with pytest.raises(InputError, match=r"a\.py: cannot be read: Permission denied"):
        read_tree(tmp_path)


def test_a_directory_the_walk_cannot_list_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.py").write_text("x = 1\n")
    real_scandir = os.scandir

    def failing_scandir(path: str) -> object:  # what root, who reads every directory, never sees
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", failing_scandir)
    with pytest.raises(InputError, match="locked: cannot be read: Permission denied"):
        read_tree(tmp_path)


def test_a_file_past_the_byte_budget_is_refused_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sparse 200 MB file under a 1,000-byte budget: refused, and at most the budget and a byte read."""
    (tmp_path / "small.py").write_text("x = 1\n")
    with (tmp_path / "big.py").open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    asked: list[int] = []
    real_open = open

    def counting_open(path: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        handle = real_open(path, mode, *args, **kwargs)  # type: ignore[call-overload]
        if "b" in mode:
            read = handle.read

            def counted(size: int = -1) -> bytes:
                asked.append(size)
                return bytes(read(size))

            handle.read = counted
        return handle

    monkeypatch.setattr("builtins.open", counting_open)
    with pytest.raises(InputError, match="more than 1000 bytes"):
        read_tree(tmp_path, max_bytes=1000)
    assert asked and all(0 <= size <= 1001 for size in asked)
