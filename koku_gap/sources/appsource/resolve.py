"""What a name or an expression stands for, followed statically through the tree.

Two questions, one lookup: *which object* (a module of the tree, a class, a function, Django's
``settings``, or an outside name such as ``os.getenv``) and *which strings* (a queue or topic name).
Strings are followed through module constants, imports, class and enum attributes, ``a or b`` and
``a if c else b``, the locals of the enclosing function (every assignment counts: the set is what the
code *can* send), and calls of small functions of the tree, whose returns are read with the call's
arguments bound to the parameters (``get_queue(customer, Queues)`` -> ``Queues.XL`` ...).
Whatever cannot be followed becomes an explicit unknown with the reason, never a guess.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from koku_gap.model.evidence import Resolution, Value, is_settings_module
from koku_gap.sources.appsource.files import SourceFile
from koku_gap.sources.appsource.index import Context, FunctionNode, ModuleInfo, Scope
from koku_gap.sources.appsource.summary import Summary

MAX_DEPTH = 12  # names followed from one use site: local -> helper call -> parameter -> enum -> literal is 5
MAX_VALUES = 64  # members of one set; beyond that the set says nothing a reader can check
SMALL_FUNCTION = 40  # statements: a helper that picks a name, not a procedure


@dataclass(frozen=True)
class Frame:
    """A scope to look names up in, with the arguments a call bound to its parameters."""

    module: ModuleInfo
    scope: Scope
    bindings: dict[str, tuple[ast.expr, Frame]] = field(default_factory=dict)


@dataclass(frozen=True)
class ModuleSym:
    module: ModuleInfo


@dataclass(frozen=True)
class ClassSym:
    module: ModuleInfo
    node: ast.ClassDef
    scope: Scope


@dataclass(frozen=True)
class FunctionSym:
    module: ModuleInfo
    node: FunctionNode
    scope: Scope
    qualname: str


@dataclass(frozen=True)
class ExternalSym:
    """A name from outside the tree, dotted as imported (``os.getenv``, ``django.conf.settings``)."""

    name: str


@dataclass(frozen=True)
class ValueSym:
    """A variable: the expressions assigned to it, each in the frame it was assigned in."""

    values: tuple[tuple[ast.expr | None, Frame], ...]


Symbol = ModuleSym | ClassSym | FunctionSym | ExternalSym | ValueSym
EnvDefault = Callable[[ast.Call, Frame], tuple[str, ast.expr | None] | None]


class ParseFailed(Exception):
    """A module that parsed in the process that owns it failed to parse here (nested too deeply for the
    stack left where it was asked for): this process's answers would differ, so its work is discarded."""


class Modules(Mapping[str, ModuleInfo]):
    """The tree's modules by dotted name, the first file of a name that parses winning, each parsed and
    indexed when first asked for. Which files parse, and each one's :class:`Summary`, are known for the
    whole tree from the start (``summaries``, by file index; None: it does not parse), so a lookup or a
    scan touches only the modules it needs; ``parsed`` holds the ones read already. Iterated in the order
    ``{m.name: m for m in reversed(parsed modules)}`` gives, which the scans' results follow."""

    def __init__(
        self,
        files: Sequence[SourceFile],
        summaries: Sequence[Summary | None],
        parsed: dict[int, ModuleInfo],
        parse: Callable[[SourceFile], ModuleInfo | None],
    ) -> None:
        self.files = files
        self.summaries = summaries
        self.parsed = parsed
        self._parse = parse
        self._winner: dict[str, int] = {}
        for index in reversed(range(len(files))):
            if summaries[index] is not None:
                self._winner[files[index].module] = index

    def at(self, index: int) -> ModuleInfo:
        """The module of file ``index``, which parses (its summary is not None)."""
        found = self.parsed.get(index)
        if found is None:
            found = self._parse(self.files[index])
            if found is None:
                raise ParseFailed(self.files[index].path)
            self.parsed[index] = found
        return found

    def __getitem__(self, name: str) -> ModuleInfo:
        return self.at(self._winner[name])

    def __contains__(self, name: object) -> bool:
        return name in self._winner

    def __iter__(self) -> Iterator[str]:
        return iter(self._winner)

    def __len__(self) -> int:
        return len(self._winner)

    def get(self, name: str, default: ModuleInfo | None = None) -> ModuleInfo | None:  # type: ignore[override]
        index = self._winner.get(name)
        return default if index is None else self.at(index)

    def calling(self, name: str) -> list[ModuleInfo]:
        """The modules with a call whose callee's last name is ``name``, in this mapping's order."""
        return [self.at(i) for i in self._winner.values() if name in self._summary(i).call_names]

    def each_summary(self) -> Iterator[Summary]:
        return (self._summary(i) for i in self._winner.values())

    def _summary(self, index: int) -> Summary:
        found = self.summaries[index]
        assert found is not None  # only files that parse win a name
        return found


class Tree:
    """The modules of one source tree by dotted name, and the lookups between them."""

    def __init__(self, modules: Modules) -> None:
        self.modules = modules
        self._settings_files = [  # every file of a settings module that parses, duplicates too
            i
            for i, s in enumerate(modules.summaries)
            if s is not None and is_settings_module(modules.files[i].module)
        ]
        self.env_default: EnvDefault | None = None  # set by the environment reader

    @property
    def settings_modules(self) -> list[ModuleInfo]:
        return [self.modules.at(i) for i in self._settings_files]

    def frame(self, ctx: Context) -> Frame:
        return Frame(ctx.module, ctx.scope)

    # --- objects -------------------------------------------------------------------------------------

    def symbol(
        self, node: ast.expr, frame: Frame, depth: int = 0, trail: list[str] | None = None
    ) -> Symbol | None:
        """``trail``, when given, collects the aliases followed (``queue_class`` bound to ``Queue``)."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, ast.Name):
            return self.name(node.id, frame, depth + 1)
        if isinstance(node, ast.Attribute):
            base = self.symbol(node.value, frame, depth + 1, trail)
            return self.member(base, node.attr, depth + 1, trail)
        return None

    def name(self, name: str, frame: Frame, depth: int = 0) -> Symbol | None:
        """What ``name`` is bound to in ``frame`` (then the module, as Python looks names up)."""
        if name in frame.bindings:
            expr, caller = frame.bindings[name]
            return ValueSym(((expr, caller),))
        for scope in (
            (frame.scope, frame.module.scope) if frame.scope is not frame.module.scope else (frame.scope,)
        ):
            own = Frame(frame.module, scope, frame.bindings if scope is frame.scope else {})
            if scope is frame.scope and name in scope.params:
                return ValueSym(((scope.params[name], own),))
            if name in scope.imports:
                module, attr = scope.imports[name]
                return self.imported(module, attr, depth + 1)
            if scope is frame.module.scope:
                if name in frame.module.functions:
                    node, fscope, _ = frame.module.functions[name]
                    return FunctionSym(frame.module, node, fscope, name)
                if name in frame.module.classes:
                    cnode, cscope = frame.module.classes[name]
                    return ClassSym(frame.module, cnode, cscope)
            if name in scope.assigned:
                return ValueSym(tuple((value, own) for value in scope.assigned[name]))
        return None

    def imported(self, module: str, attr: str | None, depth: int) -> Symbol | None:
        if depth > MAX_DEPTH:
            return None
        if attr is None:
            found = self.modules.get(module)
            return ModuleSym(found) if found else ExternalSym(module)
        if f"{module}.{attr}" in self.modules:
            return ModuleSym(self.modules[f"{module}.{attr}"])
        source = self.modules.get(module)
        if source is None:
            return ExternalSym(f"{module}.{attr}")
        return self.name(attr, Frame(source, source.scope), depth + 1)

    def member(
        self, base: Symbol | None, attr: str, depth: int, trail: list[str] | None = None
    ) -> Symbol | None:
        if isinstance(base, ModuleSym):
            if f"{base.module.name}.{attr}" in self.modules:
                return ModuleSym(self.modules[f"{base.module.name}.{attr}"])
            return self.name(attr, Frame(base.module, base.module.scope), depth + 1)
        if isinstance(base, ClassSym):
            qualname = f"{base.scope.qualname}.{attr}"
            if qualname in base.module.classes:
                node, scope = base.module.classes[qualname]
                return ClassSym(base.module, node, scope)
            if attr in base.scope.assigned:
                own = Frame(base.module, base.scope)
                return ValueSym(tuple((value, own) for value in base.scope.assigned[attr]))
            return None
        if isinstance(base, ExternalSym):
            if base.name == "django.conf.settings":
                return self.setting(attr, depth)
            return ExternalSym(f"{base.name}.{attr}")
        if isinstance(base, ValueSym) and len(base.values) == 1:
            value, frame = base.values[0]
            if isinstance(value, ast.Name | ast.Attribute):  # an alias: Q = Queues; Q.XL
                if trail is not None:
                    trail.append(f"{frame.module.text(value)}.{attr}")
                return self.member(self.symbol(value, frame, depth + 1, trail), attr, depth + 1, trail)
        return None

    def setting(self, attr: str, depth: int) -> Symbol | None:
        """``settings.X``: the ``X`` of the tree's settings modules (``*.settings``)."""
        for module in self.settings_modules:
            found = self.name(attr, Frame(module, module.scope), depth + 1)
            if found is not None:
                return found
        return None

    def qualified(self, node: ast.expr, frame: Frame) -> str | None:
        """The dotted outside name an expression stands for (``os.environ.get``), if it is one."""
        symbol = self.symbol(node, frame)
        return symbol.name if isinstance(symbol, ExternalSym) else None

    def function(self, node: ast.expr, frame: Frame) -> FunctionSym | None:
        symbol = self.symbol(node, frame)
        return symbol if isinstance(symbol, FunctionSym) else None

    # --- strings -------------------------------------------------------------------------------------

    def resolve(self, node: ast.expr, ctx: Context) -> Resolution:
        return self.resolve_in(node, self.frame(ctx))

    def resolve_in(self, node: ast.expr, frame: Frame) -> Resolution:
        found: dict[tuple[str | None, str, int], Value] = {}
        for value in self.values(node, frame, (), 0, frozenset()):
            found.setdefault((value.value, value.ref.file, value.ref.line), value)
            if len(found) >= MAX_VALUES:
                break
        return Resolution(expression=frame.module.text(node), values=tuple(found.values()))

    def values(
        self, node: ast.expr, frame: Frame, via: tuple[str, ...], depth: int, path: frozenset[tuple[int, int]]
    ) -> list[Value]:
        module = frame.module
        text = module.text(node)
        via = via if via and via[-1] == text else (*via, text)

        def unknown(reason: str, hints: tuple[str, ...] = ()) -> list[Value]:
            return [Value(value=None, ref=module.ref(node), via=via, reason=reason, hints=hints)]

        if depth > MAX_DEPTH:
            return unknown("too many names to follow")
        key = (id(node), id(frame.scope))  # a pair: an xor of the two ids can collide
        if key in path:
            return unknown("defined in terms of itself")
        path = path | {key}
        deeper = depth + 1
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return [Value(value=node.value, ref=module.ref(node), via=via)]
            return unknown(f"not a string: {text}")
        if isinstance(node, ast.BoolOp):
            return [v for operand in node.values for v in self.values(operand, frame, via, deeper, path)]
        if isinstance(node, ast.IfExp):
            return [
                *self.values(node.body, frame, via, deeper, path),
                *self.values(node.orelse, frame, via, deeper, path),
            ]
        if isinstance(node, ast.Attribute) and node.attr == "value":  # an enum member's value
            return self.values(node.value, frame, via, deeper, path)
        if isinstance(node, ast.Name | ast.Attribute):
            trail: list[str] = []
            symbol = self.symbol(node, frame, depth, trail)
            via = (*via, *trail)
            if isinstance(symbol, ValueSym):
                out: list[Value] = []
                for value, where in symbol.values:
                    if value is None:
                        out += unknown(
                            f"{text} is bound by a loop, an unpacking or a parameter without default"
                        )
                    else:
                        out += self.values(value, where, via, deeper, path)
                return out
            if symbol is None:
                if isinstance(node, ast.Attribute):
                    return unknown(f"{text}: an attribute of an object the reader does not follow")
                return unknown(f"{text} is not defined in the tree")
            return unknown(f"{text} is not a string")
        if isinstance(node, ast.Call):
            return self.call(node, frame, via, deeper, path, unknown)
        if isinstance(node, ast.JoinedStr):
            return unknown("a formatted string")
        return unknown(f"{type(node).__name__.lower()} expression")

    def call(
        self,
        node: ast.Call,
        frame: Frame,
        via: tuple[str, ...],
        depth: int,
        path: frozenset[tuple[int, int]],
        unknown: Callable[..., list[Value]],
    ) -> list[Value]:
        if self.env_default is not None and (read := self.env_default(node, frame)) is not None:
            variable, default = read
            env_unknown = Value(
                value=None,
                ref=frame.module.ref(node),
                via=via,
                reason=f"environment variable {variable}",
                env=variable,
            )
            if default is None:
                return [env_unknown]
            defaults = self.values(default, frame, via, depth, path)
            return [env_unknown, *(v.model_copy(update={"env": variable}) for v in defaults)]
        if isinstance(node.func, ast.Name) and node.func.id == "str" and len(node.args) == 1:
            return self.values(node.args[0], frame, via, depth, path)
        callee = self.function(node.func, frame)
        if callee is None:
            return unknown("a call the reader does not follow", self.hints(node, frame, depth, path))
        if callee.scope.size > SMALL_FUNCTION or not callee.scope.returns:
            why = f"{callee.qualname}() is not a small function returning a name"
            return unknown(why, self.hints(node, frame, depth, path))
        bindings = bind_arguments(node, callee, frame)
        inner = Frame(callee.module, callee.scope, bindings)
        return [v for ret in callee.scope.returns for v in self.values(ret, inner, via, depth, path)]

    def hints(
        self, node: ast.Call, frame: Frame, depth: int, path: frozenset[tuple[int, int]]
    ) -> tuple[str, ...]:
        """The strings a call the reader gives up on is passed (``get_topic("x")``: often the answer)."""
        found: list[str] = []
        for arg in node.args:
            if isinstance(arg, ast.Constant | ast.Name | ast.Attribute):
                found += [v.value for v in self.values(arg, frame, (), depth, path) if v.value is not None]
        return tuple(dict.fromkeys(found))


def bind_arguments(node: ast.Call, callee: FunctionSym, frame: Frame) -> dict[str, tuple[ast.expr, Frame]]:
    """The call's arguments by parameter name (callees are top-level functions: ``Resolver.function``
    finds no method, so no ``self`` is passed implicitly)."""
    order = callee.scope.param_order
    bindings: dict[str, tuple[ast.expr, Frame]] = {}
    for param, arg in zip(order, node.args, strict=False):
        if isinstance(arg, ast.Starred):
            break
        bindings[param] = (arg, frame)
    for keyword in node.keywords:
        if keyword.arg is not None:
            bindings[keyword.arg] = (keyword.value, frame)
    return bindings
