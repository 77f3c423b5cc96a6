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
import functools
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from koku_gap.model.evidence import AppSource, CallSite, CodeRef, EnvRead, Guard, Helper, is_settings_module
from koku_gap.model.location import SourceRef

# django-environ's reading of a set boolean variable (environ/environ.py, Env.parse_value): an integer is
# true unless 0, else one of these words (lowered, stripped) is true and anything else False.
TRUE_WORDS: Final = frozenset({"true", "on", "ok", "y", "yes", "1"})
# environs reads a boolean with marshmallow's Boolean field: exactly these texts, anything else an error.
ENVIRONS_TRUE: Final = frozenset(
    {"t", "T", "true", "True", "TRUE", "on", "On", "ON", "y", "Y", "yes", "Yes", "YES", "1"}
)
ENVIRONS_FALSE: Final = frozenset(
    {"f", "F", "false", "False", "FALSE", "off", "Off", "OFF", "n", "N", "no", "No", "NO", "0"}
)
MAX_DEPTH: Final = 12  # names followed through bindings and assignments before giving up
MAX_CALLS: Final = 4  # calls of the tree's functions followed from one condition: is_x() -> _helper() -> ...
CALL_BUDGET: Final = 256  # calls evaluated for one condition, all branches together: no blow-up


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
    ref: CodeRef | None = None  # the line of the code the words say (a return followed into a helper)


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
    -> (argument text, the caller's module)). ``outer`` gives, for a parameter bound by a call from
    another function, that function's own frame (its parameters bound in turn): without one, an
    argument is read in its module alone. ``opaque`` are names the function binds itself, which the
    files do not settle."""

    module: str
    bindings: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    outer: Mapping[str, Frame] = field(default_factory=dict)
    opaque: frozenset[str] = frozenset()


@dataclass
class _Calls:
    """The helpers being followed for one condition (innermost last) and what is left of its budget."""

    stack: tuple[str, ...] = ()
    budget: list[int] = field(default_factory=lambda: [CALL_BUDGET])


@functools.lru_cache(maxsize=4096)
def _expression(text: str) -> ast.expr | None:
    """An expression of the code (a condition, an argument, a helper's return) parsed once: a report
    evaluates the same few hundred guards in every pod (the walk only reads the tree, so one serves all)."""
    try:
        return ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


@functools.lru_cache(maxsize=4096)
def _unparsed(node: ast.AST) -> str:
    """A node of a parsed expression (``_expression``, whose trees live as long) written out, once."""
    return ast.unparse(node)


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
        self._helpers = {name: h for h in source.helpers for name in h.names}

    # --- entry points ------------------------------------------------------------------------------

    def guard(self, guard: Guard, frame: Frame, calls: _Calls | None = None) -> Evaluation:
        """Whether the statement under ``guard`` runs: the condition, inverted when it is the else."""
        found = self.condition(guard.condition, frame, guard.ref.file, guard.ref.line, calls)
        if guard.negated and found.value is not UNKNOWN:
            found.value = not found.value
        return found

    def all_hold(self, guards: Sequence[Guard], frame: Frame, calls: _Calls | None = None) -> Evaluation:
        """Whether every guard holds: False as soon as one is False, unknown if any is unknown."""
        facts: list[Fact] = []
        unknown = False
        for guard in guards:
            found = self.guard(guard, frame, calls)
            facts += found.facts
            if found.value is UNKNOWN:
                unknown = True
            elif not found.value:
                return Evaluation(False, found.facts)
        return Evaluation(UNKNOWN if unknown else True, facts)

    def condition(
        self, text: str, frame: Frame, file: str = "", line: int = 0, calls: _Calls | None = None
    ) -> Evaluation:
        node = _expression(text)
        if node is None:
            return Evaluation(UNKNOWN)
        facts: list[Fact] = []
        value = _Walk(self, frame, file, line, facts, calls or _Calls()).value(node, 0)
        return Evaluation(value, facts)

    def helper(self, module: str, func: ast.expr) -> Helper | None:
        """The helper ``func`` (a call's function, as written in ``module``) names, if the tree has one."""
        try:
            return self._helpers.get(f"{module}.{_unparsed(func)}")
        except (RecursionError, ValueError):
            return None

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
            value = set_value(pod.value, read)
            said = f"{read.variable}={pod.value!r} in {self.env.pod}"
            facts.append(Fact(f"{label} = {value!r} ({said})", read, pod.where))
            return value
        if not self.env.complete:
            facts.append(
                Fact(f"{label} reads {read.variable}: {self.env.pod} may set it through envFrom", read)
            )
            return UNKNOWN
        value = unset_value(read)
        if value is not UNKNOWN:
            facts.append(
                Fact(f"{label} = {value!r} ({self.env.pod} does not set {read.variable}: the default)", read)
            )
        return value


def _library(read: EnvRead) -> str:
    """The library of a read; one recorded before reads named theirs: ``os`` by its accessor."""
    if read.library is not None:
        return read.library
    return "os" if read.accessor.startswith("os.") else "django-environ"


def default_of(read: EnvRead) -> object:
    """The read's default as the code holds it (UNKNOWN when it is not a literal): its own type, so
    the string ``"False"`` stays a string."""
    text, kind = read.default_value, read.default_kind
    if kind == "none":
        return None
    if kind is None or text is None:
        return UNKNOWN
    if kind == "str":
        return text
    if kind == "bool":
        return text == "True"
    try:
        return int(text) if kind == "int" else float(text)
    except ValueError:
        return UNKNOWN


def unset_value(read: EnvRead) -> object:
    """What the read returns when the pod does not set the variable: the default *as given* (os.getenv,
    django-environ and environs cast no default; django-environ's ``parse_default=True`` does), None
    from ``os.getenv``/``environ.get`` without one, and UNKNOWN where the read raises (``environ[X]``,
    a typed read without default) or the default is not a literal."""
    if read.default is None:
        plain = _library(read) == "os" and read.accessor != "os.environ[]"
        return None if plain else UNKNOWN
    default = default_of(read)
    if read.parse_default and isinstance(default, str):
        return _django_environ(default, read.cast)
    return default


def set_value(text: str, read: EnvRead) -> object:
    """What the read returns when the pod sets the variable to ``text``, as its library reads it."""
    library = _library(read)
    if library == "os":
        return text
    if library == "environs":
        return _environs(text, read.cast)
    # django-environ (Env.get_value): a value equal to the default is returned as it is, unparsed; an
    # empty value with a None default is None; without a cast, the default's type is the cast
    default = default_of(read) if read.default is not None else UNKNOWN
    if read.default_kind == "none" and text == "":
        return None
    if read.default_kind == "str" and text == default and not read.parse_default:
        return text
    cast = read.cast
    if cast is None and read.default_kind in ("bool", "int", "float", "str"):
        cast = read.default_kind
    return _django_environ(text, cast)


def _django_environ(text: str, cast: str | None) -> object:
    """``Env.parse_value(text, cast)`` of django-environ, for the casts a condition can use."""
    if cast in (None, "str"):
        return text
    if cast == "bool":
        try:
            return int(text) != 0
        except ValueError:
            return text.lower().strip() in TRUE_WORDS
    if cast == "int":
        try:
            return int(text)
        except ValueError:
            return UNKNOWN
    if cast == "float":  # its own clean-up: keep digits, signs and separators, the last one the point
        parts = re.split(r"[,.]", re.sub(r"[^\d,.-]", "", text))
        number = parts[0] if len(parts) == 1 else f"{''.join(parts[:-1])}.{parts[-1]}"
        try:
            return float(number)
        except ValueError:
            return UNKNOWN
    return UNKNOWN


def _environs(text: str, cast: str | None) -> object:
    """environs' reading (marshmallow fields): a text it rejects raises, which settles nothing."""
    if cast in (None, "str"):
        return text
    if cast == "bool":
        if text in ENVIRONS_TRUE:
            return True
        return False if text in ENVIRONS_FALSE else UNKNOWN
    try:
        if cast == "int":
            return int(text)
        if cast == "float":
            return float(text)
    except ValueError:
        return UNKNOWN
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
    calls: _Calls = field(default_factory=_Calls)

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
        if name in self.frame.opaque:
            return UNKNOWN
        bound = self.frame.bindings.get(name)
        if bound is not None:  # a parameter: the caller's argument, read in the caller's module
            text, module = bound
            caller = _Walk(
                self.ev, self.frame.outer.get(name) or Frame(module), "", 0, self.facts, self.calls
            )
            node = _expression(text)
            return UNKNOWN if node is None else caller.value(node, depth + 1)
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
        if isinstance(func, ast.Name) and func.id == "bool" and len(node.args) == 1 and not node.keywords:
            inner = self.value(node.args[0], depth + 1)
            return UNKNOWN if inner is UNKNOWN else bool(inner)
        helper = self.ev.helper(self.frame.module, func)
        if helper is not None:
            return self.through(helper, node, depth)
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str) and self.file:
            # an environment read written in the condition itself: ENV.bool("X", default=False)
            return self.ev.read_at(self.file, self.line, first.value, self.facts)
        return UNKNOWN

    # --- calls of the tree's own functions -----------------------------------------------------------

    def through(self, helper: Helper, node: ast.Call, depth: int) -> object:
        """A call of a helper: its returns, in order, with the call's arguments bound to its parameters
        (a parameter not passed takes its default): the first whose guards hold gives the value, none
        holding gives None, and one whose guards are not settled leaves the call unknown."""
        said = " ".join(_unparsed(node).split())
        if (
            len(self.calls.stack) >= MAX_CALLS
            or helper.function in self.calls.stack
            or self.calls.budget[0] <= 0
        ):
            why = "a call of itself" if helper.function in self.calls.stack else "too many calls deep"
            self.facts.append(
                Fact(f"{said} ({helper.place.ref}) is not followed: {why}", ref=helper.place.ref)
            )
            return UNKNOWN
        self.calls.budget[0] -= 1
        frame = self.bound(helper, node)
        if frame is None:
            self.facts.append(
                Fact(f"{said}: its arguments do not bind to {helper.place.ref}", ref=helper.place.ref)
            )
            return UNKNOWN
        inner = _Calls((*self.calls.stack, helper.function), self.calls.budget)
        for ret in helper.returns:
            runs = self.ev.all_hold(ret.guards, frame, inner)
            self.facts.extend(runs.facts)
            if runs.truth is False:
                continue
            if runs.truth is None:
                words = f"{said} may return {ret.expression} ({ret.ref}): whether it does is not settled"
                self.facts.append(Fact(words, ref=ret.ref))
                return UNKNOWN
            expression = _expression(ret.expression)
            if expression is None:
                return UNKNOWN
            walk = _Walk(self.ev, frame, ret.ref.file, ret.ref.line, self.facts, inner)
            value = walk.value(expression, depth + 1)
            settled = "" if value is not UNKNOWN else ", which the files do not settle"
            self.facts.append(Fact(f"{said} returns {ret.expression} ({ret.ref}){settled}", ref=ret.ref))
            return value
        self.facts.append(
            Fact(f"{said} returns None: no return of {helper.place.ref} runs", ref=helper.place.ref)
        )
        return None

    def bound(self, helper: Helper, node: ast.Call) -> Frame | None:
        """The helper's frame for this call: each parameter bound to its argument, read in this frame,
        or to its default, read in the helper's module; None when the call cannot bind (``*args``)."""
        module = helper.place.module
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            return None
        named = {n for n, _ in (*helper.params, *helper.keyword_only)}
        unknown_keyword = any(k.arg not in named for k in node.keywords)
        if (len(node.args) > len(helper.params) or unknown_keyword) and not helper.variadic:
            return None  # the call raises TypeError
        bindings: dict[str, tuple[str, str]] = {}
        outer: dict[str, Frame] = {}
        for (name, _), arg in zip(helper.params, node.args, strict=False):
            bindings[name], outer[name] = (_unparsed(arg), self.frame.module), self.frame
        for keyword in node.keywords:
            if keyword.arg is not None:
                bindings[keyword.arg], outer[keyword.arg] = (
                    (_unparsed(keyword.value), self.frame.module),
                    self.frame,
                )
        opaque = set(helper.locals)  # a parameter the body assigns again is no longer its argument
        for name, default in (*helper.params, *helper.keyword_only):
            if name not in bindings:
                if default is None:
                    opaque.add(name)  # not passed and no default: the call raises
                else:
                    bindings[name] = (default, module)
        return Frame(module, bindings, outer, frozenset(opaque))
