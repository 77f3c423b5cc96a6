"""Each concept is defined once, in model/vocabulary.py, and the tables derived from it agree with it."""

from __future__ import annotations

import subprocess
import sys
from typing import get_args

import pytest

from koku_gap.model import rules
from koku_gap.model.vocabulary import (
    DRIFTS,
    GAP_STATUSES,
    GROUP_OF_STATUS,
    GROUP_ORDER,
    GROUPS,
    INFRA_ROLES,
    LEVEL_OF_PRIORITY,
    PRIORITIES,
    ROLES,
    SETTLED_STATUSES,
    STATUS_ORDER,
    STATUSES,
    DriftKind,
    Priority,
    RoleKind,
    Status,
    priority_at_least,
)
from koku_gap.report.markdown import MERMAID_STYLE, STATUS_ICON
from koku_gap.report.terminal import STATUS_STYLE


def test_every_status_has_a_group_and_a_description_and_the_tables_follow() -> None:
    assert set(STATUS_ORDER) == set(get_args(Status)) == set(STATUSES)
    assert all(info.description for info in STATUSES.values())
    assert set(GROUP_OF_STATUS.values()) == set(GROUP_ORDER) == set(GROUPS)
    assert {"missing", "partial", "optional"} == GAP_STATUSES
    assert set(STATUS_ORDER) - GAP_STATUSES == SETTLED_STATUSES
    assert STATUS_ORDER[:3] == ("missing", "partial", "optional")  # what to fix first


def test_every_priority_has_a_level_most_urgent_first() -> None:
    assert PRIORITIES == get_args(Priority) == tuple(LEVEL_OF_PRIORITY)
    assert [priority_at_least(p, "P1") for p in PRIORITIES] == [True, True, False, False]
    assert not priority_at_least("P0", "none") and not priority_at_least(None, "P3")


def test_every_role_is_described_and_infrastructure_is_flagged() -> None:
    assert set(ROLES) == set(RoleKind)
    assert all(info.purpose for info in ROLES.values())
    assert {RoleKind.DATABASE, RoleKind.CACHE, RoleKind.KAFKA} | {
        RoleKind.QUERY_ENGINE,
        RoleKind.METASTORE,
        RoleKind.OBJECT_STORE,
    } == INFRA_ROLES
    for kind in INFRA_ROLES:  # a platform service is what a ClowdApp declares, a chart may provide
        assert ROLES[kind].missing is None
    for kind in set(RoleKind) - INFRA_ROLES:
        meta = rules.rule(rules.missing_rule(kind.value))
        assert (meta.short, meta.level) == (ROLES[kind].missing.short, ROLES[kind].missing.level)  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", list(DriftKind))
def test_every_drift_kind_has_its_own_rule_text(kind: DriftKind) -> None:
    meta = rules.rule(rules.drift_rule(kind.value))
    assert meta.short == DRIFTS[kind].short and not meta.short.startswith("Drift:")
    assert meta.full.startswith(DRIFTS[kind].full)


def test_no_product_word_in_the_rule_texts() -> None:
    texts = [DRIFTS[k].full for k in DriftKind] + [
        rules.rule(rules.missing_rule(k.value)).full for k in RoleKind
    ]
    assert not [t for t in texts if "MASU" in t or "koku" in t.lower().replace("koku-gap", "")]


def test_the_reporters_style_every_status() -> None:
    """Reporters keep their own icons and colours, keyed by the vocabulary's statuses."""
    for table in (STATUS_ICON, MERMAID_STYLE, STATUS_STYLE):
        assert set(table) == set(STATUSES)


@pytest.mark.parametrize("module", ["koku_gap.model", "koku_gap.model.report", "koku_gap.model.vocabulary"])
def test_the_model_loads_without_ruamel_or_the_engine(module: str) -> None:
    """A notebook or a reporter reads a Report without paying for the YAML parser or the policy."""
    code = (
        f"import {module}, sys; "
        "bad = [m for m in sys.modules if m.startswith(('ruamel', 'koku_gap.engine', 'koku_gap.yaml'))]; "
        "assert not bad, bad"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
