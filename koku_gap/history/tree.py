"""A chart tree of some commit, written to a scratch directory from git's objects.

The tree is listed first (``git ls-tree``) and checked against the limits a chart on disk is held to
(``MAX_CHART_ENTRIES`` entries, each file within the byte budget, and all of it within what one git
command may print); then every file is read in one ``git cat-file --batch`` and written by us: regular
files, and links that stay inside the chart (a link out of it, an absolute or ``..`` path are
refused, as ``refuse_outside_links`` refuses them on disk). Submodules are left out, as
``git archive`` leaves them.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

from koku_gap.history.git import MAX_OUTPUT, GitFailed, git, git_bytes
from koku_gap.sources.helm.chart_files import MAX_CHART_ENTRIES

LINK, EXECUTABLE = "120000", "100755"


class TreeRefused(Exception):
    """The tree is over a limit or cannot be written: the commit is not analysed (one line why)."""


@dataclass(frozen=True)
class Entry:
    mode: str
    kind: str  # blob, tree, commit (a submodule)
    oid: str
    size: int
    path: str  # relative to the tree, /-separated


def check_tree(repo: str | Path, tree: str, max_bytes: int) -> list[Entry]:
    """Every entry of ``tree`` (``git ls-tree -r -t -l``), refusing a tree over the limits."""
    listing = git(repo, "ls-tree", "-r", "-t", "-l", "-z", tree)
    raw = [e for e in listing.split("\0") if e]
    if len(raw) > MAX_CHART_ENTRIES:
        raise TreeRefused(f"the chart holds {len(raw)} entries, more than {MAX_CHART_ENTRIES}")
    entries: list[Entry] = []
    for line in raw:
        meta, _, path = line.partition("\t")
        mode, kind, oid, size = [*meta.split(), "", "", "", ""][:4]
        entry = Entry(mode, kind, oid, int(size) if size.isdigit() else 0, path)
        if entry.size > max_bytes:
            raise TreeRefused(f"{path} is {entry.size} bytes, over the {max_bytes}-byte limit")
        if path.startswith("/") or ".." in path.split("/"):
            raise TreeRefused(f"{path!r}: not a path inside the chart")
        entries.append(entry)
    total = sum(e.size for e in entries)
    if total > MAX_OUTPUT:
        raise TreeRefused(f"the chart's files are {total} bytes, over the {MAX_OUTPUT}-byte limit")
    return entries


def export_tree(repo: str | Path, tree: str, destination: Path, max_bytes: int) -> None:
    """Write ``tree``'s files under ``destination`` (created), within the limits (``TreeRefused``)."""
    entries = check_tree(repo, tree, max_bytes)
    blobs = [e for e in entries if e.kind == "blob"]
    contents = _contents(repo, blobs)
    destination.mkdir(parents=True, exist_ok=True)
    try:
        for entry in entries:
            if entry.kind == "tree":
                (destination / entry.path).mkdir(parents=True, exist_ok=True)
        for entry, data in zip(blobs, contents, strict=True):
            target = destination / entry.path
            target.parent.mkdir(parents=True, exist_ok=True)
            if entry.mode == LINK:
                _link(target, entry.path, data)
            else:
                target.write_bytes(data)
                if entry.mode == EXECUTABLE:
                    target.chmod(0o755)
    except OSError as exc:
        raise TreeRefused(f"cannot write the chart's files: {exc.strerror or exc}") from None


def _contents(repo: str | Path, blobs: list[Entry]) -> list[bytes]:
    """Each blob's bytes, from one ``git cat-file --batch``: ``<oid> blob <size>\\n<data>\\n`` each."""
    if not blobs:
        return []
    bound = sum(b.size for b in blobs) + 100 * len(blobs)
    try:
        out = git_bytes(
            repo, "cat-file", "--batch", stdin="".join(f"{b.oid}\n" for b in blobs), max_output=bound
        )
    except GitFailed as exc:
        raise TreeRefused(f"git cat-file failed: {exc}") from None
    found: list[bytes] = []
    at = 0
    for blob in blobs:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3 or header[1] != b"blob" or int(header[2]) != blob.size:
            raise TreeRefused(f"git cat-file gave {out[at:end]!r} for {blob.path}")
        found.append(out[end + 1 : end + 1 + blob.size])
        at = end + 1 + blob.size + 1
    return found


def _link(target: Path, path: str, data: bytes) -> None:
    """A symbolic link as committed, if it stays inside the chart."""
    pointed = data.decode("utf-8", "surrogateescape")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), pointed))
    if pointed.startswith("/") or resolved == ".." or resolved.startswith("../"):
        raise TreeRefused(f"{path}: a symbolic link that leads outside the chart ({pointed}): refused")
    os.symlink(pointed, target)
