"""The seed-style Markdown document: summary, comparison matrix, one section per gap, next steps."""

from __future__ import annotations

from koku_gap.report.model import Report, Row

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


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _where(row: Row) -> str:
    return f"`{row.source.file}:{row.source.line}`" if row.source else "—"


def _targets(row: Row) -> str:
    if not row.targets:
        return "—"
    parts = []
    for t in row.targets:
        via = f" (init container `{t.container}`)" if t.via == "init-container" else ""
        parts.append(f"`{t.name}`{via}")
    extra = [c for c in row.chart if c not in {t.name for t in row.targets}]
    if extra:
        parts.append("also " + ", ".join(f"`{c}`" for c in extra))
    return ", ".join(parts)


def render_markdown(report: Report, *, date: str | None = None) -> str:
    out: list[str] = []
    apps = sorted({a for i in report.inputs if i.side == "clowdapp" for a in i.apps})
    out.append(f"# ClowdApp vs Helm chart gap report: {', '.join(apps) or 'ClowdApp'}")
    out.append("")
    if date:
        out.append(f"**Date**: {date}  ")
    for item in report.inputs:
        label = "ClowdApp" if item.side == "clowdapp" else "Chart (rendered)"
        out.append(f"**{label}**: `{item.file}` ({item.workloads} workloads)  ")
    out.append(f"**Policy**: {', '.join(f'`{p}`' for p in report.policy)}")
    out.append("")
    _summary(report, out)
    _matrix(report, out)
    _gaps(report, out)
    _better(report, out)
    _queues(report, out)
    _platform(report, out)
    _warnings(report, out)
    _next_steps(report, out)
    return "\n".join(out).rstrip() + "\n"


def _summary(report: Report, out: list[str]) -> None:
    s = report.summary
    rows = report.rows
    have = [r for r in rows if r.status in ("match", "consolidated")]
    lack = [r for r in rows if r.status in ("missing", "partial")]
    optional = [r for r in rows if r.status == "optional"]
    better = [r for r in rows if r.status == "better"]
    out += ["## Executive summary", ""]
    out.append(
        f"- The ClowdApp defines **{s.clowdapp_components}** components; the chart renders "
        f"**{s.chart_workloads}** workloads."
    )
    out.append(
        f"- ✅ **Covered**: {len(have)} components"
        + (f" ({sum(1 for r in have if r.status == 'consolidated')} consolidated)" if have else "")
        + "."
    )
    if lack:
        names = ", ".join(f"`{r.clowdapp}`" for r in lack)
        out.append(f"- ❌ **Lacking**: {len(lack)} components: {names}.")
    if optional:
        out.append(f"- ➖ **Optional**: {', '.join(f'`{r.clowdapp}`' for r in optional)}.")
    if better:
        out.append(f"- ⭐ **Chart adds**: {', '.join(f'`{r.chart[0]}`' for r in better)}.")
    gaps = ", ".join(f"{n} × {p}" for p, n in s.by_priority.items() if n) or "none"
    out.append(f"- **Gaps by priority**: {gaps}.")
    if report.queues.uncovered:
        out.append(
            "- **Celery queues no chart worker consumes**: "
            + ", ".join(f"`{q}`" for q in report.queues.uncovered)
            + "."
        )
    out.append("")


def _matrix(report: Report, out: list[str]) -> None:
    out += [
        "## Deployment comparison matrix",
        "",
        "| Component | Role | ClowdApp | Chart | Status | Priority | Why |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report.rows:
        name = f"`{r.clowdapp}`" if r.clowdapp else "—"
        out.append(
            f"| {name} | {r.role} | {_where(r)} | {_targets(r)} | {STATUS_ICON.get(r.status, r.status)}"
            f"{' (waived)' if r.waived else ''} | {r.priority or ''} | "
            f"{_cell(r.reasons[0] if r.reasons else '')} |"
        )
    out.append("")


def _gaps(report: Report, out: list[str]) -> None:
    gaps = [r for r in report.rows if r.priority in ("P0", "P1", "P2")]
    if not gaps:
        return
    out += ["## Gaps in detail", ""]
    for priority in ("P0", "P1", "P2"):
        for r in (g for g in gaps if g.priority == priority):
            out.append(f"### {priority} · `{r.clowdapp}` — {r.status}")
            out.append("")
            out.append(f"- **Role**: {r.role} ({r.kind}); evidence: {_cell('; '.join(r.evidence[:4]))}")
            out.append(f"- **ClowdApp**: {_where(r)}")
            chart = ", ".join(f"`{t.name}` at `{t.file}:{t.line}`" for t in r.targets) or "no counterpart"
            out.append(f"- **Chart**: {chart}")
            for reason in r.reasons:
                out.append(f"- **Impact**: {_cell(reason)}")
            for d in r.drift:
                out.append(f"- **Drift** ({d.kind}): {_cell(d.message)}")
            out.append("")


def _better(report: Report, out: list[str]) -> None:
    rows = [r for r in report.rows if r.status in ("better", "infra", "extra")]
    if not rows:
        return
    out += ["## What the chart adds", ""]
    for r in rows:
        t = r.targets[0]
        out.append(
            f"- {STATUS_ICON[r.status]} `{r.chart[0]}` ({r.role}, `{t.file}:{t.line}`): {_cell(r.reasons[0])}"
        )
    out.append("")


def _queues(report: Report, out: list[str]) -> None:
    if not report.queues.detail:
        return
    out += ["## Celery queue coverage", "", "| Queue | ClowdApp workers | Chart workers |", "|---|---|---|"]
    for queue, info in report.queues.detail.items():
        chart = ", ".join(f"`{c}`" for c in info.chart) or "❌ none"
        clowd = ", ".join(f"`{c}`" for c in info.clowdapp) or "—"
        out.append(f"| `{queue}` | {clowd} | {chart} |")
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
        provided = ", ".join(f"`{x}`" for x in p.provided_by) or "not in the chart (external?)"
        out.append(f"| {p.kind} | `{p.name}` | `{p.source.file}:{p.source.line}` | {provided} |")
    out.append("")


def _warnings(report: Report, out: list[str]) -> None:
    if not report.warnings:
        return
    out += ["## Warnings", ""]
    for w in report.warnings:
        where = f"{w.file}:{w.line}" if w.line else w.file
        out.append(f"- `{where}` ({w.code}): {_cell(w.message)}")
    out.append("")


def _next_steps(report: Report, out: list[str]) -> None:
    gaps = [r for r in report.rows if r.is_gap]
    out += ["## Next steps", ""]
    if not gaps:
        out += ["No open gaps.", ""]
        return
    for n, r in enumerate(
        sorted(gaps, key=lambda g: (g.priority or "P9", g.source.line if g.source else 0)), 1
    ):
        out.append(f"{n}. **{r.priority}** `{r.clowdapp}`: {_cell(r.reasons[0])}")
    out.append("")
