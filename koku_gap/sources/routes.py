"""The HTTP routes a chart renders: which path reaches which Service.

Two kinds, read from the objects the manifests reader keeps: *public* routes (an OpenShift Route, an
Ingress rule), the ones users reach from outside; and a *gateway*'s own routes, rendered as data the
chart holds (an envoy config in a ConfigMap, its ``route_config`` routes and the clusters they name),
which apply only behind a public route to the gateway's Service. Paths are compared as Clowder exposes a
public web service: ``/api/<apiPath>/`` (``engine/routes.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from koku_gap.model.errors import InputError
from koku_gap.model.graph import Resource, SourceRef
from koku_gap.yaml.loader import line_of, parse_stream, to_plain

Match = Literal["prefix", "exact", "regex"]
GATEWAY_KEY = "gateway_routes"  # where a ConfigMap's resource data keeps its gateway routes
# only a value that looks like an envoy bootstrap is parsed (a ConfigMap may hold anything)
_ENVOY_MARKS = ("route_config", "clusters")
_REGEX_CHARS = re.compile(r"[()*\[\]$^|+?\\]")


@dataclass(frozen=True)
class HttpRoute:
    """One path a route sends to a Service (by name), and where the chart writes it."""

    path: str
    match: Match
    service: str
    via: str  # the object that holds it: "Route/x", "Ingress/x", "ConfigMap/x"
    source: SourceRef

    def reaches(self, path: str) -> bool:
        """Whether a request under ``path`` (``/api/x/``) may take this route: the route covers the
        path, or lies under it (``/api/x/v1/y`` serves part of ``/api/x/``)."""
        if self.match == "regex":
            stem = _REGEX_CHARS.split(self.path, 1)[0]
            return path.startswith(stem) or stem.startswith(path)
        mine = self.path if self.path.endswith("/") or self.match == "exact" else self.path + "/"
        return path.startswith(mine) or mine.startswith(path) or self.path in ("", "/")

    def words(self) -> str:
        return f"{self.via} {self.path or '/'} -> {self.service} ({self.source.file}:{self.source.line})"


def public_routes(resources: Iterable[Resource]) -> list[HttpRoute]:
    """The chart's Route and Ingress paths, in file order."""
    found: list[HttpRoute] = []
    for r in resources:
        spec = r.data if isinstance(r.data, dict) else None
        if spec is None:
            continue
        if r.kind == "Route":
            to = spec.get("to")
            if isinstance(to, dict) and to.get("name"):
                path = str(spec.get("path") or "/")
                found.append(HttpRoute(path, "prefix", str(to["name"]), f"Route/{r.name}", r.source))
        elif r.kind == "Ingress":
            found.extend(_ingress_routes(r, spec))
    return found


def _ingress_routes(r: Resource, spec: Mapping[str, Any]) -> Iterator[HttpRoute]:
    default = _backend(spec.get("defaultBackend") or spec.get("backend"))
    if default:
        yield HttpRoute("/", "prefix", default, f"Ingress/{r.name}", r.source)
    for rule in spec.get("rules") or ():
        http = rule.get("http") if isinstance(rule, dict) else None
        for item in (http.get("paths") if isinstance(http, dict) else None) or ():
            if not isinstance(item, dict):
                continue
            service = _backend(item.get("backend"))
            if not service:
                continue
            path = str(item.get("path") or "/")
            kind = item.get("pathType")
            match: Match = "exact" if kind == "Exact" else "regex" if _REGEX_CHARS.search(path) else "prefix"
            yield HttpRoute(path, match, service, f"Ingress/{r.name}", r.source)


def _backend(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    service = value.get("service")
    if isinstance(service, dict) and service.get("name"):
        return str(service["name"])
    return str(value["serviceName"]) if value.get("serviceName") else None


def gateway_data(data: Any, file: str, configmap: str) -> list[dict[str, Any]]:
    """The routes of the envoy configs among a ConfigMap's values, as plain data for its resource
    (``{"path", "match", "service", "line"}``); a value that does not parse is no config."""
    if not isinstance(data, dict):
        return []
    found: list[dict[str, Any]] = []
    for key, value in data.items():
        if not isinstance(value, str) or not all(mark in value for mark in _ENVOY_MARKS):
            continue
        try:
            stream = parse_stream(value, f"{file} (ConfigMap {configmap} {key})")
        except InputError:
            continue
        offset = data.line_of(key) if hasattr(data, "line_of") else 0
        for document in stream.documents:
            found.extend(_envoy_routes(document.value, offset))
    return found


def _envoy_routes(config: Any, offset: int) -> Iterator[dict[str, Any]]:
    """Each route of an envoy config with the Service its cluster's endpoints address (the first label
    of the host: ``svc.ns.svc.cluster.local`` -> ``svc``)."""
    hosts = {name: host for name, host in _clusters(config)}
    for match, cluster, line in _matches(config):
        host = hosts.get(cluster)
        if host is None:
            continue
        for key, kind in (("prefix", "prefix"), ("path", "exact")):
            if isinstance(match.get(key), str):
                yield {"path": match[key], "match": kind, "service": host, "line": offset + line}
        regex = match.get("safe_regex")
        if isinstance(regex, dict) and isinstance(regex.get("regex"), str):
            yield {"path": regex["regex"], "match": "regex", "service": host, "line": offset + line}


def _walk(value: Any) -> Iterator[Any]:
    stack = [value]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _matches(config: Any) -> Iterator[tuple[dict[str, Any], str, int]]:
    for item in _walk(config):
        if (
            isinstance(item, dict)
            and isinstance(item.get("match"), dict)
            and isinstance(item.get("route"), dict)
        ):
            cluster = item["route"].get("cluster")
            if isinstance(cluster, str):
                yield to_plain(item["match"]), cluster, line_of(item, 0)


def _clusters(config: Any) -> Iterator[tuple[str, str]]:
    for item in _walk(config):
        if isinstance(item, dict) and isinstance(item.get("name"), str) and "load_assignment" in item:
            for inner in _walk(item["load_assignment"]):
                if isinstance(inner, dict) and isinstance(inner.get("socket_address"), dict):
                    address = inner["socket_address"].get("address")
                    if isinstance(address, str) and address:
                        yield item["name"], address.split(".", 1)[0]
                        break


def gateway_routes(resources: Iterable[Resource]) -> dict[str, list[HttpRoute]]:
    """ConfigMap name -> the gateway routes it holds (``gateway_data``, kept by the manifests reader)."""
    found: dict[str, list[HttpRoute]] = {}
    for r in resources:
        kept = r.data.get(GATEWAY_KEY) if r.kind == "ConfigMap" and isinstance(r.data, dict) else None
        for item in kept or ():
            source = r.source.model_copy(update={"line": int(item["line"])})
            route = HttpRoute(
                str(item["path"]), item["match"], str(item["service"]), f"ConfigMap/{r.name}", source
            )
            found.setdefault(r.name, []).append(route)
    return found
