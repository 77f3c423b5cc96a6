from __future__ import annotations

import ast
import gc
import textwrap
import weakref

from koku_gap.sources.appsource.files import SourceFile
from koku_gap.sources.appsource.index import ModuleInfo, index_module, walk
from tests.sources.appsource.conftest import QUEUES, SHOP


def indexed(code: str, module: str = "pkg.mod", package: bool = False) -> ModuleInfo:
    text = textwrap.dedent(code)
    file = SourceFile(f"{module.replace('.', '/')}.py", module, package, text.encode())
    return index_module(file, ast.parse(text), text)


def test_calls_carry_their_function_and_guards_including_early_returns() -> None:
    info = indexed(
        """
        def register(table, onprem=False):
            if onprem:
                return False
            if table:
                first()
            else:
                second()
            third()
        """
    )
    by_name = {info.text(call.func): ctx for call, ctx in info.calls}
    assert by_name["first"].function == "register"
    assert [(info.text(g.test), g.negated) for g in by_name["first"].guards] == [
        ("onprem", True),
        ("table", False),
    ]
    assert [(info.text(g.test), g.negated) for g in by_name["second"].guards] == [
        ("onprem", True),
        ("table", True),
    ]
    assert [(info.text(g.test), g.negated) for g in by_name["third"].guards] == [("onprem", True)]


def test_scopes_hold_every_assignment_parameter_and_import() -> None:
    info = indexed(
        """
        from .queues import Queue as Q
        import os.path
        X = "a"
        if os.path.sep:
            X = "b"

        class K:
            A = "k"

            def method(self, q=Q.XL):
                local = 1
                return local
        """
    )
    assert [info.text(v) for v in info.scope.assigned["X"] if v] == ['"a"', '"b"']
    assert info.scope.imports["Q"] == ("pkg.queues", "Queue")
    assert info.scope.imports["os"] == ("os", None)
    assert "A" in info.classes["K"][1].assigned
    _, scope, _ = info.functions["K.method"]
    assert scope.param_order == ["self", "q"] and scope.returns and "local" in scope.assigned


def test_relative_imports_of_a_package_start_at_the_package() -> None:
    package = indexed("from . import celery\nfrom ..common import queues\n", "shop.sub", package=True)
    assert package.scope.imports["celery"] == ("shop.sub", "celery")
    assert package.scope.imports["queues"] == ("shop.common", "queues")


def test_text_is_the_source_as_written_even_after_non_ascii() -> None:
    info = indexed('LABEL = "é"; VALUE = compute( "x" )\n')
    call = next(call for call, _ in info.calls)
    assert info.text(call) == 'compute( "x" )'
    assert info.ref(call).text == 'LABEL = "é"; VALUE = compute( "x" )'


LEAVES = (ast.Constant, ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
EVERY_KIND = """
import a.b as c
from .d import (e, f as g)
global h
@deco(x=1)
async def fn(p, /, q: int = 2, *r, s=lambda t=3: t, **u) -> "R":
    nonlocal v
    w = [i async for i in x if i] + {k: v for k, v in y.items()} + {*z} + (n for n in ())
    async with open(f"{w!r:>{width}}") as fh, other():
        await fh.read()[1:2:3, ...]
    yield from (yield)
    del w[0]
    assert w, "msg"
    raise E from None
    try:
        pass
    except* (A, B) as err:
        pass
    match command:
        case [1, *rest] | {"k": 2, **more} if rest:
            pass
        case Point(x=0, y=True) | None | -1 | 1 + 2j:
            pass
        case str() as s2:
            pass
class K(Base, metaclass=M):
    x: list[int] = (a := not b and c or d if e < f <= g else ~h)
    x += 1
    while p: break
    for q, *r in s: continue
"""


def test_walk_is_ast_walk_without_the_leaves() -> None:
    trees = [ast.parse(EVERY_KIND)]
    for app in (SHOP, QUEUES):
        trees += [ast.parse(path.read_text()) for path in sorted(app.rglob("*.py"))]
    for tree in trees:
        expected = [n for n in ast.walk(tree) if not isinstance(n, LEAVES)]
        assert walk(tree) == expected
        for node in ast.walk(tree):  # also from every node, as the readers call it on expressions
            if isinstance(node, ast.expr):
                assert walk(node) == [n for n in ast.walk(node) if not isinstance(n, LEAVES)]


def test_calls_named_are_the_calls_of_those_names_in_the_order_of_calls() -> None:
    info = indexed(
        """
        a.delay(b(1), c.s(get(x)))
        get(x).set(queue=q)
        os.getenv("X") or (lambda: 0)()
        def f():
            return delay()
        """
    )
    every = [(info.text(call.func), ctx.function) for call, ctx in info.calls]
    assert every == [
        ("a.delay", None), ("b", None), ("c.s", None), ("get", None),
        ("get(x).set", None), ("get", None), ("os.getenv", None), ("lambda: 0", None),
        ("delay", "f"),
    ]  # fmt: skip
    named = [(info.text(call.func), ctx.function) for call, ctx in info.calls_named({"delay", "get", "x"})]
    assert named == [("a.delay", None), ("get", None), ("get", None), ("delay", "f")]
    assert info.calls_named(("getenv",))[0][0] is info.calls[6][0]
    assert info.calls_named(()) == [] and info.calls_named({"nothing"}) == []


def test_assigns_are_the_plain_assignments_among_the_statements() -> None:
    info = indexed("A = 1\nB: int = 2\nC += 3\nD = E = f()\nprint(A)\n")
    assert [info.text(s.targets[0]) for s, _ in info.assigns] == ["A", "D"]
    assert len(info.statements) == 5


def test_assigned_to_names_what_the_statement_assigns() -> None:
    info = indexed("import os\nX = os.getenv('X')\nclass K:\n    Y = os.environ['Y']\nos.getenv('Z')\n")
    call, item = info.calls[0][0], info.environ_items[0][0]
    assert info.assigned_to.get(id(call)) == "pkg.mod.X"
    assert info.assigned_to.get(id(item)) == "K.Y"
    assert info.assigned_to.get(id(info.calls[1][0])) is None and id(call) in info.assigned_to


def test_a_released_index_holds_no_cycle() -> None:
    info = indexed("def f(x):\n    if x:\n        return g(x)\nclass K:\n    Y = os.environ['Y']\n")
    tree_ref, info_ref = weakref.ref(info.calls[0][0]), weakref.ref(info)
    info.release()
    assert not info.calls and not info.functions and not info.ifs
    gc.disable()
    try:
        del info
        assert info_ref() is None and tree_ref() is None  # freed by reference counting alone
    finally:
        gc.enable()
