"""Schedule drift of scheduled jobs: another schedule, or none at all, in the chart."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from koku_gap.engine.drift import drift
from koku_gap.model.graph import Component
from koku_gap.model.report import Drift, Row
from tests.helpers.engine import clowdapp, graphs, job, manage, manifests, row, run, workload, write


def pair_row(tmp_path: Path, schedule: str | None, kind: str, chart_schedule: str | None = None) -> Row:
    report = run(
        tmp_path,
        clowdapp(jobs=[job("cleanup", schedule=schedule, command=manage("cleanup"))]),
        manifests(workload("rel-cleanup", kind=kind, schedule=chart_schedule, command=manage("cleanup"))),
    )
    r = row(report, "cleanup")
    assert r.chart == ["rel-cleanup"]
    return r


def schedules(r: Row | list[Drift]) -> list[Drift]:
    return [d for d in (r.drift if isinstance(r, Row) else r) if d.kind == "schedule"]


def test_another_schedule_in_the_chart(tmp_path: Path) -> None:
    r = pair_row(tmp_path, "0 3 * * *", "CronJob", "0 0 * * *")
    [d] = schedules(r)
    assert d.message == "schedule differs: schedule '0 3 * * *' -> '0 0 * * *'"
    assert (d.clowdapp, d.chart) == ({"schedule": "0 3 * * *"}, {"schedule": "0 0 * * *"})
    assert r.status == "match"


@pytest.mark.parametrize("chart", ["0 3 * * *", "0  3 *  * *", " 0 3 * * * "])
def test_the_same_schedule_is_no_drift(tmp_path: Path, chart: str) -> None:
    assert schedules(pair_row(tmp_path, "0 3 * * *", "CronJob", chart)) == []


def test_a_cron_macro_equals_its_fields(tmp_path: Path) -> None:
    assert schedules(pair_row(tmp_path, "@daily", "CronJob", "0 0 * * *")) == []
    [d] = schedules(pair_row(tmp_path, "@hourly", "CronJob", "0 0 * * *"))
    assert d.message == "schedule differs: schedule '@hourly' -> '0 0 * * *'"  # as written


def test_a_scheduled_job_run_by_a_plain_job(tmp_path: Path) -> None:
    r = pair_row(tmp_path, "0 3 * * *", "Job")
    [d] = schedules(r)
    assert d.message == "schedule '0 3 * * *' in the ClowdApp; the chart runs it as a Job, unscheduled"
    assert (d.clowdapp, d.chart) == ({"schedule": "0 3 * * *"}, None)
    assert r.status == "partial"  # the schedule-lost rule, as before; the drift says what was lost


def test_a_one_off_job_the_chart_schedules(tmp_path: Path) -> None:
    [d] = schedules(pair_row(tmp_path, None, "CronJob", "*/5 * * * *"))
    assert d.message == "the chart runs it on schedule '*/5 * * * *'; the ClowdApp Job has none"
    assert (d.clowdapp, d.chart) == (None, {"schedule": "*/5 * * * *"})


def test_no_schedule_on_either_side_is_no_drift(tmp_path: Path) -> None:
    assert schedules(pair_row(tmp_path, None, "Job")) == []


def test_a_scheduled_job_carried_by_an_init_container(tmp_path: Path) -> None:
    init = {"name": "cleanup-init", "image": "quay.io/onprem/shop:v1", "command": manage("cleanup")}
    report = run(
        tmp_path,
        clowdapp(jobs=[job("cleanup", schedule="0 3 * * *", command=manage("cleanup"))]),
        manifests(workload("rel-api", init=[init], command=["gunicorn", "shop.wsgi"], http=True)),
    )
    r = row(report, "cleanup")
    assert r.targets[0].via == "init-container"
    [d] = schedules(r)
    assert d.message.endswith("the chart runs it at pod start (init container cleanup-init)")


def cron_pair(tmp_path: Path) -> tuple[Component, Component]:
    app = write(
        tmp_path, "app.yaml", clowdapp(jobs=[job("cleanup", schedule="0 3 * * *", command=manage("cleanup"))])
    )
    chart = write(
        tmp_path,
        "chart.yaml",
        manifests(workload("rel-cleanup", kind="CronJob", schedule="0 3 * * *", command=manage("cleanup"))),
    )
    source, target = graphs([app], [chart])
    return source.component("cleanup"), target.component("rel-cleanup")


def test_suspend_and_concurrency_policy_are_compared_where_both_are_known(tmp_path: Path) -> None:
    s, t = cron_pair(tmp_path)
    s2 = s.model_copy(update={"suspend": False, "concurrency_policy": "Allow"})
    t2 = t.model_copy(update={"suspend": True, "concurrency_policy": "Forbid"})
    [d] = schedules(drift(s2, t2, t2.main, ()))
    assert d.message == "schedule differs: concurrencyPolicy 'Allow' -> 'Forbid'; suspend false -> true"
    assert d.chart == {"schedule": "0 3 * * *", "suspend": True, "concurrencyPolicy": "Forbid"}
    # known on one side only: not compared
    t3 = t.model_copy(update={"concurrency_policy": "Forbid"})
    assert schedules(drift(s2.model_copy(update={"concurrency_policy": None}), t3, t3.main, ())) == []
    # neither side sets them: only the schedule counts
    assert schedules(drift(s, t, t.main, ())) == []


def test_loaders_read_suspend_and_concurrency_policy(tmp_path: Path) -> None:
    """Both loaders carry what the files set, and nothing (not Kubernetes' defaults) where they do not."""
    app = tmp_path / "app.yaml"
    app.write_text(
        textwrap.dedent(
            """\
            apiVersion: cloud.redhat.com/v1alpha1
            kind: ClowdApp
            metadata: {name: shop}
            spec:
              jobs:
              - name: cleanup
                schedule: "0 3 * * *"
                suspend: true
                concurrencyPolicy: Forbid
                podSpec: {image: "quay.io/x/shop:1", command: [a]}
              - name: once
                podSpec: {image: "quay.io/x/shop:1", command: [b]}
            """
        )
    )
    chart = tmp_path / "chart.yaml"
    chart.write_text(
        textwrap.dedent(
            """\
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: rel-cleanup}
            spec:
              schedule: "0 3 * * *"
              concurrencyPolicy: Replace
              jobTemplate:
                spec:
                  template:
                    spec:
                      containers: [{name: c, image: "quay.io/x/shop:1", command: [a]}]
            """
        )
    )
    source, target = graphs([app], [chart])
    cleanup, once = source.component("cleanup"), source.component("once")
    assert (cleanup.suspend, cleanup.concurrency_policy) == (True, "Forbid")
    assert (once.suspend, once.concurrency_policy) == (None, None)
    cron = target.component("rel-cleanup")
    assert (cron.suspend, cron.concurrency_policy) == (None, "Replace")
    [d] = schedules(drift(cleanup, cron, cron.main, ()))
    assert d.message == "schedule differs: concurrencyPolicy 'Forbid' -> 'Replace'"
