"""The engine never depends on a reporter, and reporters read the Report instead of deciding.

Checked on the source with ``ast``: imports of ``koku_gap.report.*`` outside the report package, and,
inside the reporters, membership tests on a row's status or priority (a grouping of their own) or any
comparison of a target's ``via`` (which would assume its values).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from koku_gap.report import format_names

PACKAGE = Path(__file__).resolve().parents[2] / "koku_gap"
ALLOWED = "koku_gap.model.report"
# The command line picks the reporter the user asked for; the API takes the extras reporters declare
# (report.Extra). Both sit above report/ (docs: ARCHITECTURE.md).
FRONT_ENDS = {"cli.py", "api.py"}
# The notebook display hook (Report._repr_markdown_) imports the Markdown reporter lazily; the import
# contract (tests/test_imports.py) replaces this exemption.
NOTEBOOK_HOOK = "model/report.py"
REPORTERS = tuple(f"{name}.py" for name in format_names())


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module an import names, with its line: ``from a.b import c`` names ``a.b`` and ``a.b.c``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def report_imports(tree: ast.AST) -> list[str]:
    """The ``koku_gap.report`` modules an engine module may not import (all but the model)."""
    bad = []
    for line, module in imported_modules(tree):
        inside = module == "koku_gap.report" or module.startswith("koku_gap.report.")
        if inside and module not in ("koku_gap.report", ALLOWED) and not module.startswith(ALLOWED + "."):
            bad.append(f"{line}: {module}")
    return bad


def engine_files() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if "report" not in p.relative_to(PACKAGE).parts[:-1]
        and p.name not in FRONT_ENDS
        and str(p.relative_to(PACKAGE)) != NOTEBOOK_HOOK
    )


@pytest.mark.parametrize("path", engine_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_engine_imports_no_reporter(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert report_imports(tree) == []


def test_the_check_catches_a_reporter_import() -> None:
    for source in (
        "from koku_gap.report import rules",
        "from koku_gap.report.sarif import rule_id",
        "import koku_gap.report.markdown",
        "def f():\n    from koku_gap.report import markdown",
    ):
        assert report_imports(ast.parse(source)), source
    assert report_imports(ast.parse("from koku_gap.model.report import Row, Report")) == []
    assert report_imports(ast.parse("from koku_gap import rules")) == []


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
