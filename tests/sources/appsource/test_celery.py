from __future__ import annotations

import textwrap
from pathlib import Path

from koku_gap.model.evidence import AppSource
from koku_gap.sources.appsource import load_app_source


def test_tasks_with_given_and_derived_names(shop: AppSource) -> None:
    names = {t.function: (t.name, t.name_given, t.bind) for t in shop.tasks}
    assert names["refresh_prices"] == ("orders.refresh", True, True)
    assert names["sync_partners"] == ("orders.tasks.sync_partners", False, False)  # as Celery derives it
    bare = next(t for t in shop.tasks if t.function == "sync_partners")
    assert bare.queue is None and bare.place.ref.text == "@app.task"
    assert len(shop.tasks) == 6  # the test module's sends are not read


def test_the_app_what_it_includes_and_discovers(shop: AppSource) -> None:
    (app,) = shop.apps
    assert (app.variable, app.main, app.include) == ("app", "shop", ("orders.tasks",))
    assert app.config_from_object == ("django.conf:settings",)
    assert [p.ref.text for p in app.autodiscover] == ["app.autodiscover_tasks()"]
    assert app.autodiscover_packages == ()  # none given: Celery reads INSTALLED_APPS


def test_task_routes_in_settings_as_dict_and_as_string(shop: AppSource) -> None:
    routes = {r.pattern: sorted(r.queue.known) for r in shop.task_routes}
    assert routes == {"orders.tasks.archive": ["archive"], "orders.tasks.*": ["orders"]}


def test_routing_sites_of_every_kind(shop: AppSource) -> None:
    sites = [(r.kind, r.task, sorted(r.queue.known) if r.queue else None) for r in shop.routing]
    assert ("set", "orders.refresh", ["refresh", "refresh_penalty", "refresh_xl"]) in sites
    assert ("apply_async", "orders.tasks.notify", ["orders", "orders_xl"]) in sites
    assert ("delay", "orders.tasks.archive", None) in sites
    assert ("send_task", "orders.tasks.archive", ["priority"]) in sites
    assert ("signature", "orders.tasks.notify", ["adhoc"]) in sites
    refresh = next(r for r in shop.routing if r.task == "orders.refresh")
    assert refresh.place.function == "place_order" and refresh.place.module == "orders.tasks"
    # x.s().set(queue=).apply_async(): one site, the one that names the queue
    assert [r.kind for r in shop.routing if r.place.ref.line == refresh.place.ref.line] == ["set"]
    assert shop.senders_of("orders.refresh") == (refresh,)
    assert [t.name for t in shop.tasks_on_queue("refresh")] == ["orders.refresh"]


def test_beats_with_their_schedule_and_the_ifs_guarding_them(shop: AppSource) -> None:
    beats = {b.key: b for b in shop.beats}
    assert set(beats) == {"sync-partners", "send-reminders", "refresh-prices", "nightly-archive"}
    reminders = beats["send-reminders"]
    assert reminders.task is not None and reminders.task.known == {"orders.tasks.send_reminders"}
    assert reminders.schedule == 'crontab(minute="*/15")'
    assert [(g.condition, g.negated, g.env) for g in reminders.guards] == [
        ("SEND_REMINDERS", False, ("SEND_REMINDERS",)),
        ("not settings.ONPREM", False, ("ONPREM",)),
    ]
    refresh = beats["refresh-prices"]  # an entry defined in a constant and assigned by name
    assert refresh.task is not None and refresh.task.known == {"orders.tasks.refresh_prices"}
    assert refresh.schedule == "timedelta(minutes=30)" and refresh.guards == ()
    assert (
        beats["nightly-archive"].schedule == "86400"
        and beats["nightly-archive"].place.module == "shop.settings"
    )


def test_a_beat_registered_in_a_helper_names_its_early_return_and_its_callers(shop: AppSource) -> None:
    partners = next(b for b in shop.beats if b.key == "sync-partners")
    assert [(g.condition, g.negated) for g in partners.guards] == [("onprem", True)]
    (caller,) = partners.registered_by
    assert caller.place.ref.text == "register_saas_beats(app.conf.beat_schedule, onprem=settings.ONPREM)"
    assert dict(caller.bindings) == {"beat_schedule": "app.conf.beat_schedule", "onprem": "settings.ONPREM"}


def test_conf_update_forms_subclassed_apps_and_literal_packages(tmp_path: Path) -> None:
    (tmp_path / "proj.py").write_text(
        textwrap.dedent(
            """
            from celery import Celery
            from celery.schedules import crontab

            class LoggingCelery(Celery):
                pass

            worker = LoggingCelery("proj")
            worker.autodiscover_tasks(["billing", "mail"])
            worker.conf.task_routes = {"billing.*": {"queue": "billing"}}
            TICK = {"tick": {"task": "t.tick", "schedule": 5}}
            worker.conf.update(task_routes={"mail.send": "mail"}, beat_schedule=TICK)
            worker.conf.beat_schedule.update({"tock": {"task": "t.tock", "schedule": crontab()}})
            """
        )
    )
    source = load_app_source(tmp_path, cache=False)
    (app,) = source.apps
    assert (app.variable, app.main, app.autodiscover_packages) == ("worker", "proj", ("billing", "mail"))
    assert {r.pattern: sorted(r.queue.known) for r in source.task_routes} == {
        "billing.*": ["billing"],
        "mail.send": ["mail"],
    }
    assert {b.key: (sorted(b.task.known) if b.task else None, b.schedule) for b in source.beats} == {
        "tick": (["t.tick"], "5"),
        "tock": (["t.tock"], "crontab()"),
    }


def test_a_schedule_written_in_another_module_is_cited_where_it_is_written(tmp_path: Path) -> None:
    (tmp_path / "schedules.py").write_text(
        '\nBEATS = {\n    "nightly": {"task": "jobs.nightly", "schedule": 3600},\n}\n'
    )
    (tmp_path / "worker.py").write_text(
        "from celery import Celery\nfrom schedules import BEATS\n\napp = Celery('w')\n"
        "def configure(hosted):\n    if hosted:\n        app.conf.beat_schedule = BEATS\n"
    )
    (beat,) = load_app_source(tmp_path, cache=False).beats
    assert (beat.key, beat.place.ref.file, beat.place.ref.line, beat.place.module) == (
        "nightly",
        "schedules.py",
        3,
        "schedules",
    )
    assert beat.place.function is None and [g.condition for g in beat.guards] == ["hosted"]


def test_the_default_queue_an_app_sets_in_settings_config_or_update(tmp_path: Path) -> None:
    package = tmp_path / "svc"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(
        'CELERY_TASK_DEFAULT_QUEUE = "work"\nDEFAULT_QUEUE = "not-celery-s"\n'
    )
    (package / "celery.py").write_text(
        textwrap.dedent(
            """\
            from celery import Celery

            LOW = "low"
            app = Celery("svc")
            app.conf.task_default_queue = LOW
            app.conf.update(task_default_queue="bulk")
            """
        )
    )
    found = load_app_source(tmp_path, cache=False).default_queues
    assert [(sorted(d.queue.known), d.place.ref.file, d.place.ref.line) for d in found] == [
        (["low"], "svc/celery.py", 5),
        (["bulk"], "svc/celery.py", 6),
        (["work"], "svc/settings.py", 1),
    ]


def test_the_modules_a_celery_process_imports_at_start_each_setting_with_its_line(tmp_path: Path) -> None:
    """``CELERY_IMPORTS`` (Django's settings), ``imports`` of a config module, ``app.conf.include`` and
    ``conf.update(imports=...)``; a bare ``imports`` of any other module is only a variable."""
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "__init__.py").write_text("")
    (tmp_path / "proj" / "settings.py").write_text(
        'import os\nCELERY_IMPORTS = ("proj.a",)\nif os.getenv("EXTRA"):\n    CELERY_IMPORTS += ("proj.b",)\n'
    )
    (tmp_path / "proj" / "celeryconfig.py").write_text('imports = ["proj.c"]\n')
    (tmp_path / "proj" / "other.py").write_text('imports = ["proj.d"]\n')
    (tmp_path / "proj" / "celery.py").write_text(
        "from celery import Celery\n\napp = Celery('proj')\napp.config_from_object('proj.celeryconfig')\n"
        "app.conf.include = ['proj.e']\napp.conf.update(imports=['proj.f'])\n"
    )
    found = load_app_source(tmp_path, cache=False).task_imports
    assert [(i.setting, [v.value for v in i.modules], [g.condition for g in i.guards]) for i in found] == [
        ("app.conf.include", ["proj.e"], []),
        ("app.conf.imports", ["proj.f"], []),
        ("imports", ["proj.c"], []),
        ("CELERY_IMPORTS", ["proj.a"], []),
        ("CELERY_IMPORTS", ["proj.b"], ['os.getenv("EXTRA")']),
    ]
    assert [str(v.ref) for i in found for v in i.modules][-2:] == ["proj/settings.py:2", "proj/settings.py:4"]


def test_a_routing_helper_s_choices_each_member_with_its_ifs_and_the_call_s_arguments() -> None:
    """relay/exports.py: ``.set(queue=export_queue(account))``; export_queue assigns ``queue`` the
    default "export", then "export_fast" under a flag, then "export_bulk" under ``elif bulk:``."""
    from tests.helpers.appsource import paths_source

    (site,) = [r for r in paths_source().routing if r.task == "relay.tasks.export"]
    choices = site.choices
    assert choices is not None and choices.last_wins
    assert (choices.helper.function, str(choices.call.place.ref)) == ("export_queue", "relay/exports.py:7")
    assert choices.call.bindings == (("account", "account"),) and choices.defaults == (("bulk", "False"),)
    assert choices.caller_locals == ("account",) and "queue" in choices.locals
    assert [(m.queues, [(g.condition, g.negated) for g in m.when]) for m in choices.members] == [
        (("export",), []),
        (("export_fast",), [("is_priority_account(account)", False)]),
        (("export_bulk",), [("is_priority_account(account)", True), ("bulk", False)]),
    ]


def test_a_helper_returning_its_choice_and_helpers_the_reader_does_not_split(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "from celery import shared_task\n\n\n@shared_task\ndef job():\n    pass\n\n\n"
        "def by_return(big):\n    if big:\n        return 'large'\n    return 'small'\n\n\n"
        "def looped(n):\n    q = 'a'\n    for _ in range(n):\n        q = 'b'\n    return q\n\n\n"
        "def added(n):\n    q = 'a'\n    q += '_x'\n    return q\n\n\n"
        "def run(n):\n    job.s().set(queue=by_return(n > 3)).apply_async()\n"
        "    job.s().set(queue=looped(n)).apply_async()\n    job.s().set(queue=added(n)).apply_async()\n"
    )
    sites = load_app_source(tmp_path, cache=False).routing
    first, loop, aug = sites
    assert first.choices is not None and not first.choices.last_wins
    assert [(m.queues, [g.condition for g in m.when]) for m in first.choices.members] == [
        (("large",), ["big"]), (("small",), ["big"])
    ]  # fmt: skip
    assert first.choices.call.bindings == (("big", "n > 3"),)
    assert loop.choices is None and aug.choices is None  # a loop or a += : no single assignment per member


def test_settings_are_found_by_their_last_name_whatever_the_target_looks_like(tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text(
        textwrap.dedent(
            """\
            ROUTES = {"a.*": "one"}
            CELERY_TASK_ROUTES = ROUTES
            app.conf.Task_Routes = {"b.*": "two"}
            MORE = {"c.*": "three"}
            unrelated, my_celery_routes = MORE  # the text of the target ends in a routes name
            app.conf["task_routes"] = {"d.*": "never"}
            queue = x = BEAT = 1
            celery_default_queue = other = "dq"
            s.beat_schedule["k"] = {"task": "t", "schedule": 5}
            """
        )
    )
    source = load_app_source(tmp_path, cache=False)
    assert [(r.pattern, sorted(r.queue.known)) for r in source.task_routes] == [
        ("a.*", ["one"]),
        ("b.*", ["two"]),
        ("c.*", ["three"]),
    ]
    assert [sorted(d.queue.known) for d in source.default_queues] == [["dq"]]
    assert [b.key for b in source.beats] == ["k"]
