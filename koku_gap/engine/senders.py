"""Who sends to a Celery queue, in the processes the chart deploys: the evidence a queue verdict rests on.

"Tasks on this queue wait forever" holds only when something deployed sends tasks there. From the
application's source (``AppSource``) and the chart's pods this finds, for each queue, the senders and how
sure each one is:

- a **beat** entry is *live* when its registration holds under the env the chart gives its beat pod
  (the ``if``s around it, with the arguments of the call that registers it) and its task lands on the
  queue as Celery routes it *in the beat process*: by the task's decorator when the beat has loaded the
  task's module, else by name (``task_routes``, then the default queue);
- a **code** site (``.set(queue=...)``, ``apply_async``, ``delay``, ``send_task``) is *dead* when one of
  its guards is false in every pod of the app, or when it sits in a task nothing live sends; otherwise
  it is *unproven*: the code can send there, but whether that path runs on this install depends on
  data the files do not hold (a request, a provider's type, a feature flag).

A queue with a live sender is a proven gap; with only unproven senders, a possible one, naming them;
with none (or only dead ones), no gap at all. Nothing here knows a product: the names are Celery's.
"""

from __future__ import annotations

import fnmatch
import shlex
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from koku_gap.engine.conditions import (
    UNKNOWN,
    Evaluation,
    Evaluator,
    Fact,
    Frame,
    PodEnv,
    PodValue,
    bindings_of,
)
from koku_gap.engine.drift import EnvKeys, env_from_names, env_from_refs
from koku_gap.engine.match import MatchResult
from koku_gap.model.evidence import (
    AppSource,
    BeatEntry,
    CallSite,
    CeleryTask,
    CodeRef,
    Guard,
    QueueChoices,
    Resolution,
    RoutingSite,
    TaskImports,
    UrlConf,
    UrlInclude,
    UrlRoute,
)
from koku_gap.model.graph import Component
from koku_gap.model.vocabulary import RoleKind
from koku_gap.sources.appsource.startup import Startup, celery_startup

DEFAULT_QUEUE: Final = "celery"  # Celery's task_default_queue when the app does not set it
Liveness = Literal["live", "unproven", "dead"]
QueueVerdict = Literal["live", "unproven", "unsent"]


@dataclass(frozen=True)
class Sender:
    """Something that sends tasks to one queue: a beat entry or a code site, how sure that is, and why
    (``facts``: the values its guards were evaluated with; ``refs``: the lines of the chain)."""

    kind: Literal["beat", "code"]
    task: str | None
    liveness: Liveness
    words: str
    facts: tuple[Fact, ...] = ()
    refs: tuple[CodeRef, ...] = ()


@dataclass(frozen=True)
class QueueEvidence:
    """What the code says about one queue: the verdict, the senders found (dead ones too, with why),
    and what was searched."""

    queue: str
    verdict: QueueVerdict
    senders: tuple[Sender, ...]
    searched: str

    def live(self) -> tuple[Sender, ...]:
        return tuple(s for s in self.senders if s.liveness == "live")

    def unproven(self) -> tuple[Sender, ...]:
        return tuple(s for s in self.senders if s.liveness == "unproven")


@dataclass(frozen=True)
class Pod:
    """A chart workload that runs the application's code: its name, environment and command."""

    component: Component
    env: PodEnv

    @property
    def name(self) -> str:
        return self.component.name


def pod_of(component: Component, keys: EnvKeys) -> Pod:
    """The pod's environment as the chart renders it: ``env`` values, ``envFrom`` keys (value unknown),
    and whether an ``envFrom`` source it cannot read may set anything else."""
    main = component.main
    values = {
        e.name: PodValue(
            e.value if e.value_from is None else None, component.source.model_copy(update={"line": e.line})
        )
        for e in main.env
    }
    provided, opaque = env_from_names(env_from_refs(main, component), keys)
    for name in provided:
        values.setdefault(name, PodValue(None))
    return Pod(component, PodEnv(component.name, values, complete=not opaque))


def app_argument(component: Component) -> str | None:
    """The ``-A``/``--app`` of the ``celery`` command a pod runs, from its command and args."""
    words: list[str] = []
    for part in (*component.main.command, *component.main.args):
        try:
            words += shlex.split(part)
        except ValueError:
            words += part.split()
    for i, word in enumerate(words):
        if word in ("-A", "--app") and i + 1 < len(words):
            return words[i + 1]
        if word.startswith("--app="):
            return word.split("=", 1)[1]
    return None


@dataclass
class _Landing:
    """Where a beat's task lands in one process: the queues for sure, the queues only if a module the
    process may import later is loaded (``maybe``), and why."""

    sure: set[str] = field(default_factory=set)
    maybe: set[str] = field(default_factory=set)
    why: str = ""


class QueueSenders:
    """The senders of every queue of one application, in the chart's pods."""

    def __init__(self, source: AppSource, pods: Sequence[Pod], beats: Sequence[Pod]) -> None:
        self.source = source
        self.pods = list(pods)
        self.beats = list(beats)
        self.tasks = {t.name: t for t in source.tasks}
        self._task_of_function: dict[tuple[str, str | None], CeleryTask] = {
            (t.place.module, t.function): t for t in source.tasks
        }
        self._evaluators = {p.name: Evaluator(source, p.env) for p in [*self.pods, *self.beats]}
        self._dead: dict[int, tuple[str, list[Fact]] | None] = {}  # site -> why it runs nowhere
        self._views: dict[str, list[UrlRoute]] = {}
        self._url_confs: dict[str, _Served] = {}  # pod -> the URL conf modules it may serve
        for route in source.url_routes:
            self._views.setdefault(route.view, []).append(route)
        self._startups: dict[str, Startup] = {b.name: self._startup(b) for b in self.beats}
        self._beat_senders = [s for b in self.beats for s in self._beat(b)]
        self._alive = self._live_tasks()

    def _startup(self, beat: Pod) -> Startup:
        """What the beat process loads, a guarded ``imports`` setting decided with its pod's env."""
        evaluator = self._evaluators[beat.name]

        def decide(imports: TaskImports) -> bool | None:
            return evaluator.all_hold(imports.guards, Frame(imports.place.module)).truth

        return celery_startup(self.source, app_argument(beat.component), decide)

    # --- the answer -------------------------------------------------------------------------------

    def evidence(self, queue: str) -> QueueEvidence:
        senders = [s for s, lands in self._beat_senders if queue in lands]
        senders += [s for s in (self._code(site, queue) for site in self.source.routing) if s is not None]
        verdict: QueueVerdict = (
            "live"
            if any(s.liveness == "live" for s in senders)
            else "unproven"
            if any(s.liveness == "unproven" for s in senders)
            else "unsent"
        )
        searched = (
            f"{len(self.source.tasks)} tasks, {len(self.source.routing)} routing sites and "
            f"{len(self.source.beats)} beat entries of {self.source.root}"
        )
        return QueueEvidence(queue, verdict, tuple(senders), searched)

    # --- beats ------------------------------------------------------------------------------------

    def _beat(self, pod: Pod) -> list[tuple[Sender, set[str]]]:
        """Each beat entry as this beat pod runs it, with the queues it can land on."""
        out: list[tuple[Sender, set[str]]] = []
        startup = self._startups[pod.name]
        evaluator = self._evaluators[pod.name]
        for entry in self.source.beats:
            registered = self._registered(entry, evaluator, startup)
            for name in sorted(entry.task.known) if entry.task is not None else []:
                landing = self._landing(name, startup)
                liveness: Liveness = (
                    "dead" if registered.truth is False else "live" if registered.truth else "unproven"
                )
                when = _when(entry)
                for queue in sorted(landing.sure | landing.maybe):
                    sure = landing.sure == {queue}  # one of several is where it may land, not where it does
                    words = (
                        f"beat entry {entry.key or entry.key_expression!r} ({entry.place.ref}) of {pod.name} "
                        f"sends {name}{when} to {queue}: {landing.why}"
                    )
                    if registered.truth is False:
                        words += f"; not registered in {pod.name}: {_because(registered)}"
                    elif registered.truth is None:
                        words += f"; whether {pod.name} registers it is unknown: {_because(registered)}"
                    elif registered.facts:
                        words += f"; registered in {pod.name}: {_because(registered)}"
                    level: Liveness = liveness if sure or liveness == "dead" else "unproven"
                    refs = (entry.place.ref, *entry.schedule_definitions[:1])
                    sender = Sender("beat", name, level, words, tuple(registered.facts), refs)
                    out.append((sender, {queue}))
        return out

    def _registered(self, entry: BeatEntry, evaluator: Evaluator, startup: Startup) -> Evaluation:
        """Whether the beat process registers ``entry``: its module loaded, its guards holding, and
        (inside a function) some call of that function, with its arguments bound, reaching it."""
        if entry.place.module not in startup.loaded:
            if entry.place.module in startup.possible:
                return Evaluation(
                    UNKNOWN, [Fact(f"{entry.place.module} is loaded only if a function imports it")]
                )
            return Evaluation(False, [Fact(f"the beat process never loads {entry.place.module}")])
        if entry.place.function is None:
            return evaluator.all_hold(entry.guards, Frame(entry.place.module))
        if not entry.registered_by:
            return Evaluation(UNKNOWN, [Fact(f"no call of {entry.place.function} was found")])
        results = []
        for call in entry.registered_by:
            outer = _call_runs(call, startup)
            if outer is None:
                outer = evaluator.all_hold(call.guards, Frame(call.place.module))
            inner = evaluator.all_hold(entry.guards, Frame(entry.place.module, bindings_of(call)))
            both = _and(outer, inner)
            if both.truth:
                return both
            results.append(both)
        unknown = [r for r in results if r.truth is None]
        return unknown[0] if unknown else Evaluation(False, [f for r in results for f in r.facts])

    def _landing(self, name: str, startup: Startup) -> _Landing:
        """Where the beat sends task ``name``: as registered in its process, else by name."""
        task = self.tasks.get(name)
        by_name, route_why = self._by_name(name)
        if task is None:
            return _Landing(sure=by_name, why=f"no task of the tree is registered as {name}; {route_why}")
        module = task.place.module
        own, own_why = self._declared(task)
        if module in startup.loaded:
            loaded = startup.roots.get(module) or "imported when the process loads"
            why = f"the beat process loads {module} ({loaded}), so {own_why}"
            if task.queue is not None and task.queue.known and not _one_value(task.queue):
                return _Landing(
                    maybe=own, why=f"{why}; which of them depends on what the files do not settle"
                )
            return _Landing(sure=own, why=why)
        if module in startup.possible:
            via = ", ".join(startup.imported_in(self.source, module)[:3])
            if module in startup.maybe:
                cause = f"only if {startup.maybe[module]} holds"
            elif via:
                cause = f"only if a function of {via} imports it"
            else:
                cause = "only if a module it may load is loaded"
            why = (
                f"the beat process loads {module} {cause}: then {own_why}; "
                f"else it sends the task by name ({route_why})"
            )
            return _Landing(sure=own & by_name, maybe=own ^ by_name, why=why)
        skipped = f" ({startup.skipped[module]})" if module in startup.skipped else ""
        return _Landing(
            sure=by_name,
            why=f"the beat process never imports {module}{skipped}, so it sends by name: {route_why}",
        )

    def _declared(self, task: CeleryTask) -> tuple[set[str], str]:
        """The queues a task's own options route it to (its decorator's ``queue=``, else by name)."""
        if task.queue is not None and task.queue.known:
            queues = ", ".join(sorted(task.queue.known))
            return set(task.queue.known), f"the decorator's queue= applies ({queues}, {task.place.ref})"
        return self._by_name(task.name)

    def _by_name(self, name: str) -> tuple[set[str], str]:
        """Where ``send_task(name)`` lands: the first ``task_routes`` entry matching it, else the
        default queue."""
        for route in self.source.task_routes:
            if fnmatch.fnmatchcase(name, route.pattern) and route.queue.known:
                return set(route.queue.known), f"task_routes {route.pattern!r} ({route.place.ref})"
        set_by_app = [d for d in self.source.default_queues if d.queue.known]
        if set_by_app:
            queues = set().union(*(d.queue.known for d in set_by_app))
            where = ", ".join(str(d.place.ref) for d in set_by_app)
            named = ", ".join(sorted(queues))
            return queues, f"no task_routes entry matches it: the app's default queue {named} ({where})"
        return {DEFAULT_QUEUE}, f"no task_routes entry matches it: Celery's default queue {DEFAULT_QUEUE}"

    # --- code -------------------------------------------------------------------------------------

    def _code(self, site: RoutingSite, queue: str) -> Sender | None:
        """A routing site that can send to ``queue``, with how sure that is."""
        if site.queue is not None:
            if queue not in site.queue.known:
                return None
            member = next(v for v in site.queue.values if v.value == queue)
            chain = " -> ".join(member.via) if member.via else site.queue.expression
            how = f"queue={site.queue.expression} can be {queue} ({chain}, {member.ref})"
            refs: tuple[CodeRef, ...] = (site.place.ref, member.ref)
            return self._site_sender(site, how, refs, queue)
        elif site.task is not None and site.kind != "send_task":
            task = self.tasks.get(site.task)
            if task is None:
                return None
            queues, why = self._declared(task)
            if queue not in queues:
                return None
            how, refs = f"no queue given: {why}", (site.place.ref, task.place.ref)
        elif site.task is not None:  # send_task by name: routed as any by-name send (task_routes, default)
            queues, why = self._by_name(site.task)
            if queue not in queues:
                return None
            how, refs = f"no queue given, sent by name: {why}", (site.place.ref,)
        else:
            return None
        return self._site_sender(site, how, refs)

    def _site_sender(
        self, site: RoutingSite, how: str, refs: tuple[CodeRef, ...], queue: str | None = None
    ) -> Sender:
        where = f"{site.place.function or 'module level'} ({site.place.ref})"
        words = f"{site.kind} of {site.task or site.task_expression} in {where}: {how}"
        dead = self._dead_in_every_pod(site)
        if dead is not None:
            return Sender(
                "code", site.task, "dead", f"{words}; never runs here: {dead[0]}", tuple(dead[1]), refs
            )
        inside = self._task_of_function.get((site.place.module, site.place.function))
        if inside is not None and inside.name not in self._alive:
            why = f"it runs only inside task {inside.name}, which nothing deployed sends"
            return Sender("code", site.task, "dead", f"{words}; never runs here: {why}", (), refs)
        picked = self._picked(site, queue) if queue is not None else None
        if picked is not None and picked.truth is False:
            return Sender(
                "code", site.task, "dead", f"{words}; never runs here: {picked.words}", picked.facts, refs
            )
        unsettled = [f"not ({g.condition})" if g.negated else g.condition for g in site.guards]
        runs = (
            f" when {' and '.join(unsettled[:3])}{' ...' if len(unsettled) > 3 else ''}" if unsettled else ""
        )
        words += f"; runs{runs} whenever {where} is called"
        if picked is not None:
            words += f"; {picked.words}"
            refs = (*refs, *picked.refs)
        return Sender("code", site.task, "unproven", words, picked.facts if picked else (), refs)

    # --- a queue a helper picks -------------------------------------------------------------------

    def _picked(self, site: RoutingSite, queue: str) -> _Picked | None:
        """Whether the site's helper picks ``queue`` in the pods: False when every member that is
        ``queue`` is false in every pod, unknown (a condition the files do not settle, such as a feature
        flag: the assumption that decides it named) when none is surely picked; None when a pod surely
        picks it, or no helper picks among the site's queues."""
        choices = site.choices
        if choices is None or not self.pods:
            return None
        indexes = [i for i, m in enumerate(choices.members) if queue in m.queues]
        if not indexes:
            return None
        truths: list[bool | None] = []
        facts: list[Fact] = []
        for pod in self.pods:
            holds = self._member_holds(choices, pod)
            picks = [_picks(holds, i, choices.last_wins) for i in indexes]
            truth = (
                True
                if any(p.truth for p in picks)
                else False
                if all(p.truth is False for p in picks)
                else None
            )
            if truth is True:
                return None
            truths.append(truth)
            if not facts or truth is False:
                facts += [f for p in picks for f in p.facts]
        member = choices.members[indexes[0]]
        said = _member_words(choices, indexes[0], queue)
        refs = tuple(dict.fromkeys(m.ref for i in indexes for m in (choices.members[i],)))
        unique = tuple(dict.fromkeys(facts))
        if all(t is False for t in truths):
            because = f" ({_because(Evaluation(False, list(unique)))})" if unique else ""
            return _Picked(False, f"{said}, false in every pod{because}", unique, refs)
        calls = [f.words for f in unique if f.ref is not None] or [f.words for f in unique]
        settled = f" ({'; '.join(dict.fromkeys(calls))})" if calls else ""
        assumption = (
            "assumed: none of those holds on this install"
            if not member.when and choices.last_wins
            else "assumed: that condition holds on this install"
        )
        words = f"{said}, which the files do not settle{settled}: {assumption}"
        return _Picked(None, words, unique, refs)

    def _member_holds(self, choices: QueueChoices, pod: Pod) -> list[Evaluation]:
        """Whether each member's ``if``s hold in ``pod``: the helper's parameters bound to the call's
        arguments (read in the calling module, its own locals unsettled) or to its defaults."""
        caller_module = choices.call.place.module
        caller = Frame(caller_module, opaque=frozenset(choices.caller_locals))
        bindings: dict[str, tuple[str, str]] = {p: (t, caller_module) for p, t in choices.call.bindings}
        outer = dict.fromkeys(bindings, caller)
        for name, default in choices.defaults:
            bindings.setdefault(name, (default, choices.helper.module))
        frame = Frame(choices.helper.module, bindings, outer, frozenset(choices.locals))
        evaluator = self._evaluators[pod.name]
        return [evaluator.all_hold(m.when, frame) for m in choices.members]

    def _dead_in_every_pod(self, site: RoutingSite) -> tuple[str, list[Fact]] | None:
        """Why a site runs in no pod (a guard false in each, or it sits in a view no URL pattern routes
        in any), or None when it may run in one. Decided once per site: every queue's evidence and
        every round of the live-task fixpoint ask again, and each answer parses and evaluates the
        site's guards in every pod."""
        key = id(site)  # the sites of self.source, alive as long as this object
        if key not in self._dead:
            false = self._false_guards(site.guards, site.place.module)
            if false is not None:
                failing, facts = false
                named = " and ".join(f"`{_written(g)}` ({g.ref})" for g in failing)
                guard = "its guard" if len(failing) == 1 else "one of its guards"
                why = (
                    f"{guard} {named} is false in every pod of the app ({_because(Evaluation(False, facts))})"
                )
                self._dead[key] = (why, facts)
            else:
                self._dead[key] = self._unrouted(site)
        return self._dead[key]

    def _false_everywhere(self, guards: Sequence[Guard], module: str) -> list[Fact] | None:
        """The facts that make some guard false in every pod of the app, or None."""
        false = self._false_guards(guards, module)
        return None if false is None else false[1]

    def _false_guards(self, guards: Sequence[Guard], module: str) -> tuple[list[Guard], list[Fact]] | None:
        """The guards found false, one per pod (the first false in it), and the facts that make them so,
        when some guard is false in every pod of the app; else None."""
        if not guards or not self.pods:
            return None
        failing: list[Guard] = []
        facts: list[Fact] = []
        for pod in self.pods:
            evaluator = self._evaluators[pod.name]
            for guard in guards:
                found = evaluator.guard(guard, Frame(module))
                if found.truth is False:
                    failing.append(guard)
                    facts += found.facts
                    break
            else:
                return None
        return list(dict.fromkeys(failing)), list(dict.fromkeys(facts))

    def _unrouted(self, site: RoutingSite) -> tuple[str, list[Fact]] | None:
        """A site in a Django view (that nothing calls as a function) whose every URL pattern is, in
        each pod, in a module no URL conf of that pod reaches, or under a guard false there: no request
        reaches it. A pod whose URL confs the files cannot settle may serve any module."""
        routes = self._views.get(f"{site.place.module}:{site.place.function}")
        if not routes or any(r.called for r in routes) or not self.pods:
            return None
        facts: list[Fact] = []
        shown: list[Fact] = []  # the words cite every guard's facts, and one pod's of each URL conf
        where: list[str] = []
        others: dict[str, list[str]] = {}  # what the pods a route's module is not served in serve: pods
        reached = False  # some pod serves some route's module (its guard false there)
        for route in routes:
            module = route.place.module
            failing: list[Guard] = []
            reaching: list[str] = []
            for pod in self.pods:
                served = self._served(pod)
                if served.modules is not None and module not in served.modules:
                    facts += served.facts
                    if served.words not in others:
                        shown += served.facts
                    others.setdefault(served.words, []).append(pod.name)
                    continue
                false = self._false_in(pod, route.guards, module)
                if false is None:
                    return None  # this pod may route a request to it
                failing.append(false[0])
                reaching.append(pod.name)
                reached = True
                facts += false[1]
                shown += false[1]
            guards = " and ".join(f"`{_written(g)}` ({g.ref})" for g in dict.fromkeys(failing))
            if not failing:
                where.append(f"{route.place.ref} (in {module}), which no pod's URL conf reaches")
            elif len(reaching) == len(self.pods):
                where.append(f"{route.place.ref} under {guards}, false in every pod")
            else:
                where.append(
                    f"{route.place.ref} under {guards}, false in the pods whose URL conf reaches {module} "
                    f"({_names(reaching)})"
                )
        why = f"its view is routed only at {'; '.join(where)}"
        if others:
            confs = "; ".join(f"{_names(pods)}: {words}" for words, pods in others.items())
            why += f"; the other pods' URL confs do not reach it ({confs})" if reached else f" ({confs})"
        unique = list(dict.fromkeys(shown))
        if unique:
            why += f" ({_because(Evaluation(False, unique))})"
        return why, list(dict.fromkeys(facts))

    def _false_in(self, pod: Pod, guards: Sequence[Guard], module: str) -> tuple[Guard, list[Fact]] | None:
        """The first of ``guards`` false in ``pod``, with why; None when none is."""
        evaluator = self._evaluators[pod.name]
        for guard in guards:
            found = evaluator.guard(guard, Frame(module))
            if found.truth is False:
                return guard, found.facts
        return None

    def _served(self, pod: Pod) -> _Served:
        """The modules whose URL patterns ``pod`` may route requests through, decided once per pod."""
        if pod.name not in self._url_confs:
            self._url_confs[pod.name] = served_modules(self.source, self._evaluators[pod.name])
        return self._url_confs[pod.name]

    def _live_tasks(self) -> set[str]:
        """The tasks something deployed may send: a registered (or maybe registered) beat, or a code
        site that is not dead and not inside a task nothing sends; to a fixpoint."""
        alive = {s.task for s, _ in self._beat_senders if s.task is not None and s.liveness != "dead"}
        while True:
            grown = set(alive)
            for site in self.source.routing:
                if site.task is None or site.task in grown or self._dead_in_every_pod(site) is not None:
                    continue
                inside = self._task_of_function.get((site.place.module, site.place.function))
                if inside is None or inside.name in grown:
                    grown.add(site.task)
            if grown == alive:
                return alive
            alive = grown


@dataclass(frozen=True)
class _Picked:
    """Whether a routing helper picks one queue in the pods (``truth``: False in none, None unknown),
    in words, with the facts and the lines of its members."""

    truth: bool | None
    words: str
    facts: tuple[Fact, ...] = ()
    refs: tuple[CodeRef, ...] = ()


def _picks(holds: Sequence[Evaluation], index: int, last_wins: bool) -> Evaluation:
    """Whether member ``index`` is what the helper returns: its own ``if``s hold and no member that
    would replace it runs (a later assignment, or an earlier return)."""
    own = holds[index]
    others = holds[index + 1 :] if last_wins else holds[:index]
    if own.truth is False:
        return Evaluation(False, own.facts)
    for other in others:
        if other.truth is True:
            return Evaluation(False, other.facts)
    facts = [*own.facts, *(f for o in others for f in o.facts)]
    sure = own.truth is True and all(o.truth is False for o in others)
    return Evaluation(True if sure else UNKNOWN, facts)


def _member_words(choices: QueueChoices, index: int, queue: str) -> str:
    """How the helper picks member ``index``: under which ``if``s, and unless which later ones."""
    member = choices.members[index]
    helper = choices.helper.function or choices.helper.module
    passed = ", ".join(f"{name}={text}" for name, text in choices.call.bindings)
    defaults = ", ".join(f"{name}={text}" for name, text in choices.defaults)
    called = " and ".join(part for part in (passed, defaults and f"{defaults} by default") if part)
    helper += f" (called at {choices.call.place.ref}{' with ' + called if called else ''})"
    own = _all(member.when)
    others = choices.members[index + 1 :] if choices.last_wins else choices.members[:index]
    exclusive = {(g.ref, g.condition, not g.negated) for g in member.when}  # an elif of this one
    unless = [
        f"`{_all(m.when)}` ({m.ref})"
        for m in others
        if m.when and not any((g.ref, g.condition, g.negated) in exclusive for g in m.when)
    ]
    if not member.when:
        said = f"{helper} picks {queue} by default ({member.ref})"
    else:
        said = f"{helper} picks {queue} only when `{own}` ({member.ref})"
    if unless:
        said += f" {'and not' if member.when else 'unless'} {' or '.join(unless)}"
    return said


@dataclass(frozen=True)
class _Served:
    """The modules whose URL patterns one pod may route requests through (``modules``; None: the files
    cannot tell, any), and how that was decided: ``words`` with the lines, and the facts."""

    modules: frozenset[str] | None
    words: str
    facts: tuple[Fact, ...] = ()


def served_modules(source: AppSource, evaluator: Evaluator) -> _Served:
    """Where Django routes a request in the pod ``evaluator`` evaluates for: the ``ROOT_URLCONF`` its
    settings choose (the last assignment that runs; every one that may, when an ``if`` is not settled),
    any per-request ``urlconf``, each ``include()`` followed whose ``if``s do not fail there, and every
    module those import (patterns may be built elsewhere)."""
    confs = [c for c in source.url_confs if c.setting == "ROOT_URLCONF"]
    if not confs:
        return _Served(None, "no ROOT_URLCONF is assigned in the files")
    facts: list[Fact] = []
    notes: list[str] = []
    roots: set[str] = set()
    chosen: list[str] = []
    unknown = False
    by_module: dict[str, list[UrlConf]] = {}
    for conf in source.url_confs:
        by_module.setdefault(conf.place.module if conf.setting == "ROOT_URLCONF" else "", []).append(conf)
    for module, assigned in sorted(by_module.items()):
        current: set[str] = set()
        said: list[str] = []
        runs = False
        for conf in sorted(assigned, key=lambda c: (c.place.ref.file, c.place.ref.line)):
            held = evaluator.all_hold(conf.guards, Frame(conf.place.module))
            facts += held.facts
            if held.truth is False:
                conditions = " and ".join(_written(g) for g in conf.guards)
                written = f"{conf.setting} = {conf.value.expression} ({conf.place.ref})"
                notes.append(f"{written} under `{conditions}` does not run")
                continue
            unknown = unknown or bool(conf.value.unknown)
            words = f"{', '.join(sorted(conf.value.known)) or conf.value.expression} ({conf.place.ref})"
            if held.truth and module:  # ROOT_URLCONF: the last one that runs wins
                current, said = set(conf.value.known), [words]
            else:
                current |= conf.value.known
                said.append(words if held.truth else f"{words} if its `if` holds")
            runs = True
        unknown = unknown or (bool(module) and not runs)
        roots |= current
        chosen += said
    if unknown:
        return _Served(None, "the URL conf is not settled by the files", tuple(dict.fromkeys(facts)))
    includes: dict[str, list[UrlInclude]] = {}
    for include in source.url_includes:
        includes.setdefault(include.place.module, []).append(include)
    reached, todo = set(roots), sorted(roots)
    while todo:
        module = todo.pop()
        for include in includes.get(module, ()):
            held = evaluator.all_hold(include.guards, Frame(module))
            facts += held.facts
            if held.truth is False:
                conditions = " and ".join(_written(g) for g in include.guards)
                notes.append(
                    f"include({include.module}) ({include.place.ref}) under `{conditions}` does not run"
                )
                continue
            if include.module is None:
                return _Served(None, f"include() at {include.place.ref} names a module the files do not pin")
            if include.module not in reached:
                reached.add(include.module)
                todo.append(include.module)
    words = f"ROOT_URLCONF {' or '.join(chosen)}"
    if reached - roots:
        words += f", including {', '.join(sorted(reached - roots))}"
    if notes:
        words += "; " + "; ".join(notes)
    return _Served(source.closure(reached), words, tuple(dict.fromkeys(facts)))


def _call_runs(call: CallSite, startup: Startup) -> Evaluation | None:
    """Why a call of a registering function does not surely run in the process (None: it runs when
    its own guards hold): its module not loaded, or the call inside a function nothing shows runs."""
    module = call.place.module
    if module not in startup.loaded:
        if module in startup.possible:
            return Evaluation(
                UNKNOWN, [Fact(f"{module} ({call.place.ref}) is loaded only if a function imports it")]
            )
        return Evaluation(False, [Fact(f"the beat process never loads {module} ({call.place.ref})")])
    if call.place.function is not None:
        said = f"the registering call ({call.place.ref}) runs only when {call.place.function} runs"
        return Evaluation(UNKNOWN, [Fact(said)])
    return None


def _one_value(resolution: Resolution) -> bool:
    """Whether an expression can be one string only: a queue a beat surely lands on."""
    return len(resolution.known) == 1 and not resolution.unknown


def _and(a: Evaluation, b: Evaluation) -> Evaluation:
    if a.truth is False:
        return a
    if b.truth is False:
        return b
    value = UNKNOWN if a.truth is None or b.truth is None else True
    return Evaluation(value, [*a.facts, *b.facts])


def _all(guards: Sequence[Guard]) -> str:
    """Guards as one condition: each in parentheses when it is itself an ``and``/``or``."""
    written = [_written(g) for g in guards]
    if len(written) == 1:
        return written[0]
    return " and ".join(f"({w})" if " or " in w or " and " in w else w for w in written)


def _names(pods: Sequence[str], shown: int = 3) -> str:
    """Pod names, the first few of a long list and how many more."""
    unique = list(dict.fromkeys(pods))
    if len(unique) <= shown:
        return ", ".join(unique)
    return f"{', '.join(unique[:shown])} and {len(unique) - shown} more"


def _written(guard: Guard) -> str:
    """A guard as the statement under it needs it: its condition, or ``not (...)`` in an else."""
    return f"not ({guard.condition})" if guard.negated else guard.condition


def _because(found: Evaluation) -> str:
    return (
        "; ".join(dict.fromkeys(f.words for f in found.facts))
        or "its conditions read nothing the files settle"
    )


def _when(entry: BeatEntry) -> str:
    return f" on schedule {entry.schedule}" if entry.schedule else ""


def app_pods(components: Iterable[Component], keys: EnvKeys) -> tuple[list[Pod], list[Pod]]:
    """The chart workloads given (those that run the app's code) as pods, and the beats among them."""
    pods = [pod_of(c, keys) for c in components if c.containers]
    return pods, [p for p in pods if p.component.role.kind == RoleKind.CELERY_BEAT]


def queue_evidence(
    source: AppSource, components: Iterable[Component], queues: Iterable[str], keys: EnvKeys
) -> Mapping[str, QueueEvidence]:
    """The evidence for each of ``queues``, with the chart workloads that run the app's code."""
    pods, beats = app_pods(components, keys)
    senders = QueueSenders(source, pods, beats)
    return {q: senders.evidence(q) for q in dict.fromkeys(queues)}


def code_evidence(
    result: MatchResult, sources: Mapping[str, AppSource], keys: EnvKeys
) -> dict[tuple[str, str], QueueEvidence]:
    """(app, queue) -> the evidence, for every queue no chart worker consumes, of each app whose
    source was read; the app's pods are the chart workloads that play its components which run its
    own image (a reverse proxy in front of it runs none of its code)."""
    found: dict[tuple[str, str], QueueEvidence] = {}
    for app, source in sources.items():
        pairings = [p for p in result.pairings if p.source.app == app]
        queues = [q for p in pairings for q in p.source.role.queues if q not in result.queue_consumers]
        if not queues:
            continue
        families = Counter(p.source.role.image_family for p in pairings if p.source.role.image_family)
        own = families.most_common(1)[0][0] if families else None
        played = {
            p.chosen.target.name: p.chosen.target
            for p in pairings
            if p.chosen is not None and (own is None or p.source.role.image_family == own)
        }
        for queue, evidence in queue_evidence(source, played.values(), queues, keys).items():
            found[(app, queue)] = evidence
    return found
