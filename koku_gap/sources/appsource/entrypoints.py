"""Where processes start: Django management commands, Celery apps, WSGI/ASGI applications, scripts.

A pod runs one of these (``manage.py listener``, ``celery -A app worker``, ``gunicorn app.wsgi``); the
import graph from it tells which task modules that process has registered.
"""

from __future__ import annotations

import ast

from koku_gap.model.evidence import CeleryApp, EntryKind, EntryPoint, Place
from koku_gap.sources.appsource.index import ModuleInfo, last_name
from koku_gap.sources.appsource.resolve import Tree

APPLICATION_FACTORIES: dict[str, EntryKind] = {
    "django.core.wsgi.get_wsgi_application": "wsgi",
    "django.core.asgi.get_asgi_application": "asgi",
}


def entry_points(tree: Tree, module: ModuleInfo, apps: list[CeleryApp]) -> list[EntryPoint]:
    out: list[EntryPoint] = []
    parts = module.file.path[: -len(".py")].split("/")
    if len(parts) >= 3 and parts[-3:-1] == ["management", "commands"] and not parts[-1].startswith("_"):
        command = module.classes.get("Command")
        if command is not None:
            out.append(
                EntryPoint(kind="management-command", name=parts[-1], place=_place(module, command[0]))
            )
    out += [
        EntryPoint(kind="celery-app", name=app.variable, place=app.place)
        for app in apps
        if app.place.module == module.name
    ]
    targets = module.assigned_to
    factories = {name.rsplit(".", 1)[-1] for name in APPLICATION_FACTORIES}
    for call, ctx in module.calls_named(factories):
        if last_name(call.func) not in factories:
            continue
        kind = APPLICATION_FACTORIES.get(tree.qualified(call.func, tree.frame(ctx)) or "")
        if kind is not None:
            variable = (targets.get(id(call)) or "").rsplit(".", 1)[-1] or "application"
            out.append(EntryPoint(kind=kind, name=f"{module.name}:{variable}", place=ctx.place(call)))
    for node, ctx in module.ifs:
        if ctx.function is None and not ctx.guards and _is_main_test(node.test):
            out.append(EntryPoint(kind="main-script", name=module.name, place=ctx.place(node)))
    return out


def _place(module: ModuleInfo, node: ast.AST) -> Place:
    return Place(module=module.name, function=None, ref=module.ref(node))


def _is_main_test(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )
