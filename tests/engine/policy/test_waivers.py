"""Waivers in the policy (issue 5): per component or per queue, a required reason, an optional expiry."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from koku_gap.api import analyze
from koku_gap.cli import main
from koku_gap.engine.policy import Waiver, load_policy
from koku_gap.model.errors import InputError
from koku_gap.model.report import Report, Row
from tests.helpers.ci import args, rows_by_name, run_json, scenario
from tests.helpers.engine import write


def policy_file(tmp_path: Path, waivers: str, name: str = "policy.yaml", extends: str = "default") -> Path:
    return write(tmp_path, name, f"extends: {extends}\nwaivers:\n{waivers}")


def report_with(tmp_path: Path, waivers: str, today: date = date(2026, 6, 1)) -> Report:
    app, chart = scenario(tmp_path)
    return analyze([app], [chart], policy=policy_file(tmp_path, waivers), today=today)


def by_name(report: Report) -> dict[str, Row]:
    return {r.clowdapp: r for r in report.rows if r.clowdapp}


def test_component_waiver_marks_the_row_and_keeps_it(tmp_path: Path) -> None:
    report = report_with(
        tmp_path, '  - {component: "list*", reason: "the listener ships in 2.0", expires: 2026-09-30}\n'
    )
    listener = by_name(report)["listener"]
    assert listener.waived is True
    assert listener.status == "missing" and listener.priority == "P0"  # still what it is
    assert listener.rule == "missing-kafka-consumer"
    assert listener.waiver is not None
    assert listener.waiver.model_dump() == {
        "subject": "component list*",
        "reason": "the listener ships in 2.0",
        "expires": "2026-09-30",
        "expired": False,
    }
    assert listener.reasons[0] == "waived (component list*, until 2026-09-30): the listener ships in 2.0"
    assert not listener.is_gap
    assert listener not in report.gaps("P3")
    assert report.summary.gaps == 4  # 5 gaps in the scenario, one waived
    assert report.summary.by_priority["P0"] == 1  # worker-xl is still open
    assert len(report.rows) == 7  # the waived row stays in the report


def test_waiver_without_expiry(tmp_path: Path) -> None:
    listener = by_name(report_with(tmp_path, "  - {component: listener, reason: later}\n"))["listener"]
    assert listener.waived and listener.waiver is not None and listener.waiver.expires is None
    assert listener.reasons[0] == "waived (component listener): later"


def test_waiver_reason_is_normalised_to_one_line(tmp_path: Path) -> None:
    policy = policy_file(tmp_path, "  - component: listener\n    reason: >-\n      two\n      lines\n")
    assert load_policy(policy).waivers[0].reason == "two lines"


@pytest.mark.parametrize(
    ("today", "waived"),
    [(date(2026, 9, 29), True), (date(2026, 9, 30), True), (date(2026, 10, 1), False)],
    ids=["before", "on-the-last-day", "the-day-after"],
)
def test_expiry_is_the_last_day_the_waiver_holds(tmp_path: Path, today: date, waived: bool) -> None:
    report = report_with(
        tmp_path, "  - {component: listener, reason: ships in 2.0, expires: 2026-09-30}\n", today=today
    )
    listener = by_name(report)["listener"]
    assert listener.waived is waived
    assert listener.waiver is not None and listener.waiver.expired is (not waived)


def test_expired_waiver_counts_again_and_says_so(tmp_path: Path) -> None:
    report = report_with(
        tmp_path,
        "  - {component: listener, reason: ships in 2.0, expires: 2026-01-31}\n"
        '  - {queue: "*_xl", reason: no XL queues on-prem}\n',
        today=date(2026, 2, 1),
    )
    listener = by_name(report)["listener"]
    assert listener.waived is False and listener.is_gap
    assert listener.waiver is not None and listener.waiver.expired is True
    assert listener.reasons[0] == ("waiver expired (component listener, held until 2026-01-31): ships in 2.0")
    assert listener.reasons[1].startswith("a Kafka consumer is missing")
    assert listener.action is not None and listener.action.startswith(
        "renew or remove the expired waiver, or "
    )
    assert report.fails("P0") and [r.clowdapp for r in report.gaps("P0")] == ["listener"]


def test_an_active_waiver_wins_over_an_expired_one(tmp_path: Path) -> None:
    report = report_with(
        tmp_path,
        "  - {component: listener, reason: old, expires: 2026-01-31}\n"
        "  - {component: listen*, reason: renewed, expires: 2026-12-31}\n",
        today=date(2026, 6, 1),
    )
    waiver = by_name(report)["listener"].waiver
    assert waiver is not None and (waiver.reason, waiver.expired) == ("renewed", False)


def test_first_matching_waiver_wins(tmp_path: Path) -> None:
    report = report_with(
        tmp_path, "  - {component: listener, reason: first}\n  - {component: '*', reason: second}\n"
    )
    rows = by_name(report)
    assert rows["listener"].waiver is not None and rows["listener"].waiver.reason == "first"
    assert rows["clowder-sync"].waiver is not None and rows["clowder-sync"].waiver.reason == "second"


def test_queue_waiver_needs_every_uncovered_queue(tmp_path: Path) -> None:
    one = by_name(report_with(tmp_path, "  - {queue: fast_xl, reason: never routed}\n"))["worker-xl"]
    assert one.waived is False and one.waiver is None  # slow_xl is not waived: nothing to say
    both = by_name(report_with(tmp_path, '  - {queue: "*_xl", reason: never routed}\n'))["worker-xl"]
    assert both.waived is True
    assert both.waiver is not None and both.waiver.subject == "queue *_xl"
    assert both.reasons[0] == "waived (queue *_xl): never routed"


def test_queue_waivers_combine(tmp_path: Path) -> None:
    report = report_with(
        tmp_path,
        "  - {queue: fast_xl, reason: fast never routed, expires: 2026-12-31}\n"
        "  - {queue: slow_xl, reason: slow never routed, expires: 2026-07-31}\n",
    )
    waiver = by_name(report)["worker-xl"].waiver
    assert waiver is not None
    assert waiver.model_dump() == {
        "subject": "queue fast_xl, queue slow_xl",
        "reason": "fast never routed; slow never routed",
        "expires": "2026-07-31",  # the earliest: when the row's waiver lapses
        "expired": False,
    }


def test_expired_queue_waiver_counts_again(tmp_path: Path) -> None:
    report = report_with(
        tmp_path,
        "  - {queue: fast_xl, reason: fast never routed}\n"
        "  - {queue: slow_xl, reason: slow never routed, expires: 2026-01-31}\n",
    )
    row = by_name(report)["worker-xl"]
    assert row.waived is False
    assert row.waiver is not None and row.waiver.expired and row.waiver.subject == "queue slow_xl"
    assert row.reasons[0].startswith("waiver expired (queue slow_xl, held until 2026-01-31)")


def test_queue_waivers_do_not_touch_rows_without_uncovered_queues(tmp_path: Path) -> None:
    rows = by_name(report_with(tmp_path, '  - {queue: "*", reason: all queues}\n'))
    assert rows["worker-xl"].waived
    assert [n for n, r in rows.items() if r.waiver is not None] == ["worker-xl"]


def test_waivers_only_apply_to_gaps(tmp_path: Path) -> None:
    rows = by_name(report_with(tmp_path, '  - {component: "*", reason: everything}\n'))
    assert rows["api"].waiver is None and rows["api"].waived is False  # a match is no gap
    assert rows["worker-fast"].waiver is None
    assert all(rows[n].waived for n in ("listener", "worker-xl", "clowder-sync", "db-migrate", "mgmt"))


def test_app_glob(tmp_path: Path) -> None:
    other = report_with(tmp_path, "  - {component: listener, app: other, reason: x}\n")
    assert by_name(other)["listener"].waiver is None
    mine = report_with(tmp_path, '  - {component: listener, app: "sh*", reason: x}\n')
    assert by_name(mine)["listener"].waived


def test_child_waivers_come_first(tmp_path: Path) -> None:
    policy_file(tmp_path, "  - {component: listener, reason: parent}\n  - {component: mgmt, reason: p}\n")
    child = policy_file(tmp_path, "  - {component: listener, reason: child}\n", "child.yaml", "policy.yaml")
    app, chart = scenario(tmp_path)
    rows = by_name(analyze([app], [chart], policy=child))
    assert rows["listener"].waiver is not None and rows["listener"].waiver.reason == "child"
    assert rows["mgmt"].waived  # the parent's waivers still apply


def test_bundled_policies_waive_nothing() -> None:
    assert load_policy("default").waivers == () and load_policy("koku").waivers == ()


@pytest.mark.parametrize(
    ("waiver", "line", "message"),
    [
        ("  - {component: listener}\n", 3, "policy waivers.0.reason: Field required"),
        ('  - {component: listener, reason: "  "}\n', 3, "policy waivers.0.reason: a waiver needs a reason"),
        ("  - {reason: x}\n", 3, "policy waivers.0: a waiver names either a component or a queue"),
        (
            "  - {component: a, queue: b, reason: x}\n",
            3,
            "policy waivers.0: a waiver names either a component or a queue",
        ),
        (
            "  - component: a\n    reason: x\n    expires: 20260930\n",
            5,
            "policy waivers.0.expires: expires must be a date written YYYY-MM-DD, got 20260930",
        ),
        (
            "  - {component: a, reason: x, expires: 2026-02-30}\n",
            3,
            "policy waivers.0.expires: expires '2026-02-30' is not a date (no such day in the calendar)",
        ),
        (
            "  - {component: a, reason: x, expires: next week}\n",
            3,
            "policy waivers.0.expires: expires must be a date written YYYY-MM-DD, got 'next week'",
        ),
        ("  - {component: a, reason: x, until: 2026-01-01}\n", 3, "policy waivers.0.until: unknown key"),
    ],
    ids=["no-reason", "blank-reason", "no-target", "two-targets", "number-date", "bad-day", "words", "typo"],
)
def test_invalid_waivers_name_file_and_line(tmp_path: Path, waiver: str, line: int, message: str) -> None:
    policy = policy_file(tmp_path, waiver)
    with pytest.raises(InputError) as caught:
        load_policy(policy)
    assert (caught.value.file, caught.value.line, caught.value.message) == (str(policy), line, message)


def test_invalid_waiver_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, chart = scenario(tmp_path)
    policy = policy_file(tmp_path, "  - {component: listener}\n")
    assert main(args(app, chart, "--policy", str(policy))) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"gap-report: error: {policy}:3: policy waivers.0.reason: Field required\n"


def test_waiver_model_rejects_datetimes() -> None:
    from datetime import datetime

    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        Waiver(component="x", reason="y", expires=datetime(2026, 1, 1))


# --- the CLI: exit codes and --today --------------------------------------------------------------------

WAIVE_P0 = (
    "  - {component: listener, reason: ships in 2.0, expires: 2026-09-30}\n"
    '  - {queue: "*_xl", reason: no XL}\n'
)


@pytest.mark.parametrize(
    ("today", "fail_on", "code"),
    [
        ("2026-09-30", "P0", 0),  # both P0 gaps waived
        ("2026-09-30", "P1", 1),  # clowder-sync (P1) is not
        ("2026-10-01", "P0", 1),  # the listener's waiver has expired
    ],
)
def test_exit_codes_with_waivers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], today: str, fail_on: str, code: int
) -> None:
    app, chart = scenario(tmp_path)
    policy = policy_file(tmp_path, WAIVE_P0)
    argv = args(app, chart, "--policy", str(policy), "--today", today, "--fail-on", fail_on)
    got, report = run_json(argv, capsys)
    assert got == code
    listener = rows_by_name(report)["listener"]
    assert listener["waived"] is (today == "2026-09-30")
    assert listener["waiver"]["expired"] is (today != "2026-09-30")


def test_bad_today_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, chart = scenario(tmp_path)
    assert main(args(app, chart, "--today", "tomorrow")) == 2
    err = capsys.readouterr().err
    assert err.startswith("gap-report: error: argument --today: expected a date YYYY-MM-DD")


def test_today_is_hidden_from_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "--today" not in capsys.readouterr().out


def test_waived_rows_are_marked_in_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, chart = scenario(tmp_path)
    policy = policy_file(tmp_path, WAIVE_P0)
    base = args(app, chart, "--policy", str(policy), "--today", "2026-06-01", "--fail-on", "none")
    outputs = {}
    for fmt in ("terminal", "markdown", "json", "sarif", "junit", "github"):
        assert main([*base, "--format", fmt]) == 0
        outputs[fmt] = capsys.readouterr().out
    assert "(waived)" in outputs["terminal"]
    assert "(waived)" in outputs["markdown"]
    assert "**Waived by the policy**: 2: `listener`, `worker-xl`." in outputs["markdown"]
    assert [r["clowdapp"] for r in json.loads(outputs["json"])["rows"] if r["waived"]] == [
        "listener",
        "worker-xl",
    ]
    results = json.loads(outputs["sarif"])["runs"][0]["results"]
    assert sorted(r["properties"]["id"] for r in results if "suppressions" in r) == [
        "shop/listener",
        "shop/worker-xl",
    ]
    assert outputs["junit"].count("<skipped ") == 2
    assert "::" not in outputs["github"]  # --fail-on none: nothing is annotated
