"""Fixtures shared by the policy tests that read the real corpus."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def koku_trees(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """koku's source at each commit the bundled policy cites, unpacked once per test session from the
    corpus tarballs (read-only: the trees live in the session's temporary directory)."""
    sources = corpus / "app-src"
    if not sources.is_dir():
        pytest.skip(f"no application sources at {sources}")
    root = tmp_path_factory.mktemp("koku-src")
    trees = {}
    for commit in ("f6cc00b31", "4b5f85cf6"):
        with tarfile.open(sources / f"koku-{commit}.tar.gz") as archive:
            archive.extractall(root, filter="data")
        trees[commit] = root / f"koku-{commit}"
    return trees
