"""The names a suggestion is filed under: its values.yaml key, its template's file and its objects'
name, each made from the component's name less the policy's ``strip_prefixes`` (the default policy's
``clowder-``: a name Clowder's convention gave it, which the chart need not repeat)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from koku_gap.model.graph import Component


def unprefixed(name: str, prefixes: Sequence[str]) -> str:
    """``name`` less the first of ``prefixes`` it starts with, unless nothing would be left."""
    for prefix in prefixes:
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
    return name


def values_key(name: str, prefixes: Sequence[str] = ()) -> str:
    """``clowder-sources-listener`` -> ``sourcesListener`` (a values.yaml key), ``clowder-`` being
    one of ``prefixes``."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", unprefixed(name, prefixes)) if w]
    if not words:
        return "component"
    key = words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])
    return key if key[:1].isalpha() else f"c{key}"


def short_name(name: str, prefixes: Sequence[str] = ()) -> str:
    """The name of the suggested objects (after the release name) and of their template file."""
    cleaned = re.sub(r"[^a-z0-9-]+", "-", unprefixed(name, prefixes).lower()).strip("-")
    return cleaned[:50] or "component"


def template_path(component: Component, prefixes: Sequence[str] = ()) -> str:
    """Where the suggested template goes in the chart."""
    kind = {"CronJob": "cronjob", "Job": "job"}.get(component.kind, "deployment")
    return f"templates/{short_name(component.name, prefixes)}-{kind}.yaml"
