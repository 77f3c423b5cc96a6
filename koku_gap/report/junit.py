"""JUnit XML for CI test reports (GitLab, Jenkins, Azure): one test case per row, one suite per app.

A row fails when it fails the run (``Report.failing``: a gap at or above ``--fail-on``, not waived,
not in the baseline); waived gaps are skipped; every other row passes, with a note on gaps that do
not fail (below the threshold, or known from the baseline).

Each suite's counts are its test cases' (what CI pages show per suite). A report of several apps adds
each app's share of the report (``Report.summary.apps``) to its suite's properties: its components,
open gaps (by priority), most urgent priority and worst gap. One app's suites are as they always were.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from koku_gap.model.report import AppSummary, Report, Row
from koku_gap.report import Extra, RenderOptions
from koku_gap.report._apps import app_gaps, app_worst
from koku_gap.report._escape import xml_document, xml_text

EXTRAS: tuple[Extra, ...] = ()


def render(report: Report, options: RenderOptions) -> str:
    return render_junit(report, options.fail_on)


def render_junit(report: Report, fail_on: str = "P0") -> str:
    failing = {id(r) for r in report.failing(fail_on)}
    apps = list(dict.fromkeys(r.app for r in report.rows))
    shares = {a.app: a for a in report.summary.apps}  # several apps only
    root = ET.Element("testsuites", name="gap-report")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for app in apps:
        rows = [r for r in report.rows if r.app == app]
        suite = ET.SubElement(root, "testsuite", name=xml_text(app))
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="fail-on", value=fail_on)
        ET.SubElement(properties, "property", name="policy", value=xml_text(", ".join(report.policy)))
        if report.baseline is not None:
            ET.SubElement(properties, "property", name="baseline", value=xml_text(report.baseline.file))
        if app in shares:
            _app_properties(properties, shares[app])
        counts = {"tests": len(rows), "failures": 0, "skipped": 0}
        if report.partial is not None:
            ET.SubElement(
                properties,
                "property",
                name="partial",
                value=xml_text(", ".join(t.template for t in report.partial.skipped)),
            )
            _partial_case(suite, report, app)
            counts["tests"] += 1
            counts["skipped"] += 1
        for row in rows:
            outcome = _testcase(suite, row, app, failed=id(row) in failing, fail_on=fail_on)
            if outcome in counts:
                counts[outcome] += 1
        for key, value in counts.items():
            totals[key] += value
        _counts(suite, counts)
    _counts(root, totals)
    ET.indent(root)
    return xml_document(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    )


def _app_properties(properties: ET.Element, app: AppSummary) -> None:
    """An app's share of a report of several apps, as its suite's properties."""
    ET.SubElement(properties, "property", name="components", value=str(app.clowdapp_components))
    ET.SubElement(properties, "property", name="gaps", value=str(app.gaps))
    ET.SubElement(properties, "property", name="gaps-by-priority", value=app_gaps(app))
    ET.SubElement(properties, "property", name="highest-priority", value=app.highest_priority or "none")
    worst = app_worst(app, xml_text)
    if worst is not None:
        ET.SubElement(properties, "property", name="worst-gap", value=worst)


def _partial_case(suite: ET.Element, report: Report, app: str) -> None:
    """The suite's first test case, skipped: the chart templates the analysis did not see."""
    assert report.partial is not None
    skipped = report.partial.skipped
    case = ET.SubElement(suite, "testcase", classname=xml_text(app), name="partial analysis")
    message = (
        f"partial analysis: {len(skipped)} chart template(s) failed to render and were left out "
        "(--skip-failing-templates)"
    )
    element = ET.SubElement(case, "skipped", message=xml_text(message))
    element.text = xml_text("\n".join(f"{t.template}: {t.message}" for t in skipped))


def _counts(element: ET.Element, counts: dict[str, int]) -> None:
    element.set("tests", str(counts["tests"]))
    element.set("failures", str(counts["failures"]))
    element.set("errors", "0")
    element.set("skipped", str(counts["skipped"]))


def _where(row: Row) -> tuple[str, int] | None:
    if row.source is not None:
        return row.source.file, row.source.line
    if row.targets:
        source = row.targets[0].source
        if source.template_file is not None and source.template_line is not None:
            return source.template_file, source.template_line
        return source.file, source.line
    return None


def _details(row: Row) -> str:
    lines = [f"{row.clowdapp or ', '.join(row.chart)} ({row.role}, {row.kind}): {row.status_words}"]
    if row.priority:
        lines[0] += f", {row.priority}"
    where = _where(row)
    if where is not None:
        lines.append(f"ClowdApp: {where[0]}:{where[1]}" if row.source else f"chart: {where[0]}:{where[1]}")
    for target in row.targets if row.source else []:
        rendered = f" (render {target.file}:{target.line})" if target.source.rendered else ""
        lines.append(f"chart: {target.describe()} at {target.opens}{rendered}")
    lines.extend(f"reason: {reason}" for reason in row.reasons)
    if row.action:
        lines.append(f"action: {row.action}")
    lines.extend(f"drift ({d.kind}): {d.message}" for d in row.drift)
    return xml_text("\n".join(lines))


def _testcase(suite: ET.Element, row: Row, app: str, *, failed: bool, fail_on: str) -> str:
    name = row.clowdapp or (row.chart[0] if row.chart else row.id)
    case = ET.SubElement(suite, "testcase", classname=xml_text(app), name=xml_text(name))
    where = _where(row)
    if where is not None:
        case.set("file", xml_text(where[0]))
    headline = f"{row.priority} {row.status_words}: {row.reasons[0] if row.reasons else row.status}"
    if failed:
        failure = ET.SubElement(case, "failure", message=xml_text(headline), type=row.rule_id)
        failure.text = _details(row)
        return "failures"
    if row.waived and row.waiver is not None:
        ET.SubElement(case, "skipped", message=xml_text(f"waived: {row.waiver.reason}"))
        return "skipped"
    if row.is_gap:
        why = "known from the baseline" if row.baselined else f"below --fail-on {fail_on}"
        out = ET.SubElement(case, "system-out")
        out.text = xml_text(f"gap not failing ({why})\n" + _details(row))
    return "passed"
