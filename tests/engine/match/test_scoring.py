"""Matching: role first, then queues, commands, env switches and image; names last (issue 3, match.py)."""

from __future__ import annotations

from pathlib import Path

from koku_gap.engine.match import Names
from koku_gap.engine.policy import load_policy
from koku_gap.model.report import Report
from tests.helpers.engine import (
    GUNICORN,
    NGINX_IMAGE,
    celery,
    chart_row,
    clowdapp,
    container,
    deployment,
    graphs,
    job,
    manage,
    manifests,
    row,
    rows_naming,
    run,
    workload,
    write,
)
from tests.helpers.files import ENGINE_FIXTURES as FIXTURES


def test_role_first_a_celery_worker_named_like_an_api_does_not_match_the_api(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(deployments=[deployment("api", command=celery("export"))]),
        manifests(
            workload("rel-api", command=GUNICORN, http=True), workload("rel-worker", command=celery("x"))
        ),
    )
    api = row(report, "api")
    assert api.role == "celery-worker"
    assert api.chart == [] and api.targets == []
    assert (api.status, api.priority) == ("missing", "P0")
    assert all(r.clowdapp is None for r in rows_naming(report, "rel-api"))
    assert chart_row(report, "rel-api").status == "extra"


def test_queue_subset_matches_a_worker_consuming_more_queues(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(deployments=[deployment("worker-a", command=celery("a"))]),
        manifests(workload("rel-worker-ab", command=celery("a,b")), workload("rel-other", command=GUNICORN)),
    )
    worker = row(report, "worker-a")
    assert (worker.status, worker.priority) == ("match", None)
    assert worker.chart == ["rel-worker-ab"]
    assert worker.queues == ["a"]
    assert report.queues.uncovered == []
    assert report.queues.extra == ["b"]
    assert report.queues.detail["a"].chart == ["rel-worker-ab"]
    assert report.queues.detail["b"].clowdapp == []


def test_queue_consumed_by_no_chart_worker_is_missing_p0_and_uncovered(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(
            deployments=[
                deployment("worker-a", command=celery("a")),
                deployment("worker-c", command=celery("c")),
            ]
        ),
        manifests(
            workload("rel-worker-a", command=celery("a")), workload("rel-api", command=GUNICORN, http=True)
        ),
    )
    worker = row(report, "worker-c")
    assert (worker.status, worker.priority) == ("missing", "P0")
    assert "c" in worker.reasons[0] and "no chart worker" in worker.reasons[0]
    assert report.queues.uncovered == ["c"]
    assert report.queues.detail["c"].clowdapp == ["worker-c"] and report.queues.detail["c"].chart == []
    assert row(report, "worker-a").status == "match"


def test_partly_covered_worker_is_partial_p0_naming_the_uncovered_queue(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(deployments=[deployment("worker-ac", command=celery("a,c"))]),
        manifests(
            workload("rel-worker-a", command=celery("a")), workload("rel-api", command=GUNICORN, http=True)
        ),
    )
    worker = row(report, "worker-ac")
    assert (worker.status, worker.priority) == ("partial", "P0")
    assert worker.chart == ["rel-worker-a"]
    assert "c" in worker.reasons[0]
    assert report.queues.uncovered == ["c"]


def test_queue_covered_by_several_chart_workers_lists_them_all(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(deployments=[deployment("worker-x", command=celery("x"))]),
        manifests(
            workload("rel-worker-x", command=celery("x")), workload("rel-worker-mixed", command=celery("x,y"))
        ),
    )
    worker = row(report, "worker-x")
    assert worker.status == "match"
    assert worker.targets[0].name == "rel-worker-x"  # the best queue + name match is the direct counterpart
    assert set(worker.chart) == {"rel-worker-x", "rel-worker-mixed"}
    assert any("rel-worker-mixed" in reason for reason in worker.reasons)
    assert report.queues.detail["x"].chart == ["rel-worker-x", "rel-worker-mixed"]


def test_chart_worker_carrying_part_of_a_split_clowdapp_worker_is_not_extra(tmp_path: Path) -> None:
    """Regression (fixed in 366b06f): the unclaimed covering worker used to get an `extra` row."""
    # the chart splits worker-ab's two queues over two workers: both play a part of worker-ab
    report = run(
        tmp_path,
        clowdapp(deployments=[deployment("worker-ab", command=celery("a,b"))]),
        manifests(
            workload("rel-worker-a", command=celery("a")), workload("rel-worker-b", command=celery("b"))
        ),
    )
    assert set(row(report, "worker-ab").chart) == {"rel-worker-a", "rel-worker-b"}
    for r in rows_naming(report, "rel-worker-b"):
        assert r.status != "extra", r.reasons
        assert "no ClowdApp component plays this part" not in r.reasons


def test_management_command_must_be_equal(tmp_path: Path) -> None:
    app = clowdapp(deployments=[deployment("clowder-listener", command=manage("listener"))])
    only_other = run(
        tmp_path,
        app,
        manifests(
            workload("rel-sources-listener", command=manage("sources_listener")),
            workload("rel-api", command=GUNICORN, http=True),
        ),
    )
    listener = row(only_other, "clowder-listener")
    assert listener.role == "kafka-consumer"
    assert (listener.status, listener.priority) == ("missing", "P0")
    assert chart_row(only_other, "rel-sources-listener").status == "extra"

    both = run(
        tmp_path,
        app,
        manifests(
            # the name says listener, the command does not
            workload("rel-listener", command=manage("sources_listener")),
            workload("rel-consumer", command=manage("listener")),
        ),
    )
    assert row(both, "clowder-listener").chart == ["rel-consumer"]
    assert row(both, "clowder-listener").status == "match"


def test_subcommand_must_be_equal(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(
            deployments=[
                deployment(
                    "processor", command=["sh", "-c", "./shopctl db migrate up && ./shopctl start processor"]
                ),
                deployment("poller", command=["sh", "-c", "./shopctl start poller"]),
            ]
        ),
        manifests(
            workload("rel-processor", command=["sh", "-c", "./shopctl start poller"]),
            workload("rel-poller", command=["sh", "-c", "./shopctl start processor"]),
            workload("rel-api", command=["sh", "-c", "./shopctl start api"]),
        ),
    )
    assert row(report, "processor").chart == ["rel-poller"]
    assert row(report, "poller").chart == ["rel-processor"]
    assert chart_row(report, "rel-api").status == "extra"


def test_env_switch_written_literally_steers_the_match(tmp_path: Path) -> None:
    # names point the wrong way on purpose: only MASU=true tells the two chart APIs apart
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
            workload("rel-masu", command=GUNICORN, http=True),
            workload("rel-api", command=GUNICORN, http=True, env={"MASU": "true"}),
            workload("rel-worker", command=celery("celery")),
        ),
    )
    masu = row(report, "clowder-masu")
    assert masu.chart == ["rel-api"]
    assert masu.status == "match"
    assert any("MASU=true" in e for e in masu.evidence)
    assert row(report, "clowder-api").chart == ["rel-masu"]


def test_env_value_from_a_parameter_is_configuration_not_a_switch(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(
            deployments=[
                deployment("clowder-api", web="public"),
                deployment("clowder-masu", web="private", env={"MASU": "${MASU_ON}"}),
                deployment("worker", command=celery("celery")),
            ],
            parameters={"MASU_ON": "true"},
        ),
        manifests(
            workload("rel-masu", command=GUNICORN, http=True),
            workload("rel-api", command=GUNICORN, http=True, env={"MASU": "true"}),
            workload("rel-worker", command=celery("celery")),
        ),
    )
    assert row(report, "clowder-masu").chart == ["rel-masu"]  # names decide
    assert row(report, "clowder-api").chart == ["rel-api"]


def test_names_compared_after_stripping_release_prefix_app_name_and_clowder(tmp_path: Path) -> None:
    app = write(
        tmp_path,
        "app.yaml",
        clowdapp(
            "shop",
            deployments=[
                deployment("clowder-reports", web="public"),
                deployment("clowder-exports", web="public"),
            ],
        ),
    )
    chart = write(
        tmp_path,
        "chart.yaml",
        manifests(
            workload("myrel-shop-exports", command=GUNICORN, http=True),
            workload("myrel-shop-reports", command=GUNICORN, http=True),
            workload("myrel-valkey", image="docker.io/valkey/valkey:8"),
        ),
    )
    source, target = graphs([app], [chart])
    house_prefix = load_policy().model_copy(update={"strip_prefixes": ("clowder-",)})  # as koku.yaml's
    names = Names(source, target, house_prefix)
    assert names.release == "myrel-"
    assert names.tokens("clowder-reports", chart=False) == frozenset({"reports"})
    assert names.tokens("myrel-shop-reports", chart=True) == frozenset({"reports"})
    assert names.tokens("shop-clowder-api-reads", chart=False) == frozenset({"api", "reads"})
    assert names.similarity("clowder-reports", "myrel-shop-reports") == 1.0
    assert names.similarity("clowder-reports", "myrel-shop-exports") == 0.0

    report = run(tmp_path, app.read_text(), chart.read_text())
    assert row(report, "clowder-reports").chart == ["myrel-shop-reports"]
    assert row(report, "clowder-exports").chart == ["myrel-shop-exports"]


def test_names_alone_never_match_when_roles_disagree(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(deployments=[deployment("reports", command=manage("reports_consumer"))]),
        manifests(workload("rel-reports", command=celery("reports")), workload("rel-x", command=GUNICORN)),
    )
    assert row(report, "reports").status == "missing"
    assert chart_row(report, "rel-reports").status == "extra"


def test_read_and_write_apis_merged_into_one_chart_api_are_consolidated(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(deployments=[deployment("api-reads", web="public"), deployment("api-writes", web="public")]),
        manifests(
            workload("rel-api", command=GUNICORN, http=True),
            workload("rel-worker", command=celery("celery")),
        ),
    )
    for name, other in (("api-reads", "api-writes"), ("api-writes", "api-reads")):
        r = row(report, name)
        assert (r.status, r.priority) == ("consolidated", None)
        assert r.chart == ["rel-api"]
        assert other in r.reasons[0]
    assert not [r for r in report.rows if r.clowdapp is None and r.chart == ["rel-api"]]


def test_migration_job_matched_by_an_init_container_running_migrate(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(
            deployments=[deployment("api", web="public")],
            jobs=[job("db-migrate", command=manage("migrate"))],
            invoked=["db-migrate"],
        ),
        manifests(
            workload(
                "rel-api",
                command=GUNICORN,
                http=True,
                init=[
                    container("wait-for-db", command=["bash", "-c", "until pg_isready; do sleep 1; done"]),
                    container(
                        "run-migrations",
                        command=[
                            "bash",
                            "-c",
                            "set -e\necho migrating\npython manage.py migrate --noinput\n",
                        ],
                    ),
                ],
            ),
            workload("rel-worker", command=celery("celery")),
        ),
    )
    migrate = row(report, "db-migrate")
    assert migrate.role == "migration"
    assert (migrate.status, migrate.priority) == ("match", None)
    assert migrate.chart == ["rel-api"]
    target = migrate.targets[0]
    assert (target.via, target.container) == ("init-container", "run-migrations")
    assert row(report, "api").chart == ["rel-api"]  # the main container still plays the API


def test_scheduled_job_run_only_by_an_init_container_is_partial_schedule_lost(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(
            deployments=[deployment("server", command=["sh", "-c", "/opt/app/bin/Server"], web="public")],
            jobs=[
                job(
                    "create-partitions",
                    schedule="0 0 * * *",
                    command=["sh"],
                    args=["-c", "/opt/app/bin/CreatePartition"],
                )
            ],
        ),
        manifests(
            workload(
                "rel-server",
                command=["sh", "-c", "/opt/app/bin/Server"],
                http=True,
                init=[
                    container(
                        "partitions",
                        command=["sh"],
                        args=["-c", "export X=1 && /opt/app/bin/CreatePartition"],
                    )
                ],
            ),
            workload("rel-worker", command=celery("celery")),
        ),
    )
    cron = row(report, "create-partitions")
    assert cron.kind == "CronJob"
    assert (cron.status, cron.priority) == ("partial", "P2")
    assert "schedule is lost" in cron.reasons[0]
    assert (cron.targets[0].via, cron.targets[0].container) == ("init-container", "partitions")


def test_ui_nginx_serving_files_is_not_the_reverse_proxy(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(
            deployments=[
                deployment("api", web="public"),
                deployment(
                    "clowder-api", web="public", image=NGINX_IMAGE, command=["nginx", "-g", "daemon off;"]
                ),
            ]
        ),
        manifests(
            workload("rel-api", command=GUNICORN, http=True),
            workload(
                "rel-ui", image="quay.io/onprem/shop-ui:v1", command=["nginx", "-g", "daemon off;"], http=True
            ),
        ),
    )
    proxy = row(report, "clowder-api")
    assert proxy.role == "reverse-proxy"
    assert (proxy.status, proxy.priority) == ("optional", "P2")
    assert proxy.chart == []
    ui = chart_row(report, "rel-ui")
    assert ui.role == "static-web"


def test_proxy_image_in_the_chart_does_match_the_reverse_proxy(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        clowdapp(
            deployments=[
                deployment("api", web="public"),
                deployment(
                    "clowder-api", web="public", image=NGINX_IMAGE, command=["nginx", "-g", "daemon off;"]
                ),
            ]
        ),
        manifests(
            workload("rel-api", command=GUNICORN, http=True),
            workload(
                "rel-gateway",
                image="docker.io/envoyproxy/envoy:v1.31",
                command=["envoy", "-c", "/etc/e.yaml"],
            ),
        ),
    )
    assert row(report, "clowder-api").chart == ["rel-gateway"]
    assert row(report, "clowder-api").status == "match"


def test_web_api_is_not_matched_by_a_non_http_subcommand_of_the_same_image(tmp_path: Path) -> None:
    """Regression (fixed in 366b06f): web API -> any same-image subcommand scored 0.5 + 0.3 >= 0.75."""
    report = run(
        tmp_path,
        clowdapp(deployments=[deployment("api", web="public")]),
        manifests(
            workload("rel-reconciler", command=["sh", "-c", "./shopctl reconcile"]),
            workload("rel-worker", command=celery("celery")),
        ),
    )
    assert row(report, "api").status == "missing"


def test_policy_alias_forces_a_match(tmp_path: Path) -> None:
    app = clowdapp(
        deployments=[
            deployment("api", web="public"),
            deployment("clowder-odd", command=["sh", "-c", "./odd-thing run"]),
        ]
    )
    chart = manifests(
        workload("rel-api", command=GUNICORN, http=True),
        workload("rel-helper", command=["sh", "-c", "./helper go"]),
    )
    without = run(tmp_path, app, chart)
    assert row(without, "clowder-odd").status == "missing"

    report = run(tmp_path, app, chart, policy=FIXTURES / "policy-alias.yaml")
    odd = row(report, "clowder-odd")
    assert (odd.status, odd.priority) == ("match", None)
    assert odd.chart == ["rel-helper"]
    assert "policy alias" in odd.reasons[0]
    assert "policy alias" in odd.evidence
    assert not [r for r in report.rows if r.clowdapp is None and r.chart == ["rel-helper"]]


def test_policy_alias_accepts_a_glob(tmp_path: Path) -> None:
    policy = write(tmp_path, "policy.yaml", "extends: default\nmatch:\n  'clowder-*': 'rel-help*'\n")
    report = run(
        tmp_path,
        clowdapp(deployments=[deployment("clowder-odd", command=["sh", "-c", "./odd-thing run"])]),
        manifests(
            workload("rel-helper", command=["sh", "-c", "./helper go"]), workload("rel-x", command=GUNICORN)
        ),
        policy=policy,
    )
    assert row(report, "clowder-odd").chart == ["rel-helper"]


def test_matching_does_not_depend_on_document_order(tmp_path: Path) -> None:
    app = clowdapp(
        deployments=[
            deployment("api-reads", web="public"),
            deployment("clowder-listener", command=manage("listener")),
            deployment("worker-a", command=celery("a")),
            deployment("worker-b", command=celery("b")),
        ]
    )
    objects = [
        workload("rel-api", command=GUNICORN, http=True),
        workload("rel-listener", command=manage("listener")),
        workload("rel-worker-b", command=celery("b")),
        workload("rel-worker-a", command=celery("a")),
    ]
    forward = run(tmp_path, app, manifests(*objects))
    backward = run(tmp_path, app, manifests(*reversed(objects)))

    def pairs(report: Report) -> set[tuple[str | None, tuple[str, ...], str]]:
        return {(r.clowdapp, tuple(sorted(r.chart)), r.status) for r in report.rows}

    assert pairs(forward) == pairs(backward)


def test_policy_alias_naming_no_chart_workload_is_reported(tmp_path: Path) -> None:
    policy = write(tmp_path, "policy.yaml", "extends: default\nmatch:\n  clowder-odd: rel-typo\n")
    report = run(
        tmp_path,
        clowdapp(deployments=[deployment("clowder-odd", command=["sh", "-c", "./odd-thing run"])]),
        manifests(
            workload("rel-helper", command=["sh", "-c", "./odd-thing run"]),
            workload("rel-x", command=GUNICORN, http=True),
        ),
        policy=policy,
    )
    assert any("rel-typo" in w.message for w in report.warnings)
