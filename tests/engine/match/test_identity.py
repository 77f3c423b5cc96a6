"""What identifies a service across apps (issue 14): the image family across registries and language
suffixes, and where an image cannot tell, the app's name in the chart's, the app's buckets and topics in
the workload's env, and the chart's routes for the app's ``apiPath``. Each app here has component names
that match no chart workload's, so only the signal under test can pair them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from koku_gap.engine.match import IDENTITY_WEIGHT, family_key, same_family
from tests.helpers.engine import (
    RELEASE,
    celery,
    clowdapp,
    deployment,
    manifests,
    row,
    run,
    service,
    workload,
)

GUNICORN = ["gunicorn", "app.wsgi"]


def public(name: str, api_path: str | None = None, **pod_args: Any) -> dict[str, Any]:
    """A ClowdApp deployment behind a public web service, at ``/api/<api_path>/`` when given."""
    item = deployment(name, **pod_args)
    item["webServices"] = {"public": {"enabled": True, **({"apiPath": api_path} if api_path else {})}}
    return item


def ingress(name: str, *paths: tuple[str, str]) -> dict[str, Any]:
    """An Ingress sending each (path, Service) pair."""
    rules = [
        {"path": p, "pathType": "Prefix", "backend": {"service": {"name": svc, "port": {"number": 8000}}}}
        for p, svc in paths
    ]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": name},
        "spec": {"rules": [{"host": "example.com", "http": {"paths": rules}}]},
    }


@pytest.mark.parametrize(
    ("source", "target", "same"),
    [
        ("insights-ingress", "insights-ingress-go", True),  # a language suffix
        ("ledger", "ledger-api", True),
        ("ledger", "ledger-backend", True),
        ("ledger-go", "ledger-api", True),
        ("nginx-124", "nginx", True),  # versions
        ("ledger", "ledger-onprem", False),  # a word of its own: the same app (same_app), not one family
        ("ledger", "vault", False),
        ("api", "web", False),  # generic words only: compared as written
        ("api", "api", True),
    ],
)
def test_same_family_drops_versions_and_generic_or_language_suffixes(
    source: str, target: str, same: bool
) -> None:
    assert same_family(source, target) is same
    assert (family_key(source) == family_key(target)) is same  # the key _Reach indexes by agrees


def test_a_registry_organisation_and_go_suffix_change_keeps_the_image_family(tmp_path: Path) -> None:
    app = clowdapp("ledger", deployments=[public("service", image="quay.io/acme/ledger:1", command=GUNICORN)])
    chart = manifests(
        workload("rel-frontdoor", image="registry.example.com/other-org/ledger-go:2", command=GUNICORN),
        workload("rel-vault", image="quay.io/acme/vault:1", command=GUNICORN),
    )
    r = row(run(tmp_path, app, chart), "service")
    assert (r.status, r.chart) == ("match", ["rel-frontdoor"])
    assert "same image family (ledger ~ ledger-go)" in r.evidence


def test_the_apps_name_in_a_chart_workloads_name_pairs_it_when_the_image_is_unknown(tmp_path: Path) -> None:
    app = clowdapp("ledger", deployments=[public("service", image=None, command=GUNICORN)])
    # in chart order the other API comes first: without the name it would win the tie, and be a guess
    chart = manifests(
        workload("rel-vault", image=None, command=GUNICORN),
        workload("rel-ledger", image=None, command=GUNICORN),
    )
    r = row(run(tmp_path, app, chart), "service")
    assert (r.status, r.chart) == ("match", ["rel-ledger"])  # confirmed: more than the role pairs them
    assert "named for app ledger" in r.evidence


def test_without_the_name_the_same_pair_is_a_guess(tmp_path: Path) -> None:
    app = clowdapp("ledger", deployments=[public("service", image=None, command=GUNICORN)])
    chart = manifests(
        workload("rel-vault", image=None, command=GUNICORN),
        workload("rel-books", image=None, command=GUNICORN),
    )
    r = row(run(tmp_path, app, chart), "service")
    assert (r.status, r.chart, r.rule) == ("partial", ["rel-vault"], "role-alone-match")


def test_a_workload_configured_with_the_apps_bucket_and_topic_plays_it(tmp_path: Path) -> None:
    app = clowdapp(
        "ledger",
        deployments=[public("service", image=None, command=GUNICORN)],
        objectStore=["ledger-uploads"],
        kafkaTopics=[{"topicName": "ledger.events"}],
    )
    env = {"STORAGE_BUCKET": "ledger-uploads", "PRODUCE_TOPIC": "ledger.events"}
    chart = manifests(
        workload("rel-one", image=None, command=GUNICORN),
        workload("rel-two", image=None, command=GUNICORN, env=env),
    )
    r = row(run(tmp_path, app, chart), "service")
    assert (r.status, r.chart) == ("match", ["rel-two"])
    assert "configured with ledger's ledger-uploads, ledger.events" in r.evidence


def test_a_workload_the_chart_routes_the_apps_api_path_to_plays_it(tmp_path: Path) -> None:
    app = clowdapp("ledger", deployments=[public("service", "books", image=None, command=GUNICORN)])
    chart = manifests(
        workload("rel-one", image=None, command=GUNICORN),
        workload("rel-two", image=None, command=GUNICORN),
        service("rel-one", "rel-one"),
        service("rel-two", "rel-two"),
        ingress("rel", ("/api/books", "rel-two"), ("/api/other", "rel-one")),
    )
    r = row(run(tmp_path, app, chart), "service")
    assert (r.status, r.chart) == ("match", ["rel-two"])
    assert "the chart routes /api/books/ to it" in r.evidence


def test_identity_does_not_outweigh_a_different_image(tmp_path: Path) -> None:
    # named for the app and configured with its bucket, but another application's image: refused
    app = clowdapp(
        "ledger",
        deployments=[public("service", image="quay.io/acme/ledger:1", command=GUNICORN)],
        objectStore=["ledger-uploads"],
    )
    chart = manifests(
        workload("rel-ledger", image="quay.io/acme/vault:1", command=GUNICORN, env={"B": "ledger-uploads"}),
        workload("rel-other", image="quay.io/acme/other:1", command=GUNICORN),
    )
    r = row(run(tmp_path, app, chart), "service")
    assert (r.status, r.chart) == ("missing", [])
    assert not any("named for app" in e for e in r.evidence)
    assert IDENTITY_WEIGHT < 3.0  # OTHER_APP_PENALTY stays decisive


def test_rejections_show_the_apps_own_workloads_first(tmp_path: Path) -> None:
    # READS=true on one of three workloads is a switch: the chart's ledger API lacks it (rejected at
    # 0.30), after three APIs of another image in chart order; the row shows the ledger one first
    app = clowdapp(
        "ledger",
        deployments=[
            public("service", image="quay.io/acme/ledger:1", command=GUNICORN, env={"READS": "true"}),
            deployment("worker-a", image="quay.io/acme/ledger:1", command=celery("a")),
            deployment("worker-b", image="quay.io/acme/ledger:1", command=celery("b")),
        ],
    )
    vault = "quay.io/acme/vault:1"
    chart = manifests(
        workload("rel-a", image=vault, command=GUNICORN),
        workload("rel-b", image=vault, command=GUNICORN),
        workload("rel-c", image=vault, command=GUNICORN),
        workload("rel-ledger-api", image="quay.io/acme/ledger:2", command=GUNICORN),
    )
    r = row(run(tmp_path, app, chart), "service")
    assert r.status == "missing"
    rejected = [e for e in r.evidence if e.startswith("rejected ")]
    assert rejected[0].startswith("rejected rel-ledger-api: score 0.30 (")
    assert len(rejected) == 3


def test_release_prefix_is_not_the_apps_name(tmp_path: Path) -> None:
    # every chart name starts with the release: an app named like the release is not "named for" by it
    app = clowdapp(RELEASE, deployments=[public("service", image=None, command=GUNICORN)])
    chart = manifests(
        workload("rel-vault", image=None, command=GUNICORN),
        workload("rel-books", image=None, command=GUNICORN),
    )
    r = row(run(tmp_path, app, chart), "service")
    assert r.rule == "role-alone-match"
