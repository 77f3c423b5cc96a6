"""The commits to analyse and each one's chart tree, read from git's objects (never the work tree).

The walk is the first-parent line of ``HEAD`` (or of a range's end), oldest first: on a main branch
that merges pull requests, the line of merges, each one a state the branch was in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from koku_gap.history.git import GitFailed, git
from koku_gap.model.errors import SETTING, InputError, Setting

MAX_COMMITS = 100_000  # commits one walk covers; a busy repository's main has a few thousand a year


@dataclass(frozen=True)
class Commit:
    """A commit of the walk: what the history records of it besides its analysis."""

    sha: str
    date: datetime  # the committer date, with its offset: the day the commit reached the branch
    subject: str


@dataclass(frozen=True)
class ChartAt:
    """The chart directory found at a commit: the first of the given paths present there."""

    path: str
    tree: str  # the tree object's id: the same id is the same chart, byte for byte


def open_repository(repo: str | Path) -> None:
    """Refuse what is not a git repository (InputError naming it)."""
    if not Path(repo).is_dir():
        raise InputError(str(repo), None, "not a git repository: no such directory")
    try:
        git(repo, "rev-parse", "--git-dir")
    except GitFailed as exc:
        raise InputError(str(repo), None, f"not a git repository ({exc.first_line})") from None


def resolve(repo: str | Path, rev: str, setting: Setting) -> str:
    """The commit id ``rev`` names; InputError naming the setting when it names none."""
    if not rev or rev.startswith("-"):
        raise InputError(str(repo), None, f"{SETTING}: {rev!r} is not a revision", setting=setting)
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").strip()
    except GitFailed:
        raise InputError(
            str(repo), None, f"{SETTING}: {rev!r} does not resolve to a commit", setting=setting
        ) from None


def revisions(repo: str | Path, rev_range: str | None) -> list[str]:
    """``git log``'s revision arguments for a range ``A..B`` (either end may be left out: ``HEAD``),
    each end resolved first, so a typo is named before anything is walked."""
    setting = Setting("rev_range")
    if rev_range is None:
        try:
            return [resolve(repo, "HEAD", setting)]
        except InputError:
            raise InputError(
                str(repo), None, "the repository has no commits (HEAD resolves to none)"
            ) from None
    start, dots, end = rev_range.partition("..")
    if not dots or end.startswith("."):
        raise InputError(
            str(repo), None, f"{SETTING}: expected A..B (two dots), got {rev_range!r}", setting=setting
        )
    return [resolve(repo, end or "HEAD", setting), f"^{resolve(repo, start or 'HEAD', setting)}"]


def first_parent_commits(
    repo: str | Path, rev_range: str | None = None, since: date | None = None
) -> list[Commit]:
    """The first-parent commits of the range (default: all of ``HEAD``'s), oldest first; with ``since``
    only those committed on or after that day (in the committer's own time zone)."""
    args = revisions(repo, rev_range)
    text = git(
        repo,
        "log",
        "--first-parent",
        "--reverse",
        "-z",
        f"--max-count={MAX_COMMITS + 1}",
        "--format=%H%n%cI%n%s",
        *args,
        "--",
    )
    commits: list[Commit] = []
    for record in text.split("\0"):
        if not record.strip("\n"):
            continue
        sha, when, subject = [*record.lstrip("\n").split("\n", 2), "", ""][:3]
        commits.append(Commit(sha=sha, date=datetime.fromisoformat(when), subject=subject))
    if len(commits) > MAX_COMMITS:
        raise InputError(
            str(repo), None, f"the range holds more than {MAX_COMMITS} commits: give a shorter one"
        )
    if since is not None:
        commits = [c for c in commits if c.date.date() >= since]
    return commits


def normalized(path: str) -> str:
    """A chart path as git names it in a tree: relative, ``/``-separated, no ``./`` or trailing ``/``
    (``.`` is the repository's root)."""
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    return "/".join(parts) or "."


def charts_at(repo: str | Path, commits: Sequence[Commit], paths: Sequence[str]) -> list[ChartAt | None]:
    """For each commit, the first of ``paths`` that is a directory there, with its tree id (None: none
    is). One ``git cat-file --batch-check`` answers every (commit, path) pair."""
    wanted = [normalized(p) for p in paths]
    if not commits or not wanted:
        return [None for _ in commits]
    queries = [f"{c.sha}^{{tree}}" if p == "." else f"{c.sha}:{p}" for c in commits for p in wanted]
    if any("\n" in q for q in queries):
        raise InputError(
            str(repo), None, f"{SETTING}: a path holds a line break", setting=Setting("chart_paths")
        )
    answers = git(
        repo, "cat-file", "--batch-check=%(objectname) %(objecttype)", stdin="\n".join(queries) + "\n"
    )
    lines = answers.splitlines()
    if len(lines) != len(queries):
        raise InputError(str(repo), None, f"git cat-file answered {len(lines)} of {len(queries)} questions")
    found: list[ChartAt | None] = []
    for index in range(len(commits)):
        chart: ChartAt | None = None
        for offset, path in enumerate(wanted):
            fields = lines[index * len(wanted) + offset].split()
            if len(fields) == 2 and fields[1] == "tree":
                chart = ChartAt(path=path, tree=fields[0])
                break
        found.append(chart)
    return found
