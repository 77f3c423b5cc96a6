"""Matching scores only the pairs that can yield a candidate (blocking by role) and stops explaining
rejections once a row has the three it shows: the results are those of scoring every pair (issue 8,
docs/performance.md; no timings here). On fixtures, synthetic inputs (bench/scale.py) and the corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import scale  # bench/scale.py

import koku_gap.engine.match as matching
from koku_gap.engine.policy import load_policy
from koku_gap.model.graph import ComponentGraph
from koku_gap.sources.clowdapp import load_clowdapp
from koku_gap.sources.manifests import load_manifests
from tests.helpers.engine import merged
from tests.helpers.files import FIXTURE_PAIRS

SHOWN = matching.REJECTED_KEPT  # rejections a row shows (classify.py), whatever a test patches


def outcome(result: matching.MatchResult) -> Any:
    """Everything of a match that reports read: the chosen candidates, sharing, the rejections shown."""
    return (
        [(p.source.id, p.chosen, p.shared_with, p.rejected[:SHOWN]) for p in result.pairings],
        result.claimed,
        result.queue_consumers,
        result.queue_sources,
        result.warnings,
    )


def assert_matching_unchanged(
    monkeypatch: pytest.MonkeyPatch, source: ComponentGraph, target: ComponentGraph, policy_name: str
) -> None:
    policy = load_policy(policy_name)
    fast = outcome(matching.match(source, target, policy))
    with monkeypatch.context() as m:  # every pair, every candidate explained: the matcher as it was
        m.setattr(matching, "_blocked", lambda _s, _index: list(range(len(target.components))))
        m.setattr(matching, "REJECTED_KEPT", 10**9)
        reference = outcome(matching.match(source, target, policy))
    assert fast == reference


@pytest.mark.parametrize("policy_name", ["default", "koku"])
@pytest.mark.parametrize(("clowdapp", "rendered"), FIXTURE_PAIRS, ids=lambda p: p.parent.name)
def test_blocking_does_not_change_matching_on_fixtures(
    monkeypatch: pytest.MonkeyPatch, clowdapp: Path, rendered: Path, policy_name: str
) -> None:
    assert_matching_unchanged(monkeypatch, load_clowdapp(clowdapp), load_manifests(rendered), policy_name)


def test_blocking_does_not_change_matching_at_scale(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    made = scale.generate(tmp_path, apps=3, apps_per_file=2)
    source, target = merged(made.clowdapps), load_manifests(*made.manifests)
    assert_matching_unchanged(monkeypatch, source, target, "default")


def test_blocking_does_not_change_matching_on_the_corpus(
    monkeypatch: pytest.MonkeyPatch, corpus: Path
) -> None:
    koku = sorted((corpus / "koku").glob("*.yaml"))
    ros = sorted((corpus / "ros").glob("*.yaml"))
    sources = [load_clowdapp(t) for t in (*koku, *ros)] + [merged([koku[-1], *ros])]
    targets = [load_manifests(chart) for chart in sorted((corpus / "chart").glob("*.yaml"))]
    for source in sources:
        for target in targets:
            for policy_name in ("default", "koku"):
                assert_matching_unchanged(monkeypatch, source, target, policy_name)
