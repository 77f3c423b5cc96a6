"""What an application's own source says: the facts ``sources/appsource`` reads with ``ast``.

A verdict such as "tasks on this queue wait forever" is only true when some code sends to that queue, in
a process that is deployed, under the settings it runs with. These models carry those facts, each with
the line it was read from (:class:`CodeRef`), so a verdict can cite its evidence and a reader can check
it. They import nothing but pydantic, the standard library and the one base class (``model/base.py``):
the analysis is cached as JSON and a notebook user can load it without the rest of the tool (the one
other import, ``model/location.py``, is the warning shape the whole report shares).

Values that code computes (a queue name, a topic) are a :class:`Resolution`: the set of strings the
expression can take, each with where it is written and the chain of names followed to it, and an explicit
unknown member for every branch that could not be followed statically.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import Field

from koku_gap.model.base import Frozen
from koku_gap.model.location import Notice

ANALYSIS_VERSION = 10  # bump when the reader finds different facts in the same bytes: the cache key holds it


def is_settings_module(module: str) -> bool:
    """Django's settings module by its name (``shop.settings``): where ``settings.X`` is defined and
    ``INSTALLED_APPS`` is built. One rule for the reader and the engine."""
    return module.split(".")[-1] == "settings"


class CodeRef(Frozen):
    """A line of the application's source: ``file`` relative to the source root, 1-based ``line``, and
    the line's ``text`` stripped, so a stale citation shows what the code said when it was read."""

    file: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class Value(Frozen):
    """One string an expression can take (``value``), or ``None`` when it cannot be told statically.

    ``ref`` is where the string is written (the literal) or, for an unknown, the expression given up on;
    ``via`` the expressions followed from the use site to it (``get_queue(c, Queues)``,
    ``queue_class.XL``, ``Queues.XL``); ``reason`` says why an unknown is unknown; ``env`` names the
    environment variable when the value is that variable's default; ``hints`` are the string literals
    an unknown call was given (``get_topic("orders.created")``), often the name it maps."""

    value: str | None
    ref: CodeRef
    via: tuple[str, ...] = ()
    reason: str | None = None
    env: str | None = None
    hints: tuple[str, ...] = ()


class Resolution(Frozen):
    """The possible values of one expression (its source ``expression``)."""

    expression: str
    values: tuple[Value, ...]

    @property
    def known(self) -> frozenset[str]:
        return frozenset(v.value for v in self.values if v.value is not None)

    @property
    def unknown(self) -> tuple[Value, ...]:
        return tuple(v for v in self.values if v.value is None)


class Place(Frozen):
    """Where a fact sits: the dotted ``module``, the enclosing ``function`` (``Class.method``; ``None``
    at module level) and the line."""

    module: str
    function: str | None
    ref: CodeRef


class Guard(Frozen):
    """An ``if`` a statement runs under: ``condition`` as written, ``negated`` when the statement is in
    its ``else`` (or follows an early ``return``/``raise`` under it), and the settings and environment
    variables the condition reads (``settings.HOSTED`` -> ``HOSTED``; ``ADMIN`` -> env ``ADMIN``)."""

    condition: str
    negated: bool
    ref: CodeRef
    settings: tuple[str, ...] = ()
    env: tuple[str, ...] = ()


class CallSite(Frozen):
    """A call of the function a fact sits in: the arguments bound to its parameters (source text) and
    the guards of the call, so a later step can evaluate ``if onprem: return`` with ``onprem=settings.X``."""

    place: Place
    bindings: tuple[tuple[str, str], ...]
    guards: tuple[Guard, ...] = ()


class CeleryTask(Frozen):
    """A function registered as a Celery task. ``name`` is the registered name (``name=`` or, as Celery
    derives it, ``module.function``); ``queue`` is ``None`` when the decorator routes nothing."""

    name: str
    name_given: bool
    function: str
    place: Place
    queue: Resolution | None = None
    bind: bool = False


class CeleryApp(Frozen):
    """A ``Celery(...)`` application object and what decides which task modules its processes import."""

    variable: str
    place: Place
    main: str | None = None
    include: tuple[str, ...] = ()
    autodiscover: tuple[Place, ...] = ()  # each app.autodiscover_tasks(...) call
    autodiscover_packages: tuple[str, ...] = ()  # its literal packages; none given: INSTALLED_APPS
    config_from_object: tuple[str, ...] = ()


class TaskRoute(Frozen):
    """One ``task_routes`` entry: a task name or glob pattern and the queue it routes to."""

    pattern: str
    queue: Resolution
    place: Place


class DefaultQueue(Frozen):
    """``task_default_queue`` as the app sets it: where a task goes when no route names it."""

    queue: Resolution
    place: Place


class TaskImports(Frozen):
    """Modules a Celery process imports when it starts, whatever else it imports: the ``imports`` and
    ``include`` settings (``CELERY_IMPORTS``/``CELERY_INCLUDE`` among Django's settings, ``imports`` in
    a module given to ``config_from_object``, ``app.conf.imports``, ``conf.update(imports=...)``), which
    Celery's loader imports in ``init_worker``, run by the worker and the beat alike. ``setting`` is the
    name as written (``CELERY_IMPORTS``, ``imports``, ``app.conf.include``); ``modules`` each name with
    its line; ``guards`` the ``if``s the assignment runs under; ``place.function`` set when a function
    assigns it (it holds only if that function runs)."""

    setting: str
    modules: tuple[Value, ...]
    place: Place
    guards: tuple[Guard, ...] = ()


RoutingKind = Literal["set", "apply_async", "delay", "send_task", "signature"]


class QueueChoice(Frozen):
    """One way a routing helper picks its queue: the strings it picks (``queues``), the line that picks
    them (an assignment to the local it returns, or a ``return``) and the ``if``s that line runs under."""

    queues: tuple[str, ...]
    ref: CodeRef
    when: tuple[Guard, ...] = ()


class QueueChoices(Frozen):
    """How a small helper of the tree picks a routing site's queue (``get_queue(account, Queues)``):
    ``helper`` its place, ``call`` the call with its arguments (source text, read in the calling
    module) and ``defaults`` the helper's own for the parameters the call does not pass; ``members`` in
    source order; ``last_wins`` when they are assignments to the local the helper returns (the last
    that runs is returned: ``queue = DEFAULT; if flag: queue = XL``), else its returns (the first that
    runs); ``locals`` the names the helper binds itself and ``caller_locals`` those of the calling
    function (a condition or an argument reading one is not settled)."""

    helper: Place
    call: CallSite
    defaults: tuple[tuple[str, str], ...] = ()
    members: tuple[QueueChoice, ...]
    last_wins: bool
    locals: tuple[str, ...] = ()
    caller_locals: tuple[str, ...] = ()  # the calling function's own names: its arguments read them


class RoutingSite(Frozen):
    """Code that sends a task: ``task`` is its registered name when the reader could tell, else ``None``
    (``task_expression`` is the expression); ``queue`` is ``None`` when the site names no queue (the
    task's own routing applies); ``choices`` how a helper picks among its queues, when one does."""

    kind: RoutingKind
    task: str | None
    task_expression: str
    queue: Resolution | None
    place: Place
    guards: tuple[Guard, ...] = ()
    choices: QueueChoices | None = None


class BeatEntry(Frozen):
    """A beat schedule entry. ``schedule`` is the expression text and ``schedule_definitions`` the lines
    that define it when it is a name; ``guards`` are the ``if`` conditions the registration runs under,
    innermost last; ``registered_by`` the calls of the function it is registered in (if any)."""

    key: str | None
    key_expression: str
    task: Resolution | None
    schedule: str | None
    schedule_definitions: tuple[CodeRef, ...] = ()
    place: Place
    guards: tuple[Guard, ...] = ()
    registered_by: tuple[CallSite, ...] = ()


KafkaDirection = Literal["consume", "produce"]


class KafkaSite(Frozen):
    """Code that consumes (``subscribe``, a consumer built with topics) or produces to Kafka topics."""

    direction: KafkaDirection
    call: str  # subscribe, KafkaConsumer, produce, send, ...
    topics: tuple[Resolution, ...]
    place: Place


EnvLibrary = Literal["os", "django-environ", "environs"]
LiteralKind = Literal["str", "bool", "int", "float", "none"]


class EnvRead(Frozen):
    """A read of an environment variable: ``accessor`` as written (``os.getenv``, ``ENVIRONMENT.bool``,
    a project's own wrapper), the library that reads it (``library``; a wrapper: the one it wraps), the
    ``default`` expression (``None``: no default) and, where it is a literal, its text
    (``default_value``) and its Python type (``default_kind``), and the name the result is assigned to
    (``module.NAME`` or ``function.local``).

    The default is what the code sees when the variable is unset, *as written*: ``os.getenv``,
    django-environ (``environ/environ.py``, ``Env.get_value``: ``value = default``, parsed only when
    ``value != default or parse_default``) and environs return it uncast, so
    ``ENV.bool("X", default="False")`` is the string ``"False"``, which is true where the code tests it.
    ``parse_default`` is django-environ's ``parse_default=True``, which casts the default too."""

    variable: str
    accessor: str
    library: EnvLibrary | None = None
    cast: str | None = None  # bool, int, str, list, json, ... for typed readers
    default: str | None = None
    default_value: str | None = None
    default_kind: LiteralKind | None = None  # None: the default is not a literal (a name, a call)
    parse_default: bool = False
    assigned_to: str | None = None
    place: Place


class Assignment(Frozen):
    target: str
    value: str
    ref: CodeRef


SwitchKind = Literal["if", "url-conf", "installed-apps"]


class Switch(Frozen):
    """Behaviour selected by a setting or an environment variable: an ``if`` (or ``a if c else b``) whose
    condition reads one, with what each branch assigns. ``kind`` is ``url-conf`` when a branch assigns
    ``ROOT_URLCONF``, ``installed-apps`` when one changes ``INSTALLED_APPS``; ``guards`` are the ``if``
    conditions around it (an ``elif`` is the ``else`` of the ``if`` before it)."""

    kind: SwitchKind
    condition: str
    settings: tuple[str, ...] = ()
    env: tuple[str, ...] = ()
    then: tuple[Assignment, ...] = ()
    orelse: tuple[Assignment, ...] = ()
    guards: tuple[Guard, ...] = ()
    place: Place


class Return(Frozen):
    """One ``return`` of a helper: the expression as written and the ``if``s it runs under."""

    expression: str
    ref: CodeRef
    guards: tuple[Guard, ...] = ()


class Helper(Frozen):
    """A small function of the tree that a condition calls (``if is_hosted():``), read so the engine can
    evaluate the call with a pod's env, through further calls. ``function`` is ``module:qualname``;
    ``names`` are the expressions it is called by, each prefixed with the calling module
    (``relay.views.flags.is_hosted``); ``params`` its positional parameters in order and
    ``keyword_only`` the others, each with its default's text; ``variadic`` when it takes ``*args`` or
    ``**kwargs``; ``locals`` the names its body binds (a condition reading one is not settled);
    ``returns`` every ``return`` in source order. Only functions whose body is ``if``s, assignments,
    expressions, imports and returns are read, so their returns are all the ways out: none running
    means it returns None."""

    function: str
    place: Place
    names: tuple[str, ...]
    params: tuple[tuple[str, str | None], ...] = ()
    keyword_only: tuple[tuple[str, str | None], ...] = ()
    variadic: bool = False
    locals: tuple[str, ...] = ()
    returns: tuple[Return, ...] = ()


class UrlRoute(Frozen):
    """A URL pattern routing to a view function of the tree (``view``: ``module:qualname``), with the
    ``if``s it is registered under; ``called`` when the tree also calls a function of that name."""

    view: str
    place: Place
    guards: tuple[Guard, ...] = ()
    called: bool = False


class UrlConf(Frozen):
    """The URL conf Django serves: a settings module's ``ROOT_URLCONF`` assignment (``setting``
    ``ROOT_URLCONF``), or a per-request ``request.urlconf = ...`` (``setting`` as written), with the
    module names it can be and the ``if``s it runs under. Django serves the last assignment that runs."""

    setting: str
    value: Resolution
    place: Place
    guards: tuple[Guard, ...] = ()


class UrlInclude(Frozen):
    """``include(...)`` in a module's URL patterns: the module it routes to (``module``; ``None``: an
    expression the reader cannot pin, which may be any module), under its ``if``s. A router's ``.urls``
    (class-based views only) and a list of patterns written in place are not includes of a module."""

    module: str | None
    place: Place
    guards: tuple[Guard, ...] = ()


EntryKind = Literal["management-command", "celery-app", "wsgi", "asgi", "main-script"]


class EntryPoint(Frozen):
    """Where a process starts: ``name`` is the command name, the application variable or the module."""

    kind: EntryKind
    name: str
    place: Place


# A file the reader skipped or could only partly read (the rest of the tree was read): a report warning.
SourceWarning = Notice


class Module(Frozen):
    name: str
    file: str


class AppSource(Frozen):
    """Everything read from one source tree. ``imports`` maps each module to the modules of the tree it
    imports (statically, at any depth of the file), ``imports_at_load`` to those imported outside any
    function (run whenever the module loads); ``digest`` is the content hash the cache is keyed by."""

    root: str
    digest: str
    version: int = ANALYSIS_VERSION
    files: int
    bytes: int
    modules: tuple[Module, ...] = ()
    imports: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    imports_at_load: dict[str, tuple[str, ...]] = Field(default_factory=dict)  # outside functions only
    tasks: tuple[CeleryTask, ...] = ()
    apps: tuple[CeleryApp, ...] = ()
    task_routes: tuple[TaskRoute, ...] = ()
    default_queues: tuple[DefaultQueue, ...] = ()  # task_default_queue settings (none: Celery's "celery")
    task_imports: tuple[TaskImports, ...] = ()  # CELERY_IMPORTS / imports / include settings
    routing: tuple[RoutingSite, ...] = ()
    beats: tuple[BeatEntry, ...] = ()
    kafka: tuple[KafkaSite, ...] = ()
    env_reads: tuple[EnvRead, ...] = ()
    switches: tuple[Switch, ...] = ()
    entry_points: tuple[EntryPoint, ...] = ()
    url_routes: tuple[UrlRoute, ...] = ()  # Django URL patterns to view functions of the tree
    url_confs: tuple[UrlConf, ...] = ()  # ROOT_URLCONF assignments: where Django starts routing
    url_includes: tuple[UrlInclude, ...] = ()  # include() of another URL conf module
    helpers: tuple[Helper, ...] = ()  # small functions the conditions call, to evaluate them through
    installed_apps: tuple[Value, ...] = ()  # INSTALLED_APPS: what autodiscover_tasks() imports
    warnings: tuple[SourceWarning, ...] = ()

    def tasks_on_queue(self, queue: str) -> tuple[CeleryTask, ...]:
        """The tasks whose decorator can route them to ``queue``."""
        return tuple(t for t in self.tasks if t.queue is not None and queue in t.queue.known)

    def senders_of(self, task: str) -> tuple[RoutingSite, ...]:
        """The routing sites that send the task registered as ``task``."""
        return tuple(r for r in self.routing if r.task == task)

    def reachable(self, module: str, *, at_load: bool = False) -> frozenset[str]:
        """The modules a process that imports ``module`` may import too (``module`` included); with
        ``at_load``, those it does import just by loading it (no function-level import followed)."""
        return self.closure((module,), at_load=at_load)

    def closure(self, modules: Iterable[str], *, at_load: bool = False) -> frozenset[str]:
        """``modules`` and every module of the tree they import, transitively (``reachable``)."""
        graph = self.imports_at_load if at_load else self.imports
        seen = set(modules)
        todo = list(seen)
        while todo:
            for imported in graph.get(todo.pop(), ()):
                if imported not in seen:
                    seen.add(imported)
                    todo.append(imported)
        return frozenset(seen)
