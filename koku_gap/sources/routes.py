"""The HTTP routes a chart renders: which path reaches which Service.

Two kinds, read from the objects the manifests reader keeps: *public* routes (an OpenShift Route, an
Ingress rule), the ones users reach from outside; and a *gateway*'s own routes, rendered as data the
chart holds, which apply only behind a public route to the gateway's Service: an envoy config in a
ConfigMap (its ``route_config`` routes and the clusters they name), or an nginx config (a ``*.conf``
value with ``proxy_pass``: its ``location`` blocks and the ``upstream`` servers or host each proxies to,
read by ``sources/nginx.py``). Paths are compared as Clowder exposes a public web service:
``/api/<apiPath>/`` (``engine/routes.py``).

Gateway configs are a pull request's text: one file's are read within ``MAX_GATEWAY_CHARS`` together,
and an nginx config nginx would not load gives one ``gateway-config`` warning naming its line (its
locations are not read: nginx would not start with it).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from koku_gap.model.errors import InputError
from koku_gap.model.graph import Resource, SourceRef
from koku_gap.model.location import Notice
from koku_gap.sources.nginx import Location, NginxConfig, NginxError, proxy_host, read_nginx
from koku_gap.yaml.loader import line_of, parse_stream, to_plain

Match = Literal["prefix", "exact", "regex"]
GATEWAY_KEY = "gateway_routes"  # where a ConfigMap's resource data keeps its gateway routes
# only a value that looks like an envoy bootstrap is parsed (a ConfigMap may hold anything)
_ENVOY_MARKS = ("route_config", "clusters")
# ... or like an nginx config that proxies: a ``*.conf`` value (nginx.conf, default.conf) with proxy_pass
_NGINX_MARK = "proxy_pass"
# The gateway configs one file may hold, in characters, envoy and nginx together: the corpus's charts
# hold at most 32 KB; each costs a parse (YAML, or nginx's tokens) on top of the file's own.
MAX_GATEWAY_CHARS = 1 << 20
_REGEX_CHARS = re.compile(r"[()*\[\]$^|+?\\]")
_MATCH_OF_MODIFIER: dict[str, Match] = {
    "": "prefix",
    "^~": "prefix",
    "=": "exact",
    "~": "regex",
    "~*": "regex",
}


@dataclass(frozen=True)
class HttpRoute:
    """One path a route sends to a Service (by name), and where the chart writes it."""

    path: str
    match: Match
    service: str
    via: str  # the object that holds it: "Route/x", "Ingress/x", "ConfigMap/x"
    source: SourceRef
    written: str | None = None  # as its config writes it, where that says more: "location = /logout"
    # Prefix paths of the same nginx server that are longer and start with this one: nginx takes the
    # longest prefix, so a request under any of them never takes this route
    shadowed_by: tuple[str, ...] = ()
    caseless: bool = False  # a regex that ignores case (nginx's ``~*``)

    def reaches(self, path: str) -> bool:
        """Whether a request under ``path`` (``/api/x/``) may take this route: the route covers the
        path, or lies under it (``/api/x/v1/y`` serves part of ``/api/x/``), and no longer prefix
        takes the whole path instead (``shadowed_by``)."""
        if any(path.startswith(longer) for longer in self.shadowed_by):
            return False
        if self.match == "regex":  # its literal start, anchored or not: what it can match is not guessed
            stem = _REGEX_CHARS.split(self.path.removeprefix("^"), 1)[0]
            mine, under = (stem.lower(), path.lower()) if self.caseless else (stem, path)
            return under.startswith(mine) or mine.startswith(under)
        mine = self.path if self.path.endswith("/") or self.match == "exact" else self.path + "/"
        return path.startswith(mine) or mine.startswith(path) or self.path in ("", "/")

    def words(self) -> str:
        shown = self.written or self.path or "/"
        return f"{self.via} {shown} -> {self.service} ({self.source.file}:{self.source.line})"


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


class GatewayConfigs:
    """Reads the gateway configs among one file's ConfigMaps (``routes``), within one budget for the
    file (``MAX_GATEWAY_CHARS``), and keeps a warning (``notices``) for each it cannot read."""

    def __init__(self, file: str, budget: int = MAX_GATEWAY_CHARS) -> None:
        self.file = file
        self.budget = budget
        self.left = budget
        self.notices: list[Notice] = []

    def routes(self, data: Any, configmap: str) -> list[dict[str, Any]]:
        """The routes of the envoy and nginx configs among a ConfigMap's values, as plain data for its
        resource (``{"path", "match", "service", "line"}``, and what ``HttpRoute`` adds for nginx).
        A value that does not parse as YAML is no envoy config; an nginx config nginx would refuse is
        a warning at its line."""
        if not isinstance(data, dict):
            return []
        found: list[dict[str, Any]] = []
        for key, value in data.items():
            envoy = isinstance(value, str) and all(mark in value for mark in _ENVOY_MARKS)
            nginx = isinstance(value, str) and str(key).endswith(".conf") and _NGINX_MARK in value
            if not (envoy or nginx):
                continue
            offset = data.line_of(key) if hasattr(data, "line_of") else 0
            if len(value) > self.left:
                if self.left >= 0:  # said once per file
                    self._warn(
                        offset,
                        f"ConfigMap {configmap}, {key}: gateway configs past {self.budget} characters "
                        "in one file are not read",
                    )
                self.left = -1
                continue
            self.left -= len(value)
            if envoy:
                found.extend(self._envoy(value, offset, configmap, str(key)))
            else:
                found.extend(self._nginx(value, offset, configmap, str(key)))
        return found

    def _warn(self, line: int, message: str) -> None:
        self.notices.append(Notice(code="gateway-config", message=message, file=self.file, line=line or None))

    def _envoy(self, value: str, offset: int, configmap: str, key: str) -> Iterator[dict[str, Any]]:
        try:
            stream = parse_stream(value, f"{self.file} (ConfigMap {configmap} {key})")
        except InputError:
            return
        for document in stream.documents:
            yield from _envoy_routes(document.value, offset)

    def _nginx(self, value: str, offset: int, configmap: str, key: str) -> list[dict[str, Any]]:
        try:
            config = read_nginx(value)
        except NginxError as e:
            self._warn(
                offset + e.line,
                f"ConfigMap {configmap}, {key}: nginx would not load this config ({e.message}); "
                "its locations are not read",
            )
            return []
        return list(_nginx_routes(config, offset))


def _nginx_routes(config: NginxConfig, offset: int) -> Iterator[dict[str, Any]]:
    """Each proxying location of an nginx config with the Services its ``proxy_pass`` reaches: an
    ``upstream`` block's servers, or the URL's own host (``svc.ns.svc.cluster.local`` -> ``svc``)."""
    prefixes = [
        loc
        for loc in config.locations
        if _MATCH_OF_MODIFIER[loc.modifier] == "prefix" and not loc.path.startswith("@")
    ]
    for loc in config.locations:
        if loc.path.startswith("@"):  # a named location: reached only from within nginx
            continue
        match = _MATCH_OF_MODIFIER[loc.modifier]
        shadowed = _longer_prefixes(loc, prefixes) if match == "prefix" else ()
        for url in loc.proxy_pass:
            host = proxy_host(url)
            if host is None:
                continue
            servers = config.upstreams.get(host)
            hosts = [h for h in map(proxy_host, servers) if h] if servers is not None else [host]
            for service in dict.fromkeys(s for s in map(_service_of, hosts) if s):
                yield {
                    "path": loc.path,
                    "match": match,
                    "service": service,
                    "line": offset + loc.line,
                    "written": loc.written,
                    "shadowed_by": list(shadowed),
                    "caseless": loc.modifier == "~*",
                }


def _longer_prefixes(loc: Location, prefixes: list[Location]) -> tuple[str, ...]:
    """The prefix locations of ``loc``'s server that are longer and start with its path."""
    return tuple(
        dict.fromkeys(
            p.path
            for p in prefixes
            if p.server == loc.server and len(p.path) > len(loc.path) and p.path.startswith(loc.path)
        )
    )


def _service_of(host: str) -> str | None:
    """The Service a host names (its first label: ``svc.ns.svc.cluster.local`` -> ``svc``); None for an
    address (``127.0.0.1``, ``[::1]``) or ``localhost``: the pod itself or outside the chart."""
    bare = host.strip("[]")
    if bare == "localhost":
        return None
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        return bare.split(".", 1)[0] or None
    return None


def _envoy_routes(config: Any, offset: int) -> Iterator[dict[str, Any]]:
    """Each route of an envoy config with the Service its cluster's endpoints address (the first label
    of the host: ``svc.ns.svc.cluster.local`` -> ``svc``); a cluster of ``127.0.0.1`` (a sidecar's own
    pod) names no Service, and its routes none."""
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
                        service = _service_of(address)  # an address or localhost: the pod itself
                        if service is not None:
                            yield item["name"], service
                        break


def gateway_routes(resources: Iterable[Resource]) -> dict[str, list[HttpRoute]]:
    """ConfigMap name -> the gateway routes it holds (``gateway_data``, kept by the manifests reader)."""
    found: dict[str, list[HttpRoute]] = {}
    for r in resources:
        kept = r.data.get(GATEWAY_KEY) if r.kind == "ConfigMap" and isinstance(r.data, dict) else None
        for item in kept or ():
            source = r.source.model_copy(update={"line": int(item["line"])})
            route = HttpRoute(
                str(item["path"]),
                item["match"],
                str(item["service"]),
                f"ConfigMap/{r.name}",
                source,
                written=item.get("written"),
                shadowed_by=tuple(item.get("shadowed_by", ())),
                caseless=bool(item.get("caseless", False)),
            )
            found.setdefault(r.name, []).append(route)
    return found
