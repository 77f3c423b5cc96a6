"""Suggested values take on-prem env settings from the chart, mark where each value comes from, and
rows the policy made optional get no template (review item 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from koku_gap.api import analyze, enrich
from koku_gap.engine.policy import load_policy
from koku_gap.extras.remediation import ChartEnv, ChartEnvs, parameter_env, values_fragment, values_yaml
from koku_gap.model.graph import Component, ComponentGraph, EnvVar
from koku_gap.model.report import Row
from koku_gap.sources.clowdapp import load_clowdapp
from koku_gap.sources.manifests import load_manifests
from tests.helpers.engine import graph_component

ROOT = Path(__file__).resolve().parents[3]
PREFIXES = load_policy("koku").strip_prefixes  # clowder-: koku's naming, which its policy strips
EXAMPLE = ROOT / "fixtures" / "example"


_component = graph_component  # its image is quay.io/saas/<family>:abc


def _chart(*components: Component) -> ComponentGraph:
    return ComponentGraph(origin="manifests", files=("f.yaml",), components=components)


def _load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def test_chart_env_takes_the_most_common_setting_of_the_same_image_family() -> None:
    mine = _component("worker", {"ONPREM": "False", "LEVEL": "debug", "OWN": "x"}, origin="clowdapp")
    chart = _chart(
        _component("rel-api", {"ONPREM": "True", "LEVEL": "info"}),
        _component("rel-beat", {"ONPREM": "True", "LEVEL": "warn"}),
        _component("rel-masu", {"ONPREM": "maybe", "LEVEL": "warn"}),
        _component("rel-proxy", {"ONPREM": "no", "OWN": "y"}, family="nginx"),
    )
    assert ChartEnvs(chart).of(mine) == {
        "ONPREM": ChartEnv(value="True", value_from=None, workload="rel-api"),
        "LEVEL": ChartEnv(value="warn", value_from=None, workload="rel-beat"),  # 2 of 3, not the first
    }


def test_a_tie_goes_to_the_setting_the_chart_lists_first() -> None:
    mine = _component("worker", {"LEVEL": "debug"}, origin="clowdapp")
    chart = _chart(_component("rel-b", {"LEVEL": "warn"}), _component("rel-a", {"LEVEL": "info"}))
    assert ChartEnvs(chart).of(mine)["LEVEL"].workload == "rel-b"


def test_what_makes_the_role_stays_the_clowdapps() -> None:
    mine = _component(
        "worker",
        {"WORKER_QUEUES": "export", "SYNC": "true", "ONPREM": "False"},
        origin="clowdapp",
        switches=("SYNC=true",),
    )
    script = ("/bin/bash", "-c", "celery worker -Q $WORKER_QUEUES")
    mine = mine.model_copy(update={"containers": (mine.main.model_copy(update={"command": script}),)})
    chart = _chart(_component("rel-default", {"WORKER_QUEUES": "celery", "SYNC": "false", "ONPREM": "True"}))
    assert set(ChartEnvs(chart).of(mine)) == {"ONPREM"}


def test_a_chart_value_from_replaces_a_plain_value() -> None:
    mine = _component("worker", {"SECRET": "literal", "ONPREM": "False"}, origin="clowdapp")
    ref = {"secretKeyRef": {"name": "rel-secret", "key": "k"}}
    settings = {"SECRET": ChartEnv(value=None, value_from=ref, workload="rel-api")}
    values = values_fragment(mine, settings, prefixes=PREFIXES)["worker"]
    assert values["env"] == {"ONPREM": "False"}
    assert values["envValueFrom"] == [{"name": "SECRET", "valueFrom": ref}]
    text = values_yaml(mine, settings, prefixes=PREFIXES)
    assert "  - name: SECRET  # from the chart's rel-api\n" in text
    assert _load(text) == values_fragment(mine, settings, prefixes=PREFIXES)


@pytest.mark.parametrize(
    "value",
    [
        "True",
        "a # not a comment",
        "two\nlines",
        "three\n\nlines with 'quotes'",
        "",
        "x: y",
        "#",
        "  padded  ",
    ],
)
def test_notes_never_change_the_values(value: str) -> None:
    mine = _component("worker", {"A": "1", "TRICKY": value, "Z": "2"}, origin="clowdapp")
    notes = {"A": "a", "TRICKY": "t", "Z": "z"}
    text = values_yaml(mine, parameters=notes, prefixes=PREFIXES)
    assert _load(text) == values_fragment(mine, prefixes=PREFIXES)
    assert text.count("# from template parameter ") == 3


def test_parameter_env_reads_the_template_lines() -> None:
    lines = ["- name: A", "  value: ${PA}", "- value: x-${{PB}}", "  name: B", "- name: C", "  value: lit"]
    mine = _component("w", {"A": "a", "B": "x-b", "C": "lit"}, origin="clowdapp")
    mine = mine.model_copy(
        update={
            "containers": (
                mine.main.model_copy(
                    update={
                        "env": (
                            EnvVar(name="A", value="a", line=1),
                            EnvVar(name="B", value="x-b", line=3),
                            EnvVar(name="C", value="lit", line=5),
                        )
                    }
                ),
            )
        }
    )
    assert parameter_env(mine, lines, {"PA", "PB", "OTHER"}) == {"A": "PA", "B": "PB"}
    assert parameter_env(mine, lines, {"PB"}) == {"B": "PB"}  # only declared parameters count


def _values(report_rows: list[Row], name: str) -> str:
    row = next(r for r in report_rows if r.clowdapp == name)
    assert row.remediation is not None
    return row.remediation.values


def test_the_example_takes_on_prem_settings_from_the_chart() -> None:
    report = analyze(EXAMPLE / "clowdapp.yaml", EXAMPLE / "rendered.yaml")
    values = _values(report.rows, "clowder-worker-export")
    assert "    CLOWDER_ENABLED: 'False'  # from the chart's ledger-onprem-api\n" in values
    assert (
        "    WORKER_QUEUES: export  # from template parameter WORKER_EXPORT_QUEUE\n" in values
    )  # its own queue
    assert (
        "    EXPORT_BUCKET: ledger-export-eph-s3  # from template parameter S3_EXPORT_BUCKET_NAME\n" in values
    )
    data = _load(values)["clowderWorkerExport"]
    assert data["env"]["CLOWDER_ENABLED"] == "False"


def test_enrich_without_the_chart_keeps_the_clowdapp_values() -> None:
    source = load_clowdapp(EXAMPLE / "clowdapp.yaml")
    target = load_manifests(EXAMPLE / "rendered.yaml")
    rows = analyze(EXAMPLE / "clowdapp.yaml", EXAMPLE / "rendered.yaml").rows
    bare = [r.model_copy(update={"remediation": None}) for r in rows]
    without = _load(_values(enrich(bare, source, strip_prefixes=PREFIXES), "clowder-worker-export"))
    with_chart = _load(
        _values(enrich(bare, source, target=target, strip_prefixes=PREFIXES), "clowder-worker-export")
    )
    assert without["workerExport"]["env"]["CLOWDER_ENABLED"] == "True"
    assert with_chart["workerExport"]["env"]["CLOWDER_ENABLED"] == "False"


def test_optional_rows_from_the_policy_get_no_template(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "name: x\nextends: default\ncomponents:\n"
        "  nightly-cleanup: {when: gap, status: optional, priority: P2, reason: done by hand}\n",
        encoding="utf-8",
    )
    rows = analyze(EXAMPLE / "clowdapp.yaml", EXAMPLE / "rendered.yaml", policy=policy).rows
    cleanup = next(r for r in rows if r.clowdapp == "nightly-cleanup")
    assert (cleanup.status, cleanup.priority, cleanup.remediation) == ("optional", "P2", None)
    proxy = next(r for r in rows if r.clowdapp == "clowder-api")  # optional by the `missing` rule
    assert (proxy.status, proxy.priority) == ("optional", "P2")
    assert not any(reason.startswith("policy:") for reason in proxy.reasons)
    assert proxy.remediation is not None


def test_ignored_env_is_left_out_unless_the_chart_sets_it() -> None:
    """The policy's ignore_env (Clowder's own variables) is wrong off Clowder: a suggestion leaves it
    out, unless the chart's workloads of the same image set it, whose value it then takes."""
    source = load_clowdapp(EXAMPLE / "clowdapp.yaml")
    target = load_manifests(EXAMPLE / "rendered.yaml")
    rows = analyze(EXAMPLE / "clowdapp.yaml", EXAMPLE / "rendered.yaml").rows
    bare = [r.model_copy(update={"remediation": None}) for r in rows]
    omitted = _load(
        _values(
            enrich(bare, source, omit_env=["CLOWDER_ENABLED"], strip_prefixes=PREFIXES),
            "clowder-worker-export",
        )
    )
    assert "CLOWDER_ENABLED" not in omitted["workerExport"]["env"]
    kept = enrich(bare, source, target=target, omit_env=["CLOWDER_ENABLED"], strip_prefixes=PREFIXES)
    assert _load(_values(kept, "clowder-worker-export"))["workerExport"]["env"]["CLOWDER_ENABLED"] == "False"
