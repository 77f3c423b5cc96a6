"""Field drift of matched pairs over normalised values (issue 3, drift.py): resources, env (with what
an envFrom may set), probes, scaling, schedules."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from koku_gap.engine.drift import drift, env_keys, normalised_resources, quantity
from koku_gap.model.graph import Component
from koku_gap.model.report import Drift, Row
from tests.helpers.engine import (
    celery,
    clowdapp,
    deployment,
    graphs,
    hpa,
    job,
    manage,
    manifests,
    row,
    run,
    workload,
    write,
)

SAME_A = {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "2Gi"}}
SAME_B = {"requests": {"cpu": "0.5", "memory": "1073741824"}, "limits": {"cpu": "1000m", "memory": "2048Mi"}}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("500m", "0.5"),
        ("500m", 0.5),
        ("1", 1),
        ("1000m", "1"),
        ("1Gi", "1073741824"),
        ("1Gi", 1073741824),
        ("2048Mi", "2Gi"),
        ("1G", "1000M"),
        ("1e3", "1k"),
        ("0.5Gi", "512Mi"),
    ],
)
def test_equal_quantities(a, b) -> None:  # type: ignore[no-untyped-def]
    assert quantity(a) == quantity(b)


def test_quantity_values() -> None:
    assert quantity("500m") == Decimal("0.5")
    assert quantity("1Gi") == Decimal(1073741824)
    assert quantity("100Mi") == Decimal(104857600)
    assert quantity("1k") == Decimal(1000)
    assert quantity(None) is None
    assert quantity("${CPU_LIMIT}") == "${CPU_LIMIT}"  # not a quantity: kept as text
    assert quantity("1Gi") != quantity("1G")


def test_normalised_resources() -> None:
    assert normalised_resources(SAME_A) == normalised_resources(SAME_B)
    assert normalised_resources(None) == {}
    assert normalised_resources({"requests": {"cpu": "250m"}}) == {"requests": {"cpu": Decimal("0.25")}}


def pair(tmp_path: Path, source: dict, target: dict, *extra: dict):  # type: ignore[type-arg,no-untyped-def]
    """One ClowdApp worker and its chart counterpart (same queue): the row for the worker."""
    report = run(
        tmp_path,
        clowdapp(deployments=[deployment("worker-a", command=celery("a"), **source)]),
        manifests(workload("rel-worker-a", command=celery("a"), **target), *extra),
    )
    r = row(report, "worker-a")
    assert r.chart[0] == "rel-worker-a"
    return r


def kinds(r) -> list[str]:  # type: ignore[no-untyped-def]
    return [d.kind for d in r.drift]


def test_same_values_in_other_units_are_no_resources_drift(tmp_path: Path) -> None:
    r = pair(tmp_path, {"resources": SAME_A}, {"resources": SAME_B})
    assert "resources" not in kinds(r)
    assert r.status == "match"


def test_real_resource_differences_are_listed(tmp_path: Path) -> None:
    other = {"requests": {"cpu": "0.5", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "4Gi"}}
    r = pair(tmp_path, {"resources": SAME_A}, {"resources": other})
    [res] = [d for d in r.drift if d.kind == "resources"]
    assert "limits.memory 2Gi -> 4Gi" in res.message  # as written; compared as numbers
    assert "limits.cpu 1 -> 2" in res.message
    assert "requests" not in res.message  # equal requests are not reported
    assert res.clowdapp["limits"]["memory"] == "2147483648"
    assert res.chart["limits"]["cpu"] == "2"
    assert r.status == "match"  # drift alone does not make the row partial under the default policy


def test_resource_set_in_clowdapp_but_not_in_chart(tmp_path: Path) -> None:
    r = pair(tmp_path, {"resources": SAME_A}, {})
    [res] = [d for d in r.drift if d.kind == "resources"]
    assert "no resource" in res.message
    partly = pair(tmp_path, {"resources": SAME_A}, {"resources": {"requests": SAME_A["requests"]}})
    [res] = [d for d in partly.drift if d.kind == "resources"]
    assert "limits" in res.message and "not set" in res.message


def test_env_var_the_clowdapp_sets_and_the_chart_does_not(tmp_path: Path) -> None:
    r = pair(
        tmp_path,
        {"env": {"FOO": "1", "BAR": "2", "ACG_CONFIG": "/cdapp/cdappconfig.json"}},
        {"env": {"FOO": "something else"}},
    )
    [env] = [d for d in r.drift if d.kind == "env-missing"]
    assert env.clowdapp == ["BAR"]  # FOO is set (to another value); ACG_CONFIG is Clowder's own
    assert "BAR" in env.message


def test_no_env_drift_when_the_chart_sets_everything(tmp_path: Path) -> None:
    r = pair(tmp_path, {"env": {"FOO": "1"}}, {"env": {"FOO": "1", "EXTRA": "x"}})
    assert "env-missing" not in kinds(r)


def test_clowder_only_env_is_never_drift_even_when_it_looks_like_a_switch(tmp_path: Path) -> None:
    """Regression (fixed in 366b06f): ignore_env was not applied to env switches."""
    report = run(
        tmp_path,
        clowdapp(
            deployments=[
                deployment("worker-a", command=celery("a"), env={"CLOWDER_ENABLED": "true"}),
                deployment("worker-b", command=celery("b")),
                deployment("worker-c", command=celery("c")),
            ]
        ),
        manifests(
            workload("rel-worker-a", command=celery("a")),
            workload("rel-worker-b", command=celery("b")),
            workload("rel-worker-c", command=celery("c")),
        ),
    )
    r = row(report, "worker-a")
    assert not [d for d in r.drift if "CLOWDER_ENABLED" in d.message]
    assert r.status == "match"


def test_probe_missing(tmp_path: Path) -> None:
    r = pair(tmp_path, {"probes": True}, {})
    probes = [d for d in r.drift if d.kind == "probe-missing"]
    assert sorted(d.clowdapp for d in probes) == ["liveness probe", "readiness probe"]
    assert "probe-missing" not in kinds(pair(tmp_path, {"probes": True}, {"probes": True}))


def test_autoscaler_against_fixed_replicas(tmp_path: Path) -> None:
    r = pair(tmp_path, {"keda": (1, 6)}, {"replicas": 2})
    [scaling] = [d for d in r.drift if d.kind == "autoscaling"]
    assert scaling.clowdapp == {"min": 1, "max": 6}
    assert scaling.chart == 2
    assert "fixed 2" in scaling.message


def test_autoscaler_on_both_sides_is_no_drift(tmp_path: Path) -> None:
    r = pair(tmp_path, {"keda": (1, 6)}, {"replicas": None}, hpa("rel-worker-a", 1, 6))
    assert not {"autoscaling", "replicas"} & set(kinds(r))


def test_replica_counts(tmp_path: Path) -> None:
    r = pair(tmp_path, {"replicas": 3}, {"replicas": 1})
    [replicas] = [d for d in r.drift if d.kind == "replicas"]
    assert (replicas.clowdapp, replicas.chart) == (3, 1)
    assert "replicas" not in kinds(pair(tmp_path, {"replicas": 2}, {"replicas": 2}))


# --- envFrom ------------------------------------------------------------------------------------------------
# envFrom in env drift: names a chart may set through a ConfigMap/Secret it references are not
# reported missing when its keys are unknown. Neither a ClowdApp envFrom (not a Clowder field) nor a chart
# envFrom whose names are all known is drift.


SECRET = {"secretRef": {"name": "creds"}}
DB_CONFIG = {"configMapRef": {"name": "db"}, "prefix": "DB_"}


def chart_worker(env: dict[str, str], env_from: list[dict[str, Any]]) -> dict[str, Any]:
    obj = workload("rel-worker-a", command=celery("a"), env=env)
    if env_from:
        obj["spec"]["template"]["spec"]["containers"][0]["envFrom"] = env_from
    return obj


def clowd_worker(env: dict[str, str], env_from: list[dict[str, Any]]) -> dict[str, Any]:
    item = deployment("worker-a", command=celery("a"), env=env)
    if env_from:
        item["podSpec"]["envFrom"] = env_from
    return item


def env_pair(
    tmp_path: Path,
    source_env: dict[str, str],
    target_env: dict[str, str],
    *,
    source_from: list[dict[str, Any]] | None = None,
    target_from: list[dict[str, Any]] | None = None,
) -> Row:
    report = run(
        tmp_path,
        clowdapp(deployments=[clowd_worker(source_env, source_from or [])]),
        manifests(chart_worker(target_env, target_from or [])),
    )
    r = row(report, "worker-a")
    assert r.chart == ["rel-worker-a"]
    return r


def of_kind(r: Row | list[Drift], kind: str) -> list[Drift]:
    return [d for d in (r.drift if isinstance(r, Row) else r) if d.kind == kind]


def test_names_an_opaque_envfrom_may_set_are_unverified_not_missing(tmp_path: Path) -> None:
    r = env_pair(tmp_path, {"FOO": "1", "BAR": "2"}, {"FOO": "1"}, target_from=[SECRET])
    assert of_kind(r, "env-missing") == []
    [env_from] = of_kind(r, "env-from")
    assert env_from.clowdapp == {"unverified": ["BAR"]}
    assert env_from.chart == {"env_from": ["secret/creds"]}
    assert env_from.message == (
        "the chart takes env from secret/creds; 1 env var(s) the ClowdApp sets may come from it, "
        "unverified: BAR"
    )
    assert r.status == "match"  # not in partial_on: a difference to check, not a gap


def test_without_envfrom_the_same_name_is_missing(tmp_path: Path) -> None:
    """The control: the same pair without the chart's envFrom reports BAR missing, and no env-from."""
    r = env_pair(tmp_path, {"FOO": "1", "BAR": "2"}, {"FOO": "1"})
    assert [d.clowdapp for d in of_kind(r, "env-missing")] == [["BAR"]]
    assert of_kind(r, "env-from") == []


def test_a_prefix_limits_what_an_envfrom_can_set(tmp_path: Path) -> None:
    r = env_pair(tmp_path, {"DB_HOST": "h", "OTHER": "x"}, {}, target_from=[DB_CONFIG])
    assert [d.clowdapp for d in of_kind(r, "env-missing")] == [["OTHER"]]
    [env_from] = of_kind(r, "env-from")
    assert env_from.clowdapp["unverified"] == ["DB_HOST"]
    assert env_from.chart == {"env_from": ["configmap/db (prefix DB_)"]}


def test_envfrom_only_in_the_clowdapp_is_no_drift(tmp_path: Path) -> None:
    """Clowder has no envFrom field (it drops it; the loader warns): nothing the chart must copy."""
    r = env_pair(tmp_path, {"FOO": "1"}, {"FOO": "1"}, source_from=[SECRET])
    assert of_kind(r, "env-from") == [] and of_kind(r, "env-missing") == []


def test_envfrom_on_both_sides_and_every_name_set_is_no_drift(tmp_path: Path) -> None:
    other = {"secretRef": {"name": "chart-creds"}}
    r = env_pair(tmp_path, {"FOO": "1"}, {"FOO": "1"}, source_from=[SECRET], target_from=[other])
    assert not of_kind(r, "env-from") and not of_kind(r, "env-missing")


def test_envfrom_on_both_sides_still_names_the_unverified(tmp_path: Path) -> None:
    other = {"secretRef": {"name": "chart-creds"}}
    r = env_pair(tmp_path, {"FOO": "1"}, {}, source_from=[SECRET], target_from=[other])
    [env_from] = of_kind(r, "env-from")
    assert env_from.message.startswith("the chart takes env from secret/chart-creds; 1 env var(s)")


def test_known_keys_of_a_rendered_source_decide(tmp_path: Path) -> None:
    """With the keys of the chart's Secret known, a name it holds is set and one it lacks is missing."""
    app = write(tmp_path, "app.yaml", clowdapp(deployments=[clowd_worker({"BAR": "2", "BAZ": "3"}, [])]))
    chart = write(tmp_path, "chart.yaml", manifests(chart_worker({}, [SECRET])))
    source, target = graphs([app], [chart])
    s, t = source.component("worker-a"), target.component("rel-worker-a")
    items = drift(s, t, t.main, (), env_keys={"secret/creds": ["BAR"]})
    assert [d.clowdapp for d in of_kind(items, "env-missing")] == [["BAZ"]]
    assert of_kind(items, "env-from") == []  # every name accounted for: nothing left to check
    opaque = drift(s, t, t.main, ())
    assert of_kind(opaque, "env-missing") == []
    assert of_kind(opaque, "env-from")[0].clowdapp["unverified"] == ["BAR", "BAZ"]


def test_a_switch_is_still_required_by_name(tmp_path: Path) -> None:
    """A switch selects what the workload is: a value hidden in an envFrom cannot show it."""
    report = run(
        tmp_path,
        clowdapp(
            deployments=[
                clowd_worker({"SYNC": "true"}, []),
                deployment("worker-b", command=celery("b")),
                deployment("worker-c", command=celery("c")),
            ]
        ),
        manifests(
            chart_worker({}, [SECRET]),
            workload("rel-worker-b", command=celery("b")),
            workload("rel-worker-c", command=celery("c")),
        ),
    )
    r = row(report, "worker-a")
    assert [d.clowdapp for d in of_kind(r, "switch-missing")] == [["SYNC=true"]]
    assert of_kind(r, "env-missing") == []


def test_env_keys_of_a_rendered_configmap(tmp_path: Path) -> None:
    """drift.env_keys reads what the manifests loader keeps of a ConfigMap: its keys, with the prefix."""
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "db"}, "data": {"HOST": "h"}}
    worker = clowd_worker({"DB_HOST": "h", "DB_PORT": "5"}, [])
    app = write(tmp_path, "app.yaml", clowdapp(deployments=[worker]))
    chart = write(tmp_path, "chart.yaml", manifests(chart_worker({}, [DB_CONFIG]), config_map))
    source, target = graphs([app], [chart])
    keys = env_keys(target.resources)
    assert keys == {"configmap/db": ("HOST",)}
    t = target.component("rel-worker-a")
    items = drift(source.component("worker-a"), t, t.main, (), env_keys=keys)
    assert [d.clowdapp for d in of_kind(items, "env-missing")] == [["DB_PORT"]]
    assert of_kind(items, "env-from") == []


# --- schedules ----------------------------------------------------------------------------------------------
# Schedule drift of scheduled jobs: another schedule, or none at all, in the chart.


def schedule_pair(tmp_path: Path, schedule: str | None, kind: str, chart_schedule: str | None = None) -> Row:
    report = run(
        tmp_path,
        clowdapp(jobs=[job("cleanup", schedule=schedule, command=manage("cleanup"))]),
        manifests(workload("rel-cleanup", kind=kind, schedule=chart_schedule, command=manage("cleanup"))),
    )
    r = row(report, "cleanup")
    assert r.chart == ["rel-cleanup"]
    return r


def schedules(r: Row | list[Drift]) -> list[Drift]:
    return of_kind(r, "schedule")


def test_another_schedule_in_the_chart(tmp_path: Path) -> None:
    r = schedule_pair(tmp_path, "0 3 * * *", "CronJob", "0 0 * * *")
    [d] = schedules(r)
    assert d.message == "schedule differs: schedule '0 3 * * *' -> '0 0 * * *'"
    assert (d.clowdapp, d.chart) == ({"schedule": "0 3 * * *"}, {"schedule": "0 0 * * *"})
    assert r.status == "match"


@pytest.mark.parametrize("chart", ["0 3 * * *", "0  3 *  * *", " 0 3 * * * "])
def test_the_same_schedule_is_no_drift(tmp_path: Path, chart: str) -> None:
    assert schedules(schedule_pair(tmp_path, "0 3 * * *", "CronJob", chart)) == []


def test_a_cron_macro_equals_its_fields(tmp_path: Path) -> None:
    assert schedules(schedule_pair(tmp_path, "@daily", "CronJob", "0 0 * * *")) == []
    [d] = schedules(schedule_pair(tmp_path, "@hourly", "CronJob", "0 0 * * *"))
    assert d.message == "schedule differs: schedule '@hourly' -> '0 0 * * *'"  # as written


def test_a_scheduled_job_run_by_a_plain_job(tmp_path: Path) -> None:
    r = schedule_pair(tmp_path, "0 3 * * *", "Job")
    [d] = schedules(r)
    assert d.message == "schedule '0 3 * * *' in the ClowdApp; the chart runs it as a Job, unscheduled"
    assert (d.clowdapp, d.chart) == ({"schedule": "0 3 * * *"}, None)
    assert r.status == "partial"  # the schedule-lost rule, as before; the drift says what was lost


def test_a_one_off_job_the_chart_schedules(tmp_path: Path) -> None:
    [d] = schedules(schedule_pair(tmp_path, None, "CronJob", "*/5 * * * *"))
    assert d.message == "the chart runs it on schedule '*/5 * * * *'; the ClowdApp Job has none"
    assert (d.clowdapp, d.chart) == (None, {"schedule": "*/5 * * * *"})


def test_no_schedule_on_either_side_is_no_drift(tmp_path: Path) -> None:
    assert schedules(schedule_pair(tmp_path, None, "Job")) == []


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
