"""A reader's ``if`` evaluated under one pod's env (``engine/conditions.py``): each construct, the
values that stay unknown, and that no condition text can make it raise or answer at random. The
conditions read the settings of fixtures/appsource/queues/depot/settings.py."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from koku_gap.engine.conditions import UNKNOWN, Evaluator, Frame, PodEnv, PodValue, bindings_of
from koku_gap.model.evidence import AppSource, Guard
from koku_gap.sources.appsource import load_app_source
from tests.conftest import examples, line_containing
from tests.helpers.appsource import PATHS_APP, QUEUES_APP, paths_source, queues_source

SETTINGS_FILE = "depot/settings.py"
IN_TASKS = Frame("ledger.tasks")  # a module that reads Django's settings as settings.X


def pod(complete: bool = True, **env: str | None) -> PodEnv:
    return PodEnv("rel-depot-worker", {k: PodValue(v) for k, v in env.items()}, complete=complete)


def value(condition: str, env: PodEnv | None = None, frame: Frame = IN_TASKS) -> object:
    return Evaluator(queues_source(), env or pod()).condition(condition, frame).value


def test_django_environ_bool_is_an_integer_not_zero_or_one_of_its_words() -> None:
    """Env.parse_value (environ/environ.py): ``int(value) != 0``, else the lowered, stripped word."""
    for word in ("True", "true", "on", "ok", "y", "YES", "1", " yes ", "2", "-1", " 1 "):
        assert value("settings.ONPREM", pod(ONPREM=word)) is True, word
    for word in ("False", "no", "0", "00", "enabled", ""):
        assert value("settings.ONPREM", pod(ONPREM=word)) is False, word


def test_an_unset_variable_takes_the_code_s_default_cast_as_the_reader_casts_it() -> None:
    assert value("settings.ONPREM") is False
    assert value("settings.RETENTION_DAYS") == 90  # ENV.int(..., default=90)
    assert value("settings.RETENTION_DAYS", pod(RETENTION_DAYS="7")) == 7
    assert value("settings.RETENTION_DAYS", pod(RETENTION_DAYS="seven")) is UNKNOWN  # int() would raise
    assert value("settings.MODE") == "full"


def test_the_facts_name_the_value_where_it_comes_from_and_the_read() -> None:
    found = Evaluator(queues_source(), pod(ONPREM="True")).condition("settings.ONPREM", IN_TASKS)
    (fact,) = found.facts
    assert fact.words == "settings.ONPREM = True (ONPREM='True' in rel-depot-worker)"
    assert fact.code is not None
    assert (fact.code.place.ref.file, fact.code.place.ref.line) == (
        SETTINGS_FILE,
        line_containing(QUEUES_APP / SETTINGS_FILE, 'ONPREM = ENV.bool("ONPREM"'),
    )
    (default,) = Evaluator(queues_source(), pod()).condition("settings.RETENTION_DAYS", IN_TASKS).facts
    assert default.words == (
        "settings.RETENTION_DAYS = 90 (rel-depot-worker does not set RETENTION_DAYS: the default)"
    )


def test_a_read_without_a_default_is_unknown_but_a_get_without_one_is_none() -> None:
    assert value("settings.REGION") is UNKNOWN  # ENV.str("REGION") raises when unset: nothing to go on
    assert value("settings.REGION", pod(REGION="eu")) == "eu"
    assert value("settings.FEATURE_FLAGS") is None  # os.environ.get("FEATURE_FLAGS")
    assert value("settings.FEATURE_FLAGS is None") is True


def test_a_name_of_the_module_assigned_from_an_env_read() -> None:
    in_settings = Frame("depot.settings")
    assert value("ONPREM", pod(ONPREM="1"), in_settings) is True
    assert value("not RETENTION_DAYS", frame=in_settings) is False
    assert value("ONPREM", pod(ONPREM="1")) is UNKNOWN  # ledger.tasks has no ONPREM of its own


def test_a_parameter_is_the_caller_s_argument_read_in_the_caller_s_module() -> None:
    frame = Frame("depot.celery", {"onprem": ("settings.ONPREM", "depot.celery")})
    assert value("onprem", pod(ONPREM="True"), frame) is True
    assert value("not onprem", pod(), frame) is True
    beat = next(b for b in queues_source().beats if b.key == "sync-remote")
    (call,) = beat.registered_by
    assert bindings_of(call)["onprem"] == ("settings.ONPREM", "depot.celery")
    assert value("onprem", pod(ONPREM="yes"), Frame("depot.celery", bindings_of(call))) is True


def test_an_unbound_parameter_is_unknown() -> None:
    assert value("onprem", pod(ONPREM="True"), Frame("depot.celery")) is UNKNOWN


def test_not_inverts_and_leaves_unknown_unknown() -> None:
    assert value("not settings.ONPREM", pod(ONPREM="True")) is False
    assert value("not settings.REGION") is UNKNOWN


def test_and_or_short_circuit_on_a_known_operand_and_stay_unknown_otherwise() -> None:
    assert value("settings.REGION and settings.ONPREM") is False  # ONPREM is False: and is False
    assert value("settings.ONPREM and settings.REGION") is False
    assert value("settings.REGION or settings.RETENTION_DAYS") == 90  # or returns the true operand
    assert value("settings.REGION and settings.RETENTION_DAYS") is UNKNOWN
    assert value("settings.REGION or settings.ONPREM") is UNKNOWN
    assert value("settings.ONPREM or settings.MODE") == "full"


def test_comparisons_chained_and_against_unknown() -> None:
    assert value("settings.RETENTION_DAYS > 0") is True
    assert value("settings.RETENTION_DAYS > 0", pod(RETENTION_DAYS="0")) is False
    assert value("0 < settings.RETENTION_DAYS <= 90") is True
    assert value("0 < settings.RETENTION_DAYS < 90") is False
    assert value("settings.MODE == 'full'") is True and value("settings.MODE != 'full'") is False
    assert value("settings.REGION == 'eu'") is UNKNOWN
    assert value("settings.MODE > 1") is UNKNOWN  # str > int raises in Python: no answer


def test_membership_in_a_literal_tuple() -> None:
    assert value("settings.MODE in ('full', 'lite')") is True
    assert value("settings.MODE not in ['full']", pod(MODE="lite")) is True
    assert value("settings.MODE in (settings.REGION, 'x')") is UNKNOWN


def test_strip_of_a_string_with_an_or_default() -> None:
    blank = "not (settings.WEBHOOK_URL or '').strip()"
    assert value(blank) is True  # default ""
    assert value(blank, pod(WEBHOOK_URL="   ")) is True
    assert value(blank, pod(WEBHOOK_URL=" https://hooks.example ")) is False
    assert value("settings.REGION.strip()") is UNKNOWN


def test_an_env_read_written_in_the_condition_itself() -> None:
    line = line_containing(QUEUES_APP / SETTINGS_FILE, 'if ENV.bool("AUDIT"')
    condition = 'ENV.bool("AUDIT", default=False)'
    evaluator = Evaluator(queues_source(), pod(AUDIT="on"))
    assert evaluator.condition(condition, Frame("depot.settings"), SETTINGS_FILE, line).value is True
    assert (
        Evaluator(queues_source(), pod())
        .condition(condition, Frame("depot.settings"), SETTINGS_FILE, line)
        .value
        is False
    )
    # the same text at a line that reads nothing: no read to go by
    assert evaluator.condition(condition, Frame("depot.settings"), SETTINGS_FILE, line + 1).value is UNKNOWN


def test_a_guard_in_its_else_branch_is_the_condition_inverted() -> None:
    ref = next(b for b in queues_source().beats if b.key == "purge-expired").guards[0].ref
    guard = Guard(condition="settings.RETENTION_DAYS > 0", negated=True, ref=ref)
    assert Evaluator(queues_source(), pod()).guard(guard, IN_TASKS).truth is False
    unknown = Guard(condition="settings.REGION", negated=True, ref=ref)
    assert Evaluator(queues_source(), pod()).guard(unknown, IN_TASKS).truth is None


def test_a_pod_with_unreadable_env_from_leaves_unlisted_variables_unknown() -> None:
    env = pod(complete=False, ONPREM="True")
    assert value("settings.ONPREM", env) is True  # listed: its own value
    found = Evaluator(queues_source(), env).condition("settings.RETENTION_DAYS > 0", IN_TASKS)
    assert found.value is UNKNOWN  # not the default: envFrom may set it
    assert [f.words for f in found.facts] == [
        "settings.RETENTION_DAYS reads RETENTION_DAYS: rel-depot-worker may set it through envFrom"
    ]


def test_a_value_from_a_secret_or_config_map_is_unknown() -> None:
    found = Evaluator(queues_source(), pod(ONPREM=None)).condition("not settings.ONPREM", IN_TASKS)
    assert found.value is UNKNOWN
    assert [f.words for f in found.facts] == ["settings.ONPREM reads ONPREM, set from a Secret or ConfigMap"]


def test_what_the_files_cannot_settle_is_unknown_never_guessed() -> None:
    for condition in ("customer.is_large()", "rows > 10", "flags.enabled('x')", "a + b", "x[0]", "if"):
        assert value(condition) is UNKNOWN, condition


TOKENS = [
    "settings.ONPREM", "settings.RETENTION_DAYS", "settings.REGION", "settings.MODE", "settings.WEBHOOK_URL",
    "onprem", "ONPREM", "not", "and", "or", "(", ")", "==", "<", ">=", "in", "not in", "is", "None",
    "True", "0", "'full'", "''", ".strip()", ".lower()", "[", "]", ",", "ENV.bool('AUDIT')", "x.y(1)",
]  # fmt: skip
VARIABLES = ["ONPREM", "RETENTION_DAYS", "REGION", "MODE", "WEBHOOK_URL", "AUDIT"]


@settings(max_examples=examples(300))
@given(
    text=st.one_of(st.text(max_size=60), st.lists(st.sampled_from(TOKENS), max_size=12).map(" ".join)),
    env=st.dictionaries(st.sampled_from(VARIABLES), st.one_of(st.none(), st.text(max_size=8)), max_size=6),
    complete=st.booleans(),
    negated=st.booleans(),
)
def test_any_condition_under_any_env_is_true_false_or_unknown_and_the_same_twice(
    text: str, env: dict[str, str | None], complete: bool, negated: bool
) -> None:
    ref = queues_source().beats[0].place.ref
    guard = Guard(condition=text, negated=negated, ref=ref)
    frame = Frame("depot.celery", {"onprem": ("settings.ONPREM", "depot.celery")})
    answers = [Evaluator(queues_source(), pod(complete, **env)).guard(guard, frame) for _ in range(2)]
    assert answers[0].truth in (True, False, None)
    assert answers[0].truth == answers[1].truth
    assert [f.words for f in answers[0].facts] == [f.words for f in answers[1].facts]


def test_a_default_written_as_a_number_or_none_is_that_value_not_its_text() -> None:
    assert value("settings.CACHE_SECONDS") == 0  # os.environ.get("CACHE_SECONDS", 0): the int, falsy
    assert value("not settings.CACHE_SECONDS") is True
    assert value("settings.CACHE_SECONDS", pod(CACHE_SECONDS="0")) == "0"  # set: the text, uncast
    assert value("settings.TIMEOUT is None") is True  # get_value(..., default=None)


def test_a_string_default_is_the_string_as_given_true_where_the_code_tests_it() -> None:
    """fixtures/appsource/paths: ``ENV.bool("STRICT_AUDIT", default="False")``. django-environ returns a
    default as given when the variable is unset (Env.get_value parses only ``value != default``), so
    the code sees the string "False", which is true."""
    in_celery = Frame("relay.celery")
    unset = Evaluator(paths_source(), pod()).condition("settings.STRICT_AUDIT", in_celery)
    assert unset.value == "False" and unset.truth is True
    assert [f.words for f in unset.facts] == [
        "settings.STRICT_AUDIT = 'False' (rel-depot-worker does not set STRICT_AUDIT: the default)"
    ]
    assert value("not settings.STRICT_AUDIT", frame=in_celery) is UNKNOWN  # queues' tree: no such read
    assert Evaluator(paths_source(), pod()).condition("not settings.STRICT_AUDIT", in_celery).value is False
    # set, it is parsed, but for the text equal to the string default, which Env.get_value returns as it is
    for text, seen in (("false", False), ("no", False), ("yes", True), ("False", "False")):
        found = Evaluator(paths_source(), pod(STRICT_AUDIT=text)).condition(
            "settings.STRICT_AUDIT", in_celery
        )
        assert found.value == seen and type(found.value) is type(seen), text
    # a literal False is the bool
    assert Evaluator(paths_source(), pod()).condition("settings.HOSTED", in_celery).value is False


def _tree(tmp_path: Path, settings: str) -> AppSource:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "settings.py").write_text(settings)
    return load_app_source(tmp_path, cache=False)


def _values(source: AppSource, names: str, env: PodEnv) -> list[object]:
    evaluator = Evaluator(source, env)
    return [evaluator.condition(f"settings.{n}", Frame("app.tasks")).value for n in names.split()]


def test_parse_default_casts_the_default_and_smart_cast_takes_the_default_s_type(tmp_path: Path) -> None:
    source = _tree(
        tmp_path,
        "import environ\nENV = environ.Env()\n"
        'A = ENV.get_value("A", cast=bool, default="False", parse_default=True)\n'
        'B = ENV.get_value("B", bool, "False", True)\n'
        'C = ENV.get_value("C", default=False)\n'  # no cast: the default's type, bool
        'D = ENV("D", default=0)\n'
        'E = ENV.get_value("E", default=None)\n',
    )
    parsed = {r.variable: r.parse_default for r in source.env_reads}
    assert parsed == {"A": True, "B": True, "C": False, "D": False, "E": False}
    assert _values(source, "A B C D E", pod()) == [False, False, False, 0, None]
    assert _values(source, "C D E", pod(C="false", D="7", E="")) == [False, 7, None]


def test_environs_and_os_read_their_own_way(tmp_path: Path) -> None:
    source = _tree(
        tmp_path,
        "import os\nfrom environs import Env\nenv = Env()\n"
        'A = env.bool("A", default="no")\n'
        'B = env.bool("B")\n'
        'C = os.getenv("C", "False")\n'
        'D = os.environ["D"]\n'
        'E = os.environ.get("E")\n',
    )
    assert {r.variable: r.library for r in source.env_reads} == {
        "A": "environs", "B": "environs", "C": "os", "D": "os", "E": "os"
    }  # fmt: skip
    assert _values(source, "A B C D E", pod()) == ["no", UNKNOWN, "False", UNKNOWN, None]
    # marshmallow's Boolean: exact words; anything else raises, which settles nothing
    set_ = pod(A="FALSE", B="yes ", C="0", D="x", E="")
    assert _values(source, "A B C D E", set_) == [False, UNKNOWN, "0", "x", ""]


def test_a_condition_is_followed_through_two_calls_to_the_read_each_return_cited() -> None:
    """fixtures/appsource/paths/relay/sync.py: ``if flags.is_hosted():``, where is_hosted() returns
    _hosted(), which returns ``ENV.bool("HOSTED", default=False)``."""
    found = Evaluator(paths_source(), pod()).condition("flags.is_hosted()", Frame("relay.sync"))
    assert found.value is False
    flags = PATHS_APP / "relay" / "flags.py"
    read, inner = (f"relay/flags.py:{line_containing(flags, n)}" for n in ("return ENV", "return _hosted()"))
    assert [(f.words, str(f.ref) if f.ref else None) for f in found.facts] == [
        ("HOSTED = False (rel-depot-worker does not set HOSTED: the default)", None),
        (f'_hosted() returns ENV.bool("HOSTED", default=False) ({read})', read),
        (f"flags.is_hosted() returns _hosted() ({inner})", inner),
    ]
    assert found.facts[0].code is not None and found.facts[0].code.place.ref.file == "relay/flags.py"
    hosted = Evaluator(paths_source(), pod(HOSTED="yes")).condition(
        "not flags.is_hosted()", Frame("relay.sync")
    )
    assert hosted.value is False
    # the name is the module's: another module calling is_hosted() bare does not reach it
    assert Evaluator(paths_source(), pod()).condition("is_hosted()", Frame("relay.sync")).value is UNKNOWN


HELPERS = """\
from django.conf import settings


def mode_is(wanted, strict=False):
    if strict:
        return False
    return settings.MODE == wanted


def full():
    return mode_is("full")


def full_strictly():
    return mode_is("full", strict=True)


def passes(value):
    return mode_is(value)


def relayed(value):
    return passes(value)


def ping():
    return pong()


def pong():
    return ping()


def level1():
    return level2()


def level2():
    return level3()


def level3():
    return level4()


def level4():
    return settings.ONPREM


def deeper():
    return level1()


def counted():
    mode = settings.MODE
    return mode == "full"


def looped():
    for _ in range(3):
        return settings.ONPREM


def nothing():
    if settings.ONPREM:
        return True


def job():
    pass


def run(value):
    if full() and full_strictly() is False and relayed(value) and ping() and level1() and deeper():
        job.delay()
    if counted():
        job.delay()
    if looped() or nothing() is None or mode_is():
        job.delay()
"""


def test_calls_bind_arguments_and_defaults_and_stop_at_cycles_depth_and_what_they_do_not_settle(
    tmp_path: Path,
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "settings.py").write_text(
        'import environ\nENV = environ.Env()\nMODE = ENV.str("MODE", default="full")\n'
        'ONPREM = ENV.bool("ONPREM", default=False)\n'
    )
    (tmp_path / "app" / "checks.py").write_text(
        HELPERS.replace("def job():\n    pass\n", "from app.tasks import job\n")
    )
    (tmp_path / "app" / "tasks.py").write_text(
        "from celery import shared_task\n\n\n@shared_task\ndef job():\n    pass\n"
    )
    source = load_app_source(tmp_path, cache=False)
    in_checks = Frame("app.checks")

    def of(condition: str, env: PodEnv | None = None) -> object:
        return Evaluator(source, env or pod()).condition(condition, in_checks).value

    assert of("full()") is True and of("full()", pod(MODE="lite")) is False
    assert of("full_strictly()") is False  # the keyword binds strict, the first return runs
    assert of("relayed('full')") is True and of("relayed('lite')") is False  # an argument through two calls
    assert of("ping()") is UNKNOWN  # ping -> pong -> ping: a cycle
    cycle = Evaluator(source, pod()).condition("ping()", in_checks)
    assert any("is not followed: a call of itself" in f.words for f in cycle.facts)
    assert of("level1()") is False  # level1 -> 2 -> 3 -> 4: four calls
    deep = Evaluator(source, pod()).condition("deeper()", in_checks)
    assert deep.value is UNKNOWN and any("too many calls deep" in f.words for f in deep.facts)
    assert of("counted()") is UNKNOWN  # it reads a local the files do not settle
    assert of("looped()") is UNKNOWN  # a loop: not read, its returns are not all its ways out
    assert of("nothing()") is None and of("nothing()", pod(ONPREM="1")) is True  # falls off its end
    assert of("mode_is()") is UNKNOWN  # a parameter without default not passed: the call raises
    assert of("mode_is('full', 'x', 'y')") is UNKNOWN and of("mode_is('full', other=1)") is UNKNOWN
