"""Packaged charts (``.tgz``): rendered like their directory, unpacked to leave templates out."""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap.model.errors import InputError
from koku_gap.sources.helm import (
    ChartSpec,
    render_chart,
)
from tests.sources.helm.charts import (
    CLUSTER,
    SHOP,
    config_map,
    package,
    sources,
    write_chart,
)

helm_python = pytest.importorskip("helm_python")


def test_a_chart_archive_renders_like_its_directory(tmp_path: Path) -> None:
    archive = Path(helm_python.Chart.load(str(SHOP)).save(str(tmp_path)))
    assert archive.suffix == ".tgz"
    assert render_chart(ChartSpec(archive, [CLUSTER])).text == render_chart(ChartSpec(SHOP, [CLUSTER])).text
    assert render_chart(ChartSpec(archive, [CLUSTER])).chart == str(archive)


def test_skip_failing_templates_in_packaged_subcharts_and_archives(tmp_path: Path) -> None:
    failing = (
        '{{- if not (lookup "v1" "Secret" "ns" "creds") }}{{ fail "secret ns/creds not found" }}{{ end }}\n'
    )
    sub = write_chart(
        tmp_path / "src", "sub", {"templates/fail.yaml": failing, "templates/ok.yaml": config_map("sub-ok")}
    )
    chart = write_chart(
        tmp_path,
        "top",
        {"templates/fail.yaml": failing, "templates/ok.yaml": config_map("top-ok")},
        "dependencies:\n  - name: sub\n    version: 0.1.0\n    alias: store\n",
    )
    (chart / "charts").mkdir()
    package(sub, chart / "charts")
    with pytest.raises(InputError) as caught:
        render_chart(chart)
    assert "failed to render" in caught.value.message
    for target in (chart, package(chart, tmp_path)):
        result = render_chart(target, skip_failing_templates=True)
        assert sorted(s.template for s in result.skipped) == [
            "top/charts/store/templates/fail.yaml",
            "top/templates/fail.yaml",
        ]
        assert sources(result.text) == ["top/charts/store/templates/ok.yaml", "top/templates/ok.yaml"]
    assert (chart / "charts" / "sub-0.1.0.tgz").is_file()
