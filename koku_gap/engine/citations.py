"""The policy's citations checked against the application's own source.

A policy reason that cites ``tasks.py:761`` is only as good as that line: code moves, and a reason
written for one version is read against the next. Given the source tree of an app, every citation of
that app is looked up: the file exists, the line exists and, when the citation quotes it, reads the
same (stripped). Anything else is a ``stale-evidence`` warning at the citation's own line in the policy,
naming the line of code and, when the quoted text moved, where it is now. A citation pinned to a
``commit`` is checked only against a source of that commit (told by the caller or by the checkout's
``.git``): against another version its line numbers mean nothing, and against a tree of unknown
version it is counted, once, as unchecked.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from koku_gap.engine.policy import Policy
from koku_gap.model.location import Notice
from koku_gap.model.report import Citation
from koku_gap.sources.appsource.files import MAX_BYTES, SourceFile, read_tree

SHORTEST_COMMIT = 7  # git's own shortest abbreviation: shorter prefixes are not compared


@dataclass(frozen=True)
class AppSourceDir:
    """The source checkout of one ClowdApp app, and its commit when known."""

    app: str
    root: Path
    commit: str | None = None
    files: tuple[SourceFile, ...] = field(default=(), repr=False, compare=False)  # its .py files, read


def same_commit(one: str, other: str) -> bool:
    """Whether two commit ids name the same commit: equal, or one abbreviates the other."""
    a, b = one.lower(), other.lower()
    return min(len(a), len(b)) >= SHORTEST_COMMIT and (a.startswith(b) or b.startswith(a))


class _NotGitMetadata(Exception):
    """A ``.git`` file that is not what git writes: too large, or not a regular file."""


def _git_text(path: Path) -> str:
    """A git metadata file's text, stripped: a few dozen bytes (``HEAD``, a ref) up to a packed-refs
    list, never more than ``MAX_BYTES`` and never a device or FIFO a stranger's checkout links to."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO opened so does not wait for a writer
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _NotGitMetadata(str(path))
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _NotGitMetadata(str(path))
    return data.decode("utf-8").strip()


def checkout_commit(root: Path) -> str | None:
    """The commit a git checkout at ``root`` has out (``.git`` a directory or a worktree's file), or
    None: a tarball's tree, or metadata this does not read."""
    git = root / ".git"
    try:
        if git.is_file():
            line = _git_text(git)
            if not line.startswith("gitdir:"):
                return None
            git = (root / line.removeprefix("gitdir:").strip()).resolve()
        head = _git_text(git / "HEAD")
        if not head.startswith("ref:"):
            return head or None
        ref = head.removeprefix("ref:").strip()
        common = git
        if (git / "commondir").is_file():  # a worktree keeps its branches in the main repository
            common = (git / _git_text(git / "commondir")).resolve()
        for base in (git, common):
            if (base / ref).is_file():
                return _git_text(base / ref) or None
        for base in (git, common):
            packed = base / "packed-refs"
            if packed.is_file():
                for entry in _git_text(packed).splitlines():
                    sha, _, name = entry.partition(" ")
                    if name == ref:
                        return sha
    except (OSError, UnicodeDecodeError, _NotGitMetadata):
        return None
    return None


def open_source(app: str, root: str | os.PathLike[str], commit: str | None = None) -> AppSourceDir:
    """An app's source checkout, read as the source loader reads it (InputError: missing, unreadable,
    not a directory, a link out of it, too large), with its commit: the one given, else the checkout's."""
    path = Path(root)
    files = read_tree(path)  # the loader's own checks and read: the same refusals, the tree read once
    return AppSourceDir(app=app, root=path, commit=commit or checkout_commit(path), files=tuple(files))


def stale_citations(policy: Policy, sources: Sequence[AppSourceDir], apps: Collection[str]) -> list[Notice]:
    """A ``stale-evidence`` warning for each citation of an app in ``sources`` that its source does not
    bear out, and one ``evidence-unchecked`` note per source whose commit is unknown while citations of
    that app are pinned to commits. A citation without ``app`` is the only app's, when ``apps`` is one."""
    only = next(iter(apps)) if len(apps) == 1 else None
    by_app = {s.app: s for s in sources}
    lines = _Lines()
    notes: list[Notice] = []
    unchecked: dict[str, int] = {}
    for where, citation in policy.citations():
        source = by_app.get(citation.app or only or "")
        if source is None:
            continue
        if citation.commit is not None:
            if source.commit is None:
                unchecked[source.app] = unchecked.get(source.app, 0) + 1
                continue
            if not same_commit(citation.commit, source.commit):
                continue  # about another version of the app
        problem = _problem(citation, lines.of(source.root, citation.file))
        if problem is not None:
            file, line = policy.citation_origin(citation)
            message = f"policy {where} cites {citation.file}:{citation.line} of {source.app}: {problem}"
            notes.append(Notice(code="stale-evidence", message=message, file=file, line=line))
    for app, count in unchecked.items():
        source = by_app[app]
        message = (
            f"{count} policy citation(s) of {app} name a commit, and the commit of its source "
            f"({source.root}) is unknown: not checked (name it as {app}@COMMIT)"
        )
        notes.append(Notice(code="evidence-unchecked", message=message, file=str(source.root)))
    return notes


def _problem(citation: Citation, lines: list[str] | None) -> str | None:
    """What is wrong with ``citation`` against the file's ``lines`` (None: no such file), or None."""
    if lines is None:
        return "no such file in the source"
    quoted = " ".join(citation.text.split()) if citation.text is not None else None
    actual = " ".join(lines[citation.line - 1].split()) if citation.line <= len(lines) else None
    if quoted is None:
        return None if actual is not None else f"the file has {len(lines)} lines"
    if actual == quoted:
        return None
    moved = [n for n, text in enumerate(lines, 1) if " ".join(text.split()) == quoted]
    length = f"the file has {len(lines)} lines"
    read = f"line {citation.line} reads {actual!r}" if actual is not None else length
    if moved:
        return f"{read}; the quoted text is now at {citation.file}:{', '.join(map(str, moved[:3]))}"
    return f"{read}; the quoted text is nowhere in the file"


class _Lines:
    """Each cited file read once, never outside its source root, at most ``MAX_BYTES``."""

    def __init__(self) -> None:
        self._read: dict[tuple[Path, str], list[str] | None] = {}

    def of(self, root: Path, file: str) -> list[str] | None:
        key = (root, file)
        if key not in self._read:
            self._read[key] = _read_lines(root, file)
        return self._read[key]


def _read_lines(root: Path, file: str) -> list[str] | None:
    real_root = root.resolve()
    path = (real_root / file).resolve()
    if real_root not in path.parents or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_BYTES:
        return None
    return data.decode("utf-8", "replace").splitlines()
