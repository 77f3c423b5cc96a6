"""Fixtures of the Helm tests: no helm-python-sdk, no ``helm`` on PATH, or a stand-in ``helm``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers.fake_helm import install_fake_helm


@pytest.fixture
def no_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    """helm-python-sdk absent: ``import helm_python`` raises ImportError."""
    monkeypatch.setitem(sys.modules, "helm_python", None)


@pytest.fixture
def empty_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A PATH without any helm."""
    directory = tmp_path / "bin"
    directory.mkdir()
    monkeypatch.setenv("PATH", str(directory))
    return directory


@pytest.fixture
def fake_helm(empty_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A ``helm`` on PATH (tests/fake_helm.py); returns the log of its calls (JSON lines)."""
    install_fake_helm(empty_path)
    log = tmp_path / "helm-calls.jsonl"
    monkeypatch.setenv("FAKE_HELM_LOG", str(log))
    return log
