"""A report of several apps opens with each app's share (issue 14): the terminal's summary lines and the
Markdown executive summary's table; one app's report has neither (its summary is the app's)."""

from __future__ import annotations

from pathlib import Path

from koku_gap.report import RenderOptions, render
from tests.helpers.engine import celery, clowdapp, deployment, manage, manifests, run, workload


def _two_apps(tmp_path: Path):  # type: ignore[no-untyped-def]
    shop = clowdapp("shop", deployments=[deployment("worker", command=celery("orders"))])
    billing = clowdapp("billing", deployments=[deployment("listener", command=manage("listener"))])
    chart = manifests(workload("rel-worker", command=celery("orders")))
    return run(tmp_path, [shop, billing], chart)


def test_the_terminal_lists_each_app_with_its_worst_gap(tmp_path: Path) -> None:
    text = render(_two_apps(tmp_path), "terminal", RenderOptions(fail_on="none"))
    lines = text.splitlines()
    assert "app billing: 1 component, 1 P0; worst: listener (P0 missing)" in lines
    assert "app shop: 1 component, no gaps" in lines


def test_the_markdown_summary_has_an_apps_table(tmp_path: Path) -> None:
    text = render(_two_apps(tmp_path), "markdown", RenderOptions(fail_on="none"))
    assert "| App | Components | P0 | P1 | P2 | P3 | Worst gap |" in text
    assert "| `billing` | 1 | 1 | 0 | 0 | 0 | `listener` (P0 missing) |" in text
    assert "| `shop` | 1 | 0 | 0 | 0 | 0 | — |" in text


def test_one_apps_report_has_no_apps_table(tmp_path: Path) -> None:
    shop = clowdapp("shop", deployments=[deployment("worker", command=celery("orders"))])
    report = run(tmp_path, shop, manifests(workload("rel-worker", command=celery("orders"))))
    assert "| App |" not in render(report, "markdown", RenderOptions(fail_on="none"))
    assert not any(line.startswith("app ") for line in render(report, "terminal").splitlines())
