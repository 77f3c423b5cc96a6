from __future__ import annotations

import ast
import textwrap

from koku_gap.sources.appsource.files import SourceFile
from koku_gap.sources.appsource.index import ModuleInfo, index_module


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
