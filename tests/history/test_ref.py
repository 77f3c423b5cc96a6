"""--compare-ref: the chart directory at a git ref (from git's objects), and what a change opens,
closes and changes against it; on small repositories of our own (tests/history/helpers.py)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from koku_gap.api import analyze
from koku_gap.cli import main
from koku_gap.history.ref import delta_at, locate
from koku_gap.model.errors import InputError
from koku_gap.sources.helm.spec import ChartSpec
from tests.helpers.gate import gated, ungated
from tests.helpers.runner import commands
from tests.history.helpers import CLOWDAPP, VALUES, ChartRepo, chart, deployment, write_clowdapp

TODAY = "2026-12-01"


@pytest.fixture
def pr(tmp_path: Path) -> tuple[ChartRepo, dict[str, str], Path]:
    """main has the whole chart (under charts/kiosk); branch pr drops the listener's template."""
    repo = ChartRepo(tmp_path / "repo")
    steps = {"readme": repo.commit("readme", {"README.md": "kiosk\n"})}
    steps["main"] = repo.commit("add the chart", chart("charts/kiosk"))
    repo.git("checkout", "-q", "-b", "pr")
    steps["pr"] = repo.commit("drop the listener", chart("charts/kiosk", listener=False))
    return repo, steps, write_clowdapp(tmp_path)


def run(
    repo: ChartRepo, clowdapp: Path, ref: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, str]:
    argv = ["--clowdapp", str(clowdapp), "--chart", str(repo.root / "charts" / "kiosk")]
    code = main([*argv, "--compare-ref", ref, "--today", TODAY, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(
    repo: ChartRepo, clowdapp: Path, ref: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, Any], str]:
    code, out, err = run(repo, clowdapp, ref, capsys, "--format", "json", *extra)
    assert out, err
    return code, json.loads(out), err


def test_a_pr_that_drops_the_kafka_listener_opens_a_p0_and_fails(
    pr: tuple[ChartRepo, dict[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, steps, clowdapp = pr
    code, report, err = run_json(repo, clowdapp, "main", capsys, "--fail-on", "P0")
    assert code == 1 and gated(err) and ungated(err) == ""
    assert report["delta"] == {
        "ref": "main",
        "commit": steps["main"],
        "subject": "add the chart",
        "chart_path": "charts/kiosk",
        "absent": False,
        "note": None,
        "opened": ["kiosk/listener"],
        "closed": [],
        "changed": [],
        "worse": [],
        "previous": {},
    }
    listener = next(r for r in report["rows"] if r["id"] == "kiosk/listener")
    assert (listener["status"], listener["priority"]) == ("missing", "P0")


def test_its_revert_closes_the_gap_and_passes(
    pr: tuple[ChartRepo, dict[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, steps, clowdapp = pr
    repo.commit('Revert "drop the listener"', chart("charts/kiosk"))
    code, report, err = run_json(repo, clowdapp, steps["pr"], capsys, "--fail-on", "P0")
    assert (code, err) == (0, "")
    assert report["delta"]["opened"] == [] and report["delta"]["closed"] == ["kiosk/listener"]
    assert report["delta"]["previous"] == {"kiosk/listener": "P0"}


def test_gaps_the_ref_already_had_do_not_fail(
    pr: tuple[ChartRepo, dict[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A change that leaves the P0 as it was (README only): the gap stays, the gate passes."""
    repo, steps, clowdapp = pr
    repo.commit("readme", {"charts/kiosk/README.md": "kiosk, documented\n"})
    code, report, err = run_json(repo, clowdapp, steps["pr"], capsys)
    assert (code, err) == (0, "")
    assert report["summary"]["highest_priority"] == "P0"
    assert (report["delta"]["opened"], report["delta"]["closed"]) == ([], [])
    argv = ["--clowdapp", str(clowdapp), "--chart", str(repo.root / "charts" / "kiosk"), "--today", TODAY]
    assert main(argv) == 1  # without --compare-ref the same P0 fails
    capsys.readouterr()


def test_the_work_tree_is_what_is_compared_not_head(
    pr: tuple[ChartRepo, dict[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """REF comes from git's objects; the run's own chart is the directory as it is on disk."""
    repo, _, clowdapp = pr
    (repo.root / "charts/kiosk/templates/listener.yaml").write_text(
        str(chart("charts/kiosk")["charts/kiosk/templates/listener.yaml"])
    )
    code, report, _ = run_json(repo, clowdapp, "main", capsys)
    assert code == 0 and report["delta"]["opened"] == [] and report["delta"]["closed"] == []
    code, report, _ = run_json(repo, clowdapp, "pr", capsys)  # HEAD itself lacks the listener
    assert code == 0 and report["delta"]["closed"] == ["kiosk/listener"]


def test_baseline_and_compare_ref_combine(
    pr: tuple[ChartRepo, dict[str, str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A gap fails only when neither excuses it: the baseline records it, or REF had it already."""
    repo, _, clowdapp = pr
    baseline = tmp_path / "baseline.json"
    argv = ["--clowdapp", str(clowdapp), "--chart", str(repo.root / "charts/kiosk"), "--today", TODAY]
    assert main([*argv, "--write-baseline", str(baseline)]) == 0
    capsys.readouterr()
    code, report, _ = run_json(repo, clowdapp, "main", capsys, "--baseline", str(baseline))
    assert code == 0  # opened against main, but the baseline records it
    assert report["delta"]["opened"] == ["kiosk/listener"] and report["baseline"]["known"] == [
        "kiosk/listener"
    ]


def test_a_chart_the_ref_has_not_opens_everything(
    pr: tuple[ChartRepo, dict[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, steps, clowdapp = pr
    code, report, err = run_json(repo, clowdapp, steps["readme"], capsys)
    delta = report["delta"]
    assert code == 1 and gated(err)
    assert delta["absent"] is True and delta["opened"] == ["kiosk/listener"]
    assert delta["note"] == f"charts/kiosk is not in {steps['readme']}: every gap counts as opened"
    code, out, _ = run(repo, clowdapp, steps["readme"], capsys, "--format", "markdown")
    assert "_charts/kiosk is not in" in out


def test_a_chart_that_fails_to_render_at_the_ref_opens_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = ChartRepo(tmp_path / "repo")
    failing = repo.commit(
        "a route without its domain", chart("charts/kiosk", listener=False, with_route=True)
    )
    repo.commit(
        "the domain",
        {
            **chart("charts/kiosk", listener=False, with_route=True),
            "charts/kiosk/values.yaml": VALUES.replace('""', "x.example.com"),
        },
    )
    code, report, _ = run_json(repo, write_clowdapp(tmp_path), failing, capsys)
    delta = report["delta"]
    assert code == 1 and delta["absent"] is True and delta["opened"] == ["kiosk/listener"]
    assert delta["note"].startswith(f"the chart at {failing} does not render (")
    assert "set domain" in delta["note"] and str(tmp_path) not in delta["note"]


def test_the_chart_at_the_repository_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = ChartRepo(tmp_path / "repo")
    base = repo.commit("chart", {k.removeprefix("kiosk/"): v for k, v in chart().items()})
    repo.commit("drop", {k.removeprefix("kiosk/"): v for k, v in chart(listener=False).items()})
    clowdapp = write_clowdapp(tmp_path)
    code = main(
        ["--clowdapp", str(clowdapp), "--chart", str(repo.root), "--compare-ref", base, "--format", "json"]
    )
    report = json.loads(capsys.readouterr().out)
    assert (
        code == 1 and report["delta"]["chart_path"] == "." and report["delta"]["opened"] == ["kiosk/listener"]
    )


def test_markdown_and_github_lead_with_the_delta(
    pr: tuple[ChartRepo, dict[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, _, clowdapp = pr
    _, out, _ = run(repo, clowdapp, "main", capsys, "--format", "markdown")
    headings = [line for line in out.splitlines() if line.startswith("## ")]
    assert headings[0].startswith("## This change, against `main` (`")
    assert "| opened | `listener` | kafka-consumer | — | P0 ❌ missing |" in out
    _, out, _ = run(repo, clowdapp, "main", capsys, "--format", "github")
    found = commands(out)
    assert found[0].name == "notice" and found[0].properties["title"] == "gap-report: this change"
    assert "1 gap(s) opened, 0 closed, 0 changed; opened: kiosk/listener" in found[0].data
    assert [c.name for c in found[1:]] == ["error"]  # the one gap the change opened
    assert "1 opened or worse against main" in out.splitlines()[-1]


def test_a_ref_subject_forges_no_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A commit subject is a stranger's text: it reaches the log and the summary escaped."""
    repo = ChartRepo(tmp_path / "repo")
    base = repo.commit("x ##[error]forged <b>bold</b> | cell", chart("charts/kiosk"))
    repo.commit("drop", chart("charts/kiosk", listener=False))
    clowdapp = write_clowdapp(tmp_path)
    _, out, _ = run(repo, clowdapp, base, capsys, "--format", "markdown")
    assert "##[" not in out and "<b>" not in out and "\\| cell" in out
    _, out, _ = run(repo, clowdapp, base, capsys, "--format", "github")
    assert [c.name for c in commands(out)] == ["notice", "error"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no-git", "not a git repository"),
        ("bad-ref", "--compare-ref: 'nosuch' does not resolve to a commit"),
        ("untracked", "--compare-ref: no commit of the repository has the chart directory charts/other"),
        ("manifests", "--compare-ref: give exactly one --chart"),
        ("two-charts", "--compare-ref: give exactly one --chart"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    pr: tuple[ChartRepo, dict[str, str], Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    setup: str,
    message: str,
) -> None:
    repo, _, clowdapp = pr
    kiosk = repo.root / "charts" / "kiosk"
    argv = ["--clowdapp", str(clowdapp), "--chart", str(kiosk), "--compare-ref", "main"]
    if setup == "no-git":
        outside = tmp_path / "outside"
        shutil.copytree(kiosk, outside)
        argv[3] = str(outside)
    elif setup == "bad-ref":
        argv[-1] = "nosuch"
    elif setup == "untracked":
        shutil.copytree(kiosk, repo.root / "charts" / "other")
        argv[3] = str(repo.root / "charts" / "other")
    elif setup == "manifests":
        argv[2:4] = ["--manifests", str(tmp_path / "rendered.yaml")]
    else:
        argv += ["--chart", str(kiosk)]
    code = main(argv)
    out, err = capsys.readouterr()
    assert (code, out, len(err.splitlines())) == (2, "", 1), err
    assert err.startswith("gap-report: error: ") and message in err


def test_delta_at_from_python(pr: tuple[ChartRepo, dict[str, str], Path]) -> None:
    repo, steps, clowdapp = pr
    spec = ChartSpec(path=repo.root / "charts" / "kiosk")
    report = analyze([clowdapp], charts=[spec])
    delta = delta_at(report, "main", spec, [str(clowdapp)])
    assert (delta.commit, delta.opened, delta.counted) == (
        steps["main"],
        ["kiosk/listener"],
        frozenset({"kiosk/listener"}),
    )
    gated_report = report.model_copy(update={"delta": delta})
    assert [r.id for r in gated_report.failing("P0")] == ["kiosk/listener"]
    assert locate(repo.root / "charts" / "kiosk") == (repo.root.resolve(), "charts/kiosk")
    with pytest.raises(InputError, match="needs a chart directory"):
        delta_at(report, "main", ChartSpec(path=repo.root / "README.md"), [str(clowdapp)])


def test_the_bundled_charts_last_pr_against_its_base(corpus: Path, tmp_path: Path) -> None:
    """PR #90 ("reduce deployments", the bundle's HEAD) against its base: the eight -penalty/-xl worker
    variants it drops open as optional P3 gaps (docs/history.md's last step), nothing else moves."""
    clone = tmp_path / "chart-repo"
    bundle = corpus / "repos" / "ros-helm-chart.bundle"
    subprocess.run(["git", "clone", "-q", str(bundle), str(clone)], check=True)
    sets = [
        "odf.endpoint=s3.openshift-storage.svc.cluster.local",
        "jwtAuth.keycloak.url=https://keycloak.example.com",
        "global.clusterDomain=apps.example.com",
    ]
    clowdapp = str(corpus / "koku" / "clowdapp-2026-08-14-f6cc00b31.yaml")
    spec = ChartSpec(clone / "cost-onprem", set_values=sets, namespace="cost-onprem")
    today = date.fromisoformat(TODAY)
    report = analyze([clowdapp], charts=[spec], policy="koku", today=today, extras=())
    delta = delta_at(report, "HEAD~1", spec, [clowdapp], policy="koku", today=today)
    assert (delta.closed, delta.changed, delta.absent) == ([], [], False)
    assert len(delta.opened) == 8 and all(re.search(r"-(penalty|xl)$", i) for i in delta.opened)
    gated_report = report.model_copy(update={"delta": delta})
    assert gated_report.failing("P0") == [] and len(gated_report.failing("P3")) == 8


def test_a_gap_made_worse_fails_one_made_better_does_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The listener partial at P2 (an env var the chart leaves unset, which this policy counts) at REF,
    then missing at P0: changed and worse, so it fails; the way back is changed, not worse, and passes."""
    repo = ChartRepo(tmp_path / "repo")
    partial = repo.commit("the chart", chart("charts/kiosk"))
    missing = repo.commit("drop the listener", chart("charts/kiosk", listener=False))
    clowdapp = tmp_path / "clowdapp.yaml"
    listens = '        command: ["python", "manage.py", "listener"]\n'
    clowdapp.write_text(
        CLOWDAPP.replace(listens, listens + "        env:\n        - {name: MODE, value: fast}\n")
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text("extends: default\npartial_on: [env-missing]\n")
    extra = ("--policy", str(policy), "--fail-on", "P1")
    code, report, err = run_json(repo, clowdapp, partial, capsys, *extra)
    assert code == 1 and gated(err)
    assert report["delta"]["changed"] == report["delta"]["worse"] == ["kiosk/listener"]
    assert report["delta"]["previous"] == {"kiosk/listener": "P2"}
    repo.commit("bring it back", chart("charts/kiosk"))
    code, report, err = run_json(repo, clowdapp, missing, capsys, *extra)
    assert (code, err) == (0, "")
    assert (report["delta"]["changed"], report["delta"]["worse"]) == (["kiosk/listener"], [])
    listener = next(r for r in report["rows"] if r["id"] == "kiosk/listener")
    assert (listener["status"], listener["priority"]) == ("partial", "P2")


def test_the_ref_is_read_with_the_runs_workload_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--max-workloads bounds the chart at REF as it bounds the work tree's: a limit the pull request's
    chart meets and the base's chart does not makes the base's chart one that does not read."""
    repo = ChartRepo(tmp_path / "repo")
    extra = {"charts/kiosk/templates/extra.yaml": deployment("extra", '["python", "manage.py", "extra"]')}
    repo.commit("the chart and one more workload", {**chart("charts/kiosk"), **extra})
    repo.git("checkout", "-q", "-b", "pr")
    repo.commit(
        "drop the extra workload", {**chart("charts/kiosk"), "charts/kiosk/templates/extra.yaml": None}
    )
    clowdapp = write_clowdapp(tmp_path)  # two workloads, as the pull request's chart
    _, report, _ = run_json(repo, clowdapp, "main", capsys, "--max-workloads", "2")
    delta = report["delta"]
    assert delta["absent"] is True, delta
    assert delta["note"].startswith("the chart at main does not render (") and "workloads" in delta["note"]
    _, report, _ = run_json(repo, clowdapp, "main", capsys, "--max-workloads", "3")
    assert report["delta"]["absent"] is False
