"""Baselines (issue 5): --write-baseline records the open gaps, --baseline stops them failing the run."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from koku_gap.api import analyze
from koku_gap.cli import main
from koku_gap.engine.baseline import (
    apply_baseline,
    baseline_of,
    dump_baseline,
    parse_baseline,
    read_baseline,
)
from koku_gap.model.errors import InputError
from koku_gap.model.vocabulary import Priority
from tests.helpers.ci import args, rows_by_name, run_json, scenario, scenario_chart, scenario_clowdapp
from tests.helpers.engine import write

SCENARIO_BASELINE = """\
{
  "format": "koku-gap-baseline",
  "version": 1,
  "gaps": [
    {"id": "shop/clowder-sync", "priority": "P1", "rule": "missing-web-api"},
    {"id": "shop/db-migrate", "priority": "P2", "rule": "post-install-migration"},
    {"id": "shop/listener", "priority": "P0", "rule": "missing-kafka-consumer"},
    {"id": "shop/mgmt", "priority": "P3", "rule": "missing-ad-hoc-command"},
    {"id": "shop/worker-xl", "priority": "P0", "rule": "uncovered-celery-queue"}
  ]
}
"""
ALL_IDS = ["shop/clowder-sync", "shop/db-migrate", "shop/listener", "shop/mgmt", "shop/worker-xl"]
# What a version before ids named the component alone wrote for the same gaps: the status first.
OLD_IDS = [
    "missing:shop/clowder-sync",
    "partial:shop/db-migrate",
    "missing:shop/listener",
    "optional:shop/mgmt",
    "missing:shop/worker-xl",
]


def baseline_text(*entries: Mapping[str, object]) -> str:
    return json.dumps({"format": "koku-gap-baseline", "version": 1, "gaps": [dict(e) for e in entries]})


# --- writing ----------------------------------------------------------------------------------------


def test_write_baseline_records_every_gap_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app, chart = scenario(tmp_path)
    target = tmp_path / "baseline.json"
    code, report = run_json(args(app, chart, "--write-baseline", str(target), "--fail-on", "P3"), capsys)
    assert code == 0  # P0 gaps, --fail-on P3, and still 0: recording gaps is not failing on them
    assert target.read_text(encoding="utf-8") == SCENARIO_BASELINE
    # the printed report compares against what was just written: every gap known, nothing fails
    assert report["baseline"] == {"file": str(target), "known": ALL_IDS, "new": [], "fixed": []}
    assert all(r["baselined"] for r in report["rows"] if r["priority"])


def test_a_baseline_with_the_old_ids_still_recognises_every_gap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ids used to start with the row's status (``missing:shop/listener``): such a file still reads."""
    app, chart = scenario(tmp_path)
    old = write(tmp_path, "old.json", baseline_text(*({"id": i, "priority": "P0"} for i in OLD_IDS)))
    code, report = run_json(args(app, chart, "--baseline", str(old), "--fail-on", "P3"), capsys)
    assert code == 0
    assert report["baseline"] == {"file": str(old), "known": ALL_IDS, "new": [], "fixed": []}


def test_a_baseline_recognises_a_component_whose_status_changed(tmp_path: Path) -> None:
    """The baseline was written while the listener was missing; a policy entry now makes it partial."""
    app, chart = scenario(tmp_path)
    before = analyze([app], [chart])
    recorded = [(e.id, e.priority) for e in baseline_of(before).gaps]
    policy = write(
        tmp_path,
        "policy.yaml",
        "extends: default\ncomponents:\n  listener: {status: partial, reason: tracked}\n",
    )
    after = analyze([app], [chart], policy=policy)
    listener = next(r for r in after.rows if r.clowdapp == "listener")
    assert (listener.status, listener.id) == ("partial", "shop/listener")
    assert next(r for r in before.rows if r.clowdapp == "listener").status == "missing"
    result = after.with_baseline("b.json", recorded).baseline
    assert result is not None and "shop/listener" in result.known and not result.new


def test_row_ids_name_the_component_not_its_status(tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    for row in analyze([app], [chart]).rows:
        name = row.clowdapp or row.chart[0]
        assert row.id == f"{row.app}/{name}", row.id


def test_write_baseline_says_so_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, chart = scenario(tmp_path)
    target = tmp_path / "b.json"
    assert main(args(app, chart, "--write-baseline", str(target), "--format", "markdown")) == 0
    out, err = capsys.readouterr()
    assert err == f"gap-report: wrote 5 gap(s) to {target}\n"
    assert f"- **Baseline** `{target}`: 5 known, 0 new, 0 fixed." in out


def test_baseline_is_independent_of_lines_and_order(tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    first = dump_baseline(analyze([app], [chart]))
    # the same ClowdApp, thirty lines further down, with the chart's documents reversed
    shifted = write(tmp_path, "shifted.yaml", "# a comment\n" * 30 + scenario_clowdapp())
    documents = chart.read_text().split("---\n")[1:]
    reversed_chart = write(tmp_path, "reversed.yaml", "".join("---\n" + d for d in reversed(documents)))
    second = analyze([shifted], [reversed_chart])
    assert next(r.source.line for r in second.rows if r.source) > 30
    assert dump_baseline(second) == first


def test_waived_rows_are_not_recorded(tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    policy = write(
        tmp_path, "p.yaml", "extends: default\nwaivers:\n  - {component: listener, reason: later}\n"
    )
    recorded = [e.id for e in baseline_of(analyze([app], [chart], policy=policy)).gaps]
    assert recorded == [i for i in ALL_IDS if i != "shop/listener"]


def test_empty_baseline(tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    policy = write(tmp_path, "p.yaml", 'extends: default\nwaivers:\n  - {component: "*", reason: all}\n')
    text = dump_baseline(analyze([app], [chart], policy=policy))
    assert text == '{\n  "format": "koku-gap-baseline",\n  "version": 1,\n  "gaps": []\n}\n'
    assert parse_baseline(text).gaps == []


def test_write_baseline_into_a_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, chart = scenario(tmp_path)
    target = tmp_path / "no" / "b.json"
    assert main(args(app, chart, "--write-baseline", str(target))) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"gap-report: error: {target}: cannot write the baseline: the directory does not exist\n"


# --- reading and comparing --------------------------------------------------------------------------


def test_known_gaps_do_not_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, chart = scenario(tmp_path)
    target = write(tmp_path, "b.json", SCENARIO_BASELINE)
    for fail_on in ("P0", "P1", "P2", "P3"):
        code, report = run_json(args(app, chart, "--baseline", str(target), "--fail-on", fail_on), capsys)
        assert code == 0
    assert report["baseline"] == {"file": str(target), "known": ALL_IDS, "new": [], "fixed": []}
    assert report["summary"]["gaps"] == 5  # known gaps are still gaps: only the gate ignores them


def test_a_new_gap_fails_and_a_gone_one_is_fixed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, chart = scenario(tmp_path, listener=True)
    target = tmp_path / "b.json"
    assert main(args(app, chart, "--write-baseline", str(target))) == 0
    capsys.readouterr()
    assert "listener" not in target.read_text()
    # the chart loses its listener: a new P0 gap
    write(tmp_path, chart.name, scenario_chart())
    code, report = run_json(args(app, chart, "--baseline", str(target)), capsys)
    assert code == 1
    assert report["baseline"]["new"] == ["shop/listener"]
    listener = rows_by_name(report)["listener"]
    assert (listener["status"], listener["priority"], listener["baselined"]) == ("missing", "P0", False)
    # and the other way round: a baseline recording the listener, against the chart that has it
    full = write(tmp_path, "full.json", SCENARIO_BASELINE)
    other = tmp_path / "with-listener"
    other.mkdir()
    app2, chart2 = scenario(other, listener=True)
    code, report = run_json(args(app2, chart2, "--baseline", str(full)), capsys)
    assert code == 0
    assert report["baseline"]["fixed"] == ["shop/listener"]
    assert report["baseline"]["new"] == []


def test_gaps_are_matched_by_component_and_priority(tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    report = analyze([app], [chart])

    def compare(*entries: tuple[str, Priority | None]) -> tuple[list[str], list[str], list[str]]:
        b = report.with_baseline("b.json", entries).baseline
        assert b is not None
        return b.known, b.new, b.fixed

    others = [(i, None) for i in ALL_IDS if "listener" not in i]
    # the same component, whatever its status was when recorded
    assert "shop/listener" in compare(("shop/listener", "P0"), *others)[0]
    # recorded less urgent than it is now: the gap got worse, it is new
    known, new, _ = compare(("shop/listener", "P3"), *others)
    assert new == ["shop/listener"] and "shop/listener" not in known
    # no priority recorded: any priority is accepted
    assert compare(("shop/listener", None), *others)[1] == []
    # duplicates: the most lenient entry counts
    assert compare(("shop/listener", "P3"), ("shop/listener", "P0"), *others)[1] == []
    # another app's component of the same name is another component
    known, new, fixed = compare(("other/listener", "P0"), *others)
    assert new == ["shop/listener"] and fixed == ["other/listener"]


def test_fails_takes_the_baseline_into_account(tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    report = analyze([app], [chart])
    assert report.fails("P0")
    known = report.with_baseline("b", [("shop/listener", "P0"), ("shop/worker-xl", "P0")])
    assert not known.fails("P0")
    assert known.fails("P1")  # clowder-sync is not recorded
    assert [r.clowdapp for r in known.failing("P3")] == ["clowder-sync", "db-migrate", "mgmt"]
    assert not known.fails("none")
    assert len(known.gaps("P0")) == 2  # gaps() still lists what there is to fix


def test_expired_waiver_after_the_baseline_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A gap waived when the baseline was written is not in it: when the waiver expires, it fails."""
    app, chart = scenario(tmp_path)
    policy = write(
        tmp_path,
        "p.yaml",
        "extends: default\nwaivers:\n  - {component: listener, reason: x, expires: 2026-01-31}\n",
    )
    target = tmp_path / "b.json"
    base = args(app, chart, "--policy", str(policy))
    assert main([*base, "--today", "2026-01-15", "--write-baseline", str(target)]) == 0
    capsys.readouterr()
    assert main([*base, "--today", "2026-01-20", "--baseline", str(target), "--format", "json"]) == 0
    capsys.readouterr()
    code, report = run_json([*base, "--today", "2026-02-01", "--baseline", str(target)], capsys)
    assert code == 1
    assert report["baseline"]["new"] == ["shop/listener"]


def test_baseline_and_write_baseline_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, chart = scenario(tmp_path)
    old = write(tmp_path, "old.json", baseline_text({"id": "shop/gone", "priority": "P0"}))
    new = tmp_path / "new.json"
    code, report = run_json(args(app, chart, "--baseline", str(old), "--write-baseline", str(new)), capsys)
    assert code == 0
    assert report["baseline"] == {
        "file": str(old),
        "known": [],
        "new": ALL_IDS,
        "fixed": ["shop/gone"],
    }
    assert new.read_text() == SCENARIO_BASELINE
    # refreshing in place: read first, then written
    assert main(args(app, chart, "--baseline", str(old), "--write-baseline", str(old))) == 0
    assert old.read_text() == SCENARIO_BASELINE


def test_baseline_in_markdown_and_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, chart = scenario(tmp_path)
    target = write(
        tmp_path,
        "b.json",
        baseline_text(*({"id": i} for i in ALL_IDS if "listener" not in i), {"id": "shop/gone"}),
    )
    assert main(args(app, chart, "--baseline", str(target), "--format", "markdown")) == 1
    assert (
        f"- **Baseline** `{target}`: 4 known, 1 new, 1 fixed; new: `shop/listener`; "
        "fixed: `shop/gone`." in capsys.readouterr().out
    )
    assert main(args(app, chart, "--baseline", str(target), "--format", "terminal")) == 1
    assert f"baseline {target}: 4 known, 1 new, 1 fixed" in capsys.readouterr().out


def test_round_trip(tmp_path: Path) -> None:
    app, chart = scenario(tmp_path)
    report = analyze([app], [chart])
    path = write(tmp_path, "b.json", dump_baseline(report))
    loaded = read_baseline(path)
    assert loaded.file == str(path)
    assert [(e.id, e.priority, e.rule) for e in loaded.gaps] == [
        (e.id, e.priority, e.rule) for e in baseline_of(report).gaps
    ]
    assert not apply_baseline(report, loaded).fails("P3")


def test_unknown_keys_are_ignored() -> None:
    text = json.dumps(
        {
            "format": "koku-gap-baseline",
            "version": 1,
            "note": "x",
            "gaps": [{"id": "a/b", "ticket": "COST-1"}],
        }
    )
    assert [e.id for e in parse_baseline(text).gaps] == ["a/b"]


# --- bad baselines: exit 2, one line naming the file --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{\n  "format": "koku-gap-baseline",\n  oops\n}',
            ":3:3: baseline is not JSON: Expecting property name",
        ),
        ("[]", ': not a koku-gap baseline (expected "format": "koku-gap-baseline")'),
        ('{"format": "sarif"}', ": not a koku-gap baseline"),
        (
            '{"format": "koku-gap-baseline", "version": 2, "gaps": []}',
            ": baseline version 2 is not supported",
        ),
        (
            '{"format": "koku-gap-baseline", "version": 1, "gaps": {}}',
            ": baseline gaps: Input should be a valid list",
        ),
        (
            '{\n  "format": "koku-gap-baseline",\n  "version": 1,\n  "gaps": [\n    {"id": "a/b"},\n'
            '    {"priority": "P0"}\n  ]\n}\n',
            ":6: baseline gaps.1.id: Field required",
        ),
        (
            baseline_text({"id": "listener"}),
            ": baseline gaps.0.id: 'listener' is not a row id (app/name)",
        ),
        (
            baseline_text({"id": "a/b", "priority": "P9"}),
            ": baseline gaps.0.priority: Input should be",
        ),
    ],
    ids=[
        "not-json",
        "a-list",
        "other-format",
        "version",
        "gaps-not-a-list",
        "no-id",
        "bad-id",
        "bad-priority",
    ],
)
def test_bad_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str) -> None:
    app, chart = scenario(tmp_path)
    target = write(tmp_path, "b.json", text)
    assert main(args(app, chart, "--baseline", str(target))) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"gap-report: error: {target}{expected}"), err
    assert err.count("\n") == 1


@pytest.mark.parametrize("what", ["missing", "directory", "binary"])
def test_unreadable_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str) -> None:
    app, chart = scenario(tmp_path)
    target = tmp_path / "b.json"
    if what == "directory":
        target.mkdir()
    elif what == "binary":
        target.write_bytes(b"\xff\xfe\x00junk")
    assert main(args(app, chart, "--baseline", str(target))) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"gap-report: error: {target}: cannot read the baseline: ")
    if what == "missing":
        assert "write one with --write-baseline" in err


def test_read_baseline_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_baseline(tmp_path / "nope.json")
    assert caught.value.file == str(tmp_path / "nope.json")


def test_a_baseline_that_never_ends_is_refused_at_the_limit() -> None:
    """/dev/zero reports a size of 0: the bound is on what is read, not on what the file system says."""
    from koku_gap.engine.baseline import MAX_BYTES, read_baseline
    from koku_gap.model.errors import InputError

    with pytest.raises(InputError) as caught:
        read_baseline("/dev/zero")
    assert str(caught.value) == f"/dev/zero: cannot read the baseline: over {MAX_BYTES} bytes"


def test_a_recorded_gap_waived_since_is_known_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16: waiving gaps the baseline records called them "fixed" (GitHub notice, JSON) while SARIF
    gave the same results ``baselineState: new``. A waiver decides failing, not existing: known."""
    app, chart = scenario(tmp_path)
    target = write(tmp_path, "b.json", SCENARIO_BASELINE)
    policy = write(
        tmp_path, "p.yaml", "extends: default\nwaivers:\n  - {component: listener, reason: later}\n"
    )
    base = args(app, chart, "--baseline", str(target), "--policy", str(policy))
    code, report = run_json(base, capsys)
    assert code == 0
    assert report["baseline"] == {"file": str(target), "known": ALL_IDS, "new": [], "fixed": []}
    listener = rows_by_name(report)["listener"]
    assert (listener["waived"], listener["baselined"]) == (True, True)
    assert main([*base, "--format", "sarif"]) == 0
    sarif = json.loads(capsys.readouterr().out)
    states = {r["properties"]["id"]: r["baselineState"] for r in sarif["runs"][0]["results"]}
    assert states == dict.fromkeys(ALL_IDS, "unchanged")
    assert sarif["runs"][0]["properties"]["baseline"]["fixed"] == []
    assert main([*base, "--format", "github"]) == 0
    assert "fixed" not in capsys.readouterr().out


def test_a_waived_gap_the_baseline_does_not_record_is_new_and_suppressed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app, chart = scenario(tmp_path)
    others = [{"id": i} for i in ALL_IDS if i != "shop/listener"]
    target = write(tmp_path, "b.json", baseline_text(*others))
    policy = write(
        tmp_path, "p.yaml", "extends: default\nwaivers:\n  - {component: listener, reason: later}\n"
    )
    base = args(app, chart, "--baseline", str(target), "--policy", str(policy))
    code, report = run_json(base, capsys)
    assert code == 0  # waived: it does not fail the run
    assert report["baseline"]["new"] == ["shop/listener"]
    assert main([*base, "--format", "sarif"]) == 0
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    listener = next(r for r in results if r["properties"]["id"] == "shop/listener")
    assert listener["baselineState"] == "new" and listener["suppressions"][0]["status"] == "accepted"
