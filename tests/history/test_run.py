"""history(): the walk over our own story repository (tests/history/helpers.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from koku_gap.api import analyze
from koku_gap.history import analyse as analyse_module
from koku_gap.history.analyse import chart_side, row_gaps
from koku_gap.history.model import History
from koku_gap.history.run import history
from koku_gap.model.errors import InputError, UsageError
from koku_gap.model.graph import ComponentGraph
from koku_gap.sources.helm import ChartSpec, RenderResult, render_chart
from tests.history.conftest import TODAY
from tests.history.helpers import ChartRepo, chart, write_clowdapp

Walked = tuple[ChartRepo, dict[str, str], Path, History]


def by_sha(found: History) -> dict[str, object]:
    return {c.sha: c for c in found.commits}


def test_every_first_parent_commit_oldest_first(walked: Walked) -> None:
    _, steps, _, found = walked
    assert [c.sha for c in found.commits] == list(steps.values())
    assert [c.status for c in found.commits] == [
        "no-chart",
        "ok",
        "ok",
        "ok",
        "ok",
        "ok",
        "render-failed",
        "ok",
    ]


def test_a_renamed_chart_is_followed(walked: Walked) -> None:
    _, _, _, found = walked
    assert [c.chart_path for c in found.commits] == [
        None,
        "old",
        "old",
        "old",
        "old",
        "kiosk",
        "kiosk",
        "kiosk",
    ]


def test_removing_the_listener_opens_a_p0_and_its_revert_closes_it(walked: Walked) -> None:
    _, steps, _, found = walked
    commits = {c.sha: c for c in found.commits}
    dropped, reverted = commits[steps["drop-listener"]], commits[steps["revert"]]
    assert [(c.id, c.priority, c.previous, c.status) for c in dropped.opened] == [
        ("kiosk/listener", "P0", None, "missing")
    ]
    assert dropped.by_priority["P0"] == 1 and dropped.highest_priority == "P0"
    assert dropped.previous == steps["note"]
    assert [(c.id, c.priority, c.previous, c.status) for c in reverted.closed] == [
        ("kiosk/listener", None, "P0", "match")
    ]
    assert reverted.by_priority["P0"] == 0 and not reverted.opened and not reverted.changed


def test_the_first_analysed_commit_has_no_deltas(walked: Walked) -> None:
    _, steps, _, found = walked
    first = next(c for c in found.commits if c.analysed)
    assert first.sha == steps["chart"] and first.previous is None and not first.changes


def test_a_render_failure_is_recorded_and_the_walk_goes_on(walked: Walked) -> None:
    _, steps, _, found = walked
    commits = {c.sha: c for c in found.commits}
    failed, fixed = commits[steps["route"]], commits[steps["domain"]]
    assert failed.error is not None
    assert failed.error.startswith(
        "kiosk/templates/route.yaml:6:11: template kiosk/templates/route.yaml failed"
    )
    assert "set domain" in failed.error and "\n" not in failed.error
    assert "koku-gap-history-" not in failed.error  # the scratch directory is not shown
    assert failed.by_priority == {} and failed.gaps == 0
    assert fixed.status == "ok" and fixed.previous == steps["rename"]  # compared with the last analysed


def test_identical_trees_are_rendered_once(walked: Walked, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, steps, clowdapp, found = walked
    assert (
        repo.tree(steps["note"], "old")
        == repo.tree(steps["revert"], "old")
        == repo.tree(steps["rename"], "kiosk")
    )
    trees = {c.tree for c in found.commits if c.tree}
    assert found.renders == len(trees) == 5
    rendered: list[Path] = []
    read: list[str] = []

    def rendering(spec: ChartSpec, **options: Any) -> RenderResult:
        rendered.append(Path(spec.path))
        return render_chart(spec, **options)

    def reading(result: RenderResult, max_bytes: int, max_workloads: int) -> ComponentGraph:
        read.append(result.chart)
        return chart_side(result, max_bytes, max_workloads)

    monkeypatch.setattr(analyse_module, "render_chart", rendering)
    monkeypatch.setattr(analyse_module, "chart_side", reading)
    again = history(repo.root, ["kiosk", "old"], [clowdapp], jobs=1, today=TODAY)
    assert again == found
    assert len(rendered) == 5  # each distinct tree rendered once
    assert len(read) == 3  # "note" renders what "chart" renders (only its README differs): read once;
    # the route fails to render, so only "drop-listener" and "domain" are read besides


def test_each_commit_gives_what_analyze_gives_of_its_tree(walked: Walked, tmp_path: Path) -> None:
    repo, _, clowdapp, found = walked
    for commit in found.commits:
        if not commit.analysed:
            continue
        checkout = tmp_path / commit.sha
        repo.git("worktree", "add", "-q", "--detach", str(checkout), commit.sha)
        report = analyze(
            [clowdapp], charts=[checkout / str(commit.chart_path)], policy="default", today=TODAY
        )
        assert dict(report.summary.by_priority) == commit.by_priority
        assert dict(report.summary.by_status) == commit.by_status
        assert report.summary.gaps == commit.gaps
        repo.git("worktree", "remove", "--force", str(checkout))


def test_worker_processes_give_the_same_history(walked: Walked) -> None:
    repo, _, clowdapp, found = walked
    assert history(repo.root, ["kiosk", "old"], [clowdapp], jobs=2, today=TODAY) == found


def test_skip_failing_templates_marks_the_commit_partial_naming_the_template(walked: Walked) -> None:
    repo, steps, clowdapp, _ = walked
    found = history(
        repo.root,
        ["kiosk", "old"],
        [clowdapp],
        jobs=1,
        today=TODAY,
        skip_failing_templates=True,
        rev_range=f"{steps['rename']}..{steps['route']}",
    )
    [commit] = found.commits
    assert commit.status == "partial" and commit.not_rendered == ["kiosk/templates/route.yaml"]
    assert commit.by_priority["P0"] == 0


def test_values_and_sets_apply_at_every_commit(walked: Walked) -> None:
    repo, steps, clowdapp, _ = walked
    found = history(
        repo.root,
        "kiosk",
        clowdapp,
        jobs=1,
        today=TODAY,
        set_values=["domain=apps.example.com"],
        rev_range=f"{steps['rename']}..",
    )
    assert [c.status for c in found.commits] == ["ok", "ok"]


def test_since_keeps_the_commits_of_that_day_and_after(walked: Walked) -> None:
    repo, steps, clowdapp, _ = walked
    from datetime import date

    found = history(repo.root, ["kiosk", "old"], [clowdapp], jobs=1, today=TODAY, since=date(2026, 1, 7))
    assert [c.sha for c in found.commits] == [steps["rename"], steps["route"], steps["domain"]]


def test_a_rows_most_urgent_gap_speaks_for_its_id() -> None:
    from koku_gap.model.report import Report

    report = Report.model_validate(
        {
            "inputs": [],
            "rows": [
                _row("a/x", "match", None),
                _row("a/x", "missing", "P1"),
                _row("a/x", "partial", "P0"),
                _row("a/y", "missing", "P2"),
            ],
            "queues": {},
            "summary": {
                "clowdapp_components": 0,
                "chart_workloads": 0,
                "by_status": {},
                "by_priority": {},
                "gaps": 0,
                "highest_priority": None,
            },
        }
    )
    assert row_gaps(report) == {"a/x": ("partial", "P0"), "a/y": ("missing", "P2")}


def _row(row_id: str, status: str, priority: str | None) -> dict[str, object]:
    return {
        "id": row_id,
        "app": "a",
        "clowdapp": row_id,
        "chart": [],
        "role": "web",
        "kind": "Deployment",
        "status": status,
        "priority": priority,
        "source": None,
    }


# --- what gives nothing to walk: one error, before anything is analysed --------------------------------


def test_not_a_git_repository(tmp_path: Path) -> None:
    clowdapp = write_clowdapp(tmp_path)
    with pytest.raises(InputError, match="not a git repository"):
        history(tmp_path, "kiosk", clowdapp)
    with pytest.raises(InputError, match="no such directory"):
        history(tmp_path / "nowhere", "kiosk", clowdapp)


def test_a_range_that_does_not_resolve(walked: Walked) -> None:
    repo, _, clowdapp, _ = walked
    with pytest.raises(InputError, match=r"rev_range=\.\.\.: 'nosuch' does not resolve to a commit"):
        history(repo.root, "kiosk", clowdapp, rev_range="nosuch..HEAD")
    with pytest.raises(InputError, match=r"expected A\.\.B"):
        history(repo.root, "kiosk", clowdapp, rev_range="HEAD~2...HEAD")


def test_a_range_with_no_commits(walked: Walked) -> None:
    repo, _, clowdapp, _ = walked
    with pytest.raises(InputError, match=r"HEAD\.\.HEAD holds no commits"):
        history(repo.root, "kiosk", clowdapp, rev_range="HEAD..HEAD")


def test_a_path_absent_at_every_commit(walked: Walked) -> None:
    repo, _, clowdapp, _ = walked
    with pytest.raises(InputError, match=r"no commit of the walk \(8\) has a directory charts/x, y"):
        history(repo.root, ["./charts/x/", "y"], clowdapp)


def test_an_empty_repository(tmp_path: Path) -> None:
    repo = ChartRepo(tmp_path / "repo")
    with pytest.raises(InputError, match="the repository has no commits"):
        history(repo.root, "kiosk", write_clowdapp(tmp_path))


def test_errors_the_same_at_every_commit_stop_the_walk(walked: Walked, tmp_path: Path) -> None:
    repo, _, clowdapp, _ = walked
    with pytest.raises(InputError, match="no such file"):
        history(repo.root, "kiosk", clowdapp, values=[tmp_path / "missing.yaml"])
    with pytest.raises(UsageError):
        history(repo.root, "kiosk", clowdapp, set_values=["a[x]=1"])
    with pytest.raises(UsageError, match="release name"):
        history(repo.root, "kiosk", clowdapp, release="Not_A_Name")
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: [", encoding="utf-8")
    for jobs in (1, 2):  # a ClowdApp error reaches the caller from a worker process too
        with pytest.raises(InputError) as caught:
            history(repo.root, ["kiosk", "old"], [bad], jobs=jobs)
        assert caught.value.file == str(bad)


def test_a_chart_over_the_limits_is_not_analysed(tmp_path: Path) -> None:
    repo = ChartRepo(tmp_path / "repo")
    repo.commit("chart", {**chart(), "kiosk/big.txt": "x" * 5000})
    found = history(repo.root, "kiosk", write_clowdapp(tmp_path), jobs=1, max_bytes=4096)
    [commit] = found.commits
    assert commit.status == "render-failed"
    assert commit.error == "kiosk: big.txt is 5000 bytes, over the 4096-byte limit"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_first_parent_only(tmp_path: Path) -> None:
    repo = ChartRepo(tmp_path / "repo")
    base = repo.commit("chart", chart())
    repo.git("checkout", "-q", "-b", "side")
    side = repo.commit("side work", chart(listener=False))
    repo.git("checkout", "-q", "main")
    repo.day += 1
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    merge = repo.git("rev-parse", "HEAD")
    found = history(repo.root, "kiosk", write_clowdapp(tmp_path), jobs=1, today=TODAY)
    assert [c.sha for c in found.commits] == [base, merge]
    assert side not in {c.sha for c in found.commits}
    assert subprocess.run(["git", "-C", str(repo.root), "cat-file", "-e", side], check=False).returncode == 0


def test_koku_gap_history_is_the_walk(walked: Walked) -> None:
    """``koku_gap.history`` is the package and, called, the function (koku_gap/history/__init__.py)."""
    import koku_gap
    from koku_gap.history import history as function

    repo, _, clowdapp, found = walked
    assert function is history
    assert koku_gap.history(repo.root, ["kiosk", "old"], [clowdapp], jobs=1, today=TODAY) == found
    assert koku_gap.History is History and "history" in koku_gap.__all__
