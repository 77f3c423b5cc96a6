"""Which chart workloads users reach under each public web service's API path.

Clowder exposes a ClowdApp's public web service at ``/api/<apiPath>/``. On the chart side a request
there takes the public routes (Route, Ingress) that reach the path, to their Services, to the workloads
those select; a workload that is a gateway with routes of its own (an envoy config from a ConfigMap it
mounts) sends it on by those. What the chain reaches is what serves the path: matching counts it as
evidence (``match.Identity``), and classify calls an API whose counterpart it does not reach a gap
(``unrouted-api``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from koku_gap.model.graph import Component, ComponentGraph, Resource
from koku_gap.sources.routes import HttpRoute, gateway_routes, public_routes

MAX_HOPS = 4  # gateways behind gateways followed at most this deep (a loop ends here too)


@dataclass(frozen=True)
class ApiRoute:
    """How the chart routes one ClowdApp component's ``/api/<apiPath>/``."""

    path: str
    reached: tuple[str, ...]  # the chart workloads a request under the path may end at, in chart order
    taken: tuple[HttpRoute, ...]  # the routes that reach the path, public first

    def evidence(self) -> list[str]:
        return [f"route: {r.words()}" for r in self.taken]


def api_path(c: Component) -> str | None:
    """``/api/<apiPath>/`` of a public web service that names its path, else None."""
    if not c.web.public or not c.web.api_path or not c.web.api_path.strip("/"):
        return None
    return f"/api/{c.web.api_path.strip('/')}/"


def api_routes(source: ComponentGraph, target: ComponentGraph) -> dict[str, ApiRoute]:
    """Component id -> how the chart routes its API path. Empty when the chart renders no public route
    at all: that says nothing of any path (the install may expose it its own way)."""
    public = public_routes(target.resources)
    if not public:
        return {}
    gateways = gateway_routes(target.resources)
    selects = _selected(target)
    found: dict[str, ApiRoute] = {}
    for c in source.components:
        path = api_path(c)
        if path is not None:
            found[c.id] = _route(path, public, gateways, selects, target.components)
    return found


def served_paths(source: ComponentGraph, routes: Mapping[str, ApiRoute]) -> dict[str, frozenset[str]]:
    """Chart workload -> the API paths (``apiPath`` as written, without slashes) the chart routes to it."""
    served: dict[str, set[str]] = {}
    for c in source.components:
        route = routes.get(c.id)
        if route is not None and c.web.api_path:
            for name in route.reached:
                served.setdefault(name, set()).add(c.web.api_path.strip("/"))
    return {name: frozenset(paths) for name, paths in served.items()}


def _route(
    path: str,
    public: list[HttpRoute],
    gateways: Mapping[str, list[HttpRoute]],
    selects: Mapping[str, list[Component]],
    workloads: Iterable[Component],
) -> ApiRoute:
    taken = [r for r in public if r.reaches(path)]
    reached: set[str] = set()
    frontier = [w for r in taken for w in selects.get(r.service, [])]
    for _hop in range(MAX_HOPS):
        following: list[Component] = []
        for w in frontier:
            if w.name in reached:
                continue
            reached.add(w.name)
            for configmap in _mounted(w):
                for r in gateways.get(configmap, []):
                    if r.reaches(path):
                        taken.append(r)
                        following.extend(selects.get(r.service, []))
        frontier = following
    order = [w.name for w in workloads if w.name in reached]
    return ApiRoute(path=path, reached=tuple(order), taken=tuple(dict.fromkeys(taken)))


def _selected(target: ComponentGraph) -> dict[str, list[Component]]:
    """Service name -> the workloads its selector selects, in chart order."""
    found: dict[str, list[Component]] = {}
    services: list[Resource] = [
        r for r in target.resources if r.kind == "Service" and isinstance(r.data, dict)
    ]
    for svc in services:
        selector = svc.data.get("selector")
        if not isinstance(selector, dict) or not selector:
            continue
        found[svc.name] = [
            c for c in target.components if all(c.labels.get(k) == str(v) for k, v in selector.items())
        ]
    return found


def _mounted(w: Component) -> list[str]:
    """The ConfigMaps a workload's pod mounts (plain and projected volumes)."""
    names: list[str] = []
    stack: list[object] = list(w.volumes)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("configMap")
            if isinstance(ref, dict) and ref.get("name"):
                names.append(str(ref["name"]))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return names
