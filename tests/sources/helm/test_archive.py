"""Packaged charts (``.tgz``): rendered like their directory, unpacked to leave templates out."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

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


def _tar(path: Path, mode: Literal["w:gz", "w:bz2"], members: dict[str, bytes]) -> Path:
    import io
    import tarfile

    with tarfile.open(path, mode) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


CHART_YAML = b"apiVersion: v2\nname: bomb\nversion: 0.1.0\n"


def test_an_archive_compressed_otherwise_than_helm_packages_is_refused_before_decompressing(
    tmp_path: Path,
) -> None:
    archive = _tar(tmp_path / "bomb.tgz", "w:bz2", {"bomb/Chart.yaml": CHART_YAML})
    with pytest.raises(InputError, match="not a gzip-compressed tar archive"):
        render_chart(ChartSpec(archive))


def test_a_member_over_helms_file_limit_is_refused_from_its_header(tmp_path: Path) -> None:
    from koku_gap.sources.helm.archive import MAX_FILE_BYTES

    zeros = b"\0" * (MAX_FILE_BYTES + 1)  # a few kilobytes compressed
    members = {"big/templates/z.yaml": zeros, "big/Chart.yaml": CHART_YAML}  # read before Chart.yaml is found
    archive = _tar(tmp_path / "big.tgz", "w:gz", members)
    assert archive.stat().st_size < 64 << 10
    with pytest.raises(InputError, match=r"archive member 'big/templates/z.yaml' is 5242881 bytes"):
        render_chart(ChartSpec(archive))


def test_an_archive_unpacking_past_helms_chart_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from koku_gap.sources.helm import archive as archives

    monkeypatch.setattr(archives, "MAX_CHART_BYTES", 1000)
    files = {**{f"many/templates/{i}.yaml": b"a: 1\n" * 100 for i in range(3)}, "many/Chart.yaml": CHART_YAML}
    archive = _tar(tmp_path / "many.tgz", "w:gz", files)
    with pytest.raises(InputError, match="unpacks to more than Helm's 1000 bytes"):
        render_chart(ChartSpec(archive))
