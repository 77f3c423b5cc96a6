"""Pod specs to Containers: shared by the ClowdApp and the manifests readers.

Both sides describe containers the same way (command, args, env, resources, probes); only where the
pod spec sits differs. Roles need the whole app (env switches), so they are finished in ``finish_roles``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from koku_gap.model.graph import Component, Container, EnvVar, Role, RoleKind
from koku_gap.sources.roles import RoleInput, detect_role, distinguishing_switches, with_switches
from koku_gap.sources.template import WHOLE_JSON_PARAM
from koku_gap.yaml.loader import LDict, LList, line_of, to_plain

ROLE_RANK = {
    RoleKind.UNKNOWN: 0,
    RoleKind.REVERSE_PROXY: 1,  # an auth or TLS proxy sidecar says less than the app beside it
    RoleKind.STATIC_WEB: 2,
    RoleKind.AD_HOC_COMMAND: 3,
}


def text(value: Any) -> str | None:
    """A scalar as the string Kubernetes would see; None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(to_plain(value), sort_keys=True)
    return str(value)


def seq(value: Any) -> list[Any]:
    """A list as written, or nothing when the input put something else there."""
    return value if isinstance(value, list) else []


def mapping(value: Any) -> Mapping[str, Any]:
    """A mapping as written, or an empty one when the input put something else there."""
    return value if isinstance(value, dict) else {}


def count(value: Any) -> int | str | None:
    """A replica count. Kubernetes' replicas are an int32, so 3, 3.0 (``${{REPLICAS}}`` holding "3.0")
    and "3" (``${REPLICAS}``) all count as 3; anything else ("3.5", an unresolved parameter) stays as
    written, as text, for the report to show."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    written = text(value)
    return int(written) if written is not None and written.isascii() and written.isdigit() else written


def str_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(t for t in (text(v) for v in value) if t is not None)
    single = text(value)
    return (single,) if single else ()


def env_vars(raw: Any, default_line: int) -> tuple[EnvVar, ...]:
    if not isinstance(raw, list):
        return ()
    result: list[EnvVar] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or "name" not in item:
            continue
        line = raw.line_of(index) if isinstance(raw, LList) else default_line
        value_from = to_plain(item.get("valueFrom")) if item.get("valueFrom") is not None else None
        result.append(
            EnvVar(name=str(item["name"]), value=text(item.get("value")), value_from=value_from, line=line)
        )
    return tuple(result)


class Finding(NamedTuple):
    """A warning before it is given its file."""

    line: int
    code: str
    message: str
    group: str | None = None  # what alike findings share, without this one's names (None: message)


def coercions(raw: LDict, where: str) -> list[Finding]:
    """What ``container`` would read silently other than as written in one container's mapping: a
    command or args given as one string (Kubernetes wants a list), an env that is not a list of named
    entries. A whole ``${{PARAM}}`` left unresolved is not judged: its real value is unknown."""
    found: list[Finding] = []
    for key in ("command", "args"):
        value = raw.get(key)
        if value is None or isinstance(value, list) or _symbolic(value):
            continue
        words = str_list(value)
        read = f"read as the single word {_shown(words[0])}" if words else "read as no words"
        message = f"'{key}' in {where} is {_kind(value)}, not a list; {read}"
        found.append(Finding(raw.line_of(key), "coerced-value", message))
    env = raw.get("env")
    if env is not None and not _symbolic(env):
        found.extend(_env_coercions(env, raw.line_of("env"), where))
    return found


def _env_coercions(env: Any, line: int, where: str) -> list[Finding]:
    """``env_vars`` skips what has no name and takes ``str()`` of a name that is not a string."""
    if not isinstance(env, list):
        return [
            Finding(
                line, "ignored-value", f"'env' in {where} is {_kind(env)}, not a list of entries; ignored"
            )
        ]
    found: list[Finding] = []
    for index, item in enumerate(env):
        at = env.line_of(index) if isinstance(env, LList) else line
        if not isinstance(item, dict):
            message = f"env entry {_shown(item)} in {where} is not a mapping; ignored"
            found.append(Finding(at, "ignored-value", message))
        elif "name" not in item:
            keys = ", ".join(sorted(str(k) for k in item)) or "nothing"
            found.append(
                Finding(
                    at, "ignored-value", f"an env entry in {where} has no 'name' (it has {keys}); ignored"
                )
            )
        elif not isinstance(item["name"], str):
            name = item["name"]
            message = (
                f"env name {_shown(name)} in {where} is {_kind(name)}, not a string; read as {str(name)!r}"
            )
            found.append(Finding(at, "coerced-value", message))
    return found


def _symbolic(value: Any) -> bool:
    return isinstance(value, str) and WHOLE_JSON_PARAM.match(value) is not None


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "empty (null)" if value is None else type(value).__name__


def _shown(value: Any) -> str:
    """A value for a message: strings quoted, anything else as Kubernetes would see it; at most 60."""
    shown = value if isinstance(value, str) else str(text(value))
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return repr(shown) if isinstance(value, str) else shown


def merged_env(base: Sequence[EnvVar], own: Sequence[EnvVar]) -> tuple[EnvVar, ...]:
    names = {e.name for e in own}
    return tuple([e for e in base if e.name not in names] + list(own))


def container(
    raw: Mapping[str, Any],
    *,
    name: str,
    image: str | None,
    params: Mapping[str, str | None],
    config_text: str,
    serves_http: bool,
    inherited_env: Sequence[EnvVar] = (),
    inherit_env: bool = False,
) -> Container:
    """One container from its pod-spec mapping (Kubernetes or Clowder shape)."""
    line = line_of(raw, 0)
    env = env_vars(raw.get("env"), line)
    if inherited_env:
        env = merged_env(inherited_env, env)
    command = str_list(raw.get("command"))
    args = str_list(raw.get("args"))
    env_map = {e.name: e.value for e in env}
    ports = tuple(to_plain(p) for p in seq(raw.get("ports")) if isinstance(p, dict))
    http = serves_http or any(str(p.get("name", "")).startswith(("http", "web", "api")) for p in ports)
    role = detect_role(
        RoleInput(
            command=command,
            args=args,
            env=env_map,
            image=image,
            params=params,
            config_text=config_text,
            serves_http=http,
        )
    )
    mounts = seq(raw.get("volumeMounts"))
    return Container(
        name=name,
        image=image,
        command=command,
        args=args,
        env=env,
        env_from=tuple(to_plain(e) for e in seq(raw.get("envFrom"))),
        resources=to_plain(raw.get("resources")) or None,
        liveness_probe=to_plain(raw.get("livenessProbe")),
        readiness_probe=to_plain(raw.get("readinessProbe")),
        startup_probe=to_plain(raw.get("startupProbe")),
        ports=ports,
        volume_mounts=tuple(to_plain(m) for m in mounts if isinstance(m, dict)),
        role=role,
        line=line,
        inherit_env=inherit_env,
    )


def component_role(containers: Sequence[Container]) -> Role:
    """The role that says most about the pod: an app role beats a proxy sidecar beats unknown."""
    best = max(containers, key=lambda c: ROLE_RANK.get(c.role.kind, 10) if c.role else -1)
    return best.role


def mounted_config(volumes: Any, config_maps: Mapping[str, str]) -> str:
    """The text of every ConfigMap a pod mounts (to tell a proxy's config from a file server's)."""
    if not isinstance(volumes, list):
        return ""
    parts: list[str] = []
    for volume in volumes:
        if isinstance(volume, dict) and isinstance(volume.get("configMap"), dict):
            parts.append(config_maps.get(str(volume["configMap"].get("name")), ""))
    return "\n".join(parts)


def config_map_texts(objects: Sequence[Any]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for obj in objects:
        if isinstance(obj, dict) and obj.get("kind") == "ConfigMap":
            name = str(mapping(obj.get("metadata")).get("name"))
            data = obj.get("data") or {}
            texts[name] = "\n".join(str(v) for v in data.values()) if isinstance(data, dict) else ""
    return texts


def finish_roles(
    components: Sequence[Component], switch_envs: Mapping[str, Mapping[str, str | None]] | None = None
) -> list[Component]:
    """Add env switches (``MASU=true``) that distinguish a workload from its siblings in the same app.

    ``switch_envs`` (by component id) narrows what may count as a switch: in a template, only values
    written literally select a role; values passed through parameters are configuration.
    """
    result = list(components)
    by_app: dict[str, list[int]] = {}
    for index, comp in enumerate(result):
        by_app.setdefault(comp.app, []).append(index)
    for indexes in by_app.values():
        envs = [
            switch_envs.get(result[i].id, {}) if switch_envs is not None else result[i].main.env_map()
            for i in indexes
        ]
        for i, switches in zip(indexes, distinguishing_switches(envs), strict=True):
            if not switches:
                continue
            comp = result[i]
            role = with_switches(comp.role, switches)
            main = comp.main.model_copy(update={"role": with_switches(comp.main.role, switches)})
            result[i] = comp.model_copy(update={"role": role, "containers": (main, *comp.containers[1:])})
    return result
