"""--format github (issue 5): workflow commands per failing gap, and the job summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from koku_gap.api import analyze
from koku_gap.cli import main
from koku_gap.report import github
from koku_gap.report.github import command, escape_data, escape_property, render_github, step_summary
from tests.helpers.ci import args, scenario, scenario_argv
from tests.helpers.engine import line_of, write
from tests.helpers.gate import gated, ungated

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run inside GitHub Actions too: never append to the real job summary."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return scenario_argv(tmp_path, monkeypatch)


def commands(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("::")]


def test_escaping() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext%3A a%2C b"
    assert command("warning", "a:b,c", file="x,y.yaml", line=3, endLine=None, title="t: u") == (
        "::warning file=x%2Cy.yaml,line=3,title=t%3A u::a:b,c"
    )
    assert command("notice", "plain") == "::notice::plain"


@pytest.mark.parametrize(
    ("fail_on", "code", "expected"),
    [
        ("P0", 1, [("error", "listener"), ("error", "worker-xl")]),
        ("P1", 1, [("error", "listener"), ("error", "worker-xl"), ("error", "clowder-sync")]),
        (
            "P3",
            1,
            [
                ("error", "listener"),
                ("error", "worker-xl"),
                ("error", "clowder-sync"),
                ("warning", "db-migrate"),
                ("notice", "mgmt"),
            ],
        ),
        ("none", 0, []),
    ],
)
def test_one_command_per_gap_at_or_above_the_threshold(
    capsys: pytest.CaptureFixture[str],
    inputs: list[str],
    fail_on: str,
    code: int,
    expected: list[tuple[str, str]],
) -> None:
    assert main([*inputs, "--format", "github", "--fail-on", fail_on]) == code
    out, err = capsys.readouterr()
    assert ungated(err) == "" and gated(err) == (code == 1)
    got = [(line[2:].split(" ", 1)[0], line.split("%3A ", 1)[1].split("::", 1)[0]) for line in commands(out)]
    assert got == expected  # by priority, then file and line
    verdict = out.splitlines()[-1]
    if fail_on == "none":
        assert verdict == "gap-report: no gap fails this run (--fail-on none) (5 open gap(s))"
    else:
        assert (
            verdict
            == f"gap-report: {len(expected)} gap(s) at or above {fail_on} fail this run (5 open gap(s))"
        )


def test_annotation_is_exact(capsys: pytest.CaptureFixture[str], inputs: list[str], tmp_path: Path) -> None:
    main([*inputs, "--format", "github"])
    first = commands(capsys.readouterr().out)[0]
    main([*inputs, "--format", "json"])
    listener = next(r for r in json.loads(capsys.readouterr().out)["rows"] if r["clowdapp"] == "listener")
    line = line_of(tmp_path / "clowdapp.yaml", "- name: listener")
    end = listener["snippet_lines"][1]
    assert first == (
        f"::error file=clowdapp.yaml,line={line},endLine={end},"
        "title=P0 missing-kafka-consumer%3A listener::"
        "listener (kafka-consumer) is missing.%0A"
        "a Kafka consumer is missing: messages on its topics are never read, data stops flowing%0A"
        "assumed: a-producer-exists — something deployed (a chart workload, a dependency or a service "
        "outside) produces to the topics the ClowdApp's consumer reads%0A"
        "Action: add a Deployment for listener"
    )


def test_chart_targets_are_named(
    capsys: pytest.CaptureFixture[str], inputs: list[str], tmp_path: Path
) -> None:
    main([*inputs, "--format", "github", "--fail-on", "P2"])
    [migrate] = [c for c in commands(capsys.readouterr().out) if "db-migrate" in c]
    line = line_of(tmp_path / "rendered.yaml", "apiVersion: batch/v1")
    assert migrate.startswith("::warning file=clowdapp.yaml,")
    assert f"%0AChart: rel-shop-migrate (rendered.yaml:{line})%0A" in migrate


def test_waived_and_baselined_gaps_are_not_annotated(
    capsys: pytest.CaptureFixture[str], inputs: list[str], tmp_path: Path
) -> None:
    policy = write(
        tmp_path, "p.yaml", "extends: default\nwaivers:\n  - {component: listener, reason: in 2.0}\n"
    )
    baseline = write(
        tmp_path,
        "b.json",
        json.dumps(
            {
                "format": "koku-gap-baseline",
                "version": 1,
                "gaps": [{"id": "missing:shop/worker-xl"}, {"id": "missing:shop/gone", "priority": "P1"}],
            }
        ),
    )
    argv = [*inputs, "--format", "github", "--policy", str(policy), "--baseline", str(baseline)]
    assert main([*argv, "--fail-on", "P1"]) == 1
    out = capsys.readouterr().out
    assert [c.split("%3A ", 1)[1].split("::")[0] for c in commands(out) if c.startswith("::error")] == [
        "clowder-sync"
    ]
    assert (
        f"::notice title=gap-report%3A baseline entries fixed::1 gap(s) recorded in {baseline} are fixed: "
        "missing:shop/gone. Refresh the baseline with --write-baseline." in out
    )
    assert out.splitlines()[-1] == (
        "gap-report: 1 gap(s) at or above P1 fail this run "
        "(4 open gap(s), 1 known from the baseline, 1 waived)"
    )
    assert main([*argv, "--fail-on", "P0"]) == 0
    out = capsys.readouterr().out
    assert not [c for c in commands(out) if c.startswith("::error")]
    assert out.splitlines()[-1].startswith("gap-report: no gap at or above P0 fails this run")


def test_step_summary_is_appended(
    capsys: pytest.CaptureFixture[str], inputs: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main([*inputs, "--format", "github"]) == 1
    capsys.readouterr()
    text = summary.read_text(encoding="utf-8")
    assert text.startswith(
        "earlier step\n❌ gap-report: 2 gap(s) at or above P0 fail this run (5 open gap(s))\n\n"
        "# ClowdApp vs Helm chart gap report: shop\n"
    )
    assert "## Deployment comparison matrix" in text
    # a second run appends, it does not replace
    assert main([*inputs, "--format", "github", "--fail-on", "none"]) == 0
    capsys.readouterr()
    again = summary.read_text(encoding="utf-8")
    assert again.startswith(text)
    assert again[len(text) :].startswith("✅ gap-report: no gap fails this run (--fail-on none)")


def test_no_step_summary_for_other_formats(
    capsys: pytest.CaptureFixture[str], inputs: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    main([*inputs, "--format", "markdown"])
    capsys.readouterr()
    assert not summary.exists()


def test_unwritable_step_summary_warns_and_keeps_the_verdict(
    capsys: pytest.CaptureFixture[str], inputs: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "adir").mkdir()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "adir"))
    assert main([*inputs, "--format", "github"]) == 1
    out, err = capsys.readouterr()
    assert len(commands(out)) == 2
    assert err.startswith(f"gap-report: warning: {tmp_path / 'adir'}: cannot append the job summary: ")
    assert err.count("\n") == 2 and gated(err.splitlines()[-1])  # the warning, then the gate's line


def test_step_summary_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app, chart = scenario(tmp_path)
    report = analyze([app], [chart])
    monkeypatch.setattr(github, "SUMMARY_LIMIT", 200)
    text = step_summary(report, "P0")
    assert text.startswith("❌ gap-report: 2 gap(s) at or above P0 fail this run")
    assert "larger than a job summary may be" in text  # cut with a note, never silently
    assert "# ClowdApp" not in text  # not even the first section fits in 200 bytes


# The same analysis in a child process, printing the github commands.
CHILD = (
    "import sys\n"
    "from koku_gap.api import analyze\n"
    "from koku_gap.report.github import render_github\n"
    "sys.stdout.write(render_github(analyze([sys.argv[1]], [sys.argv[2]]), 'P3'))\n"
)


def test_render_github_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Another process with another string-hash seed iterates sets in another order: the commands, and
    their order, must not follow it (rendering twice in one process could never show this)."""
    app, chart = scenario(tmp_path)
    here = render_github(analyze([app], [chart]), "P3")
    seed = min({"1", "2"} - {os.environ.get("PYTHONHASHSEED")})
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(app), str(chart)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(commands(here)) == 5  # every gap of the scenario, P0 to P3
    assert child.stdout == here


def test_output_file_gets_the_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    target = tmp_path / "annotations.txt"
    assert main(args(app, chart, "--format", "github", "--output", str(target))) == 1
    assert capsys.readouterr().out == ""
    assert len(commands(target.read_text())) == 2


@pytest.mark.usefixtures("inputs")  # the scenario, and the working directory it is in
def test_annotation_paths_are_repository_relative(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--clowdapp", "./clowdapp.yaml", "--manifests", "rendered.yaml", "--format", "github"]) == 1
    assert all(c.startswith("::error file=clowdapp.yaml,") for c in commands(capsys.readouterr().out))


def test_step_summary_is_cut_at_a_section_boundary_with_a_note() -> None:
    """Over the limit, the summary keeps the verdict and whole sections, and names those left out."""
    from koku_gap.report.github import cut_at_section
    from koku_gap.report.markdown import render_markdown
    from tests.helpers.files import example_report

    report = example_report()
    full = render_markdown(report)
    limit = len(full.encode("utf-8")) // 2
    text = step_summary(report, "P0", limit=limit)
    assert len(text.encode("utf-8")) <= limit
    assert text.startswith("❌ gap-report: 1 gap(s) at or above P0 fail this run")
    kept, _, note = text.rpartition("\n\n_The report is cut here: ")
    body = kept.split("\n\n", 1)[1]
    assert full.startswith(body) and full[len(body) :].startswith("## ")  # whole sections only
    left = [line[3:] for line in full[len(body) :].splitlines() if line.startswith("## ")]
    assert note.startswith(
        f"it is larger than a job summary may be (1 MiB). Left out: {len(left)} section(s) ("
    )
    assert all(name in note for name in left)
    assert cut_at_section(full, len(full.encode("utf-8"))) == full  # what fits is never cut
