"""What Helm logs while rendering becomes the report's warnings, not terminal noise."""

from __future__ import annotations

import pytest

from koku_gap.cli import main
from koku_gap.sources.helm import (
    ChartSpec,
    load_chart,
    render_chart,
)
from tests.helpers.gate import gated, ungated
from tests.sources.helm.charts import (
    APP,
    CLUSTER,
    SHOP,
)

helm_python = pytest.importorskip("helm_python")


def test_what_helm_logs_becomes_warnings_not_terminal_noise(capfd: pytest.CaptureFixture[str]) -> None:
    """A --set map over a chart's string: Helm ignores it and says so; the report carries that."""
    expected = (
        "warning: destination for shop.image.repository is a table. "
        "Ignoring non-table value (quay.io/example/shop)"
    )
    result = render_chart(ChartSpec(SHOP, [CLUSTER], ["image.repository.name=x"]))
    assert result.helm_warnings == (expected,)
    assert "image: map[name:x]:latest" in result.text  # the user's map wins over the chart's string
    code = main(
        ["--clowdapp", APP, "--chart", str(SHOP), "--values", CLUSTER, "--set", "image.repository.name=x"]
    )
    out, err = capfd.readouterr()
    assert code == 1 and ungated(err) == "" and gated(err)
    assert "Helm: " + expected in out or "warning(s)" in out
    assert [w.code for w in load_chart(ChartSpec(SHOP, [CLUSTER], ["image.repository.name=x"])).warnings] == [
        "helm-warning"
    ]


@pytest.mark.usefixtures("fake_helm")
def test_what_a_helm_binary_logs_becomes_warnings_too() -> None:
    result = render_chart(ChartSpec(SHOP, [CLUSTER], ["image.repository.name=x"]), renderer="binary")
    assert (
        result.helm_warnings
        == render_chart(ChartSpec(SHOP, [CLUSTER], ["image.repository.name=x"])).helm_warnings
        != ()
    )
