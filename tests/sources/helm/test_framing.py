"""What ``helm template`` does after rendering: order, hooks, ``# Source:`` framing, the same text as Helm."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koku_gap.sources.helm import (
    ChartSpec,
    frame_like_helm_template,
    load_chart,
    render_chart,
    split_manifests,
    template_at,
)
from koku_gap.sources.helm.child import merged_values
from koku_gap.sources.helm.framing import _GO_SPACE
from koku_gap.sources.helm.job import read_job
from koku_gap.sources.helm.sets import expressions
from tests.sources.helm.charts import (
    CLUSTER,
    FAILING,
    SHOP,
    config_map,
    kinds,
    sources,
    write_chart,
)

helm_python = pytest.importorskip("helm_python")


def test_render_frames_each_document_like_helm_template() -> None:
    result = render_chart(ChartSpec(SHOP, [CLUSTER]))
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
    text = render_chart(ChartSpec(SHOP, [CLUSTER])).text
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
    result = render_chart(ChartSpec(SHOP, [CLUSTER]))
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
    result = render_chart(ChartSpec(SHOP, [CLUSTER]))
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
    job = read_job(ChartSpec(SHOP, [CLUSTER], ["listener.enabled=true"]), "shop", 10**7)
    values = merged_values(helm_python, list(job.values_texts), expressions(job.spec))
    try:
        with helm_python.Config(kubeconfig_content=kubeconfig, storage_driver="memory") as config:
            release = config.install(helm_python.Chart.load(str(SHOP)), "shop", values, dry_run="client")
    except helm_python.HelmError as exc:  # pragma: no cover - an SDK that insists on a cluster
        pytest.skip(f"helm-python-sdk cannot dry-run offline here: {exc}")
    text = render_chart(ChartSpec(SHOP, [CLUSTER], ["listener.enabled=true"])).text
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
    space = _GO_SPACE
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
