"""SARIF 2.1.0 for code scanning: one result per gap row, located in the ClowdApp file.

Every row that is a gap under the policy becomes a result, waived ones included (with a suppression,
so code scanning shows them as dismissed) and, with ``--baseline``, a ``baselineState``. The rule id
is the row's kind of gap (``Row.rule``, see koku_gap/model/rules.py), the level the row's (from its priority).
Output is deterministic: no timestamps or absolute paths of our own, results and rules sorted.

A report of several apps (``Report.summary.apps``) says which app each result belongs to in the three
places SARIF has for it: the message opens with ``<app>/<component>`` (what GitHub code scanning shows:
it reads no logical location and no property bag), the component's logical location has the app's as
its parent (``run.logicalLocations``, one per app, its counts and worst gap in its property bag), and
``properties.app``, which every result carries. One app's log is as it always was.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from koku_gap import __version__
from koku_gap.model.report import AppSummary, Report, Row, Target, component_key
from koku_gap.model.rules import rule
from koku_gap.report import Extra, RenderOptions
from koku_gap.report._escape import json_document, surrogate_safe

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT = "kokuGapComponent/v1"


EXTRAS: tuple[Extra, ...] = ("snippets",)  # snippet_lines: a result's region


def render(report: Report, _options: RenderOptions) -> str:
    return render_sarif(report)


def sarif_rows(report: Report) -> list[Row]:
    """The rows SARIF reports: every gap under the policy, waived or not."""
    return [r for r in report.rows if r.is_finding]


def rule_id(row: Row) -> str:
    """The row's rule id (``Row.rule_id``); kept for callers of this module."""
    return row.rule_id


def render_sarif(report: Report) -> str:
    return json_document(json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n")


def sarif_log(report: Report) -> dict[str, Any]:
    rows = sorted(sarif_rows(report), key=_order)
    ids = sorted({rule_id(r) for r in rows})
    index = {rid: n for n, rid in enumerate(ids)}
    partial = _partial_result(report, len(ids))
    apps = {a.app: n for n, a in enumerate(report.summary.apps)}  # several apps: app -> its logical location
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "koku-gap",
                "fullName": "koku-gap gap-report: ClowdApp vs Helm chart",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_descriptor(rid) for rid in ids] + ([PARTIAL_RULE] if partial else []),
            }
        },
        "results": ([partial] if partial else [])
        + [_result(r, index[rule_id(r)], report, apps) for r in rows],
    }
    if apps:
        run["logicalLocations"] = [_app_location(a) for a in report.summary.apps]
    run["properties"] = _run_properties(report)
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


PARTIAL = "partial-analysis"
PARTIAL_RULE: dict[str, Any] = {
    "id": PARTIAL,
    "name": "PartialAnalysis",
    "shortDescription": {"text": "chart templates were left out of the analysis"},
    "fullDescription": {
        "text": "Templates that failed to render were left out (--skip-failing-templates): what they "
        "deploy is not compared, and rows whose counterpart may be in them say 'not rendered'."
    },
    "help": {
        "text": "Give the values the templates need (--set, --values) and analyse again.",
        "markdown": "Give the values the templates need (`--set`, `--values`) and analyse again.",
    },
    "defaultConfiguration": {"level": "note"},
    "properties": {"tags": ["clowdapp", "helm", "koku-gap"]},
}


def _partial_result(report: Report, rule_index: int) -> dict[str, Any] | None:
    """The first result of a partial analysis: a note naming the templates it did not see, at the chart."""
    if report.partial is None:
        return None
    skipped = report.partial.skipped
    text = (
        f"Partial analysis: {len(skipped)} chart template(s) failed to render and were left out "
        "(--skip-failing-templates): " + "; ".join(f"{t.template}: {t.message}" for t in skipped)
    )
    result: dict[str, Any] = {
        "ruleId": PARTIAL,
        "ruleIndex": rule_index,
        "level": "note",
        "message": {"text": text},
    }
    chart = next((w.file for w in report.warnings if w.template and w.file), None)
    physical = _physical(chart, 1) if chart else None
    result["locations"] = [{"physicalLocation": physical}] if physical else []
    result["partialFingerprints"] = {FINGERPRINT: PARTIAL}
    result["properties"] = {"skipped": [t.template for t in skipped]}
    return result


def _order(row: Row) -> tuple[str, int, str, str]:
    source = row.source
    return (source.file if source else "", source.line if source else 0, rule_id(row), row.id)


def _descriptor(rid: str) -> dict[str, Any]:
    meta = rule(rid)
    return {
        "id": rid,
        "name": meta.name,
        "shortDescription": {"text": meta.short},
        "fullDescription": {"text": meta.full},
        "help": {"text": meta.help, "markdown": meta.help},
        "defaultConfiguration": {"level": meta.level},
        "properties": {"tags": ["clowdapp", "helm", "koku-gap"]},
    }


def artifact_uri(file: str) -> str | None:
    """A relative path stays relative (to the checkout, as code scanning expects); None for ``<stdin>``.
    A name that is not UTF-8 is quoted with U+FFFD for its undecodable bytes (``surrogate_safe``)."""
    if file.startswith("<") and file.endswith(">"):
        return None
    file = surrogate_safe(file)
    windows = PureWindowsPath(file)
    if windows.drive:
        return "file:///" + quote(windows.as_posix(), safe="/:")
    path = PurePosixPath(file.replace("\\", "/"))
    if path.is_absolute():
        return "file://" + quote(str(path), safe="/")
    return quote(str(path), safe="/")


def _physical(file: str, line: int, end: int | None = None) -> dict[str, Any] | None:
    uri = artifact_uri(file)
    if uri is None:
        return None
    location: dict[str, Any] = {"uri": uri}
    if not uri.startswith("file:"):
        location["uriBaseId"] = "%SRCROOT%"
    region: dict[str, Any] = {"startLine": max(line, 1)}
    if end is not None and end > line:
        region["endLine"] = end
    return {"artifactLocation": location, "region": region}


def _message(row: Row, several: bool) -> str:
    name = row.clowdapp or ", ".join(row.chart)
    if several:  # the first words code scanning shows: which app's component
        name = f"{row.app}/{name}"
    text = f"{name} ({row.role}): {row.status_words}, {row.priority}. " + " ".join(
        reason if reason.endswith(".") else reason + "." for reason in row.reasons
    )
    if row.action:
        text += f" Action: {row.action}"
    return text


def _target_location(n: int, target: Target) -> dict[str, Any]:
    what = f"{target.describe()} ({target.kind})"
    if target.template:
        what += f", from {target.template}"
    source = target.source
    placed = source.template_file is not None and source.template_line is not None
    if placed:  # the template is what a reader opens; the render's line is for the record
        what += f" (render {target.file}:{target.line})"
    location: dict[str, Any] = {"id": n, "message": {"text": what}}
    physical = (
        _physical(str(source.template_file), int(source.template_line or 1))
        if placed
        else _physical(target.file, target.line)
    )
    if physical is not None:
        location["physicalLocation"] = physical
    location["logicalLocations"] = [{"name": target.name, "kind": "object"}]
    return location


def _app_location(app: AppSummary) -> dict[str, Any]:
    """An app of a report of several, as the logical location its components' results sit in: its
    share of the report (``AppSummary``) in the property bag."""
    properties: dict[str, Any] = {
        "components": app.clowdapp_components,
        "gaps": app.gaps,
        "byPriority": dict(app.by_priority),
    }
    if app.highest_priority is not None:
        properties["highestPriority"] = app.highest_priority
    if app.worst is not None:
        properties["worst"] = {"id": app.worst.id, "status": app.worst.status, "priority": app.worst.priority}
    return {"name": app.app, "fullyQualifiedName": app.app, "kind": "module", "properties": properties}


def _result(row: Row, rule_index: int, report: Report, apps: dict[str, int]) -> dict[str, Any]:
    """``apps``: with several apps, each one's index in ``run.logicalLocations`` (empty for one app)."""
    assert row.level is not None  # a finding has a priority, so a level
    result: dict[str, Any] = {
        "ruleId": rule_id(row),
        "ruleIndex": rule_index,
        "level": row.level,
        "message": {"text": _message(row, bool(apps))},
    }
    locations: list[dict[str, Any]] = []
    if row.source is not None:
        end = row.snippet_lines[1] if len(row.snippet_lines) == 2 else None
        physical = _physical(row.source.file, row.source.line, end)
        location: dict[str, Any] = {}
        if physical is not None:
            location["physicalLocation"] = physical
        logical: dict[str, Any] = {
            "name": row.clowdapp or row.id,
            "fullyQualifiedName": component_key(row.id),
            "kind": "object",
        }
        if row.app in apps:
            logical["parentIndex"] = apps[row.app]
        location["logicalLocations"] = [logical]
        locations.append(location)
    result["locations"] = locations
    related = [_target_location(n, t) for n, t in enumerate(row.targets, 1)]
    if related:
        result["relatedLocations"] = related
    result["partialFingerprints"] = {FINGERPRINT: component_key(row.id)}
    if row.waived and row.waiver is not None:
        justification = row.waiver.reason + (f" (until {row.waiver.expires})" if row.waiver.expires else "")
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": justification}]
    if report.baseline is not None:
        result["baselineState"] = "unchanged" if row.baselined else "new"
    properties: dict[str, Any] = {
        "priority": row.priority,
        "status": row.status,
        **({"unrendered": list(row.unrendered)} if row.unrendered else {}),
        "role": row.role,
        "app": row.app,
        "id": row.id,
    }
    if row.chart:
        properties["chart"] = list(row.chart)
    if row.waiver is not None and row.waiver.expired:
        properties["waiverExpired"] = row.waiver.expires
    result["properties"] = properties
    return result


def _run_properties(report: Report) -> dict[str, Any]:
    properties: dict[str, Any] = {"policy": list(report.policy)}
    if report.partial is not None:
        properties["partial"] = {"skipped": [t.template for t in report.partial.skipped]}
    if report.baseline is not None:
        properties["baseline"] = {"file": report.baseline.file, "fixed": list(report.baseline.fixed)}
    return properties
