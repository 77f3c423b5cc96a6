"""One pass over each module's syntax tree: its names, imports, scopes, and every call and ``if`` with the
function and the ``if`` conditions it sits under.

The analyses (Celery, Kafka, settings, entry points) then loop over these lists instead of walking the
tree again each; a reader that wants only calls of certain names (``delay``, ``getenv``) asks
``ModuleInfo.calls_named`` for them, in the order of ``calls``, rather than testing every call. A
statement after ``if cond: return`` in the same block runs only when ``cond`` is false, so such an early
exit is a guard too (negated), as in ``def register(...): if onprem: return ...``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from koku_gap.model.evidence import CodeRef, Place
from koku_gap.sources.appsource.files import SourceFile

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
NodeAt = tuple[str, int, int, int, int]  # file, line, column, end line, end column


def node_at(module: ModuleInfo, node: ast.expr) -> NodeAt:
    """Where an expression is, as a key that names the same node in any process that parsed the file
    (an ``id`` names it in one process only)."""
    end_line, end_col = node.end_lineno or node.lineno, node.end_col_offset or node.col_offset
    return (module.file.path, node.lineno, node.col_offset, end_line, end_col)


@dataclass(frozen=True)
class GuardNode:
    test: ast.expr
    negated: bool


@dataclass
class Scope:
    """Names bound in a module, class or function body: every value assigned to each (``None`` where the
    binding is not an expression: a ``for`` target, an unpacking), its parameters and its imports."""

    qualname: str | None
    assigned: dict[str, list[ast.expr | None]] = field(default_factory=dict)
    params: dict[str, ast.expr | None] = field(default_factory=dict)  # parameter -> default
    param_order: list[str] = field(default_factory=list)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # alias -> (module, name)
    returns: list[ast.expr] = field(default_factory=list)
    size: int = 0  # statements, so "small function" can be told

    def bind(self, name: str, value: ast.expr | None) -> None:
        self.assigned.setdefault(name, []).append(value)


@dataclass(frozen=True)
class Context:
    module: ModuleInfo
    scope: Scope
    function: str | None
    guards: tuple[GuardNode, ...]

    def place(self, node: ast.AST) -> Place:
        return Place(module=self.module.name, function=self.function, ref=self.module.ref(node))


@dataclass
class ModuleInfo:
    file: SourceFile
    lines: list[str]
    scope: Scope
    functions: dict[str, tuple[FunctionNode, Scope, Context]] = field(default_factory=dict)  # qualname
    classes: dict[str, tuple[ast.ClassDef, Scope]] = field(default_factory=dict)  # qualname
    calls: list[tuple[ast.Call, Context]] = field(default_factory=list)
    call_names: dict[str, list[int]] = field(default_factory=dict)  # last name of the callee -> calls[i]
    environ_items: list[tuple[ast.Subscript, Context]] = field(default_factory=list)  # x.environ[...]
    assigned_to: AssignedNames = field(init=False)  # id(call or subscript) -> owner.NAME
    statements: list[tuple[ast.stmt, Context]] = field(default_factory=list)  # simple statements
    assigns: list[tuple[ast.Assign, Context]] = field(default_factory=list)  # those that are ``a = b``
    ifs: list[tuple[ast.If, Context]] = field(default_factory=list)
    imported: list[tuple[str, str | None]] = field(default_factory=list)  # (absolute module, from-name)
    imported_at_load: set[tuple[str, str | None]] = field(default_factory=set)  # those outside functions

    def __post_init__(self) -> None:
        self.assigned_to = AssignedNames(self.lines)

    @property
    def name(self) -> str:
        return self.file.module

    def release(self) -> None:
        """Drop the contexts (which point back at this module) and the nodes: once the analysis is done,
        a tree's index is then freed by reference counting as soon as nothing holds it, rather than
        left for the cyclic collector to find by walking every node of every tree (on koku, 0.25 s)."""
        for held in (self.calls, self.environ_items, self.statements, self.assigns, self.ifs):
            held.clear()
        self.functions.clear()
        self.classes.clear()
        self.call_names.clear()
        self.assigned_to._targets.clear()

    def calls_named(self, names: Collection[str]) -> list[tuple[ast.Call, Context]]:
        """The calls whose callee's last name (``b`` of ``a.b(...)`` and of ``b(...)``) is one of
        ``names``, in the order of ``calls``."""
        found = [self.call_names[name] for name in self.call_names.keys() & names]
        if not found:
            return []
        at = found[0] if len(found) == 1 else sorted(i for indices in found for i in indices)
        return [self.calls[i] for i in at]

    def ref(self, node: ast.AST) -> CodeRef:
        line = getattr(node, "lineno", 1)
        text = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
        return CodeRef(file=self.file.path, line=line, text=text)

    def text(self, node: ast.AST) -> str:
        """The expression as written, on one line (unparsed when it spans lines)."""
        return _text(self.lines, node)

    def absolute(self, module: str | None, level: int) -> str:
        """The absolute name of a (possibly relative) import written in this module."""
        if level == 0:
            return module or ""
        parts = self.name.split(".")
        base = parts if self.file.package else parts[:-1]
        base = base[: len(base) - (level - 1)] if level > 1 else base
        return ".".join([*base, module] if module else base)


def index_module(file: SourceFile, tree: ast.Module, text: str) -> ModuleInfo:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # the parser's lines, not splitlines'
    info = ModuleInfo(file=file, lines=lines, scope=Scope(None))
    _Walker(info).block(tree.body, Context(info, info.scope, None, ()))
    return info


def _text(lines: list[str], node: ast.AST) -> str:
    line, end = getattr(node, "lineno", 0), getattr(node, "end_lineno", -1)
    if line == end and 0 < line <= len(lines):
        raw = lines[line - 1].encode("utf-8", "surrogateescape")  # offsets count UTF-8 bytes
        segment = raw[node.col_offset : node.end_col_offset].decode("utf-8", "replace")  # type: ignore[attr-defined]
        if segment:
            return segment
    return " ".join(ast.unparse(node).split())


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value of the call's keyword argument ``name``, if it is given."""
    return next((k.value for k in call.keywords if k.arg == name), None)


def last_name(node: ast.expr) -> str | None:
    """``b`` of ``a.b`` and of ``b``: the cheap test before a lookup."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


class AssignedNames:
    """``id(call or subscript) -> "owner.NAME"``, the name the statement holding it assigns; the text is
    cut from the source only when a reader asks (most calls feed no name anyone reads)."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines  # the module's, not the module: no cycle to leave for the collector
        self._targets: dict[int, tuple[str, ast.expr]] = {}  # id -> (owner, target)

    def __contains__(self, key: int) -> bool:
        return key in self._targets

    def get(self, key: int) -> str | None:
        found = self._targets.get(key)
        return None if found is None else f"{found[0]}.{_text(self._lines, found[1])}"


_TERMINAL = (ast.Return, ast.Raise, ast.Continue, ast.Break)
_LEAVES = (ast.Constant, ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
# Fields that never hold a node, or hold only leaves (names, numbers, ``Load``, operators): not followed.
_SCALAR_FIELDS = frozenset(
    {"id", "attr", "arg", "name", "asname", "module", "level", "ctx", "op", "ops", "kind", "type_comment"}
    | {"simple", "conversion", "is_async", "tag", "rest", "kwd_attrs"}
)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}  # node class -> the fields that can hold nodes


def _child_fields(kind: type) -> tuple[str, ...]:
    if not issubclass(kind, ast.AST) or issubclass(kind, _LEAVES):  # None, a constant's value, a leaf
        fields: tuple[str, ...] = ()
    else:
        fields = tuple(f for f in kind._fields if f not in _SCALAR_FIELDS)
    _CHILD_FIELDS[kind] = fields
    return fields


def walk(node: ast.AST) -> list[ast.AST]:
    """``ast.walk(node)`` (breadth first, the same order) without the leaves nothing is read from:
    constants and the ``Load``/``Store`` markers on every name are most of a tree's nodes. A list grown
    while it is read is the queue; each node's children are found through its class's fields that can
    hold nodes."""
    todo = [node]
    fields = _CHILD_FIELDS
    for current in todo:
        kind = type(current)
        names = fields.get(kind)
        for name in _child_fields(kind) if names is None else names:
            child = getattr(current, name, None)
            if type(child) is list:
                todo += child
            elif child is not None:
                todo.append(child)
    return [n for n in todo if isinstance(n, ast.AST) and type(n) is not ast.Constant]


class _Walker:
    def __init__(self, info: ModuleInfo) -> None:
        self.info = info

    def block(self, body: list[ast.stmt], ctx: Context) -> None:
        compound = _COMPOUND
        for stmt in body:
            ctx.scope.size += 1
            handler = compound.get(type(stmt))
            if handler is None:
                self.simple(stmt, ctx)
                continue
            handler(self, stmt, ctx)
            if (
                isinstance(stmt, ast.If)
                and not stmt.orelse
                and stmt.body
                and isinstance(stmt.body[-1], _TERMINAL)
            ):
                ctx = Context(ctx.module, ctx.scope, ctx.function, (*ctx.guards, GuardNode(stmt.test, True)))

    def expressions(
        self, ctx: Context, *nodes: ast.AST | None, assigned: tuple[str, ast.expr] | None = None
    ) -> None:
        """Record the calls (and ``environ[...]`` reads) in ``nodes``, in ``walk``'s order; ``assigned``:
        the name the statement assigns, which each of them feeds."""
        info = self.info
        calls, names, targets = info.calls, info.call_names, info.assigned_to._targets
        fields = _CHILD_FIELDS
        for node in nodes:
            if node is None:
                continue
            todo = [node]
            for current in todo:  # breadth first, as walk()
                kind = type(current)
                if kind is ast.Name or kind is ast.Constant:  # most nodes, and they hold none
                    continue
                if isinstance(current, ast.Call):
                    func = current.func
                    callee = last_name(func)
                    if callee is not None:
                        names.setdefault(callee, []).append(len(calls))
                    calls.append((current, ctx))
                    if assigned is not None:
                        targets[id(current)] = assigned
                    todo.append(func)
                    todo += current.args
                    todo += current.keywords
                    continue
                if isinstance(current, ast.Attribute | ast.keyword):
                    todo.append(current.value)
                    continue
                if isinstance(current, ast.Subscript):
                    if _is_environ(current.value):
                        info.environ_items.append((current, ctx))
                        if assigned is not None:
                            targets[id(current)] = assigned
                elif isinstance(current, ast.NamedExpr) and isinstance(current.target, ast.Name):
                    ctx.scope.bind(current.target.id, current.value)
                kind_fields = fields.get(kind)
                for name in _child_fields(kind) if kind_fields is None else kind_fields:
                    child = getattr(current, name, None)
                    if type(child) is list:
                        todo += child
                    elif child is not None:
                        todo.append(child)

    def if_(self, stmt: ast.If, ctx: Context) -> None:
        self.info.ifs.append((stmt, ctx))
        self.expressions(ctx, stmt.test)
        self.block(stmt.body, self.guarded(ctx, stmt.test, False))
        self.block(stmt.orelse, self.guarded(ctx, stmt.test, True))

    def class_(self, stmt: ast.ClassDef, ctx: Context) -> None:
        qualname = f"{ctx.scope.qualname}.{stmt.name}" if ctx.scope.qualname else stmt.name
        ctx.scope.bind(stmt.name, None)
        scope = Scope(qualname)
        self.info.classes[qualname] = (stmt, scope)
        self.expressions(ctx, *stmt.decorator_list, *stmt.bases, *stmt.keywords)
        self.block(stmt.body, Context(ctx.module, scope, ctx.function, ctx.guards))

    def for_(self, stmt: ast.For | ast.AsyncFor, ctx: Context) -> None:
        self.targets(stmt.target, None, ctx)
        self.expressions(ctx, stmt.iter)
        self.block(stmt.body, ctx)
        self.block(stmt.orelse, ctx)

    def while_(self, stmt: ast.While, ctx: Context) -> None:
        self.expressions(ctx, stmt.test)
        self.block(stmt.body, ctx)
        self.block(stmt.orelse, ctx)

    def with_(self, stmt: ast.With | ast.AsyncWith, ctx: Context) -> None:
        for item in stmt.items:
            self.expressions(ctx, item.context_expr)
            if item.optional_vars is not None:
                self.targets(item.optional_vars, None, ctx)
        self.block(stmt.body, ctx)

    def try_(self, stmt: ast.Try | ast.TryStar, ctx: Context) -> None:
        self.block(stmt.body, ctx)
        for handler in stmt.handlers:
            if handler.name:
                ctx.scope.bind(handler.name, None)
            self.block(handler.body, ctx)
        self.block(stmt.orelse, ctx)
        self.block(stmt.finalbody, ctx)

    def match(self, stmt: ast.Match, ctx: Context) -> None:
        self.expressions(ctx, stmt.subject)
        for case in stmt.cases:
            self.block(case.body, ctx)

    def guarded(self, ctx: Context, test: ast.expr, negated: bool) -> Context:
        return Context(ctx.module, ctx.scope, ctx.function, (*ctx.guards, GuardNode(test, negated)))

    def function(self, node: FunctionNode, ctx: Context) -> None:
        ctx.scope.bind(node.name, None)
        qualname = f"{ctx.scope.qualname}.{node.name}" if ctx.scope.qualname else node.name
        scope = Scope(qualname)
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(
            args.defaults
        )
        for arg, default in zip(positional, defaults, strict=True):
            scope.params[arg.arg] = default
            scope.param_order.append(arg.arg)
        for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            scope.params[arg.arg] = kw_default
        for extra in (args.vararg, args.kwarg):
            if extra is not None:
                scope.params[extra.arg] = None
        self.expressions(ctx, *node.decorator_list, *args.defaults, *[d for d in args.kw_defaults if d])
        inner = Context(ctx.module, scope, qualname, ())
        self.info.functions[qualname] = (node, scope, ctx)
        self.block(node.body, inner)

    def targets(self, target: ast.expr, value: ast.expr | None, ctx: Context) -> None:
        if isinstance(target, ast.Name):
            ctx.scope.bind(target.id, value)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self.targets(element.value if isinstance(element, ast.Starred) else element, None, ctx)

    def imported(self, name: tuple[str, str | None], ctx: Context) -> None:
        """An import; one outside any function runs when the module is loaded."""
        self.info.imported.append(name)
        if ctx.function is None:
            self.info.imported_at_load.add(name)

    def simple(self, stmt: ast.stmt, ctx: Context) -> None:
        info = self.info
        info.statements.append((stmt, ctx))
        assigned: ast.expr | None = None
        if isinstance(stmt, ast.Assign):
            info.assigns.append((stmt, ctx))
            if len(stmt.targets) == 1:
                assigned = stmt.targets[0]
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    ctx.scope.bind(target.id, stmt.value)
                else:
                    self.targets(target, stmt.value, ctx)
        elif isinstance(stmt, ast.Expr):  # the commonest after assignments: nothing bound
            pass
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                assigned = stmt.target
                self.targets(stmt.target, stmt.value, ctx)
        elif isinstance(stmt, ast.AugAssign):
            self.targets(stmt.target, None, ctx)
        elif isinstance(stmt, ast.Return):
            if stmt.value is not None:
                ctx.scope.returns.append(stmt.value)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                self.imported((alias.name, None), ctx)
                if alias.asname:
                    ctx.scope.imports[alias.asname] = (alias.name, None)
                else:  # `import a.b` binds `a`
                    top = alias.name.split(".")[0]
                    ctx.scope.imports[top] = (top, None)
            return
        elif isinstance(stmt, ast.ImportFrom):
            module = info.absolute(stmt.module, stmt.level)
            for alias in stmt.names:
                self.imported((module, alias.name), ctx)
                if alias.name != "*":
                    ctx.scope.imports[alias.asname or alias.name] = (module, alias.name)
            return
        if isinstance(assigned, ast.Name | ast.Attribute):
            owner = ctx.function or ctx.scope.qualname or info.name
            self.expressions(ctx, stmt, assigned=(owner, assigned))
        else:
            self.expressions(ctx, stmt)


# The statements holding others, by class (the parser makes no subclasses); any other is a simple one.
_COMPOUND: dict[type, Callable[[_Walker, Any, Context], None]] = {
    ast.If: _Walker.if_,
    ast.FunctionDef: _Walker.function,
    ast.AsyncFunctionDef: _Walker.function,
    ast.ClassDef: _Walker.class_,
    ast.For: _Walker.for_,
    ast.AsyncFor: _Walker.for_,
    ast.While: _Walker.while_,
    ast.With: _Walker.with_,
    ast.AsyncWith: _Walker.with_,
    ast.Try: _Walker.try_,
    ast.TryStar: _Walker.try_,
    ast.Match: _Walker.match,
}
