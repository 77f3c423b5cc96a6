"""``--chart``: rendering a chart offline like ``helm template`` and reading it as manifests (issue 6).

The charts are our own: ``fixtures/charts/shop`` (values-driven conditionals, a template that ``fail``s
when ``lookup`` finds nothing, a pre-install migration hook, a ``cache`` subchart, NOTES.txt, a template
that renders nothing) and small ones written per test.
"""

from __future__ import annotations

import json
import re
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import koku_gap
from koku_gap.cli import main
from koku_gap.model.errors import InputError, UsageError
from koku_gap.sources import helm
from koku_gap.sources.helm import (
    ChartSpec,
    frame_like_helm_template,
    load_chart,
    render_chart,
    split_manifests,
    template_at,
)
from tests.helpers.fake_helm import install_fake_helm

helm_python = pytest.importorskip("helm_python")

CHARTS = Path(__file__).resolve().parents[2] / "fixtures" / "charts"
SHOP = CHARTS / "shop"
APP = str(CHARTS / "clowdapp.yaml")
CLUSTER = str(CHARTS / "values-cluster.yaml")  # clusterDomain: what lookup would have found
LISTENER = str(CHARTS / "values-listener.yaml")  # listener.enabled: true
FAILING = "shop/templates/route.yaml"


def sources(text: str) -> list[str]:
    """The ``# Source:`` of each document, in order."""
    return re.findall(r"^# Source: (.+)$", text, re.M)


def kinds(text: str) -> list[str]:
    return re.findall(r"^kind: (\S+)$", text, re.M)


def workloads(text: str) -> set[str]:
    return {
        name
        for kind, name in re.findall(r"^kind: (\S+)\nmetadata:\n  name: (\S+)", text, re.M)
        if kind in ("Deployment", "Job")
    }


def report_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict[str, Any]]:
    code = main([*argv, "--format", "json"])
    out, err = capsys.readouterr()
    assert err == "", err
    return code, json.loads(out)


def error_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err.strip()


def rows(report: dict[str, Any]) -> dict[str, str | None]:
    return {f"{row['status']}:{row['id']}": row["priority"] for row in report["rows"]}


def write_chart(root: Path, name: str, files: dict[str, str], chart_yaml: str = "") -> Path:
    """A chart directory ``root/name`` with Chart.yaml and ``files`` (paths relative to the chart)."""
    chart = root / name
    chart.mkdir(parents=True)
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n{chart_yaml}")
    for relative, text in files.items():
        path = chart / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return chart


def config_map(name: str, extra: str = "") -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n{extra}"


def package(chart: Path, destination: Path) -> Path:
    """``chart`` as a .tgz, the way `helm package` lays it out (``<name>/...``)."""
    archive = destination / f"{chart.name}-0.1.0.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(chart, arcname=chart.name)
    return archive


@pytest.fixture
def no_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    """helm-python-sdk absent: ``import helm_python`` raises ImportError."""
    monkeypatch.setitem(sys.modules, "helm_python", None)


@pytest.fixture
def empty_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A PATH without any helm."""
    directory = tmp_path / "bin"
    directory.mkdir()
    monkeypatch.setenv("PATH", str(directory))
    return directory


@pytest.fixture
def fake_helm(empty_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A ``helm`` on PATH (tests/fake_helm.py); returns the log of its calls (JSON lines)."""
    install_fake_helm(empty_path)
    log = tmp_path / "helm-calls.jsonl"
    monkeypatch.setenv("FAKE_HELM_LOG", str(log))
    return log


# -- rendering ---------------------------------------------------------------------------------------


def test_render_frames_each_document_like_helm_template() -> None:
    result = render_chart(SHOP, [CLUSTER])
    assert result.renderer == "python"
    assert (result.chart, result.name, result.release, result.namespace) == (
        str(SHOP),
        "shop",
        "shop",
        "default",
    )
    assert result.skipped == ()
    assert result.text.startswith("---\n# Source: shop/")
    documents = result.text.split("---\n# Source: ")[1:]
    assert len(documents) == len(sources(result.text)) == 6
    assert all(doc.endswith("\n") for doc in documents)
    # Helm's install order: Service, Deployments, Ingress; hooks last
    assert kinds(result.text) == ["Service", "Deployment", "Deployment", "Deployment", "Ingress", "Job"]
    assert sources(result.text) == [
        "shop/templates/api.yaml",
        "shop/charts/cache/templates/deployment.yaml",
        "shop/templates/api.yaml",
        "shop/templates/worker.yaml",
        FAILING,
        "shop/templates/migrate-job.yaml",
    ]


def test_notes_partials_and_empty_templates_are_dropped() -> None:
    text = render_chart(SHOP, [CLUSTER]).text
    assert "is installed as" not in text  # NOTES.txt
    assert not any(s.endswith(("NOTES.txt", "_helpers.tpl", "empty.yaml")) for s in sources(text))
    assert "extra" not in text
    files = {
        "c/templates/NOTES.txt": "notes",
        "c/charts/s/templates/NOTES.txt": "sub notes",
        "c/templates/_x.tpl": config_map("partial"),
        "c/templates/blank.yaml": "\n  \n\t\n",
        "c/templates/a.yaml": "\n\n---\n" + config_map("a") + "---\n  \n",
    }
    text, dropped = frame_like_helm_template(files)
    assert text == "---\n# Source: c/templates/a.yaml\n" + config_map("a")  # its newline ends the frame
    assert dropped == []


def test_hooks_are_kept_with_their_annotations_after_the_other_objects() -> None:
    result = render_chart(SHOP, [CLUSTER])
    hook = result.text.split("# Source: shop/templates/migrate-job.yaml\n")[1]
    assert "helm.sh/hook: pre-install,pre-upgrade" in hook
    assert 'helm.sh/hook-weight: "0"' in hook
    assert "helm.sh/hook-delete-policy: before-hook-creation" in hook
    assert sources(result.text)[-1] == "shop/templates/migrate-job.yaml"
    job = load_chart(ChartSpec(SHOP, values=[CLUSTER])).component("shop-migrate")
    assert job.hook is not None
    assert job.hook.phases == ("pre-install", "pre-upgrade")
    assert job.hook.delete_policy == ("before-hook-creation",)


def test_source_refs_name_the_chart_and_point_into_the_rendered_text() -> None:
    result = render_chart(SHOP, [CLUSTER])
    graph = load_chart(ChartSpec(SHOP, values=[CLUSTER]))
    lines = result.text.splitlines()
    assert graph.files == (str(SHOP),)
    for component in graph.components:
        assert component.source.file == str(SHOP)
        assert component.source.template == template_at(result.text, component.source.line)
        assert lines[component.source.line - 2] == f"# Source: {component.source.template}"
        assert lines[component.source.line - 1].startswith("apiVersion: ")
        assert f"  name: {component.name}" in lines[component.source.line : component.source.line + 3]
    cache = graph.component("shop-cache")
    assert cache.source.template == "shop/charts/cache/templates/deployment.yaml"
    assert cache.app == "shop"  # a subchart's objects belong to the release's chart


def test_the_text_is_what_helm_itself_prints() -> None:
    """Helm's own install action (client dry-run, as helm template) gives the same non-hook manifest."""
    kubeconfig = (
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\n"
        "contexts: [{name: c, context: {cluster: c, user: u}}]\nusers: [{name: u, user: {token: t}}]\n"
    )
    values = helm._PythonEngine(helm_python).values(
        helm._Job(
            str(SHOP), "shop", "default", (Path(CLUSTER),), ("listener.enabled=true",), (), (), None, 10**7
        )
    )
    try:
        with helm_python.Config(kubeconfig_content=kubeconfig, storage_driver="memory") as config:
            release = config.install(helm_python.Chart.load(str(SHOP)), "shop", values, dry_run="client")
    except helm_python.HelmError as exc:  # pragma: no cover - an SDK that insists on a cluster
        pytest.skip(f"helm-python-sdk cannot dry-run offline here: {exc}")
    text = render_chart(SHOP, [CLUSTER], ["listener.enabled=true"]).text
    hooks = text.index("---\n# Source: shop/templates/migrate-job.yaml")
    assert release["manifest"] == text[:hooks]


def test_split_manifests_follows_helm_4() -> None:
    assert split_manifests("a: 1\n---\nb: 2\n\n") == ["a: 1", "b: 2\n\n"]  # trailing whitespace kept
    assert split_manifests("\n---\n\na: 1\n---   \n") == ["a: 1"]
    # like Helm: a separator right after another one (its newline taken) is a document of its own
    assert split_manifests("---\n\n---   \n---\na: 1") == ["---", "a: 1"]
    assert split_manifests("a: 1\n---b: 2") == ["a: 1", "b: 2"]  # Helm's separator needs no newline after
    assert split_manifests("a: |\n  ---\n  x\n") == ["a: |\n  ---\n  x\n"]


HELM_SEPARATOR = re.compile(r"(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*")  # releaseutil's, with RE2's \\s


@given(st.text(alphabet="-\n \ta:", max_size=40))
def test_split_manifests_matches_helms_regular_expression(content: str) -> None:
    space = helm._GO_SPACE
    expected = [d.lstrip(space) for d in HELM_SEPARATOR.split(content.lstrip(space)) if d.strip(space)]
    assert split_manifests(content) == expected


def test_kind_order_puts_unknown_kinds_last_alphabetically_and_keeps_equal_kinds_in_place() -> None:
    files = {
        "c/templates/a.yaml": "kind: Zeta\nmetadata: {name: z}\n---\n"
        "kind: Deployment\nmetadata: {name: d1}\n",
        "c/templates/b.yaml": '{"kind": "Alpha", "metadata": {"name": "a"}}\n---\n'
        "kind: Deployment\nmetadata: {name: d2}\n---\nkind: Namespace\nmetadata: {name: n}\n",
    }
    text, _ = frame_like_helm_template(files)
    assert re.findall(r"name\"?: \"?(\w+)", text) == ["n", "d1", "d2", "a", "z"]


def test_an_object_with_an_unknown_hook_is_left_out_with_a_warning(tmp_path: Path) -> None:
    job = config_map("odd", "  annotations:\n    helm.sh/hook: post-instal\n")
    chart = write_chart(tmp_path, "c", {"templates/odd.yaml": job, "templates/ok.yaml": config_map("ok")})
    result = render_chart(chart)
    assert "name: odd" not in result.text and "name: ok" in result.text
    assert [(d.template, d.kind, d.name, d.hook) for d in result.dropped_hooks] == [
        ("c/templates/odd.yaml", "ConfigMap", "odd", "post-instal")
    ]
    warnings = load_chart(chart).warnings
    assert [w.code for w in warnings] == ["unknown-hook"]
    assert "post-instal" in warnings[0].message and warnings[0].file == str(chart)


def test_a_chart_archive_renders_like_its_directory(tmp_path: Path) -> None:
    archive = Path(helm_python.Chart.load(str(SHOP)).save(str(tmp_path)))
    assert archive.suffix == ".tgz"
    assert render_chart(archive, [CLUSTER]).text == render_chart(SHOP, [CLUSTER]).text
    assert render_chart(archive, [CLUSTER]).chart == str(archive)


# -- values: --values, --set, --set-string -----------------------------------------------------------


def test_values_files_apply_in_order(tmp_path: Path) -> None:
    assert "shop-listener" not in workloads(render_chart(SHOP, [CLUSTER]).text)
    assert "shop-listener" in workloads(render_chart(SHOP, [CLUSTER, LISTENER]).text)
    off = tmp_path / "off.yaml"
    off.write_text("listener:\n  enabled: false\nworker: {enabled: false}\n")
    assert workloads(render_chart(SHOP, [CLUSTER, LISTENER, off]).text) == {
        "shop-api",
        "shop-cache",
        "shop-migrate",
    }
    assert "shop-listener" in workloads(render_chart(SHOP, [CLUSTER, off, LISTENER]).text)


def test_set_and_set_string_change_the_render() -> None:
    def rendered(*sets: str, strings: tuple[str, ...] = ()) -> str:
        return render_chart(SHOP, [CLUSTER], sets, strings).text

    assert "shop-listener" in workloads(rendered("listener.enabled=true"))
    assert "shop-worker" not in workloads(rendered("worker.enabled=false"))
    assert "shop-cache" not in workloads(rendered("cache.enabled=false"))  # the subchart's condition
    assert "shop-listener" not in workloads(
        render_chart(SHOP, [CLUSTER, LISTENER], ["listener.enabled=false"]).text
    )
    # --set-string keeps "false" a string, and a non-empty string is true in a template
    assert "shop-listener" in workloads(rendered(strings=("listener.enabled=false",)))
    # every --set-string comes after every --set, as in Helm
    assert "shop-listener" in workloads(rendered("listener.enabled=false", strings=("listener.enabled=x",)))
    # an escaped comma stays in the value; several assignments in one expression
    assert '"-Q", "celery,priority"' in rendered(r"worker.queues=celery\,priority,api.replicas=5")
    assert "replicas: 5" in rendered(r"worker.queues=celery\,priority,api.replicas=5")
    assert "image: quay.io/example/shop:v2" in rendered("image.tag=v2")
    assert "helm.sh/hook: post-install" in rendered("migrate.hook=post-install")


def test_set_index_changes_one_item_of_a_list_a_values_file_gave(tmp_path: Path) -> None:
    template = "{{- range .Values.items }}\n---\n" + config_map("{{ .name }}") + "{{- end }}\n"
    chart = write_chart(tmp_path, "c", {"templates/cm.yaml": template})
    values = tmp_path / "v.yaml"
    values.write_text("items: [{name: a}, {name: b}]\n")
    assert re.findall(r"name: (\w+)", render_chart(chart, [values], ["items[1].name=z"]).text) == ["a", "z"]


def test_cli_values_and_set_change_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--clowdapp", APP, "--chart", str(SHOP), "--values", CLUSTER]
    code, report = report_json(capsys, base)
    assert code == 1
    assert rows(report) == {
        "match:shop/api": None,
        "match:shop/worker-default": None,
        "missing:shop/listener": "P0",
        "match:shop/db-migrate": None,
        "infra:shop/shop-cache": None,
    }
    code, report = report_json(capsys, [*base, "--values", LISTENER])
    assert code == 0
    assert rows(report)["match:shop/listener"] is None
    code, report = report_json(capsys, [*base, "--set", "listener.enabled=true,worker.enabled=false"])
    assert code == 1
    assert rows(report)["missing:shop/worker-default"] == "P0"
    assert report["queues"]["uncovered"] == ["celery"]
    code, report = report_json(capsys, [*base, "--set-string", "listener.enabled=false"])
    assert code == 0
    code, report = report_json(capsys, [*base, "--values", LISTENER, "--set", "migrate.hook=post-install"])
    assert rows(report)["partial:shop/db-migrate"] == "P2"  # the hook annotation is read


def test_release_and_namespace(capsys: pytest.CaptureFixture[str]) -> None:
    result = render_chart(SHOP, [CLUSTER], release="prod", namespace="shop-ns")
    assert workloads(result.text) == {"prod-api", "prod-worker", "prod-cache", "prod-migrate"}
    assert (result.release, result.namespace) == ("prod", "shop-ns")
    _, report = report_json(
        capsys,
        [
            "--clowdapp",
            APP,
            "--chart",
            str(SHOP),
            "--values",
            CLUSTER,
            "--release",
            "prod",
            "--namespace",
            "x",
        ],
    )
    assert {t["name"] for row in report["rows"] for t in row["targets"]} == {
        "prod-api",
        "prod-worker",
        "prod-cache",
        "prod-migrate",
    }


def test_api_and_kube_versions_reach_capabilities(tmp_path: Path) -> None:
    assert "kind: Ingress" in render_chart(SHOP, [CLUSTER]).text
    openshift = render_chart(SHOP, [CLUSTER], api_versions=["route.openshift.io/v1"]).text
    assert "kind: Route" in openshift and "kind: Ingress" not in openshift
    chart = write_chart(
        tmp_path,
        "c",
        {
            "templates/cm.yaml": config_map(
                "v", "data:\n  k: {{ .Capabilities.KubeVersion.Version | quote }}\n"
            )
        },
    )
    assert 'k: "v1.29.3"' in render_chart(chart, kube_version="v1.29.3").text


# -- failing templates -------------------------------------------------------------------------------


def test_a_failing_template_is_exit_2_naming_it_and_helms_message(capsys: pytest.CaptureFixture[str]) -> None:
    line = error_line(capsys, ["--clowdapp", APP, "--chart", str(SHOP)])
    assert line.startswith(f"gap-report: error: {SHOP / 'templates' / 'route.yaml'}:1:")
    assert f"template {FAILING} failed to render" in line
    assert "Unable to detect the cluster domain: set clusterDomain" in line
    assert "--skip-failing-templates" in line
    with pytest.raises(InputError) as caught:
        render_chart(SHOP)
    assert FAILING in caught.value.message


def test_skip_failing_templates_renders_without_them_and_reports_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = render_chart(SHOP, skip_failing_templates=True)
    assert [s.template for s in result.skipped] == [FAILING]
    assert "Unable to detect the cluster domain" in result.skipped[0].message
    assert FAILING not in sources(result.text)
    assert workloads(result.text) == {"shop-api", "shop-worker", "shop-cache", "shop-migrate"}
    assert SHOP.joinpath("templates", "route.yaml").is_file()  # only a scratch copy lost it
    code, report = report_json(
        capsys, ["--clowdapp", APP, "--chart", str(SHOP), "--skip-failing-templates", "--values", LISTENER]
    )
    assert code == 0
    [warning] = [w for w in report["warnings"] if w["code"] == "template-not-rendered"]
    assert FAILING in warning["message"] and "not analysed" in warning["message"]
    assert warning["file"] == str(SHOP)
    # nothing to skip: nothing reported
    assert render_chart(SHOP, [CLUSTER], skip_failing_templates=True).skipped == ()


def test_skip_failing_templates_in_packaged_subcharts_and_archives(tmp_path: Path) -> None:
    failing = (
        '{{- if not (lookup "v1" "Secret" "ns" "creds") }}{{ fail "secret ns/creds not found" }}{{ end }}\n'
    )
    sub = write_chart(
        tmp_path / "src", "sub", {"templates/fail.yaml": failing, "templates/ok.yaml": config_map("sub-ok")}
    )
    chart = write_chart(
        tmp_path,
        "top",
        {"templates/fail.yaml": failing, "templates/ok.yaml": config_map("top-ok")},
        "dependencies:\n  - name: sub\n    version: 0.1.0\n    alias: store\n",
    )
    (chart / "charts").mkdir()
    package(sub, chart / "charts")
    with pytest.raises(InputError) as caught:
        render_chart(chart)
    assert "failed to render" in caught.value.message
    for target in (chart, package(chart, tmp_path)):
        result = render_chart(target, skip_failing_templates=True)
        assert sorted(s.template for s in result.skipped) == [
            "top/charts/store/templates/fail.yaml",
            "top/templates/fail.yaml",
        ]
        assert sources(result.text) == ["top/charts/store/templates/ok.yaml", "top/templates/ok.yaml"]
    assert (chart / "charts" / "sub-0.1.0.tgz").is_file()


def test_a_failing_helper_cannot_be_skipped(tmp_path: Path) -> None:
    chart = write_chart(
        tmp_path, "c", {"templates/_helpers.tpl": "{{ nosuchfunction }}", "templates/a.yaml": config_map("a")}
    )
    with pytest.raises(InputError) as caught:
        render_chart(chart, skip_failing_templates=True)
    assert "c/templates/_helpers.tpl" in caught.value.message
    assert "cannot be left out" in caught.value.message


def test_invalid_yaml_out_of_a_template_names_the_template(tmp_path: Path) -> None:
    broken_head = "kind: [\n"
    broken_tail = config_map("x", "data:\n  a: b\n c: d\n")
    chart = write_chart(
        tmp_path, "c", {"templates/head.yaml": broken_head, "templates/ok.yaml": config_map("ok")}
    )
    with pytest.raises(InputError) as caught:
        load_chart(chart)
    assert "YAML parse error on c/templates/head.yaml" in caught.value.message
    assert [s.template for s in render_chart(chart, skip_failing_templates=True).skipped] == [
        "c/templates/head.yaml"
    ]
    chart = write_chart(tmp_path, "d", {"templates/tail.yaml": broken_tail})
    with pytest.raises(InputError) as caught:
        load_chart(chart)
    assert caught.value.file == str(chart) and caught.value.line is not None
    assert "in the output of template d/templates/tail.yaml" in caught.value.message


# -- the same report as --manifests ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sets", "release", "api_versions"),
    [
        ([], None, []),
        (["listener.enabled=true"], None, ["route.openshift.io/v1"]),
        (["migrate.hook=post-install,worker.enabled=false"], "r", []),
    ],
)
def test_chart_report_equals_the_manifests_report_of_the_same_render(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    sets: list[str],
    release: str | None,
    api_versions: list[str],
) -> None:
    """Same text, same report; only the file the stream is named after differs (the chart path)."""
    options = ["--values", CLUSTER]
    options += [o for s in sets for o in ("--set", s)] + [
        o for a in api_versions for o in ("--api-versions", a)
    ]
    options += ["--release", release] if release else []
    code, from_chart = report_json(capsys, ["--clowdapp", APP, "--chart", str(SHOP), *options])
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text(render_chart(SHOP, [CLUSTER], sets, release=release, api_versions=api_versions).text)
    manifests_code, from_manifests = report_json(capsys, ["--clowdapp", APP, "--manifests", str(rendered)])
    assert code == manifests_code
    renamed = json.dumps(from_manifests).replace(json.dumps(str(rendered)), json.dumps(str(SHOP)))
    assert json.loads(renamed) == from_chart


def test_python_api_charts(tmp_path: Path) -> None:
    spec = ChartSpec(SHOP, values=[CLUSTER, LISTENER])
    report = koku_gap.analyze([APP], charts=[spec])
    assert report.fails("P0") is False
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text(koku_gap.render_chart(SHOP, [CLUSTER, LISTENER]).text)
    by_manifests = koku_gap.analyze([APP], [str(rendered)])
    assert [r.model_dump(exclude={"targets"}) for r in report.rows] == [
        r.model_dump(exclude={"targets"}) for r in by_manifests.rows
    ]
    assert (
        koku_gap.analyze(APP, charts=SHOP, skip_failing_templates=True).warnings[0].code
        == "template-not-rendered"
    )
    with pytest.raises(ValueError, match="not both"):
        koku_gap.analyze([APP], [str(rendered)], charts=[spec])
    with pytest.raises(ValueError, match="manifests or charts"):
        koku_gap.analyze([APP])


# -- choosing the renderer ---------------------------------------------------------------------------


@pytest.mark.usefixtures("no_sdk", "empty_path")
@pytest.mark.parametrize(
    ("renderer", "expected"),
    [
        (
            [],
            "helm-python-sdk is not usable (not installed; pip install 'koku-gap[helm]'), "
            "and there is no helm binary on PATH",
        ),
        (["--renderer", "python"], "--renderer python: helm-python-sdk is not usable"),
        (["--renderer", "binary"], "--renderer binary: there is no helm binary on PATH"),
    ],
)
def test_no_renderer_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], renderer: list[str], expected: str
) -> None:
    line = error_line(capsys, ["--clowdapp", APP, "--chart", str(SHOP), "--values", CLUSTER, *renderer])
    assert line.startswith(f"gap-report: error: {SHOP}: cannot render the chart")
    assert expected in line


@pytest.mark.usefixtures("empty_path")
def test_python_is_chosen_first_and_binary_is_refused_without_helm() -> None:
    assert helm.select_engine("auto").name == "python"
    assert helm.select_engine("python").name == "python"
    with pytest.raises(InputError, match="no helm binary on PATH"):
        helm.select_engine("binary")
    with pytest.raises(UsageError):
        helm.select_engine("docker")


@pytest.mark.usefixtures("no_sdk")
def test_auto_falls_back_to_a_helm_binary(fake_helm: Path) -> None:
    result = render_chart(
        SHOP,
        [CLUSTER, LISTENER],
        ["worker.queues=a\\,b"],
        ["api.replicas=3"],
        release="rel",
        namespace="ns",
        api_versions=["route.openshift.io/v1"],
        kube_version="v1.30.0",
    )
    assert result.renderer == "binary"
    [call] = [json.loads(line) for line in fake_helm.read_text().splitlines()]
    assert call == [
        "template",
        "rel",
        str(SHOP),
        "--namespace=ns",
        f"--values={CLUSTER}",
        f"--values={LISTENER}",
        "--set=worker.queues=a\\,b",
        "--set-string=api.replicas=3",
        "--api-versions=route.openshift.io/v1",
        "--kube-version=v1.30.0",
    ]
    assert "replicas: 3" in result.text and '"-Q", "a,b"' in result.text and "kind: Route" in result.text


@pytest.mark.usefixtures("fake_helm")
def test_binary_renderer_gives_the_same_text_and_failures(capsys: pytest.CaptureFixture[str]) -> None:
    binary = render_chart(SHOP, [CLUSTER], renderer="binary")
    assert binary.renderer == "binary"
    assert binary.text == render_chart(SHOP, [CLUSTER], renderer="python").text
    line = error_line(capsys, ["--clowdapp", APP, "--chart", str(SHOP), "--renderer", "binary"])
    assert f"template {FAILING} failed to render" in line and "set clusterDomain" in line
    skipped = render_chart(SHOP, renderer="binary", skip_failing_templates=True)
    assert [s.template for s in skipped.skipped] == [FAILING]
    assert skipped.text == render_chart(SHOP, renderer="python", skip_failing_templates=True).text


# -- usage -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--clowdapp", APP], "one of the arguments --manifests --chart is required"),
        (["--clowdapp", APP, "--chart", str(SHOP), "--manifests", APP], "not allowed with argument"),
        (["--clowdapp", APP, "--manifests", APP, "--values", CLUSTER], "--values: only with --chart"),
        (
            ["--clowdapp", APP, "--manifests", APP, "--set", "a=b", "--namespace", "n"],
            "--set, --namespace: only with",
        ),
        (["--clowdapp", APP, "--chart", str(SHOP), "--set", "a.b"], "--set 'a.b': key \"b\" has no value"),
        (
            ["--clowdapp", APP, "--chart", str(SHOP), "--set-string", "a[x]=1"],
            "--set-string 'a[x]=1': error parsing index",
        ),
        (
            ["--clowdapp", APP, "--chart", str(SHOP), "--release", "Shop_1"],
            "--release 'Shop_1': a release name",
        ),
        (["--clowdapp", APP, "--chart", str(SHOP), "--renderer", "docker"], "invalid choice: 'docker'"),
        (
            ["--clowdapp", APP, "--chart", str(SHOP), "--kube-version", "banana"],
            "--kube-version 'banana': could",
        ),
    ],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    line = error_line(capsys, argv)
    assert expected in line


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tmp: tmp / "nope", "no such chart directory or archive"),
        (
            lambda tmp: write_chart(tmp, "c", {}).parent / "c" / "Chart.yaml",
            "not a chart directory or .tgz archive",
        ),
        (lambda tmp: (tmp / "empty").mkdir() or tmp / "empty", "the directory has no Chart.yaml"),
        (
            lambda tmp: write_chart(tmp, "Bad_Name", {}),
            "is not a valid release name: give one with --release",
        ),
        (lambda tmp: write_chart(tmp, "lib", {}, "type: library\n"), "library charts are not installable"),
        (
            lambda tmp: write_chart(tmp, "c", {}, "dependencies:\n  - name: db\n    version: 1.0.0\n"),
            "dependencies missing from charts/: db (run `helm dependency build",
        ),
    ],
)
def test_charts_that_cannot_be_rendered(tmp_path: Path, make: Any, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        render_chart(make(tmp_path))
    assert expected in caught.value.message


def test_bad_values_files_name_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: 1\nb: [\n")
    with pytest.raises(InputError) as caught:
        render_chart(SHOP, [broken])
    assert caught.value.file == str(broken) and "not a values file" in caught.value.message
    with pytest.raises(InputError, match="no such file"):
        render_chart(SHOP, [tmp_path / "missing.yaml"])
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n")
    with pytest.raises(InputError, match="not a values file"):
        render_chart(SHOP, [listed])
    flat = tmp_path / "flat.yaml"
    flat.write_text("image: quay.io/example/shop:v1\n")
    with pytest.raises(UsageError, match="interface conversion"):
        render_chart(SHOP, [CLUSTER, flat], ["image.tag=v2"])  # a string is not a map: Helm refuses


def test_the_rendered_text_obeys_max_bytes() -> None:
    with pytest.raises(InputError, match="over the 1000-byte limit"):
        load_chart(ChartSpec(SHOP, values=[CLUSTER]), max_bytes=1000)


def test_what_helm_logs_becomes_warnings_not_terminal_noise(capfd: pytest.CaptureFixture[str]) -> None:
    """A --set map over a chart's string: Helm ignores it and says so; the report carries that."""
    expected = (
        "warning: destination for shop.image.repository is a table. "
        "Ignoring non-table value (quay.io/example/shop)"
    )
    result = render_chart(SHOP, [CLUSTER], ["image.repository.name=x"])
    assert result.helm_warnings == (expected,)
    assert "image: map[name:x]:latest" in result.text  # the user's map wins over the chart's string
    code = main(
        ["--clowdapp", APP, "--chart", str(SHOP), "--values", CLUSTER, "--set", "image.repository.name=x"]
    )
    out, err = capfd.readouterr()
    assert code == 1 and err == ""
    assert "Helm: " + expected in out or "warning(s)" in out
    assert [w.code for w in load_chart(ChartSpec(SHOP, [CLUSTER], ["image.repository.name=x"])).warnings] == [
        "helm-warning"
    ]


@pytest.mark.usefixtures("fake_helm")
def test_what_a_helm_binary_logs_becomes_warnings_too() -> None:
    result = render_chart(SHOP, [CLUSTER], ["image.repository.name=x"], renderer="binary")
    assert (
        result.helm_warnings == render_chart(SHOP, [CLUSTER], ["image.repository.name=x"]).helm_warnings != ()
    )


def test_a_chart_that_renders_nothing_is_an_error_like_empty_manifests(tmp_path: Path) -> None:
    chart = write_chart(
        tmp_path, "c", {"templates/off.yaml": "{{- if .Values.on }}\n" + config_map("x") + "{{- end }}\n"}
    )
    with pytest.raises(InputError, match="no Kubernetes objects: the chart renders nothing"):
        koku_gap.analyze(APP, charts=[chart])
    with pytest.raises(InputError, match=r"no workloads .* in the rendered chart \(only ConfigMap\)"):
        koku_gap.analyze(APP, charts=[ChartSpec(chart, set_values=["on=true"])])
