"""Who sends to each queue of fixtures/appsource/queues in the pods of queues-rendered.yaml
(``engine/senders.py``): one queue per kind of sender and verdict, each sender's words naming the
lines of its chain. The chart's three pods set ONPREM="True" and nothing else."""

from __future__ import annotations

import functools
from pathlib import Path

from koku_gap.engine.conditions import PodEnv, PodValue
from koku_gap.engine.drift import env_keys
from koku_gap.engine.senders import Pod, QueueEvidence, QueueSenders, Sender, app_argument, app_pods
from koku_gap.sources.appsource import load_app_source
from koku_gap.sources.manifests import load_manifests
from tests.conftest import line_containing
from tests.helpers.appsource import (
    PATHS_APP,
    PATHS_CHART,
    QUEUES_APP,
    QUEUES_CHART,
    paths_source,
    queues_source,
)

CELERY_PY = QUEUES_APP / "depot" / "celery.py"
TASKS_PY = QUEUES_APP / "ledger" / "tasks.py"


@functools.cache
def chart_pods() -> tuple[list[Pod], list[Pod]]:
    graph = load_manifests(QUEUES_CHART)
    return app_pods(graph.components, env_keys(graph.resources))


def with_env(pod: Pod, **env: str) -> Pod:
    """The pod with its env replaced by ``env`` (all its variables known)."""
    return Pod(pod.component, PodEnv(pod.name, {k: PodValue(v) for k, v in env.items()}))


def senders(pods: list[Pod] | None = None, beats: list[Pod] | None = None) -> QueueSenders:
    chart, chart_beats = chart_pods()
    return QueueSenders(
        queues_source(), chart if pods is None else pods, chart_beats if beats is None else beats
    )


@functools.cache
def on_the_chart() -> QueueSenders:
    return senders()


def evidence(queue: str) -> QueueEvidence:
    return on_the_chart().evidence(queue)


def at(path: str, needle: str) -> str:
    """``file:line`` of the fixture line holding ``needle``, as the words cite it."""
    return f"{path}:{line_containing(QUEUES_APP / path, needle)}"


def only(found: QueueEvidence) -> Sender:
    (sender,) = found.senders
    return sender


def test_the_chart_s_pods_and_its_beat_with_the_app_it_runs() -> None:
    pods, beats = chart_pods()
    assert [p.name for p in pods] == ["rel-depot-api", "rel-depot-beat", "rel-depot-worker"]
    assert [b.name for b in beats] == ["rel-depot-beat"]
    assert app_argument(beats[0].component) == "depot"
    assert beats[0].env.values["ONPREM"].value == "True" and beats[0].env.complete


def test_an_unconditional_beat_whose_task_module_the_beat_loads_is_live_on_the_decorator_s_queue() -> None:
    found = evidence("summary")
    sender = only(found)
    assert (found.verdict, sender.kind, sender.liveness, sender.task) == (
        "live",
        "beat",
        "live",
        "ledger.tasks.rollup",
    )
    entry = at("depot/celery.py", '"rollup-daily"')
    assert sender.words == (
        f"beat entry 'rollup-daily' ({entry}) of rel-depot-beat sends "
        "ledger.tasks.rollup on schedule crontab(hour=1, minute=0) to summary: the beat process loads "
        f"ledger.tasks (autodiscover_tasks() ({at('depot/celery.py', 'app.autodiscover_tasks()')})), so the "
        f"decorator's queue= applies (summary, {at('ledger/tasks.py', '@app.task(queue=SUMMARY)')})"
    )


def test_a_beat_under_a_module_level_setting_is_live_when_the_beat_pod_s_value_holds() -> None:
    sender = only(evidence("purge"))
    assert sender.liveness == "live"
    assert sender.words.endswith(
        "; registered in rel-depot-beat: settings.RETENTION_DAYS = 90 (rel-depot-beat does not set "
        "RETENTION_DAYS: the default)"
    )
    assert at("depot/celery.py", '"purge-expired"') in sender.words


def test_the_same_beat_is_dead_when_the_beat_pod_s_value_fails_its_guard() -> None:
    _, (beat,) = chart_pods()
    found = senders(beats=[with_env(beat, RETENTION_DAYS="0")]).evidence("purge")
    assert found.verdict == "unsent"
    assert only(found).liveness == "dead"
    assert (
        "not registered in rel-depot-beat: settings.RETENTION_DAYS = 0 (RETENTION_DAYS='0'"
        in only(found).words
    )


def test_a_beat_registered_by_a_function_that_returns_early_when_its_argument_holds() -> None:
    found = evidence("remote")
    sender = only(found)
    assert (found.verdict, sender.liveness) == ("unsent", "dead")
    assert at("depot/celery.py", 'beat_schedule["sync-remote"]') in sender.words
    assert sender.words.endswith(
        "; not registered in rel-depot-beat: settings.ONPREM = True (ONPREM='True' in rel-depot-beat)"
    )
    _, (beat,) = chart_pods()
    hosted = senders(beats=[with_env(beat)]).evidence("remote")  # ONPREM unset: its default, False
    assert hosted.verdict == "live"
    assert only(hosted).words.endswith(
        "; registered in rel-depot-beat: settings.ONPREM = False "
        "(rel-depot-beat does not set ONPREM: the default)"
    )


def test_a_beat_registered_only_when_a_string_setting_is_not_blank() -> None:
    assert only(evidence("webhook")).liveness == "dead"
    assert (
        "settings.WEBHOOK_URL = '' (rel-depot-beat does not set WEBHOOK_URL: the default)"
        in only(evidence("webhook")).words
    )
    _, (beat,) = chart_pods()
    assert senders(beats=[with_env(beat, WEBHOOK_URL="  ")]).evidence("webhook").verdict == "unsent"
    assert (
        senders(beats=[with_env(beat, WEBHOOK_URL="https://hooks.example")]).evidence("webhook").verdict
        == "live"
    )


def test_a_beat_whose_task_module_the_beat_never_loads_sends_it_by_name_to_the_default_queue() -> None:
    rebuild = [s for s in evidence("celery").senders if s.task == "jobs.batch.rebuild"]
    assert [s.liveness for s in rebuild] == ["live"]
    assert rebuild[0].words.endswith(
        "to celery: the beat process never imports jobs.batch, so it sends by name: no task_routes entry "
        "matches it: Celery's default queue celery"
    )
    # the decorator's queue= (batch) applies only where jobs.batch is imported: not in the beat
    assert "jobs.batch.rebuild" not in {s.task for s in evidence("batch").senders}


def test_a_task_sent_by_name_follows_task_routes() -> None:
    found = evidence("batch")
    beat = next(s for s in found.senders if s.kind == "beat")
    assert (found.verdict, beat.task, beat.liveness) == ("live", "jobs.batch.reindex", "live")
    route = at("depot/settings.py", '"jobs.batch.reindex"')
    assert beat.words.endswith(f"so it sends by name: task_routes 'jobs.batch.reindex' ({route})")
    # send_task names no queue: Celery's router routes it by name too
    code = next(s for s in found.senders if s.kind == "code")
    assert code.liveness == "unproven"
    assert code.words.startswith(
        f"send_task of jobs.batch.reindex in reindex_soon ({at('ledger/tasks.py', 'app.send_task(')}): "
        "no queue "
        f"given, sent by name: task_routes 'jobs.batch.reindex' ({route})"
    )


def test_a_task_module_only_a_function_imports_gives_both_answers_unproven() -> None:
    export = only(evidence("export"))
    default = next(s for s in evidence("celery").senders if s.task == "jobs.celery.tasks.export_all")
    assert evidence("export").verdict == "unproven"
    assert export.liveness == default.liveness == "unproven"  # registered, but where it lands is open
    assert export.words == default.words.replace("to celery:", "to export:")
    assert (
        "the beat process loads jobs.celery.tasks only if a function of depot.celery imports it: then the "
        "decorator's queue= applies "
        f"(export, {at('jobs/celery/tasks.py', '@app.task(queue=Queue.EXPORT)')}); "
        "else it sends the task by name (no task_routes entry matches it: Celery's default queue celery)"
    ) in export.words


def test_a_site_in_a_plain_function_is_unproven_and_says_it_runs_when_called() -> None:
    found = evidence("priority")
    sender = only(found)
    assert (found.verdict, sender.kind, sender.liveness) == ("unproven", "code", "unproven")
    site = at("ledger/tasks.py", "queue=PRIORITY)")
    assert sender.words == (
        f"apply_async of ledger.tasks.notify in escalate ({site}): queue=PRIORITY can be priority "
        f'(PRIORITY -> "priority", {at("common/queues.py", "PRIORITY = ")}); '
        f"runs whenever escalate ({site}) is called"
    )


def test_a_routing_helper_s_queues_are_each_sent_to_with_the_member_it_returns() -> None:
    for queue, member in (("large", "Queue.LARGE"), ("large_xl", "Queue.LARGE_XL")):
        sender = only(evidence(queue))
        assert sender.liveness == "unproven"
        written = at("common/queues.py", f'{member.split(".")[1]} = "{queue}"')
        assert (
            f'queue=large_queue(rows) can be {queue} (large_queue(rows) -> {member} -> "{queue}", {written})'
            in sender.words
        )


def test_a_site_whose_guard_is_false_in_every_pod_is_dead_naming_each_pod() -> None:
    found = evidence("hosted")
    sender = only(found)
    assert (found.verdict, sender.liveness) == ("unsent", "dead")
    guard = at("ledger/tasks.py", "if not settings.ONPREM:")
    assert sender.words.endswith(
        f"; never runs here: its guard `not settings.ONPREM` ({guard}) is false in every pod of the app "
        "(settings.ONPREM = True (ONPREM='True' in rel-depot-api); "
        "settings.ONPREM = True (ONPREM='True' in rel-depot-beat); settings.ONPREM = True "
        "(ONPREM='True' in rel-depot-worker))"
    )
    assert at("ledger/tasks.py", "sync_hosted.delay(") in sender.words


def test_the_same_site_is_unproven_when_one_pod_lets_it_run() -> None:
    pods, beats = chart_pods()
    api = next(p for p in pods if p.name == "rel-depot-api")
    opened = [with_env(api) if p is api else p for p in pods]  # the API runs with ONPREM's default, False
    found = senders(pods=opened, beats=beats)
    assert found.evidence("hosted").verdict == "unproven"
    assert only(found.evidence("hosted")).words.endswith(
        "; runs when not settings.ONPREM whenever schedule_hosted "
        f"({at('ledger/tasks.py', 'sync_hosted.delay(')}) is called"
    )
    # and the task it sends is now alive, so the site inside it may run too
    assert only(found.evidence("followup")).liveness == "unproven"


def test_a_site_inside_a_task_only_a_dead_site_sends_is_dead_to_the_fixpoint() -> None:
    found = evidence("followup")
    sender = only(found)
    assert (found.verdict, sender.liveness) == ("unsent", "dead")
    assert sender.words == (
        "apply_async of ledger.tasks.follow_up in sync_hosted "
        f"({at('ledger/tasks.py', 'follow_up.apply_async(')}): "
        f'queue=FOLLOWUP can be followup (FOLLOWUP -> "followup", {at("common/queues.py", "FOLLOWUP = ")}); '
        "never runs here: it runs only inside task ledger.tasks.sync_hosted, which nothing deployed sends"
    )


def test_a_queue_nothing_sends_to_is_unsent_with_no_sender_and_what_was_searched() -> None:
    found = evidence("idle")
    assert (found.verdict, found.senders) == ("unsent", ())
    assert found.searched == f"11 tasks, 6 routing sites and 7 beat entries of {QUEUES_APP}"


def test_without_a_beat_pod_no_beat_sends_anything() -> None:
    pods, _ = chart_pods()
    found = senders(pods=pods, beats=[])
    assert found.evidence("summary").verdict == "unsent"
    assert found.evidence("priority").verdict == "unproven"  # code sites do not need the beat


REGISTERING_APP = """\
from celery import Celery

app = Celery("depot")


@app.task(queue="nightly")
def nightly():
    pass


def register(beat_schedule):
    beat_schedule["nightly"] = {"task": "depot.celery.nightly", "schedule": 60}

"""


def nightly_sender(root: Path, call_site: str, commands: str = "") -> Sender:
    """The one sender of queue nightly, the beat registered by ``register`` called as ``call_site``."""
    (root / "depot").mkdir()
    (root / "depot" / "__init__.py").write_text("", encoding="utf-8")
    (root / "depot" / "celery.py").write_text(REGISTERING_APP + call_site, encoding="utf-8")
    (root / "depot" / "commands.py").write_text(commands, encoding="utf-8")
    _, beats = chart_pods()
    return only(QueueSenders(load_app_source(root, cache=False), [], beats).evidence("nightly"))


def test_a_beat_registered_by_a_module_level_call_the_beat_loads_is_live(tmp_path: Path) -> None:
    assert nightly_sender(tmp_path, "register(app.conf.beat_schedule)\n").liveness == "live"


def test_a_registering_call_inside_a_function_leaves_it_unproven(tmp_path: Path) -> None:
    sender = nightly_sender(tmp_path, "def configure():\n    register(app.conf.beat_schedule)\n")
    assert sender.liveness == "unproven"
    assert sender.words.endswith(
        "; whether rel-depot-beat registers it is unknown: the registering call "
        f"(depot/celery.py:{REGISTERING_APP.count(chr(10)) + 2}) "
        "runs only when configure runs"
    )


def test_a_registering_call_in_a_module_the_beat_never_loads_registers_nothing(tmp_path: Path) -> None:
    commands = "from depot.celery import app, register\n\nregister(app.conf.beat_schedule)\n"
    sender = nightly_sender(tmp_path, "", commands)
    assert sender.liveness == "dead"
    assert sender.words.endswith(
        "; not registered in rel-depot-beat: the beat process never loads depot.commands "
        "(depot/commands.py:3)"
    )


def test_a_beat_whose_guard_reads_what_env_from_may_set_is_unproven_and_says_so() -> None:
    _, (beat,) = chart_pods()
    opaque = Pod(beat.component, PodEnv(beat.name, beat.env.values, complete=False))
    sender = only(senders(beats=[opaque]).evidence("purge"))
    assert sender.liveness == "unproven"
    assert sender.words.endswith(
        "; whether rel-depot-beat registers it is unknown: settings.RETENTION_DAYS reads RETENTION_DAYS: "
        "rel-depot-beat may set it through envFrom"
    )


def test_a_view_no_url_routes_in_any_pod_sends_nothing() -> None:
    """depot/views.audit_now sends to ``admin``, and only ``if not settings.ONPREM:`` routes a URL to it
    (depot/urls.py): with ONPREM=True in every pod, no request reaches it."""
    found = evidence("admin")
    sender = only(found)
    assert (found.verdict, sender.liveness) == ("unsent", "dead")
    assert "its view is routed only at depot/urls.py:" in sender.words
    guard = at("depot/urls.py", "if not settings.ONPREM:")
    assert f"under `not settings.ONPREM` ({guard}), false in every pod" in sender.words
    pods, beats = chart_pods()
    hosted = senders(pods=[with_env(p) for p in pods], beats=beats).evidence("admin")  # ONPREM unset
    assert (hosted.verdict, only(hosted).liveness) == ("unproven", "unproven")


def test_a_beat_whose_task_may_take_one_of_several_queues_proves_none(tmp_path: Path) -> None:
    """``queue=os.getenv("JOB_QUEUE", "bulk")``: the task lands on ``bulk`` only if the worker's env does not
    say otherwise, so a registered beat of it is an unproven sender of ``bulk``, not a live one."""
    from koku_gap.sources.appsource import load_app_source

    package = tmp_path / "depot"
    package.mkdir()
    (package / "__init__.py").write_text("from .celery import app\n")
    (package / "settings.py").write_text('INSTALLED_APPS = ["depot"]\n')
    (package / "celery.py").write_text(
        "from celery import Celery\n\napp = Celery('depot')\n"
        "app.config_from_object('django.conf:settings', namespace='CELERY')\napp.autodiscover_tasks()\n"
        "app.conf.beat_schedule['nightly'] = {'task': 'depot.tasks.job', 'schedule': 3600}\n"
    )
    (package / "tasks.py").write_text(
        "import os\n\nfrom depot.celery import app\n\nQ = os.getenv('JOB_QUEUE', 'bulk')\n\n\n"
        "@app.task(queue=Q)\ndef job():\n    pass\n"
    )
    pods, beats = chart_pods()
    found = QueueSenders(load_app_source(tmp_path, cache=False), pods, beats).evidence("bulk")
    assert (found.verdict, only(found).liveness) == ("unproven", "unproven")
    assert "which of them depends on what the files do not settle" in only(found).words


# --- fixtures/appsource/paths: the paths a sender runs on (issue 13) -----------------------------------


@functools.cache
def relay_pods() -> tuple[list[Pod], list[Pod]]:
    graph = load_manifests(PATHS_CHART)
    return app_pods(graph.components, env_keys(graph.resources))


def relay(pods: list[Pod] | None = None, beats: list[Pod] | None = None) -> QueueSenders:
    chart, chart_beats = relay_pods()
    return QueueSenders(
        paths_source(), chart if pods is None else pods, chart_beats if beats is None else beats
    )


def relay_at(path: str, needle: str) -> str:
    return f"{path}:{line_containing(PATHS_APP / path, needle)}"


def test_a_beat_under_a_string_default_is_registered_the_string_false_is_true() -> None:
    """``STRICT_AUDIT = ENV.bool("STRICT_AUDIT", default="False")``, unset in the beat pod: the code sees
    the string "False", so ``if settings.STRICT_AUDIT:`` registers the audit beat, which lands on
    ``audit``: a live sender, each link a line."""
    found = relay().evidence("audit")
    sender = only(found)
    assert (found.verdict, sender.liveness) == ("live", "live")
    assert sender.words.endswith(
        "; registered in rel-relay-beat: settings.STRICT_AUDIT = 'False' (rel-relay-beat does not set "
        "STRICT_AUDIT: the default)"
    )
    assert relay_at("relay/celery.py", '"audit-hourly"') in sender.words
    (fact,) = sender.facts
    assert fact.code is not None and str(fact.code.place.ref) == relay_at(
        "relay/settings.py", "STRICT_AUDIT ="
    )
    _, (beat,) = relay_pods()
    off = relay(beats=[with_env(beat, STRICT_AUDIT="false")]).evidence("audit")
    assert (off.verdict, only(off).liveness) == ("unsent", "dead")


def test_a_site_under_a_condition_read_through_two_calls_is_dead_each_return_cited() -> None:
    """relay/sync.py: ``if flags.is_hosted(): mirror.delay(account)``; is_hosted() returns _hosted(),
    which returns ``ENV.bool("HOSTED", default=False)``; no pod sets HOSTED."""
    found = relay().evidence("mirror")
    sender = only(found)
    assert (found.verdict, sender.liveness) == ("unsent", "dead")
    assert relay_at("relay/sync.py", "mirror.delay(") in sender.words
    for needle in ("return ENV.bool", "return _hosted()"):
        assert f"({relay_at('relay/flags.py', needle)})" in sender.words
    assert {str(f.ref) for f in sender.facts if f.ref} == {
        relay_at("relay/flags.py", "return ENV.bool"),
        relay_at("relay/flags.py", "return _hosted()"),
    }
    pods, beats = relay_pods()
    hosted = relay(pods=[with_env(p, HOSTED="true") for p in pods], beats=beats).evidence("mirror")
    assert (hosted.verdict, only(hosted).liveness) == ("unproven", "unproven")


def test_a_beat_of_a_task_module_celery_imports_loads_lands_on_the_decorator_s_queue() -> None:
    """``CELERY_IMPORTS = ["relay.jobs"]``: the beat imports relay.jobs at start, so the nightly invoice
    beat lands on the task's own ``invoices``, which no worker consumes: live, each link a line."""
    sender = only(relay().evidence("invoices"))
    assert sender.liveness == "live"
    setting = relay_at("relay/settings.py", "CELERY_IMPORTS = ")
    assert (
        f"the beat process loads relay.jobs (CELERY_IMPORTS ({setting})), "
        f"so the decorator's queue= applies (invoices, {relay_at('relay/jobs.py', '@app.task')})"
    ) in sender.words


def test_a_task_module_imported_under_an_if_the_beat_pod_fails_is_sent_by_name() -> None:
    """``if HOSTED: CELERY_IMPORTS += ["relay.hosted_jobs"]``: HOSTED unset (False) in the beat pod, so the
    beat never imports it and sends reconcile by name, to ``celery``; with HOSTED set, to ``reconcile``."""
    assert relay().evidence("reconcile").verdict == "unsent"
    by_name = next(s for s in relay().evidence("celery").senders if s.task == "relay.hosted_jobs.reconcile")
    assert by_name.liveness == "live"
    assert "never imports relay.hosted_jobs (CELERY_IMPORTS (" in by_name.words
    assert "under `HOSTED` does not hold), so it sends by name" in by_name.words
    _, (beat,) = relay_pods()
    hosted = relay(beats=[with_env(beat, HOSTED="1")]).evidence("reconcile")
    assert (hosted.verdict, only(hosted).liveness) == ("live", "live")


def test_a_view_routed_only_by_a_url_conf_no_pod_serves_sends_nothing() -> None:
    """relay/views.purge_all is routed only by relay.admin_urls, the ROOT_URLCONF of a pod that sets
    ADMIN (relay/settings.py); no pod of the chart does, so no request reaches it."""
    sender = only(relay().evidence("purge"))
    assert sender.liveness == "dead"
    admin = relay_at("relay/settings.py", 'ROOT_URLCONF = "relay.admin_urls"')
    assert sender.words.endswith(
        f"never runs here: its view is routed only at {relay_at('relay/admin_urls.py', 'path(')} "
        "(in relay.admin_urls), which no pod's URL conf reaches (rel-relay-api, rel-relay-beat, "
        f"rel-relay-worker: ROOT_URLCONF relay.urls ({relay_at('relay/settings.py', 'ROOT_URLCONF = ')}); "
        f'ROOT_URLCONF = "relay.admin_urls" ({admin}) under `ADMIN` does not run; '
        f"include(relay.billing_urls) ({relay_at('relay/urls.py', 'include(')}) under `settings.HOSTED` does "
        "not run) (relay.settings.ADMIN = False (rel-relay-api does not set ADMIN: the default); "
        "settings.HOSTED = False (rel-relay-api does not set HOSTED: the default))"
    )
    pods, beats = relay_pods()
    admin_pod = [with_env(pods[0], ADMIN="1"), *pods[1:]]
    assert only(relay(pods=admin_pod, beats=beats).evidence("purge")).liveness == "unproven"


def test_a_view_routed_only_through_an_include_under_a_false_if_sends_nothing() -> None:
    """relay.urls includes relay.billing_urls only ``if settings.HOSTED:``: its rebill view is reached in
    no pod; in a pod that sets HOSTED it may be."""
    sender = only(relay().evidence("rebill"))
    assert sender.liveness == "dead"
    assert (
        f"routed only at {relay_at('relay/billing_urls.py', 'path(')} (in relay.billing_urls)" in sender.words
    )
    assert "include(relay.billing_urls) (relay/urls.py:" in sender.words
    pods, beats = relay_pods()
    hosted = [with_env(pods[0], HOSTED="yes"), *pods[1:]]
    assert only(relay(pods=hosted, beats=beats).evidence("rebill")).liveness == "unproven"


def test_a_url_conf_the_files_cannot_settle_may_serve_any_module(tmp_path: Path) -> None:
    """``ROOT_URLCONF = os.environ["URLCONF"]``: any module may be the URL conf, so a view routed only in
    a module nothing includes is not counted out."""
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text('import os\nROOT_URLCONF = os.environ["URLCONF"]\n')
    (package / "tasks.py").write_text(
        "from celery import shared_task\n\n\n@shared_task(queue='side')\ndef side():\n    pass\n"
    )
    (package / "views.py").write_text(
        "from app.tasks import side\n\n\ndef poke(request):\n    side.delay()\n"
    )
    (package / "side_urls.py").write_text(
        "from django.urls import path\nfrom app.views import poke\n\nurlpatterns = [path('p/', poke)]\n"
    )
    pods, _ = relay_pods()
    found = QueueSenders(load_app_source(tmp_path, cache=False), pods, []).evidence("side")
    assert only(found).liveness == "unproven"
    (package / "settings.py").write_text('ROOT_URLCONF = "app.main_urls"\n')
    found = QueueSenders(load_app_source(tmp_path, cache=False), pods, []).evidence("side")
    assert only(found).liveness == "dead"  # app.side_urls: included by nothing, imported by nothing


def test_a_helper_s_member_no_call_picks_is_dead_and_a_flag_s_member_unproven_with_its_assumption() -> None:
    """relay/queues.export_queue: "export" by default, "export_fast" when is_priority_account() (a flag
    client outside the tree), "export_bulk" ``elif bulk:``; relay/exports.py calls it without bulk."""
    queues = relay_at("relay/queues.py", 'queue = "export_bulk"')
    bulk = only(relay().evidence("export_bulk"))
    assert bulk.liveness == "dead"
    assert bulk.words.endswith(
        f"never runs here: export_queue (called at {relay_at('relay/exports.py', 'apply_async')} with "
        "account=account and bulk=False by default) picks export_bulk only when "
        f"`not (is_priority_account(account)) and bulk` ({queues}), false in every pod"
    )
    fast = only(relay().evidence("export_fast"))
    assert fast.liveness == "unproven"
    flag = relay_at("relay/flags.py", "return FLAGS.is_enabled")
    picked = relay_at("relay/queues.py", 'queue = "export_fast"')
    assert fast.words.endswith(
        f"picks export_fast only when `is_priority_account(account)` "
        f"({picked}), which the files do not settle "
        f'(is_priority_account(account) returns FLAGS.is_enabled("priority-account", {{"account": account}}) '
        f"({flag}), which the files do not settle): assumed: that condition holds on this install"
    )
    assert any(str(r) == flag for r in (f.ref for f in fast.facts) if r is not None)
    default = only(relay().evidence("export"))
    assert default.liveness == "unproven"
    by_default = relay_at("relay/queues.py", 'queue = "export"')
    assert f"picks export by default ({by_default}) unless" in default.words
    assert default.words.endswith("assumed: none of those holds on this install")


def test_a_member_picked_by_an_argument_the_call_passes(tmp_path: Path) -> None:
    """``queue=pick(True)`` of ``def pick(big): if big: return "large"; return "small"``: the call picks
    "large" for sure (no change: unproven as any site), and never "small" (dead)."""
    (tmp_path / "m.py").write_text(
        "from celery import shared_task\n\n\n@shared_task\ndef job():\n    pass\n\n\n"
        "def pick(big):\n    if big:\n        return 'large'\n    return 'small'\n\n\n"
        "def run():\n    job.s().set(queue=pick(True)).apply_async()\n"
    )
    pods, _ = relay_pods()
    found = QueueSenders(load_app_source(tmp_path, cache=False), pods, [])
    large, small = only(found.evidence("large")), only(found.evidence("small"))
    assert large.liveness == "unproven" and "picks" not in large.words
    assert small.liveness == "dead"
    assert (
        "never runs here: pick (called at m.py:16 with big=True) picks small only when `not (big)`"
        in small.words
    )
