"""``--chart``: rendering a chart offline like ``helm template`` and reading it as manifests (issue 6).

The charts are our own: ``fixtures/charts/shop`` (values-driven conditionals, a template that ``fail``s
when ``lookup`` finds nothing, a pre-install migration hook, a ``cache`` subchart, NOTES.txt, a template
that renders nothing) and small ones written per test (``tests/sources/helm/charts.py``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import koku_gap
from koku_gap.cli import main
from koku_gap.model.errors import InputError, UsageError
from koku_gap.sources.helm import (
    ChartSpec,
    load_chart,
    render_chart,
)
from tests.sources.helm.charts import (
    APP,
    CLUSTER,
    FAILING,
    LISTENER,
    SHOP,
    config_map,
    error_line,
    report_json,
    rows,
    sources,
    workloads,
    write_chart,
)

helm_python = pytest.importorskip("helm_python")


def test_values_files_apply_in_order(tmp_path: Path) -> None:
    assert "shop-listener" not in workloads(render_chart(ChartSpec(SHOP, [CLUSTER])).text)
    assert "shop-listener" in workloads(render_chart(ChartSpec(SHOP, [CLUSTER, LISTENER])).text)
    off = tmp_path / "off.yaml"
    off.write_text("listener:\n  enabled: false\nworker: {enabled: false}\n")
    assert workloads(render_chart(ChartSpec(SHOP, [CLUSTER, LISTENER, off])).text) == {
        "shop-api",
        "shop-cache",
        "shop-migrate",
    }
    assert "shop-listener" in workloads(render_chart(ChartSpec(SHOP, [CLUSTER, off, LISTENER])).text)


def test_set_and_set_string_change_the_render() -> None:
    def rendered(*sets: str, strings: tuple[str, ...] = ()) -> str:
        return render_chart(ChartSpec(SHOP, [CLUSTER], sets, strings)).text

    assert "shop-listener" in workloads(rendered("listener.enabled=true"))
    assert "shop-worker" not in workloads(rendered("worker.enabled=false"))
    assert "shop-cache" not in workloads(rendered("cache.enabled=false"))  # the subchart's condition
    assert "shop-listener" not in workloads(
        render_chart(ChartSpec(SHOP, [CLUSTER, LISTENER], ["listener.enabled=false"])).text
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
    assert re.findall(r"name: (\w+)", render_chart(ChartSpec(chart, [values], ["items[1].name=z"])).text) == [
        "a",
        "z",
    ]


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
    result = render_chart(ChartSpec(SHOP, [CLUSTER], release="prod", namespace="shop-ns"))
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
    assert "kind: Ingress" in render_chart(ChartSpec(SHOP, [CLUSTER])).text
    openshift = render_chart(ChartSpec(SHOP, [CLUSTER], api_versions=["route.openshift.io/v1"])).text
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
    assert 'k: "v1.29.3"' in render_chart(ChartSpec(chart, kube_version="v1.29.3")).text


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
    assert render_chart(ChartSpec(SHOP, [CLUSTER]), skip_failing_templates=True).skipped == ()


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
    """Same text, same report; only the file the stream is named after differs (the chart path), and
    the chart's locations also name the template file and line (``template_file``, ``template_line``)."""
    options = ["--values", CLUSTER]
    options += [o for s in sets for o in ("--set", s)] + [
        o for a in api_versions for o in ("--api-versions", a)
    ]
    options += ["--release", release] if release else []
    code, from_chart = report_json(capsys, ["--clowdapp", APP, "--chart", str(SHOP), *options])
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text(
        render_chart(ChartSpec(SHOP, [CLUSTER], sets, release=release, api_versions=api_versions)).text
    )
    manifests_code, from_manifests = report_json(capsys, ["--clowdapp", APP, "--manifests", str(rendered)])
    assert code == manifests_code
    renamed = json.dumps(from_manifests).replace(json.dumps(str(rendered)), json.dumps(str(SHOP)))
    targets = [t for r in from_chart["rows"] for t in r["targets"]]
    assert targets and all(t["template_file"].startswith(f"{SHOP}/") for t in targets)
    assert json.loads(renamed) == _without_template_lines(from_chart)


def _without_template_lines(value: Any) -> Any:
    """``value`` (a JSON report) without the template locations only a chart's render has."""
    if isinstance(value, dict):
        return {
            k: _without_template_lines(v)
            for k, v in value.items()
            if k not in ("template_file", "template_line")
        }
    if isinstance(value, list):
        return [_without_template_lines(v) for v in value]
    return value


def test_python_api_charts(tmp_path: Path) -> None:
    spec = ChartSpec(SHOP, values=[CLUSTER, LISTENER])
    report = koku_gap.analyze([APP], charts=[spec])
    assert report.fails("P0") is False
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text(koku_gap.render_chart(ChartSpec(SHOP, [CLUSTER, LISTENER])).text)
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
            "is not a valid release name: give one with release=...",
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
        render_chart(ChartSpec(SHOP, [broken]))
    assert caught.value.file == str(broken) and "not a values file" in caught.value.message
    with pytest.raises(InputError, match="no such file"):
        render_chart(ChartSpec(SHOP, [tmp_path / "missing.yaml"]))
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n")
    with pytest.raises(InputError, match="not a values file"):
        render_chart(ChartSpec(SHOP, [listed]))
    flat = tmp_path / "flat.yaml"
    flat.write_text("image: quay.io/example/shop:v1\n")
    with pytest.raises(UsageError, match="interface conversion"):
        render_chart(
            ChartSpec(SHOP, [CLUSTER, flat], ["image.tag=v2"])
        )  # a string is not a map: Helm refuses


def test_the_rendered_text_obeys_max_bytes() -> None:
    with pytest.raises(InputError, match="over the 1000-byte limit"):
        load_chart(ChartSpec(SHOP, values=[CLUSTER]), max_bytes=1000)


def test_a_chart_that_renders_nothing_is_an_error_like_empty_manifests(tmp_path: Path) -> None:
    chart = write_chart(
        tmp_path, "c", {"templates/off.yaml": "{{- if .Values.on }}\n" + config_map("x") + "{{- end }}\n"}
    )
    with pytest.raises(InputError, match="no Kubernetes objects: the chart renders nothing"):
        koku_gap.analyze(APP, charts=[chart])
    with pytest.raises(InputError, match=r"no workloads .* in the rendered chart \(only ConfigMap\)"):
        koku_gap.analyze(APP, charts=[ChartSpec(chart, set_values=["on=true"])])


def test_skipping_failing_templates_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each template left out costs a whole render: past MAX_SKIPPED the run stops and says what to give."""
    from koku_gap.sources.helm import render as rendering

    failing = '{{ fail "needs a value" }}\n'
    chart = write_chart(tmp_path, "many", {f"templates/f{i}.yaml": failing for i in range(3)})
    monkeypatch.setattr(rendering, "MAX_SKIPPED", 3)
    assert len(render_chart(ChartSpec(chart), skip_failing_templates=True).skipped) == 3
    monkeypatch.setattr(rendering, "MAX_SKIPPED", 2)
    with pytest.raises(InputError) as caught:
        render_chart(ChartSpec(chart), skip_failing_templates=True)
    assert caught.value.message.startswith("more than 2 templates fail to render (the last: many/templates/")


def test_one_run_names_every_template_that_fails_grouped_by_cause(tmp_path: Path) -> None:
    """Three runs to learn three values was the cost (issue 16): the error names them all at once."""
    odf = '{{ fail "ODF not detected: specify odf.endpoint" }}\n'
    chart = write_chart(
        tmp_path,
        "needy",
        {
            "templates/a.yaml": odf,
            "templates/b.yaml": odf,
            "templates/c.yaml": '{{ fail "Keycloak URL not found: set jwtAuth.keycloak.url" }}\n',
            "templates/ok.yaml": config_map("fine"),
        },
    )
    with pytest.raises(InputError) as caught:
        render_chart(ChartSpec(chart))
    message = caught.value.message
    assert caught.value.line == 1 and caught.value.file.startswith(str(chart / "templates"))
    assert "; 2 more template(s) fail: " in message  # Helm's order decides which comes first
    for template in ("a", "b", "c"):
        assert f"needy/templates/{template}.yaml" in message
    for cause in (
        "ODF not detected: specify odf.endpoint",
        "Keycloak URL not found: set jwtAuth.keycloak.url",
    ):
        assert message.count(cause) == 1  # each cause said once, its templates grouped
    assert "\n" not in message and len(message) < 2000


def test_the_error_naming_every_failing_template_words_its_settings_as_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odf = '{{ fail "ODF not detected: specify odf.endpoint" }}\n'
    chart = write_chart(tmp_path, "needy", {"templates/a.yaml": odf, "templates/b.yaml": odf})
    assert main(["--clowdapp", APP, "--chart", str(chart)]) == 2
    err = capsys.readouterr().err
    assert "give the value it needs with --set or --values, or pass --skip-failing-templates" in err
    assert "set_values=" not in err and "1 more template(s) fail" in err
