"""``gap-report --app-source [APP[@COMMIT]=]DIR``: the policy's citations checked against an app's
source, and the one-line errors (exit 2) of an app source that cannot be used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from koku_gap.cli import main
from tests.helpers.appsource import QUEUES_APP, QUEUES_CHART, QUEUES_CLOWDAPP
from tests.helpers.engine import clowdapp, deployment, write

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "engine"
MINI_APP = str(FIXTURES / "mini-clowdapp.yaml")  # app shop; clowder-sync is missing P1
MINI_CHART = str(FIXTURES / "mini-rendered.yaml")
POLICY = """extends: default
components:
  clowder-sync:
    status: optional
    priority: P3
    reason: "sync runs elsewhere"
    evidence:
      - {file: shop/sync.py, line: 2, text: "def sync():"}
      - {file: shop/sync.py, line: 1, text: "import os", commit: "abc1234"}
"""


@pytest.fixture
def source(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "sync.py").write_text("import os\ndef sync():\n    pass\n", encoding="utf-8")
    return root


@pytest.fixture
def policy(tmp_path: Path) -> str:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return str(path)


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["--clowdapp", MINI_APP, "--manifests", MINI_CHART, "--format", "json", *args])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def evidence_warnings(report: dict[str, object]) -> list[str]:
    warnings = report["warnings"]
    assert isinstance(warnings, list)
    return [f"{w['code']}: {w['message']}" for w in warnings if "evidence" in w["code"]]


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1, err
    assert err.startswith("gap-report: error: ")
    return err.strip()


def test_an_unnamed_source_is_the_only_apps(
    capsys: pytest.CaptureFixture[str], source: Path, policy: str
) -> None:
    code, report = run_json(capsys, "--policy", policy, "--app-source", str(source))
    assert code == 0
    # the unpinned citation holds; the pinned one waits for the commit, said once
    assert evidence_warnings(report) == [
        f"evidence-unchecked: 1 policy citation(s) of shop name a commit, and the commit of its source "
        f"({source}) is unknown: not checked (name it as shop@COMMIT)"
    ]


def test_a_named_source_with_its_commit_checks_every_citation(
    capsys: pytest.CaptureFixture[str], source: Path, policy: str
) -> None:
    (source / "shop" / "sync.py").write_text("import sys\n\ndef sync():\n", encoding="utf-8")
    code, report = run_json(capsys, "--policy", policy, "--app-source", f"shop@abc1234ff={source}")
    assert code == 0  # stale evidence is a warning, not a gap
    assert evidence_warnings(report) == [
        "stale-evidence: policy components clowder-sync cites shop/sync.py:2 of shop: line 2 reads ''; "
        "the quoted text is now at shop/sync.py:3",
        "stale-evidence: policy components clowder-sync cites shop/sync.py:1 of shop: line 1 reads "
        "'import sys'; the quoted text is nowhere in the file",
    ]
    warnings = report["warnings"]
    assert isinstance(warnings, list)
    assert {(w["file"], w["line"]) for w in warnings if w["code"] == "stale-evidence"} == {
        (policy, 8),
        (policy, 9),
    }


def test_without_the_option_nothing_is_checked(capsys: pytest.CaptureFixture[str], policy: str) -> None:
    code, report = run_json(capsys, "--policy", policy)
    assert code == 0 and evidence_warnings(report) == []


def test_an_unnamed_source_with_two_apps_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, source: Path
) -> None:
    other = write(tmp_path, "billing.yaml", clowdapp("billing", deployments=[deployment("api")]))
    code = main(
        [
            "--clowdapp",
            MINI_APP,
            "--clowdapp",
            str(other),
            "--manifests",
            MINI_CHART,
            "--app-source",
            str(source),
        ]
    )
    assert code == 2
    line = one_error_line(capsys)
    assert line.startswith(
        "gap-report: error: --app-source: a source without an app name needs exactly one ClowdApp app"
    )
    assert "(billing, shop)" in line and "app_sources" not in line


def test_an_app_name_no_clowdapp_has_is_refused(capsys: pytest.CaptureFixture[str], source: Path) -> None:
    code = main(["--clowdapp", MINI_APP, "--manifests", MINI_CHART, "--app-source", f"billing={source}"])
    assert code == 2
    assert one_error_line(capsys) == (
        "gap-report: error: --app-source billing: no ClowdApp app is named 'billing'; "
        "the ClowdApps hold: shop (see gap-report --help)"
    )


def test_a_missing_directory_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    code = main(["--clowdapp", MINI_APP, "--manifests", MINI_CHART, "--app-source", f"shop={missing}"])
    assert code == 2
    line = one_error_line(capsys)
    assert line.startswith(f"gap-report: error: {missing}: application source directory cannot be read")


def test_a_file_is_not_a_source_directory(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--clowdapp", MINI_APP, "--manifests", MINI_CHART, "--app-source", MINI_APP])
    assert code == 2
    assert one_error_line(capsys) == f"gap-report: error: {MINI_APP}: application source is not a directory"


@pytest.mark.parametrize(
    ("values", "says"),
    [
        (["=src"], "--app-source expects [APP[@COMMIT]=]DIR, got '=src'"),
        (["shop="], "--app-source expects [APP[@COMMIT]=]DIR, got 'shop='"),
        (["a", "b"], "--app-source a: name its app (APP=DIR) when more than one is given"),
        (["shop=a", "shop=b"], "--app-source shop=b: app shop is given twice"),
        (
            ["shop=a", "shop@abc1234=b"],
            "--app-source shop@abc1234: app shop is given twice; give one source checkout per app",
        ),
    ],
)
def test_malformed_values_are_refused(
    capsys: pytest.CaptureFixture[str], values: list[str], says: str
) -> None:
    args = [arg for value in values for arg in ("--app-source", value)]
    code = main(["--clowdapp", MINI_APP, "--manifests", MINI_CHART, *args])
    assert code == 2
    assert one_error_line(capsys) == f"gap-report: error: {says} (see gap-report --help)"


PROVEN_QUEUES_WORKER = """---
# Source: depot-onprem/templates/worker-scheduled.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-depot-worker-scheduled
spec:
  selector:
    matchLabels:
      app.kubernetes.io/component: worker-scheduled
  template:
    metadata:
      labels:
        app.kubernetes.io/component: worker-scheduled
    spec:
      containers:
      - name: worker
        image: quay.io/onprem/depot:1.0
        command: [/bin/bash, -c, "celery -A depot worker -Q summary,purge,batch"]
"""


def test_the_gate_fails_on_the_queues_the_code_proves_and_no_other(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def gate(*extra: str, chart: Path = QUEUES_CHART) -> tuple[int, dict[str, str | None]]:
        args = ["--clowdapp", str(QUEUES_CLOWDAPP), "--manifests", str(chart), "--format", "json"]
        code = main([*args, "--fail-on", "P0", *extra])
        out, _ = capsys.readouterr()
        rows = json.loads(out)["rows"]
        return code, {r["clowdapp"]: r["priority"] for r in rows if r["clowdapp"].startswith("worker-")}

    code, priorities = gate("--app-source", f"depot={QUEUES_APP}")
    assert code == 1  # two beats the chart's beat registers send to queues no chart worker consumes
    assert priorities == {
        "worker-default": None,
        "worker-summary": "P0",
        "worker-batch": "P0",
        "worker-export": "P1",
        "worker-priority": "P1",
        "worker-remote": "P3",
    }
    code, assumed = gate()  # without the source: every unconsumed queue is assumed sent to
    assert code == 1 and set(assumed.values()) == {"P0"}
    # a chart that also consumes the proven queues passes the gate with the source, not without it
    fuller = tmp_path / "rendered.yaml"
    fuller.write_text(QUEUES_CHART.read_text(encoding="utf-8") + PROVEN_QUEUES_WORKER, encoding="utf-8")
    code, priorities = gate("--app-source", f"depot={QUEUES_APP}", chart=fuller)
    assert code == 0 and "P0" not in priorities.values()
    assert gate(chart=fuller)[0] == 1
