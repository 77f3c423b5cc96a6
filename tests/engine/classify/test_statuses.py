"""Classification: every status, every default rule, chart-only rows, policy overrides (issue 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap.engine.policy import load_policy
from koku_gap.model.vocabulary import GAP_STATUSES, STATUS_ORDER
from tests.helpers.engine import (
    GUNICORN,
    NGINX_IMAGE,
    celery,
    chart_row,
    clowdapp,
    deployment,
    job,
    manage,
    manifests,
    row,
    run,
    workload,
    write,
)
from tests.helpers.files import ENGINE_FIXTURES as FIXTURES

POSTGRES = "quay.io/sclorg/postgresql-16-c9s:latest"
VALKEY = "docker.io/valkey/valkey:8"


def zoo() -> str:
    """One ClowdApp with a component of each kind the default rules speak about."""
    return clowdapp(
        deployments=[
            deployment(
                "clowder-api", web="public", image=NGINX_IMAGE, command=["nginx", "-g", "daemon off;"]
            ),
            deployment("listener", command=manage("listener")),
            deployment("api", web="public"),
            deployment("sync", command=["sh", "-c", "./shopctl start sync"]),
            deployment("scheduler", command=celery("", beat=True)),
            deployment("worker-off", command=celery("off"), replicas=0),
            deployment("worker-export", command=celery("export")),
            deployment("worker-default", command=celery("celery")),
        ],
        jobs=[
            job("db-migrate", command=manage("migrate")),
            job("mgmt", command=["/bin/bash", "-c", "${MGMT_COMMAND}"]),
            job("nightly", schedule="0 3 * * *", command=manage("cleanup")),
        ],
        invoked=["db-migrate", "mgmt"],
        parameters={"MGMT_COMMAND": "python manage.py help"},
        database={"name": "shop"},
        inMemoryDb=True,
        objectStore=["shop-bucket"],
        kafkaTopics=[{"topicName": "platform.shop.events"}],
        dependencies=["rbac", "sources-api"],
    )


def zoo_chart() -> str:
    return manifests(
        workload("rel-worker", command=celery("celery")),
        workload("rel-database", kind="StatefulSet", image=POSTGRES),
        workload("rel-valkey", image=VALKEY),
        workload("rel-minio", image="quay.io/minio/minio:latest", command=["minio", "server", "/data"]),
        workload("rel-kafka", kind="StatefulSet", image="quay.io/strimzi/kafka:latest"),
        workload("rel-trino-coordinator", kind="StatefulSet", image="quay.io/trinodb/trino:470"),
        workload("rel-hive-metastore", image="quay.io/example/hive:4.0"),
        workload("rel-sources-api", image="quay.io/cloudservices/sources-api-go:latest", http=True),
        workload("rel-gizmo", image="quay.io/example/gizmo:1", command=["./gizmo", "serve"]),
    )


@pytest.fixture
def zoo_report(tmp_path: Path):  # type: ignore[no-untyped-def]
    return run(tmp_path, zoo(), zoo_chart())


@pytest.mark.parametrize(
    ("component", "role", "status", "priority", "words"),
    [
        ("listener", "kafka-consumer", "missing", "P0", "Kafka consumer"),
        ("worker-export", "celery-worker", "missing", "P0", "export"),
        ("api", "web-api", "missing", "P1", "API"),
        ("sync", "subcommand", "missing", "P1", "worker process"),
        ("scheduler", "celery-beat", "missing", "P1", "beat"),
        ("db-migrate", "migration", "missing", "P1", "migrations"),
        ("clowder-api", "reverse-proxy", "optional", "P2", "reverse proxy"),
        ("mgmt", "ad-hoc-command", "optional", "P3", "ad-hoc"),
        ("worker-off", "celery-worker", "optional", "P3", "0 replicas"),
        ("nightly", "management-command", "missing", "P2", "scheduled"),
    ],
)
def test_default_rules_for_missing_components(zoo_report, component, role, status, priority, words) -> None:  # type: ignore[no-untyped-def]
    r = row(zoo_report, component)
    assert r.role == role
    assert (r.status, r.priority) == (status, priority)
    assert r.chart == [] and r.targets == []
    assert words in r.reasons[0]
    assert r.id == f"shop/{component}"  # the component, whatever its status
    assert r.is_gap


def test_zero_replicas_wins_over_an_uncovered_queue(zoo_report) -> None:  # type: ignore[no-untyped-def]
    assert "off" in zoo_report.queues.uncovered  # the queue is still listed ...
    assert row(zoo_report, "worker-off").priority == "P3"  # ... but the disabled worker is not P0


@pytest.mark.parametrize(
    ("chart_name", "status", "words"),
    [
        ("rel-database", "infra", "database"),
        ("rel-valkey", "infra", "in memory db"),
        ("rel-minio", "infra", "object store"),
        ("rel-kafka", "infra", "kafka"),
        ("rel-trino-coordinator", "better", "query engine"),
        ("rel-hive-metastore", "better", "metastore"),
        ("rel-sources-api", "better", "sources-api"),
        ("rel-gizmo", "extra", "no ClowdApp component"),
    ],
)
def test_chart_only_workloads(zoo_report, chart_name, status, words) -> None:  # type: ignore[no-untyped-def]
    r = chart_row(zoo_report, chart_name)
    assert (r.status, r.priority, r.clowdapp, r.source) == (status, None, None, None)
    assert words in r.reasons[0]
    assert [t.name for t in r.targets] == [chart_name]
    assert not r.is_gap


def test_platform_services_name_their_chart_providers(zoo_report) -> None:  # type: ignore[no-untyped-def]
    provided = {p.kind: p.provided_by for p in zoo_report.platform}
    assert provided["database"] == ["rel-database"]
    assert provided["in-memory-db"] == ["rel-valkey"]
    assert provided["object-store"] == ["rel-minio"]


def test_infrastructure_the_clowdapp_does_not_take_from_its_platform_is_extra(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(deployments=[deployment("api", web="public")]),
        manifests(
            workload("rel-api", command=GUNICORN, http=True),
            workload("rel-database", kind="StatefulSet", image=POSTGRES),
            workload("rel-valkey", image=VALKEY),
        ),
    )
    assert chart_row(report, "rel-database").status == "extra"
    assert chart_row(report, "rel-valkey").status == "extra"


def test_trino_is_better_by_default_policy_rule(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(deployments=[deployment("api", web="public")]),
        manifests(
            workload("rel-api", command=GUNICORN, http=True),
            workload("rel-trino-worker", image="quay.io/trinodb/trino:470"),
        ),
    )
    trino = chart_row(report, "rel-trino-worker")
    assert trino.role == "query-engine"
    assert trino.status == "better"
    assert trino.reasons[0].startswith("policy:")


def test_chart_workload_named_after_a_clowdapp_dependency_is_better(tmp_path: Path) -> None:
    app = clowdapp(deployments=[deployment("api", web="public")], dependencies=["rbac"])
    report = run(
        tmp_path,
        app,
        manifests(
            workload("rel-api", command=GUNICORN, http=True),
            workload("rel-rbac", image="quay.io/cloudservices/rbac:latest", http=True),
        ),
    )
    rbac = chart_row(report, "rel-rbac")
    assert rbac.status == "better"
    assert "rbac" in rbac.reasons[0]
    without = run(
        tmp_path,
        clowdapp(deployments=[deployment("api", web="public")]),
        manifests(
            workload("rel-api", command=GUNICORN, http=True),
            workload("rel-rbac", image="quay.io/cloudservices/rbac:latest", http=True),
        ),
    )
    assert chart_row(without, "rel-rbac").status == "extra"


def test_match_consolidated_and_partial(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(
            deployments=[
                deployment("api-reads", web="public"),
                deployment("api-writes", web="public"),
                deployment("worker", command=celery("celery")),
            ],
            jobs=[job("db-migrate", command=manage("migrate"))],
            invoked=["db-migrate"],
        ),
        manifests(
            workload("rel-api", command=GUNICORN, http=True),
            workload("rel-worker", command=celery("celery")),
            workload(
                "rel-migrate", kind="Job", command=["python", "manage.py", "migrate"], hook="post-install"
            ),
        ),
    )
    assert (row(report, "worker").status, row(report, "worker").priority) == ("match", None)
    assert row(report, "worker").reasons == ["played by rel-worker"]
    assert row(report, "api-reads").status == "consolidated"
    migrate = row(report, "db-migrate")
    assert (migrate.status, migrate.priority) == ("partial", "P2")
    assert "post-install" in migrate.reasons[0]
    assert any(d.kind == "hook-phase" for d in migrate.drift)


@pytest.mark.parametrize(
    ("hook", "status", "priority"),
    [
        ("pre-install,pre-upgrade", "match", None),
        ("post-install,post-upgrade", "partial", "P2"),
        (None, "match", None),
    ],
)
def test_migration_hook_phase(tmp_path: Path, hook, status, priority) -> None:  # type: ignore[no-untyped-def]
    report = run(
        tmp_path,
        clowdapp(
            deployments=[deployment("api", web="public")],
            jobs=[job("db-migrate", command=manage("migrate"))],
            invoked=["db-migrate"],
        ),
        manifests(
            workload("rel-api", command=GUNICORN, http=True),
            workload("rel-migrate", kind="Job", command=["python", "manage.py", "migrate"], hook=hook),
        ),
    )
    migrate = row(report, "db-migrate")
    assert migrate.chart == ["rel-migrate"]
    assert (migrate.status, migrate.priority) == (status, priority)


def test_cronjob_matched_by_a_chart_cronjob_keeps_its_schedule(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(
            deployments=[deployment("api", web="public")],
            jobs=[job("nightly", schedule="0 3 * * *", command=manage("cleanup"))],
        ),
        manifests(
            workload("rel-api", command=GUNICORN, http=True),
            workload(
                "rel-nightly",
                kind="CronJob",
                schedule="0 4 * * *",
                command=["python", "manage.py", "cleanup"],
            ),
        ),
    )
    assert row(report, "nightly").status == "match"


def test_switch_missing_on_the_chart_side_makes_an_aliased_row_partial(tmp_path: Path) -> None:
    policy = write(tmp_path, "policy.yaml", "extends: default\nmatch:\n  clowder-masu: rel-api\n")
    report = run(
        tmp_path,
        clowdapp(
            deployments=[
                deployment("clowder-api", web="public"),
                deployment("clowder-masu", web="private", env={"MASU": "true"}),
                deployment("worker", command=celery("celery")),
            ]
        ),
        manifests(
            workload("rel-api", command=GUNICORN, http=True), workload("rel-worker", command=celery("celery"))
        ),
        policy=policy,
    )
    masu = row(report, "clowder-masu")
    assert (masu.status, masu.priority) == ("partial", "P2")
    assert "MASU=true" in masu.reasons[0]
    assert [d.kind for d in masu.drift if d.kind == "switch-missing"] == ["switch-missing"]


def test_switch_set_to_false_in_the_chart_is_switch_missing(tmp_path: Path) -> None:
    """Regression (fixed in 366b06f): drift counted MASU=false as setting the MASU=true switch."""
    policy = write(tmp_path, "policy.yaml", "extends: default\nmatch:\n  clowder-masu: rel-api\n")
    report = run(
        tmp_path,
        clowdapp(
            deployments=[
                deployment("clowder-api", web="public"),
                deployment("clowder-masu", web="private", env={"MASU": "true"}),
                deployment("worker", command=celery("celery")),
            ]
        ),
        manifests(
            workload("rel-api", command=GUNICORN, http=True, env={"MASU": "false"}),
            workload("rel-worker", command=celery("celery")),
        ),
        policy=policy,
    )
    assert row(report, "clowder-masu").status == "partial"


def test_component_override_changes_status_and_priority(tmp_path: Path) -> None:
    app = (FIXTURES / "mini-clowdapp.yaml").read_text()
    chart = (FIXTURES / "mini-rendered.yaml").read_text()
    plain = row(run(tmp_path, app, chart), "clowder-sync")
    assert (plain.status, plain.priority) == ("missing", "P1")

    report = run(tmp_path, app, chart, policy=FIXTURES / "policy-override.yaml")
    sync = row(report, "clowder-sync")
    assert (sync.status, sync.priority) == ("optional", "P3")
    assert sync.reasons[0].startswith("policy:")
    assert "external job" in sync.reasons[0]
    assert sync.id == "shop/clowder-sync"
    assert report.summary.highest_priority == "P3"


def test_override_to_a_non_gap_status_drops_the_priority(tmp_path: Path) -> None:
    policy = write(
        tmp_path,
        "policy.yaml",
        "extends: default\ncomponents:\n  'clowder-*':\n    status: better\n"
        "    reason: done differently on-prem\n",
    )
    report = run(
        tmp_path,
        (FIXTURES / "mini-clowdapp.yaml").read_text(),
        (FIXTURES / "mini-rendered.yaml").read_text(),
        policy=policy,
    )
    sync = row(report, "clowder-sync")
    assert (sync.status, sync.priority) == ("better", None)
    assert sync.reasons[0] == "policy: done differently on-prem"
    assert report.summary.gaps == 0


def test_override_of_priority_only_keeps_the_status(tmp_path: Path) -> None:
    policy = write(
        tmp_path,
        "policy.yaml",
        "extends: default\ncomponents:\n  clowder-sync: {priority: P0, reason: sync is essential}\n",
    )
    report = run(
        tmp_path,
        (FIXTURES / "mini-clowdapp.yaml").read_text(),
        (FIXTURES / "mini-rendered.yaml").read_text(),
        policy=policy,
    )
    sync = row(report, "clowder-sync")
    assert (sync.status, sync.priority) == ("missing", "P0")
    assert sync.reasons[0] == "policy: sync is essential"


def test_policy_chart_rule_by_name_glob(tmp_path: Path) -> None:
    policy = write(
        tmp_path,
        "policy.yaml",
        "extends: default\nchart:\n  - {name: '*-gizmo', status: better, reason: gizmos help}\n",
    )
    report = run(tmp_path, zoo(), zoo_chart(), policy=policy)
    gizmo = chart_row(report, "rel-gizmo")
    assert (gizmo.status, gizmo.reasons) == ("better", ["policy: gizmos help"])


def test_koku_policy_rules_for_ros_kruize_and_ui(tmp_path: Path) -> None:
    chart = manifests(
        workload("rel-api", command=GUNICORN, http=True),
        workload("rel-ros-api", command=["sh", "-c", "./rosocp start api"], http=True),
        workload("rel-kruize", image="quay.io/kruize/autotune:1", http=True),
        workload(
            "rel-ui", image="quay.io/onprem/shop-ui:v1", command=["nginx", "-g", "daemon off;"], http=True
        ),
        workload("rel-db-init", kind="Job", command=["bash", "-c", "psql -f init.sql"], hook="pre-install"),
    )
    report = run(tmp_path, clowdapp(deployments=[deployment("api", web="public")]), chart, policy="koku")
    assert chart_row(report, "rel-ros-api").status == "extra"
    assert "ROS" in chart_row(report, "rel-ros-api").reasons[0]
    assert chart_row(report, "rel-kruize").status == "extra"
    assert chart_row(report, "rel-ui").status == "better"
    assert chart_row(report, "rel-db-init").status == "infra"


def test_koku_policy_ros_rule_stands_aside_when_ros_is_analysed(tmp_path: Path) -> None:
    ros = clowdapp(
        "ros-ocp-backend",
        deployments=[deployment("api", command=["sh", "-c", "./rosocp start api"], web="public")],
    )
    report = run(
        tmp_path,
        ros,
        manifests(
            workload("rel-ros-api", command=["sh", "-c", "./rosocp start api"], http=True),
            workload("rel-ros-processor", command=["sh", "-c", "./rosocp start processor"]),
        ),
        policy="koku",
    )
    assert row(report, "api").chart == ["rel-ros-api"]
    processor = chart_row(report, "rel-ros-processor")
    assert processor.status == "extra"
    assert not processor.reasons[0].startswith("policy:")  # the "out of scope" rule does not apply


def test_every_status_is_reachable(tmp_path: Path, zoo_report) -> None:  # type: ignore[no-untyped-def]
    mixed = run(
        tmp_path,
        clowdapp(
            deployments=[deployment("api-reads", web="public"), deployment("api-writes", web="public")],
            jobs=[job("db-migrate", command=manage("migrate"))],
            invoked=["db-migrate"],
        ),
        manifests(
            workload("rel-api", command=GUNICORN, http=True),
            workload(
                "rel-migrate", kind="Job", command=["python", "manage.py", "migrate"], hook="post-install"
            ),
            workload("rel-worker", command=celery("celery")),
        ),
    )
    seen = {r.status for r in zoo_report.rows} | {r.status for r in mixed.rows}
    seen.add("match")  # zoo: worker-default -> rel-worker
    assert {r.status for r in zoo_report.rows} >= {"missing", "optional", "better", "infra", "extra", "match"}
    assert {r.status for r in mixed.rows} >= {"consolidated", "partial"}
    assert seen == set(STATUS_ORDER)
    assert {"missing", "partial", "optional"} == GAP_STATUSES


def test_summary_counts(zoo_report) -> None:  # type: ignore[no-untyped-def]
    summary = zoo_report.summary
    assert summary.by_priority == {"P0": 2, "P1": 4, "P2": 2, "P3": 2}
    assert summary.gaps == 10
    assert summary.highest_priority == "P0"
    assert zoo_report.fails("P0") and zoo_report.fails("P3") and not zoo_report.fails("none")
    assert [r.clowdapp for r in zoo_report.gaps("P0")] == ["listener", "worker-export"]


def test_outcome_for_missing_falls_back_to_unknown() -> None:
    policy = load_policy()
    assert policy.outcome_for_missing("celery-worker").priority == "P1"
    assert policy.outcome_for_missing("static-web").status == "optional"
    assert policy.outcome_for_missing("no-such-role") == policy.missing["unknown"]


def test_override_to_missing_without_priority_is_still_a_gap(tmp_path: Path) -> None:
    policy = write(
        tmp_path,
        "policy.yaml",
        "extends: default\ncomponents:\n  api: {status: missing, reason: the chart API is not usable}\n",
    )
    report = run(
        tmp_path,
        (FIXTURES / "mini-clowdapp.yaml").read_text(),
        (FIXTURES / "mini-rendered.yaml").read_text(),
        policy=policy,
    )
    api = row(report, "api")
    assert api.status == "missing"
    assert api.is_gap


def test_a_worker_at_zero_replicas_on_both_sides_is_as_in_saas(tmp_path: Path) -> None:
    """The ClowdApp runs the worker at 0 replicas and so does the chart: nothing consumes its queue
    on either side, which is no gap (issue 16: it was "partial P0 ... scale to at least 1 replica")."""
    app = clowdapp(deployments=[deployment("worker-off", replicas=0, command=celery("off"))])
    chart = manifests(workload("rel-worker-off", replicas=0, command=celery("off")))
    r = row(run(tmp_path, app, chart), "worker-off")
    assert (r.status, r.priority, r.rule) == ("match", None, None)
    assert any("runs with replicas: 0, as the ClowdApp runs worker-off" in reason for reason in r.reasons)
    assert not any("scale" in reason for reason in r.reasons) and "scale" not in (r.action or "")


def test_a_worker_the_chart_idles_but_the_clowdapp_runs_still_needs_scaling(tmp_path: Path) -> None:
    app = clowdapp(deployments=[deployment("worker-on", replicas=1, command=celery("on"))])
    chart = manifests(workload("rel-worker-on", replicas=0, command=celery("on")))
    r = row(run(tmp_path, app, chart), "worker-on")
    assert (r.status, r.priority) == ("partial", "P0")
    assert "scale rel-worker-on to at least 1 replica" in (r.action or "")
