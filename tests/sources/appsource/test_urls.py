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
