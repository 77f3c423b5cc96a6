"""What the performance work (issue 8, docs/performance.md) must not change, and its tools; no timings here.

- Matching scores only the pairs that can yield a candidate (blocking by role) and stops explaining
  rejections once a row has the three it shows: the results are those of scoring every pair.
- values.yaml fragments come from a leaner ruamel dumper: the text is ruamel's own.
- ``--max-workloads`` raises (or lowers) the workload limit; the scale generator (bench/scale.py)
  writes what it says it writes, within the per-file limits.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

import koku_gap
import koku_gap.engine.match as matching
from koku_gap.cli import main
from koku_gap.engine.policy import load_policy
from koku_gap.extras.remediation import values_fragment, values_yaml, yaml_text
from koku_gap.model.errors import InputError
from koku_gap.model.graph import ComponentGraph
from koku_gap.sources.clowdapp import load_clowdapp
from koku_gap.sources.manifests import load_manifests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import scale  # noqa: E402  (bench/scale.py)

FIXTURE_PAIRS = [
    (ROOT / "fixtures/example/clowdapp.yaml", ROOT / "fixtures/example/rendered.yaml"),
    (ROOT / "fixtures/engine/mini-clowdapp.yaml", ROOT / "fixtures/engine/mini-rendered.yaml"),
    (ROOT / "fixtures/charts/clowdapp.yaml", ROOT / "fixtures/example/rendered.yaml"),
]


def merged(paths: list[Path]) -> ComponentGraph:
    graphs = [load_clowdapp(p) for p in paths]
    graph = graphs[0]
    for other in graphs[1:]:
        graph = graph.merged(other)
    return graph


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


def ruamel_dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=False)
    yaml.default_flow_style = False
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


@pytest.mark.parametrize("clowdapp", [app for app, _chart in FIXTURE_PAIRS], ids=lambda p: p.parent.name)
def test_values_yaml_is_ruamels_own_text(clowdapp: Path) -> None:
    for component in load_clowdapp(clowdapp).components:
        assert values_yaml(component) == ruamel_dump(values_fragment(component))


def test_values_yaml_is_ruamels_own_text_on_the_corpus(corpus: Path) -> None:
    for template in sorted((corpus / "koku").glob("*.yaml")) + sorted((corpus / "ros").glob("*.yaml")):
        for component in load_clowdapp(template).components:
            assert values_yaml(component) == ruamel_dump(values_fragment(component))


TRICKY_TEXT = st.sampled_from(
    ["", " x", "x ", "true", "no", "null", "~", "1", "1.5", "0x1f", "1e3", ".inf", "2024-01-01", "<<",
     "=", "-", "a: b", "a #b", "${X}", "two\nlines", "end\n", "tab\there", "é€😀", "'q'", '"q"', "[x]",
     "{x}", "*x", "&x"]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    TRICKY_TEXT,
    st.text(max_size=12),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.one_of(TRICKY_TEXT, st.text()), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.one_of(TRICKY_TEXT, st.text(min_size=1)), VALUES, min_size=1, max_size=5))
def test_yaml_text_is_ruamels_dump_whatever_the_values(data: dict[str, Any]) -> None:
    assert yaml_text(data) == ruamel_dump(data)


def test_yaml_text_keeps_ruamels_anchors_for_shared_values() -> None:
    shared = {"cpu": "1"}
    data = {"limits": shared, "requests": shared, "list": [shared, [1, 2]]}
    assert yaml_text(data) == ruamel_dump(data)
    assert "&id001" in yaml_text(data)


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


def test_max_workloads_lowers_and_raises_the_limit(tmp_path: Path) -> None:
    made = scale.generate(tmp_path, apps=2)  # 64 ClowdApp workloads in one file, 46 in the chart
    with pytest.raises(InputError, match=r"more than 40 workloads: .*max_workloads="):
        load_clowdapp(made.clowdapps[0], max_workloads=40)
    with pytest.raises(InputError, match="more than 40 workloads"):
        load_manifests(*made.manifests, max_workloads=40)
    assert len(load_clowdapp(made.clowdapps[0], max_workloads=64).components) == 64
    report = koku_gap.analyze(made.clowdapps, made.manifests, max_workloads=64)
    assert report.summary.chart_workloads == 46


def test_max_workloads_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    made = scale.generate(tmp_path / "in", apps=2)
    out = tmp_path / "report.json"
    assert main([*made.args(), "--max-workloads", "40", "--output", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("gap-report: error: ") and "more than 40 workloads" in error
    assert "--max-workloads" in error and not out.exists()
    assert main([*made.args(), "--max-workloads", "64", "--fail-on", "none", "--output", str(out)]) == 0
    assert out.exists()
    for bad in ("0", "many"):
        assert main([*made.args(), "--max-workloads", bad]) == 2
        assert "(see gap-report --help)" in capsys.readouterr().err
