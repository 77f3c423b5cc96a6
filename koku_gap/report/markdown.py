"""The seed-style Markdown document, always true: summary, comparison matrix, one section per gap
with the real ClowdApp lines, priority fixes with suggested Helm templates, what the chart does
better, queue coverage, a Mermaid graph, warnings and next steps. Formats the Report; decides nothing.
"""

from __future__ import annotations

from koku_gap.model.report import NOT_RENDERED, Citation, Report, Row, Target, TopicParty
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
UNRENDERED_ICON = (
    "❔ not rendered"  # Row.status_words NOT_RENDERED: a counterpart may be in a left-out template
)
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


def _chart_loc(t: Target, short: dict[str, str] | None = None) -> str:
    """Where a chart object is: its template file and line (``--chart``; under the chart's path,
    shortened to the path inside the chart where ``short`` shortens the chart's), then the render's
    line; or the rendered file's line."""
    shorten = short or {}
    render = _loc(shorten.get(t.file, t.file), t.line)
    source = t.source
    if source.template_file is None or source.template_line is None:
        return render
    file = source.template_file
    if t.file in shorten and shorten[t.file] != t.file and file.startswith(t.file.rstrip("/") + "/"):
        file = file[len(t.file.rstrip("/")) + 1 :]
    return f"{_loc(file, source.template_line)}, render {render}"


def _target_at(t: Target, short: dict[str, str]) -> str:
    """What plays the part and where: ``name`` (`rendered.yaml:880`), as the ClowdApp column is short."""
    return f"{t.describe(md_code)} ({_chart_loc(t, short)})"


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
    out += delta_section(report)  # a change's report leads with what the change does
    if date:
        out.append(f"**Date**: {date}  ")
    for item in report.inputs:
        label = "ClowdApp" if item.side == "clowdapp" else "Chart (rendered)"
        what = f"{item.workloads} workload{'' if item.workloads == 1 else 's'}" + (
            f": {', '.join(map(md_text, item.apps))}" if item.apps else ""
        )
        out.append(f"**{label}**: {md_code(item.file)} ({what})  ")
    out += [f"**Policy**: {', '.join(md_code(p) for p in report.policy)}", ""]
    out.append(
        "Every row below is derived from the two inputs; `file:line` points at the ClowdApp component "
        "and at the chart object (with `--chart`, its template file and line, then the render's line; "
        "else the rendered manifest line, the Helm template named where known)."
    )
    out.append("")
    _partial(report, out)
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
        _topics,
        _mermaid,
        _warnings,
        _next,
    ):
        section(report, out)
    return "\n".join(out).rstrip() + "\n"


def delta_section(report: Report, heading: str = "##") -> list[str]:
    """What the change does against ``--compare-ref`` (``Report.delta``): counts, then one table line per
    gap it opened, closed or changed, in the delta's order (the most urgent first); [] without one."""
    d = report.delta
    if d is None:
        return []
    subject = f": {md_text(d.subject)}" if d.subject else ""
    out = [f"{heading} This change, against {md_code(d.ref)} ({md_code(d.short_commit)}{subject})", ""]
    if d.note:
        out += [f"_{md_text(d.note)}._", ""]
    worse = f", {len(d.worse)} of them worse" if d.worse else ""
    out.append(
        f"**{len(d.opened)} gap(s) opened, {len(d.closed)} closed, {len(d.changed)} changed in priority"
        f"{worse}** in {md_code(d.chart_path)}; `--fail-on` counts only the opened and the worse."
    )
    out.append("")
    if not (d.opened or d.closed or d.changed):
        return out
    rows = {r.id: r for r in report.rows}
    out += ["| Change | Component | Role | At the ref | Now | Action |", "|---|---|---|---|---|---|"]
    for label, ids in (("opened", d.opened), ("closed", d.closed), ("changed", d.changed)):
        for row_id in ids:
            row = rows.get(row_id)
            mark = f"{label} (worse)" if row_id in d.worse else label
            was = d.previous.get(row_id, "—")
            if row is None:
                out.append(f"| {mark} | {md_code(row_id)} | | {was} | gone | |")
                continue
            now = f"{row.priority} {STATUS_ICON[row.status]}" if row.is_gap else STATUS_ICON[row.status]
            action = md_text(row.action) if row.is_gap and row.action else ""
            out.append(f"| {mark} | {_name(row)} | {md_text(row.role)} | {was} | {now} | {action} |")
    out.append("")
    return out


def render_compact(report: Report) -> str:
    """What a notebook displays: the title, summary and matrix; ``Report.details(NAME)`` for a row."""
    out: list[str] = [
        f"# ClowdApp vs Helm chart gap report: {', '.join(map(md_text, report.apps)) or 'ClowdApp'}",
        "",
    ]
    _partial(report, out)
    _summary(report, out)
    _matrix(report, out)
    out.append("One row in full: `report.details(NAME)`; the whole document: `report.to_markdown()`.")
    return "\n".join(out).rstrip() + "\n"


def render_row(report: Report, row: Row) -> str:
    """One row in full: its detail as the report writes a gap's, its drift, and its suggested
    template (or its family's) with the values it reads."""
    out = _row_detail(row, _short_files(report))
    out += (
        [f"- **Location in the chart**: {_chart_state(row)}"] if row.targets and not row.is_detailed else []
    )
    rem = row.remediation
    if rem is not None:
        family = next((f for f in report.families if f.key == rem.family), None)
        out += [f"Suggested Helm template {md_code(rem.path)}:", *md_fence(rem.template.rstrip(), "yaml"), ""]
        out += ["`values.yaml`:", *md_fence(rem.values.rstrip(), "yaml"), ""]
        if family is not None:
            out.append(
                f"It is also written with its alike gaps as the template family {md_code(family.key)}."
            )
    return "\n".join(out).rstrip() + "\n"


def _partial(report: Report, out: list[str]) -> None:
    """First, before anything it would colour: the analysis is partial, and what it did not see."""
    if report.partial is None:
        return
    skipped = report.partial.skipped
    unseen = [r for r in report.rows if r.unrendered]
    out += [
        "## ⚠️ Partial analysis",
        "",
        f"**{len(skipped)} chart template(s) were left out** because they failed to render "
        "(`--skip-failing-templates`): whatever they would deploy is not in this report. "
        + (
            f"{len(unseen)} row(s) whose counterpart may be in them read ❔ not rendered, not missing: "
            f"{_names(unseen)}. "
            if unseen
            else ""
        )
        + "Give the values they need (`--set`, `--values`) and run again for a complete report.",
        "",
        *(f"- {md_code(t.template)}: {md_text(t.message)}" for t in skipped),
        "",
    ]


def _names(rows: list[Row]) -> str:
    return ", ".join(_name(r) for r in rows)


def _summary(report: Report, out: list[str]) -> None:
    s = report.summary
    rows = report.rows
    have = [r for r in rows if r.group == "covered"]
    lacking = [r for r in rows if r.group == "lacking" and not r.waived]
    lack = [r for r in lacking if r.status != "partial" and not r.unrendered]
    unseen = [r for r in rows if r.unrendered and not r.waived]
    partly = [r for r in lacking if r.status == "partial"]
    optional = [r for r in rows if r.group == "optional" and not r.unrendered]
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
    if unseen:
        out.append(
            f"- ❔ **Not rendered** (may be in a template left out of the render): {len(unseen)}: "
            f"{_names(unseen)}."
        )
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
    _apps_table(report, out)


def _apps_table(report: Report, out: list[str]) -> None:
    """A report of several apps: each one's components, gaps by priority and worst gap."""
    if not report.summary.apps:
        return
    out += ["", "| App | Components | P0 | P1 | P2 | P3 | Worst gap |", "|---|---|---|---|---|---|---|"]
    for app in report.summary.apps:
        worst = app.worst
        said = f"{md_code(worst.clowdapp)} ({worst.priority} {worst.status})" if worst else "—"
        counts = " | ".join(str(app.by_priority.get(p, 0)) for p in ("P0", "P1", "P2", "P3"))
        out.append(f"| {md_code(app.app)} | {app.clowdapp_components} | {counts} | {said} |")
    out.append("")


def _side_file(files: list[str]) -> str | None:
    """The one file a matrix column's locations are all in, or None when they are in several."""
    distinct = set(files)
    return distinct.pop() if len(distinct) == 1 else None


def _matrix(report: Report, out: list[str]) -> None:
    """One line per row, by priority then status (``Report.ordered_rows``). When each side's locations
    are in one file, its column names the file once and the cells give the line (``:24``)."""
    short = _short_files(report)
    clowdapp = _side_file([r.source.file for r in report.rows if r.source])
    chart = _side_file([t.file for r in report.rows for t in r.targets])
    cells = dict(short)
    heads = ["ClowdApp", "Chart"]
    for n, file in enumerate((clowdapp, chart)):
        if file is not None:
            heads[n] += f" ({md_code(short.get(file, file))})"
            cells[file] = ""
    out += [
        "## Deployment comparison matrix",
        "",
        f"| Component | Role | {heads[0]} | {heads[1]} | Status | Priority | Action |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report.ordered_rows():
        name = md_code(r.clowdapp) if r.clowdapp else "—"
        status = _status(r)
        out.append(
            f"| {name} | {r.role} | {_where(r, cells)} | {_targets(r, cells)} | {status} | "
            f"{r.priority or ''} | {md_text(r.action or '')}{_template_note(r)} |"
        )
    out.append("")


def _chart_state(r: Row) -> str:
    if not r.targets:
        return "no workload in the chart plays this part"
    parts = []
    for t in r.targets:
        if t.source.template_file is not None and t.source.template_line is not None:
            parts.append(f"{t.describe(md_code)} ({t.kind}) at {_chart_loc(t)}")
            continue
        template = f" (template {md_code(t.template)})" if t.template else ""
        parts.append(f"{t.describe(md_code)} ({t.kind}) at {_loc(t.file, t.line)}{template}")
    return "; ".join(parts)


def _facts(r: Row) -> list[str]:
    """A detailed row's facts, one bullet each: purpose, the chart's state, impacts, drift, what to
    do, evidence."""
    facts = [f"**Purpose**: {r.purpose or r.role} ({r.role}, {r.kind})"]
    facts.append(f"**Current state in the chart**: {_chart_state(r)}")
    facts += [f"**Impact**: {md_text(reason)}" for reason in r.reasons]
    facts += [f"**Drift** ({d.kind}): {md_text(d.message)}" for d in r.drift]
    if r.action:
        facts.append(f"**Recommendation**: {md_text(r.action)}")
    if r.evidence:
        facts.append(f"**Evidence**: {md_text('; '.join(r.evidence))}")
    return facts


def _lines_of(r: Row, short: dict[str, str]) -> str:
    """Where a row's ClowdApp item is: ``file:first-last`` (its snippet's lines, else its line)."""
    if r.source is None:
        return "—"
    first, last = [*r.snippet_lines, r.source.line, r.source.line][:2]
    return _loc(short.get(r.source.file, r.source.file), first, last)


def _icon(r: Row) -> str:
    return UNRENDERED_ICON if r.status_words == NOT_RENDERED else STATUS_ICON.get(r.status, r.status)


def _status(r: Row) -> str:
    return _icon(r) + (" (waived)" if r.waived else "")


def _snippet(r: Row, short: dict[str, str], whose: str = "") -> list[str]:
    if not (r.snippet and r.source):
        return []
    return [f"**ClowdApp** ({_lines_of(r, short)}{whose}):", "", *md_fence(r.snippet, "yaml"), ""]


def _row_detail(r: Row, short: dict[str, str]) -> list[str]:
    name = md_code(r.clowdapp or r.chart[0])
    heading = f"### {r.priority} · {name}" if r.priority else f"### {name}"
    return [f"{heading} — {_status(r)}", "", *_snippet(r, short), *(f"- {f}" for f in _facts(r)), ""]


def _alike(rows: list[Row]) -> list[list[Row]]:
    """Rows of one kind of gap (priority, status, role, kind, rule) together, in row order."""
    groups: dict[tuple[object, ...], list[Row]] = {}
    for r in rows:
        groups.setdefault((r.priority, r.status, r.waived, r.role, r.kind, r.rule), []).append(r)
    return list(groups.values())


NAME, QUEUES = "{name}", "{queues}"  # placeholders for what alike rows' texts differ in


def _pattern(text: str, r: Row) -> str:
    """``text`` with the row's name and its queues as placeholders, so alike rows' texts compare."""
    if r.clowdapp:
        text = text.replace(r.clowdapp, NAME)
    return text.replace(", ".join(r.queues), QUEUES) if r.queues else text


def _common(group: list[Row], texts: list[list[str]]) -> list[str]:
    """The patterns (``_pattern``) of ``texts`` every row of ``group`` has, in the first row's order."""
    patterns = [[_pattern(t, r) for t in ts] for r, ts in zip(group, texts, strict=True)]
    return [p for p in dict.fromkeys(patterns[0]) if all(p in other for other in patterns[1:])]


def _alike_detail(group: list[Row], short: dict[str, str]) -> list[str]:
    """Alike gaps in one section: the first one's ClowdApp lines (the others' are alike, at the lines
    named), the facts they all share once (``{name}`` and ``{queues}`` standing for each one's), a
    table of each one's name, queues and lines, then what any has of its own."""
    first = group[0]
    facts = [_facts(r) for r in group]
    shared = _common(group, facts)
    whose = f", {md_code(str(first.clowdapp))}; the others' are alike, at the lines below"
    out = [
        f"### {first.priority} · {len(group)} alike {first.role} gaps ({first.rule_id}) — {_status(first)}",
        "",
        *_snippet(first, short, whose),
        f"All {len(group)}, `{NAME}` being each one's name and `{QUEUES}` its queue(s):",
        "",
        *(f"- {f}" for f in shared),
        "",
    ]
    files = [r.source.file for r in group if r.source]
    file = _side_file(files)
    cells = {**short, file: ""} if file is not None else short
    column = f"ClowdApp lines ({md_code(short.get(file, file))})" if file is not None else "ClowdApp lines"
    out += [f"| Component | Queue(s) | {column} |", "|---|---|---|"]
    for r in group:
        queues = ", ".join(md_code(q) for q in r.queues) or "—"
        out.append(f"| {_name(r)} | {queues} | {_lines_of(r, cells)} |")
    out.append("")
    for r, own in zip(group, facts, strict=True):
        mine = [f for f in own if _pattern(f, r) not in shared]
        if mine:
            out.append(f"- {_name(r)} also:")
            out += [f"  - {f}" for f in mine]
    if out[-1] != "":
        out.append("")
    return out


def _gaps(report: Report, out: list[str]) -> None:
    gaps = [r for r in report.rows if r.is_detailed]
    if not gaps:
        return
    out += ["## Gaps in detail", ""]
    short = _short_files(report)
    for priority in DETAILED_PRIORITIES:
        for group in _alike([g for g in gaps if g.priority == priority]):
            out += _row_detail(group[0], short) if len(group) == 1 else _alike_detail(group, short)


def _suggestion(path: str, template: str, values: str, what: str, indent: str = "") -> list[str]:
    """A suggested template and its values, folded (``<details>``)."""
    return [
        f"{indent}<details><summary>{what} <code>{html_text(path)}</code></summary>",
        "",
        *[f"{indent}{line}".rstrip() for line in md_fence(template.rstrip(), "yaml")],
        "",
        f"{indent}`values.yaml`:",
        "",
        *[f"{indent}{line}".rstrip() for line in md_fence(values.rstrip(), "yaml")],
        "",
        f"{indent}</details>",
    ]


def _fixes(report: Report, out: list[str]) -> None:
    """Each gap's action by priority (alike ones on one line, ``{name}`` and ``{queues}`` standing for
    each one's), a suggested template under the gap it is for; then the template families
    (``Report.families``), each written once for its alike gaps."""
    gaps = [r for r in report.rows if r.is_detailed and not r.waived]
    if not gaps:
        return
    out += ["## Priority fixes", ""]
    families = [
        f for f in report.families if any(r.remediation and r.remediation.family == f.key for r in gaps)
    ]
    for priority in DETAILED_PRIORITIES:
        rows = [r for r in gaps if r.priority == priority]
        if not rows:
            continue
        out += [f"### {priority}", ""]
        for n, group in enumerate(_alike_steps(rows), 1):
            out.append(f"{n}. {_step(group, with_priority=False)}")
            r = group[0]
            rem = r.remediation
            if len(group) == 1 and rem and rem.family:
                out.append(f"   (template: family {md_code(rem.family)} below)")
            elif len(group) > 1 and rem and all(g.remediation and g.remediation.family for g in group):
                keys = sorted({str(g.remediation.family) for g in group if g.remediation})
                out.append(f"   (templates: family {', '.join(map(md_code, keys))} below)")
            elif rem and len(group) == 1:
                if r.group == "optional":  # a template, not a fix: the row needs no workload
                    out += ["", f"   *{IF_DEPLOYED.capitalize()}:*"]
                out += [
                    "",
                    *_suggestion(rem.path, rem.template, rem.values, "Suggested Helm template", "   "),
                ]
        out.append("")
    for family in families:
        members = [r for r in report.rows if r.id in family.members]
        optional = [r for r in members if r.group == "optional"]
        also = f" ({IF_DEPLOYED}: {_names(optional)})" if optional else ""
        out += [
            f"**Template family {md_code(family.key)}**: one template for {len(members)} alike gaps{also}: "
            f"a `range` over `{family.key}.members` "
            "(each by its name). What most of them share is written once, the env through a named "
            "helper; each member has its own values, and lists in `unset` and `unsetEnv` what of the "
            "family's it does not take. Each one's own template and values are in the JSON report "
            "(`remediation`).",
            "",
            *_suggestion(family.path, family.template, family.values, "Suggested Helm template family"),
            "",
        ]


def _drift(report: Report, out: list[str]) -> None:
    """Drift per matched row; rows with the same target and the same drift share one entry."""
    rows = [r for r in report.rows if r.drift and r.group == "covered"]
    if not rows:
        return
    short = _short_files(report)
    chart = _side_file([t.file for r in rows for t in r.targets])
    cells = {**short, chart: ""} if chart is not None else short
    where = f" (chart lines in {md_code(short.get(chart, chart))})" if chart is not None else ""
    out += ["## Drift in matched components", "", f"Matched, but the chart runs them differently{where}.", ""]
    entries: dict[tuple[str, tuple[str, ...]], list[Row]] = {}
    for r in rows:
        target = ", ".join(_target_at(t, cells) for t in r.targets)
        drift = tuple(f"  - {d.kind}: {md_text(d.message)}" for d in r.drift)
        entries.setdefault((target, drift), []).append(r)
    for (target, drift), alike in entries.items():
        out.append(f"- {_names(alike)} → {target}:")
        out.extend(drift)
    out.append("")


def _better(report: Report, out: list[str]) -> None:
    rows = [r for r in report.rows if r.group == "beyond"]
    if not rows:
        return
    out += ["## What the chart does better, and what else it runs", ""]
    short = _short_files(report)
    for r in rows:
        t = r.targets[0]
        out.append(
            f"- {STATUS_ICON[r.status]} {md_code(r.chart[0])} ({r.role}, {t.kind} at "
            f"{_chart_loc(t, short)}): {md_text(r.reasons[0])}"
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
    cells: dict[tuple[str, str, str], list[Row]] = {}  # rows citing alike share a line
    for r in rows:
        status = _icon(r) + (f" {r.priority}" if r.priority else "")
        cites = ", ".join(_citation(c) for c in r.citations) or "—"
        rests = ", ".join(md_text(a.name) for a in r.assumptions) or "—"
        cells.setdefault((status, cites, rests), []).append(r)
    for (status, cites, rests), alike in cells.items():
        out.append(f"| {_names(alike)} | {status} | {cites} | {rests} |")
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
    """What the apps take from the platform; their Kafka topics are the Kafka topics section's."""
    shown = [p for p in report.platform if not (report.topics and p.kind == "kafka-topic")]
    if not shown:
        return
    out += [
        "## Platform services",
        "",
        "| Kind | Name | ClowdApp | Provided in the chart by |",
        "|---|---|---|---|",
    ]
    short = _short_files(report)
    for p in shown:
        provided = ", ".join(md_code(x) for x in p.provided_by) or "not in the chart (external, or a gap)"
        where = _loc(short.get(p.source.file, p.source.file), p.source.line)
        out.append(f"| {p.kind} | {md_code(p.name)} | {where} | {provided} |")
    out.append("")


def _topics(report: Report, out: list[str]) -> None:
    """Each Kafka topic and its parties (``Report.topics``), one line a topic, each with what says so and
    its line (``:24`` where a side's lines are all in one file, named once above), and the chart object
    that creates it, if any: the platform services' rows of the topics, which this section shows."""
    if not report.topics:
        return
    short = _short_files(report)
    cells = dict(short)
    sides: list[str] = []
    for side in ("clowdapp", "chart"):
        file = _side_file([p.source.file for t in report.topics for p in t.parties if _on(p, side)])
        if file is not None:  # the one file of that side the header names
            sides.append(_SIDE[side])
            cells[file] = ""
    created = {p.name: p.provided_by for p in report.platform if p.kind == "kafka-topic"}
    lines = f"`:N`: a line of the {' or the '.join(sides)}. " if sides else ""
    uncreated = any(t.declared and not created.get(t.name) for t in report.topics)
    platform = "; a topic no chart object creates is the platform's (external, or a gap)" if uncreated else ""
    out += [
        "## Kafka topics",
        "",
        f"{lines}`kafkaTopics`, and an env var whose name says neither, give no direction{platform}.",
        "",
    ]

    def at(p: TopicParty) -> str:
        return md_code(f"{cells.get(p.source.file, p.source.file)}:{p.source.line}")

    def listed(parties: list[TopicParty]) -> str:
        return ", ".join(f"{p.describe(md_code)} ({md_text(p.detail)} {at(p)})" for p in parties)

    for t in report.topics:
        declared = ", ".join(f"{p.describe(md_code)} {at(p)}" for p in t.declared)
        parts = [f"declared by {declared}"] if declared else []
        for words, parties in (
            ("produced by", t.producers),
            ("consumed by", t.consumers),
            ("named by", t.naming),
        ):
            parts += [f"{words} {listed(parties)}"] if parties else []
        chart = created.get(t.name)
        parts += [f"created by {', '.join(map(md_code, chart))}"] if chart else []
        out.append(f"- {md_code(t.name)}: {'; '.join(parts)}")
    out.append("")


_SIDE = {"clowdapp": "ClowdApp (apps)", "chart": "chart (workloads)"}


def _on(party: TopicParty, side: str) -> bool:
    """A party whose line is in that side's files (code lines are in the app's source)."""
    return party.side == side and party.said_by != "code"


def _mermaid(report: Report, out: list[str]) -> None:
    """The graph; node ids are short (``c3``, ``h7``: Mermaid shows the labels), edges labelled."""
    out += ["## Component graph", "", "```mermaid", "flowchart LR"]
    apps = sorted({r.app for r in report.rows if r.clowdapp})
    ids = {(r.app, r.clowdapp): f"c{n}" for n, r in enumerate(r for r in report.rows if r.clowdapp)}
    charts = report.chart_status()  # a chart node: the first row naming it
    chart_ids = {name: f"h{n}" for n, name in enumerate(charts)}
    for n, app in enumerate(apps):
        out.append(f"  subgraph a{n}[{mermaid_label(f'ClowdApp {app}')}]")
        for r in report.rows:
            if r.clowdapp and r.app == app:
                out.append(f"    {ids[(r.app, r.clowdapp)]}[{mermaid_label(r.clowdapp)}]:::{r.status}")
        out.append("  end")
    out.append('  subgraph chart["Chart"]')
    for name, part in charts.items():
        out.append(f"    {chart_ids[name]}[{mermaid_label(name)}]:::{part}")
    out.append("  end")
    for r in report.rows:
        if not r.clowdapp:
            continue
        node = ids[(r.app, r.clowdapp)]
        for t in r.targets:
            label = r.status + (f" ({t.via_words})" if t.via_words else "")
            out.append(f"  {node} -->|{label}| {chart_ids[t.name]}")
        for name in r.chart:
            if name not in {t.name for t in r.targets}:
                out.append(f"  {node} -.->|queue| {chart_ids[name]}")
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
                opens = f" (rendered {md_code(where)})" if w.opens != where else ""
                out.append(f"- {md_code(w.opens)}{opens} ({w.code}): {md_text(w.message)}")
            continue
        lines = group.lines
        shown = ", ".join(str(n) for n in lines[:GROUP_SHOW])
        more = f" and {len(lines) - GROUP_SHOW} more" if len(lines) > GROUP_SHOW else ""
        at = f" — lines {shown}{more}" if lines else ""
        placed = list(dict.fromkeys(w.opens for w in group.warnings if w.template_line is not None))
        if placed:  # a chart's render: the templates they are written in, which the reader can open
            rest = f" and {len(placed) - GROUP_SHOW} more" if len(placed) > GROUP_SHOW else ""
            render = f" (render lines {shown}{more})" if lines else ""
            at = f" — in {', '.join(md_code(p) for p in placed[:GROUP_SHOW])}{rest}{render}"
        out.append(
            f"- {md_code(group.file)} ({group.code}) × {len(group.warnings)}: {md_text(group.summary)}{at}"
        )
    out.append("")


def _step(group: list[Row], *, with_priority: bool = True) -> str:
    """A step: its priority, the row's name and action; for alike rows, the action once (``{name}``
    and ``{queues}`` standing for each one's), then each row's name and queues."""
    r = group[0]
    what = r.action or r.reasons[0]
    head = f"**{r.priority}** " if with_priority else ""
    if len(group) == 1:
        name = md_code(str(r.clowdapp))
        return f"{head}{name if with_priority else f'**{name}**'}: {md_text(what)}"
    each = ", ".join(
        _name(g) + (f" ({', '.join(map(md_code, g.queues))})" if g.queues else "") for g in group
    )
    return f"{head}× {len(group)}: {md_text(_pattern(what, r))}, for each of {each}"


def _alike_steps(steps: list[Row]) -> list[list[Row]]:
    """Consecutive steps of one priority whose actions differ only in the row's name and queues."""
    groups: list[list[Row]] = []
    for r in steps:
        last = groups[-1][0] if groups else None
        if (
            last is not None
            and last.priority == r.priority
            and _pattern(last.action or "", last) == _pattern(r.action or "", r)
            and NAME in _pattern(r.action or "", r)
        ):
            groups[-1].append(r)
        else:
            groups.append([r])
    return groups


def _next(report: Report, out: list[str]) -> None:
    gaps = [r for r in report.rows if r.is_gap]
    out += ["## Next steps", ""]
    if not gaps:
        out += ["No open gaps.", ""]
        return
    ordered = sorted(gaps, key=lambda g: (g.priority or "P9", g.source.line if g.source else 0))
    steps = [r for r in ordered if not _no_action(r)]
    for n, group in enumerate(_alike_steps(steps), 1):
        out.append(f"{n}. {_step(group)}")
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
