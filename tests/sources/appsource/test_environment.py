from __future__ import annotations

from pathlib import Path

from koku_gap.model.evidence import AppSource
from koku_gap.sources.appsource import load_app_source
from tests.helpers.appsource import paths_source


def reads(source: AppSource) -> dict[str, tuple[str, str | None, str | None, str | None]]:
    return {r.variable: (r.accessor, r.cast, r.default, r.assigned_to) for r in source.env_reads}


def test_every_reader_with_its_default_and_target(shop: AppSource) -> None:
    found = reads(shop)
    assert found["ADMIN"] == ("ENV.bool", "bool", "False", "shop.settings.ADMIN")
    assert found["REGION"] == ("os.environ.get", None, '"eu-1"', "shop.settings.REGION")
    assert found["SECRET"] == ("os.environ[]", None, None, "shop.settings.SECRET")
    assert found["CACHE_SECONDS"] == ("os.getenv", None, '"300"', "shop.settings.CACHE_SECONDS")
    assert found["ORDERS_TOPIC"] == ("ENV.get_value", None, '"shop.orders"', "shop.settings.ORDERS_TOPIC")
    assert found["EXPORT_BUCKET"] == (
        "get_env",
        None,
        '"exports"',
        "shop.settings.EXPORT_BUCKET",
    )  # the wrapper
    assert found["JSON_LOGS"][3] == "shop.settings.LOG_FORMAT"
    admin = next(r for r in shop.env_reads if r.variable == "ADMIN")
    assert admin.default_value == "False"
    assert admin.place.ref.text == 'ADMIN = ENV.bool("ADMIN", default=False)'
    assert "DJANGO_SETTINGS_MODULE" not in found  # setdefault writes, it does not read


def test_the_url_conf_and_installed_apps_switches(shop: AppSource) -> None:
    urlconf = [s for s in shop.switches if s.kind == "url-conf"]
    assert [(s.condition, s.env, s.then[0].value) for s in urlconf] == [
        ("MAINTENANCE", ("MAINTENANCE",), '"shop.maintenance_urls"'),
        ("ADMIN", ("ADMIN",), '"shop.admin_urls"'),
    ]
    assert urlconf[0].place.ref.line == 21 and urlconf[0].then[0].ref.line == 22
    (apps,) = [s for s in shop.switches if s.kind == "installed-apps"]
    assert (
        apps.settings == ("ADMIN",) and apps.then[0].value == 'INSTALLED_APPS.append("django.contrib.admin")'
    )


def test_a_conditional_expression_on_an_env_read_is_a_switch_with_both_branches(shop: AppSource) -> None:
    (logs,) = [s for s in shop.switches if s.env == ("JSON_LOGS",)]
    assert logs.kind == "if" and logs.settings == ()
    assert (logs.then[0].target, logs.then[0].value, logs.orelse[0].value) == (
        "LOG_FORMAT",
        '"json"',
        '"text"',
    )


def test_django_settings_attributes_lead_to_the_variable_behind_them(shop: AppSource) -> None:
    onprem = [s for s in shop.switches if "ONPREM" in s.settings and s.place.module == "shop.celery"]
    assert onprem and onprem[0].env == ("ONPREM",) and onprem[0].condition == "not settings.ONPREM"


def test_an_if_on_nothing_from_the_environment_is_not_a_switch(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("import os\nX = 1\nif X:\n    Y = 2\nZ = os.environ.get(NAME)\n")
    source = load_app_source(tmp_path, cache=False)
    assert source.switches == () and source.env_reads == ()  # a variable whose name is not known is no read


def test_a_variable_named_by_its_own_read_ends(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("import os\nX = os.getenv(X)\nif X:\n    pass\n")
    source = load_app_source(tmp_path, cache=False)
    assert source.env_reads == ()


def test_an_elif_switch_is_guarded_by_the_if_before_it(shop: AppSource) -> None:
    maintenance, admin = [s for s in shop.switches if s.kind == "url-conf"]
    assert maintenance.guards == ()
    assert [(g.condition, g.negated, g.env) for g in admin.guards] == [
        ("MAINTENANCE", True, ("MAINTENANCE",))
    ]


def test_a_typed_read_by_get_value_or_the_env_call_takes_its_cast_argument(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(
        "import environ\nENV = environ.Env()\n"
        'A = ENV.get_value("A", cast=bool, default=False)\n'
        'B = ENV.get_value("B", int, 3)\n'
        'C = ENV("C", bool, True)\n'
        'D = ENV.get_value("D", default="x")\n'
    )
    reads = {r.variable: r.cast for r in load_app_source(tmp_path, cache=False).env_reads}
    assert reads == {"A": "bool", "B": "int", "C": "bool", "D": None}


def test_a_default_is_recorded_as_the_code_holds_it_a_string_apart_from_a_bool(shop: AppSource) -> None:
    """``default="False"`` is the string the read returns when the variable is unset (django-environ casts
    no default), ``default=False`` the bool: the fact keeps them apart (fixtures/appsource/paths)."""
    found = {r.variable: r for r in paths_source().env_reads}
    strict, hosted = found["STRICT_AUDIT"], found["HOSTED"]
    assert (strict.default, strict.default_value, strict.default_kind) == ('"False"', "False", "str")
    assert (hosted.default, hosted.default_value, hosted.default_kind) == ("False", "False", "bool")
    assert strict.library == hosted.library == "django-environ" and not strict.parse_default
    by_name = {r.variable: r for r in shop.env_reads}
    assert (by_name["CACHE_SECONDS"].library, by_name["CACHE_SECONDS"].default_kind) == ("os", "str")
    assert by_name["EXPORT_BUCKET"].library == "os"  # the wrapper's own library
    assert by_name["SECRET"].library == "os" and by_name["SECRET"].default_kind is None


def test_literal_defaults_of_each_type(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(
        "import environ\nENV = environ.Env()\n"
        'A = ENV.int("A", default=-3)\nB = ENV.float("B", default=0.5)\n'
        'C = ENV.get_value("C", default=None)\n'
        'D = ENV.str("D", default=NAME)\nE = ENV.str("E", "x", True)\n'  # str(var, default, multiline)
    )
    reads = {r.variable: r for r in load_app_source(tmp_path, cache=False).env_reads}
    assert [(reads[v].default_value, reads[v].default_kind) for v in "ABCDE"] == [
        ("-3", "int"), ("0.5", "float"), (None, "none"), (None, None), ("x", "str")
    ]  # fmt: skip
    assert not reads["E"].parse_default  # a str read's third argument is multiline, not parse_default


def test_the_functions_a_condition_calls_are_read_with_their_returns_through_each_level() -> None:
    """``if flags.is_hosted():`` (relay/sync.py): is_hosted and the _hosted it returns are helpers, each
    named as its callers write it, each return with its line."""
    helpers = {h.function: h for h in paths_source().helpers}
    assert set(helpers) == {"relay.flags:is_hosted", "relay.flags:_hosted", "relay.flags:is_priority_account"}
    hosted, inner = helpers["relay.flags:is_hosted"], helpers["relay.flags:_hosted"]
    assert hosted.names == ("relay.sync.flags.is_hosted",) and inner.names == ("relay.flags._hosted",)
    assert [(r.expression, r.ref.text) for r in hosted.returns] == [("_hosted()", "return _hosted()")]
    assert [r.expression for r in inner.returns] == ['ENV.bool("HOSTED", default=False)']


def test_a_helper_s_parameters_locals_and_guarded_returns_and_what_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "import os\nfrom celery import shared_task\n\n\n@shared_task\ndef job():\n    pass\n\n\n"
        "def on(mode, strict=False, *, level=2):\n    wanted = 'full'\n    if strict:\n        return False\n"
        "    return mode == wanted\n\n\n"
        "def loops():\n    for x in range(2):\n        return x\n\n\n"
        "def run():\n    if on(os.getenv('MODE')) or loops():\n        job.delay()\n"
    )
    (helper,) = load_app_source(tmp_path, cache=False).helpers  # loops() has a loop: not read
    assert (helper.function, helper.names) == ("m:on", ("m.on",))
    assert helper.params == (("mode", None), ("strict", "False")) and helper.keyword_only == (("level", "2"),)
    assert helper.locals == ("wanted",) and not helper.variadic
    assert [(r.expression, [(g.condition, g.negated) for g in r.guards]) for r in helper.returns] == [
        ("False", [("strict", False)]),
        ("mode == wanted", [("strict", True)]),
    ]


def test_a_function_defined_twice_under_an_if_or_replaced_by_a_decorator_is_not_followed(
    tmp_path: Path,
) -> None:
    (tmp_path / "m.py").write_text(
        "import functools\nimport os\nfrom celery import shared_task\nfrom flags import negate\n\n\n"
        "@shared_task\ndef job():\n    pass\n\n\n"
        "if os.getenv('A'):\n    def twice():\n        return True\n"
        "else:\n    def twice():\n        return False\n\n\n"
        "@negate\ndef wrapped():\n    return True\n\n\n"
        "@functools.lru_cache\ndef cached():\n    return os.getenv('B')\n\n\n"
        "def run():\n    if twice() or wrapped() or cached():\n        job.delay()\n"
    )
    assert [h.function for h in load_app_source(tmp_path, cache=False).helpers] == ["m:cached"]
