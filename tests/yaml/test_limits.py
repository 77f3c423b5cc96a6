"""The per-file workload limit: ``max_workloads=`` lowers and raises it for inputs that really are larger
(on the command line: tests/test_cli.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import scale  # bench/scale.py

import koku_gap
from koku_gap.model.errors import InputError
from koku_gap.sources.clowdapp import load_clowdapp
from koku_gap.sources.manifests import load_manifests


def test_max_workloads_lowers_and_raises_the_limit(tmp_path: Path) -> None:
    made = scale.generate(tmp_path, apps=2)  # 64 ClowdApp workloads in one file, 46 in the chart
    with pytest.raises(InputError, match=r"more than 40 workloads: .*max_workloads="):
        load_clowdapp(made.clowdapps[0], max_workloads=40)
    with pytest.raises(InputError, match="more than 40 workloads"):
        load_manifests(*made.manifests, max_workloads=40)
    assert len(load_clowdapp(made.clowdapps[0], max_workloads=64).components) == 64
    report = koku_gap.analyze(made.clowdapps, made.manifests, max_workloads=64)
    assert report.summary.chart_workloads == 46
