"""--format sarif (issue 5): SARIF 2.1.0, validated against the OASIS schema when it is available."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from koku_gap.cli import main
from koku_gap.model import rules
from koku_gap.model.graph import RoleKind
from koku_gap.report.sarif import artifact_uri
from tests.helpers.ci import EXPECTED, scenario_argv
from tests.helpers.engine import line_of, write
from tests.helpers.gate import gated, ungated

SCHEMA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "schemas" / "sarif-schema-2.1.0.json"
).resolve()


@pytest.fixture(scope="session")
def validator() -> Any:
    """The SARIF 2.1.0 schema's validator; tests using it skip when the schema is not next to the repo."""
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not available at {SCHEMA}")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid(validator: Any, log: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return scenario_argv(tmp_path, monkeypatch)


def sarif(capsys: pytest.CaptureFixture[str], argv: list[str], code: int | None = None) -> dict[str, Any]:
    got = main([*argv, "--format", "sarif"])
    if code is not None:
        assert got == code
    out, err = capsys.readouterr()
    assert ungated(err) == "" and (code is None or gated(err) == (code == 1))
    log: dict[str, Any] = json.loads(out)
    return log


def by_component(log: dict[str, Any]) -> dict[str, dict[str, Any]]:
    results = log["runs"][0]["results"]
    return {r["locations"][0]["logicalLocations"][0]["name"]: r for r in results}


def test_validates_against_the_schema(
    validator: Any, capsys: pytest.CaptureFixture[str], inputs: list[str], tmp_path: Path
) -> None:
    assert_valid(validator, sarif(capsys, inputs))
    policy = write(tmp_path, "p.yaml", 'extends: default\nwaivers:\n  - {queue: "*_xl", reason: "no XL"}\n')
    assert_valid(validator, sarif(capsys, [*inputs, "--policy", str(policy)]))
    baseline = tmp_path / "b.json"
    assert main([*inputs, "--write-baseline", str(baseline), "--format", "json"]) == 0
    capsys.readouterr()
    assert_valid(validator, sarif(capsys, [*inputs, "--baseline", str(baseline)]))


def test_one_result_per_gap_with_rule_and_level(
    capsys: pytest.CaptureFixture[str], inputs: list[str]
) -> None:
    log = sarif(capsys, inputs, code=1)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(log["runs"]) == 1
    results = by_component(log)
    assert sorted(results) == sorted(EXPECTED)  # matches and chart rows are no results
    level = {"P0": "error", "P1": "error", "P2": "warning", "P3": "note"}
    for name, (status, priority, rule_id) in EXPECTED.items():
        result = results[name]
        assert result["ruleId"] == rule_id
        assert result["level"] == level[priority]
        assert result["properties"]["priority"] == priority
        assert result["properties"]["status"] == status
        assert result["properties"]["id"] == f"shop/{name}"
        assert result["partialFingerprints"] == {"kokuGapComponent/v1": f"shop/{name}"}
        assert "suppressions" not in result and "baselineState" not in result
    assert results["listener"]["message"]["text"] == (
        "listener (kafka-consumer): missing, P0. a Kafka consumer is missing: messages on its topics are "
        "never read, data stops flowing. assumed: a-producer-exists — something deployed (a chart workload, "
        "a dependency or a service outside) produces to the topics the ClowdApp's consumer reads. "
        "Action: add a Deployment for listener"
    )


def test_locations_point_into_both_files(
    capsys: pytest.CaptureFixture[str], inputs: list[str], tmp_path: Path
) -> None:
    results = by_component(sarif(capsys, inputs))
    main([*inputs, "--format", "json"])
    rows = {r["clowdapp"]: r for r in json.loads(capsys.readouterr().out)["rows"]}
    for name in EXPECTED:
        [location] = results[name]["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": "clowdapp.yaml", "uriBaseId": "%SRCROOT%"}
        assert physical["region"]["startLine"] == line_of(tmp_path / "clowdapp.yaml", f"- name: {name}")
        assert physical["region"]["endLine"] == rows[name]["snippet_lines"][1]
        assert location["logicalLocations"][0]["fullyQualifiedName"] == f"shop/{name}"
    # the chart side: the migration job that runs too late
    [related] = results["db-migrate"]["relatedLocations"]
    assert related["id"] == 1
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "rendered.yaml"
    assert related["physicalLocation"]["region"] == {
        "startLine": line_of(tmp_path / "rendered.yaml", "apiVersion: batch/v1")
    }
    assert (
        related["message"]["text"]
        == "rel-shop-migrate (Job), from shop-chart/templates/rel-shop-migrate.yaml"
    )
    assert "relatedLocations" not in results["listener"]  # nothing in the chart plays it


def test_rules_are_described_and_indexed(capsys: pytest.CaptureFixture[str], inputs: list[str]) -> None:
    run = sarif(capsys, inputs)["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "koku-gap"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted({rule_id for _, _, rule_id in EXPECTED.values()})
    for descriptor in driver["rules"]:
        assert descriptor["shortDescription"]["text"]
        assert descriptor["fullDescription"]["text"]
        assert descriptor["help"]["text"]
        assert descriptor["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert re.fullmatch(r"[A-Z][A-Za-z]+", descriptor["name"])
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    kafka = driver["rules"][ids.index("missing-kafka-consumer")]
    assert kafka["name"] == "MissingKafkaConsumer"
    assert kafka["shortDescription"]["text"] == "Kafka consumer missing"
    assert kafka["defaultConfiguration"]["level"] == "error"


def test_deterministic_and_sorted(capsys: pytest.CaptureFixture[str], inputs: list[str]) -> None:
    main([*inputs, "--format", "sarif"])
    first = capsys.readouterr().out
    main([*inputs, "--format", "sarif"])
    assert capsys.readouterr().out == first
    assert not re.search(r"(?i)time|\d{4}-\d{2}-\d{2}T", first)  # no timestamps, no invocation times
    results = json.loads(first)["runs"][0]["results"]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results]
    assert lines == sorted(lines)


def test_waived_results_are_suppressed(
    capsys: pytest.CaptureFixture[str], inputs: list[str], tmp_path: Path
) -> None:
    policy = write(
        tmp_path,
        "p.yaml",
        'extends: default\nwaivers:\n  - {queue: "*_xl", reason: "no XL on-prem", expires: 2030-01-01}\n',
    )
    results = by_component(sarif(capsys, [*inputs, "--policy", str(policy)], code=1))
    assert results["worker-xl"]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "no XL on-prem (until 2030-01-01)"}
    ]
    assert results["worker-xl"]["level"] == "error"  # still what it is; code scanning dismisses it
    assert "suppressions" not in results["listener"]


def test_expired_waiver_is_not_a_suppression(
    capsys: pytest.CaptureFixture[str], inputs: list[str], tmp_path: Path
) -> None:
    policy = write(
        tmp_path,
        "p.yaml",
        "extends: default\nwaivers:\n  - {component: listener, reason: later, expires: 2026-01-01}\n",
    )
    results = by_component(sarif(capsys, [*inputs, "--policy", str(policy), "--today", "2026-01-02"]))
    assert "suppressions" not in results["listener"]
    assert results["listener"]["properties"]["waiverExpired"] == "2026-01-01"
    assert results["listener"]["message"]["text"].startswith(
        "listener (kafka-consumer): missing, P0. waiver expired (component listener, held until 2026-01-01)"
    )


def test_baseline_state(capsys: pytest.CaptureFixture[str], inputs: list[str], tmp_path: Path) -> None:
    baseline = write(
        tmp_path,
        "b.json",
        json.dumps(
            {
                "format": "koku-gap-baseline",
                "version": 1,
                "gaps": [{"id": "missing:shop/worker-xl"}, {"id": "missing:shop/gone"}],
            }
        ),
    )
    log = sarif(capsys, [*inputs, "--baseline", str(baseline)], code=1)
    states = {name: r["baselineState"] for name, r in by_component(log).items()}
    assert states == {name: "unchanged" if name == "worker-xl" else "new" for name in EXPECTED}
    assert log["runs"][0]["properties"]["baseline"] == {"file": str(baseline), "fixed": ["missing:shop/gone"]}


@pytest.mark.parametrize(("fail_on", "code"), [("P0", 1), ("none", 0)])
def test_exit_code_follows_fail_on(
    capsys: pytest.CaptureFixture[str], inputs: list[str], fail_on: str, code: int
) -> None:
    sarif(capsys, [*inputs, "--fail-on", fail_on], code=code)


def test_output_file(capsys: pytest.CaptureFixture[str], inputs: list[str], tmp_path: Path) -> None:
    assert main([*inputs, "--format", "sarif", "--output", "gaps.sarif", "--fail-on", "none"]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads((tmp_path / "gaps.sarif").read_text())["version"] == "2.1.0"


@pytest.mark.parametrize(
    ("file", "uri"),
    [
        ("deploy/clowdapp.yaml", "deploy/clowdapp.yaml"),
        ("./deploy/my app.yaml", "deploy/my%20app.yaml"),
        ("deploy\\clowdapp.yaml", "deploy/clowdapp.yaml"),
        ("/work/deploy/clowdapp.yaml", "file:///work/deploy/clowdapp.yaml"),
        ("C:\\work\\clowdapp.yaml", "file:///C:/work/clowdapp.yaml"),
        ("<stdin>", None),
    ],
)
def test_artifact_uri(file: str, uri: str | None) -> None:
    assert artifact_uri(file) == uri


@pytest.mark.usefixtures("inputs")  # the scenario, and the working directory it is in
def test_stdin_chart_has_no_physical_related_location(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((tmp_path / "rendered.yaml").read_bytes())))
    log = sarif(capsys, ["--clowdapp", "clowdapp.yaml", "--manifests", "-"])
    [related] = by_component(log)["db-migrate"]["relatedLocations"]
    assert "physicalLocation" not in related
    assert related["logicalLocations"] == [{"name": "rel-shop-migrate", "kind": "object"}]


# --- the rule catalogue ---------------------------------------------------------------------------------


def test_every_role_has_a_missing_rule() -> None:
    for kind in RoleKind:
        meta = rules.rule(rules.missing_rule(kind.value))
        assert meta.id == f"missing-{kind.value}"
        assert meta.short.endswith("missing") and meta.full and meta.help
        assert meta.level in ("error", "warning", "note")


@pytest.mark.parametrize(
    "kind",
    [
        "switch-missing",
        "env-missing",
        "resources",
        "replicas",
        "autoscaling",
        "probe-missing",
        "hook-phase",
        "new",
    ],
)
def test_every_drift_kind_has_a_rule(kind: str) -> None:
    meta = rules.rule(rules.drift_rule(kind))
    assert meta.id == f"drift-{kind}" and meta.level == "warning"
    assert "partial_on" in meta.full and meta.help


def test_special_rules_and_fallback() -> None:
    for rule_id in (
        rules.UNCOVERED_QUEUE,
        rules.SCHEDULE_LOST,
        rules.POST_INSTALL_MIGRATION,
        rules.MISSING_SCHEDULED,
        rules.MISSING_DISABLED,
        rules.POLICY_OVERRIDE,
    ):
        assert rules.rule(rule_id).id == rule_id
    assert rules.rule("uncovered-celery-queue").name == "UncoveredCeleryQueue"
    unknown = rules.rule("something-new")
    assert (unknown.id, unknown.level) == ("something-new", "warning")
    assert rules.LEVEL_OF_PRIORITY == {"P0": "error", "P1": "error", "P2": "warning", "P3": "note"}


def test_rows_name_the_rule_that_decided_them(tmp_path: Path) -> None:
    from tests.helpers.engine import (
        celery,
        clowdapp,
        container,
        deployment,
        job,
        manage,
        manifests,
        run,
        workload,
    )

    app = clowdapp(
        deployments=[
            deployment("listener", command=manage("listener")),
            deployment("worker-off", command=celery("off"), replicas=0),
            deployment("api", web="public"),
            deployment("clowder-masu", web="private", env={"MASU": "true"}),
        ],
        jobs=[
            job("nightly", schedule="0 3 * * *", command=manage("cleanup")),
            job("report", schedule="0 4 * * *", command=manage("report")),
        ],
    )
    chart = manifests(
        workload(
            "rel-api",
            command=["gunicorn", "shop.wsgi"],
            http=True,
            init=[container("report", command=manage("report"))],
        )
    )
    policy = write(
        tmp_path,
        "p.yaml",
        "extends: default\nmatch:\n  clowder-masu: rel-api\n"
        "components:\n  api: {status: partial, priority: P2, reason: the API needs work}\n",
    )
    report = run(tmp_path, app, chart, policy=policy)
    assert {r.clowdapp: r.rule for r in report.rows} == {
        "listener": "missing-kafka-consumer",
        "worker-off": "missing-disabled-component",
        "api": "policy-override",
        "clowder-masu": "drift-switch-missing",
        "nightly": "missing-scheduled-job",
        "report": "schedule-lost",
    }
