"""Suggested Helm templates must be valid Helm: rendered through Helm's own engine (helm_python)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from koku_gap.engine.policy import load_policy
from koku_gap.extras.remediation import (
    ChartEnvs,
    helm_template,
    template_path,
    values_fragment,
    values_key,
    values_yaml,
)
from koku_gap.model.graph import Component
from koku_gap.sources.clowdapp import load_clowdapp
from koku_gap.sources.manifests import load_manifests
from tests.extras.remediation.helm import render_suggested
from tests.helpers.kube import problems

ROOT = Path(__file__).resolve().parents[3]
PREFIXES = load_policy("koku").strip_prefixes  # clowder-: koku's naming, which its policy strips
EXAMPLE = ROOT / "fixtures" / "example" / "clowdapp.yaml"
RENDERED = ROOT / "fixtures" / "example" / "rendered.yaml"


def _component(name: str) -> Component:
    return load_clowdapp(EXAMPLE).component(name)


def _render(tmp_path: Path, component: Component, values: str | None = None) -> list[dict[str, Any]]:
    return render_suggested(
        tmp_path / "chart",
        template_path(component, prefixes=PREFIXES),
        helm_template(component, prefixes=PREFIXES),
        values or values_yaml(component, prefixes=PREFIXES),
    )


def _container(doc: dict[str, Any]) -> dict[str, Any]:
    spec = doc["spec"]
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    containers: list[dict[str, Any]] = spec["template"]["spec"]["containers"]
    return containers[0]


def test_missing_deployment_renders_with_its_command_env_and_resources(tmp_path: Path) -> None:
    component = _component("clowder-worker-export")
    (doc,) = _render(tmp_path, component)
    assert (doc["kind"], doc["metadata"]["name"]) == ("Deployment", "rel-worker-export")
    container = _container(doc)
    assert [a.rstrip("\n") for a in container["command"]] == [a.rstrip("\n") for a in component.main.command]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["WORKER_QUEUES"] == "export"
    assert container["resources"] == component.main.resources
    assert container["livenessProbe"] == component.main.liveness_probe
    assert doc["spec"]["selector"]["matchLabels"] == {
        k: v
        for k, v in doc["spec"]["template"]["metadata"]["labels"].items()
        if k != "app.kubernetes.io/component"
    }


def test_the_siblings_probes_render_with_the_ports_they_name(tmp_path: Path) -> None:
    """A probe naming a port reaches only a container that declares it: the template renders the
    sibling's ports with its probes, and its image."""
    component = _component("clowder-worker-export")
    chart = ChartEnvs(load_manifests(RENDERED))
    sibling = chart.sibling(component)
    assert sibling is not None
    (doc,) = _render(
        tmp_path, component, values_yaml(component, chart.of(component), sibling=sibling, prefixes=PREFIXES)
    )
    container = _container(doc)
    assert container["image"] == sibling.main.image
    assert container["livenessProbe"] == sibling.main.liveness_probe
    named = {p["name"] for p in container["ports"]}
    assert container["livenessProbe"]["httpGet"]["port"] in named
    assert container["ports"] == list(sibling.main.ports)
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["WORKER_QUEUES"] == "export"
    assert set(env) >= {e.name for e in sibling.main.env if e.value_from is None} - {"WORKER_QUEUES"}


def test_values_without_a_sibling_render_with_their_first_line_comment(tmp_path: Path) -> None:
    component = _component("clowder-api")
    values = values_yaml(component, {}, sibling=None, prefixes=PREFIXES)
    assert values.startswith("# no chart workload runs this image")
    (doc,) = _render(tmp_path, component, values)
    # its probes are the ClowdApp's, by the port names Clowder declares: the suggestion declares them
    assert _container(doc)["ports"] == [{"name": "web", "containerPort": 8000}]
    assert problems(doc) == []
    assert _container(doc)["image"] == component.main.image


def test_secret_refs_keep_their_value_from(tmp_path: Path) -> None:
    component = _component("clowder-sync")
    (doc,) = _render(tmp_path, component)
    refs = [e for e in _container(doc)["env"] if "valueFrom" in e]
    expected = [{"name": e.name, "valueFrom": e.value_from} for e in component.main.env if e.value_from]
    assert refs == expected and refs


def test_migration_job_is_a_pre_install_hook(tmp_path: Path) -> None:
    (doc,) = _render(tmp_path, _component("db-migrate"))
    assert doc["kind"] == "Job"
    assert doc["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert doc["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_scheduled_job_is_a_cronjob_with_its_schedule(tmp_path: Path) -> None:
    component = _component("nightly-cleanup")
    (doc,) = _render(tmp_path, component)
    assert (doc["kind"], doc["spec"]["schedule"]) == ("CronJob", component.schedule)
    assert _container(doc)["command"] == list(component.main.command)


def test_disabled_component_renders_nothing(tmp_path: Path) -> None:
    component = _component("clowder-sync")
    helm = pytest.importorskip("helm_python")
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: s\nversion: 0.1.0\n", encoding="utf-8")
    (chart / "values.yaml").write_text(
        f"{values_key(component.name, prefixes=PREFIXES)}:\n  enabled: false\n", encoding="utf-8"
    )
    (chart / template_path(component, prefixes=PREFIXES)).write_text(
        helm_template(component, prefixes=PREFIXES), encoding="utf-8"
    )
    loaded = helm.Chart.load(str(chart))
    try:
        rendered = loaded.render(name="rel", namespace="ns")
    finally:
        loaded.close()
    assert all(not text.strip() for text in rendered.values())


def test_values_fragment_has_replicas_for_deployments_only() -> None:
    assert "replicas" in values_fragment(_component("clowder-sync"), prefixes=PREFIXES)["sync"]
    assert "replicas" not in values_fragment(_component("db-migrate"), prefixes=PREFIXES)["dbMigrate"]


def _pod(doc: dict[str, Any]) -> dict[str, Any]:
    spec = doc["spec"]
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod: dict[str, Any] = spec["template"]["spec"]
    return pod


@pytest.mark.parametrize("name", ["clowder-worker-export", "db-migrate", "nightly-cleanup"])
def test_the_siblings_volumes_mounts_and_init_containers_render_in_place(tmp_path: Path, name: str) -> None:
    """Deployment, hook Job and CronJob alike: init containers and volumes in the pod spec, the mounts
    in the container, as the sibling has them."""
    component = _component(name)
    chart = ChartEnvs(load_manifests(RENDERED))
    found = chart.sibling(_component("clowder-worker-export"))
    assert found is not None
    mount = {"name": "ca", "mountPath": "/etc/pki/ca", "readOnly": True}
    init = found.main.model_copy(
        update={"name": "prepare-ca", "image": "ubi:9", "command": ("sh", "-c", "cp /in/* /out"), "args": ()}
    )
    init = init.model_copy(
        update={"env": init.env[:1], "volume_mounts": ({"name": "ca", "mountPath": "/out"},)}
    )
    volumes = ({"name": "ca", "emptyDir": {}},)
    sibling = found.model_copy(
        update={
            "containers": (found.main.model_copy(update={"volume_mounts": (mount,)}),),
            "init_containers": (init,),
            "volumes": volumes,
        }
    )
    (doc,) = _render(tmp_path, component, values_yaml(component, {}, sibling=sibling, prefixes=PREFIXES))
    pod = _pod(doc)
    assert pod["volumes"] == list(volumes)
    assert _container(doc)["volumeMounts"] == [mount]
    (rendered,) = pod["initContainers"]
    assert (rendered["name"], rendered["image"], rendered["command"]) == (
        "prepare-ca",
        "ubi:9",
        ["sh", "-c", "cp /in/* /out"],
    )
    assert rendered["volumeMounts"] == [{"name": "ca", "mountPath": "/out"}]
    assert [e["name"] for e in rendered["env"]] == [init.env[0].name]


def test_without_mounts_the_pod_has_none(tmp_path: Path) -> None:
    (doc,) = _render(tmp_path, _component("clowder-worker-export"))
    assert not {"volumes", "initContainers"} & set(_pod(doc))
    assert "volumeMounts" not in _container(doc)
