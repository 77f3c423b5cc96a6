"""A chart tree of some commit, written to a scratch directory from git's objects.

The tree is checked against the limits a chart on disk is held to (``MAX_CHART_ENTRIES`` entries,
each file within the byte budget) before a byte of it is written, then streamed through
``git archive`` into ``tarfile`` with its ``data`` filter (no absolute paths, nothing outside the
directory, no devices); links within the chart are Helm's to follow, as on disk.
"""

from __future__ import annotations

import tarfile
import tempfile
from pathlib import Path

from koku_gap.history.git import TIMEOUT, GitFailed, git
from koku_gap.sources.helm.chart_files import MAX_CHART_ENTRIES

SUBMODULE = "commit"  # a gitlink: another repository's commit, which git archive leaves empty


class TreeRefused(Exception):
    """The tree is over a limit or cannot be written: the commit is not analysed (one line why)."""


def check_tree(repo: str | Path, tree: str, max_bytes: int) -> int:
    """The number of entries in ``tree`` (``git ls-tree -r -t -l``), refusing one over the limits."""
    listing = git(repo, "ls-tree", "-r", "-t", "-l", "-z", tree)
    entries = [e for e in listing.split("\0") if e]
    if len(entries) > MAX_CHART_ENTRIES:
        raise TreeRefused(f"the chart holds {len(entries)} entries, more than {MAX_CHART_ENTRIES}")
    for entry in entries:
        meta, _, name = entry.partition("\t")
        fields = meta.split()
        if len(fields) == 4 and fields[3].isdigit() and int(fields[3]) > max_bytes:
            raise TreeRefused(f"{name} is {fields[3]} bytes, over the {max_bytes}-byte limit")
    return len(entries)


def export_tree(repo: str | Path, tree: str, destination: Path, max_bytes: int) -> None:
    """Write ``tree``'s files under ``destination`` (created), within the limits (``TreeRefused``)."""
    check_tree(repo, tree, max_bytes)
    destination.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=destination.parent) as archive:
        try:
            git(repo, "archive", "--format=tar", tree, stdout=archive, timeout=TIMEOUT)
        except GitFailed as exc:
            raise TreeRefused(f"git archive failed: {exc}") from None
        archive.seek(0)
        try:
            with tarfile.open(fileobj=archive, mode="r:") as tar:
                tar.extractall(destination, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise TreeRefused(f"cannot write the chart's files: {exc}") from None
