"""Django URL patterns: which view functions a URL conf routes, under which ``if``s.

A view sends tasks only when a request reaches it, and a request reaches it only through a URL pattern.
koku's masu API registers its admin endpoints (``hcs_report_data/``, ``download/``, ...) under
``if not settings.ONPREM or settings.IQE_TEST_RUN:``; with the pods' settings that is false, so what
those views send is never sent. This reader records every ``path(...)``/``re_path(...)``/``url(...)``
whose view is a function of the tree, with the guards it is registered under; the engine decides.
Class-based views (``View.as_view()``) and router registrations are not read.
"""

from __future__ import annotations

import ast

from koku_gap.model.evidence import UrlRoute
from koku_gap.sources.appsource.environment import Environment
from koku_gap.sources.appsource.index import ModuleInfo, last_name
from koku_gap.sources.appsource.resolve import Tree

ROUTE_FUNCTIONS = frozenset({"path", "re_path", "url"})


def called_names(tree: Tree) -> frozenset[str]:
    """The last name of every function the tree calls: a view also called as a function is not a view
    only."""
    return frozenset(n for m in tree.modules.values() for call, _ in m.calls if (n := last_name(call.func)))


def url_routes(
    tree: Tree, environment: Environment, module: ModuleInfo, called: frozenset[str]
) -> list[UrlRoute]:
    out: list[UrlRoute] = []
    for call, ctx in module.calls:
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
                called=function.node.name in called,
            )
        )
    return out
