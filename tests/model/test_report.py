"""What the Report model decides once for every reporter: row groups, CI levels, summary counts,
the chart nodes' status, how a target plays its part (``via``) in words, how alike warnings group, and
its JSON text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import koku_gap
from koku_gap.engine.policy import Policy, Waiver, load_policy
from koku_gap.model.location import Notice, SourceRef
from koku_gap.model.report import Assumption, KafkaTopic, Report, Row, Target, TopicParty
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
from koku_gap.report.markdown import render_markdown
from koku_gap.sources.clowdapp import load_clowdapp
from tests.helpers.files import ROOT, example_report

JSON_DOC = ROOT / "docs" / "json.md"


@pytest.fixture
def report() -> Report:
    return example_report()


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


# --- warning groups -----------------------------------------------------------------------------------------
# Alike warnings are grouped by the Report (file, code, shape), not by each reporter.


def report_with(warnings: list[Notice]) -> Report:
    base = Report.model_validate_json((Path(__file__).parents[1] / "golden" / "example.json").read_text())
    return base.model_copy(update={"warnings": warnings})


def test_numbers_alone_do_not_split_a_group() -> None:
    dup = [
        Notice(
            code="duplicate-key", file="c.yaml", line=n, message=f"duplicate key 'x' (first at line {n - 1})"
        )
        for n in (10, 20, 30, 40)
    ]
    other = Notice(
        code="duplicate-key", file="c.yaml", line=50, message="duplicate key 'y' (first at line 49)"
    )
    groups = report_with([*dup, other]).warning_groups()
    assert [(g.summary, g.lines) for g in groups] == [
        ("duplicate key 'x'", [10, 20, 30, 40]),
        ("duplicate key 'y'", [50]),
    ]


def test_the_group_text_joins_what_names_differ_in() -> None:
    alike = [
        Notice(
            code="unknown-key",
            file="a.yaml",
            line=n,
            message=f"bad key in job '{n}'",
            group="bad key in a job",
        )
        for n in (1, 2, 3, 4)
    ]
    [group] = report_with(alike).warning_groups()
    assert group.summary == "bad key in a job" and len(group.warnings) == 4
    markdown = render_markdown(report_with(alike))
    assert "- `a.yaml` (unknown-key) × 4: bad key in a job — lines 1, 2, 3, 4" in markdown
    few = render_markdown(report_with(alike[:2]))
    assert "- `a.yaml:1` (unknown-key): bad key in job '1'" in few  # few: each with its own message


def test_different_files_and_codes_never_share_a_group() -> None:
    w = [
        Notice(code="a", file="x.yaml", line=1, message="m"),
        Notice(code="b", file="x.yaml", line=2, message="m"),
        Notice(code="a", file="y.yaml", line=3, message="m"),
    ]
    assert len(report_with(w).warning_groups()) == 3


def test_unknown_keys_of_many_jobs_share_one_group(tmp_path: Path) -> None:
    jobs = "".join(
        f"  - name: job-{n}\n    podSpec:\n      image: quay.io/x/app:1\n      securityContext: {{}}\n"
        for n in range(3)
    )
    app = tmp_path / "app.yaml"
    app.write_text(
        "apiVersion: cloud.redhat.com/v1alpha1\nkind: ClowdApp\nmetadata: {name: app}\n"
        f"spec:\n  jobs:\n{jobs}"
    )
    warnings = [w for w in load_clowdapp(app).warnings if w.code == "unknown-key"]
    assert len(warnings) == 3
    assert {w.group for w in warnings} == {
        "ClowdApp app: unknown key 'securityContext' in the podSpec of a job, ignored (not a ClowdApp field)"
    }
    assert "job 'job-1'" in warnings[1].message


# --- JSON text ----------------------------------------------------------------------------------------------
# ``Report.to_json`` is serialised by pydantic-core: the same text ``json.dumps(indent=2)`` writes.


def test_to_json_is_json_dumps_text(report: Report) -> None:
    assert report.to_json() == json.dumps(report.to_dict(), indent=2) + "\n"


def test_non_ascii_is_escaped_as_json_dumps_does(report: Report) -> None:
    odd = Notice(code="x", file="é€😀.yaml", line=1, message="naïve — “quoted” \x07 bell")
    with_odd = report.model_copy(update={"warnings": [odd]})
    assert with_odd.to_json() == json.dumps(with_odd.to_dict(), indent=2) + "\n"
    assert with_odd.to_json().isascii()


def test_the_corpus_reports_too(corpus: Path) -> None:
    koku = sorted((corpus / "koku").glob("*.yaml"))[-1]
    chart = corpus / "chart" / "cost-onprem-2026-02-12-7cc5007a.yaml"
    full = koku_gap.analyze(koku, chart, policy="koku")
    assert full.to_json() == json.dumps(full.to_dict(), indent=2) + "\n"


def test_gaps_take_a_priority_in_any_case_and_name_the_allowed_ones(report: Report) -> None:
    assert report.gaps("p2") == report.gaps("P2") and report.failing("p0") == report.failing("P0")
    assert report.gaps("none") == [] and report.gaps() == report.gaps("P3")
    with pytest.raises(ValueError, match=r"no priority 'urgent': use one of P0, P1, P2, P3 \(any case\)"):
        report.gaps(min_priority="urgent")


def test_rows_order_by_priority_then_status_then_file() -> None:
    rows = [
        _row("match"),
        _row("optional", "P1"),
        _row("missing", "P1"),
        _row("partial", "P0"),
        _row("extra"),
        _row("missing", "P1", clowdapp="d"),
    ]
    report = example_report().model_copy(update={"rows": rows})
    assert [(r.priority, r.status, r.clowdapp) for r in report.ordered_rows()] == [
        ("P0", "partial", "c"),
        ("P1", "missing", "c"),
        ("P1", "missing", "d"),
        ("P1", "optional", "c"),
        (None, "match", "c"),
        (None, "extra", "c"),
    ]


def test_why_is_the_deciding_reasons_less_the_assumptions() -> None:
    assumed = Assumption(name="a-sender-exists", statement="something sends")
    row = _row("missing", "P0", reasons=["queue q has no consumer", assumed.words, "deployed at 0"])
    assert row.why == ["queue q has no consumer", "deployed at 0"]
    assert _row("missing", "P0", reasons=[assumed.words]).why == [assumed.words]  # all it has
    assert _row("match").why == []


# --- Kafka topics ------------------------------------------------------------------------------------------


def _party(name: str, **fields: Any) -> TopicParty:
    values: dict[str, Any] = {
        "name": name,
        "side": "clowdapp",
        "app": name.split("/")[0],
        "part": "names",
        "said_by": "env",
        "detail": "env T_TOPIC",
        "source": SourceRef(file="a.yaml", line=3),
    }
    return TopicParty(**{**values, **fields})


def test_a_topic_party_says_who_and_where_it_runs() -> None:
    assert _party("shop/listener", deployed=["rel-listener"]).describe() == "shop/listener in rel-listener"
    assert _party("shop/listener").describe() == "shop/listener, not deployed"
    assert _party("shop", said_by="kafkaTopics", deployed=["rel-api"]).describe() == "shop"  # the app's
    chart = {"side": "chart", "app": None, "plays": ["till/register"]}
    assert _party("rel-checkout", deployed=["rel-checkout"], **chart).describe(lambda s: f"`{s}`") == (
        "`rel-checkout` as `till/register`"
    )
    assert _party("rel-checkout", **chart).describe() == "rel-checkout as till/register at replicas: 0"


def test_a_topic_sorts_its_parties_by_what_the_evidence_says() -> None:
    declared = _party("shop", said_by="kafkaTopics", detail="kafkaTopics")
    producer = _party("till/register", part="produces", known_by="env-name")
    consumer = _party("shop/listener", part="consumes", said_by="code", known_by="code")
    naming = _party("books/keeper")
    topic = KafkaTopic(name="shop.payments", parties=[declared, producer, consumer, naming])
    assert (topic.declared, topic.producers, topic.consumers, topic.naming) == (
        [declared],
        [producer],
        [consumer],
        [naming],
    )


def test_json_has_topics_only_when_there_are_some(report: Report) -> None:
    data = json.loads(report.to_json())
    assert [t["name"] for t in data["topics"]] == [
        "platform.ledger.postings",
        "platform.notifications.ingress",
    ]
    assert set(data["topics"][0]["parties"][0]) == {
        "name", "side", "app", "part", "said_by", "detail", "source", "known_by", "deployed", "plays",
    }  # fmt: skip
    assert "topics" not in json.loads(report.model_copy(update={"topics": []}).to_json())
    assert Report.model_validate(data).topics == report.topics
