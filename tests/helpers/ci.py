"""One small ClowdApp and chart with a gap of each kind the CI tests need, written into ``tmp_path``.

Against the chart the ClowdApp has (by the default policy):

- ``api``           match (the chart's gunicorn API)
- ``listener``      missing, P0, missing-kafka-consumer (unless ``listener=True``)
- ``worker-fast``   match (queue ``fast``)
- ``worker-xl``     missing, P0, uncovered-celery-queue (queues ``fast_xl``, ``slow_xl``)
- ``clowder-sync``  missing, P1, missing-web-api (no chart API sets SYNC=true)
- ``db-migrate``    partial, P2, post-install-migration (the chart migrates in a post-install hook)
- ``mgmt``          optional, P3, missing-ad-hoc-command
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from koku_gap.cli import main
from tests.helpers.engine import (
    celery,
    clowdapp,
    deployment,
    job,
    manage,
    manifests,
    service,
    workload,
    write,
)

EXPECTED = {
    "listener": ("missing", "P0", "missing-kafka-consumer"),
    "worker-xl": ("missing", "P0", "uncovered-celery-queue"),
    "clowder-sync": ("missing", "P1", "missing-web-api"),
    "db-migrate": ("partial", "P2", "post-install-migration"),
    "mgmt": ("optional", "P3", "missing-ad-hoc-command"),
}


def scenario_clowdapp() -> str:
    return clowdapp(
        deployments=[
            deployment("api", web="public"),
            deployment("listener", command=manage("listener")),
            deployment("worker-fast", command=celery("fast")),
            deployment("worker-xl", command=celery("fast_xl,slow_xl")),
            deployment("clowder-sync", web="private", env={"SYNC": "true"}),
        ],
        jobs=[
            job("db-migrate", command=manage("migrate --noinput")),
            job("mgmt", command=["/bin/bash", "-c", "${MGMT_COMMAND}"]),
        ],
        invoked=["db-migrate", "mgmt"],
        parameters={"ENV_NAME": "env", "MGMT_COMMAND": "python manage.py check"},
    )


def scenario_chart(*, listener: bool = False) -> str:
    objects: list[dict[str, Any]] = [
        workload("rel-shop-api", command=["gunicorn", "shop.wsgi"], http=True),
        service("rel-shop-api", "rel-shop-api"),
        workload("rel-shop-worker", command=celery("fast")),
        workload("rel-shop-migrate", kind="Job", hook="post-install", command=manage("migrate --noinput")),
    ]
    if listener:
        objects.append(workload("rel-shop-listener", command=manage("listener")))
    return manifests(*objects)


def scenario(tmp_path: Path, *, listener: bool = False) -> tuple[Path, Path]:
    """The ClowdApp and the rendered chart, as files (relative names keep SARIF paths relative)."""
    return (
        write(tmp_path, "clowdapp.yaml", scenario_clowdapp()),
        write(tmp_path, "rendered.yaml", scenario_chart(listener=listener)),
    )


def scenario_argv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The scenario, run from its directory with relative paths, as CI runs from the checkout."""
    scenario(tmp_path)
    monkeypatch.chdir(tmp_path)
    return ["--clowdapp", "clowdapp.yaml", "--manifests", "rendered.yaml"]


def args(app: Path, chart: Path, *extra: str) -> list[str]:
    return ["--clowdapp", str(app), "--manifests", str(chart), *extra]


def run_json(argv: list[str], capsys: Any) -> tuple[int, dict[str, Any]]:
    """Run the CLI with --format json; the exit code and the parsed report."""
    code = main([*argv, "--format", "json"])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def rows_by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["clowdapp"]: r for r in report["rows"] if r["clowdapp"]}
