"""Policy entries that carry evidence (``evidence:``, ``assume:``, ``rests_on:``): parsing, validation,
the rows that show them, and the check of each citation against an application's source."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from koku_gap.api import analyze
from koku_gap.engine.citations import AppSourceDir, checkout_commit, same_commit, stale_citations
from koku_gap.engine.policy import ComponentOverride, load_policy
from koku_gap.model.errors import InputError, UsageError
from koku_gap.model.report import Citation

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
MINI_APP = FIXTURES / "engine" / "mini-clowdapp.yaml"  # app shop: clowder-sync missing P1
MINI_CHART = FIXTURES / "engine" / "mini-rendered.yaml"
CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus"

TASKS = '''from shop.celery import app


@app.task(queue="sync")
def sync_orders():
    """Nothing sends this on-prem."""
'''

POLICY = """name: evidence-test
extends: default
assume:
  no-sync-on-prem:
    statement: "nothing calls sync_orders where the product is installed"
    evidence:
      - {file: orders/tasks.py, line: 4, text: '@app.task(queue="sync")'}
missing:
  kafka-consumer:
    status: missing
    priority: P0
    reason: "messages are never read"
    evidence: [{file: orders/consumer.py, line: 1}]
chart:
  - name: "*-database"
    status: infra
    reason: "the database"
    evidence: [{file: shop/settings.py, line: 2, app: shop}]
match:
  api:
    to: "*-shop-api"
    reason: "the chart names its API so"
    evidence: [{file: shop/urls.py, line: 1, commit: abcdef0}]
components:
  clowder-sync:
    status: optional
    priority: P3
    reason: "sync runs elsewhere on-prem"
    rests_on: [no-sync-on-prem]
    evidence:
      - {file: orders/tasks.py, line: 5, text: "def sync_orders():"}
waivers:
  - component: worker-*
    reason: "known"
    evidence: [{file: orders/tasks.py, line: 6}]
"""


def write_policy(tmp_path: Path, text: str = POLICY, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def app_tree(root: Path, tasks: str = TASKS) -> Path:
    (root / "orders").mkdir(parents=True)
    (root / "orders" / "__init__.py").write_text("", encoding="utf-8")
    (root / "orders" / "tasks.py").write_text(tasks, encoding="utf-8")
    return root


# --- parsing and validation -------------------------------------------------------------------------------


def test_every_reason_bearing_entry_may_cite_code(tmp_path: Path) -> None:
    policy = load_policy(write_policy(tmp_path))
    where = {w for w, _ in policy.citations()}
    assert where == {
        "missing kafka-consumer",
        "chart *-database",
        "match api",
        "components clowder-sync",
        "waivers component worker-*",
        "assume no-sync-on-prem",
    }
    sync = policy.components["clowder-sync"]
    assert isinstance(sync, ComponentOverride)  # a single mapping stays one override
    assert sync.rests_on == ("no-sync-on-prem",)
    assert sync.evidence == (Citation(file="orders/tasks.py", line=5, text="def sync_orders():"),)
    assert policy.aliases_for("api") == ["*-shop-api"]  # the mapping form of a match: entry
    assert str(policy.match["api"].evidence[0]) == "shop/urls.py:1 @abcdef0"  # type: ignore[union-attr]


def test_a_citation_knows_the_line_it_is_written_at(tmp_path: Path) -> None:
    path = write_policy(tmp_path)
    policy = load_policy(path)
    lines = POLICY.splitlines()
    for _, citation in policy.citations():
        file, line = policy.citation_origin(citation)
        assert file == str(path) and line is not None
        assert f"line: {citation.line}" in lines[line - 1] or citation.file in lines[line - 1]


def test_an_unknown_assumption_is_an_error_at_its_line_with_a_suggestion(tmp_path: Path) -> None:
    path = write_policy(tmp_path, POLICY.replace("rests_on: [no-sync-on-prem]", "rests_on: [no-sync-onprem]"))
    with pytest.raises(InputError) as err:
        load_policy(path)
    line = POLICY.splitlines().index("    rests_on: [no-sync-on-prem]") + 1
    assert (err.value.file, err.value.line) == (str(path), line)
    assert "unknown assumption 'no-sync-onprem'" in err.value.message
    assert "did you mean no-sync-on-prem?" in err.value.message


def test_rests_on_without_any_assumption_says_so(tmp_path: Path) -> None:
    text = "components:\n  x:\n    reason: r\n    rests_on: [nothing]\n"
    with pytest.raises(InputError, match="the policy assumes nothing") as err:
        load_policy(write_policy(tmp_path, text))
    assert err.value.line == 4


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("{file: orders/tasks.py, line: 0}", "greater than or equal to 1"),
        ("{file: orders/tasks.py, line: '5'}", "valid integer"),
        ("{line: 5}", "Field required"),
        ("{file: orders/tasks.py, line: 5, txt: x}", "unknown key"),
        ("{file: orders/tasks.py, line: 5, commit: 1234567}", 'quote it (commit: "1234567")'),
    ],
)
def test_a_bad_citation_is_an_error_at_its_line(tmp_path: Path, bad: str, says: str) -> None:
    text = f"components:\n  x:\n    reason: r\n    evidence:\n      - {bad}\n"
    with pytest.raises(InputError) as err:
        load_policy(write_policy(tmp_path, text))
    assert err.value.line == 5
    assert says in err.value.message and "evidence" in err.value.message


def test_an_assumption_needs_a_statement(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="statement") as err:
        load_policy(write_policy(tmp_path, "assume:\n  a:\n    evidence: []\n"))
    assert err.value.line == 2


def test_extends_merges_assumptions_like_mappings(tmp_path: Path) -> None:
    parent = write_policy(tmp_path, POLICY, "parent.yaml")
    child = write_policy(
        tmp_path,
        "extends: parent.yaml\n"
        "assume:\n"
        "  no-sync-on-prem: {statement: restated}\n"
        "  one-region: {statement: the install runs in one region}\n"
        "components:\n"
        "  api: {when: gap, status: optional, priority: P3, reason: r, rests_on: [one-region]}\n",
        "child.yaml",
    )
    policy = load_policy(child)
    assert policy.assume["no-sync-on-prem"].statement == "restated"  # the child wins
    # the default policy's own (a P0 that rests on a sender or producer says so) come along
    assert set(policy.assume) == {
        "no-sync-on-prem",
        "one-region",
        "a-sender-exists",
        "a-path-runs",
        "a-producer-runs",
        "a-producer-exists",
    }
    assert policy.alternatives("clowder-sync")[0].rests_on == (
        "no-sync-on-prem",
    )  # the parent's still resolve
    assert load_policy(parent).assume["no-sync-on-prem"].statement.startswith("nothing calls")


def test_the_bundled_policies_load_and_every_rests_on_is_known() -> None:
    koku = load_policy("koku")
    named = {n for _, entry in koku.entries() for n in entry.rests_on}
    assert named and named <= set(koku.assume)
    assert not load_policy("default").citations()  # the generic policy cites no product's code


# --- rows -------------------------------------------------------------------------------------------------


def test_a_row_decided_by_an_entry_carries_its_evidence_and_assumptions(tmp_path: Path) -> None:
    report = analyze([MINI_APP], [MINI_CHART], policy=write_policy(tmp_path))
    [sync] = [r for r in report.rows if r.clowdapp == "clowder-sync"]
    assert (sync.status, sync.priority) == ("optional", "P3")
    assert [str(c) for c in sync.citations] == ["orders/tasks.py:5"]
    assert [a.name for a in sync.assumptions] == ["no-sync-on-prem"]
    assert [str(c) for c in sync.assumptions[0].evidence] == ["orders/tasks.py:4"]
    assert "policy cites orders/tasks.py:5" in sync.evidence
    assert (
        sync.reasons[-1]
        == "assumed: no-sync-on-prem — nothing calls sync_orders where the product is installed"
    )
    data = json.loads(report.to_json())
    [row] = [r for r in data["rows"] if r["clowdapp"] == "clowder-sync"]
    assert row["citations"] == [
        {"file": "orders/tasks.py", "line": 5, "text": "def sync_orders():", "commit": None, "app": None}
    ]
    assert row["assumptions"][0]["name"] == "no-sync-on-prem"
    [migrate] = [r for r in data["rows"] if r["clowdapp"] == "db-migrate"]
    # left out when empty: the JSON of a row no citing entry decided is what it always was
    assert "citations" not in migrate and "assumptions" not in migrate
    text = report.to_markdown()
    assert "## Policy evidence" in text
    assert "| `clowder-sync` | ➖ optional P3 | `orders/tasks.py:5` | no-sync-on-prem |" in text
    assert "- **Assumed: no-sync-on-prem**: nothing calls sync_orders" in text


def test_a_chart_rule_and_the_outcome_entries_cite_too(tmp_path: Path) -> None:
    text = POLICY.replace("  clowder-sync:\n    status: optional", "  clowder-none:\n    status: optional")
    report = analyze([MINI_APP], [MINI_CHART], policy=write_policy(tmp_path, text))
    [database] = [r for r in report.rows if r.clowdapp is None and r.chart == ["rel-shop-database"]]
    assert [str(c) for c in database.citations] == ["shop/settings.py:2"]
    [sync] = [r for r in report.rows if r.clowdapp == "clowder-sync"]
    assert sync.citations == [] and sync.assumptions == []  # its rule (missing web-api) cites nothing


def test_without_evidence_a_report_is_unchanged() -> None:
    report = analyze([MINI_APP], [MINI_CHART])
    assert not any(r.citations or r.assumptions for r in report.rows)
    assert '"citations"' not in report.to_json() and "Policy evidence" not in report.to_markdown()


# --- the stale check --------------------------------------------------------------------------------------


def _stale(tmp_path: Path, policy_text: str, tasks: str = TASKS, commit: str | None = None) -> list[str]:
    root = app_tree(tmp_path / "src", tasks)
    policy = load_policy(write_policy(tmp_path, policy_text))
    notes = stale_citations(policy, [AppSourceDir("shop", root, commit)], ["shop"])
    return [f"{n.code} {n.line} {n.message}" for n in notes]


def components_citing(*items: str) -> str:
    cites = "".join(f"      - {item}\n" for item in items)
    return f"components:\n  clowder-sync:\n    reason: r\n    evidence:\n{cites}"


def test_citations_that_hold_give_no_warning(tmp_path: Path) -> None:
    assert (
        _stale(tmp_path, components_citing("{file: orders/tasks.py, line: 5, text: '  def sync_orders():'}"))
        == []
    )
    assert _stale(tmp_path / "b", components_citing("{file: orders/tasks.py, line: 6}")) == []


def test_a_moved_line_says_where_it_is_now(tmp_path: Path) -> None:
    [note] = _stale(
        tmp_path,
        components_citing("{file: orders/tasks.py, line: 5, text: 'def sync_orders():'}"),
        tasks="# moved\n" + TASKS,
    )
    assert note.startswith("stale-evidence 5 policy components clowder-sync cites orders/tasks.py:5 of shop:")
    assert "line 5 reads '@app.task(queue=\"sync\")'" in note
    assert "the quoted text is now at orders/tasks.py:6" in note


def test_a_changed_line_a_missing_file_and_a_short_file_are_stale(tmp_path: Path) -> None:
    notes = _stale(
        tmp_path,
        components_citing(
            "{file: orders/tasks.py, line: 5, text: 'def sync_everything():'}",
            "{file: orders/gone.py, line: 1}",
            "{file: orders/tasks.py, line: 60}",
            "{file: ../outside.py, line: 1}",
        ),
    )
    assert len(notes) == 4
    assert notes[0].endswith("the quoted text is nowhere in the file")
    assert notes[1].endswith("orders/gone.py:1 of shop: no such file in the source")
    assert notes[2].endswith("the file has 6 lines")
    assert notes[3].endswith("no such file in the source")  # never read outside the source root


def test_a_citation_of_another_app_or_version_is_not_checked(tmp_path: Path) -> None:
    text = components_citing(
        "{file: orders/gone.py, line: 1, app: billing}",
        "{file: orders/gone.py, line: 2, commit: '1111111aaaa'}",
        "{file: orders/gone.py, line: 3, commit: '2222222'}",
    )
    notes = _stale(tmp_path, text, commit="2222222bbbbbbbb")
    assert len(notes) == 1 and "orders/gone.py:3 of shop" in notes[0]  # only the source's own commit


def test_pinned_citations_against_a_source_of_unknown_commit_are_counted_unchecked(tmp_path: Path) -> None:
    text = components_citing(
        "{file: orders/gone.py, line: 2, commit: '1111111'}", "{file: orders/tasks.py, line: 1}"
    )
    [note] = _stale(tmp_path, text)
    assert note.startswith("evidence-unchecked None 1 policy citation(s) of shop name a commit")
    assert "name it as shop@COMMIT" in note


def test_the_commit_of_a_git_checkout_is_read_from_its_metadata(tmp_path: Path) -> None:
    root = app_tree(tmp_path / "src")
    assert checkout_commit(root) is None
    (root / ".git" / "refs" / "heads").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (root / ".git" / "packed-refs").write_text("# pack-refs\nabc1234def refs/heads/main\n", encoding="utf-8")
    assert checkout_commit(root) == "abc1234def"
    (root / ".git" / "refs" / "heads" / "main").write_text("fedcba98765\n", encoding="utf-8")
    assert checkout_commit(root) == "fedcba98765"
    (root / ".git" / "HEAD").write_text("0123456789abcdef\n", encoding="utf-8")  # detached
    assert checkout_commit(root) == "0123456789abcdef"


def test_commits_compare_by_abbreviation() -> None:
    assert same_commit("f6cc00b31", "F6CC00B31AB")
    assert not same_commit("f6cc00b31", "4b5f85cf6")
    assert not same_commit("f6c", "f6cc00b31")  # too short to name a commit


def test_analyze_checks_the_citations_of_the_app_source_given(tmp_path: Path) -> None:
    root = app_tree(tmp_path / "src")
    text = POLICY.replace('line: 5, text: "def sync_orders():"', 'line: 4, text: "def sync_orders():"')
    path = write_policy(tmp_path, text)
    stale = [w for w in analyze([MINI_APP], [MINI_CHART], policy=path, app_sources=root).warnings]
    messages = [w.message for w in stale if w.code == "stale-evidence"]
    assert any(
        "components clowder-sync cites orders/tasks.py:4" in m and "now at orders/tasks.py:5" in m
        for m in messages
    )
    assert not [w for w in analyze([MINI_APP], [MINI_CHART], policy=path).warnings if "evidence" in w.code]


def test_analyze_refuses_an_app_source_of_no_clowdapp_app(tmp_path: Path) -> None:
    root = app_tree(tmp_path / "src")
    with pytest.raises(UsageError) as err:
        analyze([MINI_APP], [MINI_CHART], app_sources={"billing": root})
    assert (
        str(err.value)
        == "app_sources['billing']: no ClowdApp app is named 'billing'; the ClowdApps hold: shop"
    )
    with pytest.raises(InputError, match="application source directory cannot be read"):
        analyze([MINI_APP], [MINI_CHART], app_sources={"shop": tmp_path / "missing"})


# --- koku's own policy against koku's own code ------------------------------------------------------------


@pytest.mark.parametrize(("date", "commit"), [("2026-08-14", "f6cc00b31"), ("2025-10-27", "4b5f85cf6")])
def test_every_koku_citation_holds_at_its_commit(koku_trees: dict[str, Path], date: str, commit: str) -> None:
    report = analyze(
        [CORPUS / "koku" / f"clowdapp-{date}-{commit}.yaml"],
        [CORPUS / "chart" / "cost-onprem-2026-02-12-7cc5007a.yaml"],
        policy="koku",
        app_sources={f"koku@{commit}": koku_trees[commit]},
    )
    assert [w.message for w in report.warnings if "evidence" in w.code] == []
    pinned = [c for _, c in load_policy("koku").citations() if c.commit == commit]
    assert len(pinned) >= 10  # the check above had something to check


def test_koku_citations_read_against_the_wrong_version_are_stale(koku_trees: dict[str, Path]) -> None:
    report = analyze(
        [CORPUS / "koku" / "clowdapp-2026-08-14-f6cc00b31.yaml"],
        [CORPUS / "chart" / "cost-onprem-2026-02-12-7cc5007a.yaml"],
        policy="koku",
        app_sources={"koku@f6cc00b31": koku_trees["4b5f85cf6"]},
    )
    stale = [w for w in report.warnings if w.code == "stale-evidence"]
    assert any(
        "koku/masu/processor/tasks.py:761" in w.message
        and "now at koku/masu/processor/tasks.py:704" in w.message
        for w in stale
    )
    assert all(w.file == "<policy:koku>" and w.line for w in stale)


def test_git_metadata_that_is_not_a_small_regular_file_is_not_read(tmp_path: Path) -> None:
    """A stranger's checkout whose HEAD links to /dev/zero (or a FIFO) names no commit, and is not read
    until memory runs out."""
    root = app_tree(tmp_path / "src")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").symlink_to("/dev/zero")
    assert checkout_commit(root) is None
    (root / ".git" / "HEAD").unlink()
    os.mkfifo(root / ".git" / "HEAD")
    assert checkout_commit(root) is None
