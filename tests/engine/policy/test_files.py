"""Policy files: validation with file and line, extends, overrides, bundled policies (issue 3, policy.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap.engine.policy import Policy, load_policy
from koku_gap.model import rules
from koku_gap.model.bundled import bundled_policies
from koku_gap.model.errors import InputError
from koku_gap.model.vocabulary import priority_at_least
from tests.helpers.engine import graph_component, line_of
from tests.helpers.files import ENGINE_FIXTURES as FIXTURES


def test_default_policy_is_the_default() -> None:
    policy = load_policy()
    assert policy.name == "default"
    assert policy.sources == ("<policy:default>",)
    assert load_policy("default") == policy
    assert policy.strip_prefixes == ()  # a house prefix is an application's (koku.yaml), not generic
    assert policy.missing["kafka-consumer"].priority == "P0"
    uncovered = policy.outcome(rules.UNCOVERED_QUEUE)
    assert uncovered is not None and uncovered.priority == "P0"
    assert policy.missing["migration"].priority == "P1"
    migration = policy.outcome(rules.POST_INSTALL_MIGRATION)
    assert migration is not None and (migration.status, migration.priority) == ("partial", "P2")
    assert (policy.missing["reverse-proxy"].status, policy.missing["reverse-proxy"].priority) == (
        "optional",
        "P2",
    )
    assert (policy.missing["ad-hoc-command"].status, policy.missing["ad-hoc-command"].priority) == (
        "optional",
        "P3",
    )
    for role in ("web-api", "celery-worker", "subcommand"):
        assert policy.missing[role].priority == "P1"


def test_load_policy_koku() -> None:
    koku = load_policy("koku")
    assert isinstance(koku, Policy)
    assert koku.name == "koku"
    assert koku.sources == ("<policy:default>", "<policy:koku>")
    assert koku.missing == load_policy().missing  # inherited
    names = [rule.name or rule.role for rule in koku.chart]
    assert names[:2] == ["*ros-*", "*kruize*"]  # the child's rules are tried first
    assert names[-2:] == ["query-engine", "metastore"]  # then the parent's
    assert set(bundled_policies()) == {"default", "koku"}
    assert koku.strip_prefixes == ("clowder-",)  # koku's deployment names, not the default's


def test_unknown_key_names_the_file_and_the_line() -> None:
    path = FIXTURES / "policy-unknown-key.yaml"
    with pytest.raises(InputError) as caught:
        load_policy(path)
    error = caught.value
    assert error.file == str(path)
    assert error.line == line_of(path, "priorty:")
    assert "priorty" in str(error)
    assert "unknown key" in str(error)
    assert str(error).startswith(f"{path}:{error.line}:")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("name: x\nextends: default\n\ncolour: blue\n")
    with pytest.raises(InputError) as caught:
        load_policy(path)
    assert (caught.value.file, caught.value.line) == (str(path), 4)
    assert "colour" in caught.value.message


def test_bad_value_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("name: x\nmissing:\n  web-api:\n    status: missingg\n    reason: typo\n")
    with pytest.raises(InputError) as caught:
        load_policy(path)
    assert caught.value.line == 4
    assert "missing.web-api.status" in caught.value.message


def test_unknown_key_in_a_chart_rule(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(
        "extends: default\nchart:\n  - name: '*-x'\n    status: better\n    reason: r\n    colour: red\n"
    )
    with pytest.raises(InputError) as caught:
        load_policy(path)
    assert caught.value.line == 6
    assert "colour" in caught.value.message


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("- a\n- b\n")
    with pytest.raises(InputError) as caught:
        load_policy(path)
    assert caught.value.file == str(path)


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_policy(tmp_path / "nope.yaml")
    assert "nope.yaml" in str(caught.value)


def test_extends_merges_child_first() -> None:
    child = load_policy(FIXTURES / "policy-child.yaml")
    assert child.name == "child"
    assert child.sources == (str(FIXTURES / "policy-parent.yaml"), str(FIXTURES / "policy-child.yaml"))
    # chart rules concatenate, the child's first: its rule for the same glob wins
    assert [(r.name, r.status) for r in child.chart] == [("*-gadget", "better"), ("*-gadget", "extra")]
    assert child.chart_rule("rel-gadget", "unknown") is not None
    assert child.chart_rule("rel-gadget", "unknown").status == "better"  # type: ignore[union-attr]
    # mappings merge, the child wins per key
    assert child.missing["web-api"].status == "optional"
    assert child.missing["subcommand"].reason == "parent: a worker is missing"
    # other lists are unions
    assert set(child.strip_prefixes) == {"svc-", "clowder-"}


def test_extends_loop_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    with pytest.raises(InputError) as caught:
        load_policy(tmp_path / "a.yaml")
    assert "loops" in caught.value.message


def test_extends_a_missing_parent_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: nothere.yaml\n")
    with pytest.raises(InputError) as caught:
        load_policy(tmp_path / "a.yaml")
    assert "nothere.yaml" in str(caught.value)


def test_override_and_alias_lookups_are_globs() -> None:
    policy = Policy.model_validate(
        {
            "components": {"clowder-worker-*-xl": {"status": "optional", "priority": "P3", "reason": "xl"}},
            "match": {"api-*": "rel-api", "clowder-odd": ["rel-a", "rel-b"]},
        }
    )
    override = policy.override_for(graph_component("clowder-worker-ocp-xl"))
    assert override is not None and override.reason == "xl"
    assert policy.override_for(graph_component("clowder-worker-ocp")) is None
    assert policy.aliases_for("api-reads") == ["rel-api"]
    assert policy.aliases_for("clowder-odd") == ["rel-a", "rel-b"]
    assert policy.aliases_for("other") == []


def test_policy_models_are_frozen_and_strict() -> None:
    with pytest.raises(ValueError):
        Policy.model_validate(
            {"missing": {"web-api": {"status": "missing", "priority": "P9", "reason": "x"}}}
        )
    policy = load_policy()
    with pytest.raises(ValueError):
        policy.name = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("priority", "threshold", "expected"),
    [
        ("P0", "P0", True),
        ("P0", "P3", True),
        ("P1", "P0", False),
        ("P3", "P2", False),
        ("P2", "P2", True),
        (None, "P3", False),
        ("P0", "none", False),
    ],
)
def test_priority_at_least(priority, threshold, expected) -> None:  # type: ignore[no-untyped-def]
    assert priority_at_least(priority, threshold) is expected


@pytest.mark.parametrize("parent", ["/etc/passwd", "../outside.yaml", "link.yaml"])
def test_extends_never_reads_outside_the_policys_directory(tmp_path: Path, parent: str) -> None:
    """A policy comes with a pull request: its ``extends:`` must not read (and quote) the CI machine."""
    outside = tmp_path / "outside.yaml"
    outside.write_text("name: secret\n")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "link.yaml").symlink_to(outside)
    child = tmp_path / "repo" / "policy.yaml"
    child.write_text(f"extends: {parent}\n")
    with pytest.raises(InputError) as caught:
        load_policy(child)
    assert (caught.value.file, caught.value.line) == (str(child), 1)
    assert "'extends' names a bundled policy (default, koku) or a file in this policy's directory" in str(
        caught.value
    )


def test_extends_reads_a_file_beside_the_policy(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "base.yaml").write_text("extends: default\npartial_priority: P1\n")
    child = tmp_path / "policy.yaml"
    child.write_text("extends: sub/base.yaml\n")
    assert load_policy(child).partial_priority == "P1"


def test_of_several_errors_the_first_by_line_is_reported(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "extends: default\nmissing:\n  celery-worker: {status: nope, priority: P1, reason: x}\n"
        "partial_priority: P9\n"
    )
    with pytest.raises(InputError) as caught:
        load_policy(policy)
    assert caught.value.line == 3 and "missing.celery-worker.status" in caught.value.message
    policy.write_text(
        "extends: default\npartial_priority: P9\n"
        "missing:\n  celery-worker: {status: nope, priority: P1, reason: x}\n"
    )
    with pytest.raises(InputError) as caught:
        load_policy(policy)
    assert caught.value.line == 2 and "partial_priority" in caught.value.message


def test_a_bundled_name_misspelt_says_which_exist() -> None:
    with pytest.raises(InputError) as caught:
        load_policy("kokuu")
    assert (
        str(caught.value)
        == "kokuu: no such policy file, nor a bundled policy: did you mean koku? bundled: default, koku"
    )


def test_a_waiver_expiring_on_no_day_says_so(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("extends: default\nwaivers:\n  - {component: x, reason: r, expires: 2026-02-30}\n")
    with pytest.raises(InputError) as caught:
        load_policy(policy)
    assert (
        caught.value.line == 3
        and "expires '2026-02-30' is not a date (no such day in the calendar)" in str(caught.value)
    )


def test_a_policy_section_too_long_to_match_is_refused(tmp_path: Path) -> None:
    from koku_gap.engine.policy import MAX_ENTRIES

    policy = tmp_path / "p.yaml"
    entries = "".join(f"  c{i}: {{priority: P3, reason: r}}\n" for i in range(MAX_ENTRIES + 1))
    policy.write_text(f"extends: default\ncomponents:\n{entries}")
    with pytest.raises(InputError) as caught:
        load_policy(policy)
    assert (caught.value.line, caught.value.message) == (
        2,
        f"policy components: more than {MAX_ENTRIES} entries (real policies have dozens)",
    )
