"""Field drift of matched pairs over normalised values (issue 3, drift.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from koku_gap.engine.drift import normalised_resources, quantity
from tests.helpers.engine import celery, clowdapp, deployment, hpa, manifests, row, run, workload

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
