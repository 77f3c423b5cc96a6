"""Celery as the code declares it: tasks and their queues, the apps, routes, senders and beat entries.

A sender routes a task by the options the task has *in the sending process*; so the facts kept here are
the raw ones (the decorator's ``queue=``, each routing site's own ``queue=``, ``task_routes``, what each
app imports), each with its line, and a later step combines them per process.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass

from koku_gap.model.evidence import (
    BeatEntry,
    CallSite,
    CeleryApp,
    CeleryTask,
    CodeRef,
    DefaultQueue,
    Place,
    QueueChoice,
    QueueChoices,
    Resolution,
    RoutingKind,
    RoutingSite,
    TaskImports,
    TaskRoute,
    Value,
)
from koku_gap.sources.appsource.environment import Environment, followable
from koku_gap.sources.appsource.index import Context, ModuleInfo, NodeAt, keyword, last_name, node_at
from koku_gap.sources.appsource.resolve import (
    ClassSym,
    Frame,
    FunctionSym,
    Tree,
    ValueSym,
    bind_arguments,
)
from koku_gap.sources.appsource.summary import derived_from

CELERY_CLASSES = frozenset({"celery.Celery", "celery.app.Celery", "celery.app.base.Celery"})
TASK_DECORATORS = frozenset({"celery.shared_task", "celery.task", "celery.app.shared_task"})
SIGNATURE_METHODS = frozenset({"s", "si", "signature"})
SIGNATURE_FUNCTIONS = frozenset({"celery.signature", "celery.canvas.signature", "celery.canvas.Signature"})
ROUTES_NAMES = frozenset({"task_routes", "celery_task_routes", "celery_routes"})
DEFAULT_QUEUE_NAMES = frozenset(
    {"task_default_queue", "celery_default_queue"}
)  # CELERY_TASK_DEFAULT_QUEUE too
IMPORTS_SETTINGS = frozenset({"celery_imports", "celery_include"})  # Django's settings, old names too
IMPORTS_CONF = frozenset({"imports", "include"})  # app.conf.imports, a config module's own names
BEAT_NAMES = ("beat_schedule",)  # CELERY_BEAT_SCHEDULE, app.conf.beat_schedule, a parameter beat_schedule
CONFIG_NAMES = (*ROUTES_NAMES, *DEFAULT_QUEUE_NAMES, *BEAT_NAMES)  # each name _named accepts ends in one
APP_CALLS = ("autodiscover_tasks", "config_from_object")
UPDATE = ("update",)  # app.conf.update(task_routes=...), beat_schedule.update({...})
# the callees a routing site can have: x.set(queue=), .apply_async, .delay, .send_task, signature(...), x.s
ROUTING_CALLS = SIGNATURE_METHODS | {"set", "apply_async", "delay", "send_task", "signature", "Signature"}


@dataclass(frozen=True)
class AppCall:
    """``app.autodiscover_tasks(...)`` (``autodiscover``: where; ``names``: the packages it lists) or
    ``app.config_from_object(...)`` (``names``: the objects) of the app at ``apps[app]``."""

    app: int
    autodiscover: Place | None
    names: tuple[str, ...]


class Celery:
    def __init__(self, tree: Tree, environment: Environment) -> None:
        self.tree = tree
        self.env = environment
        self.tasks: list[CeleryTask] = []
        self._task_names: dict[tuple[str, str], str] = {}  # (module, function) -> registered name
        self._app_calls: dict[NodeAt, int] = {}  # where a Celery(...) call is -> index in apps
        self._callers: dict[tuple[int, str], tuple[CallSite, ...]] = {}  # (id(module), function) -> calls
        self._last_names: dict[int, str] = {}  # id(target node) -> its last name, lower-cased (_named)
        self._config: dict[int, list[tuple[ast.Assign, Context]]] = {}  # id(module) -> _config_assigns
        self.apps: list[CeleryApp] = []
        # the names a Celery class can be called by: Celery and the tree's classes deriving from a class
        # (and of those, the ones an import or a base chain can lead from Celery: resolving every other
        # class's name would parse its module for nothing)
        derived = {"Celery"}.union(*(s.derived_classes for s in tree.modules.each_summary()))
        self._celery_names = derived & derived_from("Celery", tree.modules.each_summary())

    # --- tasks and apps, read first: the routing sites refer to them ------------------------------------

    # Each is read module by module (``tasks_in``, ``apps_in``, ``app_calls_in``) and added to the tree's
    # in file order (``add_*``): a process reading half the modules adds the other half's as read there.

    def tasks_in(self, module: ModuleInfo) -> list[tuple[str, CeleryTask]]:
        """The module's task functions: (qualified name of the function, the task)."""
        found: list[tuple[str, CeleryTask]] = []
        for qualname, (node, _scope, outer) in module.functions.items():
            for decorator in node.decorator_list:
                task = self._task(decorator, qualname, node.name, outer)
                if task is not None:
                    found.append((qualname, task))
                    break
        return found

    def add_tasks(self, module: str, found: list[tuple[str, CeleryTask]]) -> None:
        for qualname, task in found:
            self.tasks.append(task)
            self._task_names[(module, qualname)] = task.name

    def _task(self, decorator: ast.expr, qualname: str, name: str, ctx: Context) -> CeleryTask | None:
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        frame = self.tree.frame(ctx)
        is_task = (isinstance(func, ast.Attribute) and func.attr in ("task", "shared_task")) or (
            self.tree.qualified(func, frame) in TASK_DECORATORS
        )
        if not is_task:
            return None
        keywords = {k.arg: k.value for k in decorator.keywords} if isinstance(decorator, ast.Call) else {}
        given = keywords.get("name")
        registered = self._single(given, frame) if given is not None else None
        queue = keywords.get("queue")
        bind = keywords.get("bind")
        return CeleryTask(
            name=registered or f"{ctx.module.name}.{name}",
            name_given=registered is not None,
            function=qualname,
            place=ctx.place(decorator),
            queue=self.tree.resolve(queue, ctx) if queue is not None else None,
            bind=isinstance(bind, ast.Constant) and bind.value is True,
        )

    def _single(self, node: ast.expr, frame: Frame) -> str | None:
        known = self.tree.resolve_in(node, frame).known
        return next(iter(known)) if len(known) == 1 else None

    def apps_in(self, module: ModuleInfo) -> list[tuple[NodeAt, CeleryApp]]:
        """The module's ``Celery(...)`` applications, with where each call is."""
        found: list[tuple[NodeAt, CeleryApp]] = []
        targets = module.assigned_to
        for call, ctx in module.calls_named(self._celery_names):
            if last_name(call.func) not in self._celery_names:
                continue
            if not self._is_celery_class(call.func, self.tree.frame(ctx)):
                continue
            frame = self.tree.frame(ctx)
            main = call.args[0] if call.args else keyword(call, "main")
            include = keyword(call, "include")
            app = CeleryApp(
                variable=(targets.get(id(call)) or "").rsplit(".", 1)[-1] or module.text(call.func),
                place=ctx.place(call),
                main=self._single(main, frame) if main is not None else None,
                include=self._strings(include, frame) if include is not None else (),
            )
            found.append((node_at(module, call), app))
        return found

    def add_apps(self, found: list[tuple[NodeAt, CeleryApp]]) -> None:
        for at, app in found:
            self._app_calls[at] = len(self.apps)
            self.apps.append(app)

    def _is_celery_class(self, func: ast.expr, frame: Frame, depth: int = 0) -> bool:
        symbol = self.tree.symbol(func, frame)
        if self.tree.qualified(func, frame) in CELERY_CLASSES:
            return True
        if isinstance(symbol, ClassSym) and depth < 4:  # a subclass: class LoggingCelery(Celery)
            base_frame = Frame(symbol.module, symbol.module.scope)
            return any(self._is_celery_class(base, base_frame, depth + 1) for base in symbol.node.bases)
        return False

    def _strings(self, node: ast.expr, frame: Frame) -> tuple[str, ...]:
        elements = self.elements(node, frame)
        return tuple(
            sorted({v for element, where in elements for v in self.tree.resolve_in(element, where).known})
        )

    def elements(self, node: ast.expr, frame: Frame) -> list[tuple[ast.expr, Frame]]:
        """The items of a list or tuple literal, also through a name bound to one."""
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return [(e, frame) for e in node.elts if not isinstance(e, ast.Starred)]
        if isinstance(node, ast.Name | ast.Attribute):
            symbol = self.tree.symbol(node, frame)
            if isinstance(symbol, ValueSym) and len(symbol.values) == 1 and symbol.values[0][0] is not None:
                value, where = symbol.values[0]
                if isinstance(value, ast.List | ast.Tuple | ast.Set):
                    return self.elements(value, where)
        return [(node, frame)]

    def app_of(self, node: ast.expr, frame: Frame) -> int | None:
        symbol = self.tree.symbol(node, frame)
        if isinstance(symbol, ValueSym):
            for value, where in symbol.values:
                if isinstance(value, ast.Call) and (at := node_at(where.module, value)) in self._app_calls:
                    return self._app_calls[at]
        return None

    def app_calls_in(self, module: ModuleInfo) -> list[AppCall]:
        """``app.autodiscover_tasks(...)`` and ``app.config_from_object(...)`` of the apps read."""
        found: list[AppCall] = []
        for call, ctx in module.calls_named(APP_CALLS):
            func = call.func
            if not isinstance(func, ast.Attribute) or func.attr not in APP_CALLS:
                continue
            frame = self.tree.frame(ctx)
            index = self.app_of(func.value, frame)
            if index is None:
                continue
            if func.attr == "autodiscover_tasks":
                packages = call.args[0] if call.args else keyword(call, "packages")
                literal = self._strings(packages, frame) if isinstance(packages, ast.List | ast.Tuple) else ()
                found.append(AppCall(index, ctx.place(call), literal))
            else:
                objects = self._strings(call.args[0], frame) if call.args else ()
                found.append(AppCall(index, None, objects))
        return found

    def add_app_calls(self, found: list[AppCall]) -> None:
        for call in found:
            app = self.apps[call.app]
            if call.autodiscover is not None:
                update = {
                    "autodiscover": (*app.autodiscover, call.autodiscover),
                    "autodiscover_packages": tuple(sorted({*app.autodiscover_packages, *call.names})),
                }
            else:
                update = {"config_from_object": (*app.config_from_object, *call.names)}
            self.apps[call.app] = app.model_copy(update=update)

    # --- routes, senders, beats ------------------------------------------------------------------------

    def task_routes(self, module: ModuleInfo) -> Iterator[TaskRoute]:
        for stmt, ctx in self._config_assigns(module):
            for target in stmt.targets:
                if self._named(module, target, ROUTES_NAMES):
                    yield from self._routes(stmt.value, ctx)
                    break
        for call, ctx in module.calls_named(UPDATE):
            if isinstance(call.func, ast.Attribute) and call.func.attr == "update":
                routes = keyword(call, "task_routes")
                if routes is not None:
                    yield from self._routes(routes, ctx)

    def default_queues(self, module: ModuleInfo) -> Iterator[DefaultQueue]:
        """``task_default_queue`` as settings, app config or ``conf.update(...)`` set it: where a task
        goes when no route names it (Celery's own default is ``celery``)."""
        for stmt, ctx in self._config_assigns(module):
            for target in stmt.targets:
                if self._named(module, target, DEFAULT_QUEUE_NAMES):
                    yield self._default_queue(stmt.value, stmt, ctx)
                    break
        for call, ctx in module.calls_named(UPDATE):
            if isinstance(call.func, ast.Attribute) and call.func.attr == "update":
                queue = keyword(call, "task_default_queue")
                if queue is not None:
                    yield self._default_queue(queue, call, ctx)

    def task_imports(self, module: ModuleInfo) -> Iterator[TaskImports]:
        """The ``imports``/``include`` settings a Celery process imports at start (Celery's loader,
        ``init_worker``): ``CELERY_IMPORTS`` and ``CELERY_INCLUDE`` anywhere (Django's settings), the
        bare names in a module an app reads with ``config_from_object``, ``<app>.conf.imports`` and
        ``conf.update(imports=...)``; ``=`` and ``+=``."""
        config = module.name in {c.split(":", 1)[0] for a in self.apps for c in a.config_from_object}
        for stmt, ctx in module.statements:
            if isinstance(stmt, ast.Assign | ast.AugAssign):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    setting = self._imports_setting(module, target, ctx, config)
                    if setting is not None and stmt.value is not None:
                        yield self._imports(setting, stmt.value, stmt, ctx)
        for call, ctx in module.calls_named(UPDATE):
            if isinstance(call.func, ast.Attribute) and call.func.attr == "update":
                for name in ("imports", "include"):
                    value = keyword(call, name)
                    if value is not None:
                        yield self._imports(f"{module.text(call.func.value)}.{name}", value, call, ctx)

    def _imports_setting(
        self, module: ModuleInfo, target: ast.expr, ctx: Context, config: bool
    ) -> str | None:
        """The setting an assignment target names, if it is one a Celery process imports modules by."""
        if isinstance(target, ast.Name):
            module_level = ctx.function is None and ctx.scope is module.scope
            if module_level and target.id.lower() in IMPORTS_SETTINGS:
                return target.id
            if module_level and config and target.id in IMPORTS_CONF:
                return target.id
            return None
        if (
            isinstance(target, ast.Attribute)
            and target.attr in IMPORTS_CONF
            and isinstance(target.value, ast.Attribute)
            and target.value.attr == "conf"
        ):
            return module.text(target)
        return None

    def _imports(self, setting: str, node: ast.expr, where: ast.AST, ctx: Context) -> TaskImports:
        frame = self.tree.frame(ctx)
        values: list[Value] = []
        for element, at in self.elements(node, frame):
            values += self.tree.values(element, at, (), 0, frozenset())
        return TaskImports(
            setting=setting, modules=tuple(values), place=ctx.place(where), guards=self.env.guards(ctx)
        )

    def _default_queue(self, node: ast.expr, where: ast.AST, ctx: Context) -> DefaultQueue:
        return DefaultQueue(queue=self.tree.resolve_in(node, self.tree.frame(ctx)), place=ctx.place(where))

    def _routes(self, node: ast.expr, ctx: Context) -> Iterator[TaskRoute]:
        frame = self.tree.frame(ctx)
        mapping = self._dict(node, frame)
        if mapping is None:
            return
        table, where = mapping
        for key, value in zip(table.keys, table.values, strict=True):
            if key is None:
                continue
            pattern = self._single(key, where)
            if pattern is None:
                continue
            queue: ast.expr | None = value
            if isinstance(value, ast.Dict):
                queue = next(
                    (v for k, v in zip(value.keys, value.values, strict=True) if _is_str(k, "queue")), None
                )
            if queue is not None:
                place = Place(module=where.module.name, function=ctx.function, ref=where.module.ref(key))
                yield TaskRoute(pattern=pattern, queue=self.tree.resolve_in(queue, where), place=place)

    def _dict(self, node: ast.expr, frame: Frame) -> tuple[ast.Dict, Frame] | None:
        if isinstance(node, ast.Dict):
            return node, frame
        symbol = self.tree.symbol(node, frame) if isinstance(node, ast.Name | ast.Attribute) else None
        if isinstance(symbol, ValueSym) and len(symbol.values) == 1:
            value, where = symbol.values[0]
            if isinstance(value, ast.Dict):
                return value, where
        return None

    def routing(self, module: ModuleInfo) -> list[RoutingSite]:
        out: list[RoutingSite] = []
        covered: set[int] = set()  # signatures a .set(queue=) already reported
        for call, ctx in module.calls_named(ROUTING_CALLS):
            site = self._routing(call, ctx, covered)
            if site is not None:
                out.append(site)
        return out

    def _routing(self, call: ast.Call, ctx: Context, covered: set[int]) -> RoutingSite | None:
        func = call.func
        frame = self.tree.frame(ctx)
        queue = keyword(call, "queue")
        kind: RoutingKind
        if isinstance(func, ast.Attribute) and func.attr == "set":
            if queue is None:
                return None
            kind, target = "set", func.value
            if isinstance(target, ast.Call):
                covered.add(id(target))
        elif isinstance(func, ast.Attribute) and func.attr == "apply_async":
            kind, target = "apply_async", func.value
            if (
                isinstance(target, ast.Call)
                and isinstance(target.func, ast.Attribute)
                and target.func.attr == "set"
            ) and queue is None:
                return None  # the .set(queue=) site says it
        elif isinstance(func, ast.Attribute) and func.attr == "delay":
            kind, target = "delay", func.value
        elif isinstance(func, ast.Attribute) and func.attr == "send_task":
            name = call.args[0] if call.args else keyword(call, "name")
            if name is None:
                return None
            return self._site("send_task", self._single(name, frame), ctx.module.text(name), queue, call, ctx)
        elif isinstance(func, ast.Name | ast.Attribute) and self._is_signature_function(func, frame):
            name = call.args[0] if call.args else None
            if name is None:
                return None
            task = self._single(name, frame) if _is_str(name) else self._task_of(name, frame)
            return self._site("signature", task, ctx.module.text(name), queue, call, ctx)
        elif isinstance(func, ast.Attribute) and func.attr in SIGNATURE_METHODS:
            if id(call) in covered:
                return None
            task = self._task_of(func.value, frame)
            if task is None:
                return None
            return self._site("signature", task, ctx.module.text(func.value), queue, call, ctx)
        else:
            return None
        if isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute):
            if target.func.attr == "set":  # x.s().set(queue=a).apply_async(queue=b)
                target = target.func.value
            if (
                isinstance(target, ast.Call)
                and isinstance(target.func, ast.Attribute)
                and target.func.attr in SIGNATURE_METHODS
            ):
                target = target.func.value
        task = self._task_of(target, frame) if isinstance(target, ast.Name | ast.Attribute) else None
        if task is None and queue is None:
            return None  # .delay() of something not known as a task: not evidence of anything
        return self._site(kind, task, ctx.module.text(target), queue, call, ctx)

    def _is_signature_function(self, func: ast.expr, frame: Frame) -> bool:
        return (
            last_name(func) in ("signature", "Signature")
            and self.tree.qualified(func, frame) in SIGNATURE_FUNCTIONS
        )

    def _site(
        self,
        kind: RoutingKind,
        task: str | None,
        expression: str,
        queue: ast.expr | None,
        call: ast.Call,
        ctx: Context,
    ) -> RoutingSite:
        return RoutingSite(
            kind=kind,
            task=task,
            task_expression=expression,
            queue=self.tree.resolve(queue, ctx) if queue is not None else None,
            place=ctx.place(call),
            guards=self.env.guards(ctx),
            choices=self._choices(queue, self.tree.frame(ctx)) if queue is not None else None,
        )

    def _choices(self, queue: ast.expr, frame: Frame) -> QueueChoices | None:
        """How a small helper picks the queue, when ``queue`` is its call (or a name bound once to one):
        each assignment to the local it returns (``queue = DEFAULT; if flag: queue = XL; return queue``),
        or each of its returns, with the ``if``s it runs under and the strings it picks."""
        node, at = queue, frame
        for _ in range(3):  # queue=name -> name = helper(...)
            symbol = self.tree.symbol(node, at) if isinstance(node, ast.Name | ast.Attribute) else None
            if not isinstance(symbol, ValueSym) or len(symbol.values) != 1:
                break
            value, where = symbol.values[0]
            if value is None:
                break
            node, at = value, where
        if not isinstance(node, ast.Call) or any(isinstance(a, ast.Starred) for a in node.args):
            return None
        callee = self.tree.function(node.func, at)
        if callee is None or not followable(self.tree, callee):
            return None
        module, scope = callee.module, callee.scope
        inner = Frame(module, scope, bind_arguments(node, callee, at))
        returns = self.env.returns_of(module).get(id(scope), [])
        if not returns:
            return None
        members: list[QueueChoice] = []
        last = returns[-1][0].value
        local = last.id if isinstance(last, ast.Name) and last.id in scope.assigned else None
        if local is not None and len(returns) == 1 and not returns[0][1].guards:
            for stmt, ctx in module.statements:
                if ctx.scope is not scope:
                    continue
                if isinstance(stmt, ast.AugAssign | ast.AnnAssign) and _assigns(stmt.target, local):
                    return None
                if isinstance(stmt, ast.Assign) and any(_assigns(t, local) for t in stmt.targets):
                    if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
                        return None  # an unpacking: not one value
                    members.append(self._choice(stmt.value, inner, module.ref(stmt), ctx))
            if len(members) != len(scope.assigned[local]):
                return None  # bound otherwise too (a loop, a with, a walrus)
        else:
            members = [
                self._choice(stmt.value, inner, module.ref(stmt), ctx)
                for stmt, ctx in returns
                if stmt.value is not None
            ]
        if len(members) < 2:
            return None
        params = [*callee.node.args.posonlyargs, *callee.node.args.args, *callee.node.args.kwonlyargs]
        passed = {p for p, _ in zip(scope.param_order, node.args, strict=False)}
        passed |= {k.arg for k in node.keywords if k.arg is not None}
        defaults = tuple(
            (p.arg, module.text(default))
            for p in params
            if p.arg not in passed and (default := scope.params.get(p.arg)) is not None
        )
        bindings = [(p, at.module.text(a)) for p, a in zip(scope.param_order, node.args, strict=False)]
        bindings += [(k.arg, at.module.text(k.value)) for k in node.keywords if k.arg is not None]
        call = CallSite(
            place=Place(module=at.module.name, function=at.scope.qualname, ref=at.module.ref(node)),
            bindings=tuple(bindings),
        )
        return QueueChoices(
            helper=Place(module=module.name, function=callee.qualname, ref=module.ref(callee.node)),
            call=call,
            defaults=defaults,
            members=tuple(members),
            last_wins=local is not None,
            locals=tuple(sorted({*scope.assigned, *scope.imports})),
            caller_locals=()
            if at.scope is at.module.scope
            else tuple(sorted({*at.scope.assigned, *at.scope.params, *at.scope.imports})),
        )

    def _choice(self, value: ast.expr | None, inner: Frame, ref: CodeRef, ctx: Context) -> QueueChoice:
        known = self.tree.resolve_in(value, inner).known if value is not None else frozenset()
        return QueueChoice(queues=tuple(sorted(known)), ref=ref, when=self.env.guards(ctx))

    def _task_of(self, node: ast.expr, frame: Frame) -> str | None:
        symbol = self.tree.symbol(node, frame)
        if isinstance(symbol, FunctionSym):
            return self._task_names.get((symbol.module.name, symbol.qualname))
        return None

    def beats(self, module: ModuleInfo) -> list[BeatEntry]:
        out: list[BeatEntry] = []
        for stmt, ctx in self._config_assigns(module):
            for target in stmt.targets:
                if isinstance(target, ast.Subscript) and self._named(module, target.value, BEAT_NAMES):
                    frame = self.tree.frame(ctx)
                    entry = self._dict(stmt.value, frame)
                    out.append(self._beat(target.slice, frame, entry, ctx, stmt))
                elif self._named(module, target, BEAT_NAMES):
                    out += self._beat_table(stmt.value, ctx)
        for call, ctx in module.calls_named(UPDATE):
            func = call.func
            if not isinstance(func, ast.Attribute) or func.attr != "update":
                continue
            if self._named(module, func.value, BEAT_NAMES) and call.args:
                out += self._beat_table(call.args[0], ctx)
            elif (table := keyword(call, "beat_schedule")) is not None:
                out += self._beat_table(table, ctx)
        return out

    def _config_assigns(self, module: ModuleInfo) -> list[tuple[ast.Assign, Context]]:
        """The assignments that can set routes, a default queue or a beat schedule, in order: all but those
        whose targets are all names (or attributes) that cannot be one of those (a name that is ends in
        it), told from the name alone, so no source text is cut for the thousands of others."""
        found = self._config.get(id(module))
        if found is None:
            found = self._config[id(module)] = []
            for stmt, ctx in module.assigns:
                for target in stmt.targets:
                    if not isinstance(target, ast.Name | ast.Attribute) or _lower_last(target).endswith(
                        CONFIG_NAMES
                    ):
                        found.append((stmt, ctx))
                        break
        return found

    def _named(self, module: ModuleInfo, node: ast.expr, names: frozenset[str] | tuple[str, ...]) -> bool:
        """``app.conf.beat_schedule``, ``CELERY_BEAT_SCHEDULE``, ``beat_schedule``: the last name is one of
        ``names`` (or ends in ``_`` and one). Three readers ask this of every assignment's targets: the
        last name, lower-cased, is found once per node."""
        last = self._last_names.get(id(node))
        if last is None:
            last = self._last_names[id(node)] = _last(module, node).rsplit(".", 1)[-1].lower()
        return last in names or last.endswith(_suffixes(names))

    def _beat_table(self, node: ast.expr, ctx: Context) -> list[BeatEntry]:
        """The entries of a schedule dict, written here or bound to a name (maybe in another module)."""
        mapping = self._dict(node, self.tree.frame(ctx))
        if mapping is None:
            return []
        table, where = mapping
        return [
            self._beat(key, where, self._dict(value, where), ctx, key)
            for key, value in zip(table.keys, table.values, strict=True)
            if key is not None
        ]

    def _beat(
        self, key: ast.expr, written: Frame, entry: tuple[ast.Dict, Frame] | None, ctx: Context, at: ast.AST
    ) -> BeatEntry:
        """One entry: ``key`` and ``at`` are in ``written``'s module, the registration runs in ``ctx``."""
        task: Resolution | None = None
        schedule: str | None = None
        definitions: tuple[CodeRef, ...] = ()
        if entry is not None:
            table, where = entry
            fields = {
                k.value: v
                for k, v in zip(table.keys, table.values, strict=True)
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            }
            if "task" in fields:
                task = self.tree.resolve_in(fields["task"], where)
            if "schedule" in fields:
                schedule = where.module.text(fields["schedule"])
                definitions = self._definitions(fields["schedule"], where)
        module = written.module
        in_ctx = module is ctx.module
        return BeatEntry(
            key=self._single(key, written),
            key_expression=module.text(key),
            task=task,
            schedule=schedule,
            schedule_definitions=definitions,
            place=Place(module=module.name, function=ctx.function if in_ctx else None, ref=module.ref(at)),
            guards=self.env.guards(ctx),
            registered_by=self.callers(ctx),
        )

    def _definitions(self, node: ast.expr, frame: Frame) -> tuple[CodeRef, ...]:
        """The lines defining the names a schedule expression is made of (``schedule or crontab(...)``)."""
        refs: list[CodeRef] = []
        operands = node.values if isinstance(node, ast.BoolOp) else [node]
        for operand in operands:
            symbol = (
                self.tree.symbol(operand, frame) if isinstance(operand, ast.Name | ast.Attribute) else None
            )
            if isinstance(symbol, ValueSym):
                refs += [where.module.ref(value) for value, where in symbol.values if value is not None]
        return tuple(dict.fromkeys(refs))

    def callers(self, ctx: Context) -> tuple[CallSite, ...]:
        """The calls, anywhere in the tree, of the function ``ctx`` is in, with their arguments: found
        once per function (one registering several beats is asked for each)."""
        if ctx.function is None:
            return ()
        key = (id(ctx.module), ctx.function)  # modules by identity: two files may give one name
        if key not in self._callers:
            self._callers[key] = self._find_callers(ctx, ctx.function)
        return self._callers[key]

    def _find_callers(self, ctx: Context, function: str) -> tuple[CallSite, ...]:
        short = function.rsplit(".", 1)[-1]
        out: list[CallSite] = []
        for module in self.tree.modules.calling(short):
            for call, where in module.calls_named((short,)):
                func = call.func
                if last_name(func) != short:
                    continue
                callee = self.tree.function(func, self.tree.frame(where))
                if callee is None or callee.module is not ctx.module or callee.qualname != function:
                    continue
                order = callee.scope.param_order  # a top-level function: no implicit self
                bindings = [(p, module.text(a)) for p, a in zip(order, call.args, strict=False)]
                bindings += [(k.arg, module.text(k.value)) for k in call.keywords if k.arg is not None]
                out.append(
                    CallSite(place=where.place(call), bindings=tuple(bindings), guards=self.env.guards(where))
                )
        return tuple(sorted(out, key=lambda c: (c.place.ref.file, c.place.ref.line)))


def _assigns(target: ast.expr, name: str) -> bool:
    """Whether an assignment target binds ``name`` (also inside an unpacking)."""
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target))


def _is_str(node: ast.expr | None, value: str | None = None) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and (value is None or node.value == value)
    )


def _lower_last(node: ast.Name | ast.Attribute) -> str:
    return (node.id if isinstance(node, ast.Name) else node.attr).lower()


def _last(module: ModuleInfo, node: ast.expr) -> str:
    """What ``Celery._named`` reads of an expression: a name's or attribute's own name without the source
    text (``module.text`` slices the file: 30,000 assignments of a service, for nothing), else the text."""
    return last_name(node) or module.text(node)


@functools.cache
def _suffixes(names: frozenset[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"_{n}" for n in names)
