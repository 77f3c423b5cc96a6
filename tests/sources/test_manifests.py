"""Rendered Kubernetes manifests (``helm template`` output) -> ComponentGraph."""

from __future__ import annotations

import io
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from koku_gap import ComponentGraph, InputError, load_manifests
from koku_gap.model.graph import RoleKind

LineFinder = Callable[..., int]  # the `find_line` fixture: (path, text, occurrence=1, after=0)


@pytest.fixture
def rendered(fixtures_dir: Path) -> Path:
    return fixtures_dir / "rendered.yaml"


@pytest.fixture
def graph(rendered: Path) -> ComponentGraph:
    return load_manifests(rendered)


def test_workloads_and_their_kinds(graph: ComponentGraph) -> None:
    assert graph.origin == "manifests"
    assert [(c.name, c.kind) for c in graph.components] == [
        ("shop-api", "Deployment"),
        ("shop-worker-orders", "Deployment"),
        ("shop-beat", "Deployment"),
        ("shop-gateway", "Deployment"),
        ("shop-ui", "Deployment"),
        ("shop-db", "StatefulSet"),
        ("shop-cache", "Deployment"),
        ("shop-log-agent", "DaemonSet"),
        ("shop-migrate", "Job"),
        ("shop-cleanup", "CronJob"),
        ("shop-debug", "Pod"),
    ]
    assert all(c.origin == "manifests" and c.k8s_name == c.name for c in graph.components)
    assert graph.apps == ("shop",)


def test_lines_and_templates(graph: ComponentGraph, rendered: Path, find_line: LineFinder) -> None:
    for comp in graph.components:
        assert comp.source.file == str(rendered)
        # an object starts at its first key, the line after the `# Source:` comment
        source_line = find_line(rendered, f"# Source: {comp.source.template}")
        assert comp.source.line == source_line + 1
        name_line = find_line(rendered, f"  name: {comp.name}", after=comp.source.line)
        assert name_line > comp.source.line
    assert graph.component("shop-api").source.template == "shop/templates/api/deployment.yaml"


def test_resources_are_kept(graph: ComponentGraph) -> None:
    kinds = [(r.kind, r.name) for r in graph.resources]
    assert kinds == [
        ("Service", "shop-api"),
        ("Service", "shop-gateway"),
        ("Route", "shop"),
        ("Service", "shop-ui"),
        ("Ingress", "shop-ui"),
        ("ConfigMap", "shop-ui-nginx"),
        ("ConfigMap", "shop-alert-templates"),
        ("ConfigMap", "shop-envoy"),
        ("HorizontalPodAutoscaler", "shop-api"),
        ("ConfigMap", "shop-extra-settings"),
        ("Secret", "shop-extra-secret"),
        ("ServiceAccount", "shop-sa"),
    ]
    service = graph.resources[0]
    assert service.data["selector"] == {
        "app.kubernetes.io/name": "shop",
        "app.kubernetes.io/component": "api",
    }
    assert graph.resources_of("ConfigMap")[0].data == {"keys": ["nginx.conf"]}
    assert graph.resources_of("Secret")[0].data == {"keys": ["token"]}  # names for envFrom, never values


def test_kind_list_is_unpacked(graph: ComponentGraph, rendered: Path, find_line: LineFinder) -> None:
    settings, secret = graph.resources_of("ConfigMap")[-1], graph.resources_of("Secret")[0]
    assert settings.name == "shop-extra-settings"
    assert settings.source.template == secret.source.template == "shop/templates/extra/list.yaml"
    # each item starts at its `- apiVersion:` line, three lines above its name
    assert settings.source.line == find_line(rendered, "name: shop-extra-settings") - 3
    assert secret.source.line == find_line(rendered, "name: shop-extra-secret") - 3


def test_document_without_source_comment(graph: ComponentGraph) -> None:
    [account] = graph.resources_of("ServiceAccount")
    assert account.source.template is None
    assert account.app == "shop"  # no template path: the instance label names the release


def test_helm_hooks(graph: ComponentGraph) -> None:
    migrate = graph.component("shop-migrate").hook
    assert migrate is not None
    assert migrate.phases == ("pre-install", "pre-upgrade")
    assert migrate.weight == -5
    assert migrate.delete_policy == ("before-hook-creation", "hook-succeeded")
    database = graph.component("shop-db").hook
    assert database is not None and database.weight == -10 and database.delete_policy == ()
    assert graph.component("shop-api").hook is None


def test_services_routes_ingresses_and_hpa(graph: ComponentGraph) -> None:
    api = graph.component("shop-api")
    assert (api.web.private, api.web.public) == (True, False)
    gateway = graph.component("shop-gateway")
    assert (gateway.web.private, gateway.web.public) == (True, True)  # Route -> Service
    ui = graph.component("shop-ui")
    assert (ui.web.private, ui.web.public) == (True, True)  # Ingress -> Service
    assert not graph.component("shop-worker-orders").web.private
    scaling = api.scaling
    assert (scaling.replicas, scaling.min_replicas, scaling.max_replicas, scaling.autoscaler) == (
        2,
        2,
        6,
        "hpa",
    )
    assert graph.component("shop-worker-orders").scaling.replicas == 0
    assert graph.component("shop-beat").scaling.replicas is None


def test_roles(graph: ComponentGraph) -> None:
    kinds = {c.name: c.role.kind for c in graph.components}
    assert kinds == {
        "shop-api": RoleKind.WEB_API,
        "shop-worker-orders": RoleKind.CELERY_WORKER,
        "shop-beat": RoleKind.CELERY_BEAT,
        "shop-gateway": RoleKind.REVERSE_PROXY,
        "shop-ui": RoleKind.STATIC_WEB,
        "shop-db": RoleKind.DATABASE,
        "shop-cache": RoleKind.CACHE,
        "shop-log-agent": RoleKind.UNKNOWN,
        "shop-migrate": RoleKind.MIGRATION,
        "shop-cleanup": RoleKind.SUBCOMMAND,
        "shop-debug": RoleKind.UNKNOWN,
    }
    # the later of two WORKER_QUEUES entries wins, as in Kubernetes
    assert graph.component("shop-worker-orders").queues == ("orders", "orders_xl", "orders_penalty")
    assert graph.component("shop-migrate").role.command == "migrate"  # call_command in a heredoc
    assert graph.component("shop-cleanup").schedule == "0 0 */15 * *"


def test_nginx_ui_is_not_the_proxy(graph: ComponentGraph) -> None:
    ui = graph.component("shop-ui")
    # the app container carries the pod's role; the oauth proxy in front of it says less
    assert [c.name for c in ui.containers] == ["app", "oauth-proxy"]
    assert ui.main.role.kind is RoleKind.STATIC_WEB
    assert ui.containers[1].role.kind is RoleKind.REVERSE_PROXY
    gateway = graph.component("shop-gateway")
    assert gateway.main.role.command == "envoy"


def test_containers_and_init_containers(graph: ComponentGraph, rendered: Path, find_line: LineFinder) -> None:
    api = graph.component("shop-api")
    [init] = api.init_containers
    assert init.name == "run-migrations"
    assert init.role.kind is RoleKind.MIGRATION
    assert init.line == find_line(rendered, "- name: run-migrations")
    assert api.main.ports == ({"name": "http", "containerPort": 8000},)
    assert api.main.resources == {"requests": {"cpu": "250m", "memory": "512Mi"}}
    assert api.main.env_map() == {"API_PATH_PREFIX": "/api/shop"}
    assert api.volumes == ()  # `volumes:` rendered empty
    assert graph.component("shop-worker-orders").init_containers == ()  # `initContainers:` rendered empty
    assert api.labels["app.kubernetes.io/component"] == "api"


def test_duplicate_keys_are_warnings(graph: ComponentGraph, rendered: Path, find_line: LineFinder) -> None:
    [warning] = graph.warnings
    assert warning.code == "duplicate-key"
    assert warning.line == find_line(rendered, "app.kubernetes.io/component: worker-orders")
    assert graph.component("shop-worker-orders").labels["app.kubernetes.io/component"] == "worker-orders"


def test_templates_in_block_scalars_are_content(graph: ComponentGraph) -> None:
    names = [r.name for r in graph.resources_of("ConfigMap")]
    assert "shop-alert-templates" in names


def test_directory_and_several_paths(tmp_path: Path, rendered: Path) -> None:
    (tmp_path / "sub").mkdir()
    shutil.copy(rendered, tmp_path / "sub" / "b.yml")
    (tmp_path / "a.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
    )
    (tmp_path / "notes.txt").write_text("not yaml")
    graph = load_manifests(tmp_path)
    assert graph.files == (str(tmp_path / "a.yaml"), str(tmp_path / "sub" / "b.yml"))
    assert graph.components[0].name == "p"
    assert len(graph.components) == 12
    both = load_manifests(tmp_path / "a.yaml", rendered)
    assert len(both.components) == 12


def test_stdin(monkeypatch: pytest.MonkeyPatch, rendered: Path) -> None:
    data = rendered.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    graph = load_manifests("-")
    assert graph.files == ("<stdin>",)
    assert graph.components[0].source.file == "<stdin>"
    assert len(graph.components) == 11


# --- errors ------------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rendered.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("kind: ConfigMap\n---\n- a\n- b\n", "must be a mapping", 3),
        ("kind: ConfigMap\n---\njust text\n", "must be a mapping", 3),
        ("metadata: {name: x}\n", "has no 'kind'", 1),
        ("kind: Deployment\nmetadata: {name: d}\n", "Deployment d: Deployment has no spec", 1),
        ("kind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 1\n", "has no template.spec", 4),
        ("kind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: x\n", "has no jobTemplate.spec", 4),
        (
            "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: []\n",
            "Deployment d has no containers",
            6,
        ),
        (
            "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - just-a-string\n",
            "container #1 is not a mapping",
            4,
        ),
        ("kind: Service\nmetadata:\n  name: {{ .Release.Name }}\n", "unrendered Helm template", 3),
        (
            "kind: ConfigMap\ndata:\n  t: |\n    {{ .Values.x }}\nbroken: [\n",
            "YAML syntax error",  # a real syntax error, not the template text inside the block scalar
            6,
        ),
    ],
)
def test_input_errors(tmp_path: Path, text: str, message: str, line: int) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError, match=message) as info:
        load_manifests(path)
    error = info.value
    assert error.file == str(path)
    assert error.line == line
    assert "\n" not in str(error)


def test_error_fixtures(fixtures_dir: Path, find_line: LineFinder) -> None:
    not_mapping = fixtures_dir / "errors" / "not-mapping-manifest.yaml"
    with pytest.raises(InputError, match="must be a mapping") as info:
        load_manifests(not_mapping)
    assert info.value.line == find_line(not_mapping, "- apiVersion: v1")

    unrendered = fixtures_dir / "errors" / "unrendered-chart.yaml"
    with pytest.raises(InputError, match="unrendered Helm template") as info:
        load_manifests(unrendered)
    assert info.value.file == str(unrendered)
    assert info.value.line == find_line(unrendered, "{{ include")
    assert "\n" not in str(info.value)


def test_no_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no manifests given"):
        load_manifests()
    with pytest.raises(InputError, match=r"no \.yaml or \.yml files"):
        load_manifests(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        load_manifests(tmp_path / "missing.yaml")
