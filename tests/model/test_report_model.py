"""What the Report model decides once for every reporter: row groups, CI levels, summary counts,
the chart nodes' status, and how a target plays its part (``via``) in words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import koku_gap
from koku_gap.engine.policy import Policy, Waiver, load_policy
from koku_gap.model.location import SourceRef
from koku_gap.model.report import Report, Row, Target
from koku_gap.model.vocabulary import (
    DETAILED_PRIORITIES,
    GAP_STATUSES,
    GROUP_OF_STATUS,
    GROUP_ORDER,
    LEVEL_OF_PRIORITY,
    PRIORITIES,
    STATUS_ORDER,
    Priority,
    Status,
)

ROOT = Path(__file__).resolve().parents[2]
JSON_DOC = ROOT / "docs" / "json.md"


@pytest.fixture(scope="module")
def report() -> Report:
    return koku_gap.analyze(
        clowdapps=[ROOT / "fixtures/example/clowdapp.yaml"],
        manifests=[ROOT / "fixtures/example/rendered.yaml"],
    )


def _row(status: str, priority: str | None = None, **extra: Any) -> Row:
    return Row.model_validate(
        {
            "id": f"{status}:app/c",
            "app": "app",
            "clowdapp": "c",
            "chart": [],
            "role": "web-api",
            "kind": "Deployment",
            "status": status,
            "priority": priority,
            "source": None,
            **extra,
        }
    )


def test_every_status_has_one_group_and_gaps_are_lacking_or_optional() -> None:
    assert set(GROUP_OF_STATUS) == set(STATUS_ORDER)
    assert set(GROUP_OF_STATUS.values()) == set(GROUP_ORDER)
    assert {s for s, g in GROUP_OF_STATUS.items() if g in ("lacking", "optional")} == GAP_STATUSES
    assert {s for s, g in GROUP_OF_STATUS.items() if g == "covered"} == {"match", "consolidated"}
    assert {s for s, g in GROUP_OF_STATUS.items() if g == "beyond"} == {"better", "infra", "extra"}


@pytest.mark.parametrize("status", STATUS_ORDER)
def test_group_follows_the_status_whatever_the_input_says(status: Status) -> None:
    assert _row(status).group == GROUP_OF_STATUS[status]
    stale = "beyond" if GROUP_OF_STATUS[status] != "beyond" else "covered"
    assert _row(status, group=stale).group == GROUP_OF_STATUS[status]


@pytest.mark.parametrize("priority", PRIORITIES)
def test_level_follows_the_priority(priority: Priority) -> None:
    row = _row("missing", priority)
    assert row.level == LEVEL_OF_PRIORITY[priority]
    assert row.is_finding and row.is_gap
    assert row.is_detailed == (priority in DETAILED_PRIORITIES)
    assert _row("match").level is None and not _row("match").is_finding


def test_a_waived_gap_is_a_finding_but_not_a_gap() -> None:
    row = _row("partial", "P1", waived=True)
    assert row.is_finding and not row.is_gap and row.level == "error"


def test_rule_id_falls_back_on_status_and_role() -> None:
    assert _row("missing", "P0", rule="missing-web-api").rule_id == "missing-web-api"
    assert _row("missing", "P0").rule_id == "missing-web-api"
    assert _row("optional", "P3").rule_id == "optional-web-api"


def test_json_carries_group_and_level_and_loads_back(report: Report) -> None:
    data = json.loads(report.to_json())
    for row in data["rows"]:
        assert row["group"] == GROUP_OF_STATUS[row["status"]]
        assert row["level"] == (LEVEL_OF_PRIORITY[row["priority"]] if row["priority"] else None)
    assert Report.model_validate(data) == report


def test_summary_counts_groups_and_waivers(report: Report) -> None:
    s = report.summary
    assert list(s.by_group) == list(GROUP_ORDER)
    assert s.by_group == {g: sum(1 for r in report.rows if r.group == g) for g in GROUP_ORDER}
    assert sum(s.by_group.values()) == len(report.rows)
    assert s.by_group == {"covered": 8, "lacking": 4, "optional": 2, "beyond": 5}
    assert s.waived == 0
    waived = koku_gap.analyze(
        clowdapps=[ROOT / "fixtures/example/clowdapp.yaml"],
        manifests=[ROOT / "fixtures/example/rendered.yaml"],
        policy=_waiver_policy(),
    )
    assert waived.summary.waived == sum(1 for r in waived.rows if r.waived) == 1


def _waiver_policy() -> Policy:
    waiver = Waiver(component="clowder-sync", reason="not on-prem")
    return load_policy(None).model_copy(update={"waivers": (waiver,)})


def test_an_older_summary_without_the_new_fields_still_loads(report: Report) -> None:
    data = report.to_dict()
    for key in ("by_group", "waived"):
        del data["summary"][key]
    for row in data["rows"]:
        del row["group"], row["level"]
    loaded = Report.model_validate(data)
    assert loaded.summary.waived == 0 and loaded.summary.by_group == {}
    assert [r.group for r in loaded.rows] == [r.group for r in report.rows]  # rows derive it again


def test_chart_status_is_the_first_row_naming_each_workload(report: Report) -> None:
    status = report.chart_status()
    names = [n for r in report.rows for n in r.chart]
    assert list(status) == list(dict.fromkeys(names))
    for name, value in status.items():
        assert value == next(r.status for r in report.rows if name in r.chart)
    assert status["ledger-onprem-api"] == "consolidated"


def test_describe_words_each_via() -> None:
    def code(text: str) -> str:
        return f"`{text}`"

    whole = Target(name="koku-api", kind="Deployment", source=SourceRef(file="f", line=1), container="api")
    assert (whole.via_words, whole.describe(), whole.describe(code)) == (None, "koku-api", "`koku-api`")
    init = whole.model_copy(update={"via": "init-container", "container": "migrate"})
    assert init.describe(code) == "init container `migrate` of `koku-api`"
    main = whole.model_copy(update={"via": "container", "container": "rosocp"})
    assert main.describe() == "main container rosocp of koku-api"
    unnamed = main.model_copy(update={"container": None})
    assert unnamed.describe(code) == "main container of `koku-api`"
    future = whole.model_construct(**{**whole.model_dump(), "via": "sidecar-container"})
    assert future.describe() == "sidecar container api of koku-api"  # a new value needs no reporter change


def test_json_doc_documents_the_new_fields() -> None:
    doc = JSON_DOC.read_text(encoding="utf-8")
    for phrase in ("`group`", "`level`", "`summary.by_group`", "`summary.waived`", *GROUP_ORDER):
        assert phrase in doc, phrase


def test_a_target_holds_one_source_ref_and_its_json_stays_flat() -> None:
    from koku_gap.model.location import SourceRef

    target = Target(name="w", kind="Job", source=SourceRef(file="r.yaml", line=3, template="c/t.yaml"))
    flat = {"name": "w", "kind": "Job", "file": "r.yaml", "line": 3, "template": "c/t.yaml"}
    assert target.model_dump(mode="json") == {**flat, "via": "workload", "container": None}
    assert list(target.model_dump()) == ["name", "kind", "file", "line", "template", "via", "container"]
    assert Target.model_validate_json(target.model_dump_json()) == target == Target(**flat)
    assert (target.file, target.line, target.template) == ("r.yaml", 3, "c/t.yaml")


def test_every_location_in_a_report_is_a_source_ref(report: Report) -> None:
    from koku_gap.model.location import SourceRef

    located = [r.source for r in report.rows if r.source] + [t.source for r in report.rows for t in r.targets]
    located += [p.source for p in report.platform]
    assert located and all(type(where) is SourceRef for where in located)
