"""Verdicts a review of the engine found wrong: role-alone pairs, idle workers, out-of-scope chart rows,
HTTP subcommands (the same items on the real corpus: test_verdicts_on_the_corpus.py).

1. A pair only its role speaks for, with no image to say whether it is one application (an unresolved
   image, or a reverse proxy's), stands only when the application is anchored in the chart (another of
   its components is paired on more than its role); a proxy with nothing of its app in the chart is
   refused, anything else is `partial` for a reader to check (match._confirm, classify._role_alone_outcome).
2. A queue consumed only by a chart worker deployed with `replicas: 0` asks to scale that worker up.
3. A chart workload a policy puts out of scope until its ClowdApp is passed says so in its action.
4. A subcommand that serves HTTP is a web API that still pairs on its subcommand (how its role is
   detected: tests/sources/test_roles.py).
"""

from __future__ import annotations

from pathlib import Path

import koku_gap
from koku_gap.model.rules import ROLE_ALONE
from tests.helpers.engine import (
    NGINX_IMAGE,
    celery,
    chart_row,
    clowdapp,
    deployment,
    manifests,
    row,
    run,
    workload,
)

GUNICORN = ["gunicorn", "app.wsgi"]
UNKNOWN_IMAGE = "${IMAGE}:${IMAGE_TAG}"  # IMAGE has no value: the family stays unknown
NO_IMAGE = {"ENV_NAME": "env", "IMAGE": "", "IMAGE_TAG": "latest"}
ENVOY = ["envoy", "-c", "/etc/envoy/envoy.yaml"]
ENVOY_IMAGE = "registry.redhat.io/openshift-service-mesh/proxyv2-rhel9:2.6"
NGINX = ["nginx", "-g", "daemon off;"]


# --- 1. role alone -----------------------------------------------------------------------------------


def test_an_api_of_unknown_image_paired_on_its_role_alone_is_partial(tmp_path: Path) -> None:
    app = clowdapp(
        "notes",
        deployments=[deployment("service", web="public", image=UNKNOWN_IMAGE, command=GUNICORN)],
        parameters=NO_IMAGE,
    )
    report = run(tmp_path, app, manifests(workload("rel-shop-api", command=GUNICORN, http=True)))
    api = row(report, "service")
    assert (api.status, api.priority, api.chart, api.rule) == ("partial", "P2", ["rel-shop-api"], ROLE_ALONE)
    assert "matched on role alone" in api.reasons[0]
    assert "check it is the same application" in api.reasons[0]
    assert "service's image is unknown" in api.reasons[0]
    assert api.action == (
        "check that rel-shop-api runs notes's service; if it does, say so in the policy "
        "(match: {service: rel-shop-api})"
    )
    assert report.gaps()  # never a silent "gaps: none"


def test_the_matcher_flags_a_role_alone_pair_and_words_it_apart(tmp_path: Path) -> None:
    """``Pairing.unconfirmed`` is the decision, ``unconfirmed_why`` the sentence the row shows."""
    from koku_gap.engine.match import match
    from koku_gap.engine.policy import load_policy
    from koku_gap.sources.clowdapp import load_clowdapp
    from tests.helpers.engine import write

    app = clowdapp(
        "notes",
        deployments=[deployment("service", web="public", image=UNKNOWN_IMAGE, command=GUNICORN)],
        parameters=NO_IMAGE,
    )
    chart = manifests(workload("rel-shop-api", command=GUNICORN, http=True))
    source = load_clowdapp(write(tmp_path, "app.yaml", app), params=NO_IMAGE)
    target = koku_gap.load_manifests(write(tmp_path, "chart.yaml", chart))
    (pairing,) = match(source, target, load_policy()).pairings
    assert pairing.unconfirmed is True and pairing.chosen is not None
    assert pairing.unconfirmed_why.startswith("matched on role alone (web-api;")
    report = run(tmp_path, app, chart)
    assert row(report, "service").reasons[0].endswith(pairing.unconfirmed_why)


def test_a_role_alone_pair_of_an_anchored_application_stays_a_match(tmp_path: Path) -> None:
    # the worker shares the named queue `sweep` with the chart: the chart deploys this application
    app = clowdapp(
        "notes",
        deployments=[
            deployment("service", web="public", image=UNKNOWN_IMAGE, command=GUNICORN),
            deployment("sweeper", image=UNKNOWN_IMAGE, command=celery("sweep")),
        ],
        parameters=NO_IMAGE,
    )
    chart = manifests(
        workload("rel-shop-api", command=GUNICORN, http=True),
        workload("rel-shop-worker", command=celery("sweep")),
    )
    report = run(tmp_path, app, chart)
    assert (row(report, "service").status, row(report, "service").chart) == ("match", ["rel-shop-api"])
    assert row(report, "sweeper").status == "match"


def test_the_same_image_confirms_a_role_alone_pair(tmp_path: Path) -> None:
    app = clowdapp("shop", deployments=[deployment("service", web="public", command=GUNICORN)])
    report = run(tmp_path, app, manifests(workload("rel-shop-api", command=GUNICORN, http=True)))
    assert row(report, "service").status == "match"


def test_a_policy_alias_settles_a_role_alone_pair(tmp_path: Path) -> None:
    app = clowdapp(
        "notes",
        deployments=[deployment("service", web="public", image=UNKNOWN_IMAGE, command=GUNICORN)],
        parameters=NO_IMAGE,
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text("extends: default\nmatch: {service: rel-shop-api}\n", encoding="utf-8")
    report = run(
        tmp_path, app, manifests(workload("rel-shop-api", command=GUNICORN, http=True)), policy=policy
    )
    assert row(report, "service").status == "match"


def _proxy_app(api_image: str) -> str:
    return clowdapp(
        "notes",
        deployments=[
            deployment("service", web="public", image=NGINX_IMAGE, command=NGINX),
            deployment("service-reads", web="private", image=api_image, command=GUNICORN),
        ],
    )


PROXY_CHART = manifests(
    workload("rel-gateway", image=ENVOY_IMAGE, command=ENVOY, http=True),
    workload("rel-shop-api", command=GUNICORN, http=True),
)


def test_a_proxy_of_another_application_does_not_play_the_charts_gateway(tmp_path: Path) -> None:
    # notes's API is refused (notes vs shop), so nothing the nginx proxy fronts is in the chart
    report = run(tmp_path, _proxy_app("quay.io/example/notes:1"), PROXY_CHART)
    proxy = row(report, "service")
    assert (proxy.role, proxy.status, proxy.priority, proxy.chart) == ("reverse-proxy", "optional", "P2", [])
    assert any("a reverse proxy is known by the application it fronts" in e for e in proxy.evidence)
    assert chart_row(report, "rel-gateway").status == "extra"


def test_a_proxy_of_the_charts_application_plays_its_gateway_nginx_or_envoy(tmp_path: Path) -> None:
    report = run(tmp_path, _proxy_app("quay.io/example/shop:1"), PROXY_CHART)
    proxy = row(report, "service")
    assert (proxy.status, proxy.chart) == ("match", ["rel-gateway"])
    assert row(report, "service-reads").chart == ["rel-shop-api"]


# --- 2. idle workers ---------------------------------------------------------------------------------


def test_a_queue_only_an_idle_worker_consumes_asks_to_scale_it_up(tmp_path: Path) -> None:
    app = clowdapp("shop", deployments=[deployment("worker-refresh", command=celery("refresh"))])
    chart = manifests(workload("rel-worker-refresh", replicas=0, command=celery("refresh")))
    refresh = row(run(tmp_path, app, chart), "worker-refresh")
    assert (refresh.status, refresh.priority) == ("partial", "P0")
    assert (
        refresh.action == "scale rel-worker-refresh to at least 1 replica (it is deployed with replicas: 0)"
    )


def test_idle_and_unconsumed_queues_get_one_step_each(tmp_path: Path) -> None:
    app = clowdapp("shop", deployments=[deployment("worker", command=celery("refresh,export"))])
    chart = manifests(workload("rel-worker-refresh", replicas=0, command=celery("refresh")))
    worker = row(run(tmp_path, app, chart), "worker")
    assert worker.action == (
        "scale rel-worker-refresh to at least 1 replica (it is deployed with replicas: 0); "
        "add export to rel-worker-refresh's -Q queues"
    )


def test_a_queue_no_worker_consumes_still_asks_for_a_queue(tmp_path: Path) -> None:
    app = clowdapp("shop", deployments=[deployment("worker", command=celery("refresh,export"))])
    chart = manifests(workload("rel-worker", command=celery("refresh")))
    assert row(run(tmp_path, app, chart), "worker").action == "add export to rel-worker's -Q queues"


# --- 3. out of scope -----------------------------------------------------------------------------------


def test_a_chart_workload_of_an_app_not_passed_is_out_of_scope(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "extends: default\nchart:\n"
        '  - {name: "*-tracker", status: extra, unless_app: tracker, reason: "part of tracker"}\n',
        encoding="utf-8",
    )
    app = clowdapp("shop", deployments=[deployment("api", web="public", command=GUNICORN)])
    chart = manifests(
        workload("rel-api", command=GUNICORN, http=True),
        workload("rel-tracker", image="quay.io/x/tracker:1", command=["./tracker", "run"]),
        workload("rel-other", image="quay.io/x/other:1", command=["./other", "run"]),
    )
    report = run(tmp_path, app, chart, policy=policy)
    tracker = chart_row(report, "rel-tracker")
    assert (tracker.status, tracker.reasons) == ("extra", ["policy: part of tracker"])
    assert tracker.action == "out of scope: pass its ClowdApp (tracker) too, to compare it"
    assert chart_row(report, "rel-other").action == "check that the chart needs it"


# --- 4. subcommands serving HTTP -----------------------------------------------------------------------


def test_an_http_subcommand_pairs_on_its_command(tmp_path: Path) -> None:
    app = clowdapp(
        "shop",
        deployments=[
            deployment("api", web="public", command=["./shop", "start", "api"]),
            deployment("processor", command=["./shop", "start", "processor"]),
        ],
    )
    chart = manifests(  # the chart's api has no http port: a subcommand there, the same command still
        workload("rel-api", command=["./shop", "start", "api"]),
        workload("rel-processor", command=["./shop", "start", "processor"], http=True),
    )
    report = run(tmp_path, app, chart)
    api = row(report, "api")
    assert (api.role, api.status, api.chart) == ("web-api", "match", ["rel-api"])
    assert "runs shop start api" in api.evidence
    assert row(report, "processor").chart == ["rel-processor"]
