"""The Helm plugin (helm-plugin/): its manifests in Helm 3's and Helm 4's format, and the script that hands
Helm's settings to gap-report, run with a stand-in gap-report that prints what it was given."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from koku_gap.yaml.loader import load_stream, to_plain

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "helm-plugin"


def _manifest(path: Path) -> dict[str, object]:
    value = to_plain(load_stream(path).documents[0].value)
    assert isinstance(value, dict)
    return value


def test_the_helm_3_manifest_names_the_script() -> None:
    manifest = _manifest(PLUGIN / "plugin.yaml")
    assert (manifest["name"], manifest["command"]) == ("gap", "$HELM_PLUGIN_DIR/helm-gap")
    assert {"version", "usage", "description"} <= manifest.keys()


def test_the_helm_4_manifest_is_the_same_plugin() -> None:
    manifest = _manifest(PLUGIN / "v4" / "plugin.yaml")
    assert (manifest["apiVersion"], manifest["type"], manifest["runtime"], manifest["name"]) == (
        "v1",
        "cli/v1",
        "subprocess",
        "gap",
    )
    assert manifest["runtimeConfig"] == {"platformCommand": [{"command": "${HELM_PLUGIN_DIR}/helm-gap"}]}
    assert (PLUGIN / "v4" / "helm-gap").resolve() == (PLUGIN / "helm-gap").resolve()


def _run(tmp_path: Path, args: list[str], **env: str) -> tuple[list[str], str]:
    recorder = tmp_path / "gap-report"
    recorder.write_text(
        f"#!{sys.executable}\nimport os, sys, json\nprint(json.dumps([sys.argv[1:], os.environ['PATH']]))\n"
    )
    recorder.chmod(0o755)
    environ = {"PATH": os.environ["PATH"], "KOKU_GAP_COMMAND": str(recorder), **env}
    done = subprocess.run(
        ["sh", str(PLUGIN / "helm-gap"), *args], env=environ, capture_output=True, text=True, check=True
    )
    argv, path = json.loads(done.stdout)
    return argv, path


def test_helms_namespace_renders_the_chart_unless_one_is_given(tmp_path: Path) -> None:
    argv, _ = _run(tmp_path, ["--clowdapp", "a.yaml", "--chart", "c"], HELM_NAMESPACE="cost")
    assert argv == ["--clowdapp", "a.yaml", "--chart", "c", "--namespace", "cost"]
    argv, _ = _run(tmp_path, ["--chart", "c", "--namespace", "mine"], HELM_NAMESPACE="cost")
    assert argv == ["--chart", "c", "--namespace", "mine"]
    argv, _ = _run(tmp_path, ["--manifests", "r.yaml"], HELM_NAMESPACE="cost")
    assert argv == ["--manifests", "r.yaml"]  # rendered already: no namespace to give


def test_helms_offline_meaningless_flags_are_dropped_and_short_n_is_the_namespace(tmp_path: Path) -> None:
    argv, _ = _run(
        tmp_path,
        [
            "-n",
            "ns",
            "--kube-context",
            "prod",
            "--debug",
            "--kubeconfig=/k",
            "--chart",
            "c",
            "--format",
            "json",
        ],
    )
    assert argv == ["--namespace", "ns", "--chart", "c", "--format", "json"]


@pytest.mark.skipif(os.name != "posix", reason="a POSIX shell script")
def test_the_helm_running_the_plugin_is_the_one_a_binary_renderer_finds(tmp_path: Path) -> None:
    _, path = _run(tmp_path, ["--chart", "c"], HELM_BIN="/opt/helm-4/bin/helm")
    assert path.split(os.pathsep)[0] == "/opt/helm-4/bin"
