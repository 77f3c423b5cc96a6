"""A chart's symbolic links: one leading outside the chart is refused before Helm reads it (issue 17).

Helm's directory loader follows links, so ``files/e -> /proc/self/environ`` with ``{{ .Files.Get "files/e"
}}`` put the CI job's environment into the report; a link to ``/dev/zero`` listed in ``.helmignore`` made
``--skip-failing-templates``'s copy write gigabytes. Links inside the chart stay Helm's to follow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap.model.errors import InputError
from koku_gap.sources.helm import ChartSpec, render_chart
from koku_gap.sources.helm.chart_files import WorkingCopy, refuse_outside_links
from tests.sources.helm.charts import config_map, write_chart

LEAKY = '{{ .Files.Get "files/e" | b64enc | quote }}'


def _chart(tmp_path: Path) -> Path:
    return write_chart(tmp_path, "leaky", {"templates/cm.yaml": config_map("leak", f"data:\n  e: {LEAKY}\n")})


@pytest.mark.parametrize(
    "target", ["/etc/passwd", "/proc/self/environ", "/dev/zero", "/nonexistent", "../outside.txt"]
)
def test_a_link_out_of_the_chart_is_refused_naming_the_link(tmp_path: Path, target: str) -> None:
    chart = _chart(tmp_path)
    (tmp_path / "outside.txt").write_text("secret")
    (chart / "files").mkdir()
    (chart / "files" / "e").symlink_to(target)
    with pytest.raises(InputError, match="leads outside the chart") as caught:
        render_chart(ChartSpec(chart))
    assert caught.value.file == str(chart / "files" / "e")
    assert "secret" not in str(caught.value) and "root:" not in str(caught.value)


def test_a_linked_directory_out_of_the_chart_is_refused(tmp_path: Path) -> None:
    chart = _chart(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    (chart / "files").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(InputError, match="leads outside the chart"):
        refuse_outside_links(chart)


def test_a_link_within_the_chart_is_followed_as_helm_does(tmp_path: Path) -> None:
    chart = _chart(tmp_path)
    (chart / "files").mkdir()
    (chart / "files" / "real").write_text("inside")
    (chart / "files" / "e").symlink_to("real")
    result = render_chart(ChartSpec(chart))
    assert "aW5zaWRl" in result.text  # base64 of "inside"


def test_the_working_copy_copies_links_and_never_follows_them(tmp_path: Path) -> None:
    chart = _chart(tmp_path)
    (chart / "files").mkdir()
    (chart / "files" / "real").write_text("inside")
    (chart / "files" / "e").symlink_to("real")
    copy = WorkingCopy(chart, tmp_path / "scratch")
    assert (copy.root / "files" / "e").is_symlink()
