"""Reporters read the Report instead of deciding.

Checked on the source with ``ast``: inside the reporters, membership tests on a row's status or
priority (a grouping of their own) or any comparison of a target's ``via`` (which would assume its
values). That nothing below the reporters imports one is the import contract's (tests/test_imports.py).
"""

from __future__ import annotations

import ast

import pytest

from koku_gap.report import format_names
from tests.helpers.files import ROOT

PACKAGE = ROOT / "koku_gap"
REPORTERS = tuple(f"{name}.py" for name in format_names())


def test_rule_metadata_lives_with_the_engine() -> None:
    assert not (PACKAGE / "report" / "rules.py").exists()
    assert (PACKAGE / "model" / "rules.py").exists()


def own_decisions(tree: ast.AST) -> list[str]:
    """``row.status in (...)``, ``r.priority not in ...``, ``t.via == ...``: what a reporter must not do."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for i, op in enumerate(node.ops):
            left, right = operands[i], operands[i + 1]
            membership = isinstance(op, ast.In | ast.NotIn)
            via = any(isinstance(s, ast.Attribute) and s.attr == "via" for s in (left, right))
            grouped = membership and isinstance(left, ast.Attribute) and left.attr in ("status", "priority")
            if via or grouped:
                found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("name", REPORTERS)
def test_reporters_do_not_group_statuses_or_read_via_values(name: str) -> None:
    path = PACKAGE / "report" / name
    assert own_decisions(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_the_reporter_check_catches_groupings() -> None:
    for source in (
        'r.status in ("match", "consolidated")',
        "r.priority in DETAIL",
        'r.status not in ("better",)',
        't.via == "init-container"',
        '"container" != t.via',
    ):
        assert own_decisions(ast.parse(source)), source
    assert own_decisions(ast.parse('r.status == "better"')) == []  # reading one status is reading
