"""A public API the chart routes nowhere is a gap of its own (``unrouted-api``, issue 14): Clowder serves a
public web service at ``/api/<apiPath>/``; the chart's Routes, Ingresses and a gateway's own routes (an
envoy or nginx config in a ConfigMap the gateway mounts) must bring that path to the workload playing it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.scalarstring import LiteralScalarString

from koku_gap.model import rules
from koku_gap.sources.manifests import load_manifests
from koku_gap.sources.routes import GATEWAY_KEY, public_routes
from tests.engine.match.test_identity import GUNICORN, ingress, public
from tests.helpers.engine import (
    NGINX_IMAGE,
    clowdapp,
    deployment,
    dump,
    line_of,
    manifests,
    row,
    run,
    service,
    workload,
    write,
)

LEDGER = "quay.io/acme/ledger:1"


def route(name: str, path: str, to: str) -> dict[str, Any]:
    """An OpenShift Route of ``path`` to Service ``to``."""
    return {
        "apiVersion": "route.openshift.io/v1",
        "kind": "Route",
        "metadata": {"name": name},
        "spec": {"path": path, "to": {"kind": "Service", "name": to}},
    }


def envoy_config(name: str, *routes: tuple[str, str]) -> dict[str, Any]:
    """A ConfigMap holding an envoy config that sends each (prefix, Service) to a cluster of that host."""
    config = {
        "static_resources": {
            "listeners": [
                {
                    "name": "http",
                    "filter_chains": [
                        {
                            "filters": [
                                {
                                    "name": "envoy.filters.network.http_connection_manager",
                                    "typed_config": {
                                        "route_config": {
                                            "virtual_hosts": [
                                                {
                                                    "name": "all",
                                                    "domains": ["*"],
                                                    "routes": [
                                                        {
                                                            "match": {"prefix": p},
                                                            "route": {"cluster": f"c-{svc}"},
                                                        }
                                                        for p, svc in routes
                                                    ],
                                                }
                                            ]
                                        }
                                    },
                                }
                            ]
                        }
                    ],
                }
            ],
            "clusters": [
                {
                    "name": f"c-{svc}",
                    "load_assignment": {
                        "endpoints": [
                            {
                                "lb_endpoints": [
                                    {
                                        "endpoint": {
                                            "address": {
                                                "socket_address": {
                                                    "address": f"{svc}.ns.svc.cluster.local",
                                                    "port_value": 8000,
                                                }
                                            }
                                        }
                                    }
                                ]
                            }
                        ]
                    },
                }
                for _, svc in routes
            ],
        }
    }
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name},
        "data": {"envoy.yaml": LiteralScalarString(dump(config))},  # a block scalar, as charts write it
    }


def gateway(config: str) -> dict[str, Any]:
    """An envoy gateway workload mounting ConfigMap ``config``."""
    obj = workload(
        "rel-gateway",
        image="docker.io/envoyproxy/envoy:v1.30",
        command=["/usr/local/bin/envoy", "-c", "/etc/envoy/envoy.yaml"],
        http=True,
    )
    obj["spec"]["template"]["spec"]["volumes"] = [{"name": "config", "configMap": {"name": config}}]
    return obj


def ledger_app(api_path: str = "books") -> str:
    return clowdapp("ledger", deployments=[public("service", api_path, image=LEDGER, command=GUNICORN)])


def api_chart(*extra: dict[str, Any]) -> str:
    return manifests(
        workload("rel-api", image="quay.io/onprem/ledger:2", command=GUNICORN),
        service("rel-api", "rel-api"),
        workload("rel-ui", image="quay.io/onprem/ui:2", command=GUNICORN),
        service("rel-ui", "rel-ui"),
        *extra,
    )


def test_an_api_routed_to_its_counterpart_is_no_gap(tmp_path: Path) -> None:
    r = row(run(tmp_path, ledger_app(), api_chart(route("rel-api", "/api/books", "rel-api"))), "service")
    assert (r.status, r.chart) == ("match", ["rel-api"])


def test_an_api_the_chart_routes_elsewhere_is_unrouted_with_both_locations(tmp_path: Path) -> None:
    report = run(tmp_path, ledger_app(), api_chart(ingress("rel", ("/", "rel-ui"))))
    r = row(report, "service")
    assert (r.status, r.priority, r.rule, r.chart) == ("partial", "P1", rules.UNROUTED_API, ["rel-api"])
    assert (
        r.reasons[0] == "users cannot reach /api/books/: the chart's routes send it to rel-ui, not to rel-api"
    )
    assert r.action == "route /api/books/ to rel-api (a Route or Ingress path, or the gateway's routes)"
    chart_file = tmp_path / "rendered-0.yaml"
    clowdapp_file = tmp_path / "clowdapp-0.yaml"
    where = f"{clowdapp_file}:{line_of(clowdapp_file, '- name: service')}"
    assert f"ClowdApp: public web service at /api/books/ ({where})" in r.evidence
    ingress_line = line_of(chart_file, "kind: Ingress") - 1  # the object's line: its apiVersion
    assert f"route: Ingress/rel / -> rel-ui ({chart_file}:{ingress_line})" in r.evidence


def test_an_api_no_route_reaches_is_routed_nowhere(tmp_path: Path) -> None:
    r = row(run(tmp_path, ledger_app(), api_chart(route("rel-ui", "/ui", "rel-ui"))), "service")
    assert r.reasons[0] == "users cannot reach /api/books/: the chart's routes send it nowhere"
    assert "route: no Route, Ingress or gateway path of the chart reaches /api/books/" in r.evidence


def test_a_chart_without_any_public_route_says_nothing_of_paths(tmp_path: Path) -> None:
    r = row(run(tmp_path, ledger_app(), api_chart()), "service")
    assert r.status == "match"


def test_a_gateways_envoy_routes_are_followed_behind_its_public_route(tmp_path: Path) -> None:
    parts = (
        gateway("rel-gateway-envoy"),
        service("rel-gateway", "rel-gateway"),
        route("rel", "/api", "rel-gateway"),
    )
    routed = api_chart(*parts, envoy_config("rel-gateway-envoy", ("/api/books/", "rel-api")))
    r = row(run(tmp_path, ledger_app(), routed), "service")
    assert (r.status, r.chart) == ("match", ["rel-api"])
    elsewhere = api_chart(
        *parts, envoy_config("rel-gateway-envoy", ("/api/other/", "rel-api"), ("/", "rel-ui"))
    )
    r = row(run(tmp_path, ledger_app(), elsewhere), "service")
    assert r.rule == rules.UNROUTED_API
    assert r.reasons[0].endswith("send it to rel-ui, rel-gateway, not to rel-api")
    chart_file = tmp_path / "rendered-0.yaml"
    assert any(e.startswith("route: ConfigMap/rel-gateway-envoy / -> rel-ui (") for e in r.evidence)
    assert any(e.startswith("route: Route/rel /api -> rel-gateway (") for e in r.evidence)
    # the gateway route's line is the route's own, inside the ConfigMap's text
    envoy = next(e for e in r.evidence if e.startswith("route: ConfigMap/rel-gateway-envoy / "))
    line = int(envoy.rsplit(":", 1)[1].rstrip(")"))
    assert "- match:" in chart_file.read_text(encoding="utf-8").splitlines()[line - 1]


def test_a_deployed_apps_missing_proxy_with_its_api_routed_nowhere_is_unrouted(tmp_path: Path) -> None:
    # the proxy plays the public web service; the chart leaves it out, and routes the path to another
    # app: the app's API cannot be reached (more urgent than the missing proxy's own optional P2)
    app = clowdapp(
        "ledger",
        deployments=[
            public("proxy", "books", image=NGINX_IMAGE, command=["nginx", "-g", "daemon off;"]),
            deployment("reads", web="private", image=LEDGER, command=GUNICORN),
        ],
    )
    r = row(run(tmp_path, app, api_chart(ingress("rel", ("/", "rel-ui")))), "proxy")
    assert (r.status, r.priority, r.rule) == ("missing", "P1", rules.UNROUTED_API)
    assert r.action == "route /api/books/ to rel-api (a Route or Ingress path, or a gateway's routes)"
    # routed to the app's own API, the proxy is only missing (clients reach the API another way)
    r = row(run(tmp_path, app, api_chart(ingress("rel", ("/api/books", "rel-api")))), "proxy")
    assert (r.status, r.rule) == ("optional", "missing-reverse-proxy")


def test_the_manifests_reader_keeps_routes_and_a_gateways_config(tmp_path: Path) -> None:
    text = api_chart(route("rel", "/api", "rel-gateway"), envoy_config("cfg", ("/api/books/", "rel-api")))
    graph = load_manifests(write(tmp_path, "chart.yaml", text))
    assert [(r.path, r.service, r.via) for r in public_routes(graph.resources)] == [
        ("/api", "rel-gateway", "Route/rel")
    ]
    kept = next(r for r in graph.resources if r.kind == "ConfigMap").data
    assert kept["keys"] == ["envoy.yaml"]
    assert [(g["path"], g["match"], g["service"]) for g in kept[GATEWAY_KEY]] == [
        ("/api/books/", "prefix", "rel-api")
    ]


def nginx_config(name: str, text: str) -> dict[str, Any]:
    """A ConfigMap holding an nginx config (``nginx.conf``) as a block scalar."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name},
        "data": {"nginx.conf": LiteralScalarString(text)},
    }


def nginx_gateway(config: str) -> dict[str, Any]:
    """An nginx front (the chart's UI) mounting ConfigMap ``config``."""
    obj = workload("rel-front", image=NGINX_IMAGE, command=["nginx", "-g", "daemon off;"], http=True)
    obj["spec"]["template"]["spec"]["volumes"] = [{"name": "config", "configMap": {"name": config}}]
    return obj


def nginx_chart(text: str) -> str:
    """The public route ``/`` to the nginx front, whose config is ``text``."""
    front = (
        nginx_gateway("rel-front-nginx"),
        service("rel-front", "rel-front"),
        route("rel", "/", "rel-front"),
    )
    return api_chart(*front, nginx_config("rel-front-nginx", text))


def test_an_nginx_gateways_locations_are_followed_behind_its_public_route(tmp_path: Path) -> None:
    routed = nginx_chart(
        "location / { root /srv; }\nlocation /api/ {\n  proxy_pass http://rel-api:8000;\n}\n"
    )
    r = row(run(tmp_path, ledger_app(), routed), "service")
    assert (r.status, r.chart) == ("match", ["rel-api"])
    # an upstream block's servers are the Services it reaches
    upstream = (
        "upstream books { server rel-api.ns.svc.cluster.local:8000; }\n"
        "server { location /api/books { proxy_pass http://books; } }\n"
    )
    r = row(run(tmp_path, ledger_app(), nginx_chart(upstream)), "service")
    assert (r.status, r.chart) == ("match", ["rel-api"])


def test_an_nginx_location_to_another_service_is_unrouted_with_its_line(tmp_path: Path) -> None:
    text = "location / {\n  proxy_pass http://rel-api:8000;\n}\nlocation /api/ {\n  proxy_pass http://rel-ui:8000;\n}\n"
    r = row(run(tmp_path, ledger_app(), nginx_chart(text)), "service")
    # nginx takes the longest prefix: /api/ takes every request under /api/books/, never /
    assert (r.status, r.rule) == ("partial", rules.UNROUTED_API)
    assert r.reasons[0].endswith("send it to rel-ui, rel-front, not to rel-api")
    chart_file = tmp_path / "rendered-0.yaml"
    lines = chart_file.read_text(encoding="utf-8").splitlines()
    (taken,) = [e for e in r.evidence if e.startswith("route: ConfigMap/rel-front-nginx ")]
    assert taken.startswith("route: ConfigMap/rel-front-nginx location /api/ -> rel-ui (")
    assert lines[int(taken.rsplit(":", 1)[1].rstrip(")")) - 1].strip() == "location /api/ {"


def test_an_nginx_regex_location_reaches_by_its_literal_start(tmp_path: Path) -> None:
    text = 'location ~ "^/api/books/v[0-9]+/" {\n  proxy_pass http://rel-api:8000;\n}\n'
    r = row(run(tmp_path, ledger_app(), nginx_chart(text)), "service")
    assert (r.status, r.chart) == ("match", ["rel-api"])


def test_a_malformed_nginx_config_routes_nothing_and_is_one_warning(tmp_path: Path) -> None:
    report = run(
        tmp_path, ledger_app(), nginx_chart("location /api/ {\n  proxy_pass http://rel-api:8000\n}\n")
    )
    r = row(report, "service")
    assert r.rule == rules.UNROUTED_API  # nginx would not start: nothing reaches the API
    (warning,) = [w for w in report.warnings if w.code == "gateway-config"]
    chart_file = tmp_path / "rendered-0.yaml"
    assert (warning.file, warning.line) == (
        str(chart_file),
        line_of(chart_file, "proxy_pass http://rel-api:8000"),
    )
    assert '"proxy_pass" is not terminated by ";"' in warning.message
