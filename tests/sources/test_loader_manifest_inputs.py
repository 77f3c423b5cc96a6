"""What ``--manifests`` refuses or warns about: the other side's files, no workloads, repeated objects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import koku_gap
from koku_gap import InputError, load_manifests
from koku_gap.cli import main
from koku_gap.model.graph import ComponentGraph, SourceRef
from koku_gap.sources.manifests import manifests_from_text, require_workloads

LineFinder = Callable[..., int]
SWAP = "is not rendered chart output: did you swap the ClowdApp and the manifests?"


@pytest.fixture
def rendered(fixtures_dir: Path) -> Path:
    return fixtures_dir / "rendered.yaml"


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
