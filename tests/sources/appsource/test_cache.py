from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from koku_gap.sources.appsource import cache as cache_store
from koku_gap.sources.appsource import load_app_source, loader
from tests.sources.appsource.conftest import SHOP


@pytest.fixture
def app(tmp_path: Path) -> Path:
    copy = tmp_path / "shop"
    shutil.copytree(SHOP, copy)
    return copy


def count_analyses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = loader.analyse

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "analyse", counting)
    return calls


def test_hit_then_miss_after_an_edit(app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_analyses(monkeypatch)
    store = tmp_path / "cache"
    first = load_app_source(app, cache_dir=store)
    second = load_app_source(app, cache_dir=store)
    assert len(calls) == 1 and second == first
    assert [p.name for p in store.iterdir()] == [f"appsource-{first.digest}.json"]  # no temporary left
    (app / "orders" / "tasks.py").write_text((app / "orders" / "tasks.py").read_text() + "\nEXTRA = 1\n")
    third = load_app_source(app, cache_dir=store)
    assert len(calls) == 2 and third.digest != first.digest


def test_a_copy_elsewhere_hits_and_reports_its_own_root(app: Path, tmp_path: Path) -> None:
    store = tmp_path / "cache"
    first = load_app_source(app, cache_dir=store)
    moved = shutil.copytree(app, tmp_path / "elsewhere")
    second = load_app_source(moved, cache_dir=store)
    assert second.digest == first.digest and second.root == str(moved) and first.root == str(app)


def test_a_corrupt_cache_file_is_ignored_and_rewritten(
    app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "cache"
    good = load_app_source(app, cache_dir=store)
    path = cache_store.cache_file(store, good.digest)
    for corrupt in (b"{not json", b'{"root": "", "digest": "other"}', path.read_bytes()[:100]):
        path.write_bytes(corrupt)
        calls = count_analyses(monkeypatch)
        assert load_app_source(app, cache_dir=store) == good
        assert len(calls) == 1
        assert cache_store.read_cached(store, good.digest) == good.model_copy(update={"root": ""})


def test_the_environment_and_xdg_choose_the_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(cache_store.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_store.cache_dir() == tmp_path / "xdg" / "koku-gap"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_store.cache_dir() == tmp_path / "home" / ".cache" / "koku-gap"
    monkeypatch.setenv(cache_store.CACHE_ENV, str(tmp_path / "env"))
    assert cache_store.cache_dir() == tmp_path / "env"
    assert cache_store.cache_dir(tmp_path / "given") == tmp_path / "given"


def test_disabled_and_unwritable_caches_still_analyse(
    app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache_store.CACHE_ENV, str(tmp_path / "env-cache"))
    load_app_source(app, cache=False)
    assert not (tmp_path / "env-cache").exists()
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a directory")
    assert load_app_source(app, cache_dir=blocked).tasks
