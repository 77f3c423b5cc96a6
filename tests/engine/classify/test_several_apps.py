"""Several ClowdApps against one chart (issue 14): a dependency whose own ClowdApp is passed is compared
component by component, not "bundled"; the platform table says who provides a dependency as its rows do;
each app gets its summary; ``app=`` keeps one app's rows while matching still sees every app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from koku_gap.api import analyze
from koku_gap.cli import main
from koku_gap.model.errors import UsageError
from tests.engine.match.test_identity import GUNICORN, public
from tests.helpers.engine import celery, chart_row, clowdapp, deployment, manifests, row, run, workload, write

SHOP = clowdapp(
    "shop",
    deployments=[
        public("storefront", image="quay.io/acme/shop:1", command=GUNICORN),
        deployment("worker", image="quay.io/acme/shop:1", command=celery("orders")),
    ],
    dependencies=["ledger"],
)
LEDGER = clowdapp("ledger", deployments=[public("service", image="quay.io/acme/ledger:1", command=GUNICORN)])
CHART = manifests(
    workload("rel-shop-api", image="quay.io/onprem/shop:2", command=GUNICORN),
    workload("rel-shop-worker", image="quay.io/onprem/shop:2", command=celery("orders")),
    workload("rel-ledger", image="quay.io/onprem/ledger-go:2", command=GUNICORN),
)


def test_a_dependency_not_passed_is_bundled_and_the_platform_table_says_by_whom(tmp_path: Path) -> None:
    report = run(tmp_path, SHOP, CHART)
    bundled = chart_row(report, "rel-ledger")
    assert bundled.status == "better"
    assert bundled.reasons[0].startswith("bundles ledger, a ClowdApp dependency the platform provides")
    [dependency] = [p for p in report.platform if p.kind == "dependency"]
    assert (dependency.name, dependency.provided_by) == ("ledger", ["rel-ledger"])


def test_a_dependency_passed_as_a_clowdapp_is_compared_like_any_other(tmp_path: Path) -> None:
    report = run(tmp_path, [SHOP, LEDGER], CHART)
    played = row(report, "service", app="ledger")
    assert (played.status, played.chart) == ("match", ["rel-ledger"])
    assert not [r for r in report.rows if r.clowdapp is None]  # no better/extra row left for rel-ledger
    [dependency] = [p for p in report.platform if p.kind == "dependency"]
    assert dependency.provided_by == ["rel-ledger"]  # what plays the passed app's components


def test_a_passed_dependency_the_chart_does_not_deploy_is_provided_by_nothing(tmp_path: Path) -> None:
    chart = manifests(
        workload("rel-shop-api", image="quay.io/onprem/shop:2", command=GUNICORN),
        workload("rel-shop-worker", image="quay.io/onprem/shop:2", command=celery("orders")),
    )
    report = run(tmp_path, [SHOP, LEDGER], chart)
    assert row(report, "service", app="ledger").status == "missing"
    [dependency] = [p for p in report.platform if p.kind == "dependency"]
    assert dependency.provided_by == []


def test_each_app_gets_its_summary_with_its_worst_gap(tmp_path: Path) -> None:
    chart = manifests(workload("rel-shop-api", image="quay.io/onprem/shop:2", command=GUNICORN))
    report = run(tmp_path, [SHOP, LEDGER], chart)
    shop, ledger = report.summary.apps
    assert (shop.app, shop.clowdapp_components, shop.gaps, shop.highest_priority) == ("shop", 2, 1, "P0")
    assert shop.worst is not None and (shop.worst.clowdapp, shop.worst.priority) == ("worker", "P0")
    assert (ledger.app, ledger.gaps, ledger.highest_priority) == ("ledger", 1, "P1")
    assert ledger.worst is not None and ledger.worst.id == "ledger/service"
    assert "apps" in report.to_dict()["summary"]


def test_one_apps_report_writes_no_per_app_summary(tmp_path: Path) -> None:
    report = run(tmp_path, SHOP, CHART)
    assert report.summary.apps == []
    assert "apps" not in report.to_dict()["summary"]  # single-app JSON stays as it was


def _files(tmp_path: Path) -> tuple[list[Path], Path]:
    return [write(tmp_path, "shop.yaml", SHOP), write(tmp_path, "ledger.yaml", LEDGER)], write(
        tmp_path, "chart.yaml", CHART
    )


def test_one_app_of_several_keeps_its_rows_and_the_others_claims(tmp_path: Path) -> None:
    apps, chart = _files(tmp_path)
    report = analyze(apps, chart, app="shop")
    assert [r.id for r in report.rows] == ["shop/storefront", "shop/worker"]
    # ledger's component still claims rel-ledger: matching saw it, so no row calls it bundled or extra
    assert [p.name for p in report.platform if p.kind == "dependency"] == ["ledger"]
    assert report.platform[0].provided_by == ["rel-ledger"]
    assert report.summary.clowdapp_components == 2
    assert [a.app for a in report.summary.apps] == ["shop", "ledger"]


def test_an_unknown_app_is_refused_naming_the_apps(tmp_path: Path) -> None:
    apps, chart = _files(tmp_path)
    with pytest.raises(
        UsageError, match=r"app=\.\.\.: no ClowdApp app is named 'nope'; the ClowdApps hold: shop, ledger"
    ):
        analyze(apps, chart, app="nope")


def test_the_cli_app_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    apps, chart = _files(tmp_path)
    argv = [*(a for p in apps for a in ("--clowdapp", str(p))), "--manifests", str(chart), "--format", "json"]
    assert main([*argv, "--app", "ledger", "--fail-on", "none"]) == 0
    out, _ = capsys.readouterr()
    assert [r["id"] for r in json.loads(out)["rows"]] == ["ledger/service"]
    assert main([*argv, "--app", "nope"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert "--app: no ClowdApp app is named 'nope'; the ClowdApps hold: shop, ledger" in err


def test_one_apps_baseline_leaves_the_other_apps_recorded_gaps_unjudged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # recorded with both apps: shop's worker and ledger's service are gaps; judged with --app shop,
    # ledger's gap is out of view: neither fixed nor known
    apps = [write(tmp_path, "shop.yaml", SHOP), write(tmp_path, "ledger.yaml", LEDGER)]
    chart = write(
        tmp_path,
        "chart.yaml",
        manifests(workload("rel-shop-api", image="quay.io/onprem/shop:2", command=GUNICORN)),
    )
    argv = [*(a for p in apps for a in ("--clowdapp", str(p))), "--manifests", str(chart), "--format", "json"]
    baseline = tmp_path / "baseline.json"
    assert main([*argv, "--write-baseline", str(baseline), "--fail-on", "none"]) == 0
    capsys.readouterr()
    assert main([*argv, "--baseline", str(baseline), "--app", "shop"]) == 0
    result = json.loads(capsys.readouterr().out)["baseline"]
    assert (result["known"], result["fixed"]) == (["shop/worker"], [])
