from __future__ import annotations

import ast
from pathlib import Path

from koku_gap.sources.appsource import load_app_source
from koku_gap.sources.appsource.files import SourceFile
from koku_gap.sources.appsource.index import index_module
from koku_gap.sources.appsource.summary import Summary, derived_from, summarize

MODULE = '''
import environ
from celery import Celery as C
from proj import base
ENV = environ.Env()
OTHER = make()
class Logging(C, metaclass=Meta):
    pass
class Plain:
    pass
def flag(name):
    """A docstring does not count."""
    return ENV.bool(name)
def busy():
    x = 1
    return x
base.run()
'''


def summary_of(text: str) -> Summary:
    file = SourceFile("m.py", "m", False, text.encode())
    return summarize(index_module(file, ast.parse(text), text))


def test_a_module_is_summarized_by_the_names_the_scans_look_for() -> None:
    summary = summary_of(MODULE)
    assert summary.call_names == {"Env", "make", "bool", "run"}
    assert summary.derived_classes == {"Logging"} and summary.bases == {("Logging", "C")}
    assert summary.env_objects == {"ENV"} and summary.wrappers == {"flag"}
    assert summary.aliases == {("Celery", "C")}  # `from proj import base` binds base as base: no alias


def test_the_names_a_celery_subclass_can_be_called_by_follow_bases_and_aliases() -> None:
    summaries = [
        summary_of("from celery import Celery as C\nclass Logging(C): pass\n"),
        summary_of("from base import Logging as L\nclass Mine(L): pass\nclass Unrelated(Base): pass\n"),
    ]
    assert derived_from("Celery", summaries) == {"Celery", "C", "Logging", "L", "Mine"}


def test_an_app_of_a_subclass_reached_through_aliases_is_found(tmp_path: Path) -> None:
    (tmp_path / "base.py").write_text("from celery import Celery as C\nclass Logging(C): pass\n")
    (tmp_path / "other.py").write_text("from base import Logging as L\nclass Mine(L): pass\n")
    (tmp_path / "app.py").write_text("from other import Mine\nfrom db import Accessor\napp = Mine('proj')\n")
    (tmp_path / "db.py").write_text("class Accessor(Base): pass\n")
    source = load_app_source(tmp_path, cache=False)
    assert [(a.variable, a.main, a.place.module) for a in source.apps] == [("app", "proj", "app")]
