"""The static import graph: each module -> the modules of the tree it imports.

Importing ``a.b.c`` runs ``a`` and ``a.b`` first, so those count too; ``from a import b`` imports the
module ``a.b`` when there is one. Imports inside functions count as well (a worker-only signal hook
imports its tasks when it runs): the graph says what a process *may* import. ``at_load=True`` keeps
only the imports outside functions, which run whenever the module is loaded: what a process *does*
import once it has loaded the module.
"""

from __future__ import annotations

from dataclasses import dataclass

from koku_gap.sources.appsource.index import ModuleInfo

Imported = tuple[str, str | None]  # (absolute module, from-name)


@dataclass(frozen=True)
class ModuleImports:
    """What a module imports, anywhere and outside functions: all the graph needs, without the tree."""

    name: str
    imported: tuple[Imported, ...]
    at_load: frozenset[Imported]

    @classmethod
    def of(cls, module: ModuleInfo) -> ModuleImports:
        return cls(module.name, tuple(module.imported), frozenset(module.imported_at_load))


def import_graph(modules: list[ModuleImports], *, at_load: bool = False) -> dict[str, tuple[str, ...]]:
    known = {m.name for m in modules}
    graph: dict[str, tuple[str, ...]] = {}
    for module in modules:
        found: set[str] = set()
        for name, attr in module.at_load if at_load else module.imported:
            for candidate in (f"{name}.{attr}" if attr else None, name):
                if candidate and candidate in known:
                    found.add(candidate)
                    parts = candidate.split(".")
                    found.update(p for p in (".".join(parts[:i]) for i in range(1, len(parts))) if p in known)
        found.discard(module.name)
        graph[module.name] = tuple(sorted(found))
    return graph
