"""``--compare-ref REF``: the chart's directory as REF had it, analysed as the run's own chart is, and
what the run's report opens, closes and changes against it (``model/delta.py``).

The chart at REF comes from git's objects, never the work tree: the directory's tree at REF is found
as ``history`` finds a commit's (``walk.charts_at``), written and analysed by its ``Analyser`` (the
same ClowdApps, parameters, values and policy as the run), and compared row by row with its
``deltas``. A path REF does not have, or a chart REF has that does not render, leaves nothing to
compare with: every gap then counts as opened, and the delta says why. A chart directory that is not
in a git repository, a REF that names no commit, and a path no commit has ever had are bad input.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path

from koku_gap.history.analyse import Analyser, ChartOptions, Job, row_gaps
from koku_gap.history.delta import RowGaps, deltas
from koku_gap.history.git import GitFailed, git
from koku_gap.history.walk import Commit, charts_at, normalized, open_repository, resolve
from koku_gap.model.delta import Delta
from koku_gap.model.errors import SETTING, InputError, Setting
from koku_gap.model.report import Report
from koku_gap.model.vocabulary import PRIORITIES, Priority
from koku_gap.sources.helm.spec import ChartSpec, Renderer
from koku_gap.yaml.limits import MAX_WORKLOADS
from koku_gap.yaml.loader import DEFAULT_MAX_BYTES

SETTING_OF_REF = Setting("compare_ref")


def delta_at(
    report: Report,
    ref: str,
    chart: ChartSpec,
    clowdapps: list[str],
    *,
    params: Mapping[str, str] | None = None,
    policy: str | None = None,
    renderer: Renderer = "auto",
    skip_failing_templates: bool = False,
    app_sources: Mapping[str, str] | str | None = None,
    today: date | None = None,
    max_bytes: int | None = None,
    max_workloads: int = MAX_WORKLOADS,
    word: Callable[[Setting], str] = str,
) -> Delta:
    """What ``report`` (the analysis of ``chart``, a directory in a git work tree) opens, closes and
    changes against the same directory at ``ref``, analysed with the same inputs and options."""
    directory = Path(os.path.realpath(chart.path))
    if not directory.is_dir():
        raise InputError(
            str(chart.path),
            None,
            f"{SETTING} needs a chart directory in a git work tree",
            setting=SETTING_OF_REF,
        )
    repo, path = locate(directory)
    sha = resolve(repo, ref, SETTING_OF_REF)
    commit = _commit(repo, sha)
    [found] = charts_at(repo, [commit], [path])
    base = {"ref": ref, "commit": sha, "subject": commit.subject, "chart_path": path}
    now = row_gaps(report)
    if found is None:
        if not _ever_committed(repo, path):
            raise InputError(
                str(chart.path),
                None,
                f"{SETTING}: no commit of the repository has the chart directory {path} (commit it first)",
                setting=SETTING_OF_REF,
            )
        return _everything_opened(base, now, f"{path} is not in {ref}: every gap counts as opened")
    job = Job(
        repo=str(repo),
        clowdapps=tuple(clowdapps),
        policy=policy,
        options=ChartOptions.of(chart, renderer, skip_failing_templates),
        today=today or date.today(),
        max_bytes=max_bytes if max_bytes is not None else DEFAULT_MAX_BYTES,
        app_sources=app_sources,
        word=word,
        params=params,
        max_workloads=max_workloads,
    )
    result = Analyser(job).analyse(found.path, found.tree)
    if result.status == "render-failed":
        return _everything_opened(
            base, now, f"the chart at {ref} does not render ({result.error}): every gap counts as opened"
        )
    opened, closed, changed = deltas(result.rows, now)
    return Delta(
        **base,
        opened=[c.id for c in opened],
        closed=[c.id for c in closed],
        changed=[c.id for c in changed],
        worse=[c.id for c in changed if _more_urgent(c.priority, c.previous)],
        previous={c.id: c.previous for c in (*closed, *changed) if c.previous is not None},
    )


def locate(directory: Path) -> tuple[Path, str]:
    """The work tree's top directory holding ``directory``, and ``directory``'s path in it (``.``: the
    top itself); InputError naming the directory when it is in no git work tree."""
    open_repository(directory)
    try:
        top = git(directory, "rev-parse", "--show-toplevel").strip()
        prefix = git(directory, "rev-parse", "--show-prefix").strip()
    except GitFailed as exc:
        raise InputError(str(directory), None, f"not in a git work tree ({exc.first_line})") from None
    if not top:
        raise InputError(str(directory), None, "not in a git work tree (a bare repository)")
    return Path(top), normalized(prefix)


def _commit(repo: Path, sha: str) -> Commit:
    """The commit ``sha`` with its committer date and subject (one ``git log -1``)."""
    when, _, subject = git(repo, "log", "-1", "--format=%cI%n%s", sha, "--").rstrip("\n").partition("\n")
    return Commit(sha=sha, date=datetime.fromisoformat(when), subject=subject)


def _ever_committed(repo: Path, path: str) -> bool:
    """Whether any commit of any ref (or HEAD) holds ``path``: one ``git rev-list -1``."""
    if path == ".":
        return True
    return bool(git(repo, "rev-list", "-1", "--all", "HEAD", "--", path).strip())


def _everything_opened(base: dict[str, str], now: RowGaps, note: str) -> Delta:
    """Nothing at REF to compare with: every gap now is opened, the most urgent first."""
    gaps = [(PRIORITIES.index(gap), row_id) for row_id, (_, gap) in now.items() if gap is not None]
    return Delta(**base, absent=True, note=note, opened=[row_id for _, row_id in sorted(gaps)])


def _more_urgent(now: Priority | None, before: Priority | None) -> bool:
    return now is not None and before is not None and PRIORITIES.index(now) < PRIORITIES.index(before)
