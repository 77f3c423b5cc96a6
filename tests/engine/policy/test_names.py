"""Role names and drift kinds in a policy are checked: a typo is an error at its line, not a rule that
never applies (review item 1)."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import TypeAdapter, ValidationError

from koku_gap.engine.policy import ChartRule, DriftKindName, Outcome, RoleName, load_policy
from koku_gap.model.bundled import bundled_policies
from koku_gap.model.errors import InputError
from koku_gap.model.vocabulary import (
    DRIFT_NAMES,
    DRIFTS,
    ROLE_NAMES,
    STATUSES,
    ChartStatus,
    DriftKind,
    RoleKind,
    Status,
)
from tests.helpers.files import ROOT

DRIFT = ROOT / "koku_gap" / "engine" / "drift.py"


def _error(tmp_path: Path, text: str) -> InputError:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policy(path)
    assert caught.value.file == str(path)
    return caught.value


def test_every_drift_kind_drift_py_emits_is_described() -> None:
    text = DRIFT.read_text(encoding="utf-8")
    assert not re.findall(r'kind="', text), "drift.py emits kinds from the vocabulary, not literals"
    emitted = {DriftKind[name] for name in re.findall(r"DriftKind\.([A-Z_]+)", text)}
    assert emitted == set(DriftKind)  # each kind is emitted somewhere, and each has a description
    assert all(DRIFTS[kind].short and DRIFTS[kind].full for kind in emitted)


def _accepted(annotation: Any, names: tuple[str, ...]) -> set[str]:
    adapter: TypeAdapter[str] = TypeAdapter(annotation)
    accepted = set()
    for name in (*names, "no-such-name"):
        with contextlib.suppress(ValidationError):
            accepted.add(adapter.validate_python(name))
    return accepted


def test_the_policy_accepts_exactly_the_vocabulary() -> None:
    assert _accepted(RoleName, ROLE_NAMES) == {kind.value for kind in RoleKind}
    assert _accepted(DriftKindName, DRIFT_NAMES) == {kind.value for kind in DriftKind}
    assert set(get_args(Outcome.model_fields["status"].annotation)) == set(STATUSES) == set(get_args(Status))
    assert set(get_args(ChartRule.model_fields["status"].annotation)) == set(get_args(ChartStatus))


@pytest.mark.parametrize("name", bundled_policies())
def test_bundled_policies_still_load(name: str) -> None:
    policy = load_policy(name)
    assert set(policy.missing) <= set(ROLE_NAMES)
    assert set(policy.partial_on) <= set(DRIFT_NAMES)
    assert {rule.role for rule in policy.chart if rule.role} <= set(ROLE_NAMES)


def test_a_misspelt_role_under_missing_names_its_line_and_the_closest_role(tmp_path: Path) -> None:
    error = _error(
        tmp_path,
        "name: x\nextends: default\nmissing:\n  web-api: {status: missing, priority: P0, reason: ok}\n"
        "  web-apy: {status: missing, priority: P0, reason: typo}\n",
    )
    assert error.line == 5
    assert error.message.startswith("policy missing.web-apy: unknown role 'web-apy'; did you mean web-api?")
    assert "query-engine" in error.message  # the allowed values are listed


def test_a_misspelt_chart_rule_role_names_its_line(tmp_path: Path) -> None:
    error = _error(
        tmp_path,
        "name: x\nextends: koku\nchart:\n  - {name: '*-ui', status: better, reason: ui}\n"
        "  - role: query-engin\n    status: better\n    reason: typo\n",
    )
    assert error.line == 5
    assert "policy chart.1.role: unknown role 'query-engin'; did you mean query-engine?" in error.message


def test_a_misspelt_drift_kind_names_the_files_own_item(tmp_path: Path) -> None:
    # partial_on is validated joined with the parent's (default: [switch-missing]): the bad item sits
    # at another index there; the error names the file's own index and line
    error = _error(tmp_path, "name: x\nextends: default\npartial_on:\n  - probe-missing\n  - switch-mising\n")
    assert error.line == 5
    assert error.message.startswith(
        "policy partial_on.1: unknown drift kind 'switch-mising'; did you mean switch-missing?"
    )


def test_a_name_close_to_nothing_lists_the_allowed_values(tmp_path: Path) -> None:
    error = _error(tmp_path, "name: x\npartial_on: [colour]\n")
    assert error.line == 2
    assert "did you mean" not in error.message
    assert "expected one of: " + ", ".join(DRIFT_NAMES) in error.message


def test_known_names_load(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(
        "name: x\nextends: default\nmissing:\n  unknown: {status: optional, priority: P3, reason: r}\n"
        "partial_on: [probe-missing, hook-phase]\nchart:\n  - {role: cache, status: infra, reason: r}\n",
        encoding="utf-8",
    )
    policy = load_policy(path)
    assert policy.partial_on == ("switch-missing", "probe-missing", "hook-phase")
    assert policy.outcome_for_missing("unknown").status == "optional"
    assert policy.chart_rule("x-redis", "cache") is not None


CLASSIFY = ROOT / "koku_gap" / "engine" / "classify.py"


def test_every_special_gap_kind_has_a_policy_outcome_a_default_and_a_reader() -> None:
    """A special gap kind is one entry of model/rules.py (its words and its policy key); ``Policy``
    builds its outcome fields from those keys, the default policy gives each a value, and classify
    decides each, reading it by its rule id."""
    from koku_gap.engine import policy as policy_module
    from koku_gap.model import rules

    outcome_fields = {
        name
        for name, info in policy_module.Policy.model_fields.items()
        if set(get_args(info.annotation)) == {Outcome, type(None)}  # `Outcome | None`: one kind's outcome
    }
    assert outcome_fields == set(rules.OUTCOME_SECTIONS.values())
    default = load_policy("default")
    assert all(default.outcome(rule_id) is not None for rule_id in rules.OUTCOME_SECTIONS)
    constants = {value: name for name, value in vars(rules).items() if isinstance(value, str)}
    read = set(re.findall(r"policy\.outcome\(rules\.([A-Z_]+)\)", CLASSIFY.read_text(encoding="utf-8")))
    unread = {constants[r] for r in rules.OUTCOME_SECTIONS} - read
    assert not unread, f"classify never reads {unread}"
