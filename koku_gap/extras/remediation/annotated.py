"""The values fragment as YAML for a person to review: each value the chart or a template parameter
gave is marked by a comment saying so.

The dumper is libyaml's C emitter, which writes no comments, so they are added to the lines it wrote:
the fragment's shape is fixed (one top-level key, its fields two spaces in, env vars four), which makes
a field's or an env var's line unambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from koku_gap.extras.remediation.siblings import ChartEnv, sibling_env
from koku_gap.extras.remediation.values import values_fragment
from koku_gap.model.graph import Component
from koku_gap.yaml.dumper import yaml_text
from koku_gap.yaml.text import indent

NO_SIBLING = "# no chart workload runs this image: values are the ClowdApp's (SaaS) settings; review them"
MOUNT_KEYS = ("initContainers", "volumeMounts", "volumes")  # what a sibling's pod lends besides env
_ENV_KEY = re.compile(r"^    ([A-Za-z_][A-Za-z0-9_.-]*):(?: |$)")


@dataclass(frozen=True)
class Annotated:
    """A values fragment before it is written: the component's values (under ``key``), the comment of
    each env var (``notes``, by name) and of each block field (``fields``), and whether the chart was
    read but lent nothing (``no_sibling``). A template family splits several of these into what they
    share and what is each one's own, and writes both with the same comments."""

    key: str
    values: dict[str, Any]
    notes: dict[str, str]
    fields: dict[str, str]
    no_sibling: bool

    def text(self) -> str:
        text = commented(yaml_text({self.key: self.values}), self.notes, self.fields)
        return f"{NO_SIBLING}\n{text}" if self.no_sibling else text


def annotate(
    component: Component,
    chart: Mapping[str, ChartEnv] | None = None,
    parameters: Mapping[str, str] | None = None,
    omit: Collection[str] = (),
    sibling: Component | None = None,
    prefixes: Sequence[str] = (),
) -> Annotated:
    """What ``values_yaml`` writes, before it is written (its arguments are the same)."""
    added = sibling_env(component, sibling)  # () without a sibling
    notes = {e.name: f"from the chart's {sibling.name}" for e in added} if sibling else {}
    notes.update((name, f"from the chart's {env.workload}") for name, env in (chart or {}).items())
    for name, parameter in (parameters or {}).items():
        notes.setdefault(name, f"from template parameter {parameter}")
    fields: dict[str, str] = {}
    if sibling is not None:
        if sibling.containers and sibling.main.image:
            fields["image"] = f"the chart's image, as {sibling.name}"
        fields.update((key, f"from the chart's {sibling.name}") for key in MOUNT_KEYS)
    ((key, values),) = values_fragment(component, chart, omit, sibling, prefixes, added).items()
    return Annotated(key, values, notes, fields, sibling is None and chart is not None)


def values_yaml(
    component: Component,
    chart: Mapping[str, ChartEnv] | None = None,
    parameters: Mapping[str, str] | None = None,
    omit: Collection[str] = (),
    sibling: Component | None = None,
    prefixes: Sequence[str] = (),
) -> str:
    """``values_fragment`` as YAML, each env var taken from the chart (``chart``, the ``sibling``) or
    written with a template parameter (``parameters``, see ``parameter_env``) marked by a comment on
    its line, and the sibling's image by one on ``image:`` (its mounts, init containers and volumes on
    theirs); env vars named in ``omit`` left out. When
    the chart was read (``chart`` not None) but has no sibling, a first line says the values are SaaS's."""
    return annotate(component, chart, parameters, omit, sibling, prefixes).text()


def commented(text: str, notes: Mapping[str, str], fields: Mapping[str, str]) -> str:
    """``text`` (a values fragment) with ``# note`` after each env var named in ``notes`` (at the end of
    its line when the value fits on it, else on a line of its own above it) and after the line opening
    each block field named in ``fields``."""
    if not notes and not fields:
        return text
    lines = text.split("\n")
    out: list[str] = []
    section = ""
    for index, line in enumerate(lines):
        if indent(line) == 2 and not line.startswith("  -"):
            section = line.strip().split(":", 1)[0]
            if line == f"  {section}:" and section in fields:
                out.append(f"{line}  # {fields[section]}")
                continue
        name: str | None = None
        if section == "env" and (found := _ENV_KEY.match(line)):
            name = found.group(1)
        elif section == "envValueFrom" and line.startswith("  - name: "):
            name = line.removeprefix("  - name: ")
        note = notes.get(name) if name is not None else None
        if note is None:
            out.append(line)
            continue
        note = " ".join(note.split())
        after = lines[index + 1] if index + 1 < len(lines) else ""
        whole = section == "envValueFrom" or (after.strip() != "" and indent(after) <= indent(line))
        out.extend([f"{line}  # {note}"] if whole else [f"{' ' * indent(line)}# {note}", line])
    return "\n".join(out)
