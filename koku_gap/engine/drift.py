"""Field-level differences of a matched pair, over normalised values.

Quantities are compared as numbers (cpu ``500m`` == ``0.5``, memory ``1Gi`` == ``1073741824``) and
the comparison itself is deepdiff's, so nested resources and probes diff the same way everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from koku_gap.model.graph import Component, Container, Resource
from koku_gap.model.report import Drift
from koku_gap.model.vocabulary import DriftKind, RoleKind
from koku_gap.sources.roles import truthy_env

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


EnvKeys = Mapping[str, Sequence[str]]
"""What an ``envFrom`` source provides when the chart renders it: ``configmap/NAME`` or ``secret/NAME``
-> its keys. A source not in it is opaque: any name (with its prefix) may come from it."""


def env_keys(resources: Iterable[Resource]) -> dict[str, tuple[str, ...]]:
    """The keys of the ConfigMaps and Secrets a manifests graph renders, for :func:`drift`'s ``env_keys``
    (the loader keeps them as ``{"keys": [...]}``; an object without them stays opaque)."""
    found: dict[str, tuple[str, ...]] = {}
    for res in resources:
        keys = res.data.get("keys") if isinstance(res.data, dict) else None
        if res.kind in ("ConfigMap", "Secret") and isinstance(keys, list):
            found[f"{res.kind.lower()}/{res.name}"] = tuple(str(k) for k in keys)
    return found


# Cron macros as the five fields they stand for, so ``@daily`` and ``0 0 * * *`` compare equal.
_CRON_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
# CronJob fields compared when both sides set them (Kubernetes' defaults are not assumed).


def drift(
    source: Component,
    target: Component,
    container: Container,
    ignore_env: tuple[str, ...],
    env_keys: EnvKeys | None = None,
) -> list[Drift]:
    """What the chart does differently from the ClowdApp for one matched pair."""
    main = container is target.main  # a counterpart found in an init container differs by nature
    return [
        *_switch_drift(source, container, ignore_env),
        *(_env_drift(source, target, container, ignore_env, env_keys or {}) if main else []),
        *_resource_drift(source.main, container, main),
        *(_probe_drift(source.main, container) if main else []),
        *_scaling(source, target),
        *_schedule_drift(source, target, container),
        *_hook_drift(source, target),
    ]


def _switch_drift(source: Component, container: Container, ignore_env: tuple[str, ...]) -> list[Drift]:
    """Literal env switches (``WORKER_MODE=true``) select what the code does: one the chart lacks matters."""
    target_truthy = truthy_env(container.env_map())
    names = [(sw, sw.split("=", 1)[0]) for sw in source.role.switches if "=" in sw]
    missing = [sw for sw, name in names if name not in ignore_env and name not in target_truthy]
    if not missing:
        return []
    return [
        Drift(
            kind=DriftKind.SWITCH_MISSING,
            message=f"the chart does not set {', '.join(missing)}, which selects this component's behaviour",
            clowdapp=missing,
            chart=None,
        )
    ]


def _env_drift(
    source: Component, target: Component, container: Container, ignore_env: tuple[str, ...], keys: EnvKeys
) -> list[Drift]:
    """Env vars the chart does not set, split into surely missing and perhaps set by its ``envFrom``."""
    set_by_name = {e.name for e in container.env} | {e.name for c in target.containers for e in c.env}
    wanted = sorted(n for n in dict.fromkeys(e.name for e in source.main.env) if n not in ignore_env)
    chart_from = env_from_refs(container, target)
    provided, opaque = env_from_names(chart_from, keys)
    not_set = [n for n in wanted if n not in set_by_name and n not in provided]
    unverified = [n for n in not_set if n.startswith(opaque)] if opaque else []
    missing = [n for n in not_set if n not in unverified]
    items = [_env_missing(missing)] if missing else []
    # Only names an envFrom hides are drift: a chart's envFrom alone is not (charts commonly load a
    # Secret for what Clowder injects from cdappconfig), and a ClowdApp's is none of Clowder's fields
    # (Clowder drops it, the loader warns), so it never took effect to be missed.
    if unverified:
        items.append(_env_from_drift([_ref_label(r) for r in chart_from], unverified))
    return items


def env_from_refs(container: Container, target: Component) -> list[Any]:
    """The chart's ``envFrom`` sources, over the same containers whose ``env`` names count as set."""
    refs = [*container.env_from, *(r for c in target.containers if c is not container for r in c.env_from)]
    return [r for i, r in enumerate(refs) if r not in refs[:i]]


def env_from_names(refs: Sequence[Any], keys: EnvKeys) -> tuple[set[str], tuple[str, ...]]:
    """(names the rendered sources provide, prefixes of the sources whose keys are unknown)."""
    provided: set[str] = set()
    opaque: list[str] = []
    for ref in refs:
        prefix = str(ref.get("prefix") or "") if isinstance(ref, dict) else ""
        known = keys.get(_ref_id(ref))
        if known is None:
            opaque.append(prefix)
        else:
            provided |= {prefix + k for k in known}
    return provided, tuple(opaque)


def _ref_id(ref: Any) -> str:
    """``configmap/NAME`` or ``secret/NAME`` for an ``envFrom`` entry; anything else as written."""
    if isinstance(ref, dict):
        for field, kind in (("configMapRef", "configmap"), ("secretRef", "secret")):
            target = ref.get(field)
            if isinstance(target, dict) and target.get("name"):
                return f"{kind}/{target['name']}"
    return str(ref)


def _ref_label(ref: Any) -> str:
    prefix = ref.get("prefix") if isinstance(ref, dict) else None
    return f"{_ref_id(ref)} (prefix {prefix})" if prefix else _ref_id(ref)


def _env_missing(missing: list[str]) -> Drift:
    return Drift(
        kind=DriftKind.ENV_MISSING,
        message=f"{len(missing)} env var(s) the ClowdApp sets are not set: "
        + ", ".join(missing[:12])
        + (" ..." if len(missing) > 12 else ""),
        clowdapp=missing,
        chart=None,
    )


def _env_from_drift(chart_from: list[str], unverified: list[str]) -> Drift:
    """Env vars the chart may set through an ``envFrom`` whose keys the files do not show."""
    names = ", ".join(unverified[:12]) + (" ..." if len(unverified) > 12 else "")
    return Drift(
        kind=DriftKind.ENV_FROM,
        message=f"the chart takes env from {', '.join(chart_from)}; {len(unverified)} env var(s) the "
        f"ClowdApp sets may come from it, unverified: {names}",
        clowdapp={"unverified": unverified},
        chart={"env_from": chart_from},
    )


def _resource_drift(s_main: Container, container: Container, main: bool) -> list[Drift]:
    """Requests and limits compared as numbers; none at all in the chart's main container is drift too."""
    s_res, t_res = normalised_resources(s_main.resources), normalised_resources(container.resources)
    if s_res and t_res:
        diff = _diff(s_res, t_res)
        changed = [
            f"{_path(path)} {_raw(s_main.resources, path)} -> {_raw(container.resources, path)}"
            for path in sorted(diff.get("values_changed", {}))
        ]
        removed = [f"{_path(p)} not set" for p in sorted(diff.get("dictionary_item_removed", []))]
        if not changed and not removed:
            return []
        message = "resources differ: " + "; ".join(changed + removed)
        return [Drift(kind=DriftKind.RESOURCES, message=message, clowdapp=_plain(s_res), chart=_plain(t_res))]
    if s_res and not t_res and main:
        message = "the chart sets no resource requests or limits"
        return [Drift(kind=DriftKind.RESOURCES, message=message, clowdapp=_plain(s_res), chart=None)]
    return []


def _probe_drift(s_main: Container, container: Container) -> list[Drift]:
    items: list[Drift] = []
    for probe in ("liveness_probe", "readiness_probe"):
        if getattr(s_main, probe) and not getattr(container, probe):
            label = probe.replace("_", " ")
            message = f"the ClowdApp has a {label}; the chart has none"
            items.append(Drift(kind=DriftKind.PROBE_MISSING, message=message, clowdapp=label, chart=None))
    return items


def _schedule_drift(source: Component, target: Component, container: Container) -> list[Drift]:
    """A scheduled job's timing: another schedule, or none at all, changes when its work runs."""
    if not source.schedule and not target.schedule:
        return []
    in_pod = any(c is container for c in target.containers)
    if source.schedule and (not target.schedule or not in_pod):
        init = f"at pod start (init container {container.name})"
        how = f"as a {target.kind}, unscheduled" if in_pod else init
        message = f"schedule '{source.schedule}' in the ClowdApp; the chart runs it {how}"
        return [Drift(kind=DriftKind.SCHEDULE, message=message, clowdapp=_schedule_spec(source), chart=None)]
    if not source.schedule:
        message = f"the chart runs it on schedule '{target.schedule}'; the ClowdApp {source.kind} has none"
        return [Drift(kind=DriftKind.SCHEDULE, message=message, clowdapp=None, chart=_schedule_spec(target))]
    return _schedule_fields_drift(_schedule_spec(source), _schedule_spec(target))


def _schedule_fields_drift(old: dict[str, Any], new: dict[str, Any]) -> list[Drift]:
    """Fields both CronJobs set, compared by deepdiff (cron macros already expanded)."""
    both = {k for k in old if k in new}
    diff = _diff({k: _cron(k, old[k]) for k in both}, {k: _cron(k, new[k]) for k in both})
    paths = sorted(_path(p) for p in [*diff.get("values_changed", {}), *diff.get("type_changes", {})])
    if not paths:
        return []
    message = "schedule differs: " + "; ".join(f"{k} {_yaml(old[k])} -> {_yaml(new[k])}" for k in paths)
    return [Drift(kind=DriftKind.SCHEDULE, message=message, clowdapp=old, chart=new)]


def _schedule_spec(component: Component) -> dict[str, Any]:
    """The CronJob fields the graph knows for this component (unknown ones left out)."""
    values = {
        "schedule": component.schedule,
        "suspend": component.suspend,
        "concurrencyPolicy": component.concurrency_policy,
    }
    return {k: v for k, v in values.items() if v is not None}


def _yaml(value: Any) -> str:
    """A CronJob field as YAML would show it: quoted text (schedules have spaces), ``true`` / ``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"'{value}'" if isinstance(value, str) else str(value)


def _cron(field: str, value: Any) -> Any:
    """A schedule with its whitespace and macros normalised; other fields as they are."""
    if field != "schedule" or not isinstance(value, str):
        return value
    text = " ".join(value.split())
    return _CRON_MACROS.get(text.lower(), text)


def _hook_drift(source: Component, target: Component) -> list[Drift]:
    """A migration run by a post-* hook runs after the new code starts."""
    hook = target.hook
    if source.role.kind != RoleKind.MIGRATION or hook is None:
        return []
    if {"pre-install", "pre-upgrade"} & set(hook.phases):
        return []
    return [
        Drift(
            kind=DriftKind.HOOK_PHASE,
            message=f"runs as Helm hook {','.join(hook.phases)}",
            clowdapp="ClowdJobInvocation" if source.invoked_by else source.kind,
            chart=list(hook.phases),
        )
    ]


def _diff(old: dict[str, Any], new: dict[str, Any]) -> Any:
    """deepdiff's comparison of two normalised sections (resources, CronJob fields). Equal ones need none,
    and a run where every pair agrees never imports deepdiff (about 35 ms of imports, docs/performance.md)."""
    if old == new:
        return {}
    from deepdiff import DeepDiff  # deferred: only analysis needs it, `gap-report --help` must stay fast

    return DeepDiff(old, new, ignore_order=True)


def _scaling(source: Component, target: Component) -> list[Drift]:
    s, t = source.scaling, target.scaling
    if s.autoscaler and not t.autoscaler:
        return [
            Drift(
                kind=DriftKind.AUTOSCALING,
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
                kind=DriftKind.REPLICAS,
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
