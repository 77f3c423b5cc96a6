"""The scale generator (bench/scale.py, issue 8) writes what it says it writes, koku-like pairs that match
within their app, within the per-file limits; the timings themselves live in bench/, never here."""

from __future__ import annotations

from pathlib import Path

import scale  # bench/scale.py

import koku_gap
from koku_gap.sources.clowdapp import load_clowdapp
from koku_gap.sources.manifests import load_manifests
from tests.helpers.engine import merged


def test_scale_generator_writes_what_it_says(tmp_path: Path) -> None:
    made = scale.generate(tmp_path, apps=3, apps_per_file=2)
    assert (len(made.clowdapps), len(made.manifests)) == (2, 2)
    assert (made.components, made.workloads) == (3 * scale.KOKU_DEPLOYMENTS, 3 * scale.CHART_WORKLOADS)
    source, target = merged(made.clowdapps), load_manifests(*made.manifests)
    assert len(source.components) == made.components
    assert source.apps == ("app000", "app001", "app002")
    assert len(target.components) == made.workloads
    assert len(target.resources) == made.objects
    assert made.args().count("--clowdapp") == 2 and made.args().count("--manifests") == 2


def test_scale_generator_makes_koku_like_pairs_that_match_within_their_app(tmp_path: Path) -> None:
    made = scale.generate(tmp_path, apps=2)
    report = koku_gap.analyze(made.clowdapps, made.manifests)
    rows = [r for r in report.rows if r.clowdapp is not None]
    assert len(rows) == 2 * scale.KOKU_DEPLOYMENTS
    matched = [r for r in rows if r.targets]
    assert len(matched) >= 2 * 10  # the API, proxy, listener, beat, five workers, ... of each app
    for r in matched:
        assert all(t.name.startswith(f"onprem-{r.app}-") for t in r.targets), r.id
    statuses = {r.status for r in report.rows}
    assert {"match", "missing", "extra", "infra"} <= statuses


def test_the_100x_files_each_stay_under_the_per_file_limits(tmp_path: Path) -> None:
    made = scale.generate(tmp_path, apps=scale.APPS_PER_FILE)  # one file's worth of the 100x case
    assert len(made.clowdapps) == 1
    load_clowdapp(made.clowdapps[0])  # default limits: bytes, YAML nodes, workloads per file
    load_manifests(made.manifests[0])
