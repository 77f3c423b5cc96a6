"""The real chart's history (the corpus bundle): sampled commits give exactly what a plain analyze() of
that commit's chart gives. The whole walk is timed in bench/history.py, not here."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

import pytest

from koku_gap.api import analyze
from koku_gap.history.analyse import row_gaps
from koku_gap.history.delta import deltas
from koku_gap.history.model import CommitResult
from koku_gap.history.run import history
from koku_gap.model.report import Report
from koku_gap.sources.helm import ChartSpec
from tests.history.conftest import TODAY

PATHS = ["cost-onprem", "ros-ocp"]
SETS = [
    "odf.endpoint=s3.openshift-storage.svc.cluster.local",
    "jwtAuth.keycloak.url=https://keycloak.example.com",
    "global.clusterDomain=apps.example.com",
]
CLOWDAPP = "koku/clowdapp-2026-08-14-f6cc00b31.yaml"
SAMPLE = {  # first-parent commits of the bundle's main, one per era of the chart
    "0cd9e7dd": "ros-ocp",  # 2025-09-29, the first commit with the chart
    "2f765d57": "cost-onprem",  # 2025-11-12, the day after the rename
}


@pytest.fixture(scope="module")
def clone(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("bundle") / "chart-repo"
    bundle = corpus / "repos" / "ros-helm-chart.bundle"
    subprocess.run(["git", "clone", "-q", str(bundle), str(target)], check=True)
    return target


def plain(clone: Path, sha: str, path: str, corpus: Path, into: Path) -> Report:
    """``gap-report --chart`` of the commit's chart, checked out on its own."""
    archive = into / f"{sha}.tar"
    with archive.open("wb") as out:
        subprocess.run(
            ["git", "-C", str(clone), "archive", "--format=tar", f"{sha}:{path}"], stdout=out, check=True
        )
    with tarfile.open(archive) as tar:
        tar.extractall(into / sha / path, filter="data")
    spec = ChartSpec(into / sha / path, set_values=SETS, namespace="cost-onprem")
    return analyze([corpus / CLOWDAPP], charts=[spec], policy="koku", today=TODAY, extras=())


def walk(clone: Path, corpus: Path, rev_range: str) -> list[CommitResult]:
    found = history(
        clone,
        PATHS,
        [corpus / CLOWDAPP],
        set_values=SETS,
        namespace="cost-onprem",
        policy="koku",
        rev_range=rev_range,
        today=TODAY,
        jobs=1,
    )
    return list(found.commits)


@pytest.mark.parametrize(("sha", "path"), sorted(SAMPLE.items()))
def test_a_sampled_commit_is_what_analyze_gives(
    clone: Path, corpus: Path, tmp_path: Path, sha: str, path: str
) -> None:
    [commit] = walk(clone, corpus, f"{sha}~1..{sha}")
    report = plain(clone, sha, path, corpus, tmp_path)
    assert commit.chart_path == path and commit.status == "ok"
    assert commit.by_priority == dict(report.summary.by_priority)
    assert commit.by_status == dict(report.summary.by_status)
    assert commit.gaps == report.summary.gaps


def test_head_and_what_it_opened_are_what_analyze_gives(clone: Path, corpus: Path, tmp_path: Path) -> None:
    before, head = walk(clone, corpus, "HEAD~2..HEAD")
    reports = [plain(clone, c.sha, "cost-onprem", corpus, tmp_path) for c in (before, head)]
    assert head.by_priority == dict(reports[1].summary.by_priority)
    opened, closed, changed = deltas(row_gaps(reports[0]), row_gaps(reports[1]))
    assert (head.opened, head.closed, head.changed) == (
        opened,
        closed,
        changed,
    )
    assert len(opened) == 8  # HEAD (the merge of PR #90) opens eight P3s under the koku policy
