"""Which modules ``celery -A X worker|beat`` has loaded once started (``startup.celery_startup``): the
loaded ones decide where a beat's task lands, the possible ones give both answers."""

from __future__ import annotations

import textwrap
from pathlib import Path

from koku_gap.model.evidence import AppSource
from koku_gap.sources.appsource import load_app_source
from koku_gap.sources.appsource.startup import celery_startup
from tests.helpers.appsource import paths_source


def tree(root: Path, files: dict[str, str]) -> AppSource:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_app_source(root, cache=False)


PLAIN_CELERY = {  # no Django: only -A, its imports and include= load anything
    "proj/__init__.py": "from proj import signals\n",
    "proj/signals.py": "",
    "proj/celery.py": """\
        from celery import Celery

        app = Celery("proj", include=["proj.tasks"])
        app.autodiscover_tasks()
    """,
    "proj/tasks.py": "from proj.celery import app\n",
    "proj/settings.py": "DEBUG = True\n",
    "billing/__init__.py": "",
    "billing/tasks.py": "from proj.celery import app\n",
}


def test_autodiscovered_tasks_are_loaded_a_function_level_import_only_possible(queues: AppSource) -> None:
    startup = celery_startup(queues, "depot")
    assert {"depot", "depot.celery", "depot.settings", "ledger.tasks", "common.queues"} <= startup.loaded
    # imported only inside the worker_process_init hook: loaded in a worker, maybe, never at start-up
    assert "jobs.celery.tasks" not in startup.loaded
    assert "jobs.celery.tasks" in startup.possible
    assert startup.imported_in(queues, "jobs.celery.tasks") == ["depot.celery"]
    # imported only by a management command, which a Celery process never runs
    assert "jobs.batch" not in startup.possible
    assert startup.loaded <= startup.possible


def test_each_root_says_why_the_process_loads_it(queues: AppSource) -> None:
    assert celery_startup(queues, "depot").roots == {
        "depot": "celery -A depot",
        "depot.celery": "celery -A depot",  # Celery tries the package's celery module too
        "depot.settings": "Django's settings",
        "ledger": "an installed app (django.setup())",
        "jobs": "an installed app (django.setup())",  # jobs/tasks.py does not exist: nothing discovered
        "ledger.tasks": "autodiscover_tasks() (depot/celery.py:8)",
    }


def test_the_app_module_named_directly_or_found_as_the_tree_s_only_app(queues: AppSource) -> None:
    by_package = celery_startup(queues, "depot")
    by_module = celery_startup(queues, "depot.celery")
    by_default = celery_startup(queues, None)
    assert by_module.roots["depot.celery"] == "celery -A depot.celery" and "depot" not in by_module.roots
    assert by_default.roots["depot.celery"] == "the Celery application"
    assert by_package.loaded == by_module.loaded == by_default.loaded  # depot/__init__ only imports .celery
    assert by_package.app == by_module.app == by_default.app and by_package.app is not None


def test_without_django_only_the_app_its_imports_and_include_load(tmp_path: Path) -> None:
    source = tree(tmp_path, PLAIN_CELERY)
    startup = celery_startup(source, "proj.celery")
    assert startup.roots == {
        "proj.celery": "celery -A proj.celery",
        "proj.tasks": "include= of app (proj/celery.py:3)",
    }
    # no INSTALLED_APPS, no config_from_object("django..."): autodiscover_tasks() finds nothing
    assert "billing.tasks" not in startup.loaded and "proj.settings" not in startup.loaded


def test_importing_the_app_module_runs_its_package_first(tmp_path: Path) -> None:
    files = dict(PLAIN_CELERY)  # no include=, so no task module imports proj.celery on the way
    files["proj/celery.py"] = 'from celery import Celery\n\napp = Celery("proj")\n'
    startup = celery_startup(tree(tmp_path, files), "proj.celery")
    assert {"proj", "proj.signals"} <= startup.loaded  # import proj.celery runs proj/__init__.py


def test_an_include_naming_no_module_of_the_tree_is_no_root(tmp_path: Path) -> None:
    files = dict(PLAIN_CELERY)
    files["proj/celery.py"] = 'from celery import Celery\n\napp = Celery("proj", include=["gone.tasks"])\n'
    startup = celery_startup(tree(tmp_path, files), "proj")
    assert "gone.tasks" not in startup.roots and "proj.tasks" not in startup.loaded


def test_celery_imports_are_loaded_at_start_a_guarded_one_as_its_if_decides() -> None:
    """fixtures/appsource/paths: ``CELERY_IMPORTS = ["relay.jobs"]`` and, under ``if HOSTED:``,
    ``CELERY_IMPORTS += ["relay.hosted_jobs"]`` (relay/settings.py): Celery's loader imports them in
    ``init_worker``, which ``celery beat`` runs too."""
    source = paths_source()
    startup = celery_startup(source, "relay")
    assert "relay.jobs" in startup.loaded and startup.roots["relay.jobs"].startswith(
        "CELERY_IMPORTS (relay/settings.py:"
    )
    assert "relay.hosted_jobs" not in startup.loaded and "relay.hosted_jobs" in startup.possible
    assert startup.maybe["relay.hosted_jobs"].endswith("under `HOSTED`")
    held = celery_startup(source, "relay", lambda imports: bool(imports.guards))
    assert "relay.hosted_jobs" in held.loaded and held.roots["relay.hosted_jobs"].endswith(", which holds")
    failed = celery_startup(source, "relay", lambda imports: not imports.guards)
    assert "relay.hosted_jobs" not in failed.possible
    assert failed.skipped["relay.hosted_jobs"].endswith("under `HOSTED` does not hold")


def test_an_imports_setting_the_files_cannot_pin_makes_every_module_possible(tmp_path: Path) -> None:
    source = tree(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/celery.py": "import os\nfrom celery import Celery\n\napp = Celery('proj')\n"
            "app.conf.imports = [os.environ['TASKS']]\n",
            "proj/jobs.py": "",
        },
    )
    startup = celery_startup(source, "proj")
    assert "proj.jobs" not in startup.loaded and "proj.jobs" in startup.possible
    assert startup.maybe["proj.jobs"].endswith("whose modules the files do not pin")
