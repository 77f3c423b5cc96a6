"""The seed-style Markdown document, always true: summary, comparison matrix, one section per gap
with the real ClowdApp lines, priority fixes with suggested Helm templates, what the chart does
better, queue coverage, a Mermaid graph, warnings and next steps. Formats the Report; decides nothing.
"""

from __future__ import annotations

import re

from koku_gap.model.report import Citation, Report, Row, Target
from koku_gap.model.vocabulary import DETAILED_PRIORITIES
from koku_gap.report import Extra, RenderOptions
from koku_gap.report._escape import html_text, md_code, md_fence, md_text, mermaid_label

STATUS_ICON = {
    "match": "✅ match",
    "consolidated": "✅ consolidated",
    "partial": "⚠️ partial",
    "missing": "❌ missing",
    "optional": "➖ optional",
    "better": "⭐ better",
    "infra": "🧱 infra",
    "extra": "➕ extra",
}
GROUP_OVER = 3  # more alike warnings than this in one file are listed as one line
GROUP_SHOW = 8
IF_DEPLOYED = "if you decide to deploy it"  # how an optional row's suggested template is introduced
MERMAID_STYLE = {  # one class per status: colours only, which rows are alike is Row.group
    "match": "fill:#d4edda,stroke:#1e7e34",
    "consolidated": "fill:#d4edda,stroke:#1e7e34",
    "partial": "fill:#fff3cd,stroke:#b58900",
    "missing": "fill:#f8d7da,stroke:#c82333",
    "optional": "fill:#e2e3e5,stroke:#6c757d",
    "better": "fill:#cce5ff,stroke:#004085",
    "infra": "fill:#d1ecf1,stroke:#0c5460",
    "extra": "fill:#f8f9fa,stroke:#adb5bd",
}


def _loc(file: str, line: int, end: int | None = None) -> str:
    return md_code(f"{file}:{line}" if end is None or end == line else f"{file}:{line}-{end}")


def _short_files(report: Report) -> dict[str, str]:
    """Paths by basename in the matrix and drift lists (the header lists the inputs in full), unless
    two files of the report share a basename."""
    files = list(
        dict.fromkeys(
            [
                *(i.file for i in report.inputs),
                *(r.source.file for r in report.rows if r.source),
                *(t.file for r in report.rows for t in r.targets),
            ]
        )
    )
    names = [f.replace("\\", "/").rsplit("/", 1)[-1] for f in files]
    return {f: (n if names.count(n) == 1 else f) for f, n in zip(files, names, strict=True)}


def _where(row: Row, short: dict[str, str] | None = None) -> str:
    if not row.source:
        return "—"
    file = (short or {}).get(row.source.file, row.source.file)
    return _loc(file, row.source.line)


def _target_at(t: Target, short: dict[str, str]) -> str:
    """What plays the part and where: ``name`` (`rendered.yaml:880`), as the ClowdApp column is short."""
    return f"{t.describe(md_code)} ({_loc(short.get(t.file, t.file), t.line)})"


def _targets(row: Row, short: dict[str, str]) -> str:
    if not row.targets:
        return "—"
    parts = [_target_at(t, short) for t in row.targets]
    covering = [c for c in row.chart if c not in {t.name for t in row.targets}]
    if covering:
        parts.append("also " + ", ".join(md_code(c) for c in covering))
    return ", ".join(parts)


def _name(row: Row) -> str:
    return md_code(row.clowdapp) if row.clowdapp else md_code(row.chart[0])


def _no_action(row: Row) -> bool:
    """The row's action asks for nothing now (``none while the policy's reason holds; ...``)."""
    return not row.act_now


def _template_note(row: Row) -> str:
    """Where the matrix points for the row's suggested template, if it has one."""
    if not row.remediation:
        return ""
    return (
        f" (template in Priority fixes, {IF_DEPLOYED})"
        if _no_action(row)
        else " (template in Priority fixes)"
    )


EXTRAS: tuple[Extra, ...] = ("snippets", "remediation")


def render(report: Report, options: RenderOptions) -> str:
    return render_markdown(report, date=options.date)


def render_markdown(report: Report, *, date: str | None = None) -> str:
    out: list[str] = []
    apps = sorted({a for i in report.inputs if i.side == "clowdapp" for a in i.apps})
    out += [f"# ClowdApp vs Helm chart gap report: {', '.join(map(md_text, apps)) or 'ClowdApp'}", ""]
    if date:
        out.append(f"**Date**: {date}  ")
    for item in report.inputs:
        label = "ClowdApp" if item.side == "clowdapp" else "Chart (rendered)"
        what = f"{item.workloads} workloads" + (
            f": {', '.join(map(md_text, item.apps))}" if item.apps else ""
        )
        out.append(f"**{label}**: {md_code(item.file)} ({what})  ")
    out += [f"**Policy**: {', '.join(md_code(p) for p in report.policy)}", ""]
    out.append(
        "Every row below is derived from the two inputs; `file:line` points at the ClowdApp component "
        "and at the chart object (rendered manifest line; the Helm template is named where known)."
    )
    out.append("")
    for section in (
        _summary,
        _matrix,
        _gaps,
        _fixes,
        _drift,
        _better,
        _cited,
        _queues,
        _platform,
        _mermaid,
        _warnings,
        _next,
    ):
        section(report, out)
    return "\n".join(out).rstrip() + "\n"


def _names(rows: list[Row]) -> str:
    return ", ".join(_name(r) for r in rows)


def _summary(report: Report, out: list[str]) -> None:
    s = report.summary
    rows = report.rows
    have = [r for r in rows if r.group == "covered"]
    lacking = [r for r in rows if r.group == "lacking" and not r.waived]
    lack = [r for r in lacking if r.status != "partial"]
    partly = [r for r in lacking if r.status == "partial"]
    optional = [r for r in rows if r.group == "optional"]
    better = [r for r in rows if r.status == "better"]
    infra = [r for r in rows if r.status == "infra"]
    consolidated = s.by_status.get("consolidated", 0)
    out += ["## Executive summary", ""]
    apps = sorted({a for i in report.inputs if i.side == "clowdapp" for a in i.apps})
    defines = (
        f"The ClowdApps ({', '.join(md_code(a) for a in apps)}) define"
        if len(apps) > 1
        else "The ClowdApp defines"
    )
    renders = f"the chart renders **{s.chart_workloads}** workloads"
    out.append(f"{defines} **{s.clowdapp_components}** components; {renders}.")
    out.append("")
    out.append(
        f"- ✅ **What the chart has**: {len(have)} of {s.clowdapp_components} components"
        + (f" ({consolidated} consolidated into shared workloads)" if consolidated else "")
        + "."
    )
    if lack:
        out.append(f"- ❌ **What it lacks**: {len(lack)}: {_names(lack)}.")
    if partly:
        out.append(f"- ⚠️ **What it only partly has**: {len(partly)}: {_names(partly)}.")
    if optional:
        out.append(f"- ➖ **Optional**: {len(optional)}: {_names(optional)}.")
    if better:
        out.append(f"- ⭐ **What it does better**: {_names(better)}.")
    if infra:
        out.append(f"- 🧱 **Platform services it brings itself**: {_names(infra)}.")
    gaps = ", ".join(f"{n} × {p}" for p, n in s.by_priority.items() if n) or "none"
    out.append(f"- **Open gaps by priority**: {gaps}.")
    waived = [r for r in rows if r.waived]
    if waived:
        out.append(f"- **Waived by the policy**: {len(waived)}: {_names(waived)}.")
    if report.baseline is not None:
        b = report.baseline
        listed = "".join(
            f"; {label}: " + ", ".join(md_code(x) for x in ids)
            for label, ids in (("new", b.new), ("fixed", b.fixed))
            if ids
        )
        counts = f"{len(b.known)} known, {len(b.new)} new, {len(b.fixed)} fixed"
        out.append(f"- **Baseline** {md_code(b.file)}: {counts}{listed}.")
    if report.queues.uncovered:
        out.append(
            "- **Celery queues no chart worker consumes**: "
            + ", ".join(md_code(q) for q in report.queues.uncovered)
            + "."
        )
    out.append("")


def _matrix(report: Report, out: list[str]) -> None:
    out += [
        "## Deployment comparison matrix",
        "",
        "| Component | Role | ClowdApp | Chart | Status | Priority | Action |",
        "|---|---|---|---|---|---|---|",
    ]
    short = _short_files(report)
    for r in report.rows:
        name = md_code(r.clowdapp) if r.clowdapp else "—"
        status = STATUS_ICON.get(r.status, r.status) + (" (waived)" if r.waived else "")
        chart = _targets(r, short)
        out.append(
            f"| {name} | {r.role} | {_where(r, short)} | {chart} | {status} | {r.priority or ''} | "
            f"{md_text(r.action or '')}{_template_note(r)} |"
        )
    out.append("")


def _chart_state(r: Row) -> str:
    if not r.targets:
        return "no workload in the chart plays this part"
    parts = []
    for t in r.targets:
        template = f" (template {md_code(t.template)})" if t.template else ""
        parts.append(f"{t.describe(md_code)} ({t.kind}) at {_loc(t.file, t.line)}{template}")
    return "; ".join(parts)


def _gaps(report: Report, out: list[str]) -> None:
    gaps = [r for r in report.rows if r.is_detailed]
    if not gaps:
        return
    out += ["## Gaps in detail", ""]
    for priority in DETAILED_PRIORITIES:
        for r in (g for g in gaps if g.priority == priority):
            status = STATUS_ICON.get(r.status, r.status) + (" (waived)" if r.waived else "")
            out += [f"### {priority} · {md_code(str(r.clowdapp))} — {status}", ""]
            if r.snippet and r.source:
                first, last = [*r.snippet_lines, r.source.line, r.source.line][:2]
                out += [
                    f"**ClowdApp** ({_loc(r.source.file, first, last)}):",
                    "",
                    *md_fence(r.snippet, "yaml"),
                    "",
                ]
            out.append(f"- **Purpose**: {r.purpose or r.role} ({r.role}, {r.kind})")
            out.append(f"- **Current state in the chart**: {_chart_state(r)}")
            for reason in r.reasons:
                out.append(f"- **Impact**: {md_text(reason)}")
            for d in r.drift:
                out.append(f"- **Drift** ({d.kind}): {md_text(d.message)}")
            if r.action:
                out.append(f"- **Recommendation**: {md_text(r.action)}")
            if r.evidence:
                out.append(f"- **Evidence**: {md_text('; '.join(r.evidence[:5]))}")
            out.append("")


def _fixes(report: Report, out: list[str]) -> None:
    gaps = [r for r in report.rows if r.is_detailed and not r.waived]
    if not gaps:
        return
    out += ["## Priority fixes", ""]
    for priority in DETAILED_PRIORITIES:
        rows = [r for r in gaps if r.priority == priority]
        if not rows:
            continue
        out += [f"### {priority}", ""]
        for n, r in enumerate(rows, 1):
            out.append(f"{n}. **{md_code(str(r.clowdapp))}**: {md_text(r.action or r.reasons[0])}")
            if r.remediation:
                rem = r.remediation
                if r.group == "optional":  # a template, not a fix: the row needs no workload
                    out += ["", f"   *{IF_DEPLOYED.capitalize()}:*"]
                out += [
                    "",
                    "   <details><summary>Suggested Helm template "
                    f"<code>{html_text(rem.path)}</code></summary>",
                    "",
                    *[f"   {line}".rstrip() for line in md_fence(rem.template.rstrip(), "yaml")],
                    "",
                    "   `values.yaml`:",
                    "",
                    *[f"   {line}".rstrip() for line in md_fence(rem.values.rstrip(), "yaml")],
                    "",
                    "   </details>",
                ]
        out.append("")


def _drift(report: Report, out: list[str]) -> None:
    rows = [r for r in report.rows if r.drift and r.group == "covered"]
    if not rows:
        return
    out += ["## Drift in matched components", "", "Matched, but the chart runs them differently.", ""]
    short = _short_files(report)
    for r in rows:
        target = ", ".join(_target_at(t, short) for t in r.targets)
        out.append(f"- {md_code(str(r.clowdapp))} → {target}:")
        out.extend(f"  - {d.kind}: {md_text(d.message)}" for d in r.drift)
    out.append("")


def _better(report: Report, out: list[str]) -> None:
    rows = [r for r in report.rows if r.group == "beyond"]
    if not rows:
        return
    out += ["## What the chart does better, and what else it runs", ""]
    for r in rows:
        t = r.targets[0]
        out.append(
            f"- {STATUS_ICON[r.status]} {md_code(r.chart[0])} ({r.role}, {t.kind} at "
            f"{_loc(t.file, t.line)}): {md_text(r.reasons[0])}"
        )
    out.append("")


def _citation(c: Citation) -> str:
    return _loc(c.file, c.line) + (f" @{md_text(c.commit)}" if c.commit else "")


def _cited(report: Report, out: list[str]) -> None:
    """The source lines the policy's deciding entries cite, and the assumptions they rest on (each
    stated once): what a reader checks before acting on, or arguing with, a verdict."""
    rows = [r for r in report.rows if r.citations or r.assumptions]
    if not rows:
        return
    out += [
        "## Policy evidence",
        "",
        "The policy entries that decided these rows cite the application's own source (`file:line`, "
        "at the commit named) and the assumptions they rest on.",
        "",
        "| Component | Status | Cites | Rests on |",
        "|---|---|---|---|",
    ]
    for r in rows:
        status = STATUS_ICON[r.status] + (f" {r.priority}" if r.priority else "")
        cites = ", ".join(_citation(c) for c in r.citations) or "—"
        rests = ", ".join(md_text(a.name) for a in r.assumptions) or "—"
        out.append(f"| {_name(r)} | {status} | {cites} | {rests} |")
    out.append("")
    assumptions = {a.name: a for r in rows for a in r.assumptions}
    for a in assumptions.values():
        cites = f" (cites {', '.join(_citation(c) for c in a.evidence)})" if a.evidence else ""
        out.append(f"- **Assumed: {md_text(a.name)}**: {md_text(a.statement)}{cites}")
    if assumptions:
        out.append("")


def _queues(report: Report, out: list[str]) -> None:
    if not report.queues.detail:
        return
    out += ["## Celery queue coverage", "", "| Queue | ClowdApp workers | Chart workers |", "|---|---|---|"]
    for queue, info in report.queues.detail.items():
        chart = ", ".join(md_code(c) for c in info.chart) or "❌ none"
        clowd = ", ".join(md_code(c) for c in info.clowdapp) or "— (chart only)"
        out.append(f"| {md_code(queue)} | {clowd} | {chart} |")
    out.append("")


def _platform(report: Report, out: list[str]) -> None:
    if not report.platform:
        return
    out += [
        "## Platform services",
        "",
        "| Kind | Name | ClowdApp | Provided in the chart by |",
        "|---|---|---|---|",
    ]
    for p in report.platform:
        provided = ", ".join(md_code(x) for x in p.provided_by) or "not in the chart (external, or a gap)"
        out.append(f"| {p.kind} | {md_code(p.name)} | {_loc(p.source.file, p.source.line)} | {provided} |")
    out.append("")


def _node(prefix: str, name: str) -> str:
    return prefix + re.sub(r"[^A-Za-z0-9_]", "_", name)


def _mermaid(report: Report, out: list[str]) -> None:
    out += ["## Component graph", "", "```mermaid", "flowchart LR"]
    apps = sorted({r.app for r in report.rows if r.clowdapp})
    for app in apps:
        out.append(f"  subgraph clowdapp_{_node('', app)}[{mermaid_label(f'ClowdApp {app}')}]")
        for r in report.rows:
            if r.clowdapp and r.app == app:
                out.append(
                    f"    {_node('c_', r.app + '_' + r.clowdapp)}[{mermaid_label(r.clowdapp)}]:::{r.status}"
                )
        out.append("  end")
    out.append('  subgraph chart["Chart"]')
    for name, part in report.chart_status().items():  # a chart node: the first row naming it
        out.append(f"    {_node('h_', name)}[{mermaid_label(name)}]:::{part}")
    out.append("  end")
    for r in report.rows:
        if not r.clowdapp:
            continue
        for t in r.targets:
            label = r.status + (f" ({t.via_words})" if t.via_words else "")
            out.append(f"  {_node('c_', r.app + '_' + r.clowdapp)} -->|{label}| {_node('h_', t.name)}")
        for name in r.chart:
            if name not in {t.name for t in r.targets}:
                out.append(f"  {_node('c_', r.app + '_' + r.clowdapp)} -.->|queue| {_node('h_', name)}")
    for status, style in MERMAID_STYLE.items():
        out.append(f"  classDef {status} {style}")
    out += ["```", ""]


def _warnings(report: Report, out: list[str]) -> None:
    """Warnings as the Report groups them: one line for many alike ones (``Report.warning_groups``)."""
    if not report.warnings:
        return
    out += [
        "## Warnings",
        "",
        "Real files contain these; the analysis went on (`--strict` makes them errors).",
        "",
    ]
    for group in report.warning_groups():
        if len(group.warnings) <= GROUP_OVER:
            for w in group.warnings:
                where = f"{w.file}:{w.line}" if w.line else w.file
                out.append(f"- {md_code(where)} ({w.code}): {md_text(w.message)}")
            continue
        lines = group.lines
        shown = ", ".join(str(n) for n in lines[:GROUP_SHOW])
        more = f" and {len(lines) - GROUP_SHOW} more" if len(lines) > GROUP_SHOW else ""
        at = f" — lines {shown}{more}" if lines else ""
        out.append(
            f"- {md_code(group.file)} ({group.code}) × {len(group.warnings)}: {md_text(group.summary)}{at}"
        )
    out.append("")


def _next(report: Report, out: list[str]) -> None:
    gaps = [r for r in report.rows if r.is_gap]
    out += ["## Next steps", ""]
    if not gaps:
        out += ["No open gaps.", ""]
        return
    ordered = sorted(gaps, key=lambda g: (g.priority or "P9", g.source.line if g.source else 0))
    steps = [r for r in ordered if not _no_action(r)]
    for n, r in enumerate(steps, 1):
        out.append(f"{n}. **{r.priority}** {md_code(str(r.clowdapp))}: {md_text(r.action or r.reasons[0])}")
    idle = [r for r in ordered if _no_action(r)]
    if idle:
        if steps:
            out.append("")
        kind = "optional " if all(r.group == "optional" for r in idle) else ""
        verb = "row needs" if len(idle) == 1 else "rows need"
        by_priority: dict[str, list[Row]] = {}
        for r in idle:
            by_priority.setdefault(r.priority or "", []).append(r)
        names = "; ".join(f"{p} {_names(rows)}" for p, rows in by_priority.items())
        out.append(f"{len(idle)} {kind}{verb} no action while the policy's reasons hold: {names}.")
    out.append("")
