"""Environment variables the code reads, the settings they become, and the behaviour they select.

A variable is read with ``os.environ[...]``, ``os.environ.get``, ``os.getenv``, a django-environ (or
environs) ``Env`` object (``env.bool("X", default=False)``, ``env.get_value``, ``env("X")``), or a
project's own one-line wrapper around one of these (``def get_env(name, default=None): return
os.getenv(name, default)``). A *switch* is an ``if`` (or ``a if c else b``) whose condition reads such a
variable or a setting derived from one: it is recorded with what each branch assigns, so a later step can
say what setting the variable changes (``ROOT_URLCONF``, ``INSTALLED_APPS``) before recommending it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from koku_gap.model.evidence import (
    Assignment,
    EnvLibrary,
    EnvRead,
    Guard,
    Helper,
    LiteralKind,
    Place,
    Return,
    Switch,
    SwitchKind,
)
from koku_gap.sources.appsource.index import Context, GuardNode, ModuleInfo, keyword, last_name, walk
from koku_gap.sources.appsource.installed import INSTALLED_APPS
from koku_gap.sources.appsource.resolve import SMALL_FUNCTION, ExternalSym, Frame, FunctionSym, Tree, ValueSym

ENV_CLASSES: dict[str, EnvLibrary] = {
    "environ.Env": "django-environ",
    "environ.environ.Env": "django-environ",
    "environs.Env": "environs",
}
PLAIN_READERS = frozenset({"os.getenv", "os.environ.get", "posix.getenv"})
ENV_CASTS = frozenset(
    {
        "bool",
        "str",
        "int",
        "float",
        "list",
        "tuple",
        "dict",
        "json",
        "url",
        "path",
        "bytes",
        "decimal",
        "db_url",
    }
)
ENV_CASTS_WITH_CAST_ARG = frozenset({"get_value"})  # get_value(var, cast=None, default=NOTSET)
URLCONF = "ROOT_URLCONF"
LIST_CHANGES = frozenset({"append", "extend", "insert", "remove"})
HELPER_LEVELS = 4  # calls followed from a condition: is_x() -> _helper() -> ... (the engine's bound too)
MAX_HELPERS = 2_000  # helpers read for one tree
HELPER_STATEMENTS = (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return, ast.Pass, ast.Import,
                     ast.ImportFrom)  # fmt: skip


@dataclass(frozen=True)
class EnvCall:
    variable: ast.expr
    default: ast.expr | None
    accessor: str
    cast: str | None
    library: EnvLibrary
    parse_default: bool = False


@dataclass(frozen=True)
class Noted:
    """A function conditions call, by file (a dotted name may be two files) and qualified name."""

    file: str
    qualname: str
    level: int
    names: tuple[str, ...]


@dataclass
class _Called:
    """A function conditions call: by which names (``module.expression``), from how deep a call chain."""

    callee: FunctionSym
    level: int
    names: set[str] = field(default_factory=set)


class Environment:
    """Finds env reads in calls and subscripts, and what a condition reads, for one tree."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self._called: dict[tuple[str, str], _Called] = {}  # (module, qualname) -> the calls of it
        self._noted: set[tuple[int, int]] = set()  # (condition, scope) whose calls are noted
        self._level = 0  # how deep a call chain the conditions being read sit (0: a statement's own)
        self._returns: dict[int, dict[int, list[tuple[ast.Return, Context]]]] = {}
        self._wrappers: dict[tuple[str, str], tuple[str, str | None, EnvCall] | None] = {}
        self._naming: set[int] = set()  # variable names being resolved: `X = os.getenv(X)` must end
        # cheap tests before a lookup: the names Env() objects are bound to, the one-call functions
        self._env_names: set[str] = set().union(*(s.env_objects for s in tree.modules.each_summary()))
        self._wrapper_names: set[str] = set().union(*(s.wrappers for s in tree.modules.each_summary()))
        # the callees env_call can accept: getenv, environ.get, env.<cast>, env(...), a wrapper
        self._read_names = {"getenv", "get", *ENV_CASTS, *ENV_CASTS_WITH_CAST_ARG}
        self._read_names |= self._env_names | self._wrapper_names
        tree.env_default = self.env_default

    # --- reads ---------------------------------------------------------------------------------------

    def env_call(self, call: ast.Call, frame: Frame, depth: int = 0) -> EnvCall | None:
        func = call.func
        short = last_name(func)
        if short is None:
            return None
        if short in ("getenv", "get") and (short == "getenv" or last_name(func.value) == "environ"):  # type: ignore[attr-defined]
            qualified = self.tree.qualified(func, frame)
            if qualified in PLAIN_READERS:
                return _read(call, qualified, None, "os", default_at=1)
            return None
        if (
            isinstance(func, ast.Attribute)
            and (func.attr in ENV_CASTS or func.attr in ENV_CASTS_WITH_CAST_ARG)
            and (library := self.env_library(func.value, frame)) is not None
        ):
            with_cast = func.attr in ENV_CASTS_WITH_CAST_ARG  # get_value(var, cast, default, parse_default)
            cast = _cast_argument(call) if with_cast else func.attr
            return _read(call, frame.module.text(func), cast, library, default_at=2 if with_cast else 1)
        if short in self._env_names and (library := self.env_library(func, frame)) is not None:  # env("X")
            return _read(call, frame.module.text(func), _cast_argument(call), library, default_at=2)
        if depth == 0 and short in self._wrapper_names:
            callee = self.tree.function(func, frame)
            if callee is not None:
                return self.wrapped(call, callee)
        return None

    def env_library(self, node: ast.expr, frame: Frame) -> EnvLibrary | None:
        """The library of the ``Env()`` object ``node`` names, if it names one."""
        if last_name(node) not in self._env_names:
            return None
        symbol = self.tree.symbol(node, frame)
        if not isinstance(symbol, ValueSym):
            return None
        for value, where in symbol.values:
            if isinstance(value, ast.Call):
                library = ENV_CLASSES.get(self.tree.qualified(value.func, where) or "")
                if library is not None:
                    return library
        return None

    def wrapped(self, call: ast.Call, callee: FunctionSym) -> EnvCall | None:
        """A call of a one-line wrapper ``def f(name, default=None): return os.getenv(name, default)``."""
        key = (callee.module.name, callee.qualname)
        if key not in self._wrappers:
            self._wrappers[key] = self._wrapper(callee)
        found = self._wrappers[key]
        if found is None:
            return None
        name_param, default_param, inner = found
        order = callee.scope.param_order
        bound: dict[str, ast.expr] = dict(zip(order, call.args, strict=False))
        bound.update({k.arg: k.value for k in call.keywords if k.arg is not None})
        if name_param not in bound:
            return None
        default = bound.get(default_param) if default_param else None
        if default is None and default_param:
            default = callee.scope.params.get(default_param)
        return EnvCall(bound[name_param], default, callee.qualname, inner.cast, inner.library)

    def _wrapper(self, callee: FunctionSym) -> tuple[str, str | None, EnvCall] | None:
        body = [
            s for s in callee.node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        ]
        if len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, ast.Call):
            return None
        inner = self.env_call(body[0].value, Frame(callee.module, callee.scope), depth=1)
        if (
            inner is None
            or not isinstance(inner.variable, ast.Name)
            or inner.variable.id not in callee.scope.params
        ):
            return None
        default = inner.default.id if isinstance(inner.default, ast.Name) else None
        return inner.variable.id, default if default in callee.scope.params else None, inner

    def env_default(self, call: ast.Call, frame: Frame) -> tuple[str, ast.expr | None] | None:
        """For the resolver: ``(variable, default)`` when ``call`` reads the environment."""
        read = self.env_call(call, frame)
        if read is None:
            return None
        variable = self.variable(read.variable, frame)
        return (variable, read.default) if variable else None

    def variable(self, node: ast.expr, frame: Frame) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if id(node) in self._naming:
            return None
        self._naming.add(id(node))
        try:
            known = self.tree.resolve_in(node, frame).known
        finally:
            self._naming.discard(id(node))
        return next(iter(known)) if len(known) == 1 else None

    def environ_item(self, node: ast.Subscript, frame: Frame) -> str | None:
        if self.tree.qualified(node.value, frame) != "os.environ":
            return None
        return self.variable(node.slice, frame)

    def reads(self, module: ModuleInfo) -> list[EnvRead]:
        targets = module.assigned_to
        out: list[EnvRead] = []
        for call, ctx in module.calls_named(self._read_names):
            frame = self.tree.frame(ctx)
            read = self.env_call(call, frame)
            if read is None or (variable := self.variable(read.variable, frame)) is None:
                continue
            default_value, default_kind = _literal(read.default)
            out.append(
                EnvRead(
                    variable=variable,
                    accessor=read.accessor,
                    library=read.library,
                    cast=read.cast,
                    default=module.text(read.default) if read.default is not None else None,
                    default_value=default_value,
                    default_kind=default_kind,
                    parse_default=read.parse_default,
                    assigned_to=targets.get(id(call)),
                    place=ctx.place(call),
                )
            )
        for item, ctx in module.environ_items:
            if isinstance(item.ctx, ast.Load) and (variable := self.environ_item(item, self.tree.frame(ctx))):
                out.append(
                    EnvRead(
                        variable=variable,
                        accessor="os.environ[]",
                        library="os",
                        assigned_to=targets.get(id(item)),
                        place=ctx.place(item),
                    )
                )
        return sorted(out, key=lambda r: r.place.ref.line)

    # --- conditions ----------------------------------------------------------------------------------

    def condition_reads(self, test: ast.expr, frame: Frame) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``(settings, environment variables)`` a condition reads, directly or through a name assigned
        from an env read (``ADMIN = env.bool("ADMIN")``; ``settings.HOSTED``)."""
        settings: list[str] = []
        env: list[str] = []
        for sub in walk(test):
            if isinstance(sub, ast.Call) and (found := self.env_default(sub, frame)):
                env.append(found[0])
            elif isinstance(sub, ast.Subscript) and (variable := self.environ_item(sub, frame)):
                env.append(variable)
            elif isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name | ast.Attribute):
                base = self.tree.symbol(sub.value, frame)
                if isinstance(base, ExternalSym) and base.name == "django.conf.settings":
                    settings.append(sub.attr)
                    env += self.env_behind(self.tree.setting(sub.attr, 0))
            elif isinstance(sub, ast.Name):
                behind = self.env_behind(self.tree.name(sub.id, frame))
                if behind:
                    settings.append(sub.id)
                    env += behind
        return tuple(dict.fromkeys(settings)), tuple(dict.fromkeys(env))

    def env_behind(self, symbol: object, depth: int = 0) -> list[str]:
        """The env variables a variable's assigned values read (following one plain alias)."""
        if not isinstance(symbol, ValueSym) or depth > 2:
            return []
        out: list[str] = []
        for value, where in symbol.values:
            if value is None:
                continue
            if isinstance(value, ast.Name):
                out += self.env_behind(self.tree.name(value.id, where), depth + 1)
                continue
            for sub in walk(value):
                if isinstance(sub, ast.Call) and (found := self.env_default(sub, where)):
                    out.append(found[0])
                elif isinstance(sub, ast.Subscript) and (variable := self.environ_item(sub, where)):
                    out.append(variable)
        return out

    def guards(self, ctx: Context) -> tuple[Guard, ...]:
        frame = self.tree.frame(ctx)
        return tuple(self.guard(node, ctx.module, frame) for node in ctx.guards)

    def guard(self, node: GuardNode, module: ModuleInfo, frame: Frame) -> Guard:
        settings, env = self.condition_reads(node.test, frame)
        self.note_calls(node.test, frame)
        return Guard(
            condition=module.text(node.test),
            negated=node.negated,
            ref=module.ref(node.test),
            settings=settings,
            env=env,
        )

    # --- helpers: functions the conditions call ----------------------------------------------------------

    def note_calls(self, test: ast.expr, frame: Frame) -> None:
        """Note the functions of the tree ``test`` calls, under the names it calls them by."""
        key = (id(test), id(frame.scope))
        if key in self._noted or self._level >= HELPER_LEVELS:
            return
        self._noted.add(key)
        for sub in walk(test):
            if not isinstance(sub, ast.Call) or not isinstance(sub.func, ast.Name | ast.Attribute):
                continue
            callee = self.tree.function(sub.func, frame)
            if callee is None:
                continue
            called = self._called.setdefault(
                (callee.module.name, callee.qualname), _Called(callee, self._level)
            )
            called.level = min(called.level, self._level)
            called.names.add(f"{frame.module.name}.{ast.unparse(sub.func)}")

    def helpers(self) -> list[Helper]:
        """Every function the conditions call, read as a :class:`Helper`, and the functions those call in
        their returns and conditions, to ``HELPER_LEVELS`` calls deep; read once the conditions of every
        statement are."""
        out: dict[tuple[str, str], Helper | None] = {}
        while len(out) < MAX_HELPERS:
            todo = [(k, c) for k, c in self._called.items() if k not in out and c.level < HELPER_LEVELS]
            if not todo:
                break
            for key, called in sorted(todo, key=lambda item: (item[1].level, item[0])):
                out[key] = self._helper(called)
        for key, called in self._called.items():  # names noted after a helper was read
            helper = out.get(key)
            if helper is not None and len(called.names) > len(helper.names):
                out[key] = helper.model_copy(update={"names": tuple(sorted(called.names))})
        return [h for h in out.values() if h is not None]

    def noted(self) -> list[Noted]:
        """The functions ``note_calls`` noted, as another process reading the same tree can add them."""
        return [
            Noted(c.callee.module.file.path, c.callee.qualname, c.level, tuple(sorted(c.names)))
            for c in self._called.values()
        ]

    def add_noted(self, noted: Iterable[Noted], module_of_file: Callable[[str], ModuleInfo]) -> None:
        """Add what another process noted (``noted``) reading other modules of this tree."""
        for entry in noted:
            module = module_of_file(entry.file)
            node, scope, _ = module.functions[entry.qualname]
            callee = FunctionSym(module, node, scope, entry.qualname)
            called = self._called.setdefault((module.name, entry.qualname), _Called(callee, entry.level))
            called.level = min(called.level, entry.level)
            called.names.update(entry.names)

    def _helper(self, called: _Called) -> Helper | None:
        callee = called.callee
        node, scope, module = callee.node, callee.scope, callee.module
        if not followable(self.tree, callee):
            return None
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        defaults += args.defaults
        previous, self._level = self._level, called.level + 1
        try:
            returns = []
            for stmt, ctx in self.returns_of(module).get(id(scope), []):
                frame = self.tree.frame(ctx)
                if stmt.value is not None:
                    self.note_calls(stmt.value, frame)
                returns.append(
                    Return(
                        expression=module.text(stmt.value) if stmt.value is not None else "None",
                        ref=module.ref(stmt),
                        guards=self.guards(ctx),
                    )
                )
        finally:
            self._level = previous
        return Helper(
            function=f"{module.name}:{callee.qualname}",
            place=Place(module=module.name, function=callee.qualname, ref=module.ref(node)),
            names=tuple(sorted(called.names)),
            params=tuple((a.arg, _text(module, d)) for a, d in zip(positional, defaults, strict=True)),
            keyword_only=tuple(
                (a.arg, _text(module, d)) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
            ),
            variadic=args.vararg is not None or args.kwarg is not None,
            locals=tuple(sorted({*scope.assigned, *scope.imports})),
            returns=tuple(returns),
        )

    def returns_of(self, module: ModuleInfo) -> dict[int, list[tuple[ast.Return, Context]]]:
        """The module's ``return`` statements by the scope they return from, in source order."""
        if id(module) not in self._returns:
            found: dict[int, list[tuple[ast.Return, Context]]] = {}
            for stmt, ctx in module.statements:
                if isinstance(stmt, ast.Return):
                    found.setdefault(id(ctx.scope), []).append((stmt, ctx))
            self._returns[id(module)] = found
        return self._returns[id(module)]

    def switches(self, module: ModuleInfo) -> list[Switch]:
        out: list[Switch] = []
        for node, ctx in module.ifs:
            frame = self.tree.frame(ctx)
            settings, env = self.condition_reads(node.test, frame)
            if not settings and not env:
                continue
            then, orelse = _assignments(module, node.body), _assignments(module, node.orelse)
            out.append(self._switch(module.text(node.test), settings, env, then, orelse, ctx, node))
        for stmt, ctx in module.statements:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.IfExp):
                settings, env = self.condition_reads(stmt.value.test, self.tree.frame(ctx))
                if not settings and not env:
                    continue
                target = " = ".join(module.text(t) for t in stmt.targets)
                then = (Assignment(target=target, value=module.text(stmt.value.body), ref=module.ref(stmt)),)
                orelse = (
                    Assignment(target=target, value=module.text(stmt.value.orelse), ref=module.ref(stmt)),
                )
                out.append(self._switch(module.text(stmt.value.test), settings, env, then, orelse, ctx, stmt))
        return sorted(out, key=lambda s: s.place.ref.line)

    def _switch(
        self,
        condition: str,
        settings: tuple[str, ...],
        env: tuple[str, ...],
        then: tuple[Assignment, ...],
        orelse: tuple[Assignment, ...],
        ctx: Context,
        at: ast.AST,
    ) -> Switch:
        targets = {a.target.split(".")[-1] for a in (*then, *orelse)}
        kind: SwitchKind = (
            "url-conf" if URLCONF in targets else "installed-apps" if INSTALLED_APPS in targets else "if"
        )
        return Switch(
            kind=kind,
            condition=condition,
            settings=settings,
            env=env,
            then=then,
            orelse=orelse,
            guards=self.guards(ctx),
            place=ctx.place(at),
        )


def _read(
    call: ast.Call, accessor: str, cast: str | None, library: EnvLibrary, *, default_at: int
) -> EnvCall | None:
    variable = call.args[0] if call.args else keyword(call, "var") or keyword(call, "key")
    if variable is None or isinstance(variable, ast.Starred):
        return None
    default = keyword(call, "default")
    if default is None and len(call.args) > default_at and not isinstance(call.args[default_at], ast.Starred):
        default = call.args[default_at]
    parse = keyword(call, "parse_default")
    if parse is None and default_at == 2 and len(call.args) > 3:
        parse = call.args[3]  # get_value(var, cast, default, parse_default) and env(var, cast, default, ...)
    parse_default = isinstance(parse, ast.Constant) and parse.value is True
    return EnvCall(variable, default, accessor, cast, library, parse_default and library == "django-environ")


def _literal(node: ast.expr | None) -> tuple[str | None, LiteralKind | None]:
    """A default written as a literal: its text and its Python type (``"False"`` is a ``str``, ``False``
    a ``bool``), which is what the read returns when the variable is unset; ``(None, None)`` otherwise."""
    if node is None or not isinstance(node, ast.Constant | ast.UnaryOp):
        return None, None
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None, None
    if value is None:
        return None, "none"
    if isinstance(value, bool):
        return str(value), "bool"
    if isinstance(value, str):
        return value, "str"
    if isinstance(value, int):
        return str(value), "int"
    if isinstance(value, float):
        return str(value), "float"
    return None, None


def _assignments(module: ModuleInfo, body: list[ast.stmt]) -> tuple[Assignment, ...]:
    """What a branch assigns at its own level: ``X = ...``, ``X += ...``, ``X.append(...)``."""
    out: list[Assignment] = []
    for stmt in body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                out.append(
                    Assignment(
                        target=module.text(target), value=module.text(stmt.value), ref=module.ref(stmt)
                    )
                )
        elif isinstance(stmt, ast.AnnAssign | ast.AugAssign) and stmt.value is not None:
            out.append(
                Assignment(
                    target=module.text(stmt.target), value=module.text(stmt.value), ref=module.ref(stmt)
                )
            )
        elif (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute)
            and stmt.value.func.attr in LIST_CHANGES
        ):
            changed = module.text(stmt.value.func.value)
            out.append(Assignment(target=changed, value=module.text(stmt.value), ref=module.ref(stmt)))
    return tuple(out)


TRANSPARENT_DECORATORS = frozenset({"functools.cache", "functools.lru_cache", "functools.wraps"})


def followable(tree: Tree, callee: FunctionSym) -> bool:
    """A function whose returns say what a call of it returns: small, of a simple body, defined once at
    the top of its module and under no ``if`` (another ``def`` of the name may be the one that runs),
    and decorated by nothing that could replace it (``functools.cache`` and ``lru_cache`` keep it)."""
    node, scope, module = callee.node, callee.scope, callee.module
    if scope.size > SMALL_FUNCTION or not simple_body(node.body) or "." in callee.qualname:
        return False
    _, _, ctx = module.functions[callee.qualname]
    if ctx.guards or len(module.scope.assigned.get(node.name, ())) != 1:
        return False
    frame = Frame(module, module.scope)
    for decorator in node.decorator_list:
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        if tree.qualified(func, frame) not in TRANSPARENT_DECORATORS:
            return False
    return True


def simple_body(body: list[ast.stmt]) -> bool:
    """A body of ``if``s, assignments, expressions, imports and returns only: no loop, ``try``, ``with``,
    ``raise`` or nested definition, so every way out of it is a ``return`` or its end."""
    todo = list(body)
    while todo:
        stmt = todo.pop()
        if isinstance(stmt, ast.If):
            todo += [*stmt.body, *stmt.orelse]
        elif not isinstance(stmt, HELPER_STATEMENTS):
            return False
    return True


def _text(module: ModuleInfo, node: ast.expr | None) -> str | None:
    return module.text(node) if node is not None else None


def _cast_argument(call: ast.Call) -> str | None:
    """``get_value("X", cast=bool)`` / ``env("X", bool)``: the builtin a typed read casts to, if named."""
    node = keyword(call, "cast") or (call.args[1] if len(call.args) > 1 else None)
    if isinstance(node, ast.Name) and node.id in ("bool", "int", "float", "str", "list", "dict"):
        return node.id
    return None
