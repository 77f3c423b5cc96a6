"""Django URL confs: which view functions a URL conf routes, under which ``if``s, and which URL confs
a process serves.

A view sends tasks only when a request reaches it, and a request reaches it only through a URL pattern
of a URL conf the process serves: Django starts from ``ROOT_URLCONF`` (which a setting may choose: a
``MASU`` switch serving ``masu.urls``) and follows ``include()``s, each of which may sit under an
``if``. koku's masu API registers its admin endpoints (``hcs_report_data/``, ``download/``, ...) under
``if not settings.ONPREM or settings.IQE_TEST_RUN:``; with the pods' settings that is false, so what
those views send is never sent. This reader records every ``path(...)``/``re_path(...)``/``url(...)``
whose view is a function of the tree, with the guards it is registered under, the ``ROOT_URLCONF``
assignments (and per-request ``request.urlconf``) and every ``include()``; the engine decides.
Class-based views (``View.as_view()``) and router registrations are not read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping

from koku_gap.model.evidence import UrlConf, UrlInclude, UrlRoute, is_settings_module
from koku_gap.sources.appsource.environment import Environment
from koku_gap.sources.appsource.index import Context, ModuleInfo, keyword, last_name
from koku_gap.sources.appsource.resolve import (
    ClassSym,
    ExternalSym,
    Frame,
    FunctionSym,
    ModuleSym,
    Tree,
    ValueSym,
)

ROUTE_FUNCTIONS = frozenset({"path", "re_path", "url"})
INCLUDES = frozenset({"django.urls.include", "django.conf.urls.include", "django.urls.conf.include"})
URLCONF = "ROOT_URLCONF"

Calls = Mapping[str, list[tuple[ast.Call, Context]]]


class CalledNames(Calls):
    """Every call of the tree by the last name of what it calls: a view also called as a function is not
    a view only. Gathered for a name when first asked, from the modules that call it."""

    def __init__(self, tree: Tree) -> None:
        self._tree = tree
        self._found: dict[str, list[tuple[ast.Call, Context]]] = {}

    def __getitem__(self, name: str) -> list[tuple[ast.Call, Context]]:
        if name not in self._found:
            found = [m.calls[i] for m in self._tree.modules.calling(name) for i in m.call_names[name]]
            if not found:
                raise KeyError(name)
            self._found[name] = found
        return self._found[name]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(set().union(*(s.call_names for s in self._tree.modules.each_summary()))))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def url_routes(tree: Tree, environment: Environment, module: ModuleInfo, called: Calls) -> list[UrlRoute]:
    out: list[UrlRoute] = []
    for call, ctx in module.calls_named(ROUTE_FUNCTIONS):
        if last_name(call.func) not in ROUTE_FUNCTIONS or len(call.args) < 2:
            continue
        view = call.args[1]
        if not isinstance(view, ast.Name | ast.Attribute):
            continue
        function = tree.function(view, tree.frame(ctx))
        if function is None:
            continue
        out.append(
            UrlRoute(
                view=f"{function.module.name}:{function.qualname}",
                place=ctx.place(call),
                guards=environment.guards(ctx),
                called=_called(tree, function, called),
            )
        )
    return out


def _called(tree: Tree, function: FunctionSym, called: Calls) -> bool:
    """Whether some call of the tree may call ``function`` itself: one that resolves to it, or one of its
    name whose target the reader cannot tell apart from it (a bare name it cannot resolve). A call
    resolving to another function, a method of a class or of an object built from one, or an outside
    name is not one (``updater.update_costs()`` does not call the view ``update_costs``)."""
    for call, ctx in called.get(function.node.name, ()):
        frame = tree.frame(ctx)
        target = tree.function(call.func, frame)
        if target is not None:
            if target.module is function.module and target.qualname == function.qualname:
                return True
            continue
        if isinstance(call.func, ast.Name):
            if tree.symbol(call.func, frame) is None:  # not defined in the tree: a star import, maybe it
                return True
            continue
        if isinstance(call.func, ast.Attribute) and _may_hold(tree, call.func.value, frame):
            return True
    return False


def _may_hold(tree: Tree, node: ast.expr, frame: Frame) -> bool:
    """Whether the object ``node`` names may be the view's module (or hold the view): not a module,
    class, function or outside name the reader resolves, nor a variable bound only to calls or
    literals (an instance, a value), nor an attribute of an object it cannot follow (a method); a plain
    name it cannot resolve may be anything."""
    symbol = tree.symbol(node, frame)
    if isinstance(symbol, ModuleSym | ClassSym | ExternalSym | FunctionSym):
        return False
    if isinstance(symbol, ValueSym):
        for value, _ in symbol.values:
            if value is None or isinstance(value, ast.Name | ast.Attribute | ast.Subscript):
                return True  # a parameter, an alias or an item: whatever it holds
        return False
    return isinstance(node, ast.Name)


def url_confs(tree: Tree, environment: Environment, module: ModuleInfo) -> list[UrlConf]:
    """``ROOT_URLCONF = ...`` at module level of a settings module, and ``<x>.urlconf = ...`` anywhere
    (Django's per-request URL conf, set by a middleware)."""
    out: list[UrlConf] = []
    settings = is_settings_module(module.name)
    for stmt, ctx in module.assigns:
        for target in stmt.targets:
            if isinstance(target, ast.Name) and target.id == URLCONF:
                if not settings or ctx.function is not None or ctx.scope is not module.scope:
                    continue
                setting = URLCONF
            elif isinstance(target, ast.Attribute) and target.attr == "urlconf":
                setting = module.text(target)
            else:
                continue
            out.append(
                UrlConf(
                    setting=setting,
                    value=tree.resolve(stmt.value, ctx),
                    place=ctx.place(stmt),
                    guards=environment.guards(ctx),
                )
            )
    return out


def url_includes(tree: Tree, environment: Environment, module: ModuleInfo) -> list[UrlInclude]:
    """Every ``include(...)`` of Django's: the module it names, or None when the reader cannot pin it."""
    out: list[UrlInclude] = []
    for call, ctx in module.calls_named(("include",)):
        if last_name(call.func) != "include":
            continue
        frame = tree.frame(ctx)
        if tree.qualified(call.func, frame) not in INCLUDES:
            continue
        arg = call.args[0] if call.args else keyword(call, "arg")
        if arg is None:
            continue
        if isinstance(arg, ast.Tuple) and arg.elts:  # include((patterns or "mod.urls", app_name))
            arg = arg.elts[0]
        if isinstance(arg, ast.List | ast.Tuple) or _router_urls(tree, arg, frame):
            continue  # patterns written here (read as this module's own) or a router's class-based views
        for target in _included(tree, arg, ctx):
            out.append(UrlInclude(module=target, place=ctx.place(call), guards=environment.guards(ctx)))
    return out


def _included(tree: Tree, arg: ast.expr, ctx: Context) -> list[str | None]:
    """The module names an include's argument can be: a string, or a module of the tree it names."""
    if isinstance(arg, ast.Name | ast.Attribute):
        symbol = tree.symbol(arg, tree.frame(ctx))
        if isinstance(symbol, ModuleSym):
            return [symbol.module.name]
    return [v.value for v in tree.resolve(arg, ctx).values] or [None]


def _router_urls(tree: Tree, arg: ast.expr, frame: Frame) -> bool:
    """``ROUTER.urls`` of a ``*Router()`` the tree builds: Django REST framework's class-based views."""
    if not isinstance(arg, ast.Attribute) or arg.attr != "urls":
        return False
    symbol = tree.symbol(arg.value, frame)
    if not isinstance(symbol, ValueSym) or not symbol.values:
        return False
    return all(
        isinstance(value, ast.Call) and (last_name(value.func) or "").endswith("Router")
        for value, _ in symbol.values
    )
