"""A partial analysis says so: the chart templates left out of the render (``--skip-failing-templates``)
become ``Report.partial``, and a row that lacks a counterpart names the left-out templates that may
hold it (``Row.unrendered``), so it reads "not rendered" rather than "missing".

Which template may hold which component is told by names alone (nothing of a failed template was
rendered): the words of its path under ``templates/`` (``celery/deployment-worker-summary.yaml``:
celery, worker, summary) against the words of the component's name, less the policy's
``strip_prefixes``, and of its role (``clowder-worker-summary-xl``, celery-worker: worker, summary, xl,
celery). The templates sharing the most words with it, at least one, may hold it. Words of
Kubernetes kinds and file types (``deployment``, ``yaml``) say nothing of a workload, nor do words most
of the left-out templates share (a folder they all sit in).

Priorities stay as the policy decides them: a component that may be in a left-out template may also
be missing, so the gate counts it (a partial analysis never passes on what it did not see).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from koku_gap.model.location import Notice
from koku_gap.model.report import Partial, Report, Row, SkippedTemplate

NOT_RENDERED = "template-not-rendered"  # the code of the warning a left-out template gets (render.py)
_HELM_SAID = " is not analysed: "  # what precedes Helm's own message in that warning
# Words of file names and Kubernetes kinds, which say nothing of which workload a template holds.
_GENERIC = frozenset(
    {"yaml", "yml", "tpl", "json", "templates", "deployment", "deployments", "deploy", "job", "jobs"}
    | {"cronjob", "cronjobs", "statefulset", "daemonset", "pod", "pods"}
)
_COMMON = 4  # from this many left-out templates on, words most of them share are a folder's
_UNSETTLED = ("missing", "optional")  # the statuses of a row with no counterpart in the chart


def skipped_templates(warnings: Sequence[Notice]) -> list[SkippedTemplate]:
    """The templates the render left out, in the order it left them out, from their warnings."""
    found: list[SkippedTemplate] = []
    for w in warnings:
        if w.code == NOT_RENDERED and w.template and all(s.template != w.template for s in found):
            _, said, helm = w.message.partition(_HELM_SAID)
            found.append(SkippedTemplate(template=w.template, message=helm if said else w.message))
    return found


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if w and not w.isdigit()} - _GENERIC


def _template_words(templates: Sequence[str]) -> dict[str, set[str]]:
    """Each template's telling words: of its path under ``templates/``, less what most share."""
    words = {t: _words(t.rsplit("/templates/", 1)[-1].rsplit(".", 1)[0]) for t in templates}
    if len(templates) >= _COMMON:
        counts: dict[str, int] = {}
        for ws in words.values():
            for w in ws:
                counts[w] = counts.get(w, 0) + 1
        common = {w for w, n in counts.items() if n * 2 > len(templates)}
        words = {t: ws - common for t, ws in words.items()}
    return words


def _unprefixed(name: str, prefixes: Sequence[str]) -> str:
    for prefix in prefixes:
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
    return name


def may_hold(row: Row, templates: dict[str, set[str]], prefixes: Sequence[str] = ()) -> list[str]:
    """The left-out templates that may hold ``row``'s counterpart (``templates``: their words), those
    sharing the most words with its name and role, in the order given; none for a row the chart
    plays, or with no word in common."""
    if row.clowdapp is None or row.targets or row.status not in _UNSETTLED:
        return []
    own = _words(_unprefixed(row.clowdapp, prefixes)) | _words(row.role)
    scores = {t: len(own & ws) for t, ws in templates.items()}
    best = max(scores.values(), default=0)
    return [t for t, n in scores.items() if n == best] if best else []


def _said(templates: list[str]) -> str:
    shown = ", ".join(templates[:3]) + (f" and {len(templates) - 3} more" if len(templates) > 3 else "")
    return f"template {shown}" if len(templates) == 1 else f"one of the templates {shown}"


def _marked(row: Row, templates: list[str]) -> Row:
    reason = (
        f"not rendered: its counterpart may be in {_said(templates)}, left out of the render because "
        "it failed (failing templates were skipped), so the chart may play it after all"
    )
    needs = "the template needs" if len(templates) == 1 else "those templates need"
    action = f"give the values {needs} (see the warnings) and analyse again"
    return row.model_copy(
        update={
            "unrendered": templates,
            "reasons": [reason, *row.reasons],
            "action": f"{action}; if still missing: {row.action}" if row.action else action,
        }
    )


def partial_report(report: Report, prefixes: Sequence[str] = ()) -> Report:
    """``report`` with ``partial`` set and its unplayed rows naming the left-out templates that may hold
    them; ``report`` itself when no template was left out."""
    skipped = skipped_templates(report.warnings)
    if not skipped:
        return report
    words = _template_words([s.template for s in skipped])
    rows = []
    for row in report.rows:
        templates = may_hold(row, words, prefixes)
        rows.append(_marked(row, templates) if templates else row)
    return report.model_copy(update={"partial": Partial(skipped=skipped), "rows": rows})
