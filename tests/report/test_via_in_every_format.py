"""Every reporter that says how a chart object plays a part words any ``via`` the same way, from the
model: ``main container X of W`` when the workload's main container does the work before it starts,
``init container X of W`` for an init container, the workload's name alone otherwise."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from koku_gap.model.report import Report, Target
from koku_gap.report.github import render_github
from koku_gap.report.junit import render_junit
from koku_gap.report.markdown import render_markdown
from koku_gap.report.sarif import sarif_log
from tests.helpers.files import ROOT, example_report

ROW = "ledger/db-migrate"  # P2, played (in part) by the chart's ledger-onprem-migrate Job
WORKLOAD = "ledger-onprem-migrate"


@pytest.fixture
def example() -> Report:
    return example_report()


def played_via(report: Report, via: str, container: str | None) -> Report:
    """The example with the migration row's target played through ``via``."""
    rows = []
    for row in report.rows:
        if row.id == ROW:
            (target,) = row.targets
            assert target.name == WORKLOAD
            moved = Target.model_validate({**target.model_dump(), "via": via, "container": container})
            row = row.model_copy(update={"targets": [moved]})
        rows.append(row)
    return report.model_copy(update={"rows": rows})


CASES = [
    ("container", "rosocp", "main container rosocp of ledger-onprem-migrate", "main container"),
    ("container", None, "main container of ledger-onprem-migrate", "main container"),
    ("init-container", "migrate", "init container migrate of ledger-onprem-migrate", "init container"),
    ("workload", "migrate", "ledger-onprem-migrate", None),
]
WITHOUT_LABEL = [(via, container, words) for via, container, words, _label in CASES]  # only Markdown labels


@pytest.mark.parametrize(("via", "container", "words", "label"), CASES)
def test_markdown(example: Report, via: str, container: str | None, words: str, label: str | None) -> None:
    text = render_markdown(played_via(example, via, container))
    quoted = words.replace(WORKLOAD, f"`{WORKLOAD}`")
    if container:
        quoted = quoted.replace(f" {container} ", f" `{container}` ")
    matrix = next(line for line in text.splitlines() if line.startswith("| `db-migrate` |"))
    assert f"| {quoted} (`:" in matrix  # the Chart column names the file
    assert f"- **Current state in the chart**: {quoted} (Job) at " in text
    node = re.search(r'^    (c\d+)\["db-migrate"\]', text, flags=re.M)
    assert node is not None
    edge = next(line for line in text.splitlines() if f"  {node.group(1)} -->|" in line)
    assert edge.split("|")[1] == ("partial" + (f" ({label})" if label else ""))


@pytest.mark.parametrize(("via", "container", "words"), WITHOUT_LABEL)
def test_sarif(example: Report, via: str, container: str | None, words: str) -> None:
    log = sarif_log(played_via(example, via, container))
    (result,) = [r for r in log["runs"][0]["results"] if r["properties"]["id"] == ROW]
    assert result["relatedLocations"][0]["message"]["text"].startswith(f"{words} (Job)")


@pytest.mark.parametrize(("via", "container", "words"), WITHOUT_LABEL)
def test_junit(example: Report, via: str, container: str | None, words: str) -> None:
    root = ET.fromstring(render_junit(played_via(example, via, container), fail_on="P2"))
    (case,) = [c for c in root.iter("testcase") if c.attrib["name"] == "db-migrate"]
    failure = case.find("failure")
    assert failure is not None and failure.text is not None
    assert f"chart: {words} at fixtures/example/rendered.yaml:" in failure.text.replace(str(ROOT) + "/", "")


@pytest.mark.parametrize(("via", "container", "words"), WITHOUT_LABEL)
def test_github(example: Report, via: str, container: str | None, words: str) -> None:
    out = render_github(played_via(example, via, container), fail_on="P2")
    (line,) = [x for x in out.splitlines() if "db-migrate" in x and x.startswith("::warning")]
    assert f"%0AChart: {words} (" in line


def test_json_keeps_the_value(example: Report) -> None:
    data = json.loads(played_via(example, "container", "rosocp").to_json())
    (row,) = [r for r in data["rows"] if r["id"] == ROW]
    assert (row["targets"][0]["via"], row["targets"][0]["container"]) == ("container", "rosocp")
