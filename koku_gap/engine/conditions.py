"""Whether an ``if`` of the application's code holds in one pod: its condition evaluated with the pod's
environment, three-valued.

The reader records each guard as the condition's text and the settings and variables it reads; the
chart says which variables a pod sets. A condition such as ``onprem or not schedule_report_checks``
(``onprem`` bound to ``settings.ONPREM`` by the call that registers the beat) comes out True, False, or
unknown when it reads something no file settles (a database row, a feature flag, a call). Unknown is
never guessed: a verdict resting on it says so.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from koku_gap.model.evidence import AppSource, CallSite, EnvRead, Guard, is_settings_module
from koku_gap.model.location import SourceRef

# django-environ's and environs' reading of a boolean variable (smart_cast): anything else is False.
TRUE_WORDS: Final = frozenset({"true", "on", "ok", "y", "yes", "1"})
MAX_DEPTH: Final = 12  # names followed through bindings and assignments before giving up


class _Unknown:
    def __repr__(self) -> str:
        return "unknown"


UNKNOWN: Final = _Unknown()  # beside the values a condition computes with: bool, int, str, None


@dataclass(frozen=True)
class PodValue:
    """A variable as a pod sets it: ``value`` (None: from a Secret or ConfigMap the tool cannot read)
    and the chart line that sets it."""

    value: str | None
    where: SourceRef | None = None


@dataclass(frozen=True)
class PodEnv:
    """What one pod's environment is known to hold. ``complete`` is False when the pod also loads
    variables from ConfigMaps or Secrets (``envFrom``) whose keys are unknown: then a variable it does
    not list may still be set, and its value is unknown rather than the code's default."""

    pod: str
    values: Mapping[str, PodValue]
    complete: bool = True


@dataclass(frozen=True)
class Fact:
    """One value a condition was evaluated with, in words, and the lines it comes from."""

    words: str
    code: EnvRead | None = None
    chart: SourceRef | None = None


@dataclass
class Evaluation:
    value: object  # what the condition computed, or UNKNOWN
    facts: list[Fact] = field(default_factory=list)

    @property
    def truth(self) -> bool | None:
        return None if self.value is UNKNOWN else bool(self.value)


@dataclass(frozen=True)
class Frame:
    """Where a condition is read: its module, and the names bound by the call that runs it (parameter
    -> (argument text, the caller's module))."""

    module: str
    bindings: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def bindings_of(call: CallSite) -> dict[str, tuple[str, str]]:
    return {name: (text, call.place.module) for name, text in call.bindings}


class Evaluator:
    """Evaluates conditions of one source tree with one pod's environment."""

    def __init__(self, source: AppSource, env: PodEnv) -> None:
        self.source = source
        self.env = env
        self._reads: dict[str, EnvRead] = {}  # "module.NAME" -> the env read assigned to it
        self._at_line: dict[tuple[str, int, str], EnvRead] = {}  # (file, line, variable) -> read
        for read in source.env_reads:
            if read.assigned_to is not None:
                self._reads.setdefault(read.assigned_to, read)
            self._at_line.setdefault((read.place.ref.file, read.place.ref.line, read.variable), read)
        self._settings = [m.name for m in source.modules if is_settings_module(m.name)]
        self._files = {m.name: m.file for m in source.modules}

    # --- entry points ------------------------------------------------------------------------------

    def guard(self, guard: Guard, frame: Frame) -> Evaluation:
        """Whether the statement under ``guard`` runs: the condition, inverted when it is the else."""
        found = self.condition(guard.condition, frame, guard.ref.file, guard.ref.line)
        if guard.negated and found.value is not UNKNOWN:
            found.value = not found.value
        return found

    def all_hold(self, guards: Sequence[Guard], frame: Frame) -> Evaluation:
        """Whether every guard holds: False as soon as one is False, unknown if any is unknown."""
        facts: list[Fact] = []
        unknown = False
        for guard in guards:
            found = self.guard(guard, frame)
            facts += found.facts
            if found.value is UNKNOWN:
                unknown = True
            elif not found.value:
                return Evaluation(False, found.facts)
        return Evaluation(UNKNOWN if unknown else True, facts)

    def condition(self, text: str, frame: Frame, file: str = "", line: int = 0) -> Evaluation:
        try:
            node = ast.parse(text.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return Evaluation(UNKNOWN)
        facts: list[Fact] = []
        value = _Walk(self, frame, file, line, facts).value(node, 0)
        return Evaluation(value, facts)

    # --- names -------------------------------------------------------------------------------------

    def name(self, qualified: str, facts: list[Fact]) -> object:
        """The value of ``module.NAME`` when the tree assigns it an environment read."""
        read = self._reads.get(qualified)
        return UNKNOWN if read is None else self.read(read, facts)

    def setting(self, name: str, facts: list[Fact]) -> object:
        """``settings.NAME``: the read a settings module assigns to ``NAME``."""
        for module in self._settings:
            read = self._reads.get(f"{module}.{name}")
            if read is not None:
                return self.read(read, facts, shown=f"settings.{name}")
        return UNKNOWN

    def read_at(self, file: str, line: int, variable: str, facts: list[Fact]) -> object:
        read = self._at_line.get((file, line, variable))
        return UNKNOWN if read is None else self.read(read, facts)

    def read(self, read: EnvRead, facts: list[Fact], shown: str | None = None) -> object:
        """The value ``read`` gives in this pod: the pod's text cast as the reader casts it, or the
        code's default when the pod does not set the variable."""
        label = shown or read.assigned_to or read.variable
        pod = self.env.values.get(read.variable)
        if pod is not None:
            if pod.value is None:
                facts.append(Fact(f"{label} reads {read.variable}, set from a Secret or ConfigMap", read))
                return UNKNOWN
            value = _cast(pod.value, read.cast)
            said = f"{read.variable}={pod.value!r} in {self.env.pod}"
            facts.append(Fact(f"{label} = {value!r} ({said})", read, pod.where))
            return value
        if not self.env.complete:
            facts.append(
                Fact(f"{label} reads {read.variable}: {self.env.pod} may set it through envFrom", read)
            )
            return UNKNOWN
        if read.default is None:
            value = None if read.accessor.endswith(("get", "getenv")) else UNKNOWN
        elif (literal := _literal(read.default)) is not UNKNOWN:
            value = literal  # os.getenv and django-environ return a default as given, uncast
        elif read.default_value is None:
            value = UNKNOWN
        else:
            value = _cast(read.default_value, read.cast)
        if value is not UNKNOWN:
            facts.append(
                Fact(f"{label} = {value!r} ({self.env.pod} does not set {read.variable}: the default)", read)
            )
        return value


def _literal(text: str) -> object:
    """A default written as a constant other than a string (``0``, ``False``, ``None``): its value."""
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return UNKNOWN
    return value if value is None or isinstance(value, bool | int | float) else UNKNOWN


def _cast(text: str, cast: str | None) -> object:
    """An environment string as the reader's typed accessor returns it."""
    if cast == "bool":
        return text.strip().lower() in TRUE_WORDS
    if cast == "int":
        try:
            return int(text.strip())
        except ValueError:
            return UNKNOWN
    if cast == "float":
        try:
            return float(text.strip())
        except ValueError:
            return UNKNOWN
    if cast in (None, "str"):
        return text
    return UNKNOWN


_COMPARE: Final[dict[type[ast.cmpop], Callable[[Any, Any], object]]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: operator.contains(b, a),
    ast.NotIn: lambda a, b: not operator.contains(b, a),
}
_STR_METHODS: Final = frozenset({"strip", "lower", "upper", "lstrip", "rstrip"})


@dataclass
class _Walk:
    """One condition's evaluation: names resolve through the frame's bindings, the module's names
    and Django's settings."""

    ev: Evaluator
    frame: Frame
    file: str
    line: int
    facts: list[Fact]

    def value(self, node: ast.expr, depth: int) -> object:
        if depth > MAX_DEPTH:
            return UNKNOWN
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self.named(node.id, depth)
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "settings"
        ):
            return self.ev.setting(node.attr, self.facts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.value(node.operand, depth + 1)
            return UNKNOWN if inner is UNKNOWN else not inner
        if isinstance(node, ast.BoolOp):
            return self.boolean(node, depth)
        if isinstance(node, ast.Compare):
            return self.compare(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = [self.value(e, depth + 1) for e in node.elts]
            return UNKNOWN if any(i is UNKNOWN for i in items) else tuple(items)
        return UNKNOWN

    def named(self, name: str, depth: int) -> object:
        bound = self.frame.bindings.get(name)
        if bound is not None:  # a parameter: the caller's argument, read in the caller's module
            text, module = bound
            caller = _Walk(self.ev, Frame(module), "", 0, self.facts)
            try:
                node = ast.parse(text.strip(), mode="eval").body
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return UNKNOWN
            return caller.value(node, depth + 1)
        if name in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[name]
        return self.ev.name(f"{self.frame.module}.{name}", self.facts)

    def boolean(self, node: ast.BoolOp, depth: int) -> object:
        """Python's ``and``/``or``, short-circuiting: an unknown operand decides nothing by itself."""
        unknown = False
        result: object = None
        for operand in node.values:
            result = self.value(operand, depth + 1)
            if result is UNKNOWN:
                unknown = True
                continue
            if isinstance(node.op, ast.And) and not result:
                return result
            if isinstance(node.op, ast.Or) and result:
                return result
        return UNKNOWN if unknown else result

    def compare(self, node: ast.Compare, depth: int) -> object:
        left = self.value(node.left, depth + 1)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.value(right_node, depth + 1)
            compare = _COMPARE.get(type(op))
            if left is UNKNOWN or right is UNKNOWN or compare is None:
                return UNKNOWN
            try:
                if not compare(left, right):
                    return False
            except TypeError:
                return UNKNOWN
            left = right
        return True

    def call(self, node: ast.Call, depth: int) -> object:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _STR_METHODS and not node.args:
            inner = self.value(func.value, depth + 1)
            return getattr(inner, func.attr)() if isinstance(inner, str) else UNKNOWN
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str) and self.file:
            # an environment read written in the condition itself: ENV.bool("X", default=False)
            return self.ev.read_at(self.file, self.line, first.value, self.facts)
        return UNKNOWN
