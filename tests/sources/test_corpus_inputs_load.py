"""The loaders on the real corpus in ``../shared/corpus`` (skipped when it is not there)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from koku_gap import ComponentGraph, InputError, load_clowdapp, load_manifests
from koku_gap.model.graph import RoleKind


@cache
def koku_graph(path: Path) -> ComponentGraph:
    """Each koku template is read once for all the tests below (graphs are frozen)."""
    return load_clowdapp(path)


def koku_templates(corpus: Path) -> list[Path]:
    files = sorted((corpus / "koku").glob("*.yaml"))
    assert files, "no koku templates in the corpus"
    return files


def test_every_koku_template_gives_30_deployments_and_2_jobs(corpus: Path) -> None:
    for path in koku_templates(corpus):
        graph = koku_graph(path)
        deployments = [c for c in graph.components if c.kind == "Deployment"]
        jobs = [c for c in graph.components if c.kind in ("Job", "CronJob")]
        assert (len(deployments), len(jobs)) == (30, 2), path.name
        assert graph.apps == ("koku",), path.name
        assert all(j.kind == "Job" and j.invoked_by for j in jobs), path.name  # run by ClowdJobInvocations


def test_ocp_xl_worker_queues(corpus: Path) -> None:
    for path in koku_templates(corpus):
        worker = koku_graph(path).component("clowder-worker-ocp-xl")
        assert worker.role.kind is RoleKind.CELERY_WORKER, path.name
        assert worker.queues == ("ocp_xl",), path.name


def test_scheduler_is_celery_beat(corpus: Path) -> None:
    for path in koku_templates(corpus):
        assert koku_graph(path).component("clowder-scheduler").role.kind is RoleKind.CELERY_BEAT, path.name


def test_listener_carries_its_real_line(corpus: Path) -> None:
    for path in koku_templates(corpus):
        lines = path.read_text(encoding="utf-8").splitlines()
        expected = [
            n
            for n, line in enumerate(lines, 1)
            if line.strip() in ("- name: clowder-listener", "name: clowder-listener")
        ]
        assert expected, path.name
        listener = koku_graph(path).component("clowder-listener")
        assert listener.source.file == str(path)
        assert listener.source.line in expected, path.name
        # the line names the deployment, not an env entry or a label of the same text
        assert "clowder-listener" in lines[listener.source.line - 1]
        assert listener.role.kind is RoleKind.KAFKA_CONSUMER


@pytest.mark.parametrize("name", ["chart"])
def test_every_rendered_chart_loads(corpus: Path, name: str) -> None:
    files = sorted((corpus / name).glob("*.yaml"))
    assert files
    for path in files:
        graph = load_manifests(path)
        assert graph.components, path.name
        assert all(c.source.template for c in graph.components), path.name


def test_ros_and_kruize_templates_load(corpus: Path) -> None:
    files = sorted((corpus / "ros").glob("*.yaml"))
    assert len(files) == 2
    for path in files:
        graph = load_clowdapp(path)
        assert graph.components, path.name
    kruize = load_clowdapp(next(p for p in files if p.name.startswith("kruize")))
    assert kruize.apps == ("kruize",)
    assert kruize.component("recommendations").k8s_name == "kruize-recommendations"
    assert {c.kind for c in kruize.components if c.name != "recommendations"} == {"CronJob"}
    assert kruize.component("create-kruize-partitions").invoked_by  # scheduled and also run on demand
    ros = load_clowdapp(next(p for p in files if p.name.startswith("ros-ocp")))
    api = ros.component("api")
    assert api.role.also == ("migration",)
    assert api.web.public and api.web.api_path == "cost-management"
    assert any(w.code == "required-parameter" and "IMAGE_TAG" in w.message for w in ros.warnings)


def test_wild_files_load_or_raise_input_error(corpus: Path) -> None:
    files = sorted((corpus / "wild").glob("*.yaml"))
    assert files
    failures: list[str] = []
    for path in files:
        try:
            load_clowdapp(path)
        except InputError as exc:  # anything else is a bug and fails the test
            assert "\n" not in str(exc)
            assert exc.file == str(path)
            failures.append(str(exc))
    print("\nwild files refused with InputError:\n" + "\n".join(failures or ["(none)"]))
    assert len(failures) < len(files) // 10  # the loaders cope with what real ClowdApps contain


def test_wild_anchors_and_duplicate_keys(corpus: Path) -> None:
    """Real files use anchors (within the alias budget) and repeat keys (warnings, not errors)."""
    wild = corpus / "wild"
    inventory = load_clowdapp(wild / "RedHatInsights__insights-host-inventory__deploy_clowdapp.yaml")
    assert len(inventory.components) == 27  # 28 anchors, 75 aliases: all expanded
    for name, key in (
        ("RedHatInsights__entitlements-api-go__deployment_clowdapp.yaml", "volumes"),
        ("RedHatInsights__insights-results-aggregator-cleaner__deploy_clowdapp.yaml", "resources"),
    ):
        graph = load_clowdapp(wild / name)
        [warning] = [w for w in graph.warnings if w.code == "duplicate-key"]
        assert f"duplicate key '{key}' (first at line" in warning.message
    with pytest.raises(InputError, match="'objects' must be a list") as info:
        load_clowdapp(wild / "RedHatInsights__insights-runtimes-inventory__deploy_clowdapp.yaml")
    assert info.value.line == 5
