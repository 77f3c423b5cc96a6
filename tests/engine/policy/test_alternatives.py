"""``components:`` entries written as alternatives chosen by the component's env (``if_env``,
``unless_env``): loading and its errors, the choice, extends, and the rows it decides (policy.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap.engine.policy import ComponentOverride, load_policy
from koku_gap.model.errors import InputError
from tests.helpers.engine import (
    clowdapp,
    deployment,
    graph_component,
    manage,
    manifests,
    row,
    run,
    workload,
)

POLICY = """name: alternatives
extends: default
components:
  clowder-sync:
    - if_env: [NEW_API]
      when: gap
      status: optional
      priority: P3
      reason: "the new API syncs by itself"
      evidence: [{file: orders/api.py, line: 3, commit: bbbbbbb}]
    - unless_env: [NEW_API]
      when: gap
      status: missing
      priority: P0
      reason: "nothing else syncs orders"
      action: "deploy the sync worker with a feed"
      evidence: [{file: orders/tasks.py, line: 4, commit: aaaaaaa}]
  clowder-api: {status: optional, priority: P3, reason: "one mapping, as before"}
"""


def write_policy(tmp_path: Path, text: str = POLICY) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> InputError:
    with pytest.raises(InputError) as caught:
        load_policy(write_policy(tmp_path, text))
    return caught.value


# --- the choice -------------------------------------------------------------------------------------------


def test_the_first_alternative_whose_env_conditions_hold_decides(tmp_path: Path) -> None:
    policy = load_policy(write_policy(tmp_path))
    new = policy.override_for(graph_component("clowder-sync", {"NEW_API": "true", "OTHER": "1"}))
    old = policy.override_for(graph_component("clowder-sync", {"OTHER": "1"}))
    assert new is not None and new.priority == "P3"
    assert new.reason == "the new API syncs by itself (chosen: the ClowdApp sets NEW_API)"
    assert old is not None and (old.status, old.priority) == ("missing", "P0")
    assert old.reason == "nothing else syncs orders (chosen: the ClowdApp sets no NEW_API)"
    # a value set by reference counts as set: the condition is on the name
    referenced = graph_component(
        "clowder-sync", refs={"NEW_API": {"configMapKeyRef": {"name": "c", "key": "k"}}}
    )
    assert policy.override_for(referenced) == new


def test_a_single_mapping_works_as_before(tmp_path: Path) -> None:
    policy = load_policy(write_policy(tmp_path))
    api = policy.components["clowder-api"]
    assert isinstance(api, ComponentOverride)
    assert policy.override_for(graph_component("clowder-api", {"NEW_API": "1"})) == api  # reason untouched
    assert policy.alternatives("clowder-api") == (api,)


def test_no_alternative_applying_is_no_override(tmp_path: Path) -> None:
    text = POLICY.replace("    - unless_env: [NEW_API]", "    - if_env: [LEGACY]")
    policy = load_policy(write_policy(tmp_path, text))
    assert policy.override_for(graph_component("clowder-sync", {"OTHER": "1"})) is None
    assert policy.override_for(graph_component("clowder-sync", {"LEGACY": "1"})) is not None


def test_if_env_needs_every_name_and_unless_env_none() -> None:
    both = ComponentOverride(reason="r", if_env=("A", "B"), unless_env=("C", "D"))
    assert both.applies_to({"A", "B"})
    assert not both.applies_to({"A"})
    assert not both.applies_to({"A", "B", "D"})
    assert both.condition() == "the ClowdApp sets A and B and sets none of C, D"
    assert ComponentOverride(reason="r").condition() is None
    assert ComponentOverride(reason="r").applies_to(set())


# --- validation: one line, file:line ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "needle", "says"),
    [
        ("    - {if_env: [A], reason: r, colour: red}", "colour", "clowder-sync.0.colour: unknown key"),
        ("    - {if_env: [], reason: r}", "if_env", "clowder-sync.0.if_env: names no variable"),
        ("    - {unless_env: [''], reason: r}", "unless_env", "an empty variable name"),
        ("    - {if_env: A, reason: r}", "if_env", "clowder-sync.0.if_env: Input should be a valid tuple"),
        ("    - {if_env: [A], unless_env: [A], reason: r}", "if_env", "A in both if_env and unless_env"),
        (
            "    - {reason: first}\n    - {if_env: [A], reason: r}",
            "clowder-sync",
            "alternative 0 has no if_env",
        ),
    ],
)
def test_a_bad_alternative_is_an_error_at_its_line(
    tmp_path: Path, entry: str, needle: str, says: str
) -> None:
    text = f"extends: default\ncomponents:\n  clowder-sync:\n{entry}\n"
    error = load_error(tmp_path, text)
    lines = text.splitlines()
    assert error.line is not None and needle in lines[error.line - 1], (error.line, str(error))
    assert says in error.message
    assert str(error).startswith(f"{tmp_path / 'policy.yaml'}:{error.line}: policy components.")
    assert "\n" not in str(error)


def test_an_empty_list_of_alternatives_is_an_error(tmp_path: Path) -> None:
    error = load_error(tmp_path, "extends: default\ncomponents:\n  clowder-sync: []\n")
    assert error.line == 3
    assert error.message == "policy components.clowder-sync: a list of alternatives needs at least one entry"


def test_a_single_mapping_still_names_its_own_keys(tmp_path: Path) -> None:
    error = load_error(
        tmp_path, "extends: default\ncomponents:\n  clowder-sync:\n    reason: r\n    colour: red\n"
    )
    assert (error.line, error.message) == (5, "policy components.clowder-sync.colour: unknown key")


def test_rests_on_of_an_alternative_is_checked(tmp_path: Path) -> None:
    entry = "    - {if_env: [A], reason: r, rests_on: [a-sendr-exists]}"
    text = f"extends: default\ncomponents:\n  clowder-sync:\n{entry}\n"
    error = load_error(tmp_path, text)
    assert error.line == 4
    assert (
        "clowder-sync.0.rests_on.0: unknown assumption 'a-sendr-exists'; did you mean a-sender-exists?"
        in error.message
    )


# --- extends and citations ------------------------------------------------------------------------------


def test_a_child_entry_replaces_the_parents_whole_entry(tmp_path: Path) -> None:
    write_policy(tmp_path)
    child = tmp_path / "child.yaml"
    child.write_text("extends: policy.yaml\ncomponents:\n  clowder-sync: {status: optional, reason: mine}\n")
    policy = load_policy(child)
    assert policy.alternatives("clowder-sync") == (ComponentOverride(status="optional", reason="mine"),)
    inherited = tmp_path / "inherits.yaml"
    inherited.write_text("extends: policy.yaml\nname: inherits\n")
    assert (
        len(load_policy(inherited).alternatives("clowder-sync")) == 2
    )  # the parent's list survives the merge


def test_every_alternative_is_an_entry_with_its_own_citations(tmp_path: Path) -> None:
    policy = load_policy(write_policy(tmp_path))
    where = {w for w, _ in policy.citations()}
    assert where == {"components clowder-sync alternative 0", "components clowder-sync alternative 1"}


# --- the rows ---------------------------------------------------------------------------------------------


def _inputs(env: dict[str, str]) -> tuple[str, str]:
    app = clowdapp(
        deployments=[
            deployment("clowder-api", web="public", command=manage("runserver"), env=env),
            deployment("clowder-sync", command=manage("sync_orders"), env=env),
        ]
    )
    chart = manifests(workload("shop-api", command=manage("runserver"), http=True))
    return app, chart


@pytest.mark.parametrize(
    ("env", "status", "priority", "condition", "commit"),
    [
        ({"NEW_API": "true"}, "optional", "P3", "the ClowdApp sets NEW_API", "bbbbbbb"),
        ({"DEBUG": "0"}, "missing", "P0", "the ClowdApp sets no NEW_API", "aaaaaaa"),
    ],
)
def test_the_row_cites_the_alternative_that_decided_and_says_why(
    tmp_path: Path, env: dict[str, str], status: str, priority: str, condition: str, commit: str
) -> None:
    app, chart = _inputs(env)
    report = run(tmp_path, app, chart, policy=write_policy(tmp_path))
    sync = row(report, "clowder-sync")
    assert (sync.status, sync.priority, sync.policy_override) == (status, priority, True)
    assert sync.reasons[0].startswith("policy: ") and sync.reasons[0].endswith(f"(chosen: {condition})")
    assert [c.commit for c in sync.citations] == [commit]
    if priority == "P0":
        assert (sync.action, sync.act_now) == ("deploy the sync worker with a feed", True)
