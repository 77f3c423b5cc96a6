"""Suggested templates Kubernetes would accept (issue 16): rendered with Helm's own engine, every name
one part of the pod gives another resolves (``tests/helpers/kube.problems``)."""

from __future__ import annotations

from pathlib import Path

import pytest

import koku_gap
from koku_gap.model.report import Report
from tests.extras.remediation.test_families import _render
from tests.helpers.engine import celery, clowdapp, container, deployment, manifests, run, workload
from tests.helpers.kube import problems

LIMIT = {"resourceFieldRef": {"containerName": "api", "resource": "limits.cpu"}}


def _suggestions_problems(report: Report, tmp_path: Path) -> dict[str, list[str]]:
    """Each suggestion's and each family's rendered objects, by name, with what Kubernetes would refuse."""
    found: dict[str, list[str]] = {}
    for row in report.rows:
        if row.remediation is not None:
            r = row.remediation
            for doc in _render(tmp_path, r.path, r.template, r.values):
                found[f"{row.id}: {doc['metadata']['name']}"] = problems(doc)
    for family in report.families:
        for doc in _render(tmp_path, family.path, family.template, family.values):
            found[f"family {family.key}: {doc['metadata']['name']}"] = problems(doc)
    return found


def test_a_resource_reference_copied_from_the_sibling_names_the_new_container(tmp_path: Path) -> None:
    """The chart's listener reads its CPU limit by ``containerName: api``; the suggested pod has no
    container ``api``: its copy names the suggestion's own container."""
    app = clowdapp(deployments=[deployment("export", command=celery("export"), env={"MODE": "w"})])
    worker = container("api", command=celery("default"), env={"MODE": "w"})
    worker["env"].append({"name": "CPU", "valueFrom": LIMIT})
    chart = manifests(workload("shop-worker", containers=[worker]))
    report = run(tmp_path, app, chart)
    export = report.row("export")
    assert export.remediation is not None
    assert "containerName: export" in export.remediation.values
    (tmp_path / "render").mkdir()
    found = _suggestions_problems(report, tmp_path / "render")
    assert found and all(p == [] for p in found.values()), found


def test_a_reference_to_a_container_the_new_pod_lacks_names_none() -> None:
    from koku_gap.extras.remediation.values import own_reference

    ref = {"resourceFieldRef": {"containerName": "sidecar", "resource": "limits.memory"}}
    assert own_reference(ref, {"api": "sync"}, {"sync"}) == {
        "resourceFieldRef": {"resource": "limits.memory"}
    }
    assert own_reference(LIMIT, {"api": "sync"}, {"sync"}) == {
        "resourceFieldRef": {"containerName": "sync", "resource": "limits.cpu"}
    }
    assert own_reference({"secretKeyRef": {"name": "s", "key": "k"}}, {}, ()) == {
        "secretKeyRef": {"name": "s", "key": "k"}
    }


@pytest.mark.parametrize(
    "chart",
    [
        "cost-management-infrastructure-2025-11-23-223a2451.yaml",
        "cost-onprem-2026-01-12-0cc9aa7d.yaml",
        "cost-onprem-2026-02-12-7cc5007a.yaml",
    ],
)
def test_every_suggestion_for_the_real_pairs_is_a_pod_kubernetes_accepts(
    corpus: Path, tmp_path: Path, chart: str
) -> None:
    """Before: POD_CPU_LIMIT read the resources of container koku-api / listener, and probes named
    Clowder's ports (web, metrics) that no container declared."""
    pytest.importorskip("helm_python")
    report = koku_gap.analyze(
        clowdapps=[corpus / "koku/clowdapp-2026-08-14-f6cc00b31.yaml"], manifests=[corpus / "chart" / chart]
    )
    found = _suggestions_problems(report, tmp_path)
    assert found
    assert {name: p for name, p in found.items() if p} == {}
