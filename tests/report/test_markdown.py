"""The Markdown report: its structure, its truthfulness and the notebook hooks; where it says the chart
side is and how it words its lists so they agree with the rows: chart file:line in the matrix and drift
headings, lacking apart from partly there, rows that need no action on one line, and an optional row's
template offered only for if it is deployed. (The terminal view: test_terminal.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import koku_gap
from koku_gap.model.report import Report, Row, Target
from koku_gap.report.markdown import _facts, _pattern, render_compact, render_markdown, render_row
from tests.helpers.files import ROOT, TOPICS, LineFinder, example_report, topics_report
from tests.helpers.markdown import SECTIONS

NONE_ACTION = "none while the policy's reason holds; revisit it if it stops holding"


@pytest.fixture
def report() -> Report:
    return example_report()


def section(text: str, heading: str) -> str:
    return text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def matrix_line(text: str, row: Row) -> str:
    first = f"| `{row.clowdapp}` |" if row.clowdapp else f"| — | {row.role} | — | `{row.chart[0]}` ("
    return next(
        line for line in section(text, "Deployment comparison matrix").splitlines() if line.startswith(first)
    )


def with_rows(report: Report, update: dict[str, dict[str, object]]) -> Report:
    """The report with some rows (by clowdapp name) changed; an action of nothing asks nothing now,
    as the engine would say (``Row.act_now``)."""
    for change in update.values():
        if change.get("action") == NONE_ACTION:
            change.setdefault("act_now", False)
    rows = [r.model_copy(update=update[r.clowdapp]) if r.clowdapp in update else r for r in report.rows]
    return report.model_copy(update={"rows": rows})


# --- structure ----------------------------------------------------------------------------------------------


def test_markdown_has_every_section_in_order(report: Report) -> None:
    text = render_markdown(report)
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == list(SECTIONS)


def test_matrix_has_one_line_per_row(report: Report) -> None:
    text = render_markdown(report)
    matrix = text.split("## Deployment comparison matrix")[1].split("##")[0]
    lines = [
        line for line in matrix.splitlines() if line.startswith("| ") and not line.startswith("| Component")
    ]
    assert len(lines) == len(report.rows)
    for row in report.rows:
        if row.clowdapp:
            assert sum(f"| `{row.clowdapp}` |" in line for line in lines) == 1


def test_each_detailed_gap_shows_the_real_clowdapp_lines(report: Report) -> None:
    text = render_markdown(report)
    source = (ROOT / "fixtures/example/clowdapp.yaml").read_text(encoding="utf-8").splitlines()
    for row in report.rows:
        if row.priority not in ("P0", "P1", "P2"):
            continue
        assert f"### {row.priority} · `{row.clowdapp}`" in text
        assert row.snippet and row.source and row.clowdapp
        assert f"- name: {row.clowdapp}" in row.snippet
        assert source[row.source.line - 1].strip().endswith(row.clowdapp)
        for kept in (
            line for line in row.snippet.splitlines() if "not shown" not in line and "more lines" not in line
        ):
            assert any(kept.strip() == s.strip() for s in source), kept


def test_suggested_templates_only_for_rows_without_counterpart(report: Report) -> None:
    for row in report.rows:
        if row.remediation is not None:
            assert not row.targets and row.status in ("missing", "partial", "optional")
    text = render_markdown(report)
    assert "Suggested Helm template <code>templates/clowder-worker-export-deployment.yaml</code>" in text


def test_mermaid_block_has_every_component_and_edge(report: Report) -> None:
    text = render_markdown(report)
    block = text.split("```mermaid\n")[1].split("```")[0]
    assert block.startswith("flowchart LR")
    for row in report.rows:
        for name in [*([row.clowdapp] if row.clowdapp else []), *row.chart]:
            assert f'["{name}"]' in block
    edges = [line for line in block.splitlines() if "-->|" in line]
    assert len(edges) == sum(len(r.targets) for r in report.rows if r.clowdapp)


def test_date_only_when_given(report: Report) -> None:
    assert "**Date**" not in render_markdown(report)
    assert "**Date**: 2026-11-26" in render_markdown(report, date="2026-11-26")


def test_notebook_hooks(report: Report) -> None:
    """A notebook shows the summary and the matrix; one row in full on request; short reprs."""
    shown = report._repr_markdown_()
    assert shown == render_compact(report)
    assert re.findall(r"^## (.+)$", shown, flags=re.M) == [
        "Executive summary",
        "Deployment comparison matrix",
    ]
    assert len(shown) < len(report.to_markdown()) / 3 and report.to_markdown() == render_markdown(report)
    detail = report.details("clowder-worker-export")
    assert detail._repr_markdown_() == str(detail) == render_row(report, report.row("clowder-worker-export"))
    assert detail.startswith("### P0 · `clowder-worker-export` — ❌ missing")
    assert "Suggested Helm template `templates/clowder-worker-export-deployment.yaml`" in detail
    assert report.details("ledger-onprem-ui").startswith("### `ledger-onprem-ui` — ➕ extra")
    with pytest.raises(KeyError, match="no row named 'nope'"):
        report.details("nope")
    assert all(r.priority in ("P0", "P1") for r in report.gaps(min_priority="P1"))
    assert report.gaps("p1") == report.gaps("P1") and {r.id for r in report.gaps("P3")} >= {
        r.id for r in report.gaps("P1")
    }
    assert report.to_dict()["schema_version"] == 1


@pytest.mark.parametrize("bad", ["P9", "high", ""])
def test_a_bad_priority_names_the_allowed_ones(report: Report, bad: str) -> None:
    with pytest.raises(ValueError, match="use one of P0, P1, P2, P3"):
        report.gaps(min_priority=bad)


def test_reprs_are_one_short_line(report: Report) -> None:
    source = koku_gap.load_clowdapp(ROOT / "fixtures/example/clowdapp.yaml")
    for thing in (report, report.rows[0], source):
        text = repr(thing)
        assert "\n" not in text and len(text) < 300, text
    assert repr(report).startswith("<Report ledger: 14 components, 12 chart workloads, 19 rows, gaps: ")
    assert repr(report.row("clowder-worker-export")).startswith(
        "<Row ledger/clowder-worker-export missing P0: "
    )
    assert repr(source).startswith("<ComponentGraph clowdapp: 14 components")


def test_records_are_flat_and_one_per_row(report: Report) -> None:
    records = report.to_records()
    assert [r["id"] for r in records] == [r.id for r in report.rows]
    flat = (str, int, bool, type(None))
    assert all(isinstance(v, flat) for record in records for v in record.values())
    export = next(r for r in records if r["clowdapp"] == "clowder-worker-export")
    assert export["priority"] == "P0" and export["queues"] == "export"
    assert export["template"] == "templates/clowder-worker-export-deployment.yaml"
    assert export["source"].endswith("clowdapp.yaml:428")


# --- wording ------------------------------------------------------------------------------------------------


def test_the_matrix_shows_where_each_chart_object_is(report: Report) -> None:
    """One file a side: the column names it once, the cells give the line."""
    text = render_markdown(report)
    matrix = section(text, "Deployment comparison matrix")
    assert "| Component | Role | ClowdApp (`clowdapp.yaml`) | Chart (`rendered.yaml`) |" in matrix
    migrate = next(r for r in report.rows if r.clowdapp == "db-migrate")
    assert "| `db-migrate` | migration | `:560` | `ledger-onprem-migrate` (`:880`) |" in matrix_line(
        text, migrate
    )
    for row in report.rows:
        cells = matrix_line(text, row).split(" | ")
        for t in row.targets:
            assert f"`{t.name}` (`:{t.line}`)" in cells[3]
        if not row.targets:
            assert cells[3] == "—"


def test_the_matrix_lists_rows_by_priority_then_status(report: Report) -> None:
    lines = [
        x
        for x in section(render_markdown(report), "Deployment comparison matrix").splitlines()
        if x.startswith("| `") or x.startswith("| — |")
    ]
    assert len(lines) == len(report.rows)
    for line, row in zip(lines, report.ordered_rows(), strict=True):
        assert line == matrix_line(render_markdown(report), row)


def test_each_drift_heading_shows_the_chart_location(report: Report) -> None:
    drift = section(render_markdown(report), "Drift in matched components")
    assert "(chart lines in `rendered.yaml`)" in drift
    headings = [line for line in drift.splitlines() if line.startswith("- `")]
    rows = [r for r in report.rows if r.drift and r.group == "covered"]
    assert len(headings) == len(rows)
    for line, row in zip(headings, rows, strict=True):
        where = ", ".join(f"`{t.name}` (`:{t.line}`)" for t in row.targets)
        assert line == f"- `{row.clowdapp}` → {where}:"


def test_files_sharing_a_basename_are_shown_in_full(report: Report) -> None:
    row = next(r for r in report.rows if r.clowdapp == "db-migrate")
    (target,) = row.targets
    moved = Target.model_validate({**target.model_dump(), "file": "other/rendered.yaml"})
    text = render_markdown(with_rows(report, {"db-migrate": {"targets": [moved]}}))
    assert f"`ledger-onprem-migrate` (`other/rendered.yaml:{target.line}`)" in matrix_line(text, row)
    assert f"(`{report.inputs[1].file}:" in text  # the other file, its basename now shared


def test_the_summary_lists_missing_and_partial_apart(report: Report) -> None:
    summary = section(render_markdown(report), "Executive summary")
    lacks = next(line for line in summary.splitlines() if "**What it lacks**" in line)
    partly = next(line for line in summary.splitlines() if "**What it only partly has**" in line)
    assert "`db-migrate`" in partly and "`db-migrate`" not in lacks
    for row in report.rows:
        if row.status == "missing":
            assert f"`{row.clowdapp}`" in lacks
    assert lacks.startswith(f"- ❌ **What it lacks**: {sum(r.status == 'missing' for r in report.rows)}: ")


def test_rows_that_need_no_action_share_one_line_in_next_steps(report: Report) -> None:
    idle: dict[str, dict[str, object]] = {
        "clowder-api": {"action": NONE_ACTION},
        "management-command": {"action": NONE_ACTION},
    }
    steps = section(render_markdown(with_rows(report, idle)), "Next steps")
    numbered = [line for line in steps.splitlines() if re.match(r"\d+\. ", line)]
    assert not any("none" in line for line in numbered)
    assert [line.split("`")[1] for line in numbered] == [
        "clowder-worker-export",
        "clowder-sync",
        "db-migrate",
        "nightly-cleanup",
    ]
    assert steps.rstrip().endswith(
        "2 optional rows need no action while the policy's reasons hold: "
        "P2 `clowder-api`; P3 `management-command`."
    )


def test_one_such_row_is_worded_in_the_singular(report: Report) -> None:
    steps = section(
        render_markdown(with_rows(report, {"management-command": {"action": NONE_ACTION}})), "Next steps"
    )
    assert "1 optional row needs no action while the policy's reasons hold: P3 `management-command`." in steps


def test_a_report_without_such_rows_keeps_its_numbered_steps(report: Report) -> None:
    steps = section(render_markdown(report), "Next steps")
    assert "need no action" not in steps
    assert len([line for line in steps.splitlines() if re.match(r"\d+\. ", line)]) == len(report.gaps())


def test_an_optional_rows_template_is_offered_only_if_it_is_deployed(report: Report) -> None:
    text = render_markdown(report)
    fixes = section(text, "Priority fixes")
    optional = next(r for r in report.rows if r.clowdapp == "clowder-api")
    missing = next(r for r in report.rows if r.clowdapp == "clowder-worker-export")
    assert optional.group == "optional" and optional.remediation and missing.remediation
    item = fixes.split(f"**`{optional.clowdapp}`**", 1)[1].split("</details>", 1)[0]
    assert item.index("*If you decide to deploy it:*") < item.index("Suggested Helm template")
    item = fixes.split(f"**`{missing.clowdapp}`**", 1)[1].split("</details>", 1)[0]
    assert "decide to deploy" not in item


def test_the_matrix_points_at_an_idle_rows_template_conditionally(report: Report) -> None:
    text = render_markdown(with_rows(report, {"clowder-api": {"action": NONE_ACTION}}))
    row = next(r for r in report.rows if r.clowdapp == "clowder-api")
    assert matrix_line(text, row).endswith(
        f"{NONE_ACTION} (template in Priority fixes, if you decide to deploy it) |"
    )
    export = next(r for r in report.rows if r.clowdapp == "clowder-worker-export")
    assert matrix_line(text, export).endswith(" (template in Priority fixes) |")


def test_the_koku_report(corpus: Path) -> None:
    """The review's cases on the real pair: chart lines in the matrix, sources-client optional (the
    policy: setting SOURCES=true on the consolidated API would swap its URL conf), the policy's optional
    workers on one line of Next steps."""
    report = koku_gap.analyze(
        clowdapps=[corpus / "koku/clowdapp-2026-08-14-f6cc00b31.yaml"],
        manifests=[corpus / "chart/cost-onprem-2026-02-12-7cc5007a.yaml"],
        policy="koku",
    )
    text = render_markdown(report)
    summary = section(text, "Executive summary")
    assert not any("What it lacks" in x for x in summary.splitlines())  # nothing under the koku policy
    assert "`clowder-sources-client`" in next(x for x in summary.splitlines() if "**Optional**" in x)
    api = next(r for r in report.rows if r.clowdapp == "api-reads")
    assert "Chart (`cost-onprem-2026-02-12-7cc5007a.yaml`)" in text
    assert f"`cost-onprem-koku-api` (`:{api.targets[0].line}`)" in text
    steps = section(text, "Next steps")
    numbered = [line for line in steps.splitlines() if re.match(r"\d+\. ", line)]
    assert len(numbered) < 10 and not any(": none" in line for line in numbered)
    assert re.search(
        r"^1\d optional rows need no action while the policy's reasons hold: "
        r"P3 `clowder-sources-client`, `clowder-sources-listener`, ",
        steps,
        re.M,
    )


def test_several_clowdapps_are_named_in_the_summary(tmp_path: Path) -> None:
    from tests.helpers.engine import clowdapp, deployment, manage, manifests, workload, write

    apps = [
        write(
            tmp_path, f"{name}.yaml", clowdapp(app=name, deployments=[deployment("api", command=manage("x"))])
        )
        for name in ("shop", "billing")
    ]
    chart = write(tmp_path, "chart.yaml", manifests(workload("rel-api", command=manage("x"))))
    text = render_markdown(koku_gap.analyze(apps, [chart]))
    assert "The ClowdApps (`billing`, `shop`) define **2** components" in text


@pytest.mark.parametrize(("policy", "limit"), [("default", 60_000), ("koku", 30_000)])
def test_the_koku_head_report_is_sized_for_people(corpus: Path, policy: str, limit: int) -> None:
    """Under 60 KB with the default policy (255 KB before template families), under 30 KB with koku's
    (38 KB), with no fact lost: every row in the matrix, every detailed gap's facts (verbatim, or once
    for alike gaps with ``{name}`` and ``{queues}`` standing for each one's), every step, and every
    suggested Deployment's name and env in its template family's values."""
    report = koku_gap.analyze(
        clowdapps=[corpus / "koku/clowdapp-2026-08-14-f6cc00b31.yaml"],
        manifests=[corpus / "chart/cost-onprem-2026-02-12-7cc5007a.yaml"],
        policy=policy,
    )
    text = render_markdown(report)
    assert len(text.encode("utf-8")) < limit
    for row in report.rows:
        assert matrix_line(text, row)
    gaps = section(text, "Gaps in detail") if report.gaps("P2") else ""
    steps = section(text, "Next steps")
    for row in report.rows:
        if row.is_detailed:
            for fact in _facts(row):
                assert fact in gaps or _pattern(fact, row) in gaps, (row.id, fact)
        if row.is_gap and row.act_now:
            assert f"`{row.clowdapp}`" in steps
    families = {f.key: f for f in report.families}
    for row in report.rows:
        rem = row.remediation
        if rem is None:
            continue
        if rem.family is None:
            assert rem.template.rstrip().splitlines()[0] in text
            continue
        values = families[rem.family].values
        assert f"- name: {row.clowdapp}" in values
        assert all(name in values for name in re.findall(r"^    ([A-Z][A-Z0-9_]*):", rem.values, flags=re.M))
    assert all(f.values.splitlines()[-1].strip() in text for f in report.families)


# --- Kafka topics -------------------------------------------------------------------------------------------


def test_kafka_topics_are_one_line_each_with_who_and_where(find_line: LineFinder) -> None:
    """Each party with what says so and its line; the chart's lines as ``:N`` (one chart file), the
    ClowdApps' with their file (three); the code's relative to the app's source."""
    text = section(render_markdown(topics_report()), "Kafka topics")
    lead, *lines = [line for line in text.splitlines() if line]
    assert lead.startswith("`:N`: a line of the chart (workloads). `kafkaTopics`, and an env var whose name")
    chart = TOPICS / "rendered.yaml"
    till = find_line(TOPICS / "till.yaml", "PAYMENTS_PRODUCER_TOPIC")
    shop_at = find_line(TOPICS / "shop.yaml", "topicName: shop.payments")
    assert lines[0] == (
        f"- `shop.payments`: declared by `shop` `shop.yaml:{shop_at}`, "
        f"`till` `till.yaml:{find_line(TOPICS / 'till.yaml', 'topicName: shop.payments')}`; "
        f"produced by `till/register` in `acme-checkout` (env PAYMENTS_PRODUCER_TOPIC `till.yaml:{till}`), "
        f"`acme-checkout` as `till/register` (env PAYMENTS_TOPIC `:{find_line(chart, 'PAYMENTS_TOPIC')}`); "
        "consumed by `shop/listener`, not deployed (subscribe in listen `events/kafka.py:17`)"
    )
    records = find_line(chart, "RECORDS_TOPIC")
    assert lines[-1] == f"- `acme.records`: named by `acme-recorder` (env RECORDS_TOPIC `:{records}`)"
    assert len(lines) == len(topics_report().topics)


def test_the_platform_table_leaves_the_topics_to_their_section(report: Report) -> None:
    text = render_markdown(report)
    assert "| kafka-topic |" not in section(text, "Platform services")
    topics = section(text, "Kafka topics")
    assert "- `platform.ledger.postings`: declared by `ledger` `:22`;" in topics
    assert "a topic no chart object creates is the platform's (external, or a gap)" in topics
    without = report.model_copy(update={"topics": []})  # a report of an older version: the table as it was
    assert "| kafka-topic | `platform.ledger.postings` |" in render_markdown(without)
    assert "## Kafka topics" not in render_markdown(without)
