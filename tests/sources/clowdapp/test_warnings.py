"""Wild ClowdApp shapes the loader reads best-effort: each is a warning with file:line, reading unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap import ComponentGraph, load_clowdapp, load_manifests
from koku_gap.model.graph import GraphWarning
from koku_gap.sources import podspec
from koku_gap.sources.clowder_crd import CLOWDAPP_FIELDS
from tests.helpers.files import LineFinder

SHAPE_CODES = ("unknown-key", "legacy-schema", "coerced-value", "ignored-value")


def shape_warnings(graph: ComponentGraph) -> list[GraphWarning]:
    return [w for w in graph.warnings if w.code in SHAPE_CODES]


@pytest.fixture
def coerce(fixtures_dir: Path) -> Path:
    return fixtures_dir / "coerce_clowdapp.yaml"


@pytest.fixture
def graph(coerce: Path) -> ComponentGraph:
    return load_clowdapp(coerce)


def at(graph: ComponentGraph, line: int) -> GraphWarning:
    [warning] = [w for w in shape_warnings(graph) if w.line == line]
    return warning


def test_every_warning_names_the_file_and_app(graph: ComponentGraph, coerce: Path) -> None:
    warnings = shape_warnings(graph)
    assert len(warnings) == 12
    assert all(w.file == str(coerce) and w.message.startswith("ClowdApp coerce: ") for w in warnings)
    lines = [w.line for w in warnings if w.line is not None]
    assert len(lines) == len(warnings) and lines == sorted(lines)


def test_string_command_is_one_word(graph: ComponentGraph, coerce: Path, find_line: LineFinder) -> None:
    api = graph.component("api")
    assert api.main.command == ("gunicorn app:wsgi",)  # read as before: one word
    warning = at(graph, find_line(coerce, "command: gunicorn"))
    assert warning.code == "coerced-value"
    assert "'command' in the podSpec of deployment 'api' is a string, not a list" in warning.message
    assert "read as the single word 'gunicorn app:wsgi'" in warning.message
    init = at(graph, find_line(coerce, "command: sleep 5"))
    assert "'command' in init container 'wait' of deployment 'api'" in init.message
    assert api.init_containers[0].command == ("sleep 5",)


def test_list_from_a_parameter_and_unresolved_parameters_are_not_warned(
    graph: ComponentGraph, coerce: Path, find_line: LineFinder
) -> None:
    assert graph.component("api").main.args == ("--workers", "2")  # ${{ARGS}} is a JSON list
    lines = {w.line for w in shape_warnings(graph)}
    assert find_line(coerce, "args: ${{ARGS}}") not in lines
    assert find_line(coerce, "args: ${{JOB_ARGS}}") not in lines  # required, unset: value unknown


def test_env_entries_without_a_usable_name(
    graph: ComponentGraph, coerce: Path, find_line: LineFinder
) -> None:
    env = [(e.name, e.value) for e in graph.component("api").main.env]
    assert env == [("LOG_LEVEL", "info"), ("8080", "port")]  # read as before
    orphan = at(graph, find_line(coerce, "- value: orphan"))
    assert orphan.code == "ignored-value"
    assert (
        "an env entry in the podSpec of deployment 'api' has no 'name' (it has value); ignored"
        in orphan.message
    )
    number = at(graph, find_line(coerce, "- name: 8080"))
    assert number.code == "coerced-value"
    assert "env name 8080 in the podSpec of deployment 'api' is a number, not a string; read as '8080'" in (
        number.message
    )
    plain = at(graph, find_line(coerce, "- PLAIN=string"))
    assert (
        "env entry 'PLAIN=string' in the podSpec of deployment 'api' is not a mapping; ignored"
        in plain.message
    )
    mapping = at(graph, find_line(coerce, "env:", 2))
    assert "'env' in the podSpec of deployment 'worker' is a mapping, not a list of entries; ignored" in (
        mapping.message
    )
    assert graph.component("worker").main.env == ()


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("rbac: true", "unknown key 'rbac' in the ClowdApp spec, ignored (not a ClowdApp field)"),
        (
            "webService:",
            "unknown key 'webService' in deployment 'api', ignored (not a ClowdApp field; "
            "did you mean 'webServices'?)",
        ),
        (
            "minReplicas: 2",
            "unknown key 'minReplicas' in the podSpec of deployment 'api', ignored "
            "(not a ClowdApp field here; it belongs on the deployment, beside podSpec)",
        ),
        (
            "resources:",
            "unknown key 'resources' in deployment 'worker', ignored "
            "(not a ClowdApp field here; it belongs under podSpec)",
        ),
        ("apiPth:", "unknown key 'apiPth' in webServices.public of deployment 'worker', ignored"),
        (
            "restartPolicy: OnFailure",
            "unknown key 'restartPolicy' in the podSpec of job 'nightly', ignored "
            "(not a ClowdApp field here; it belongs on the job, beside podSpec)",
        ),
    ],
)
def test_unknown_keys(
    graph: ComponentGraph, coerce: Path, find_line: LineFinder, written: str, expected: str
) -> None:
    warning = at(graph, find_line(coerce, written))
    assert warning.code == "unknown-key"
    assert expected in warning.message


def test_unknown_keys_are_still_ignored(graph: ComponentGraph) -> None:
    api = graph.component("api")
    assert not api.web.public  # `webService` is not `webServices`: Clowder makes no public service
    assert api.scaling.replicas == 3  # ${{REPLICAS}} is "3.0": an int32 count
    assert graph.component("worker").main.resources is None  # job-level resources are not the pod's


def test_every_known_field_is_quiet(tmp_path: Path) -> None:
    """A ClowdApp using every field CLOWDAPP_FIELDS allows gets no shape warning."""

    def block(place: str, indent: str, skip: tuple[str, ...] = ()) -> str:
        return "".join(f"{indent}{key}: x\n" for key in sorted(CLOWDAPP_FIELDS[place]) if key not in skip)

    nested = ("name", "podSpec", "webServices", "deployments", "jobs", "pods", "env", "command", "args")
    text = (
        "kind: ClowdApp\nmetadata: {name: a}\nspec:\n"
        + block("spec", "  ", nested)
        + "  deployments:\n  - name: d\n"
        + block("deployment", "    ", nested)
        + "    webServices:\n      public:\n"
        + block("webServices.public", "        ")
        + "      private:\n"
        + block("webServices.private", "        ")
        + "      metrics: {enabled: true}\n    podSpec:\n"
        + block("podSpec", "      ", nested)
        + "      command: [run]\n      args: [--now]\n      env: [{name: A, value: b}]\n"
        + "  jobs:\n  - name: j\n"
        + block("job", "    ", nested)
        + "    podSpec: {image: x}\n"
    )
    path = tmp_path / "known.yaml"
    path.write_text(text)
    assert shape_warnings(load_clowdapp(path)) == []


def test_container_fields_read_though_clowder_drops_them(tmp_path: Path) -> None:
    path = tmp_path / "probe.yaml"
    path.write_text(
        "kind: ClowdApp\nmetadata: {name: a}\nspec:\n  deployments:\n  - name: d\n    podSpec:\n"
        "      startupProbe: {exec: {command: [true]}}\n"
    )
    graph = load_clowdapp(path)
    [warning] = shape_warnings(graph)
    assert warning.message == (
        "ClowdApp a: unknown key 'startupProbe' in the podSpec of deployment 'd': not a ClowdApp field, "
        "so Clowder drops it, though this analysis still reads it"
    )
    assert graph.component("d").main.startup_probe is not None  # the statement is true


def test_legacy_pods(fixtures_dir: Path, find_line: LineFinder) -> None:
    path = fixtures_dir / "coerce_legacy-pods.yaml"
    graph = load_clowdapp(path)
    service, modern = shape_warnings(graph)
    assert (service.code, service.line) == ("legacy-schema", find_line(path, "- name: service"))
    assert service.message == (
        "ClowdApp legacy: pod 'service' is in Clowder's pre-2021 schema: read from the legacy 'pods:' list "
        "as a deployment, 'web: true' as its public web service, 'minReplicas' as its replicas, its pod "
        "fields at the item's top level (image, env) as its podSpec"
    )
    assert modern.line == find_line(path, "- name: modern")
    assert modern.message.endswith("read from the legacy 'pods:' list as a deployment")
    comp = graph.component("service")  # what the message says was read
    assert comp.kind == "Deployment" and comp.web.public and comp.scaling.replicas == 2
    assert comp.main.image == "quay.io/example/legacy:1"
    assert [(e.name, e.value, e.line) for e in comp.main.env] == [
        ("LOG_LEVEL", "info", find_line(path, "- name: LOG_LEVEL"))
    ]


def test_a_legacy_pod_field_in_a_deployment_is_an_unknown_key(tmp_path: Path) -> None:
    path = tmp_path / "flat.yaml"
    path.write_text("kind: ClowdApp\nmetadata: {name: a}\nspec:\n  deployments:\n  - name: d\n    image: x\n")
    [warning] = shape_warnings(load_clowdapp(path))
    assert (warning.code, warning.line) == ("unknown-key", 6)
    assert (
        "unknown key 'image' in deployment 'd', ignored (not a ClowdApp field here; it belongs under podSpec)"
        in (warning.message)
    )


def test_our_own_fixtures_have_no_shape_warnings(fixtures_dir: Path) -> None:
    example = fixtures_dir.parent / "example" / "clowdapp.yaml"
    for path in (example, *(fixtures_dir / name for name in ("template.yaml", "bare-clowdapp.yaml"))):
        assert shape_warnings(load_clowdapp(path)) == [], path.name


# --- replica counts: one rule for both sources -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, 3),
        (3.0, 3),  # ${{REPLICAS}} holding "3.0", or YAML `3.0`
        ("3", 3),  # ${REPLICAS}: oc process gives a string
        (0, 0),
        ("3.5", "3.5"),
        (3.5, "3.5"),
        ("${REPLICAS}", "${REPLICAS}"),
        ("-1", "-1"),
        ("\u00b3", "\u00b3"),  # a digit to str.isdigit, not to int()
        (None, None),
        (True, None),
    ],
)
def test_count(value: object, expected: int | str | None) -> None:
    assert podspec.count(value) == expected


@pytest.mark.parametrize(("written", "expected"), [("3.0", 3), ("3", 3), ("3.5", "3.5")])
def test_both_loaders_count_replicas_alike(tmp_path: Path, written: str, expected: int | str) -> None:
    clowdapp = tmp_path / "clowdapp.yaml"
    clowdapp.write_text(
        "kind: ClowdApp\nmetadata: {name: a}\nspec:\n  deployments:\n"
        f"  - name: d\n    replicas: {written}\n"
        f"    autoScalerSimple: {{replicas: {{min: {written}, max: 9}}}}\n"
    )
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text(
        "kind: Deployment\nmetadata: {name: d}\nspec:\n"
        f"  replicas: {written}\n  template:\n    spec:\n      containers: [{{name: c, image: x}}]\n"
    )
    source = load_clowdapp(clowdapp).component("d").scaling
    assert (source.replicas, source.min_replicas) == (expected, expected)
    assert load_manifests(rendered).component("d").scaling.replicas == expected


# --- the corpus ----------------------------------------------------------------------------------------


def test_corpus_warnings(corpus: Path) -> None:
    """Real files: true statements where they are, none in the koku templates."""
    for path in sorted((corpus / "koku").glob("*.yaml")):
        assert shape_warnings(load_clowdapp(path)) == [], path.name
    wild = corpus / "wild"
    rbac = load_clowdapp(wild / "RedHatInsights__insights-rbac__deploy_rbac-clowdapp.yaml")
    [webservice] = shape_warnings(rbac)
    assert "unknown key 'webService' in deployment 'service'" in webservice.message
    assert not rbac.component("service").web.public
    legacy = load_clowdapp(wild / "RedHatInsights__config-manager__deploy_clowdapp.yaml")
    [pods] = shape_warnings(legacy)
    assert pods.code == "legacy-schema"
    assert "(image, livenessProbe, readinessProbe, env, resources) as its podSpec" in pods.message
    service = legacy.component("service").main
    assert service.role.image_family == "config-manager"  # what kept it from playing koku's API
    assert service.liveness_probe and service.readiness_probe and service.resources
    kruize = next((corpus / "ros").glob("kruize-*.yaml"))
    keys = [w.message.split("'")[1] for w in shape_warnings(load_clowdapp(kruize))]
    assert keys == ["name", "imagePullPolicy", "restartPolicy"]  # written under the job's podSpec


INIT_AND_SIDECAR = """\
kind: ClowdApp
metadata: {name: a}
spec:
  deployments:
  - name: d
    podSpec:
      image: app:1
      resources: {limits: {memory: 1Gi}}
      volumeMounts: [{name: config, mountPath: /etc/app}]
      initContainers:
      - name: prepare
        command: [prepare]
        inheritEnv: true
        resources: {limits: {memory: 64Mi}}
        volumeMounts: [{name: scratch, mountPath: /tmp}]
        imagePullPolicy: Always
        readinessProbe: {exec: {command: [true]}}
      sidecars:
      - name: token-refresher
        enabled: true
        memoryLimit: 100Mi
        cpuLimit: 100m
"""


def test_init_containers_and_sidecars_keep_only_what_clowder_builds_them_from(tmp_path: Path) -> None:
    """Clowder builds an init container from its name, image, command, args and env, and gives it the
    main container's resources and volumeMounts (ProcessInitContainers): what the file writes beside
    those is dropped, a warning each, and the graph holds what Clowder deploys."""
    path = tmp_path / "inits.yaml"
    path.write_text(INIT_AND_SIDECAR)
    graph = load_clowdapp(path)
    messages = {w.line: w.message.removeprefix("ClowdApp a: ") for w in shape_warnings(graph)}
    lines = path.read_text().splitlines()

    def line(text: str) -> int:
        return next(i for i, written in enumerate(lines, 1) if written.strip().startswith(text))

    where = "in init container 'prepare' of deployment 'd', ignored"
    assert messages == {
        line("resources: {limits: {memory: 64Mi}}"): f"unknown key 'resources' {where} "
        "(Clowder gives init containers the main container's resources; set it on the podSpec)",
        line("volumeMounts: [{name: scratch"): f"unknown key 'volumeMounts' {where} "
        "(Clowder gives init containers the main container's volumeMounts; set it on the podSpec)",
        line("imagePullPolicy"): f"unknown key 'imagePullPolicy' {where} "
        "(Clowder gives init containers the main container's imagePullPolicy)",
        line("readinessProbe"): f"unknown key 'readinessProbe' {where} (not a ClowdApp field)",
        line("cpuLimit"): "unknown key 'cpuLimit' in sidecar 'token-refresher' of deployment 'd', ignored "
        "(not a ClowdApp field)",
    }
    component = graph.component("d")
    [init] = component.init_containers
    assert init.resources == component.main.resources == {"limits": {"memory": "1Gi"}}
    assert init.volume_mounts == component.main.volume_mounts
    assert init.readiness_probe is None
    assert init.command == ("prepare",)
