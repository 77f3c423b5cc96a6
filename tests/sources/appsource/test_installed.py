from __future__ import annotations

from pathlib import Path

from koku_gap.model.evidence import AppSource
from koku_gap.sources.appsource import load_app_source


def test_installed_apps_with_the_conditional_addition(shop: AppSource) -> None:
    apps = [(v.value, v.ref.line) for v in shop.installed_apps]
    assert apps == [("django.contrib.auth", 16), ("orders", 16), ("django.contrib.admin", 18)]


def test_installed_apps_built_from_sums_and_names(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(
        "BASE = ('a',)\nINSTALLED_APPS = list(BASE) + ['b'] + ['c']\nINSTALLED_APPS += extra()\n"
        "INSTALLED_APPS.insert(0, 'first')\nINSTALLED_APPS.extend(['d', 'e'])\n"
    )
    source = load_app_source(tmp_path, cache=False)
    assert [v.value for v in source.installed_apps] == [None, "b", "c", None, "first", "d", "e"]
