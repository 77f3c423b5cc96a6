"""The fixture charts and the builders the Helm tests share (``fixtures/charts``)."""

from __future__ import annotations

import json
import re
import tarfile
from pathlib import Path
from typing import Any

import pytest

from koku_gap.cli import main
from tests.helpers.gate import gated, ungated

CHARTS = Path(__file__).resolve().parents[3] / "fixtures" / "charts"


SHOP = CHARTS / "shop"


APP = str(CHARTS / "clowdapp.yaml")


CLUSTER = str(CHARTS / "values-cluster.yaml")  # clusterDomain: what lookup would have found


LISTENER = str(CHARTS / "values-listener.yaml")  # listener.enabled: true


FAILING = "shop/templates/route.yaml"


def hostile_chart(root: Path, template: str, values: str = "") -> Path:
    """A one-template chart under ``root`` (``hostile/``): the template and values a hostile test feeds."""
    chart = root / "hostile"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: hostile\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text(values)
    (chart / "templates" / "cm.yaml").write_text(template)
    return chart


def sources(text: str) -> list[str]:
    """The ``# Source:`` of each document, in order."""
    return re.findall(r"^# Source: (.+)$", text, re.M)


def kinds(text: str) -> list[str]:
    return re.findall(r"^kind: (\S+)$", text, re.M)


def workloads(text: str) -> set[str]:
    return {
        name
        for kind, name in re.findall(r"^kind: (\S+)\nmetadata:\n  name: (\S+)", text, re.M)
        if kind in ("Deployment", "Job")
    }


def report_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict[str, Any]]:
    code = main([*argv, "--format", "json"])
    out, err = capsys.readouterr()
    assert ungated(err) == "" and gated(err) == (code == 1), err
    return code, json.loads(out)


def error_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err.strip()


def rows(report: dict[str, Any]) -> dict[str, str | None]:
    return {f"{row['status']}:{row['id']}": row["priority"] for row in report["rows"]}


def write_chart(root: Path, name: str, files: dict[str, str], chart_yaml: str = "") -> Path:
    """A chart directory ``root/name`` with Chart.yaml and ``files`` (paths relative to the chart)."""
    chart = root / name
    chart.mkdir(parents=True)
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n{chart_yaml}")
    for relative, text in files.items():
        path = chart / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return chart


def config_map(name: str, extra: str = "") -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n{extra}"


def package(chart: Path, destination: Path) -> Path:
    """``chart`` as a .tgz, the way `helm package` lays it out (``<name>/...``)."""
    archive = destination / f"{chart.name}-0.1.0.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(chart, arcname=chart.name)
    return archive
