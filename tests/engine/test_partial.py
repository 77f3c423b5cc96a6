"""A partial analysis (issue 16): templates left out of the render name the rows they may hold."""

from __future__ import annotations

from pathlib import Path

from koku_gap.api import analyze
from koku_gap.engine.partial import NOT_RENDERED, may_hold, partial_report, skipped_templates
from koku_gap.model.location import Notice
from koku_gap.model.report import Report
from tests.helpers.ci import scenario

SAID = "template {t} was left out (it failed, and failing templates are skipped) and is not analysed: {m}"


def _left_out(*templates: str) -> list[Notice]:
    return [
        Notice(
            code=NOT_RENDERED,
            message=SAID.format(t=t, m=f"execution error at ({t}:3:4): set x"),
            file="chart",
            template=t,
        )
        for t in templates
    ]


def _report(tmp_path: Path, *templates: str) -> Report:
    app, chart = scenario(tmp_path)
    report = analyze([app], [chart])
    return partial_report(report.model_copy(update={"warnings": [*report.warnings, *_left_out(*templates)]}))


def test_a_complete_analysis_is_not_partial(tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    report = analyze([app], [chart])
    assert report.partial is None
    assert all(r.unrendered == [] for r in report.rows)
    assert "partial" not in report.to_dict() and all("unrendered" not in r for r in report.to_dict()["rows"])


def test_the_left_out_templates_are_the_reports_partial_with_helms_words(tmp_path: Path) -> None:
    report = _report(tmp_path, "shop/templates/listener/deployment.yaml", "shop/templates/route.yaml")
    assert report.partial is not None
    assert [s.template for s in report.partial.skipped] == [
        "shop/templates/listener/deployment.yaml",
        "shop/templates/route.yaml",
    ]
    assert report.partial.skipped[0].message == (
        "execution error at (shop/templates/listener/deployment.yaml:3:4): set x"
    )
    assert list(report.to_dict())[:2] == ["schema_version", "partial"]  # what a CI reads first


def test_a_row_a_left_out_template_may_hold_says_not_rendered_not_missing(tmp_path: Path) -> None:
    report = _report(tmp_path, "shop/templates/listener/deployment.yaml", "shop/templates/route.yaml")
    listener = report.row("listener")
    assert listener.unrendered == ["shop/templates/listener/deployment.yaml"]
    assert listener.status_words == "not rendered" and listener.status == "missing"
    assert listener.reasons[0].startswith("not rendered: its counterpart may be in template shop/templates/")
    assert listener.action is not None and listener.action.startswith("give the values the template needs")
    assert listener.priority == "P0"  # it may also be missing: the gate still counts it
    sync = report.row("clowder-sync")  # no left-out template shares a word with it: still missing
    assert sync.unrendered == [] and sync.status_words == "missing"
    assert report.row("api").unrendered == []  # played: nothing to say


def test_the_templates_sharing_the_most_words_may_hold_it(tmp_path: Path) -> None:
    templates = [
        "c/templates/celery/deployment-worker-summary.yaml",
        "c/templates/celery/deployment-worker-default.yaml",
        "c/templates/celery/deployment-beat.yaml",
        "c/templates/api/deployment.yaml",
    ]
    report = _report(tmp_path, *templates)
    xl = report.row("worker-xl")  # worker-xl, celery-worker: celery and worker; beat has celery only
    assert xl.unrendered == templates[:2]
    # a web API: the word of its role
    assert report.row("clowder-sync").unrendered == ["c/templates/api/deployment.yaml"]


def test_words_most_left_out_templates_share_name_a_folder_not_a_workload(tmp_path: Path) -> None:
    report = _report(tmp_path, *(f"c/templates/worker/{n}.yaml" for n in ("a", "b", "c", "d")))
    assert report.row("worker-xl").unrendered == []
    words = {"c/templates/worker/a.yaml": {"worker"}}  # one template: no folder to tell apart
    assert may_hold(report.row("worker-xl"), words) == ["c/templates/worker/a.yaml"]


def test_skipped_templates_are_read_once_each_in_order() -> None:
    notes = _left_out("c/templates/b.yaml", "c/templates/a.yaml", "c/templates/b.yaml")
    assert [s.template for s in skipped_templates(notes)] == ["c/templates/b.yaml", "c/templates/a.yaml"]
