"""No koku knowledge outside ``policies/koku.yaml``: the engine knows platforms, not products.

The rule, precisely. In every module of ``koku_gap`` (``**/*.py``), the *code* may not name Koku: its
identifiers (names, attributes, arguments, functions, classes, keywords) and its string literals other
than docstrings, f-string parts included. Comments and docstrings are not code: they may say where a
figure was measured (``a koku run``) or give an example, and they change neither what the program
does nor what it prints. ``policies/default.yaml``, the generic policy a user reads and extends, is
checked whole, comments included. What counts as Koku's:

- ``koku``, ``masu``, ``onprem`` (any case: ``MASU=true``, ``ONPREM``, ``cost-onprem``);
- ``clowder-`` as a name prefix (``clowder-worker-ocp``), or ``clowder`` alone as a literal (the same
  prefix split at its dash); Clowder the platform (``CLOWDER_ENABLED``, "Clowder injects") is generic;
- koku's Celery queue names where they cannot be English words: ``cost_model``, ``ocp``, ``hcs``,
  ``subs_extraction``, ``subs_transmission``, and every ``<queue>_xl`` / ``<queue>_penalty`` of
  ``cost_model``, ``download``, ``ocp``, ``priority``, ``refresh``, ``summary`` (the queues of koku's
  ClowdApp, as ``policies/koku.yaml`` and ``tests/engine/test_corpus_engine.py`` name them). The plain
  words ``priority``, ``summary``, ``refresh`` and ``download`` are field names and prose everywhere.

Not Koku's, though they spell its name: the package's own name in any spelling (``koku_gap``,
``koku-gap``, ``KOKU_GAP_DEBUG``, ``kokuGapComponent``), and the name of a bundled policy as an
identifier: a string literal that is exactly the stem of a file in ``koku_gap/policies/`` (``"koku"``,
as ``--policy koku`` names it). What the bundled koku policy *says* lives in its YAML, not here.

``PENDING`` lists the violations other branches are removing right now, each (file, word) with its
reason; the lead empties it after merging them. Any other violation fails, and so does a ``PENDING``
entry that no longer occurs.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "koku_gap"
POLICIES = PACKAGE / "policies"
GENERIC_POLICY = POLICIES / "default.yaml"
BUNDLED_NAMES = frozenset(p.stem for p in POLICIES.glob("*.yaml"))

PACKAGE_NAME = re.compile(r"koku[-_]?gap", re.IGNORECASE)
_QUEUES = "cost_model|download|ocp|priority|refresh|summary"
_EDGE = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
WORDS: dict[str, re.Pattern[str]] = {
    "koku": re.compile("koku", re.IGNORECASE),
    "masu": re.compile("masu", re.IGNORECASE),
    "onprem": re.compile("onprem", re.IGNORECASE),
    "clowder-": re.compile(r"(?<![a-z0-9])clowder-|^clowder$"),
    "queue": re.compile(
        f"{_EDGE[0]}(cost_model|ocp|hcs|subs_extraction|subs_transmission|(?:{_QUEUES})_(?:xl|penalty)){_EDGE[1]}"
    ),
}

# (file relative to koku_gap/, word of WORDS) -> why it is still there
PENDING: dict[tuple[str, str], str] = {}  # empty since the vocabulary merge; keep it so


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are docstrings (a module's, class's or function's first
    statement), which are documentation, not code."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def code_words(source: str) -> Iterator[tuple[int, str, bool]]:
    """(line, text, is_literal) for every identifier and every string literal but docstrings."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield line, node.value, True
        elif isinstance(node, ast.Name):
            yield line, node.id, False
        elif isinstance(node, ast.Attribute):
            yield line, node.attr, False
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield line, node.name, False
        elif isinstance(node, ast.arg | ast.keyword) and node.arg:
            yield line, node.arg, False
        elif isinstance(node, ast.alias):
            yield line, node.asname or node.name, False


def product_words(text: str, is_literal: bool) -> list[str]:
    """The WORDS in one identifier or literal, after the package's own name and a bundled policy's."""
    if is_literal and text in BUNDLED_NAMES:
        return []
    text = PACKAGE_NAME.sub("", text)
    return [word for word, pattern in WORDS.items() if pattern.search(text)]


def violations_in_python(source: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for line, text, is_literal in code_words(source):
        for word in product_words(text, is_literal):
            found.setdefault(word, []).append(line)
    return found


def violations_in_text(text: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        for word in product_words(line, is_literal=False):
            found.setdefault(word, []).append(number)
    return found


def all_violations() -> dict[tuple[str, str], list[int]]:
    found: dict[tuple[str, str], list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for word, lines in violations_in_python(path.read_text(encoding="utf-8")).items():
            found[(str(path.relative_to(PACKAGE)), word)] = sorted(set(lines))
    for word, lines in violations_in_text(GENERIC_POLICY.read_text(encoding="utf-8")).items():
        found[(str(GENERIC_POLICY.relative_to(PACKAGE)), word)] = lines
    return found


@pytest.fixture(scope="module")
def violations() -> dict[tuple[str, str], list[int]]:
    return all_violations()


def test_no_product_names_in_the_engine_or_the_generic_policy(
    violations: dict[tuple[str, str], list[int]],
) -> None:
    pending = [key for key in violations if key in PENDING]
    if pending:
        text = "; ".join(f"{path} {word!r} ({PENDING[(path, word)]})" for path, word in pending)
        print(f"PENDING product names, tolerated until their branches land: {text}")
        warnings.warn(f"PENDING product names: {text}", stacklevel=1)
    unexpected = {key: lines for key, lines in violations.items() if key not in PENDING}
    assert unexpected == {}, "\n".join(
        f"koku_gap/{path}:{','.join(map(str, lines))}: {word!r} is koku's; put it in policies/koku.yaml"
        for (path, word), lines in unexpected.items()
    )


def test_every_pending_entry_still_occurs(violations: dict[tuple[str, str], list[int]]) -> None:
    gone = [key for key in PENDING if key not in violations]
    assert gone == [], f"fixed: remove from PENDING in tests/test_product_names.py: {gone}"


def test_the_koku_policy_is_where_the_names_live() -> None:
    """The check has something to protect: koku's own policy holds exactly these words."""
    koku = violations_in_text((POLICIES / "koku.yaml").read_text(encoding="utf-8"))
    assert {"koku", "clowder-", "onprem"} <= set(koku)


# --- the checker itself ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "word"),
    [
        ('PREFIX = "clowder-"', "clowder-"),
        ('if words[0] == "clowder":\n    pass', "clowder-"),
        ('NAME = "clowder-worker-ocp"', "clowder-"),
        ('SWITCH = "MASU=true"', "masu"),
        ("def masu_role() -> None:\n    pass", "masu"),
        ("koku_image = 1", "koku"),
        ('HELP = f"the {x} of koku"', "koku"),
        ('env.get("ONPREM")', "onprem"),
        ('WORDS = {"api", "onprem"}', "onprem"),
        ('QUEUES = ("ocp", "summary")', "queue"),
        ('q = "refresh_xl"', "queue"),
        ('q = "download_penalty"', "queue"),
        ('call(queue="subs_extraction")', "queue"),
        ("def f(cost_model: int) -> None:\n    pass", "queue"),
    ],
)
def test_the_checker_finds_product_knowledge(source: str, word: str) -> None:
    assert word in violations_in_python(source), source


@pytest.mark.parametrize(
    "source",
    [
        '"""A docstring about koku, masu and clowder-worker-ocp."""',
        "def f() -> None:\n    '''measured on a koku run'''",
        "x = 1  # koku's template has 32 workloads, MASU=true",
        "import koku_gap.engine\nfrom koku_gap import __version__",
        'FORMAT = "koku-gap-baseline"\nDEBUG = "KOKU_GAP_DEBUG"\nFP = "kokuGapComponent/v1"',
        'BUNDLED = ("default", "koku")',
        'IGNORE = ("CLOWDER_ENABLED", "CLOWDER_CONFIG")\nTEXT = "what Clowder injects"',
        'row["priority"], row["summary"], "refresh", "download"',
        'TEXT = "## Executive summary"',
    ],
)
def test_the_checker_leaves_documentation_and_generic_words_alone(source: str) -> None:
    assert violations_in_python(source) == {}, source


def test_the_checker_reads_the_whole_generic_policy() -> None:
    text = "name: default\n# koku names its deployments so\nstrip_prefixes: [clowder-]\nmatch: {a: ocp_xl}\n"
    assert violations_in_text(text) == {"koku": [2], "clowder-": [3], "queue": [4]}
