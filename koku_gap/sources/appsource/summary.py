"""What the tree-wide scans need of one module, as names: a process that has not parsed a module still
knows whether a scan would find anything in it.

The readers look across the whole tree for a few things: the calls of a name (who calls a function that
registers beats, whether a view is also called as a function), the classes deriving from another (a
``Celery`` subclass), the names ``Env()`` objects are bound to, and the one-call functions that wrap an
env read. Each module's answer is a set of names, taken from its index once; a scan then parses and
reads only the modules whose sets hold the name it looks for (``resolve.Modules``), which finds what a
scan of every tree would, and lets two processes each parse half of a service (``loader``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from koku_gap.sources.appsource.index import ModuleInfo, last_name


@dataclass(frozen=True)
class Summary:
    call_names: frozenset[str]  # the last name of every callee (``b`` of ``a.b(...)``)
    derived_classes: frozenset[str]  # classes with a base: what a Celery subclass may be called
    env_objects: frozenset[str]  # names assigned an ``Env(...)`` call
    wrappers: frozenset[str]  # functions whose body (docstring aside) is one ``return f(...)``
    bases: frozenset[tuple[str, str]]  # (class, the last name of a base of it)
    aliases: frozenset[tuple[str, str]]  # (name imported, the name it is bound to): ``import a as b``


def derived_from(root: str, summaries: Iterable[Summary]) -> set[str]:
    """Every name a class deriving from one named ``root`` can be called by, ``root`` too: the classes
    with a base of such a name, and the import aliases of such names, to a fixpoint. A lookup follows
    only imports and class definitions from a call to a class (a name assigned a class is a variable to
    it), so no call whose callee's last name is outside this set resolves to such a class."""
    bases: list[tuple[str, str]] = []
    aliases: list[tuple[str, str]] = []
    for summary in summaries:
        bases += summary.bases
        aliases += summary.aliases
    found = {root}
    grew = True
    while grew:
        before = len(found)
        found.update(c for c, base in bases if base in found)
        found.update(alias for name, alias in aliases if name in found)
        grew = len(found) > before
    return found


def summarize(module: ModuleInfo) -> Summary:
    env_objects: set[str] = set()
    for stmt, _ in module.statements:
        if not isinstance(stmt, ast.Assign) or not isinstance(stmt.value, ast.Call):
            continue
        if last_name(stmt.value.func) == "Env":
            env_objects.update(n for t in stmt.targets if (n := last_name(t)))
    wrappers: set[str] = set()
    for node, _scope, _ctx in module.functions.values():
        body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        if len(body) == 1 and isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.Call):
            wrappers.add(node.name)
    scopes = [
        module.scope,
        *(s for _, s in module.classes.values()),
        *(s for _, s, _ in module.functions.values()),
    ]
    aliases = {
        ((attr or name).rsplit(".", 1)[-1], alias)
        for scope in scopes
        for alias, (name, attr) in scope.imports.items()
        if (attr or name).rsplit(".", 1)[-1] != alias
    }
    return Summary(
        call_names=frozenset(module.call_names),
        derived_classes=frozenset(node.name for node, _ in module.classes.values() if node.bases),
        env_objects=frozenset(env_objects),
        wrappers=frozenset(wrappers),
        bases=frozenset(
            (node.name, base)
            for node, _ in module.classes.values()
            for expr in node.bases
            if (base := last_name(expr)) is not None
        ),
        aliases=frozenset(aliases),
    )
