"""Rendered Kubernetes manifests (``helm template`` output) -> ComponentGraph; and what ``--manifests``
refuses or warns about."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest

import koku_gap
from koku_gap import ComponentGraph, InputError, load_manifests
from koku_gap.cli import main
from koku_gap.model.graph import RoleKind, SourceRef
from koku_gap.sources.manifests import manifests_from_text, require_workloads
from koku_gap.sources.routes import GATEWAY_KEY
from tests.helpers.files import LineFinder


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
    nginx = graph.resources_of("ConfigMap")[0].data
    assert nginx["keys"] == ["nginx.conf"]  # and the one location of its nginx config that proxies
    assert [(r["written"], r["service"]) for r in nginx[GATEWAY_KEY]] == [("location /api/", "shop-gateway")]
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


# === inputs --manifests refuses or warns about ==============================================================
# What ``--manifests`` refuses or warns about: the other side's files, no workloads, repeated objects.


SWAP = "is not rendered chart output: did you swap the ClowdApp and the manifests?"


# --- a ClowdApp or a Template on --manifests ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "needle", "message"),
    [
        ("template.yaml", "apiVersion: template.openshift.io", f"a Template {SWAP}"),
        ("bare-clowdapp.yaml", "apiVersion: cloud.redhat.com", f"a ClowdApp {SWAP}"),
    ],
)
def test_clowder_inputs_are_refused(
    fixtures_dir: Path, find_line: LineFinder, name: str, needle: str, message: str
) -> None:
    path = fixtures_dir / name
    with pytest.raises(InputError) as info:
        load_manifests(path)
    assert (info.value.file, info.value.message) == (str(path), message)
    assert info.value.line == find_line(path, needle)  # an object's line is its first key's


def test_a_clowdapp_among_rendered_objects_or_in_a_list(tmp_path: Path, rendered: Path) -> None:
    path = tmp_path / "mixed.yaml"
    path.write_text(
        "kind: List\nitems:\n- kind: ConfigMap\n  metadata: {name: c}\n"
        "- kind: ClowdApp\n  metadata: {name: a}\n"
    )
    with pytest.raises(InputError, match=f"a ClowdApp {SWAP}") as info:
        load_manifests(rendered, path)  # after a good file: every file is checked
    assert (info.value.file, info.value.line) == (str(path), 5)


def test_a_list_item_without_kind_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("kind: List\nitems:\n- metadata: {name: x}\n")
    with pytest.raises(InputError, match="a manifest document has no 'kind'") as info:
        load_manifests(path)
    assert info.value.line == 3


def test_a_chart_rendering_a_clowdapp_gets_its_own_hint() -> None:
    with pytest.raises(InputError) as info:
        manifests_from_text("kind: ClowdApp\nmetadata: {name: a}\n", "./chart")
    assert info.value.message == (
        "a ClowdApp is not rendered chart output: the chart renders Clowder's input; "
        "pass the ClowdApp with clowdapps=..."
    )


def test_cli_swapped_inputs_exit_2_with_one_line(
    fixtures_dir: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    template = fixtures_dir / "template.yaml"
    code = main(["--clowdapp", str(template), "--manifests", str(template)])
    out, err = capfd.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"{template}:" in err and "did you swap" in err


def test_corpus_koku_template_on_manifests(corpus: Path) -> None:
    """The review's case: 0 chart workloads and 22 P0 gaps, exit 1; now a clear input error."""
    path = corpus / "koku" / "clowdapp-2026-08-14-f6cc00b31.yaml"
    with pytest.raises(InputError, match=f"a Template {SWAP}") as info:
        load_manifests(path)
    assert info.value.file == str(path) and info.value.line is not None


# --- no workload at all ----------------------------------------------------------------------------


def test_no_workloads_is_an_input_error(fixtures_dir: Path) -> None:
    path = fixtures_dir / "review_configmaps-only.yaml"
    with pytest.raises(InputError) as info:
        load_manifests(path)
    assert (info.value.file, info.value.line) == (str(path), None)
    assert info.value.message == (
        "no workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob, ...) in the manifests "
        "(only ConfigMap, Service): nothing to compare the ClowdApp with"
    )


def test_workloads_in_any_file_are_enough(fixtures_dir: Path, rendered: Path) -> None:
    graph = load_manifests(fixtures_dir / "review_configmaps-only.yaml", rendered)
    assert len(graph.components) == 11


def test_require_workloads_for_a_rendered_chart() -> None:
    """What ``--chart`` can call on its merged graph: the same error, its own wording of the place."""
    empty = ComponentGraph(origin="manifests", files=("./chart",))
    with pytest.raises(InputError, match=r"in the rendered chart: nothing to compare") as info:
        require_workloads(empty, "./chart", "the rendered chart")
    assert info.value.file == "./chart"
    many = manifests_from_text(
        "".join(f"---\nkind: K{i}\nmetadata: {{name: x}}\n" for i in range(8)), "./chart"
    )
    with pytest.raises(InputError, match=r"\(only K0, K1, K2, K3, K4, K5, \.\.\.\)"):
        require_workloads(many, "./chart")


def test_cli_no_workloads_exit_2(fixtures_dir: Path, capfd: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "--clowdapp",
            str(fixtures_dir / "template.yaml"),
            "--manifests",
            str(fixtures_dir / "review_configmaps-only.yaml"),
        ]
    )
    _, err = capfd.readouterr()
    assert code == 2 and err.count("\n") == 1 and "no workloads" in err


# --- the same object twice --------------------------------------------------------------------------


def test_the_same_file_twice_is_read_once(rendered: Path) -> None:
    once = load_manifests(rendered)
    twice = load_manifests(rendered, rendered)
    assert twice.components == once.components
    assert twice.resources == once.resources
    duplicates = [w for w in twice.warnings if w.code == "duplicate-object"]
    named = [*once.components, *(r for r in once.resources if r.name)]
    assert len(duplicates) == len(named)
    [api] = [w for w in duplicates if w.message.startswith("Deployment shop-api ")]
    line = once.component("shop-api").source.line
    assert (api.file, api.line) == (str(rendered), line)
    assert api.message == (
        f"Deployment shop-api again at {rendered}:{line}, first at {rendered}:{line}; "
        "the first is kept and this one dropped"
    )


def test_duplicates_within_one_file(fixtures_dir: Path, find_line: LineFinder) -> None:
    path = fixtures_dir / "review_duplicate-objects.yaml"
    graph = load_manifests(path)
    # the namespaced Deployment and the Service of the same name are other objects; generateName
    # objects have no name to compare
    assert [(c.kind, c.name) for c in graph.components] == [
        ("Deployment", "api"),
        ("Deployment", "api"),
        ("Pod", ""),
        ("Pod", ""),
    ]
    assert graph.components[0].main.image == "quay.io/example/shop:1.0"  # the first, not other:2.0
    assert [(r.kind, r.name) for r in graph.resources] == [("ConfigMap", "conf"), ("Service", "api")]
    assert graph.resources[0].data == {"keys": ["first"]}
    first_api = find_line(path, "apiVersion: apps/v1")
    second_api = find_line(path, "apiVersion: apps/v1", occurrence=3)
    first_conf = find_line(path, "apiVersion: v1")
    second_conf = find_line(path, "apiVersion: v1", occurrence=5)
    assert [(w.code, w.line, w.message) for w in graph.warnings] == [
        (
            "duplicate-object",
            second_api,
            f"Deployment api again at {path}:{second_api}, first at {path}:{first_api}; "
            "the first is kept and this one dropped",
        ),
        (
            "duplicate-object",
            second_conf,
            f"ConfigMap conf again at {path}:{second_conf}, first at {path}:{first_conf}; "
            "the first is kept and this one dropped",
        ),
    ]


def test_the_namespace_is_part_of_the_name(tmp_path: Path) -> None:
    pod = "kind: Pod\nmetadata: {{name: p{ns}}}\nspec:\n  containers: [{{name: c, image: x}}]\n"
    (tmp_path / "a.yaml").write_text(pod.format(ns=", namespace: one"))
    (tmp_path / "b.yaml").write_text(pod.format(ns=", namespace: one") + "---\n" + pod.format(ns=""))
    graph = load_manifests(tmp_path / "a.yaml", tmp_path / "b.yaml")
    assert len(graph.components) == 2
    [warning] = graph.warnings
    assert (warning.file, warning.line) == (str(tmp_path / "b.yaml"), 1)
    assert warning.message.startswith(f"Pod p in namespace one again at {tmp_path / 'b.yaml'}:1, first at ")


def test_cli_twice_the_same_manifests_reports_each_workload_once(fixtures_dir: Path, rendered: Path) -> None:
    template = fixtures_dir / "template.yaml"
    once = koku_gap.analyze(clowdapps=[template], manifests=[rendered])
    twice = koku_gap.analyze(clowdapps=[template], manifests=[rendered, rendered])
    assert twice.summary.chart_workloads == once.summary.chart_workloads == 11
    assert [r.id for r in twice.rows] == [r.id for r in once.rows]
    assert [w.code for w in twice.warnings if w.code in ("duplicate-input", "duplicate-object")] == [
        "duplicate-input"
    ]


def test_docs_explain_the_new_messages() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "errors.md").read_text(encoding="utf-8")
    for words in (
        f"`a Template {SWAP}`",
        "the chart renders Clowder's input; pass the ClowdApp with --clowdapp",
        "`no workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob, ...) in the manifests",
        "| `duplicate-object` |",
    ):
        assert words in doc, words


def test_charts_can_share_what_they_have_seen() -> None:
    """``--chart`` reads each chart alone; a shared ``seen`` finds an object two charts both render."""
    text = "kind: ConfigMap\nmetadata: {name: shared}\n"
    seen: dict[tuple[str, str, str], SourceRef] = {}
    assert manifests_from_text(text, "./a", seen=seen).warnings == ()
    [warning] = manifests_from_text(text, "./b", seen=seen).warnings
    assert (warning.code, warning.file) == ("duplicate-object", "./b")
    assert "first at ./a:1" in warning.message
    assert manifests_from_text(text, "./b").warnings == ()  # alone, as load_charts reads them today


def test_many_duplicates_are_summed_up(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text("".join(f"---\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n" for i in range(150)))
    (tmp_path / "w.yaml").write_text("kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c}]\n")
    graph = load_manifests(tmp_path / "w.yaml", path, path)
    assert len(graph.resources) == 150
    warnings = [w for w in graph.warnings if w.code == "duplicate-object"]
    assert len(warnings) == 101
    assert warnings[-1].message == "50 more duplicate objects from here on, not listed one by one"
    assert warnings[-1].line == 3 * 100 + 2  # the 101st object, on its `kind:` line


def test_a_directory_reads_each_file_once_by_its_real_path(tmp_path: Path) -> None:
    """Links to one file are that file once: not its objects again (duplicate-object noise), nor a
    hostile directory's thousand links read a thousand times."""
    from koku_gap.sources.manifests import load_manifests

    rendered = tmp_path / "rendered"
    rendered.mkdir()
    (rendered / "a.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
        "spec: {template: {spec: {containers: [{name: web, image: x}]}}}\n"
    )
    for i in range(20):
        (rendered / f"link-{i}.yaml").symlink_to(rendered / "a.yaml")
    graph = load_manifests(rendered)
    assert [c.name for c in graph.components] == ["web"]
    assert not [w for w in graph.warnings if w.code == "duplicate-object"]
