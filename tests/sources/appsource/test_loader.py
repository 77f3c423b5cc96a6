from __future__ import annotations

import ast
import gc
import tarfile
import tempfile
import weakref
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from koku_gap.model.errors import InputError
from koku_gap.sources.appsource import index, load_app_source, reading
from koku_gap.sources.appsource.files import SourceFile
from koku_gap.sources.appsource.index import Context, ModuleInfo
from tests.sources.appsource.conftest import APPS, QUEUES, SHOP


def test_a_file_that_does_not_parse_is_a_warning_and_the_rest_is_read() -> None:
    source = load_app_source(APPS / "broken", cache=False)
    warnings = {(w.code, w.file, w.line) for w in source.warnings}
    assert warnings == {
        ("appsource-syntax", "pkg/bad_syntax.py", 1),
        ("appsource-encoding", "pkg/bad_encoding.py", 2),
    }
    assert [r.variable for r in source.env_reads] == ["FLAG"]
    assert source.files == 4 and [m.name for m in source.modules] == ["pkg", "pkg.good"]


def test_null_bytes_and_deep_nesting_are_warnings(tmp_path: Path) -> None:
    (tmp_path / "nul.py").write_bytes(b"x = 1\0\n")
    (tmp_path / "parens.py").write_text("x = " + "(" * 300 + "1" + ")" * 300 + "\n")
    (tmp_path / "deep.py").write_text(
        "from celery import shared_task\n@shared_task(queue=(\n" + "a+" * 20000 + "a))\ndef t(): pass\n"
    )
    (tmp_path / "ok.py").write_text('import os\nX = os.getenv("X")\n')
    source = load_app_source(tmp_path, cache=False)
    assert {(w.code, w.file) for w in source.warnings} == {
        ("appsource-syntax", "nul.py"),
        ("appsource-syntax", "parens.py"),
        ("appsource-too-deep", "deep.py"),
    }
    assert [r.variable for r in source.env_reads] == ["X"] and source.tasks == ()


def test_tests_can_be_read_when_asked_for() -> None:
    source = load_app_source(SHOP, cache=False, include_tests=True)
    assert any(r.queue and r.queue.known == {"test-only"} for r in source.routing)


def test_the_result_round_trips_through_json() -> None:
    source = load_app_source(SHOP, cache=False)
    assert type(source).model_validate_json(source.model_dump_json()) == source


python_ish = st.text(
    alphabet=st.sampled_from(list("abcdefqueu_=()[]{}:.,'\"\n\t #@\\0123456789")) | st.characters(),
    max_size=300,
)


@settings(max_examples=60)
@given(
    files=st.lists(
        st.tuples(st.sampled_from(["a.py", "b.py", "pkg/__init__.py", "pkg/c.py"]), python_ish), max_size=4
    )
)
def test_arbitrary_files_give_warnings_never_an_exception(files: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for name, text in files:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            source = load_app_source(root, cache=False)
        except InputError:
            return
        assert source.files == len({name for name, _ in files})


CELERYISH = [
    "from celery import shared_task\n",
    "import os\n",
    "Q = os.getenv('Q', 'x')\n",
    "@shared_task(queue=Q)\ndef t(): pass\n",
    "t.s().set(queue=Q or t)\n",
    "if Q:\n    app.conf.beat_schedule[Q] = {'task': Q, 'schedule': Q}\n",
    "def f(a=Q):\n    return f(a)\n",
    "x = f(Q)\n",
    "consumer.subscribe(Q)\n",
    "producer.produce(f(), value=1)\n",
    "class C(Celery):\n    X = C.X\n",
    "app = C(Q, include=[Q, f(Q)])\n",
    "app.autodiscover_tasks(lambda: Q)\n",
]


@settings(max_examples=80)
@given(st.lists(st.sampled_from(CELERYISH), max_size=12))
def test_arbitrary_combinations_of_the_patterns_read_without_error(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / "m.py").write_text("".join(lines))
        source = load_app_source(directory, cache=False)
        assert not source.warnings


def _offering_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each reader asks the index for the calls of the names it reads (``calls_named``) and still tests
    each call itself: offered every call instead, it must find exactly the same."""

    def every_call(self: ModuleInfo, _names: object) -> list[tuple[ast.Call, Context]]:
        return list(self.calls)

    monkeypatch.setattr(ModuleInfo, "calls_named", every_call)


@pytest.mark.parametrize("app", [SHOP, QUEUES, APPS / "broken"], ids=lambda p: p.name)
def test_the_readers_name_filters_leave_nothing_out(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    filtered = load_app_source(app, cache=False, include_tests=True)
    _offering_every_call(monkeypatch)
    assert load_app_source(app, cache=False, include_tests=True) == filtered


def test_the_readers_name_filters_leave_nothing_out_on_koku(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with tarfile.open(corpus / "app-src" / "koku-f6cc00b31.tar.gz") as archive:
        archive.extractall(tmp_path, filter="data")
    filtered = load_app_source(tmp_path / "koku-f6cc00b31", cache=False)
    assert filtered.routing and filtered.env_reads and filtered.beats and filtered.url_routes
    _offering_every_call(monkeypatch)
    assert load_app_source(tmp_path / "koku-f6cc00b31", cache=False) == filtered


def test_the_syntax_trees_are_freed_without_the_cyclic_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    held: list[weakref.ref[object]] = []
    indexed = index.index_module

    def index_module(file: SourceFile, tree: ast.Module, text: str) -> ModuleInfo:
        info = indexed(file, tree, text)
        held.extend((weakref.ref(info), weakref.ref(tree)))
        return info

    monkeypatch.setattr(reading, "index_module", index_module)
    gc.disable()
    try:
        source = load_app_source(SHOP, cache=False)
        assert held and all(ref() is None for ref in held)  # reference counting alone freed them
    finally:
        gc.enable()
    assert source.tasks
