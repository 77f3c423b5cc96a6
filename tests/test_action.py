"""The composite action (action.yml) with chart, values and compare-ref: its run step in bash with a
fake $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY, on a small git repository of our own; and docs/ci.md's
pull-request workflow, which must parse and name only what the action has."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from koku_gap.report._comment import MARKER
from tests.helpers.runner import commands
from tests.history.helpers import ChartRepo, chart, write_clowdapp
from tests.test_ci_sequence import ROOT, checkout_gap_report, load_yaml

INPUTS = ("clowdapp", "manifests", "chart", "values", "compare_ref", "baseline", "output", "params", "args")


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(ROOT / "action.yml")
    return data


class Runner:
    """The action's run step, as the runner runs it: env from the inputs, files for the outputs."""

    def __init__(self, action: dict[str, Any], work: Path) -> None:
        bash = shutil.which("bash")
        if bash is None:
            pytest.skip("no bash")
        self.bash = bash
        self.script = action["runs"]["steps"][1]["run"]
        self.work = work
        self.gap_report = checkout_gap_report(work)

    def __call__(self, cwd: Path, **inputs: str) -> tuple[int, str, dict[str, str], str]:
        output, summary = self.work / "github_output", self.work / "step_summary"
        output.write_text("")
        summary.write_text("")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GAP_REPORT": str(self.gap_report),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(self.work),
            "INPUT_POLICY": "default",
            "INPUT_FAIL_ON": "P0",
            "INPUT_FORMAT": "github",
            **{f"INPUT_{k.upper()}": "" for k in INPUTS},
            **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
        }
        done = subprocess.run(
            [self.bash, "-c", self.script], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
        )
        outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
        return done.returncode, done.stdout + done.stderr, outputs, summary.read_text()


@pytest.fixture
def pr(tmp_path: Path, action: dict[str, Any]) -> tuple[ChartRepo, dict[str, str], Runner]:
    """A repository whose main has the chart and whose branch pr drops the Kafka listener's template."""
    repo = ChartRepo(tmp_path / "repo")
    steps = {"main": repo.commit("add the chart", chart("kiosk"))}
    repo.git("checkout", "-q", "-b", "pr")
    (repo.root / "deploy").mkdir()
    write_clowdapp(repo.root / "deploy")
    steps["pr"] = repo.commit("drop the listener", chart("kiosk", listener=False))
    work = tmp_path / "runner"
    work.mkdir()
    return repo, steps, Runner(action, work)


def test_a_pr_that_opens_a_p0_fails_with_its_delta_everywhere(
    pr: tuple[ChartRepo, dict[str, str], Runner],
) -> None:
    repo, steps, run = pr
    code, log, outputs, summary = run(
        repo.root, clowdapp="deploy/clowdapp.yaml", chart="kiosk", compare_ref=steps["main"]
    )
    assert code == 1, log
    assert log.splitlines()[0] == (
        f"gap-report --clowdapp deploy/clowdapp.yaml --chart kiosk --compare-ref {steps['main']} "
        "--policy default --fail-on P0 --format github"
    )
    assert [c.name for c in commands(log)] == ["notice", "error"]
    comment = Path(outputs["comment"])
    assert comment.parent == run.work
    assert (outputs["gaps-opened"], outputs["gaps-closed"], outputs["highest-priority"]) == ("1", "0", "P0")
    text = comment.read_text()
    assert text.startswith(MARKER) and "| opened | `listener` |" in text and "<details>" in text
    assert summary.startswith("❌ gap-report: 1 gap(s) at or above P0 fail this run")
    assert summary.index("## This change, against") < summary.index("## Executive summary")


def test_its_revert_passes_and_closes_the_gap(pr: tuple[ChartRepo, dict[str, str], Runner]) -> None:
    repo, steps, run = pr
    repo.commit('Revert "drop the listener"', chart("kiosk"))
    code, log, outputs, summary = run(
        repo.root,
        clowdapp="deploy/clowdapp.yaml",
        chart="kiosk",
        compare_ref=steps["pr"],
        values="kiosk/values.yaml",
    )
    assert code == 0, log
    assert (outputs["gaps-opened"], outputs["gaps-closed"], outputs["highest-priority"]) == ("0", "1", "none")
    assert "--values kiosk/values.yaml" in log.splitlines()[0]
    assert summary.startswith("✅") and "| closed | `listener` |" in summary


def test_bad_input_exits_2(pr: tuple[ChartRepo, dict[str, str], Runner]) -> None:
    repo, _, run = pr
    code, log, _, _ = run(repo.root, clowdapp="deploy/clowdapp.yaml", chart="kiosk", compare_ref="nosuch")
    assert code == 2 and "--compare-ref: 'nosuch' does not resolve to a commit" in log


def test_no_input_forges_a_workflow_command(pr: tuple[ChartRepo, dict[str, str], Runner]) -> None:
    """A carriage return ends a line for the runner, and ##[ is a command anywhere in one: neither an
    input shown in the command line nor one quoted in an error may start one."""
    repo, _, run = pr
    forged = "main\r::warning title=forged::x ##[error]forged"
    code, log, _, _ = run(repo.root, clowdapp="deploy/clowdapp.yaml", chart="kiosk", compare_ref=forged)
    assert code == 2
    assert [c.name for c in commands(log)] == []
    assert "\\r::warning" in log.splitlines()[0] and "##\\[error]" in log.splitlines()[0]


# --- docs/ci.md's pull-request workflow ----------------------------------------------------------------


def workflow() -> dict[str, Any]:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    section = text[text.index("### The pull-request workflow") :]
    block = re.search(r"```yaml\n(.*?)\n```", section, re.S)
    assert block is not None, "docs/ci.md: the pull-request workflow's YAML"
    data: dict[str, Any] = YAML(typ="safe", pure=True).load(block.group(1))
    return data


def test_the_documented_workflow_names_only_what_the_action_has(action: dict[str, Any]) -> None:
    flow = workflow()
    assert flow["permissions"]["pull-requests"] == "write"  # to post the comment
    [job] = flow["jobs"].values()
    ours = [s for s in job["steps"] if "koku-gap@" in s.get("uses", "")]
    assert len(ours) == 1
    step = ours[0]
    assert set(step["with"]) <= set(action["inputs"])
    assert {"chart", "compare-ref", "policy", "values"} <= set(step["with"])
    assert "base.sha" in step["with"]["compare-ref"]
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # the base commit must be there
    used = set(re.findall(rf"steps\.{step['id']}\.outputs\.([a-z-]+)", str(job["steps"])))
    assert used and used <= set(action["outputs"])
    assert {"gaps-opened", "gaps-closed", "highest-priority", "comment"} <= set(action["outputs"])
