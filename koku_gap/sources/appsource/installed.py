"""Django's ``INSTALLED_APPS``, as the settings modules build it.

``app.autodiscover_tasks()`` with no packages imports ``<app>.tasks`` for every installed app (Celery's
Django fixup), so this list decides which task modules a Celery process registers. The literal, and
every ``+=``, ``.append``, ``.extend`` and ``.insert`` at module level; an addition under an ``if`` is
also a ``Switch`` of kind ``installed-apps`` at the same line.
"""

from __future__ import annotations

import ast

from koku_gap.model.evidence import Value
from koku_gap.sources.appsource.resolve import Frame, Tree

INSTALLED_APPS = "INSTALLED_APPS"


def installed_apps(tree: Tree) -> list[Value]:
    out: list[Value] = []
    for module in tree.settings_modules:
        frame = Frame(module, module.scope)
        for stmt, ctx in module.statements:
            if ctx.function is None and ctx.scope is module.scope:
                for node in _added(stmt):
                    out += tree.values(node, frame, (), 0, frozenset())
    return out


def _added(stmt: ast.stmt) -> list[ast.expr]:
    if isinstance(stmt, ast.Assign) and any(_is_name(t) for t in stmt.targets):
        return _items(stmt.value)
    if isinstance(stmt, ast.AugAssign) and _is_name(stmt.target):
        return _items(stmt.value)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        call = stmt.value
        if isinstance(call.func, ast.Attribute) and _is_name(call.func.value):
            if call.func.attr == "append" and call.args:
                return [call.args[0]]
            if call.func.attr == "extend" and call.args:
                return _items(call.args[0])
            if call.func.attr == "insert" and len(call.args) == 2:
                return [call.args[1]]
    return []


def _items(node: ast.expr) -> list[ast.expr]:
    """The items of ``[...]``, ``(...)`` and their sums; a name or a call stands for itself (it is resolved,
    or said unknown, like any value). A loop, not recursion: a sum may have thousands of terms."""
    out: list[ast.expr] = []
    todo = [node]
    while todo:
        current = todo.pop()
        if isinstance(current, ast.List | ast.Tuple):
            out += [e for e in current.elts if not isinstance(e, ast.Starred)]
        elif isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
            todo += [current.right, current.left]
        else:
            out.append(current)
    return out


def _is_name(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == INSTALLED_APPS
