"""Which modules a Celery process (``celery -A APP worker|beat``) has loaded once it has started.

It matters because Celery routes a task by its options *as registered in the sending process*: a beat
entry whose task module the beat never imports is sent by name, to ``task_routes`` or the default
queue, whatever the task's decorator says (``celery/beat.py``: ``self.app.tasks.get(entry.task)``, else
``send_task``). A process loads the ``-A`` module and what it imports outside functions; with Django,
``django.setup()`` loads the settings, every installed app of the tree and its ``models``; the app's
``include=`` and ``autodiscover_tasks()`` (``<app>.tasks`` for each installed app, or the packages it
names) load the task modules. Imports inside functions load only when those functions run (a
worker-only signal hook): such modules are *possible*, not loaded, and a verdict depending on them
gives both answers. Not followed: the URL conf Django's checks import, ``importlib`` and the
``CELERY_IMPORTS`` setting.
"""

from __future__ import annotations

from dataclasses import dataclass

from koku_gap.model.evidence import AppSource, CeleryApp, is_settings_module


@dataclass(frozen=True)
class Startup:
    """The modules a process has loaded (``loaded``), those it may load later (``possible``, a
    superset), its Celery application, and why each root was loaded (module -> words)."""

    app: CeleryApp | None
    loaded: frozenset[str]
    possible: frozenset[str]
    roots: dict[str, str]

    def imported_in(self, source: AppSource, module: str) -> list[str]:
        """The loaded modules that import ``module`` only inside a function: where it may come from."""
        return sorted(
            m
            for m in self.loaded
            if module in source.imports.get(m, ()) and module not in source.imports_at_load.get(m, ())
        )


def celery_startup(source: AppSource, app_argument: str | None) -> Startup:
    """The modules loaded by ``celery -A app_argument ...`` (None: the tree's only Celery app)."""
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
    return Startup(app=app, loaded=loaded, possible=source.closure(loaded), roots=roots)


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
