"""Field-level differences of a matched pair, over normalised values.

Quantities are compared as numbers (cpu ``500m`` == ``0.5``, memory ``1Gi`` == ``1073741824``) and
the comparison itself is deepdiff's, so nested resources and probes diff the same way everywhere.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from koku_gap.graph import Component, Container, RoleKind
from koku_gap.report.model import Drift
from koku_gap.roles import truthy_env

_SUFFIXES: dict[str, Decimal | int] = {
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
    "Pi": 2**50,
    "Ei": 2**60,
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "P": 10**15,
    "E": 10**18,
}
_QUANTITY = re.compile(r"^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")


def quantity(value: Any) -> Decimal | str | None:
    """A Kubernetes quantity as a number; what is not a quantity (``${CPU}``) stays text."""
    if value is None:
        return None
    text = str(value).strip()
    found = _QUANTITY.match(text)
    if not found:
        return text
    try:
        number = Decimal(found.group(1))
    except InvalidOperation:
        return text
    suffix = found.group(2)
    return (number * Decimal(_SUFFIXES[suffix]) if suffix else number).normalize()


def normalised_resources(resources: Any) -> dict[str, dict[str, Decimal | str | None]]:
    if not isinstance(resources, dict):
        return {}
    result: dict[str, dict[str, Decimal | str | None]] = {}
    for section in ("requests", "limits"):
        values = resources.get(section)
        if isinstance(values, dict):
            result[section] = {str(k): quantity(v) for k, v in values.items()}
    return result


def _show(value: Any) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def drift(
    source: Component, target: Component, container: Container, ignore_env: tuple[str, ...]
) -> list[Drift]:
    """What the chart does differently from the ClowdApp for one matched pair."""
    items: list[Drift] = []
    s_main = source.main
    target_truthy = truthy_env(container.env_map())
    missing_switches = [
        sw
        for sw in source.role.switches
        if "=" in sw and sw.split("=", 1)[0] not in ignore_env and sw.split("=", 1)[0] not in target_truthy
    ]
    if missing_switches:
        items.append(
            Drift(
                kind="switch-missing",
                message=f"the chart does not set {', '.join(missing_switches)}, "
                "which selects this component's behaviour",
                clowdapp=missing_switches,
                chart=None,
            )
        )
    target_env = {e.name for e in container.env}
    target_env |= {e.name for c in target.containers for e in c.env}
    wanted = [e.name for e in s_main.env if e.name not in ignore_env]
    missing_env = sorted(n for n in dict.fromkeys(wanted) if n not in target_env)
    if missing_env and container is target.main:
        items.append(
            Drift(
                kind="env-missing",
                message=f"{len(missing_env)} env var(s) the ClowdApp sets are not set: "
                + ", ".join(missing_env[:12])
                + (" ..." if len(missing_env) > 12 else ""),
                clowdapp=missing_env,
                chart=None,
            )
        )
    s_res, t_res = normalised_resources(s_main.resources), normalised_resources(container.resources)
    if s_res and t_res:
        diff = _diff(s_res, t_res)
        changed = [
            f"{_path(path)} {_raw(s_main.resources, path)} -> {_raw(container.resources, path)}"
            for path in sorted(diff.get("values_changed", {}))
        ]
        removed = [f"{_path(p)} not set" for p in sorted(diff.get("dictionary_item_removed", []))]
        if changed or removed:
            items.append(
                Drift(
                    kind="resources",
                    message="resources differ: " + "; ".join(changed + removed),
                    clowdapp=_plain(s_res),
                    chart=_plain(t_res),
                )
            )
    elif s_res and not t_res and container is target.main:
        items.append(
            Drift(
                kind="resources",
                message="the chart sets no resource requests or limits",
                clowdapp=_plain(s_res),
                chart=None,
            )
        )
    for probe in ("liveness_probe", "readiness_probe"):
        if getattr(s_main, probe) and not getattr(container, probe) and container is target.main:
            label = probe.replace("_", " ")
            items.append(
                Drift(
                    kind="probe-missing",
                    message=f"the ClowdApp has a {label}; the chart has none",
                    clowdapp=label,
                    chart=None,
                )
            )
    items.extend(_scaling(source, target))
    post_only = target.hook is not None and not {"pre-install", "pre-upgrade"} & set(target.hook.phases)
    if source.role.kind == RoleKind.MIGRATION and target.hook is not None and post_only:
        items.append(
            Drift(
                kind="hook-phase",
                message=f"runs as Helm hook {','.join(target.hook.phases)}",
                clowdapp="ClowdJobInvocation" if source.invoked_by else source.kind,
                chart=list(target.hook.phases),
            )
        )
    return items


def _diff(old: dict[str, Any], new: dict[str, Any]) -> Any:
    """deepdiff's comparison of two normalised resource sections. Equal ones need none, and a run where
    every pair agrees never imports deepdiff (about 35 ms of imports, docs/performance.md)."""
    if old == new:
        return {}
    from deepdiff import DeepDiff  # deferred: only analysis needs it, `gap-report --help` must stay fast

    return DeepDiff(old, new, ignore_order=True)


def _scaling(source: Component, target: Component) -> list[Drift]:
    s, t = source.scaling, target.scaling
    if s.autoscaler and not t.autoscaler:
        return [
            Drift(
                kind="autoscaling",
                message=f"the ClowdApp autoscales ({s.autoscaler}, {s.min_replicas}-{s.max_replicas} "
                f"replicas); the chart runs a fixed {t.replicas if t.replicas is not None else 1}",
                clowdapp={"min": s.min_replicas, "max": s.max_replicas},
                chart=t.replicas,
            )
        ]
    if (
        s.autoscaler is None
        and isinstance(s.replicas, int)
        and t.replicas is not None
        and t.replicas != s.replicas
    ):
        return [
            Drift(
                kind="replicas",
                message=f"replicas {s.replicas} in the ClowdApp, {t.replicas} in the chart",
                clowdapp=s.replicas,
                chart=t.replicas,
            )
        ]
    return []


def _raw(resources: Any, deepdiff_path: str) -> str:
    """The value as written (``1Gi``), for people; the comparison itself used the numbers."""
    value = resources
    for part in re.findall(r"\['([^']+)'\]", deepdiff_path):
        value = value.get(part) if isinstance(value, dict) else None
    return str(value)


def _path(deepdiff_path: str) -> str:
    return ".".join(re.findall(r"\['([^']+)'\]", deepdiff_path))


def _plain(values: dict[str, dict[str, Decimal | str | None]]) -> dict[str, dict[str, str | None]]:
    return {k: {n: (_show(v) if v is not None else None) for n, v in d.items()} for k, d in values.items()}
