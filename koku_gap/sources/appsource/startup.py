"""Which modules a Celery process (``celery -A APP worker|beat``) has loaded once it has started.

It matters because Celery routes a task by its options *as registered in the sending process*: a beat
entry whose task module the beat never imports is sent by name, to ``task_routes`` or the default
queue, whatever the task's decorator says (``celery/beat.py``: ``self.app.tasks.get(entry.task)``, else
``send_task``). A process loads the ``-A`` module and what it imports outside functions; with Django,
``django.setup()`` loads the settings, every installed app of the tree and its ``models``; the app's
``include=`` and ``autodiscover_tasks()`` (``<app>.tasks`` for each installed app, or the packages it
names) load the task modules. Imports inside functions load only when those functions run (a
worker-only signal hook): such modules are *possible*, not loaded, and a verdict depending on them
gives both answers. The ``imports``/``include`` settings (``CELERY_IMPORTS``) are loaded too: Celery's
loader imports them in ``init_worker``, which ``celery beat`` runs as well (``celery/apps/beat.py``,
``init_loader``); one assigned under an ``if`` or in a function is possible only, and one whose modules
the files do not pin makes every module possible. Not followed: the URL conf Django's checks import
(workers only) and ``importlib``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from koku_gap.model.evidence import AppSource, CeleryApp, TaskImports, is_settings_module


@dataclass(frozen=True)
class Startup:
    """The modules a process has loaded (``loaded``), those it may load later (``possible``, a
    superset), its Celery application, and why each root was loaded (module -> words)."""

    app: CeleryApp | None
    loaded: frozenset[str]
    possible: frozenset[str]
    roots: dict[str, str]
    maybe: dict[str, str] = field(default_factory=dict)  # possible roots (a guarded CELERY_IMPORTS): why
    skipped: dict[str, str] = field(default_factory=dict)  # imports settings whose ifs fail here: why

    def imported_in(self, source: AppSource, module: str) -> list[str]:
        """The loaded modules that import ``module`` only inside a function: where it may come from."""
        return sorted(
            m
            for m in self.loaded
            if module in source.imports.get(m, ()) and module not in source.imports_at_load.get(m, ())
        )


def celery_startup(
    source: AppSource,
    app_argument: str | None,
    decide: Callable[[TaskImports], bool | None] | None = None,
) -> Startup:
    """The modules loaded by ``celery -A app_argument ...`` (None: the tree's only Celery app).
    ``decide`` says whether the ``if``s of a guarded ``imports`` setting hold in the process (the
    engine evaluates them with the pod's env; None: unknown, the modules possible only)."""
    modules = {m.name for m in source.modules}
    roots: dict[str, str] = {}
    if app_argument:
        module = app_argument.split(":", 1)[0]
        for candidate in (module, f"{module}.celery"):  # Celery also tries the package's celery module
            if candidate in modules:
                roots.setdefault(candidate, f"celery -A {app_argument}")
    app = _app(source, roots, modules)
    if app is not None:
        roots.setdefault(app.place.module, "the Celery application")
        for name in app.include:
            if name in modules:
                roots.setdefault(name, f"include= of {app.variable} ({app.place.ref})")
    loaded = _loaded(source, roots, modules)
    if app is not None and _uses_django(app, source):
        installed = [v.value for v in source.installed_apps if v.value is not None and v.value in modules]
        for settings in (m for m in modules if is_settings_module(m)):
            roots.setdefault(settings, "Django's settings")
        for package in installed:
            roots.setdefault(package, "an installed app (django.setup())")
            if f"{package}.models" in modules:
                roots.setdefault(f"{package}.models", "an installed app's models (django.setup())")
        discovered = app.autodiscover_packages or (tuple(installed) if app.autodiscover else ())
        for package in discovered:
            if f"{package}.tasks" in modules:
                where = app.autodiscover[0].ref if app.autodiscover else app.place.ref
                roots.setdefault(f"{package}.tasks", f"autodiscover_tasks() ({where})")
        loaded = _loaded(source, roots, modules)
    maybe: dict[str, str] = {}
    skipped: dict[str, str] = {}
    if app is not None:
        django = _uses_django(app, source)
        for imports in (i for i in source.task_imports if _applies(i, app, django, loaded)):
            said = f"{imports.setting} ({imports.place.ref})"
            sure = not imports.guards and imports.place.function is None
            if imports.place.function is not None:
                said += f" in {imports.place.function}"
            elif imports.guards:
                said += " under `" + " and ".join(g.condition for g in imports.guards) + "`"
                holds = decide(imports) if decide is not None else None
                if holds is False:
                    for value in imports.modules:
                        if value.value in modules:
                            skipped.setdefault(value.value, f"{said} does not hold")
                    continue
                sure = holds is True
                said += ", which holds" if sure else ""
            for value in imports.modules:
                if value.value is None:  # a module the files do not pin: any may be imported
                    unpinned = f"{said}, whose modules the files do not pin"
                    maybe.update({m: unpinned for m in sorted(modules) if m not in loaded and m not in maybe})
                elif value.value in modules:
                    (roots if sure else maybe).setdefault(value.value, said)
        loaded = _loaded(source, roots, modules)
    possible = source.closure({*loaded, *maybe})
    skipped = {m: why for m, why in skipped.items() if m not in possible}
    return Startup(app=app, loaded=loaded, possible=possible, roots=roots, maybe=maybe, skipped=skipped)


def _applies(imports: TaskImports, app: CeleryApp, django: bool, loaded: frozenset[str]) -> bool:
    """Whether the app reads this ``imports`` setting: Django's settings (``CELERY_IMPORTS``) when it is
    configured from them, a module it is configured from, or its own ``conf``, in a loaded module."""
    module = imports.place.module
    if module not in loaded:
        return False
    if imports.setting.endswith((".imports", ".include")):
        return True
    configured = {c.split(":", 1)[0] for c in app.config_from_object}
    if module in configured:
        return True
    return django and is_settings_module(module) and imports.setting.lower().startswith("celery_")


def _loaded(source: AppSource, roots: dict[str, str], modules: set[str]) -> frozenset[str]:
    """What loading the roots loads: each root's parent packages first (``import a.b`` runs
    ``a/__init__.py``), then every import outside functions, transitively."""
    parents = {".".join(r.split(".")[:i]) for r in roots for i in range(1, r.count(".") + 1)}
    return source.closure([*roots, *(p for p in sorted(parents) if p in modules)], at_load=True)


def _app(source: AppSource, roots: dict[str, str], modules: set[str]) -> CeleryApp | None:
    """The Celery application the roots load, else the tree's only one."""
    reached = _loaded(source, roots, modules)
    found = [a for a in source.apps if a.place.module in reached]
    if found:
        return found[0]
    return source.apps[0] if len(source.apps) == 1 else None


def _uses_django(app: CeleryApp, source: AppSource) -> bool:
    configured = any("django" in c for c in app.config_from_object)
    return configured or (
        any(is_settings_module(m.name) for m in source.modules) and bool(source.installed_apps)
    )
