"""The ``.py`` files of a source tree, within a budget, never outside the tree.

A source checkout comes from a stranger as much as a chart does: a link may point at ``/etc``, a tree may
hold a million files. Every file is read once here (its bytes feed both the content hash and the parser);
a symbolic link that leaves the root is refused, one that stays inside is skipped (its target is read
under its own path, once). Module names follow Python's packages: a file's module is its path from the
nearest directory above it that is not a package (has no ``__init__.py``), so a repository root, a
``src/`` layout and a Django project directory all give the names the code imports.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from koku_gap.model.errors import InputError

MAX_FILES = 5_000  # a large Django service has about 1,000 .py files, two thirds outside its tests
MAX_BYTES = 64 * 1024 * 1024  # and about 11 MB of them
SKIPPED_DIRS = frozenset({"__pycache__", "node_modules", "site-packages"})
TEST_DIRS = frozenset({"test", "tests", "testing"})


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the root, with "/"
    module: str
    package: bool  # an __init__.py: relative imports start at its own module
    data: bytes


def is_test_path(rel: str) -> bool:
    """Test code sends tasks and reads settings too, but no deployed process runs it."""
    parts = rel.split("/")
    name = parts[-1]
    return (
        any(part in TEST_DIRS for part in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def read_tree(
    root: Path, *, max_files: int = MAX_FILES, max_bytes: int = MAX_BYTES, include_tests: bool = False
) -> list[SourceFile]:
    """The ``.py`` files under ``root`` in path order. InputError: ``root`` missing or unreadable, a link
    out of it, more than ``max_files`` files or ``max_bytes`` bytes."""
    try:
        real_root = root.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise InputError(str(root), None, f"application source directory cannot be read: {exc}") from None
    if not real_root.is_dir():
        raise InputError(str(root), None, "application source is not a directory")
    paths = _python_files(root, real_root, include_tests)
    if len(paths) > max_files:
        raise InputError(
            str(root), None, f"more than {max_files} Python files: too many to analyse (raise max_files)"
        )
    packages = {rel.rsplit("/", 1)[0] if "/" in rel else "" for rel in paths if rel.endswith("__init__.py")}
    files: list[SourceFile] = []
    total = 0
    top = str(real_root)
    for rel in paths:
        try:
            with open(
                os.path.join(top, rel), "rb"
            ) as handle:  # never more than the budget left, plus one byte
                data = handle.read(max_bytes - total + 1)
        except OSError as exc:
            raise InputError(f"{root}/{rel}", None, f"cannot be read: {exc.strerror or exc}") from None
        total += len(data)
        if total > max_bytes:
            raise InputError(
                str(root),
                None,
                f"more than {max_bytes} bytes of Python: too much to analyse (raise max_bytes)",
            )
        module, package = module_name(rel, packages)
        files.append(SourceFile(rel, module, package, data))
    return files


def _python_files(root: Path, real_root: Path, include_tests: bool) -> list[str]:
    found: list[str] = []

    def refuse_if_outside(entry: os.DirEntry[str], rel: str) -> bool:
        """True for a link to skip; InputError for one that leaves the root."""
        if not entry.is_symlink():
            return False
        target = Path(os.path.realpath(entry.path))
        if target != real_root and real_root not in target.parents:
            raise InputError(
                f"{root}/{rel}", None, "symbolic link out of the application source: not followed"
            )
        return True

    def failed(exc: OSError) -> NoReturn:
        raise InputError(exc.filename or str(root), None, f"cannot be read: {exc.strerror or exc}")

    def walk(directory: str, prefix: str) -> None:
        """As ``os.walk`` top-down would, but from each entry's own type (a directory entry says whether
        it is a link): this directory's links first, then its subdirectories in name order."""
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as exc:
            failed(exc)
        dirs: list[os.DirEntry[str]] = []
        names: list[os.DirEntry[str]] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()  # a link to a directory is one, as for os.walk
            except OSError:
                is_dir = False
            (dirs if is_dir else names).append(entry)
        keep = []
        for entry in sorted(dirs, key=_name):
            if entry.name.startswith(".") or entry.name in SKIPPED_DIRS:
                continue
            if not refuse_if_outside(entry, prefix + entry.name):
                keep.append(entry)
        for entry in sorted(names, key=_name):
            if not entry.name.endswith(".py"):
                continue
            rel = prefix + entry.name
            if refuse_if_outside(entry, rel):
                continue
            if include_tests or not is_test_path(rel):
                found.append(rel)
        for entry in keep:
            walk(entry.path, f"{prefix}{entry.name}/")

    walk(str(real_root), "")
    return sorted(found)


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def module_name(rel: str, packages: set[str]) -> tuple[str, bool]:
    """``(dotted module, is a package)`` for the file at ``rel`` given the directories that are packages."""
    parts = rel[: -len(".py")].split("/")
    package = parts[-1] == "__init__"
    if package:
        parts.pop()
    if not parts:  # the root itself is a package: its __init__ has no name of its own to import it by
        return "__init__", True
    start = len(parts) if package else len(parts) - 1
    while start > 0 and "/".join(parts[:start]) in packages:  # climb while the directory is a package
        start -= 1
    return ".".join(parts[start:]), package


def digest(files: list[SourceFile], options: str) -> str:
    """The content hash: analysis version and options, every relative path and its bytes."""
    sha = hashlib.sha256(options.encode())
    for file in files:
        sha.update(b"\0" + file.path.encode("utf-8", "surrogateescape") + b"\0")
        sha.update(len(file.data).to_bytes(8, "big"))
        sha.update(file.data)
    return sha.hexdigest()
