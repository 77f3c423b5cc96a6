"""Clowder's pre-2021 ``pods:`` schema: the pod fields at an item's top level are read as its podSpec."""

from __future__ import annotations

from pathlib import Path

import pytest

import koku_gap
from koku_gap import ComponentGraph, load_clowdapp
from koku_gap.model.graph import RoleKind
from koku_gap.sources.clowdapp import lifted_pod
from koku_gap.yaml.loader import LDict
from tests.helpers.files import LineFinder


@pytest.fixture
def legacy(fixtures_dir: Path) -> Path:
    return fixtures_dir / "review_legacy-pods.yaml"


@pytest.fixture
def graph(legacy: Path) -> ComponentGraph:
    return load_clowdapp(legacy)


def test_top_level_pod_fields_are_read(graph: ComponentGraph, legacy: Path, find_line: LineFinder) -> None:
    api = graph.component("api")
    main = api.main
    assert main.image == "quay.io/example/inventory:abc123"  # parameters applied
    assert api.role.kind is RoleKind.WEB_API and api.role.image_family == "inventory"
    assert (main.command, main.args) == (("gunicorn",), ("inventory.wsgi", "--bind=0.0.0.0:8000"))
    assert [(e.name, e.value, e.line) for e in main.env] == [
        ("LOG_LEVEL", "INFO", find_line(legacy, "- name: LOG_LEVEL")),
        ("API_MODE", "true", find_line(legacy, "- name: API_MODE")),
    ]
    assert main.resources == {"requests": {"cpu": "250m"}}
    assert main.liveness_probe == {"httpGet": {"path": "/health", "port": 8000}}
    assert main.readiness_probe == {"httpGet": {"path": "/ready", "port": 8000}}
    assert api.volumes == ({"name": "conf", "configMap": {"name": "proxy-conf"}},)
    assert main.volume_mounts == ({"name": "conf", "mountPath": "/etc/conf"},)
    assert main.line == find_line(legacy, "- name: api")  # the item: there is no podSpec line
    assert api.scaling.replicas == 2 and api.web.public


def test_literal_env_of_a_legacy_pod_is_a_switch(graph: ComponentGraph) -> None:
    """Env switches count only literal values: the template's own top-level env is read for them too."""
    assert graph.component("api").role.switches == ("API_MODE=true",)


def test_a_real_podspec_wins_key_by_key(graph: ComponentGraph) -> None:
    worker = graph.component("worker").main
    assert worker.image == "quay.io/example/inventory:abc123"  # podSpec's, not the top-level old-image
    assert worker.command == ("celery -A inventory worker",)  # top level: podSpec has no command
    assert worker.args == ("-Q", "hosts")  # podSpec's
    assert [e.name for e in worker.env] == ["QUEUE"]


def test_deployments_are_not_lifted(graph: ComponentGraph) -> None:
    """`deployments:` is today's schema: a pod field beside podSpec is dropped by the API server."""
    assert graph.component("modern").main.image == "quay.io/example/inventory:abc123"
    [unknown] = [w for w in graph.warnings if w.code == "unknown-key"]
    assert "unknown key 'image' in deployment 'modern', ignored" in unknown.message


def test_the_warning_says_what_was_read(graph: ComponentGraph, legacy: Path, find_line: LineFinder) -> None:
    api, worker = [w for w in graph.warnings if w.code == "legacy-schema"]
    assert api.line == find_line(legacy, "- name: api")
    assert api.message == (
        "ClowdApp inventory: pod 'api' is in Clowder's pre-2021 schema: read from the legacy 'pods:' list "
        "as a deployment, 'web: true' as its public web service, 'minReplicas' as its replicas, its pod "
        "fields at the item's top level (image, command, args, env, resources, livenessProbe, "
        "readinessProbe, volumes, volumeMounts) as its podSpec"
    )
    assert worker.line == find_line(legacy, "- name: worker")
    assert worker.message.endswith(
        "its pod fields at the item's top level (image, command, env) as its podSpec; "
        "the podSpec's own image kept over the top-level one"
    )


def test_coercions_of_top_level_fields_are_named(
    graph: ComponentGraph, legacy: Path, find_line: LineFinder
) -> None:
    [coerced] = [w for w in graph.warnings if w.code == "coerced-value"]
    assert coerced.line == find_line(legacy, "command: celery")
    assert coerced.message == (
        "ClowdApp inventory: 'command' in pod 'worker' is a string, not a list; "
        "read as the single word 'celery -A inventory worker'"
    )


def test_lifted_pod_leaves_other_shapes_alone() -> None:
    item = LDict(3)
    item["name"] = "p"
    assert lifted_pod(item) is item  # nothing at the top level
    item["image"] = "x"
    item["podSpec"] = "not a mapping"  # the reader's own error names it
    assert lifted_pod(item) is item
    assert lifted_pod("scalar") == "scalar"


def test_a_podspec_that_is_not_a_mapping_is_still_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "kind: ClowdApp\nmetadata: {name: a}\nspec:\n  pods:\n  - name: p\n    image: x\n    podSpec: 3\n"
    )
    with pytest.raises(koku_gap.InputError, match="'podSpec' must be a mapping") as info:
        load_clowdapp(path)
    assert info.value.line == 7


def test_another_apps_legacy_pod_no_longer_plays_the_charts_api(tmp_path: Path, fixtures_dir: Path) -> None:
    """The image is what tells two web APIs apart: unread, the legacy pod matched any chart API."""
    path = tmp_path / "ledger.yaml"
    path.write_text(
        "kind: ClowdApp\nmetadata: {name: ledger}\nspec:\n  pods:\n  - name: service\n    web: true\n"
        "    image: quay.io/example/ledger:1\n"
    )
    report = koku_gap.analyze(clowdapps=[path], manifests=[fixtures_dir / "rendered.yaml"])
    [row] = [r for r in report.rows if r.clowdapp == "service"]
    assert (row.status, row.chart) == ("missing", [])
    assert any("another application's image (ledger vs shop)" in e for e in row.evidence)


def test_corpus_config_manager_against_the_koku_chart(corpus: Path) -> None:
    """The review's case: config-manager's legacy `service` used to "match" koku's API, exit 0."""
    report = koku_gap.analyze(
        clowdapps=[corpus / "wild" / "RedHatInsights__config-manager__deploy_clowdapp.yaml"],
        manifests=[corpus / "chart" / "cost-onprem-2026-02-12-7cc5007a.yaml"],
        policy="koku",
    )
    [row] = [r for r in report.rows if r.clowdapp == "service"]
    assert (row.status, row.priority, row.chart) == ("missing", "P1", [])
    assert not [r for r in report.rows if r.status in ("match", "consolidated", "partial")]
