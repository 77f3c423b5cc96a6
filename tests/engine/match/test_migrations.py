"""Where a chart runs the migrations: the main container before it starts (``via: container``), and a
post-install hook that lives in another chart than the app's workloads (match.py, classify.py)."""

from __future__ import annotations

from pathlib import Path

from koku_gap.api import analyze
from tests.helpers.engine import GUNICORN, clowdapp, deployment, job, manage, manifests, row, run, workload

# a main container that migrates, then serves: the last command is its role, the migration is in `also`
GUNICORN_SCRIPT = ["/bin/bash", "-c", "python manage.py migrate --noinput\nexec gunicorn shop.wsgi\n"]


def _app() -> str:
    return clowdapp(
        deployments=[deployment("api", web="public", command=GUNICORN)],
        jobs=[job("db-migrate", command=manage("migrate"))],
        invoked=["db-migrate"],
    )


def test_a_main_container_that_migrates_first_plays_the_migration_via_container(tmp_path: Path) -> None:
    chart = manifests(workload("rel-api", command=GUNICORN_SCRIPT, http=True))
    report = run(tmp_path, _app(), chart)
    migrate = row(report, "db-migrate")
    assert (migrate.status, migrate.chart) == ("match", ["rel-api"])
    target = migrate.targets[0]
    assert (target.via, target.container) == ("container", "main")
    assert migrate.reasons == ["run by the main container main of rel-api, before it starts"]
    assert "rel-api runs migrations before it starts" in migrate.evidence
    api = row(report, "api")
    assert (api.chart, api.targets[0].via) == (["rel-api"], "workload")  # it still plays the API


def test_an_init_container_that_migrates_stays_via_init_container(tmp_path: Path) -> None:
    init = {"name": "run-migrations", "image": "quay.io/onprem/shop:v1", "command": manage("migrate")}
    chart = manifests(workload("rel-api", command=GUNICORN, http=True, init=[init]))
    report = run(tmp_path, _app(), chart)
    target = row(report, "db-migrate").targets[0]
    assert (target.via, target.container) == ("init-container", "run-migrations")


def _hook_report(tmp_path: Path, hook_chart: str) -> tuple[str, str | None]:
    app_chart = manifests(workload("rel-api", command=GUNICORN, http=True), chart="shop-onprem")
    hook = manifests(
        workload("rel-migrate", kind="Job", command=manage("migrate"), hook="post-install,post-upgrade"),
        chart=hook_chart,
    )
    report = run(tmp_path, _app(), [app_chart, hook])
    migrate = row(report, "db-migrate")
    assert (migrate.status, migrate.priority, migrate.chart) == ("partial", "P2", ["rel-migrate"])
    return migrate.reasons[0], migrate.action


def test_a_post_install_hook_in_another_chart_says_which_chart(tmp_path: Path) -> None:
    reason, action = _hook_report(tmp_path, "shop-infrastructure")
    assert reason == (
        "migrations run as a post-install,post-upgrade hook of chart shop-infrastructure, after the "
        "workloads start; upgrading shop-onprem alone never migrates"
    )
    assert action is not None and action.startswith(
        "move rel-migrate from chart shop-infrastructure into shop-onprem"
    )


def test_a_post_install_hook_in_the_apps_own_chart_keeps_the_plain_reason(tmp_path: Path) -> None:
    reason, action = _hook_report(tmp_path, "shop-onprem")
    assert reason == "migrations run as a post-install,post-upgrade hook, after the workloads start"
    assert action == 'annotate rel-migrate with "helm.sh/hook": pre-install,pre-upgrade'


def test_the_oldest_koku_pair_names_the_infrastructure_chart(corpus: Path) -> None:
    report = analyze(
        clowdapps=[corpus / "koku" / "clowdapp-2025-08-05-926d65f71.yaml"],
        manifests=[
            corpus / "chart" / "cost-management-onprem-2025-11-23-223a2451.yaml",
            corpus / "chart" / "cost-management-infrastructure-2025-11-23-223a2451.yaml",
        ],
        policy="koku",
    )
    migrate = next(r for r in report.rows if r.role == "migration" and r.clowdapp)
    assert (migrate.status, migrate.priority, migrate.chart) == ("partial", "P2", ["migration"])
    assert "hook of chart cost-management-infrastructure" in migrate.reasons[0]
    assert "upgrading cost-management-onprem alone never migrates" in migrate.reasons[0]
