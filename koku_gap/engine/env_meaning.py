"""What the application's code does with the env vars a chart leaves unset: drift ranked by meaning.

A chart that leaves out 30 of the ClowdApp's variables usually matters for two or three of them. With
the application's source, each unset variable is one of: a **switch** (an ``if`` of the code reads it,
directly or through a setting assigned from it: the pod runs the branch of the default), **read** (the
code reads it, with its default), or **unread** (nothing in the code reads it: it changes nothing, the
list is kept for completeness). The env-missing drift of a row is then worded in that order, the
switches first with the default each falls back to and where the code decides on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from koku_gap.model.evidence import AppSource, EnvRead, Switch, is_settings_module
from koku_gap.model.report import Drift
from koku_gap.model.vocabulary import DriftKind

SHOWN = 8  # names listed per group before "and N more"


@dataclass
class EnvMeaning:
    """The reads and switches of one source tree, indexed by variable."""

    source: AppSource
    reads: dict[str, list[EnvRead]] = field(default_factory=dict)
    switches: dict[str, list[Switch]] = field(default_factory=dict)

    @classmethod
    def of(cls, source: AppSource) -> EnvMeaning:
        meaning = cls(source)
        setting_of: dict[str, str] = {}  # setting name -> the variable its settings module reads
        for read in source.env_reads:
            meaning.reads.setdefault(read.variable, []).append(read)
            if read.assigned_to and is_settings_module(read.place.module):
                setting_of.setdefault(read.assigned_to.rsplit(".", 1)[-1], read.variable)
        for switch in source.switches:
            variables = {*switch.env, *(setting_of[s] for s in switch.settings if s in setting_of)}
            for variable in variables:
                meaning.switches.setdefault(variable, []).append(switch)
        return meaning

    def explained(self, drift: Drift) -> Drift:
        """An env-missing drift worded by meaning (switches, read, unread), its names in that order."""
        if drift.kind != DriftKind.ENV_MISSING or not isinstance(drift.clowdapp, list):
            return drift
        names = [str(n) for n in drift.clowdapp]
        switches = [n for n in names if n in self.switches]
        read = [n for n in names if n in self.reads and n not in self.switches]
        unread = [n for n in names if n not in self.reads and n not in self.switches]
        parts = []
        if switches:
            parts.append(
                "switches the code decides on (the pod runs the default's branch): "
                + _list([self._switch(n) for n in switches])
            )
        if read:
            parts.append(
                "read by the code, falling back to their default: " + _list([self._read(n) for n in read])
            )
        if unread:
            parts.append(f"read nowhere in the code ({len(unread)}): " + _list(unread))
        message = f"{len(names)} env var(s) the ClowdApp sets are not set; " + "; ".join(parts)
        return drift.model_copy(update={"message": message, "clowdapp": [*switches, *read, *unread]})

    def _default(self, name: str) -> str:
        read = self.reads[name][0]
        default = "no default" if read.default is None else f"default {read.default}"
        return f"{default}, {read.place.ref}"

    def _switch(self, name: str) -> str:
        decides = self.switches[name]
        where = ", ".join(str(s.place.ref) for s in decides[:2]) + (" ..." if len(decides) > 2 else "")
        read = f"{self._default(name)}; " if name in self.reads else ""
        return f"{name} ({read}{len(decides)} if(s): {where})"

    def _read(self, name: str) -> str:
        return f"{name} ({self._default(name)})"


def _list(items: list[str]) -> str:
    shown = ", ".join(items[:SHOWN])
    return shown + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")
