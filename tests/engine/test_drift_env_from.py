"""envFrom in env drift: names a chart may set through a ConfigMap/Secret it references are not
reported missing when its keys are unknown. Neither a ClowdApp envFrom (not a Clowder field) nor a chart
envFrom whose names are all known is drift."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from koku_gap.engine.drift import drift, env_keys
from koku_gap.model.report import Drift, Row
from tests.helpers.engine import (
    celery,
    clowdapp,
    deployment,
    graphs,
    manifests,
    row,
    run,
    workload,
    write,
)

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


def pair_row(
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
    r = pair_row(tmp_path, {"FOO": "1", "BAR": "2"}, {"FOO": "1"}, target_from=[SECRET])
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
    r = pair_row(tmp_path, {"FOO": "1", "BAR": "2"}, {"FOO": "1"})
    assert [d.clowdapp for d in of_kind(r, "env-missing")] == [["BAR"]]
    assert of_kind(r, "env-from") == []


def test_a_prefix_limits_what_an_envfrom_can_set(tmp_path: Path) -> None:
    r = pair_row(tmp_path, {"DB_HOST": "h", "OTHER": "x"}, {}, target_from=[DB_CONFIG])
    assert [d.clowdapp for d in of_kind(r, "env-missing")] == [["OTHER"]]
    [env_from] = of_kind(r, "env-from")
    assert env_from.clowdapp["unverified"] == ["DB_HOST"]
    assert env_from.chart == {"env_from": ["configmap/db (prefix DB_)"]}


def test_envfrom_only_in_the_clowdapp_is_no_drift(tmp_path: Path) -> None:
    """Clowder has no envFrom field (it drops it; the loader warns): nothing the chart must copy."""
    r = pair_row(tmp_path, {"FOO": "1"}, {"FOO": "1"}, source_from=[SECRET])
    assert of_kind(r, "env-from") == [] and of_kind(r, "env-missing") == []


def test_envfrom_on_both_sides_and_every_name_set_is_no_drift(tmp_path: Path) -> None:
    other = {"secretRef": {"name": "chart-creds"}}
    r = pair_row(tmp_path, {"FOO": "1"}, {"FOO": "1"}, source_from=[SECRET], target_from=[other])
    assert not of_kind(r, "env-from") and not of_kind(r, "env-missing")


def test_envfrom_on_both_sides_still_names_the_unverified(tmp_path: Path) -> None:
    other = {"secretRef": {"name": "chart-creds"}}
    r = pair_row(tmp_path, {"FOO": "1"}, {}, source_from=[SECRET], target_from=[other])
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
