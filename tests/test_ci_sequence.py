"""The CI sequence end to end (issue 5, "Done when"), the GitHub Action's script and the pre-commit hook.

write a baseline -> re-run with it (exit 0) -> lose the chart's Kafka listener (exit 1, the listener row
`missing` and P0), on the real koku/chart corpus pair and on our own scenario.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from koku_gap.cli import main
from koku_gap.model.report import Report
from koku_gap.report.sarif import sarif_log
from tests.helpers.ci import args, rows_by_name, run_json, scenario

ROOT = Path(__file__).resolve().parents[1]
KOKU = "koku/clowdapp-2026-08-14-f6cc00b31.yaml"
CHART = "chart/cost-onprem-2026-02-12-7cc5007a.yaml"
SCHEMA = (ROOT / ".." / "shared" / "schemas" / "sarif-schema-2.1.0.json").resolve()


def without_document(text: str, kind: str, name: str) -> str:
    """The stream without the one ``---`` document of this kind and name: text surgery, no YAML parser."""
    documents = re.split(r"(?m)^(?=---[ \t]*$)", text)
    doomed = [
        d
        for d in documents
        if re.search(rf"(?m)^kind:[ \t]*{re.escape(kind)}[ \t]*$", d)
        and re.search(rf"(?m)^  name:[ \t]*{re.escape(name)}[ \t]*$", d)
    ]
    assert len(doomed) == 1, f"{len(doomed)} {kind} documents named {name}"
    return "".join(d for d in documents if d is not doomed[0])


def test_without_document() -> None:
    stream = "---\nkind: Deployment\nmetadata:\n  name: a\n---\nkind: Service\nmetadata:\n  name: a\n"
    assert without_document(stream, "Deployment", "a") == "---\nkind: Service\nmetadata:\n  name: a\n"
    with pytest.raises(AssertionError):
        without_document(stream, "Deployment", "b")


def test_corpus_sequence(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, chart = corpus / KOKU, corpus / CHART
    baseline = tmp_path / "baseline.json"

    # 1. record the gaps the chart has today: exit 0 although there are P0 gaps
    code, first = run_json(args(app, chart, "--policy", "default", "--write-baseline", str(baseline)), capsys)
    assert code == 0
    assert first["summary"]["highest_priority"] == "P0"
    recorded = json.loads(baseline.read_text())["gaps"]
    assert [g["id"] for g in recorded] == sorted(first["baseline"]["known"])
    assert "koku/clowder-sources-listener" in first["baseline"]["known"]
    assert rows_by_name(first)["clowder-listener"]["status"] == "match"

    # 2. the same chart against the baseline: nothing new, exit 0
    code, second = run_json(args(app, chart, "--policy", "default", "--baseline", str(baseline)), capsys)
    assert code == 0
    assert second["baseline"]["new"] == [] and second["baseline"]["fixed"] == []

    # 3. a copy of the chart without its Kafka listener: a new P0 gap fails the run
    copy = tmp_path / "rendered.yaml"
    copy.write_text(without_document(chart.read_text(), "Deployment", "cost-onprem-koku-listener"))
    code, third = run_json(args(app, copy, "--policy", "default", "--baseline", str(baseline)), capsys)
    assert code == 1
    listener = rows_by_name(third)["clowder-listener"]
    assert (listener["status"], listener["priority"]) == ("missing", "P0")
    assert (listener["rule"], listener["baselined"]) == ("missing-kafka-consumer", False)
    assert third["baseline"]["new"] == ["koku/clowder-listener"]
    assert third["baseline"]["fixed"] == []
    assert [r["clowdapp"] for r in third["rows"] if r["priority"] == "P0" and not r["baselined"]] == [
        "clowder-listener"
    ]

    # the real report as SARIF: valid, and the new gap is the one `new` result
    log = sarif_log(Report.model_validate(third))
    results = log["runs"][0]["results"]
    assert [r["properties"]["id"] for r in results if r["baselineState"] == "new"] == [
        "koku/clowder-listener"
    ]
    if SCHEMA.is_file():
        jsonschema = pytest.importorskip("jsonschema")
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        jsonschema.validators.validator_for(schema)(schema).validate(log)


def test_scenario_sequence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same sequence on our own files, so it runs without the corpus too."""
    app, chart = scenario(tmp_path, listener=True)
    baseline = tmp_path / "baseline.json"
    assert main(args(app, chart, "--write-baseline", str(baseline))) == 0
    assert main(args(app, chart)) == 1  # without the baseline the chart's P0 gap (worker-xl) fails
    assert main(args(app, chart, "--baseline", str(baseline))) == 0
    capsys.readouterr()
    copy = tmp_path / "copy.yaml"
    copy.write_text(without_document(chart.read_text(), "Deployment", "rel-shop-listener"))
    code, report = run_json(args(app, copy, "--baseline", str(baseline)), capsys)
    assert code == 1
    listener = rows_by_name(report)["listener"]
    assert (listener["status"], listener["priority"]) == ("missing", "P0")
    assert report["baseline"]["new"] == ["shop/listener"]


# --- the composite action ---------------------------------------------------------------------------


def load_yaml(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(ROOT / "action.yml")
    return data


def test_action_inputs(action: dict[str, Any]) -> None:
    inputs = action["inputs"]
    assert {"clowdapp", "manifests", "policy", "fail-on", "baseline", "format"} <= set(inputs)
    assert inputs["clowdapp"]["required"] is True
    assert inputs["manifests"]["required"] is False and inputs["chart"]["required"] is False  # one of them
    assert (inputs["fail-on"]["default"], inputs["policy"]["default"], inputs["format"]["default"]) == (
        "P0",
        "default",
        "github",
    )
    assert all(spec.get("description") for spec in inputs.values())
    assert action["runs"]["using"] == "composite"


def test_action_scripts_never_interpolate_inputs(action: dict[str, Any]) -> None:
    """Inputs reach the scripts through env: `${{ inputs.x }}` inside `run:` would be script injection."""
    steps = action["runs"]["steps"]
    assert [s["id"] for s in steps] == ["install", "run"]
    for step in steps:
        assert step["shell"] == "bash"
        assert "${{" not in step["run"]
        assert step["run"].startswith("set -euo pipefail\n")
    install = steps[0]["run"]
    assert 'pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"' in install
    declared = set(re.findall(r"\binputs\.([a-z-]+)", json.dumps(steps)))
    assert declared <= set(action["inputs"])


def checkout_gap_report(directory: Path) -> Path:
    """A ``gap-report`` that runs this checkout's code (an installed console script may be another's)."""
    shim = directory / "gap-report-shim"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m koku_gap.cli "$@"\n')
    shim.chmod(0o755)
    return shim


@pytest.fixture
def run_step(action: dict[str, Any], tmp_path: Path) -> Any:
    """Run the action's `run` step in bash as the runner would, with our gap-report."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    gap_report = checkout_gap_report(tmp_path)
    script = action["runs"]["steps"][1]["run"]
    scenario(tmp_path)

    def run(**inputs: str) -> tuple[int, str, str]:
        output = tmp_path / "github_output"
        output.write_text("")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GAP_REPORT": str(gap_report),
            "GITHUB_OUTPUT": str(output),
            "RUNNER_TEMP": str(tmp_path),
            "INPUT_POLICY": "default",
            "INPUT_FAIL_ON": "P0",
            "INPUT_FORMAT": "github",
            **{
                f"INPUT_{k.upper()}": ""
                for k in (
                    "clowdapp",
                    "manifests",
                    "chart",
                    "values",
                    "compare_ref",
                    "baseline",
                    "output",
                    "params",
                    "args",
                )
            },
            **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
        }
        done = subprocess.run(
            [bash, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )
        return done.returncode, done.stdout, output.read_text()

    return run


def test_action_run_step_gates(run_step: Any, tmp_path: Path) -> None:
    code, out, _ = run_step(clowdapp="clowdapp.yaml\n", manifests="  rendered.yaml  \n\n")
    assert code == 1
    assert out.splitlines()[0] == (
        "gap-report --clowdapp clowdapp.yaml --manifests rendered.yaml "
        "--policy default --fail-on P0 --format github"
    )
    assert sum(line.startswith("::error ") for line in out.splitlines()) == 2
    # with a baseline the same chart passes; params and extra args reach gap-report
    assert (
        main(
            args(
                tmp_path / "clowdapp.yaml",
                tmp_path / "rendered.yaml",
                "--write-baseline",
                str(tmp_path / "b.json"),
            )
        )
        == 0
    )
    code, out, _ = run_step(
        clowdapp="clowdapp.yaml",
        manifests="rendered.yaml",
        baseline="b.json",
        params="ENV_NAME=ci\nMGMT_COMMAND=python manage.py check",
        args="--fail-on P3",
    )
    assert code == 0, out
    assert "--param ENV_NAME=ci --param MGMT_COMMAND=python manage.py check" in out.splitlines()[0]
    assert out.splitlines()[-1].startswith("gap-report: no gap at or above P3 fails this run")


def test_action_run_step_writes_the_report(run_step: Any, tmp_path: Path) -> None:
    code, out, github_output = run_step(
        clowdapp="clowdapp.yaml",
        manifests="rendered.yaml",
        format="sarif",
        output="gaps.sarif",
        fail_on="none",
    )
    assert code == 0, out
    assert github_output.splitlines()[:2] == [
        "report=gaps.sarif",
        f"comment={tmp_path}/gap-report-comment.md",
    ]
    assert json.loads((tmp_path / "gaps.sarif").read_text())["version"] == "2.1.0"


def test_action_run_step_bad_input_exits_2(run_step: Any) -> None:
    code, _, _ = run_step(clowdapp="nope.yaml", manifests="rendered.yaml")
    assert code == 2


# --- pre-commit -----------------------------------------------------------------------------------------


def test_pre_commit_hook() -> None:
    hooks = load_yaml(ROOT / ".pre-commit-hooks.yaml")
    [hook] = hooks
    assert hook["id"] == "gap-report"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert hook["entry"] in scripts  # pre-commit installs the package; the entry is its console script
    assert hook["args"] == ["--fail-on", "P0"]
    assert re.search(hook["files"], "deploy/clowdapp.yaml") and re.search(hook["files"], "templates/_x.tpl")
    assert not re.search(hook["files"], "README.md")
