"""sources/routes.py: a gateway's own routes read from the ConfigMaps a chart renders. The nginx ones: each
proxying location to the Services its proxy_pass reaches (an upstream's servers, or the URL's host), its
path matched as nginx matches it; a config nginx would refuse is one warning naming file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.scalarstring import LiteralScalarString

from koku_gap.model.graph import ComponentGraph
from koku_gap.model.location import SourceRef
from koku_gap.sources.manifests import load_manifests
from koku_gap.sources.routes import MAX_GATEWAY_CHARS, HttpRoute, gateway_routes
from tests.helpers.engine import manifests, workload, write

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "nginx"


def config_map(name: str, key: str, text: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name},
        "data": {key: LiteralScalarString(text)},  # a block scalar, as charts write it
    }


def load(tmp_path: Path, *objects: dict[str, Any]) -> tuple[ComponentGraph, Path]:
    path = write(tmp_path, "chart.yaml", manifests(workload("shop-ui"), *objects))
    return load_manifests(path), path


def fixture_routes(tmp_path: Path) -> tuple[list[HttpRoute], Path]:
    text = (FIXTURES / "gateway.conf").read_text(encoding="utf-8")
    graph, path = load(tmp_path, config_map("shop-ui-nginx", "nginx.conf", text))
    assert not [w for w in graph.warnings if w.code == "gateway-config"]
    return gateway_routes(graph.resources)["shop-ui-nginx"], path


def test_each_proxying_location_goes_to_its_services(tmp_path: Path) -> None:
    routes, _ = fixture_routes(tmp_path)
    assert [(r.written, r.match, r.service) for r in routes] == [
        ("location /api/", "prefix", "shop-gateway"),
        ("location ^~ /api/books/", "prefix", "books-api"),  # an upstream: each of its servers
        ("location ^~ /api/books/", "prefix", "books-api-canary"),
        ("location = /api/status", "exact", "status"),
        ("location ~* ^/api/v[0-9]{1,2}/reports", "regex", "reports-writer"),
        ("location ~* ^/api/v[0-9]{1,2}/reports", "regex", "reports-reader"),
    ]
    # not routes: the UI's own files (no proxy), 127.0.0.1 (the pod itself), a host decided per request,
    # a named location (reached only from inside nginx), a return


def test_a_gateway_route_is_at_its_location_line_in_the_render(tmp_path: Path) -> None:
    routes, path = fixture_routes(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    for route in routes:
        line = lines[route.source.line - 1].strip()
        assert line.startswith("location ") and route.path in line
    assert (
        routes[0].words()
        == f"ConfigMap/shop-ui-nginx location /api/ -> shop-gateway ({path}:{routes[0].source.line})"
    )


def test_nginx_takes_the_longest_prefix(tmp_path: Path) -> None:
    routes, _ = fixture_routes(tmp_path)
    api = routes[0]
    assert api.shadowed_by == ("/api/books/", "/api/debug/", "/api/dynamic/")
    assert api.reaches("/api/orders/")
    assert not api.reaches("/api/books/")  # the longer /api/books/ takes every request under it
    books = routes[1]
    assert books.reaches("/api/books/") and not books.reaches("/api/orders/")


def test_exact_and_regex_locations(tmp_path: Path) -> None:
    routes, _ = fixture_routes(tmp_path)
    status, writer = routes[3], routes[4]
    assert status.reaches("/api/status/") and not status.reaches("/api/orders/")
    # a regex is reported as one and reaches by its literal start, case ignored for ~*
    assert writer.reaches("/api/") and writer.reaches("/API/V1/") and not writer.reaches("/ui/")
    assert not HttpRoute("^/api/v1/x", "regex", "s", "ConfigMap/c", SourceRef(file="f", line=1)).reaches(
        "/API/V1/"
    )


def test_a_server_without_locations_routes_nothing(tmp_path: Path) -> None:
    graph, _ = load(
        tmp_path,
        config_map("shop-ui-nginx", "default.conf", "server {\n  listen 80;\n  proxy_pass_header X;\n}\n"),
    )
    assert gateway_routes(graph.resources) == {}
    assert not graph.warnings


def test_only_conf_values_that_proxy_are_read_as_nginx(tmp_path: Path) -> None:
    broken = "location /api/ {\n  proxy_pass http://x;\n"
    graph, _ = load(
        tmp_path,
        config_map("a", "app.ini", broken),  # not a .conf
        config_map("b", "nginx.conf", "location /api/ { return 200; "),  # no proxy_pass: not a gateway
    )
    assert gateway_routes(graph.resources) == {} and not graph.warnings


def test_a_malformed_config_is_one_warning_naming_file_and_line(tmp_path: Path) -> None:
    text = (FIXTURES / "malformed.conf").read_text(encoding="utf-8")
    graph, path = load(tmp_path, config_map("shop-ui-nginx", "nginx.conf", text))
    (warning,) = graph.warnings
    assert (warning.code, warning.file) == ("gateway-config", str(path))
    assert warning.line is not None
    assert path.read_text(encoding="utf-8").splitlines()[warning.line - 1].strip() == "location /api/books/ {"
    assert warning.message == (
        "ConfigMap shop-ui-nginx, nginx.conf: nginx would not load this config (unexpected end of the "
        'config: the "location" block opened here is not closed); its locations are not read'
    )
    assert gateway_routes(graph.resources) == {}  # nginx would not start: it routes nothing


def test_one_files_gateway_configs_are_read_within_one_budget(tmp_path: Path) -> None:
    text = "location /api/ {\n  proxy_pass http://api:8000;\n}\n# " + "x" * (MAX_GATEWAY_CHARS // 4) + "\n"
    graph, _ = load(tmp_path, *(config_map(f"cm-{n}", "nginx.conf", text) for n in range(6)))
    assert sorted(gateway_routes(graph.resources)) == ["cm-0", "cm-1", "cm-2"]  # the 4th goes past
    (warning,) = graph.warnings
    assert warning.code == "gateway-config"
    assert warning.message == (
        f"ConfigMap cm-3, nginx.conf: gateway configs past {MAX_GATEWAY_CHARS} characters in one file "
        "are not read"
    )


ENVOY_SIDECAR = """\
static_resources:
  listeners:
  - name: http
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          route_config:
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - match: {prefix: /}
                route: {cluster: app}
              - match: {prefix: /api/books/}
                route: {cluster: books}
  clusters:
  - name: app
    load_assignment:
      endpoints:
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 8000}}}
  - name: books
    load_assignment:
      endpoints:
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: books-api.shop.svc.cluster.local, port_value: 8000}}}
"""


def test_an_envoy_sidecars_own_pod_is_no_service(tmp_path: Path) -> None:
    graph, _ = load(tmp_path, config_map("shop-envoy", "envoy.yaml", ENVOY_SIDECAR))
    routes = gateway_routes(graph.resources)["shop-envoy"]
    assert [(r.path, r.service) for r in routes] == [("/api/books/", "books-api")]  # not "127"
