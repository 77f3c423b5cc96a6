"""Which template parameter an env value of the ClowdApp is written with (its value is then the
parameter's SaaS default, worth a look before trusting it on-prem)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Sequence

from koku_gap.model.graph import Component

_PARAMETER = re.compile(r"\$\{\{?([A-Za-z_][A-Za-z0-9_]*)\}?\}")


def parameter_env(component: Component, lines: Sequence[str], parameters: Collection[str]) -> dict[str, str]:
    """Env name -> the template parameter its value is written with, read from the ClowdApp's own lines
    (an env item's two lines from ``EnvVar.line``): such a value is the parameter's SaaS default."""
    if not component.containers:
        return {}
    starts = sorted(e.line for e in component.main.env)
    result: dict[str, str] = {}
    for env in component.main.env:
        if env.value_from is not None or not 0 < env.line <= len(lines):
            continue
        at = bisect.bisect_right(starts, env.line)  # the next env item's line, if any
        end = min(env.line + 2, starts[at]) if at < len(starts) else env.line + 2
        text = " ".join(lines[env.line - 1 : end - 1])
        names = [n for n in _PARAMETER.findall(text) if n in parameters]
        if names:
            result[env.name] = ", ".join(dict.fromkeys(names))
    return result
