"""Classification and priority rules, read from YAML and validated.

The engine knows what a missing Kafka consumer *means*; how urgent that is for a given product is
policy. A policy may ``extends:`` a bundled one (``default``, ``koku``) or another file; mappings merge
(the child wins) and rule lists concatenate (the child's rules are tried first).
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from koku_gap.model.base import Frozen
from koku_gap.model.bundled import POLICY_DIR, bundled_policies
from koku_gap.model.errors import InputError
from koku_gap.model.graph import Component
from koku_gap.model.location import Notice
from koku_gap.model.report import Assumption, Citation, Row
from koku_gap.model.rules import OUTCOME_SECTIONS
from koku_gap.model.vocabulary import DRIFT_NAMES, ROLE_NAMES, ChartStatus, Priority, Status
from koku_gap.yaml.loader import LDict, LList, parse_stream, read_text


def _one_of(what: str, allowed: tuple[str, ...]) -> AfterValidator:
    """A validator that refuses a name outside ``allowed``, naming the closest one: a typo in a policy
    would otherwise be a rule that silently never applies."""

    def check(value: str) -> str:
        if value in allowed:
            return value
        close = difflib.get_close_matches(value, allowed, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise ValueError(f"unknown {what} {value!r}; {hint}expected one of: {', '.join(allowed)}")

    return AfterValidator(check)


# The names a policy may use are the vocabulary's (tests/engine/policy/test_names.py proves it).
RoleName = Annotated[str, _one_of("role", ROLE_NAMES)]
DriftKindName = Annotated[str, _one_of("drift kind", DRIFT_NAMES)]


class Reasoned(Frozen):
    """What every entry that gives a reason may add: the source lines that prove it (``evidence``) and
    the policy's named assumptions it rests on (``rests_on``, keys of ``assume:``), so a reader can
    check a verdict instead of trusting it."""

    evidence: tuple[Citation, ...] = ()
    rests_on: tuple[str, ...] = ()


class AssumptionEntry(Frozen):
    """An ``assume:`` entry: what the files cannot settle (a feature flag's value where the product
    is installed), said once, with the lines that make it plausible."""

    statement: str = Field(min_length=1)
    evidence: tuple[Citation, ...] = ()


class Outcome(Reasoned):
    """What a rule decides: a status, a priority (or none) and the reason shown on the row."""

    status: Status
    priority: Priority | None = None
    reason: str
    action: str | None = None  # what to do about it; the engine fills a default when a rule gives none
    act_now: bool = True  # whether the action asks for something now (false: "none unless ...")


class ChartRule(Reasoned):
    """Classifies a chart workload that no ClowdApp component claims."""

    name: str | None = None  # glob on the chart workload name
    role: RoleName | None = None  # role kind, e.g. query-engine
    status: ChartStatus
    reason: str
    unless_app: str | None = None  # the rule stands aside when this ClowdApp is analysed too

    def applies(self, name: str, role: str) -> bool:
        if self.name is None and self.role is None:
            return False
        return (self.name is None or fnmatch.fnmatchcase(name, self.name)) and (
            self.role is None or self.role == role
        )


class ComponentOverride(Reasoned):
    """Replaces a ClowdApp component's status and/or priority; ``when: gap`` only if it would be a gap.

    ``if_env``/``unless_env`` make it one alternative among several: it applies only when the component's
    main container sets every ``if_env`` variable and none of the ``unless_env`` ones, which is how a
    policy tells versions of an application apart that the ClowdApp does not name (a variable one
    version added everywhere).
    """

    status: Status | None = None
    priority: Priority | None = None
    when: Literal["always", "gap"] = "always"
    reason: str
    action: str | None = None  # what to do instead, shown on the row
    act_now: bool = True  # whether that action asks for something now
    if_env: tuple[str, ...] | None = None  # applies only when the component sets all of these
    unless_env: tuple[str, ...] | None = None  # applies only when it sets none of these

    @field_validator("if_env", "unless_env")
    @classmethod
    def _names_given(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and not value:
            raise ValueError("names no variable; leave it out or name one")
        if value is not None and not all(name.strip() for name in value):
            raise ValueError("an empty variable name")
        return value

    @model_validator(mode="after")
    def _can_apply(self) -> ComponentOverride:
        both = sorted(set(self.if_env or ()) & set(self.unless_env or ()))
        if both:
            raise ValueError(f"{', '.join(both)} in both if_env and unless_env: it never applies")
        return self

    @property
    def conditional(self) -> bool:
        return self.if_env is not None or self.unless_env is not None

    def applies_to(self, env: Collection[str]) -> bool:
        """Whether the component's main-container env names (``env``) satisfy the conditions."""
        return all(n in env for n in self.if_env or ()) and not any(n in env for n in self.unless_env or ())

    def condition(self) -> str | None:
        """The conditions in words, for the row's reason: ``the ClowdApp sets ONPREM``."""
        parts = []
        if self.if_env:
            parts.append(f"sets {' and '.join(self.if_env)}")
        if self.unless_env:
            names = self.unless_env
            parts.append(f"sets no {names[0]}" if len(names) == 1 else f"sets none of {', '.join(names)}")
        return f"the ClowdApp {' and '.join(parts)}" if parts else None


def _alternatives(entries: tuple[ComponentOverride, ...]) -> tuple[ComponentOverride, ...]:
    """A ``components:`` list: at least one alternative, and none after one that always applies."""
    if not entries:
        raise ValueError("a list of alternatives needs at least one entry")
    for index, entry in enumerate(entries[:-1]):
        if not entry.conditional:
            raise ValueError(
                f"alternative {index} has no if_env or unless_env, so the ones after it are never tried"
            )
    return entries


def _entry_kind(value: object) -> str:
    return "alternatives" if isinstance(value, list | tuple) else "override"


# A ``components:`` value: one override (as before) or a list of alternatives, the first that applies
# deciding. The tags name the union's branches; error locations leave them out (``_UNION_TAGS``).
ComponentEntry = Annotated[
    Annotated[ComponentOverride, Tag("override")]
    | Annotated[tuple[ComponentOverride, ...], AfterValidator(_alternatives), Tag("alternatives")],
    Discriminator(_entry_kind),
]
_UNION_TAGS = ("override", "alternatives")


class Alias(Reasoned):
    """A ``match:`` entry written as a mapping, to say why: ``{to: "*-shop-api", reason: ...}``."""

    to: str | list[str]
    reason: str | None = None


class Waiver(Reasoned):
    """Accepts a known gap: of a ClowdApp component (glob), or of Celery queues no chart worker consumes.

    A waived row stays in every report, marked, and no longer fails the run. ``expires`` is the last day
    the waiver holds; from the next day on the gap counts again and its row says so.
    """

    component: str | None = None  # glob on the ClowdApp component name
    queue: str | None = None  # glob on a Celery queue name: waives rows whose uncovered queues all match
    app: str | None = None  # glob on the ClowdApp app name; any app when omitted
    reason: str
    expires: date | None = None

    @field_validator("reason")
    @classmethod
    def _reason_given(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a waiver needs a reason")
        return " ".join(value.split())

    @field_validator("expires", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        if value is None or (isinstance(value, date) and type(value) is date):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:  # written right, but no such day: 2026-02-30
                raise ValueError(
                    f"expires {value.strip()!r} is not a date (no such day in the calendar)"
                ) from None
        raise ValueError(f"expires must be a date written YYYY-MM-DD, got {value!r}")

    @model_validator(mode="after")
    def _one_target(self) -> Waiver:
        if (self.component is None) == (self.queue is None):
            raise ValueError("a waiver names either a component or a queue")
        return self

    def expired(self, today: date) -> bool:
        return self.expires is not None and today > self.expires

    def applies_to_app(self, app: str) -> bool:
        return self.app is None or fnmatch.fnmatchcase(app, self.app)

    @property
    def subject(self) -> str:
        return f"component {self.component}" if self.component is not None else f"queue {self.queue}"


Origin = tuple[str, int | None]  # the file (``<policy:NAME>`` when bundled) and line an entry is written at


@dataclass(frozen=True)
class _Origins:
    """Where each ``components`` and ``match`` pattern and each waiver is written, keyed by (section,
    pattern or Waiver). Not part of what a policy says: two policies that say the same compare equal
    wherever they were read from (``compare=False``), and a private attribute is never serialised."""

    of: Mapping[tuple[str, object], Origin] = field(default_factory=dict, compare=False)


def _outcome_fields() -> type[Frozen]:
    """The base holding one ``Outcome | None`` field per special gap kind that has a policy key
    (``uncovered_queue``, ``schedule_lost``, ...), built from ``model/rules.py``'s table: a new kind
    is one entry there, and its key is read, merged, located in errors and cited like any other."""
    fields: dict[str, Any] = {section: (Outcome | None, None) for section in OUTCOME_SECTIONS.values()}
    return create_model("_Outcomes", __base__=Frozen, **fields)


if TYPE_CHECKING:  # the fields are built at run time; ``Policy.outcome`` is the typed way to read them

    class _Outcomes(Frozen):
        pass

else:
    _Outcomes = _outcome_fields()


class Policy(_Outcomes):
    name: str = "custom"
    extends: str | None = None
    strip_prefixes: tuple[str, ...] = ()
    missing: dict[RoleName, Outcome] = Field(default_factory=dict)
    partial_on: tuple[DriftKindName, ...] = ()
    partial_priority: Priority = "P2"
    ignore_env: tuple[str, ...] = ()
    chart: tuple[ChartRule, ...] = ()
    match: dict[str, str | list[str] | Alias] = Field(default_factory=dict)
    components: dict[str, ComponentEntry] = Field(default_factory=dict)  # the child's replace the parent's
    waivers: tuple[Waiver, ...] = ()  # the child's are tried first
    assume: dict[str, AssumptionEntry] = Field(default_factory=dict)  # named assumptions, for rests_on
    sources: tuple[str, ...] = ()  # the files this policy was read from, for the report
    _origins: _Origins = PrivateAttr(default_factory=_Origins)  # set by load_policy

    def outcome(self, rule_id: str) -> Outcome | None:
        """The outcome the policy gives a special gap kind (``rules.UNCOVERED_QUEUE``, ...); None when
        the policy gives none, and the kind then does not apply."""
        found = getattr(self, OUTCOME_SECTIONS[rule_id])
        assert found is None or isinstance(found, Outcome)
        return found

    def outcome_for_missing(self, role: str) -> Outcome:
        if role in self.missing:
            return self.missing[role]
        if "unknown" in self.missing:
            return self.missing["unknown"]
        return Outcome(status="missing", priority="P1", reason=f"no counterpart for a {role} component")

    def outcome_for_missing_role(self, role: str) -> Outcome:
        """As ``outcome_for_missing``, but a fallback rule names the role it stands in for."""
        outcome = self.outcome_for_missing(role)
        if role not in self.missing and role != "unknown":
            return outcome.model_copy(
                update={"reason": f"a {role} component is missing (no rule for this role)"}
            )
        return outcome

    def override_for(self, component: Component) -> ComponentOverride | None:
        """The ``components:`` entry for ``component``: the first pattern naming it decides, and of its
        alternatives the first whose env conditions the component's main container meets (none: no
        override). A conditional one comes back with its condition added to its reason, so the row
        says why this alternative applies."""
        pattern = next((p for p in self.components if fnmatch.fnmatchcase(component.name, p)), None)
        if pattern is None:
            return None
        env = {e.name for e in component.env}
        chosen = next((o for o in self.alternatives(pattern) if o.applies_to(env)), None)
        condition = chosen.condition() if chosen is not None else None
        if chosen is None or condition is None:
            return chosen
        return chosen.model_copy(update={"reason": f"{chosen.reason} (chosen: {condition})"})

    def alternatives(self, pattern: str) -> tuple[ComponentOverride, ...]:
        """The alternatives of a ``components:`` pattern, in order (one for a single mapping)."""
        entry = self.components[pattern]
        return (entry,) if isinstance(entry, ComponentOverride) else entry

    def aliases_for(self, component: str) -> list[str]:
        pattern = self.alias_pattern(component)
        if pattern is None:
            return []
        target = self.match[pattern]
        if isinstance(target, Alias):
            target = target.to
        return [target] if isinstance(target, str) else list(target)

    def alias_pattern(self, component: str) -> str | None:
        """The first ``match:`` pattern naming ``component``, which decides its aliases."""
        return next((p for p in self.match if fnmatch.fnmatchcase(component, p)), None)

    def chart_rule(self, name: str, role: str) -> ChartRule | None:
        return next((rule for rule in self.chart if rule.applies(name, role)), None)

    def component_waivers(self, app: str, component: str) -> list[Waiver]:
        """The waivers naming this ClowdApp component, in policy order (expired ones included)."""
        return [
            w
            for w in self.waivers
            if w.component is not None
            and w.applies_to_app(app)
            and fnmatch.fnmatchcase(component, w.component)
        ]

    def origin(self, section: str, entry: object) -> Origin:
        """Where a ``components``/``match`` pattern or a waiver is written: its own file (a parent's
        when it comes from ``extends``) and line; the last file read, without a line, when unknown
        (an entry added in code)."""
        found = self._origins.of.get((section, entry))
        if found is not None:
            return found
        return (self.sources[-1] if self.sources else "<policy>", None)

    def unused_patterns(self, components: Iterable[Component]) -> list[Notice]:
        """A note for each ``components`` or ``match`` pattern and each waiver that matches no ClowdApp
        component (or, for a queue waiver, no queue one consumes): like an alias naming nothing, it
        never applies, which is often a typo or a component the analysed templates no longer have."""
        comps = list(components)
        notes = [
            self.notice(
                f"policy {section} pattern {pattern} matches no ClowdApp component; it never applies",
                self.origin(section, pattern),
            )
            for section, patterns in (("components", self.components), ("match", self.match))
            for pattern in patterns
            if not any(fnmatch.fnmatchcase(c.name, pattern) for c in comps)
        ]
        for waiver in self.waivers:
            mine = [c for c in comps if waiver.applies_to_app(c.app)]
            if waiver.component is not None:
                used = any(fnmatch.fnmatchcase(c.name, waiver.component) for c in mine)
                what = "ClowdApp component"
            else:
                pattern = waiver.queue or ""
                used = any(fnmatch.fnmatchcase(q, pattern) for c in mine for q in c.queues)
                what = "queue of a ClowdApp component"
            if not used:
                app = f" of app {waiver.app}" if waiver.app is not None else ""
                message = f"policy waiver of {waiver.subject} matches no {what}{app}; it never applies"
                notes.append(self.notice(message, self.origin("waivers", waiver)))
        return notes

    @staticmethod
    def notice(message: str, origin: Origin) -> Notice:
        """A report warning about a policy entry, at the file and line it is written."""
        file, line = origin
        return Notice(code="policy", message=message, file=file, line=line)

    def entries(self) -> list[tuple[str, Reasoned]]:
        """Every entry that may carry evidence, with where it sits (``components clowder-worker-hcs``)."""
        found: list[tuple[str, Reasoned]] = [(f"missing {role}", o) for role, o in self.missing.items()]
        for rule_id, section in OUTCOME_SECTIONS.items():
            outcome = self.outcome(rule_id)
            if outcome is not None:
                found.append((section, outcome))
        found += [(f"chart {rule.name or rule.role}", rule) for rule in self.chart]
        found += [(f"match {p}", a) for p, a in self.match.items() if isinstance(a, Alias)]
        for p, entry in self.components.items():
            if isinstance(entry, ComponentOverride):
                found.append((f"components {p}", entry))
            else:
                found += [(f"components {p} alternative {i}", o) for i, o in enumerate(entry)]
        found += [(f"waivers {w.subject}", w) for w in self.waivers]
        return found

    def citations(self) -> list[tuple[str, Citation]]:
        """Every citation of the policy, entries' and assumptions' alike, once each, with the first entry
        citing it."""
        found = [(where, c) for where, entry in self.entries() for c in entry.evidence]
        found += [(f"assume {name}", c) for name, a in self.assume.items() for c in a.evidence]
        first: dict[Citation, str] = {}
        for where, citation in found:
            first.setdefault(citation, where)
        return [(where, citation) for citation, where in first.items()]

    def citation_origin(self, citation: Citation) -> Origin:
        """Where a citation is written (its ``- file:`` line), as ``origin`` does for patterns."""
        return self.origin("evidence", citation)

    def alias_entry(self, component: str) -> Alias | None:
        """The ``match:`` entry that aliases ``component``, when it is written as a mapping (with a
        reason or evidence of its own)."""
        pattern = self.alias_pattern(component)
        entry = self.match[pattern] if pattern is not None else None
        return entry if isinstance(entry, Alias) else None

    def cited(self, row: Row, entries: Sequence[Reasoned]) -> Row:
        """``row`` with the evidence and assumptions of ``entries``, the policy entries that decided it
        (``engine/classify.py`` passes them where it decides): typed (``citations``, ``assumptions``)
        and in words (``evidence`` refs, an ``assumed: ...`` reason)."""
        citations = list(dict.fromkeys(c for e in entries for c in e.evidence))
        names = list(dict.fromkeys(n for e in entries for n in e.rests_on))
        assumptions = [
            Assumption(name=n, statement=self.assume[n].statement, evidence=list(self.assume[n].evidence))
            for n in names
            if n in self.assume
        ]
        if not citations and not assumptions:
            return row
        return row.model_copy(
            update={
                "citations": citations,
                "assumptions": assumptions,
                "evidence": [*row.evidence, *(f"policy cites {c}" for c in citations)],
                "reasons": [*row.reasons, *(a.words for a in assumptions)],
            }
        )

    def queue_waivers(self, app: str, queue: str) -> list[Waiver]:
        """The waivers naming this Celery queue, in policy order (expired ones included)."""
        return [
            w
            for w in self.waivers
            if w.queue is not None and w.applies_to_app(app) and fnmatch.fnmatchcase(queue, w.queue)
        ]


def load_policy(source: str | Path | None = None) -> Policy:
    """A bundled policy by name (``default``, ``koku``) or a policy file; None means ``default``."""
    return _load(str(source) if source is not None else "default", seen=())


MAX_ENTRIES = 2_000  # per section: each entry is matched against every component (real policies: dozens)


def _check_sizes(raw: LDict, file: str) -> None:
    """Refuse a section too long to match: a policy comes with a pull request, and every pattern is
    tried against every component and queue, so 500,000 of them would take minutes."""
    for section in ("components", "match", "chart", "waivers", "assume"):
        entries = raw.get(section)
        if isinstance(entries, dict | list) and len(entries) > MAX_ENTRIES:
            raise InputError(
                file,
                raw.line_of(section),
                f"policy {section}: more than {MAX_ENTRIES} entries (real policies have dozens)",
            )


def _beside(policy_file: Path, parent: str, line: int | None) -> Path:
    """The file a policy ``extends``: a bundled name, or a path inside the policy's own directory. A
    policy comes with a pull request; its ``extends:`` must not read the CI machine's other files (and
    quote them in an error)."""
    base = policy_file.parent.resolve()
    target = (base / parent).resolve()
    if Path(parent).is_absolute() or not target.is_relative_to(base):
        bundled = ", ".join(bundled_policies())
        raise InputError(
            str(policy_file),
            line,
            f"'extends' names a bundled policy ({bundled}) or a file in this policy's directory, "
            f"not {parent!r}",
        )
    return base / parent


def _load(source: str, seen: tuple[str, ...]) -> Policy:
    if source in seen:
        raise InputError(source, None, f"policy 'extends' loops: {' -> '.join((*seen, source))}")
    raw, file = _read(source)
    _check_sizes(raw, file)
    parent_name = raw.get("extends")
    data = dict(raw)
    inherited: Mapping[tuple[str, object], Origin] = {}
    if parent_name is not None:
        if not isinstance(parent_name, str):
            raise InputError(file, raw.line_of("extends"), "'extends' must name a policy")
        parent_source = parent_name
        if parent_name not in bundled_policies() and Path(file).exists():
            parent_source = str(_beside(Path(file), parent_name, raw.line_of("extends")))
        parent = _load(parent_source, (*seen, source))
        inherited = parent._origins.of
        data = _merge(parent.model_dump(exclude={"name", "extends", "sources"}), data)
        data["extends"] = parent_name
        data["sources"] = (*parent.sources, file)
    else:
        data["sources"] = (file,)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        located = []
        for error in exc.errors():  # the first by line, as a reader of the file meets them
            location = _locate(raw, _file_location(error["loc"]), error.get("input"))
            located.append((_line_of(raw, location) or 0, location, error))
        first, location, error = min(located, key=lambda found: found[0])
        line = first or None
        what = ".".join(location) or "policy"
        message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
        message = message.removeprefix("Value error, ")
        raise InputError(file, line, f"policy {what}: {message}") from None
    _check_rests_on(raw, file, policy)
    policy._origins = _Origins({**inherited, **_origins_in(raw, file, policy)})
    return policy


def _check_rests_on(raw: LDict, file: str, policy: Policy) -> None:
    """Every ``rests_on`` of this file names an assumption of the policy (its own or a parent's): a
    typo would be a verdict that silently rests on nothing."""
    for where, node in _walk(raw, ()):
        if not (isinstance(node, LDict) and isinstance(node.get("rests_on"), LList)):
            continue
        names: LList = node["rests_on"]
        for index, name in enumerate(names):
            if isinstance(name, str) and name not in policy.assume:
                known = sorted(policy.assume)
                close = difflib.get_close_matches(name, known, n=1)
                hint = f"did you mean {close[0]}? " if close else ""
                expected = f"expected one of: {', '.join(known)}" if known else "the policy assumes nothing"
                what = ".".join((*where, "rests_on", str(index)))
                message = f"policy {what}: unknown assumption {name!r}; {hint}{expected}"
                raise InputError(file, names.line_of(index), message)


def _walk(node: Any, where: tuple[str, ...]) -> Iterable[tuple[tuple[str, ...], Any]]:
    """Every mapping and list of a policy file with its path of keys and indexes."""
    yield where, node
    if isinstance(node, LDict):
        for key, value in node.items():
            yield from _walk(value, (*where, str(key)))
    elif isinstance(node, LList):
        for index, value in enumerate(node):
            yield from _walk(value, (*where, str(index)))


def _origins_in(raw: LDict, file: str, policy: Policy) -> dict[tuple[str, object], Origin]:
    """Where this file writes its ``components`` and ``match`` patterns and its waivers (which come
    first in the merged ``policy.waivers``, before the parent's)."""
    found: dict[tuple[str, object], Origin] = {}
    for section in ("components", "match"):
        entries = raw.get(section)
        if isinstance(entries, LDict):
            found.update({(section, key): (file, entries.line_of(key)) for key in entries})
    waivers = raw.get("waivers")
    if isinstance(waivers, LList):
        for index, waiver in enumerate(policy.waivers[: len(waivers)]):
            found.setdefault(("waivers", waiver), (file, waivers.line_of(index)))
    for _, node in _walk(raw, ()):
        cited = node.get("evidence") if isinstance(node, LDict) else None
        if isinstance(cited, LList):
            for index, item in enumerate(cited):
                try:
                    citation = Citation.model_validate(item)
                except ValidationError:  # validated with its entry; nothing to place
                    continue
                found.setdefault(("evidence", citation), (file, cited.line_of(index)))
    return found


def _read(source: str) -> tuple[LDict, str]:
    if source in bundled_policies():
        file = f"<policy:{source}>"
        text = (POLICY_DIR / f"{source}.yaml").read_text("utf-8")
    else:
        file = source
        if not Path(source).exists() and os.sep not in source and "." not in source:
            close = difflib.get_close_matches(source, bundled_policies(), n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            bundled = ", ".join(bundled_policies())
            raise InputError(
                source, None, f"no such policy file, nor a bundled policy: {hint}bundled: {bundled}"
            )
        text = read_text(source)
    stream = parse_stream(text, file)
    if len(stream.documents) != 1 or not isinstance(stream.documents[0].value, LDict):
        raise InputError(file, None, "a policy is one YAML mapping")
    return stream.documents[0].value, file


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = dict(parent)
    for key, value in child.items():
        if key == "extends":
            continue
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merged[key] = {**old, **value}
        elif isinstance(old, list | tuple) and isinstance(value, list):
            ordered = key in ("chart", "waivers")  # first match wins: the child's come first
            merged[key] = [*value, *old] if ordered else list(dict.fromkeys([*old, *value]))
        else:
            merged[key] = value
    return merged


def _file_location(loc: tuple[int | str, ...]) -> list[str]:
    """A validation error's location as the file's keys and indexes: a bad mapping key is named by the
    key (pydantic adds ``[key]``) and a ``components:`` entry without the tag of its union branch."""
    location = [str(p) for p in loc if p != "[key]"]
    if len(location) > 2 and location[0] == "components" and location[2] in _UNION_TAGS:
        del location[2]
    return location


def _line_of(raw: Any, location: list[str]) -> int | None:
    """The line of ``location`` in the file's own mapping (its last item fixed up by ``_locate``)."""
    node = raw
    line = getattr(raw, "line", None)
    for part in location:
        if isinstance(node, LDict) and part in node:
            line = node.line_of(part)
            node = node[part]
        elif isinstance(node, LList) and part.isdigit() and int(part) < len(node):
            line = node.line_of(int(part))
            node = node[int(part)]
        else:
            break
    return line


def _locate(raw: Any, location: list[str], bad: object) -> list[str]:
    """``location`` with a list index of the merged policy turned into the file's own: lists like
    ``partial_on`` are validated joined with the parent's, where the bad item sits elsewhere."""
    node = raw
    for position, part in enumerate(location):
        if isinstance(node, LDict) and part in node:
            node = node[part]
        elif (
            isinstance(node, LList) and position == len(location) - 1 and isinstance(bad, str) and bad in node
        ):
            return [*location[:position], str(node.index(bad))]
        elif isinstance(node, LList) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            break
    return location
