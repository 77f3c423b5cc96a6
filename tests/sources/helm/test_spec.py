"""The chart spec: options defined once, taken whole; a release name checked by Helm's rule."""

from __future__ import annotations

import pytest

from koku_gap.sources.helm import ChartSpec, render_chart, valid_release_name
from koku_gap.sources.helm.job import RenderJob
from tests.sources.helm.charts import SHOP


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("shop", True),
        ("prod.shop-1", True),
        ("a" * 53, True),
        ("a" * 54, False),
        ("", False),
        ("Shop_1", False),
        ("-shop", False),
        ("shop-", False),
        ("shop..x", False),
    ],
)
def test_release_names_follow_helms_rule(name: str, valid: bool) -> None:
    assert valid_release_name(name) is valid


def test_a_bad_release_is_a_value_error_naming_the_parameter_not_a_flag() -> None:
    with pytest.raises(ValueError, match=r"^release 'Shop_1': a release name is lower-case") as caught:
        render_chart(ChartSpec(SHOP, release="Shop_1"))
    assert "--release" not in str(caught.value)


def test_a_job_reads_its_options_off_the_spec() -> None:
    spec = ChartSpec(SHOP, values=["a.yaml", SHOP / "b.yaml"], namespace="")
    job = RenderJob(spec, release="r", max_bytes=10)
    assert (job.label, job.namespace, job.release) == (str(SHOP), "default", "r")
    assert [str(v) for v in job.values_files] == ["a.yaml", str(SHOP / "b.yaml")]
