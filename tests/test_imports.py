"""The import contract: the folders are the pipeline, and imports only point down it.

    model -> yaml -> sources -> engine -> extras -> report -> api -> history -> cli

A module may import from its own layer and the layers before it, never from a later one, and no
modules import each other in a circle (at any depth, within a layer too). Every import statement
counts, wherever it stands: at the top, inside a function (a lazy import is still a dependency), under
``if TYPE_CHECKING:`` (an annotation that names a later layer's type is one too). Checked on the
source with ``ast``, so nothing is imported to check it.

``koku_gap/__init__.py`` is the facade: it re-exports the public API lazily from every layer, so its
own imports are not checked. Importing a re-exported name through it from inside the package would
hide a dependency, so the facade counts as the top of the list, above ``cli``; only the names it
defines itself (``__version__``) come from it as from a leaf.

Two lists of exceptions, each edge with its reason: ``ALLOWED`` (by design, permanent) and
``PENDING`` (known violations that other branches are removing; the lead empties the list after
merging them). Any violation in neither list fails, and so does a ``PENDING`` entry that no longer
occurs, so the list cannot outlive its reason.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "koku_gap"
ROOT_NAME = "koku_gap"
LAYERS = ("model", "yaml", "sources", "engine", "extras", "report", "api", "history", "config", "cli")
FACADE = ROOT_NAME  # koku_gap/__init__.py

Edge = tuple[str, str]  # (importing module, imported module), dotted names

ALLOWED: dict[Edge, str] = {
    ("koku_gap.model.report", "koku_gap.report.markdown"): (
        "Report._repr_markdown_, the notebook display hook: Jupyter asks the object itself for its "
        "Markdown, so the model renders itself through the reporter, imported inside the method only"
    ),
}

PENDING: dict[Edge, str] = {}  # empty since the pipeline layout landed; keep it so for new code


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the module it names (the most specific one that exists)
    line: int


def module_name(path: Path, package: Path) -> str:
    """``koku_gap/sources/helm/__init__.py`` -> ``koku_gap.sources.helm``, ``.../roles.py`` -> ``...roles``:
    a package is its ``__init__``."""
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    """The position of a module's layer in ``LAYERS``; the facade is above them all."""
    if module == FACADE:
        return len(LAYERS)
    return LAYERS.index(module.split(".")[1])


def _resolve(name: str, known: set[str]) -> str | None:
    """The most specific module of ours that ``name`` names: ``koku_gap.model.report.Row`` -> the module."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module of ``from <level dots><module> import ...``."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(
    module: str, source: str, known: set[str], facade_names: set[str], is_package: bool = False
) -> list[Import]:
    """Every import of our own modules in ``source``, wherever the statement stands."""
    found: list[Import] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            origin = _absolute(node, module, is_package)
            for alias in node.names:
                if origin == FACADE and alias.name in facade_names:
                    continue  # the facade's own constant (__version__): a leaf, no dependency on a layer
                # `from koku_gap.sources import podspec` names a module; `from x.y import Name`, x.y
                names.append(f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in known else origin)
        targets = {_resolve(name, known) for name in names} - {None, module}
        found.extend(Import(module, target, node.lineno) for target in sorted(t for t in targets if t))
    return found


def facade_constants(source: str) -> set[str]:
    """The names the facade assigns itself at its top level (``__version__``), not re-exports."""
    names: set[str] = set()
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def upward(imports: Iterable[Import]) -> dict[Edge, list[int]]:
    """Imports of a later layer than the importer's (the facade's re-exports included), with their lines."""
    found: dict[Edge, list[int]] = {}
    for imp in imports:
        if layer_of(imp.target) > layer_of(imp.module):
            found.setdefault((imp.module, imp.target), []).append(imp.line)
    return found


def cycles(edges: Iterable[Edge]) -> list[tuple[str, ...]]:
    """Every strongly connected group of two or more modules (Tarjan's algorithm), each sorted."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[tuple[str, ...]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(tuple(sorted(group)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


@dataclass(frozen=True)
class Findings:
    upward: dict[Edge, list[int]]
    cycles: list[tuple[str, ...]]


def check(sources: Mapping[str, str], packages: set[str] | None = None) -> Findings:
    """The contract over ``{module name: source}``; the facade's own imports are not checked, and the
    edges of ``ALLOWED`` and ``PENDING`` are left out of the cycle search (they are judged as edges)."""
    known = set(sources)
    constants = facade_constants(sources.get(FACADE, ""))
    imports = [
        imp
        for module, text in sources.items()
        if module != FACADE
        for imp in imports_of(module, text, known, constants, module in (packages or set()))
    ]
    excepted = {*ALLOWED, *PENDING}
    edges = {(i.module, i.target) for i in imports} - excepted
    return Findings(upward(imports), cycles(edges))


def package_sources() -> tuple[dict[str, str], set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    sources = {module_name(p, PACKAGE): p.read_text(encoding="utf-8") for p in paths}
    packages = {module_name(p, PACKAGE) for p in paths if p.name == "__init__.py"}
    return sources, packages


@pytest.fixture(scope="module")
def findings() -> Findings:
    return check(*package_sources())


def test_every_module_is_in_a_layer() -> None:
    sources, _ = package_sources()
    strays = [m for m in sources if m != FACADE and m.split(".")[1] not in LAYERS]
    assert strays == [], f"modules outside the layers {LAYERS}: {strays}"


def test_imports_point_down_the_pipeline(findings: Findings) -> None:
    unexpected = {edge: lines for edge, lines in findings.upward.items() if edge not in {*ALLOWED, *PENDING}}
    pending = [edge for edge in findings.upward if edge in PENDING]
    if pending:
        text = "; ".join(f"{a} -> {b} ({PENDING[(a, b)]})" for a, b in pending)
        print(f"PENDING upward imports, tolerated until their branches land: {text}")
        warnings.warn(f"PENDING upward imports: {text}", stacklevel=1)
    assert unexpected == {}, "\n".join(
        f"{a} (line {', '.join(map(str, lines))}) imports {b}, a later layer"
        for (a, b), lines in unexpected.items()
    )


def test_no_import_cycles(findings: Findings) -> None:
    assert findings.cycles == []


def test_every_exception_still_occurs(findings: Findings) -> None:
    """An ``ALLOWED`` or ``PENDING`` edge that no longer occurs is removed from its list, not kept."""
    gone = [edge for edge in (*ALLOWED, *PENDING) if edge not in findings.upward]
    assert gone == [], f"no longer imported, remove from ALLOWED/PENDING in tests/test_imports.py: {gone}"


def test_the_allowed_import_is_lazy() -> None:
    """The notebook hook may import the reporter only inside a function, never at import time."""
    sources, _ = package_sources()
    for module, target in ALLOWED:
        tree = ast.parse(sources[module])
        top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        assert all(target not in ast.unparse(n) for n in top), (module, target)


# --- the checker itself, on synthetic sources -------------------------------------------------------------


def synthetic(**modules: str) -> dict[str, str]:
    """``model__graph="..."`` -> ``{"koku_gap.model.graph": "..."}``: a package made up for a test."""
    return {".".join((ROOT_NAME, *name.split("__"))).rstrip("."): text for name, text in modules.items()}


def test_the_checker_sees_every_kind_of_import() -> None:
    base = {"model__graph": "", "model__report": "", "engine__match": "", "report__markdown": ""}
    for text, line in (
        ("from koku_gap.engine.match import Names", 1),
        ("import koku_gap.engine.match", 1),
        ("from koku_gap.engine import match", 1),
        ("def f():\n    from koku_gap.engine.match import Names", 2),
        ("import typing\nif typing.TYPE_CHECKING:\n    from koku_gap.engine.match import Names", 3),
        ("try:\n    import koku_gap.engine.match as m\nexcept ImportError:\n    pass", 2),
    ):
        found = check(synthetic(**{**base, "model__graph": text}))
        assert found.upward == {("koku_gap.model.graph", "koku_gap.engine.match"): [line]}, text


def test_the_checker_resolves_relative_imports() -> None:
    sources = synthetic(model__graph="from ..engine import match", engine__match="", engine="")
    assert ("koku_gap.model.graph", "koku_gap.engine.match") in check(sources).upward
    package = synthetic(engine="from . import match", engine__match="", model__graph="")
    assert check(package, {"koku_gap.engine"}).upward == {}


def test_the_checker_accepts_imports_down_and_sideways() -> None:
    sources = synthetic(
        model__graph="",
        yaml__loader="from koku_gap.model.graph import ComponentGraph",
        sources__roles="from koku_gap.model import graph",
        sources__clowdapp="from koku_gap.sources.roles import detect\nfrom koku_gap.yaml.loader import load",
        cli="from koku_gap import __version__\nfrom koku_gap.sources.clowdapp import load",
        **{"": '__version__ = "1"\n_EXPORTS = {}\nfrom koku_gap.cli import main'},
    )
    assert check(sources) == Findings(upward={}, cycles=[])


def test_the_checker_refuses_the_facades_re_exports() -> None:
    sources = synthetic(model__graph="from koku_gap import analyze", **{"": '__version__ = "1"'})
    assert check(sources).upward == {("koku_gap.model.graph", "koku_gap"): [1]}


def test_the_checker_finds_cycles_within_a_layer() -> None:
    sources = synthetic(
        engine__a="from koku_gap.engine.b import x",
        engine__b="def f():\n    from koku_gap.engine.c import y",
        engine__c="import koku_gap.engine.a",
        engine__d="from koku_gap.engine.a import z",
    )
    assert check(sources).cycles == [("koku_gap.engine.a", "koku_gap.engine.b", "koku_gap.engine.c")]


def test_the_exceptions_are_only_the_listed_edges() -> None:
    """ALLOWED excuses its own edge, not another import of the same module or the same target."""
    sources = synthetic(
        model__report="def hook():\n    from koku_gap.report.markdown import render_markdown",
        model__graph="from koku_gap.report.markdown import render_markdown",
        report__markdown="from koku_gap.model.report import Report",
    )
    found = check(sources)
    assert set(found.upward) == {
        ("koku_gap.model.report", "koku_gap.report.markdown"),
        ("koku_gap.model.graph", "koku_gap.report.markdown"),
    }
    assert found.cycles == []  # model.report <-> report.markdown closes only through the allowed edge
