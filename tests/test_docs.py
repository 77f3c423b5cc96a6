"""The examples a user copies out of the docs work where they are written (issue 16): every YAML policy
block of docs/policy.md and docs/ci.md loads as a policy, and no waiver in them has expired."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from koku_gap.engine.policy import load_policy

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```yaml\n(.*?)```", re.S)


def policy_blocks(doc: Path) -> list[str]:
    """The ``yaml`` blocks of a doc that are whole policies (they extend one)."""
    return [b for b in BLOCK.findall(doc.read_text(encoding="utf-8")) if re.search(r"^extends: ", b, re.M)]


DOCS = ("policy.md", "ci.md")
EXAMPLES = [(doc, i) for doc in DOCS for i in range(len(policy_blocks(ROOT / "docs" / doc)))]


@pytest.mark.parametrize(("doc", "index"), EXAMPLES)
def test_each_policy_in_the_docs_loads(tmp_path: Path, doc: str, index: int) -> None:
    text = policy_blocks(ROOT / "docs" / doc)[index]
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    policy = load_policy(path)
    for waiver in policy.waivers:  # a copied example must not be a waiver that no longer holds
        assert waiver.expires is None or waiver.expires > date(2026, 12, 2), waiver


def test_the_docs_hold_policies_to_check() -> None:
    assert all(policy_blocks(ROOT / "docs" / doc) for doc in DOCS)


def test_make_report_installs_the_tool_alone() -> None:
    """`make report` prints the bundled example: it needs the tool, not the 244 MB Helm SDK nor the
    development tools (`.base` installs `-e .`; `.installed`, on top, adds `[dev]`). Measured: 53 MB."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^report: \$\(VENV\)/\.base$", makefile, re.M)
    base = makefile.split("$(VENV)/.base: pyproject.toml\n", 1)[1].split("\n\n", 1)[0]
    assert "-e .\n" in base + "\n" and "[dev]" not in base and "helm" not in base
