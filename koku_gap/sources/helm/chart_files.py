"""A chart on disk: its name, the links it may not hold, the file behind a template's name, and a
scratch copy to leave templates out of (``skip_failing_templates``)."""

from __future__ import annotations

import os
import posixpath
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from koku_gap.model.errors import InputError
from koku_gap.sources.helm.archive import archive_chart_yaml, unpack
from koku_gap.yaml.loader import LDict, parse_stream, read_text


def chart_name(path: Path) -> str:
    """The ``name`` in a chart directory's or archive's Chart.yaml."""
    label = str(path)
    if path.is_dir():
        chart_yaml = path / "Chart.yaml"
        if not chart_yaml.is_file():
            raise InputError(label, None, "not a Helm chart: the directory has no Chart.yaml")
        name = _name_in(read_text(chart_yaml), str(chart_yaml))
    else:
        name = _name_in(archive_chart_yaml(path), f"{label}:Chart.yaml")
    if not name:
        raise InputError(label, None, "Chart.yaml has no name")
    return name


MAX_CHART_ENTRIES = 100_000  # files and directories walked looking for links: a chart has hundreds


def refuse_outside_links(chart: Path) -> None:
    """A chart is a stranger's data (a pull request's): Helm's loader follows symbolic links, so one to
    ``/proc/self/environ``, ``~/.ssh`` or ``/dev/zero`` would put the CI machine's files into the
    report or never end. Every link of the directory is resolved, without following any while
    walking, and one that leads outside the chart (or nowhere) is refused, named by its path in the
    chart, before any engine reads it. Links within the chart are Helm's to follow."""
    root = os.path.realpath(chart)
    seen = 0
    for directory, dirs, files in os.walk(chart, followlinks=False):
        for name in (*dirs, *files):
            seen += 1
            if seen > MAX_CHART_ENTRIES:
                raise InputError(str(chart), None, f"the chart holds more than {MAX_CHART_ENTRIES} entries")
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                continue
            target = os.path.realpath(path)
            inside = os.path.commonpath([root, target]) == root and os.path.exists(target)
            if not inside:
                raise InputError(
                    path,
                    None,
                    "a symbolic link that leads outside the chart (or nowhere): refused, since Helm would "
                    "read what it points to into the rendered chart",
                )


def is_partial(template: str) -> bool:
    """A helper template (``_helpers.tpl``): included by others, never rendered on its own."""
    return posixpath.basename(template).startswith("_")


def _name_in(text: str, file: str) -> str:
    stream = parse_stream(text, file)
    first = stream.documents[0].value if stream.documents else None
    if not isinstance(first, LDict):
        raise InputError(file, None, "Chart.yaml is not a mapping")
    name = first.get("name")
    return str(name) if name is not None else ""


def template_file(chart: Path, template: str) -> Path | None:
    """The file a template name points at in a chart directory, when subcharts sit in dirs named like them."""
    if not chart.is_dir():
        return None
    parts = template.split("/")[1:]
    directory = chart
    while len(parts) > 2 and parts[0] == "charts":
        directory = directory / "charts" / parts[1]
        parts = parts[2:]
    candidate = directory.joinpath(*parts) if parts else None
    return candidate if candidate is not None and candidate.is_file() else None


@dataclass
class WorkingCopy:
    """A scratch copy of a chart (a directory, archives unpacked where needed) to delete templates from."""

    source: Path
    scratch: Path
    root: Path = field(init=False)

    def __post_init__(self) -> None:
        label = str(self.source)
        try:
            if self.source.is_dir():
                self.root = self.scratch / "chart"
                shutil.copytree(
                    self.source, self.root, symlinks=True
                )  # links were checked: copy, never follow
            else:
                self.root = unpack(self.source, self.scratch / "chart")
        except (OSError, shutil.Error) as exc:
            raise InputError(label, None, f"cannot copy the chart to leave templates out: {exc}") from None

    def remove(self, template: str) -> None:
        """Delete the file behind a template name (``<chart>/[charts/<sub>/]*templates/<path>``)."""
        parts = template.split("/")[1:]
        directory = self.root
        while len(parts) > 2 and parts[0] == "charts":
            directory = self._subchart(directory, parts[1], template)
            parts = parts[2:]
        target = directory.joinpath(*parts)
        if not parts or not target.is_file():
            raise InputError(
                str(self.source), None, f"cannot find template {template} in the chart to leave it out"
            )
        target.unlink()

    def _subchart(self, chart: Path, name: str, template: str) -> Path:
        """The directory of subchart ``name`` (its Chart.yaml name, or a dependency alias) of ``chart``."""
        charts = chart / "charts"
        wanted = {name}
        chart_yaml = chart / "Chart.yaml"
        if chart_yaml.is_file():
            stream = parse_stream(read_text(chart_yaml), str(chart_yaml))
            top = stream.documents[0].value if stream.documents else None
            dependencies = top.get("dependencies") if isinstance(top, LDict) else None
            for dependency in dependencies if isinstance(dependencies, list) else []:
                if (
                    isinstance(dependency, dict)
                    and dependency.get("alias") == name
                    and dependency.get("name")
                ):
                    wanted.add(str(dependency["name"]))
        entries = sorted(charts.iterdir(), key=lambda e: e.name != name) if charts.is_dir() else []
        for entry in entries:
            if entry.is_dir() and (entry / "Chart.yaml").is_file():
                if _name_in(read_text(entry / "Chart.yaml"), str(entry / "Chart.yaml")) in wanted:
                    return entry
            elif (
                entry.is_file()
                and entry.name.endswith(".tgz")
                and _name_in(archive_chart_yaml(entry), f"{entry}:Chart.yaml") in wanted
            ):
                unpacked = unpack(entry, charts / f".{entry.name}.unpacked")
                destination = charts / f"{entry.name[: -len('.tgz')]}.koku-gap"
                unpacked.rename(destination)
                shutil.rmtree(charts / f".{entry.name}.unpacked")
                entry.unlink()
                return destination
        raise InputError(
            str(self.source), None, f"cannot find subchart {name} of template {template} to leave it out"
        )
