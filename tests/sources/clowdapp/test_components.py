"""ClowdApp templates -> ComponentGraph, with Clowder's own semantics."""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap import ComponentGraph, InputError, load_clowdapp
from koku_gap.model.graph import RoleKind
from tests.helpers.files import LineFinder


@pytest.fixture
def template(fixtures_dir: Path) -> Path:
    return fixtures_dir / "template.yaml"


@pytest.fixture
def graph(template: Path) -> ComponentGraph:
    return load_clowdapp(template)


def test_one_component_per_deployment_and_job(graph: ComponentGraph) -> None:
    assert graph.origin == "clowdapp"
    assert graph.apps == ("shop",)
    assert [(c.name, c.kind) for c in graph.components] == [
        ("api", "Deployment"),
        ("worker-orders", "Deployment"),
        ("scheduler", "Deployment"),
        ("listener", "Deployment"),
        ("gateway", "Deployment"),
        ("nightly-report", "CronJob"),
        ("migrate-01", "Job"),
    ]
    assert all(c.origin == "clowdapp" and c.app == "shop" for c in graph.components)
    assert graph.component("api").k8s_name == "shop-api"
    assert graph.component("migrate-01").k8s_name == "shop-migrate-01"
    assert graph.component("api").id == "shop/api"


def test_component_source_is_the_line_of_its_name(
    graph: ComponentGraph, template: Path, find_line: LineFinder
) -> None:
    written = {c.name: f"- name: {c.name}" for c in graph.components}
    written["migrate-01"] = "- name: migrate-${MIGRATE_INVOCATION}"  # the name holds a parameter
    for comp in graph.components:
        assert comp.source.file == str(template)
        assert comp.source.line == find_line(template, written[comp.name])


def test_roles(graph: ComponentGraph) -> None:
    kinds = {c.name: c.role.kind for c in graph.components}
    assert kinds == {
        "api": RoleKind.WEB_API,
        "worker-orders": RoleKind.CELERY_WORKER,
        "scheduler": RoleKind.CELERY_BEAT,
        "listener": RoleKind.KAFKA_CONSUMER,
        "gateway": RoleKind.REVERSE_PROXY,
        "nightly-report": RoleKind.SUBCOMMAND,
        "migrate-01": RoleKind.MIGRATION,
    }
    # WORKER_QUEUES=${WORKER_ORDERS_QUEUE}: env, then the parameter
    assert graph.component("worker-orders").queues == ("orders",)
    assert graph.component("scheduler").queues == ()
    assert graph.component("gateway").role.image_family == "nginx-124"
    assert graph.component("nightly-report").role.command == "shopctl report nightly"


def test_web_services(graph: ComponentGraph) -> None:
    api = graph.component("api").web
    assert (api.public, api.private, api.metrics, api.api_path) == (True, False, True, "shop")
    assert graph.component("gateway").web.public
    assert not graph.component("worker-orders").web.public


def test_scaling(graph: ComponentGraph) -> None:
    assert graph.component("api").scaling.replicas == 3
    assert graph.component("scheduler").scaling.replicas == 1
    keda = graph.component("worker-orders").scaling
    assert (keda.autoscaler, keda.min_replicas, keda.max_replicas, keda.replicas) == ("keda", 1, 10, None)
    simple = graph.component("listener").scaling
    assert (simple.autoscaler, simple.min_replicas, simple.max_replicas) == ("simple", 1, 4)


def test_init_container_without_name_inherits_env(
    graph: ComponentGraph, template: Path, find_line: LineFinder
) -> None:
    api = graph.component("api")
    [init] = api.init_containers
    assert init.name == "api-init"  # Clowder: <deployment>-init when unnamed
    assert init.image == api.main.image  # the main image when the init container names none
    assert init.inherit_env
    assert init.role.kind is RoleKind.MIGRATION
    env = init.env_map()
    assert env["APP_ROOT"] == "/opt/app-root/src"
    assert env["LOG_LEVEL"] == "WARNING"  # its own value wins over the inherited one
    assert init.line == find_line(template, "- inheritEnv: true")
    assert api.all_containers() == (init, api.main)


def test_env_resources_probes_volumes(graph: ComponentGraph, template: Path, find_line: LineFinder) -> None:
    api = graph.component("api")
    env = {e.name: e for e in api.env}
    assert env["APP_ROOT"].value == "/opt/app-root/src"
    assert env["LOG_LEVEL"].value == "DEBUG"
    assert env["DB_PASSWORD"].value is None
    assert env["DB_PASSWORD"].value_from == {"secretKeyRef": {"name": "shop-db", "key": "password"}}
    assert env["APP_ROOT"].line == find_line(template, "- name: APP_ROOT")
    assert api.main.resources == {"limits": {"cpu": "500m", "memory": "1Gi"}}
    assert api.main.liveness_probe == {"httpGet": {"path": "/api/shop/v1/status/", "port": "web"}}
    assert api.main.readiness_probe is None
    gateway = graph.component("gateway")
    assert gateway.volumes == ({"name": "nginx-conf", "configMap": {"name": "shop-nginx-conf"}},)
    assert gateway.main.volume_mounts == ({"name": "nginx-conf", "mountPath": "/etc/nginx"},)


def test_sidecars_only_when_enabled(graph: ComponentGraph) -> None:
    assert graph.component("gateway").sidecars == ("token-refresher",)
    assert graph.component("api").sidecars == ()


def test_jobs_and_invocations(graph: ComponentGraph) -> None:
    cron = graph.component("nightly-report")
    assert cron.schedule == "0 3 * * *"
    assert cron.invoked_by == ()
    job = graph.component("migrate-01")
    assert job.schedule is None
    assert job.invoked_by == ("shop-migrate-01",)


def test_app_resources(graph: ComponentGraph, template: Path, find_line: LineFinder) -> None:
    def line(needle: str) -> int:
        return find_line(template, needle)

    found = {(r.kind, r.name): r for r in graph.resources}
    assert found[("kafka-topic", "platform.shop.orders")].source.line == line(
        "- topicName: platform.shop.orders"
    )
    assert found[("kafka-topic", "platform.shop.orders")].data == {
        "topicName": "platform.shop.orders",
        "partitions": 3,
    }
    assert found[("kafka-topic", "platform.shop.events")].source.line == line(
        "- topicName: platform.shop.events"
    )
    assert found[("database", "shop")].source.line == line("database:")
    assert found[("database", "shop")].data == {"name": "shop", "version": 16}
    assert found[("in-memory-db", "shop")].source.line == line("inMemoryDb:")
    assert found[("feature-flags", "shop")].source.line == line("featureFlags:")
    # objectStore: ${{BUCKETS}} -> a JSON list, each bucket on the line of the parameter reference
    assert found[("object-store", "shop-uploads")].source.line == line("objectStore:")
    assert found[("object-store", "shop-exports")].source.line == line("objectStore:")
    assert found[("dependency", "rbac")].source.line == line("- rbac")
    assert found[("dependency", "ingress")].source.line == line("- ingress")
    assert found[("optional-dependency", "notifications")].source.line == line("- notifications")
    assert found[("cyndi", "shop-hosts")].source.line == line("cyndi:")
    assert (
        found[("ClowdJobInvocation", "shop-migrate-01")].source.line == line("kind: ClowdJobInvocation") - 1
    )
    assert found[("ConfigMap", "shop-nginx-conf")].app == "shop"
    assert graph.resources_of("dependency") == (
        found[("dependency", "rbac")],
        found[("dependency", "ingress")],
    )


def test_disabled_or_absent_cyndi_is_no_resource(tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    path.write_text(
        "kind: ClowdApp\nmetadata: {name: a}\nspec:\n  cyndi: {}\n  deployments:\n  - name: d\n"
        "    podSpec: {image: x}\n"
    )
    assert load_clowdapp(path).resources_of("cyndi") == ()


def test_bare_clowdapp(fixtures_dir: Path, find_line: LineFinder) -> None:
    path = fixtures_dir / "bare-clowdapp.yaml"
    graph = load_clowdapp(path)
    assert graph.apps == ("hello",)
    web = graph.component("web")
    assert web.k8s_name == "hello-web"
    assert web.web.public  # the legacy `web: true`
    assert web.scaling.replicas == 2  # minReplicas
    assert web.role.kind is RoleKind.WEB_API  # image entrypoint behind a web service
    assert web.main.env_map()["GREETING"] == "${GREETING}"
    assert graph.parameters == {}
    assert [(w.code, w.line) for w in graph.warnings] == [
        ("unknown-parameter", find_line(path, "${GREETING}"))
    ]


def test_bare_clowdapp_refuses_params(fixtures_dir: Path) -> None:
    with pytest.raises(InputError, match="not a Template"):
        load_clowdapp(fixtures_dir / "bare-clowdapp.yaml", params={"GREETING": "hi"})


def test_two_clowdapps_in_one_template(fixtures_dir: Path) -> None:
    path = fixtures_dir / "two-clowdapps.yaml"
    graph = load_clowdapp(path)
    assert graph.apps == ("tally", "tally-cleanup")
    assert [c.id for c in graph.components] == [
        "tally/service",
        "tally-cleanup/purge",
        "tally-cleanup/vacuum",
    ]
    assert graph.component("purge").k8s_name == "tally-cleanup-purge"
    assert graph.component("purge").kind == "Job"
    assert graph.component("purge").invoked_by == ("tally-purge-7",)
    assert graph.component("vacuum").kind == "CronJob"
    assert graph.component("vacuum").invoked_by == ()
    assert graph.component("service").web.private
    assert graph.component("service").scaling.replicas == 2
    databases = graph.resources_of("database")
    assert [(r.app, r.name) for r in databases] == [("tally", "tally"), ("tally-cleanup", "tally")]
    assert graph.component("purge", app="tally-cleanup").name == "purge"
    with pytest.raises(KeyError):
        graph.component("purge", app="tally")


def test_multi_document_stream_with_other_kinds(tmp_path: Path) -> None:
    path = tmp_path / "kuttl.yaml"
    path.write_text(
        "---\napiVersion: cloud.redhat.com/v1alpha1\nkind: ClowdEnvironment\nmetadata: {name: env}\n"
        "---\napiVersion: cloud.redhat.com/v1alpha1\nkind: ClowdApp\nmetadata: {name: app}\nspec:\n"
        "  envName: env\n  deployments:\n  - name: d\n    podSpec: {image: 'quay.io/x/y:1'}\n"
        "---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
    )
    graph = load_clowdapp(path)
    assert [c.name for c in graph.components] == ["d"]
    assert [(r.kind, r.name) for r in graph.resources] == [("ClowdEnvironment", "env"), ("Secret", "s")]


def test_legacy_pods_key(tmp_path: Path) -> None:
    path = tmp_path / "legacy.yaml"
    path.write_text("kind: ClowdApp\nmetadata: {name: a}\nspec:\n  pods:\n  - name: p\n    web: true\n")
    comp = load_clowdapp(path).component("p")
    assert comp.kind == "Deployment"
    assert comp.web.public


def test_duplicate_yaml_keys_become_warnings(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(
        "kind: ClowdApp\nmetadata: {name: a}\nspec:\n  deployments:\n  - name: d\n    podSpec:\n"
        "      image: x\n      image: y\n"
    )
    graph = load_clowdapp(path)
    assert graph.component("d").main.image == "y"
    assert [(w.code, w.line) for w in graph.warnings] == [("duplicate-key", 8)]


# --- errors ------------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "input.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("kind: Template\nobjects:\n  - [unclosed\n", "YAML syntax error", 4),
        ("- just\n- a list\n", "expected a mapping", 1),
        ("plain scalar\n", "expected a mapping", 1),
        ("metadata: {name: x}\n", "no 'kind'", 1),
        ("kind: Template\nobjects:\n- kind: ConfigMap\n  metadata: {name: c}\n", "no ClowdApp found", 2),
        ("kind: Deployment\nmetadata: {name: d}\n", "no ClowdApp found", 1),
        ("", "no ClowdApp found", None),
        ("kind: Template\nobjects: {kind: ClowdApp}\n", "'objects' must be a list", 2),
        ("kind: Template\nobjects: []\n---\nkind: Template\n", "more than one Template", 4),
        ("kind: ClowdApp\nspec: {}\n", "no metadata.name", 1),
        ("kind: ClowdApp\nmetadata: {name: a}\nspec: [1]\n", "'spec' must be a mapping", 3),
        (
            "kind: ClowdApp\nmetadata: {name: a}\nspec:\n  deployments: {a: 1}\n",
            "'deployments' must be a list",
            4,
        ),
        ("kind: ClowdApp\nmetadata: {name: a}\nspec:\n  jobs: 3\n", "'jobs' must be a list", 4),
        ("kind: ClowdApp\nmetadata: {name: a}\nspec:\n  deployments:\n  - podSpec: {}\n", "has no 'name'", 5),
        ("kind: ClowdApp\nmetadata: {name: a}\nspec:\n  deployments:\n  - x\n", "must be a mapping", 5),
        (
            "kind: ClowdApp\nmetadata: {name: a}\nspec:\n  deployments:\n  - name: d\n    podSpec: [1]\n",
            "'podSpec' must be a mapping",
            6,
        ),
    ],
)
def test_input_errors(tmp_path: Path, text: str, message: str, line: int | None) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError, match=message) as info:
        load_clowdapp(path)
    error = info.value
    assert error.file == str(path)
    assert error.line == line
    assert "\n" not in str(error)
    assert str(error).startswith(str(path))


def test_duplicate_workload_names_are_kept_and_warned(tmp_path: Path) -> None:
    # A real public ClowdApp has a CronJob and a CJI Job with the same name: both are analysed.
    text = (
        "kind: ClowdApp\nmetadata: {name: a}\nspec:\n  jobs:\n  - name: d\n    schedule: '0 1 * * *'\n"
        "  - name: d\n"
    )
    graph = load_clowdapp(write(tmp_path, text))
    assert [c.name for c in graph.components] == ["d", "d#2"]
    assert [c.kind for c in graph.components] == ["CronJob", "Job"]
    (warning,) = [w for w in graph.warnings if w.code == "duplicate-workload"]
    assert warning.line == 7
    assert "first at line 5" in warning.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_clowdapp(tmp_path / "nope.yaml")


def test_error_fixtures(fixtures_dir: Path) -> None:
    errors = fixtures_dir / "errors"
    cases = {
        "malformed.yaml": "YAML syntax error",
        "not-a-mapping.yaml": "expected a mapping",
        "no-clowdapp.yaml": "no ClowdApp found",
    }
    for name, message in cases.items():
        path = errors / name
        with pytest.raises(InputError, match=message) as info:
            load_clowdapp(path)
        assert info.value.file == str(path)
        assert info.value.line is not None
        assert "\n" not in str(info.value)
