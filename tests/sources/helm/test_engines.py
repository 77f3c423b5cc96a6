"""Choosing the engine, and the binary engine giving what the python one gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from koku_gap.model.errors import InputError, UsageError
from koku_gap.sources.helm import (
    ChartSpec,
    render_chart,
    select_engine,
)
from tests.sources.helm.charts import (
    APP,
    CLUSTER,
    FAILING,
    LISTENER,
    SHOP,
    error_line,
)

helm_python = pytest.importorskip("helm_python")


@pytest.mark.usefixtures("no_sdk", "empty_path")
@pytest.mark.parametrize(
    ("renderer", "expected"),
    [
        (
            [],
            "helm-python-sdk is not usable (not installed; pip install 'koku-gap[helm]'), "
            "and there is no helm binary on PATH",
        ),
        (["--renderer", "python"], "--renderer python: helm-python-sdk is not usable"),
        (["--renderer", "binary"], "--renderer binary: there is no helm binary on PATH"),
    ],
)
def test_no_renderer_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], renderer: list[str], expected: str
) -> None:
    line = error_line(capsys, ["--clowdapp", APP, "--chart", str(SHOP), "--values", CLUSTER, *renderer])
    assert line.startswith(f"gap-report: error: {SHOP}: cannot render the chart")
    assert expected in line


@pytest.mark.usefixtures("empty_path")
def test_python_is_chosen_first_and_binary_is_refused_without_helm() -> None:
    assert select_engine("auto").name == "python"
    assert select_engine("python").name == "python"
    with pytest.raises(InputError, match="no helm binary on PATH"):
        select_engine("binary")
    with pytest.raises(UsageError):
        select_engine("docker")


@pytest.mark.usefixtures("no_sdk")
def test_auto_falls_back_to_a_helm_binary(fake_helm: Path) -> None:
    result = render_chart(
        ChartSpec(
            SHOP,
            [CLUSTER, LISTENER],
            ["worker.queues=a\\,b"],
            ["api.replicas=3"],
            release="rel",
            namespace="ns",
            api_versions=["route.openshift.io/v1"],
            kube_version="v1.30.0",
        )
    )
    assert result.renderer == "binary"
    [call] = [json.loads(line) for line in fake_helm.read_text().splitlines()]
    assert call == [
        "template",
        "rel",
        str(SHOP),
        "--namespace=ns",
        f"--values={CLUSTER}",
        f"--values={LISTENER}",
        "--set=worker.queues=a\\,b",
        "--set-string=api.replicas=3",
        "--api-versions=route.openshift.io/v1",
        "--kube-version=v1.30.0",
    ]
    assert "replicas: 3" in result.text and '"-Q", "a,b"' in result.text and "kind: Route" in result.text


@pytest.mark.usefixtures("fake_helm")
def test_binary_renderer_gives_the_same_text_and_failures(capsys: pytest.CaptureFixture[str]) -> None:
    binary = render_chart(ChartSpec(SHOP, [CLUSTER]), renderer="binary")
    assert binary.renderer == "binary"
    assert binary.text == render_chart(ChartSpec(SHOP, [CLUSTER]), renderer="python").text
    line = error_line(capsys, ["--clowdapp", APP, "--chart", str(SHOP), "--renderer", "binary"])
    assert f"template {FAILING} failed to render" in line and "set clusterDomain" in line
    skipped = render_chart(SHOP, renderer="binary", skip_failing_templates=True)
    assert [s.template for s in skipped.skipped] == [FAILING]
    assert skipped.text == render_chart(SHOP, renderer="python", skip_failing_templates=True).text


def test_the_analysing_process_never_loads_helms_go_runtime() -> None:
    """Only the render child imports helm-python-sdk: importing it starts Go's threads, which a fork
    (gap-report history's workers) would not survive, and costs every --chart run its import."""
    import subprocess
    import sys

    probe = (
        "import sys\nfrom koku_gap.sources.helm import render_chart, ChartSpec\n"
        f"render_chart(ChartSpec({str(SHOP)!r}, set_values=['clusterDomain=apps.example.com']))\n"
        "print('helm_python' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
