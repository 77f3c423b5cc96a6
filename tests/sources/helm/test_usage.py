"""Command lines that cannot work with ``--chart``: exit 2, one line naming the option."""

from __future__ import annotations

import pytest

from tests.sources.helm.charts import (
    APP,
    CLUSTER,
    SHOP,
    error_line,
)

helm_python = pytest.importorskip("helm_python")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--clowdapp", APP], "one of the arguments --manifests --chart is required"),
        (["--clowdapp", APP, "--chart", str(SHOP), "--manifests", APP], "not allowed with argument"),
        (["--clowdapp", APP, "--manifests", APP, "--values", CLUSTER], "--values: only with --chart"),
        (
            ["--clowdapp", APP, "--manifests", APP, "--set", "a=b", "--namespace", "n"],
            "--set, --namespace: only with",
        ),
        (["--clowdapp", APP, "--chart", str(SHOP), "--set", "a.b"], "--set 'a.b': key \"b\" has no value"),
        (
            ["--clowdapp", APP, "--chart", str(SHOP), "--set-string", "a[x]=1"],
            "--set-string 'a[x]=1': error parsing index",
        ),
        (
            ["--clowdapp", APP, "--chart", str(SHOP), "--release", "Shop_1"],
            "--release 'Shop_1': a release name",
        ),
        (["--clowdapp", APP, "--chart", str(SHOP), "--renderer", "docker"], "invalid choice: 'docker'"),
        (
            ["--clowdapp", APP, "--chart", str(SHOP), "--kube-version", "banana"],
            "--kube-version 'banana': could",
        ),
    ],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    line = error_line(capsys, argv)
    assert expected in line
