"""A suggestion for a component the chart lacks runs as the chart's own workloads of the same image do:
the chart's "sibling" of it lends the env Clowder would inject, its image and its probes (review: a
refresh worker suggested with no database, the SaaS image, and probes on an undeclared port)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from koku_gap.api import analyze
from koku_gap.engine.policy import load_policy
from koku_gap.extras.remediation import (
    NO_SIBLING,
    ChartEnvs,
    identity_env,
    sibling_env,
    values_fragment,
    values_yaml,
)
from koku_gap.model.graph import Component, ComponentGraph, EnvVar, RoleKind
from tests.helpers.engine import graph_component

ROOT = Path(__file__).resolve().parents[3]
PREFIXES = load_policy("koku").strip_prefixes  # clowder-: koku's naming, which its policy strips
EXAMPLE = ROOT / "fixtures" / "example"
PROBE = {"httpGet": {"path": "/livez", "port": "metrics"}, "periodSeconds": 20}


_component = graph_component


def _chart(*components: Component) -> ComponentGraph:
    return ComponentGraph(origin="manifests", files=("f.yaml",), components=components)


def _mine(**kwargs: Any) -> Component:
    env = {"WORKER_QUEUES": "refresh", "ONPREM": "False"}
    script = ("/bin/bash", "-c", "celery worker -Q $WORKER_QUEUES")
    return _component(
        "clowder-worker-refresh", env, origin="clowdapp", command=script, queues=("refresh",), **kwargs
    )


def _worker(name: str = "rel-worker-default", **kwargs: Any) -> Component:
    env = {"WORKER_QUEUES": "celery", "ONPREM": "True", "DATABASE_HOST": "rel-db", "REDIS_HOST": "rel-cache"}
    script = ("/bin/sh", "-c", "cd $APP_HOME; celery worker -Q ${WORKER_QUEUES}")
    defaults: dict[str, Any] = {
        "image": "quay.io/onprem/shop:onprem",
        "command": script,
        "queues": ("celery",),
        "refs": {"DATABASE_PASSWORD": {"secretKeyRef": {"name": "rel-db", "key": "password"}}},
    }
    return _component(name, env, **{**defaults, **kwargs})


def _load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def test_the_sibling_is_the_same_role_kind_first_then_the_most_env_names_in_common() -> None:
    mine = _mine()
    api = _component("rel-api", {"WORKER_QUEUES": "x", "ONPREM": "True", "A": "1"}, kind=RoleKind.WEB_API)
    few = _component("rel-worker-a", {"OTHER": "1"})
    many = _component("rel-worker-b", {"ONPREM": "True"})
    proxy = _component("rel-proxy", {"WORKER_QUEUES": "x", "ONPREM": "True"}, family="nginx")
    assert ChartEnvs(_chart(api, few, many, proxy)).sibling(mine) == many
    assert ChartEnvs(_chart(api, proxy)).sibling(mine) == api  # another role kind rather than none
    assert ChartEnvs(_chart(proxy)).sibling(mine) is None  # another image family never


def test_a_tie_goes_to_the_chart_order() -> None:
    first, second = _worker("rel-worker-b"), _worker("rel-worker-a")
    assert ChartEnvs(_chart(first, second)).sibling(_mine()) == first


def test_the_sibling_adds_what_clowder_would_inject_but_not_its_own_queue() -> None:
    mine, sibling = _mine(), _worker()
    assert identity_env(sibling) == {"WORKER_QUEUES"}  # $APP_HOME is read, but names no queue
    assert [e.name for e in sibling_env(mine, sibling)] == [
        "DATABASE_HOST",
        "REDIS_HOST",
        "DATABASE_PASSWORD",
    ]
    values = values_fragment(mine, {}, sibling=sibling, prefixes=PREFIXES)["workerRefresh"]
    assert values["env"] == {
        "WORKER_QUEUES": "refresh",  # the component's own
        "ONPREM": "False",  # the ClowdApp's: only ``chart`` (ChartEnvs.of) replaces what it sets
        "DATABASE_HOST": "rel-db",
        "REDIS_HOST": "rel-cache",
    }
    assert values["envValueFrom"] == [
        {"name": "DATABASE_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "rel-db", "key": "password"}}}
    ]


def test_the_siblings_switches_stay_its_own() -> None:
    sibling = _component("rel-masu", {"MASU": "true", "KAFKA_HOST": "k"}, switches=("MASU=true",))
    assert [e.name for e in sibling_env(_mine(), sibling)] == ["KAFKA_HOST"]


def test_values_say_where_the_image_and_env_come_from() -> None:
    mine, sibling = _mine(), _worker()
    text = values_yaml(mine, {}, sibling=sibling, prefixes=PREFIXES)
    assert "  image:  # the chart's image, as rel-worker-default\n" in text
    assert "    repository: quay.io/onprem/shop\n    tag: onprem\n" in text
    assert "    REDIS_HOST: rel-cache  # from the chart's rel-worker-default\n" in text
    assert "  - name: DATABASE_PASSWORD  # from the chart's rel-worker-default\n" in text
    assert "    WORKER_QUEUES: refresh\n" in text
    assert NO_SIBLING not in text
    assert _load(text) == values_fragment(mine, {}, sibling=sibling, prefixes=PREFIXES)


def test_without_a_sibling_the_values_say_they_are_saas_settings() -> None:
    mine = _mine(liveness_probe=PROBE)
    text = values_yaml(mine, {}, prefixes=PREFIXES)
    assert text.startswith(NO_SIBLING + "\nworkerRefresh:\n")
    assert _load(text) == values_fragment(mine, prefixes=PREFIXES)
    assert _load(text)["workerRefresh"]["image"] == {"repository": "quay.io/saas/shop", "tag": "abc"}
    assert _load(text)["workerRefresh"]["livenessProbe"] == PROBE
    assert not values_yaml(mine, prefixes=PREFIXES).startswith("#")  # no chart read at all: nothing to say


def test_probes_come_from_the_sibling_with_the_ports_they_name() -> None:
    ports = ({"name": "metrics", "containerPort": 9000},)
    mine = _mine(liveness_probe={"httpGet": {"path": "/saas", "port": "web"}})
    with_named = values_fragment(mine, sibling=_worker(liveness_probe=PROBE, ports=ports), prefixes=PREFIXES)[
        "workerRefresh"
    ]
    assert (with_named["livenessProbe"], with_named["ports"]) == (PROBE, list(ports))
    numbered = {"httpGet": {"path": "/livez", "port": 9000}}
    with_number = values_fragment(
        mine, sibling=_worker(readiness_probe=numbered, ports=ports), prefixes=PREFIXES
    )["workerRefresh"]
    assert with_number["readinessProbe"] == numbered
    assert "ports" not in with_number and "livenessProbe" not in with_number  # the SaaS probe is gone
    without = values_fragment(mine, sibling=_worker(), prefixes=PREFIXES)["workerRefresh"]
    assert not {"livenessProbe", "readinessProbe", "ports"} & set(without)


def test_a_sibling_of_another_role_kind_lends_no_probes() -> None:
    """A web API's probes on a job would kill it: nothing in it answers HTTP."""
    job = _component("cleanup", {"A": "1"}, kind=RoleKind.MANAGEMENT_COMMAND, origin="clowdapp")
    api = _worker("rel-api", kind=RoleKind.WEB_API, liveness_probe=PROBE, ports=({"name": "metrics"},))
    values = values_fragment(job, sibling=api, prefixes=PREFIXES)["cleanup"]
    assert values["image"] == {"repository": "quay.io/onprem/shop", "tag": "onprem"}
    assert "livenessProbe" not in values and "ports" not in values
    assert "REDIS_HOST" in values["env"]


def test_the_example_worker_runs_as_the_charts_worker() -> None:
    report = analyze(EXAMPLE / "clowdapp.yaml", EXAMPLE / "rendered.yaml")
    rows = {r.clowdapp: r for r in report.rows if r.remediation is not None}
    worker = rows["clowder-worker-export"].remediation
    assert worker is not None
    values = _load(worker.values)["clowderWorkerExport"]
    assert values["image"] == {"repository": "quay.io/example/ledger", "tag": "1.4.2"}
    assert values["env"]["WORKER_QUEUES"] == "export"
    assert values["env"]["REDIS_HOST"] == "ledger-onprem-valkey"
    assert values["livenessProbe"]["httpGet"]["port"] in {p["name"] for p in values["ports"]}
    proxy = rows["clowder-api"].remediation  # nginx: the chart runs no such image
    assert proxy is not None and proxy.values.startswith(NO_SIBLING + "\n")


def test_the_corpus_refresh_worker_gets_the_charts_settings(corpus: Path) -> None:
    report = analyze(
        corpus / "koku" / "clowdapp-2026-08-14-f6cc00b31.yaml",
        corpus / "chart" / "cost-onprem-2026-02-12-7cc5007a.yaml",
        policy="default",  # koku's makes the refresh worker optional, with no suggestion
    )
    row = next(r for r in report.rows if r.clowdapp == "clowder-worker-refresh")
    assert row.remediation is not None
    values = _load(row.remediation.values)["clowderWorkerRefresh"]
    refs = {r["name"] for r in values["envValueFrom"]}
    assert {"DATABASE_SERVICE_HOST", "REDIS_HOST", "INSIGHTS_KAFKA_HOST", "S3_ENDPOINT"} <= set(values["env"])
    assert {"DATABASE_USER", "DATABASE_PASSWORD", "DJANGO_SECRET_KEY"} <= refs
    assert values["env"]["WORKER_QUEUES"] == "refresh"
    assert values["image"]["repository"].startswith("quay.io/insights-onprem/")
    assert "livenessProbe" not in values  # the chart's workers have none; port `metrics` is undeclared
    # AWS_CA_BUNDLE names a file the worker's init container assembles into an emptyDir it mounts
    bundle = values["env"]["AWS_CA_BUNDLE"].rsplit("/", 1)[0]
    mount = next(m for m in values["volumeMounts"] if m["mountPath"] == bundle)
    assert {"name": mount["name"], "emptyDir": {}} in values["volumes"]
    assert any(m["name"] == mount["name"] for i in values["initContainers"] for m in i["volumeMounts"])


def test_a_kafka_consumers_topic_and_group_are_not_lent() -> None:
    """Another listener's topic (by value, among the ClowdApps' kafkaTopics) and consumer group would
    make the suggestion read that listener's messages; its Kafka host is everybody's."""
    mine = _component(
        "sources-listener", {"LOG_LEVEL": "info"}, kind=RoleKind.KAFKA_CONSUMER, origin="clowdapp"
    )
    listener = _component(
        "rel-listener",
        {
            "KAFKA_HOST": "kafka:9092",
            "KAFKA_TOPIC": "platform.upload.announce",
            "KAFKA_CONSUMER_GROUP_ID": "g",
        },
        kind=RoleKind.KAFKA_CONSUMER,
    )
    chart = ChartEnvs(_chart(listener), topics=["platform.upload.announce", "platform.sources.event-stream"])
    assert chart.sibling(mine) is listener  # the settings are still the listener's
    lent = chart.lent(mine)
    assert lent is not None and [e.name for e in sibling_env(mine, lent)] == ["KAFKA_HOST"]
    worker = _component("rel-worker", {"KAFKA_TOPIC": "platform.upload.announce"})  # a producer's: shared
    assert ChartEnvs(_chart(worker), topics=["platform.upload.announce"]).lent(_mine()) is worker


CA = {"name": "ca", "mountPath": "/etc/pki/ca", "readOnly": True}
INIT_MOUNTS = ({"name": "ca-source", "mountPath": "/in"}, {"name": "ca", "mountPath": "/out"})


def _mounting_worker() -> Component:
    """A chart worker whose env points at a CA bundle its init container writes to an emptyDir."""
    worker = _worker(volume_mounts=(CA,))
    init = worker.main.model_copy(
        update={
            "name": "prepare-ca",
            "image": "ubi-minimal:9",
            "command": ("bash", "/scripts/combine.sh"),
            "args": (),
            "env": (EnvVar(name="OUT", value="/out", line=1),),
            "volume_mounts": INIT_MOUNTS,
        }
    )
    volumes = (
        {"name": "ca", "emptyDir": {}},
        {"name": "ca-source", "configMap": {"name": "service-ca"}},
        {"name": "unused", "emptyDir": {}},
    )
    return worker.model_copy(update={"init_containers": (init,), "volumes": volumes})


def test_the_siblings_mounts_init_containers_and_volumes_come_along() -> None:
    """The env it lends points at files its pod provides: without them the worker reads no CA bundle."""
    sibling = _mounting_worker()
    values = values_fragment(_mine(), sibling=sibling, prefixes=PREFIXES)["workerRefresh"]
    assert values["volumeMounts"] == [CA]
    assert values["initContainers"] == [
        {
            "name": "prepare-ca",
            "image": "ubi-minimal:9",
            "command": ["bash", "/scripts/combine.sh"],
            "env": [{"name": "OUT", "value": "/out"}],
            "volumeMounts": list(INIT_MOUNTS),
        }
    ]
    assert [v["name"] for v in values["volumes"]] == ["ca", "ca-source"]  # not what nothing mounts


def test_the_mount_keys_say_they_are_the_siblings() -> None:
    text = values_yaml(_mine(), {}, sibling=_mounting_worker(), prefixes=PREFIXES)
    for key in ("initContainers", "volumeMounts", "volumes"):
        assert f"\n  {key}:  # from the chart's rel-worker-default\n" in text
    assert "&" not in text and "*id" not in text  # copies: no YAML anchors or aliases
    assert _load(text)["workerRefresh"]["volumeMounts"] == [CA]


def test_without_a_sibling_nothing_is_mounted() -> None:
    mine = _mine(volume_mounts=(CA,))
    assert not {"initContainers", "volumeMounts", "volumes"} & set(
        values_fragment(mine, prefixes=PREFIXES)["workerRefresh"]
    )
    assert not {"initContainers", "volumeMounts", "volumes"} & set(
        _load(values_yaml(mine, {}, prefixes=PREFIXES))["workerRefresh"]
    )


def test_a_volumes_octal_file_mode_stays_the_mode_kubernetes_reads() -> None:
    """``mode: 0755`` is 493 to Kubernetes (YAML 1.1) and 755 to the YAML 1.2 loader: an invalid mode."""
    scripts = {
        "name": "ca",
        "configMap": {"name": "s", "defaultMode": 644, "items": [{"key": "a", "mode": 755}]},
    }
    sibling = _worker(volume_mounts=(CA,)).model_copy(update={"volumes": (scripts,)})
    (volume,) = values_fragment(_mine(), sibling=sibling, prefixes=PREFIXES)["workerRefresh"]["volumes"]
    assert volume["configMap"] == {"name": "s", "defaultMode": 0o644, "items": [{"key": "a", "mode": 0o755}]}
    kept = {"name": "ca", "secret": {"secretName": "s", "defaultMode": 420}}  # decimal 0644: valid as is
    sibling = sibling.model_copy(update={"volumes": (kept,)})
    assert values_fragment(_mine(), sibling=sibling, prefixes=PREFIXES)["workerRefresh"]["volumes"] == [kept]
