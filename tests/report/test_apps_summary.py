"""A report of several apps gives each app's share in every format (issue 14): the terminal's summary
lines, the Markdown executive summary's table, SARIF's logical location per app and messages naming the
app, a JUnit suite per app with its share as properties, a GitHub notice and annotation titles naming
the app. One app's report has none of these (its summary is the app's)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from koku_gap.model.report import Report
from koku_gap.report import RenderOptions, render
from koku_gap.report.github import step_summary
from tests.helpers.engine import celery, clowdapp, deployment, manage, manifests, run, workload
from tests.report.test_sarif import SCHEMA, assert_valid


def _two_apps(tmp_path: Path, billing_name: str = "billing") -> Report:
    shop = clowdapp("shop", deployments=[deployment("worker", command=celery("orders"))])
    billing = clowdapp(billing_name, deployments=[deployment("listener", command=manage("listener"))])
    cache = workload("rel-cache", image="docker.io/library/redis:7", command=["redis-server"])
    chart = manifests(workload("rel-worker", command=celery("orders")), cache)
    return run(tmp_path, [shop, billing], chart)


def _one_app(tmp_path: Path) -> Report:
    shop = clowdapp("shop", deployments=[deployment("listener", command=manage("listener"))])
    return run(tmp_path, shop, manifests(workload("rel-worker", command=celery("orders"))))


@pytest.fixture(scope="module")
def sarif_schema() -> Any:
    """The SARIF 2.1.0 schema's validator (skips when the schema is not next to the repository)."""
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not available at {SCHEMA}")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_the_terminal_lists_each_app_with_its_worst_gap(tmp_path: Path) -> None:
    text = render(_two_apps(tmp_path), "terminal", RenderOptions(fail_on="none"))
    lines = text.splitlines()
    assert "app billing: 1 component, 1 P0; worst: listener (P0 missing)" in lines
    assert "app shop: 1 component, no gaps" in lines


def test_the_markdown_summary_has_an_apps_table(tmp_path: Path) -> None:
    text = render(_two_apps(tmp_path), "markdown", RenderOptions(fail_on="none"))
    assert "| App | Components | P0 | P1 | P2 | P3 | Worst gap |" in text
    assert "| `billing` | 1 | 1 | 0 | 0 | 0 | `listener` (P0 missing) |" in text
    assert "| `shop` | 1 | 0 | 0 | 0 | 0 | — |" in text


def test_one_apps_report_has_no_apps_table(tmp_path: Path) -> None:
    shop = clowdapp("shop", deployments=[deployment("worker", command=celery("orders"))])
    report = run(tmp_path, shop, manifests(workload("rel-worker", command=celery("orders"))))
    assert "| App |" not in render(report, "markdown", RenderOptions(fail_on="none"))
    assert not any(line.startswith("app ") for line in render(report, "terminal").splitlines())


def test_sarif_places_each_result_in_its_apps_logical_location(tmp_path: Path, sarif_schema: Any) -> None:
    log = json.loads(render(_two_apps(tmp_path), "sarif", RenderOptions(fail_on="none")))
    assert_valid(sarif_schema, log)
    run_ = log["runs"][0]
    apps = run_["logicalLocations"]
    assert [(a["name"], a["fullyQualifiedName"], a["kind"]) for a in apps] == [
        ("shop", "shop", "module"),
        ("billing", "billing", "module"),
    ]
    assert apps[0]["properties"] == {
        "components": 1,
        "gaps": 0,
        "byPriority": dict.fromkeys(("P0", "P1", "P2", "P3"), 0),
    }
    assert apps[1]["properties"]["highestPriority"] == "P0"
    assert apps[1]["properties"]["worst"] == {"id": "billing/listener", "status": "missing", "priority": "P0"}
    (result,) = run_["results"]
    logical = result["locations"][0]["logicalLocations"][0]
    assert (logical["name"], logical["fullyQualifiedName"], logical["parentIndex"]) == (
        "listener",
        "billing/listener",
        1,
    )
    assert result["properties"]["app"] == "billing"
    # what code scanning shows is the message: it names the app first
    assert result["message"]["text"].startswith("billing/listener (kafka-consumer): missing, P0. ")


def test_one_apps_sarif_has_no_app_locations(tmp_path: Path, sarif_schema: Any) -> None:
    log = json.loads(render(_one_app(tmp_path), "sarif", RenderOptions(fail_on="none")))
    assert_valid(sarif_schema, log)
    run_ = log["runs"][0]
    assert "logicalLocations" not in run_
    (result,) = run_["results"]
    assert "parentIndex" not in result["locations"][0]["logicalLocations"][0]
    assert result["message"]["text"].startswith("listener (kafka-consumer): missing, P0. ")


def _properties(suite: ET.Element) -> dict[str, str]:
    return {p.attrib["name"]: p.attrib["value"] for p in suite.iter("property")}


def test_junit_has_a_suite_per_app_with_its_share(tmp_path: Path) -> None:
    root = ET.fromstring(render(_two_apps(tmp_path), "junit", RenderOptions(fail_on="P0")))
    suites = {s.attrib["name"]: s for s in root.iter("testsuite")}
    assert list(suites) == ["shop", "billing", "shop-chart"]
    billing = suites["billing"]
    assert (billing.attrib["tests"], billing.attrib["failures"]) == ("1", "1")
    assert _properties(billing) == {
        "fail-on": "P0",
        "policy": "<policy:default>",
        "components": "1",
        "gaps": "1",
        "gaps-by-priority": "1 P0",
        "highest-priority": "P0",
        "worst-gap": "listener (P0 missing)",
    }
    shop = _properties(suites["shop"])
    assert (shop["gaps"], shop["gaps-by-priority"], shop["highest-priority"]) == ("0", "no gaps", "none")
    assert "worst-gap" not in shop
    # the chart's own workloads belong to no app: their suite has no app share
    assert "components" not in _properties(suites["shop-chart"])


def test_one_apps_junit_suites_carry_no_share(tmp_path: Path) -> None:
    root = ET.fromstring(render(_one_app(tmp_path), "junit", RenderOptions(fail_on="P0")))
    for suite in root.iter("testsuite"):
        assert set(_properties(suite)) == {"fail-on", "policy"}


def test_github_notices_each_apps_share_and_titles_name_the_app(tmp_path: Path) -> None:
    report = _two_apps(tmp_path)
    lines = render(report, "github", RenderOptions(fail_on="P0")).splitlines()
    assert lines[0] == (
        "::notice title=gap-report%3A 2 apps::app shop: 1 component, no gaps"
        "%0Aapp billing: 1 component, 1 P0; worst: listener (P0 missing)"
    )
    assert lines[1].startswith("::error file=")
    assert (
        ",title=P0 missing-kafka-consumer%3A billing/listener::listener (kafka-consumer) is missing."
        in lines[1]
    )
    assert lines[-1] == "gap-report: 1 gap(s) at or above P0 fail this run (1 open gap(s))"
    # the job summary is the Markdown report, whose summary holds the apps table
    summary = step_summary(report, "P0")
    assert "| `billing` | 1 | 1 | 0 | 0 | 0 | `listener` (P0 missing) |" in summary


def test_github_per_app_text_cannot_forge_a_command(tmp_path: Path) -> None:
    hostile = "billing\n::error file=x::forged,a:b\u001b]52;c;eA==\u0007"
    report = _two_apps(tmp_path, billing_name=hostile)
    out = render(report, "github", RenderOptions(fail_on="P0"))
    for line in out.splitlines():  # every line is one of ours: a command we wrote, or the verdict
        assert line.startswith(("::notice title=gap-report%3A 2 apps::", "::error file=", "gap-report: "))
    assert "\x1b" not in out and "\x07" not in out
    notice = out.splitlines()[0]
    assert "%0Aapp billing\\n::error file=x::forged,a:b\\x1b]52;c;eA==\\x07: 1 component" in notice
    title = out.splitlines()[1].split(",title=", 1)[1].split("::", 1)[0]
    assert ":" not in title.replace("%3A", "") and "," not in title


def test_one_apps_github_log_has_no_apps_notice(tmp_path: Path) -> None:
    lines = render(_one_app(tmp_path), "github", RenderOptions(fail_on="P0")).splitlines()
    assert not [line for line in lines if line.startswith("::notice")]
    assert ",title=P0 missing-kafka-consumer%3A listener::" in lines[0]
