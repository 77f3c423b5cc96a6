"""Django URL patterns read from the source (sources/appsource/urls.py), on fixtures/appsource/queues."""

from __future__ import annotations

from pathlib import Path

from koku_gap.sources.appsource import load_app_source
from tests.helpers.appsource import queues_source


def test_url_patterns_to_view_functions_with_their_guards() -> None:
    routes = {r.view: r for r in queues_source().url_routes}
    assert set(routes) == {"depot.views:status", "depot.views:audit_now"}
    assert routes["depot.views:status"].guards == ()
    (guard,) = routes["depot.views:audit_now"].guards
    assert (guard.condition, guard.negated, guard.settings) == ("not settings.ONPREM", False, ("ONPREM",))
    assert not routes["depot.views:audit_now"].called  # a view only: nothing calls it as a function


def test_a_view_also_called_as_a_function_is_marked(tmp_path: Path) -> None:
    (tmp_path / "views.py").write_text(
        "def report(request):\n    return 1\n\ndef again():\n    return report(None)\n"
    )
    (tmp_path / "urls.py").write_text(
        "from django.urls import path\nfrom views import report\n\nurlpatterns = [path('r/', report)]\n"
    )
    (route,) = load_app_source(tmp_path, cache=False).url_routes
    assert (route.view, route.called) == ("views:report", True)


def test_class_based_views_and_unknown_callables_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "urls.py").write_text(
        "from django.urls import path\nfrom rest import Thing\n\n"
        "urlpatterns = [path('a/', Thing.as_view()), path('b/', Thing)]\n"
    )
    assert load_app_source(tmp_path, cache=False).url_routes == ()


def test_the_url_confs_a_setting_chooses_and_the_includes_with_their_ifs() -> None:
    """fixtures/appsource/paths: ``ROOT_URLCONF = "relay.urls"``, ``"relay.admin_urls"`` under
    ``if ADMIN:``; relay.urls includes relay.billing_urls under ``if settings.HOSTED:``."""
    from tests.helpers.appsource import paths_source

    source = paths_source()
    assert [
        (c.setting, sorted(c.value.known), [g.condition for g in c.guards]) for c in source.url_confs
    ] == [
        ("ROOT_URLCONF", ["relay.urls"], []),
        ("ROOT_URLCONF", ["relay.admin_urls"], ["ADMIN"]),
    ]
    (include,) = source.url_includes
    assert (include.module, include.place.module, [g.condition for g in include.guards]) == (
        "relay.billing_urls",
        "relay.urls",
        ["settings.HOSTED"],
    )
    assert {r.view: r.place.module for r in source.url_routes} == {
        "relay.views:status": "relay.urls",
        "relay.views:rebill": "relay.billing_urls",
        "relay.views:purge_all": "relay.admin_urls",
    }


def test_includes_of_a_module_a_router_a_list_and_an_expression_and_a_per_request_urlconf(
    tmp_path: Path,
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "extra.py").write_text("urlpatterns = []\n")
    (tmp_path / "app" / "urls.py").write_text(
        "import os\nfrom django.urls import include, path\nfrom rest_framework.routers import DefaultRouter\n"
        "from app import extra\n\nROUTER = DefaultRouter()\n"
        "urlpatterns = [\n    path('a/', include('app.other_urls')),\n    path('b/', include(extra)),\n"
        "    path('c/', include(ROUTER.urls)),\n    path('d/', include([path('x/', include('app.x'))])),\n"
        "    path('e/', include((os.environ['URLS'], 'ns'))),\n]\n"
    )
    (tmp_path / "app" / "middleware.py").write_text(
        "def pick(get_response):\n    def middleware(request):\n        request.urlconf = 'app.beta_urls'\n"
        "        return get_response(request)\n    return middleware\n"
    )
    source = load_app_source(tmp_path, cache=False)
    assert sorted((i.place.ref.line, i.module) for i in source.url_includes) == [
        (8, "app.other_urls"), (9, "app.extra"), (11, "app.x"), (12, None)
    ]  # fmt: skip
    ((conf),) = source.url_confs  # no settings module: a ROOT_URLCONF elsewhere is no setting
    assert (conf.setting, sorted(conf.value.known)) == ("request.urlconf", ["app.beta_urls"])


def test_a_view_is_called_only_by_a_call_that_may_reach_it_not_by_a_method_of_its_name(
    tmp_path: Path,
) -> None:
    (tmp_path / "views.py").write_text("def refresh(request):\n    return 1\n")
    (tmp_path / "urls.py").write_text(
        "from django.urls import path\nfrom views import refresh\n\nurlpatterns = [path('r/', refresh)]\n"
    )
    (tmp_path / "jobs.py").write_text(
        "class Updater:\n    def refresh(self):\n        return 2\n\n\n"
        "def run(updater_class):\n    Updater().refresh()\n    updater = Updater()\n    updater.refresh()\n"
    )
    (route,) = load_app_source(tmp_path, cache=False).url_routes
    assert not route.called  # Updater().refresh() and updater.refresh() are the class's method
    (tmp_path / "jobs.py").write_text("from views import *\n\n\ndef run(handler):\n    handler.refresh()\n")
    (route,) = load_app_source(tmp_path, cache=False).url_routes
    assert route.called  # a parameter may hold the views module: whatever it holds
