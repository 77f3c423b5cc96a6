"""The queue verdicts ``analyze()`` gives with the application's source (``app_sources``) and without
it, on fixtures/appsource/queues-clowdapp.yaml against queues-rendered.yaml (one worker per verdict:
engine/classify.py ``_queue_case``; the senders behind each: tests/engine/test_senders.py)."""

from __future__ import annotations

import functools
from pathlib import Path

import koku_gap
from koku_gap.model import rules
from koku_gap.model.report import Report, Row
from tests.conftest import line_containing
from tests.helpers.appsource import (
    PATHS_APP,
    PATHS_CHART,
    PATHS_CLOWDAPP,
    QUEUES_APP,
    QUEUES_CHART,
    QUEUES_CLOWDAPP,
)
from tests.helpers.engine import row

WORKERS = [
    "worker-default",
    "worker-summary",
    "worker-batch",
    "worker-export",
    "worker-priority",
    "worker-remote",
]

RELAY_WORKERS = [
    "worker-default",
    "worker-audit",
    "worker-invoices",
    "worker-export",
    "worker-export-fast",
    "worker-mirror",
    "worker-views",
    "worker-export-bulk",
    "worker-reconcile",
]


@functools.cache
def with_code() -> Report:
    return koku_gap.analyze(
        clowdapps=[QUEUES_CLOWDAPP], manifests=[QUEUES_CHART], app_sources={"depot": QUEUES_APP}
    )


@functools.cache
def without_code() -> Report:
    return koku_gap.analyze(clowdapps=[QUEUES_CLOWDAPP], manifests=[QUEUES_CHART])


def verdict(r: Row) -> tuple[str, str | None, str | None]:
    return (r.status, r.priority, r.rule)


def code_lines(r: Row) -> list[str]:
    return [e for e in r.evidence if e.startswith("code: ")]


def test_each_worker_s_verdict_follows_its_queues_senders() -> None:
    assert {w: verdict(row(with_code(), w)) for w in WORKERS} == {
        "worker-default": ("match", None, None),  # celery consumed; idle sent by nothing
        "worker-summary": ("missing", "P0", rules.UNCOVERED_QUEUE),  # live beats
        "worker-batch": ("missing", "P0", rules.UNCOVERED_QUEUE),  # a live beat routed by name
        "worker-export": ("missing", "P1", rules.UNPROVEN_QUEUE),  # both answers
        "worker-priority": ("missing", "P1", rules.UNPROVEN_QUEUE),  # plain functions
        "worker-remote": ("optional", "P3", rules.UNSENT_QUEUE),  # every sender off
    }
    assert with_code().summary.by_priority == {"P0": 2, "P1": 2, "P2": 0, "P3": 1}


def test_without_the_source_every_unconsumed_queue_is_the_old_p0_resting_on_its_assumption() -> None:
    for worker in WORKERS:
        r = row(without_code(), worker)
        assert (r.priority, r.rule) == ("P0", rules.UNCOVERED_QUEUE), worker
        assert [a.name for a in r.assumptions] == ["a-sender-exists"]
        assert any(reason.startswith("assumed: a-sender-exists — ") for reason in r.reasons)
        assert code_lines(r) == []
    assert verdict(row(without_code(), "worker-default")) == ("partial", "P0", rules.UNCOVERED_QUEUE)


def test_a_live_sender_proves_the_gap_without_the_assumption() -> None:
    r = row(with_code(), "worker-summary")
    assert r.assumptions == [] and not any(reason.startswith("assumed:") for reason in r.reasons)
    assert r.reasons == [
        "Celery queue(s) summary, purge consumed by no chart worker: their tasks wait forever"
    ]
    lines = code_lines(r)
    assert len(lines) == 2
    assert lines[0].startswith("code: beat entry 'rollup-daily' (depot/celery.py:")
    assert lines[1].startswith("code: beat entry 'purge-expired' (depot/celery.py:")
    assert r.act_now


def test_a_queue_only_a_by_name_route_reaches_is_live_and_cites_the_route() -> None:
    (line,) = [e for e in code_lines(row(with_code(), "worker-batch")) if "beat entry" in e]
    route = line_containing(QUEUES_APP / "depot" / "settings.py", '"jobs.batch.reindex"')
    assert line.endswith(f"so it sends by name: task_routes 'jobs.batch.reindex' (depot/settings.py:{route})")


def test_unproven_senders_are_a_p1_resting_on_a_path_running() -> None:
    r = row(with_code(), "worker-priority")
    assert [a.name for a in r.assumptions] == ["a-path-runs"]
    assert r.reasons[0] == (
        "Celery queue(s) priority, large, large_xl consumed by no chart worker; the code sends tasks there "
        "only on paths the files cannot prove run here (see the evidence)"
    )
    lines = code_lines(r)
    assert [line.split(" (")[0] for line in lines] == [
        "code: apply_async of ledger.tasks.notify in escalate",
        "code: set of ledger.tasks.load_rows in import_rows",
        "code: set of ledger.tasks.load_rows in import_rows",
    ]
    assert r.action == (
        "add queue(s) priority, large, large_xl to an existing worker's -Q, "
        "or add a Deployment for worker-priority"
    )


def test_a_beat_whose_landing_needs_a_function_import_is_unproven_with_both_answers() -> None:
    (line,) = code_lines(row(with_code(), "worker-export"))
    assert line.startswith("code: beat entry 'export-all' (depot/celery.py:")
    assert "then the decorator's queue= applies (export" in line and "else it sends the task by name" in line


def test_queues_whose_every_sender_is_off_are_optional_saying_why_and_what_was_searched() -> None:
    r = row(with_code(), "worker-remote")
    assert r.reasons == [
        "nothing deployed sends to Celery queue(s) remote, webhook, hosted, followup, which no chart worker "
        "consumes: nothing waits (see the evidence)"
    ]
    assert r.assumptions == [] and not r.act_now
    lines = code_lines(r)
    assert [line.split(" (")[0] for line in lines[:4]] == [
        "code: beat entry 'sync-remote'",
        "code: beat entry 'post-webhook'",
        "code: delay of ledger.tasks.sync_hosted in schedule_hosted",
        "code: apply_async of ledger.tasks.follow_up in sync_hosted",
    ]
    assert all("not registered in rel-depot-beat" in x or "never runs here" in x for x in lines[:4])
    assert lines[4] == f"code: searched 11 tasks, 6 routing sites and 7 beat entries of {QUEUES_APP}"
    assert r.action is not None and r.action.startswith("none while nothing sends to remote, webhook")


def test_an_unsent_queue_on_a_matched_worker_is_no_gap_and_the_row_says_so() -> None:
    r = row(with_code(), "worker-default")
    assert (r.status, r.priority, r.rule) == ("match", None, None)
    assert "no chart worker consumes idle, but nothing deployed sends there (code evidence)" in r.reasons
    assert code_lines(r) == [
        "code: no task, routing site or beat entry sends to idle",
        f"code: searched 11 tasks, 6 routing sites and 7 beat entries of {QUEUES_APP}",
    ]


def test_the_source_changes_only_the_queue_rows() -> None:
    others = [r for r in with_code().rows if r.clowdapp not in WORKERS]
    assert [verdict(r) for r in others] == [
        verdict(r) for r in without_code().rows if r.clowdapp not in WORKERS
    ]
    assert with_code().queues.uncovered == without_code().queues.uncovered  # still unconsumed, said per row


def test_a_policy_without_unproven_queue_keeps_unproven_senders_a_gap(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        'uncovered_queue: {status: missing, priority: P0, reason: "{queues} unconsumed"}\n', encoding="utf-8"
    )
    report = koku_gap.analyze(
        clowdapps=[QUEUES_CLOWDAPP],
        manifests=[QUEUES_CHART],
        app_sources={"depot": QUEUES_APP},
        policy=policy,
    )
    r = row(report, "worker-priority")
    assert verdict(r) == ("missing", "P0", rules.UNCOVERED_QUEUE)
    assert r.reasons == ["priority, large, large_xl unconsumed"]  # never "nothing deployed sends there"
    assert code_lines(r)[0].startswith("code: apply_async of ledger.tasks.notify in escalate")


def test_a_worker_with_queues_of_several_verdicts_names_the_others_too(tmp_path: Path) -> None:
    """The row is decided by its worst queue (live ``summary``) and still says what the code found for
    the rest (``priority``: unproven paths; ``remote``: nothing deployed sends there)."""
    text = QUEUES_CLOWDAPP.read_text().replace("value: summary,purge", "value: summary,priority,remote", 1)
    assert text != QUEUES_CLOWDAPP.read_text()
    clowdapp = tmp_path / "clowdapp.yaml"
    clowdapp.write_text(text)
    report = koku_gap.analyze(
        clowdapps=[clowdapp], manifests=[QUEUES_CHART], app_sources={"depot": QUEUES_APP}
    )
    summary = row(report, "worker-summary")
    assert verdict(summary) == ("missing", "P0", rules.UNCOVERED_QUEUE)
    assert summary.reasons[0].startswith("Celery queue(s) summary consumed by no chart worker")  # not purge
    assert (
        "the other unconsumed queue(s): priority (sent to only on unproven paths), "
        "remote (nothing deployed sends there)"
    ) in summary.reasons


@functools.cache
def relay_report() -> Report:
    return koku_gap.analyze(
        clowdapps=[PATHS_CLOWDAPP], manifests=[PATHS_CHART], app_sources={"relay": PATHS_APP}
    )


def test_the_call_paths_of_fixtures_appsource_paths_each_worker_s_verdict() -> None:
    """One worker per call path (issue 13): a string default and CELERY_IMPORTS prove beats (P0); a flag
    leaves its member and the default unproven (P1); two calls deep, URL confs no pod serves, a member no
    call picks and an import under a false ``if`` send nothing (P3)."""
    found = {w: verdict(row(relay_report(), w)) for w in RELAY_WORKERS}
    assert found == {
        "worker-default": ("match", None, None),
        "worker-audit": ("missing", "P0", rules.UNCOVERED_QUEUE),
        "worker-invoices": ("missing", "P0", rules.UNCOVERED_QUEUE),
        "worker-export": ("missing", "P1", rules.UNPROVEN_QUEUE),
        "worker-export-fast": ("missing", "P1", rules.UNPROVEN_QUEUE),
        "worker-mirror": ("optional", "P3", rules.UNSENT_QUEUE),
        "worker-views": ("optional", "P3", rules.UNSENT_QUEUE),
        "worker-export-bulk": ("optional", "P3", rules.UNSENT_QUEUE),
        "worker-reconcile": ("optional", "P3", rules.UNSENT_QUEUE),
    }
    for worker in ("worker-audit", "worker-invoices"):  # a P0: no assumption, every link a line
        proven = row(relay_report(), worker)
        assert proven.assumptions == [] and any(".py:" in e for e in code_lines(proven))
