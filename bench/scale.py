"""Synthetic inputs the size of the koku pair, times N: N ClowdApps x M deployments, and a chart.

Each ClowdApp looks like koku's (web APIs, a proxy, Kafka listeners, Celery beat and 22 workers with
their own queues, a migration job and an ad-hoc job; about 45 env vars, probes, resources and volumes
each; parameters to substitute; Kafka topics, buckets, dependencies), and each gets a chart
counterpart like cost-onprem's 23 workloads: some play ClowdApp components (5 of the 22 workers, the
API, the listener, ...), others are the chart's own (database, cache, gateway, a UI, ROS services).
Every app has its own image and queue names, so app k's components match app k's chart workloads.

Files hold at most ``apps_per_file`` apps, which keeps each under the per-file limits (bytes, YAML
nodes, workloads); the chart side's limit on workloads counts over all its files, so past 1,000 chart
workloads (the 100x case) ``gap-report`` needs ``--max-workloads``.

Generated into a directory at bench time (and in tests), never committed:

    python bench/scale.py DIR [--apps N] [--deployments M]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

KOKU_DEPLOYMENTS = 32  # koku's template: 30 deployments and 2 jobs
CHART_WORKLOADS = 23  # cost-onprem's render: workloads per app
CHART_OBJECTS = 47  # and other objects (Services, ConfigMaps, NetworkPolicies, ...)
APPS_PER_FILE = 10

QUEUES = (
    "celery",
    "cost_model",
    "cost_model_xl",
    "cost_model_penalty",
    "download",
    "download_xl",
    "download_penalty",
    "ocp",
    "ocp_xl",
    "ocp_penalty",
    "priority",
    "priority_xl",
    "priority_penalty",
    "refresh",
    "refresh_xl",
    "refresh_penalty",
    "summary",
    "summary_xl",
    "summary_penalty",
    "hcs",
    "subs_extraction",
    "subs_transmission",
)
CHART_QUEUES = ("cost_model", "celery", "ocp", "priority", "summary")  # the workers the chart has
PARAMETERS = (
    ("CLOWDER_ENABLED", "True"),
    ("CELERY_LOG_LEVEL", "INFO"),
    ("DJANGO_LOG_LEVEL", "INFO"),
    ("KOKU_LOG_LEVEL", "INFO"),
    ("SCHEMA_SUFFIX", ""),
    ("TRINO_HOST", "trino"),
    ("TRINO_PORT", "10000"),
    ("UNLEASH_CACHE_DIR", "/tmp/unleash"),
    ("DEVELOPMENT", "False"),
    ("TMP_DIR", "/tmp"),
    ("ENV_NAME", "bench-env"),
    ("WORKER_REPLICAS", "1"),
    ("API_REPLICAS", "2"),
    ("CPU_LIMIT", "500m"),
    ("MEMORY_LIMIT", "1Gi"),
    ("CPU_REQUEST", "100m"),
    ("MEMORY_REQUEST", "512Mi"),
    ("MGMT_COMMAND", "echo"),
)
SETTINGS = (  # env vars every ClowdApp component sets (koku: about 40 per component)
    "POLLING_TIMER",
    "POLLING_COUNT",
    "XL_REPORT_COUNT",
    "PROCESSING_WAIT_TIMER",
    "LARGE_PROCESSING_WAIT_TIMER",
    "TAG_ENABLED_LIMIT",
    "AUTO_DATA_INGEST",
    "REPORT_PROCESSING_BATCH_SIZE",
    "PROMETHEUS_PUSHGATEWAY",
    "SOURCES_API_PREFIX",
    "WORKER_CACHE_TIMEOUT",
    "WORKER_CACHE_LARGE_CUSTOMER_TIMEOUT",
    "QE_SCHEMA",
    "ENHANCED_ORG_ADMIN",
    "RETAIN_NUM_MONTHS",
    "INITIAL_INGEST_NUM_MONTHS",
    "INITIAL_INGEST_OVERRIDE",
    "DATE_OVERRIDE",
    "DEMO_ACCOUNTS",
    "VALIDATION_RANGE",
    "TRINO_DATE_STEP",
    "PANDAS_COLUMN_BATCH_SIZE",
    "PARQUET_PROCESSING_BATCH_SIZE",
    "KOKU_ENABLE_SENTRY",
    "KOKU_SENTRY_ENVIRONMENT",
    "WORKER_PROC_ALIVE_TIMEOUT",
    "ACCOUNT_ENHANCED_METRICS",
    "CACHED_VIEWS_DISABLED",
    "TENANT_MULTIPROCESSING_MAX_PROCESSES",
    "TENANT_MULTIPROCESSING_CHUNKS",
    "ENABLE_PARQUET_PROCESSING",
    "ENABLE_TRINO_SOURCES",
    "ENABLE_TRINO_ACCOUNTS",
    "ENABLE_TRINO_SOURCE_TYPE",
    "KAFKA_CONNECT",
    "RBAC_CACHE_TTL",
    "MAX_GROUP_BY",
    "GUNICORN_WORKERS",
    "GUNICORN_THREADS",
    "POD_CPU_LIMIT",
    "CELERY_RESULT_EXPIRES",
    "REQUESTED_BUCKET",
    "REQUESTED_ROS_BUCKET",
    "REQUESTED_SUBS_BUCKET",
    "S3_REGION",
    "PROMETHEUS_MULTIPROC_DIR",
)


@dataclass(frozen=True)
class Generated:
    """What ``generate`` wrote: the files for --clowdapp and --manifests, and what they hold."""

    clowdapps: list[Path]
    manifests: list[Path]
    apps: int
    components: int  # ClowdApp deployments and jobs, all apps
    workloads: int  # chart workloads, all apps
    objects: int  # chart objects that are not workloads

    def args(self) -> list[str]:
        """``gap-report`` arguments naming every file."""
        return [a for c in self.clowdapps for a in ("--clowdapp", str(c))] + [
            a for m in self.manifests for a in ("--manifests", str(m))
        ]


def app_name(index: int) -> str:
    return f"app{index:03d}"


def _env(lines: list[str], pad: str, name: str, value: str) -> None:
    lines += [f"{pad}- name: {name}", f"{pad}  value: {value}"]


def _secret_env(lines: list[str], pad: str, name: str, secret: str, key: str) -> None:
    lines += [
        f"{pad}- name: {name}",
        f"{pad}  valueFrom:",
        f"{pad}    secretKeyRef:",
        f"{pad}      key: {key}",
        f"{pad}      name: {secret}",
        f"{pad}      optional: false",
    ]


def _probe(lines: list[str], pad: str, key: str, path: str) -> None:
    lines += [
        f"{pad}{key}:",
        f"{pad}  failureThreshold: 5",
        f"{pad}  httpGet:",
        f"{pad}    path: {path}",
        f"{pad}    port: metrics",
        f"{pad}    scheme: HTTP",
        f"{pad}  initialDelaySeconds: 30",
        f"{pad}  periodSeconds: 20",
        f"{pad}  successThreshold: 1",
        f"{pad}  timeoutSeconds: 10",
    ]


def _clowdapp_components(app: str, count: int) -> list[tuple[str, str, list[str], dict[str, str]]]:
    """(name, kind, command, extra env) for each component, koku's mix repeated to ``count``."""
    manage = ["/bin/bash", "-c", f"python {app}/manage.py"]
    worker = (
        "PYTHONPATH=${{APP_HOME}} celery -A {app} worker --without-gossip -E -l $CELERY_LOG_LEVEL"
        " -Q $WORKER_QUEUES"
    )
    base: list[tuple[str, str, list[str], dict[str, str]]] = [
        ("api-reads", "Deployment", [], {}),
        ("api-writes", "Deployment", [], {}),
        ("clowder-api", "Deployment", ["nginx", "-g", "daemon off;"], {}),
        ("clowder-listener", "Deployment", [*manage[:2], f"{manage[2]} listener"], {}),
        ("clowder-masu", "Deployment", [], {"MASU": "'true'"}),
        (
            "clowder-scheduler",
            "Deployment",
            ["/bin/bash", "-c", f"PYTHONPATH=${{APP_HOME}} celery -A {app} beat -l $CELERY_LOG_LEVEL"],
            {},
        ),
        ("clowder-sources-client", "Deployment", [], {"SOURCES": "'true'"}),
        (
            "clowder-sources-listener",
            "Deployment",
            [*manage[:2], f"{manage[2]} sources_listener"],
            {"SOURCES": "'true'"},
        ),
    ]
    for queue in QUEUES:
        base.append(
            (
                f"clowder-worker-{queue.replace('_', '-')}",
                "Deployment",
                ["/bin/bash", "-c", worker.format(app=app)],
                {"WORKER_QUEUES": f"{app}_{queue}"},
            )
        )
    base.append(("db-migrate", "Job", ["/bin/bash", "-c", "$APP_ROOT/scripts/run_migrations.sh"], {}))
    base.append(("management-command", "Job", ["/bin/bash", "-c", "${MGMT_COMMAND}"], {}))
    components = []
    for i in range(count):
        name, kind, command, env = base[i % len(base)]
        round_ = i // len(base)
        components.append((name if round_ == 0 else f"{name}-r{round_}", kind, command, env))
    return components


def clowdapp_text(app: str, deployments: int) -> list[str]:
    """The lines of one ClowdApp object, as an item of a Template's ``objects`` (indent 0)."""
    image = f"quay.io/bench/{app}"
    lines = [
        "- apiVersion: cloud.redhat.com/v1alpha1",
        "  kind: ClowdApp",
        "  metadata:",
        f"    name: {app}",
        "  spec:",
        "    database:",
        f"      name: {app}",
        "      version: 16",
        "    dependencies:",
        "    - ingress",
        "    - rbac",
        "    - sources-api",
        "    envName: ${ENV_NAME}",
        "    featureFlags: true",
        "    inMemoryDb: true",
        "    kafkaTopics:",
        *[f"    - topicName: platform.{app}.topic-{t}" for t in range(6)],
        "    objectStore:",
        *[f"    - {app}-bucket-{b}" for b in range(3)],
    ]
    deployments_lines: list[str] = []
    jobs_lines: list[str] = []
    for name, kind, command, extra in _clowdapp_components(app, deployments):
        out = deployments_lines if kind == "Deployment" else jobs_lines
        pad = "        "
        out += [f"    - name: {name}"]
        if kind == "Deployment":
            web = name.startswith("api-") or name in ("clowder-masu", "clowder-sources-client", "clowder-api")
            replicas = "${{API_REPLICAS}}" if web else "${{WORKER_REPLICAS}}"
            out += [
                "      metadata:",
                "        annotations:",
                "          ignore-check.kube-linter.io/minimum-three-replicas: one pod at times to save cost",
                f"      replicas: {replicas}",
                "      webServices:",
                "        private:",
                "          enabled: false",
                "        public:",
                f"          enabled: {'true' if web else 'false'}",
            ]
        out += ["      podSpec:"]
        proxy = name == "clowder-api"
        out += [f"{pad[:-2]}  image: {'quay.io/bench/nginx-124' if proxy else image}:latest"]
        if command:
            out += [f"{pad}command:", *[f"{pad}- {_quote(c)}" for c in command]]
        out += [f"{pad}env:"]
        env: list[str] = []
        _env(env, pad, "CLOWDER_ENABLED", "${CLOWDER_ENABLED}")
        _env(env, pad, "CELERY_LOG_LEVEL", "${CELERY_LOG_LEVEL}")
        _env(env, pad, "SCHEMA_SUFFIX", "${SCHEMA_SUFFIX}")
        _secret_env(env, pad, "DJANGO_SECRET_KEY", f"{app}-secret", "django-secret-key")
        _secret_env(env, pad, "AWS_ACCESS_KEY_ID", f"{app}-aws", "aws_access_key_id")
        _secret_env(env, pad, "AWS_SECRET_ACCESS_KEY", f"{app}-aws", "aws_secret_access_key")
        _secret_env(env, pad, "GCP_CREDENTIALS", f"{app}-gcp", "gcp-credentials")
        _secret_env(env, pad, "SENTRY_DSN", f"{app}-sentry", "dsn")
        _env(env, pad, "TRINO_HOST", "${TRINO_HOST}")
        _env(env, pad, "TRINO_PORT", "${TRINO_PORT}")
        _env(env, pad, "UNLEASH_CACHE_DIR", "${UNLEASH_CACHE_DIR}")
        for setting in SETTINGS if not proxy else SETTINGS[:3]:
            _env(env, pad, setting, f"'{len(setting)}'")
        for key, value in extra.items():
            _env(env, pad, key, value)
        out += env
        if kind == "Deployment":
            _probe(out, pad, "livenessProbe", "/livez")
            _probe(out, pad, "readinessProbe", "/readyz")
        out += [
            f"{pad}resources:",
            f"{pad}  limits:",
            f"{pad}    cpu: ${{CPU_LIMIT}}",
            f"{pad}    memory: ${{MEMORY_LIMIT}}",
            f"{pad}  requests:",
            f"{pad}    cpu: ${{CPU_REQUEST}}",
            f"{pad}    memory: ${{MEMORY_REQUEST}}",
            f"{pad}volumeMounts:",
            f"{pad}- mountPath: ${{TMP_DIR}}",
            f"{pad}  name: tmp-data",
            f"{pad}- mountPath: /etc/gcp",
            f"{pad}  name: gcp-credentials",
            f"{pad}  readOnly: true",
            f"{pad}volumes:",
            f"{pad}- emptyDir: {{}}",
            f"{pad}  name: tmp-data",
            f"{pad}- name: gcp-credentials",
            f"{pad}  secret:",
            f"{pad}    items:",
            f"{pad}    - key: gcp-credentials",
            f"{pad}      path: gcp-credentials.json",
            f"{pad}    secretName: {app}-gcp",
        ]
    if deployments_lines:
        lines += ["    deployments:", *deployments_lines]
    if jobs_lines:
        lines += ["    jobs:", *jobs_lines]
    lines += [
        "- apiVersion: v1",
        "  kind: Secret",
        "  metadata:",
        f"    name: {app}-secret",
        "  stringData:",
        "    django-secret-key: not-a-secret",
    ]
    return lines


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def template_text(apps: list[str], deployments: int) -> str:
    lines = [
        "apiVersion: template.openshift.io/v1",
        "kind: Template",
        "metadata:",
        "  name: bench",
        "objects:",
    ]
    for app in apps:
        lines += clowdapp_text(app, deployments)
    lines += ["parameters:"]
    for name, value in PARAMETERS:
        lines += [f"- name: {name}", f"  value: {_quote(value)}"]
    return "\n".join(lines) + "\n"


def _chart_workloads(app: str) -> list[tuple[str, str, str, list[str], dict[str, str], int]]:
    """(name, kind, image, command, env switches, init containers) of the chart workloads of one app."""
    koku = f"quay.io/bench/{app}:1.0"
    ros = f"quay.io/bench/ros-ocp-backend-{app}:1.0"
    kruize = f"quay.io/bench/autotune-{app}:1.0"
    worker = "cd $APP_HOME\nPYTHONPATH=$APP_HOME celery -A {app} worker -E -l info -Q ${{WORKER_QUEUES}}\n"
    w: list[tuple[str, str, str, list[str], dict[str, str], int]] = [
        ("koku-api", "Deployment", koku, ["gunicorn", f"{app}.wsgi"], {"ENHANCED_ORG_ADMIN": "true"}, 1),
        (
            "celery-beat",
            "Deployment",
            koku,
            ["/bin/sh", "-c", f"celery -A {app} beat -l info"],
            {},
            1,
        ),
    ]
    for queue in CHART_QUEUES:
        w.append(
            (
                f"celery-worker-{queue.replace('_', '-')}",
                "Deployment",
                koku,
                ["/bin/sh", "-c", worker.format(app=app)],
                {"WORKER_QUEUES": f"{app}_{queue}"},
                1,
            )
        )
    w += [
        ("koku-migrate", "Job", koku, ["python", f"{app}/manage.py", "migrate"], {}, 0),
        (
            "koku-listener",
            "Deployment",
            koku,
            ["python", f"{app}/manage.py", "listener"],
            {"KAFKA_CONNECT": "true", "MASU": "true"},
            1,
        ),
        (
            "koku-masu",
            "Deployment",
            koku,
            ["gunicorn", "masu.wsgi"],
            {"KAFKA_CONNECT": "true", "MASU": "true"},
            1,
        ),
        (
            "gateway",
            "Deployment",
            "quay.io/bench/proxyv2-rhel9:1.0",
            ["envoy", "-c", "/etc/envoy.yaml"],
            {},
            1,
        ),
        ("valkey", "Deployment", "quay.io/bench/valkey-8:8", ["valkey-server", "--port", "6379"], {}, 0),
        ("database", "StatefulSet", "quay.io/bench/postgresql-16:16", [], {}, 0),
        ("ingress", "Deployment", "quay.io/bench/insights-ingress-go:1.0", [], {}, 3),
        ("kruize-delete-partitions", "CronJob", kruize, ["RetentionPartition"], {"local": "true"}, 0),
        ("kruize", "Deployment", kruize, [], {"local": "true", "plots": "true"}, 2),
        ("ros-api", "Deployment", ros, ["rosocp", "start", "api"], {}, 2),
        ("ros-partition-cleaner", "CronJob", ros, ["rosocp", "start", "housekeeper", "--partitions"], {}, 0),
        ("ros-housekeeper", "Deployment", ros, ["rosocp", "start", "housekeeper", "--sources"], {}, 4),
        ("ros-migrate", "Job", ros, ["rosocp", "db", "migrate", "up"], {}, 0),
        (
            "ros-processor",
            "Deployment",
            ros,
            ["rosocp", "start", "processor"],
            {"KAFKA_AUTO_COMMIT": "true"},
            4,
        ),
        ("ros-rec-poller", "Deployment", ros, ["rosocp", "start", "recommendation-poller"], {}, 3),
        ("ui", "Deployment", "quay.io/bench/koku-ui-onprem:1.0", ["nginx", "-g", "daemon off;"], {}, 0),
    ]
    assert len(w) == CHART_WORKLOADS
    return w


def _labels(lines: list[str], pad: str, app: str, name: str) -> None:
    lines += [
        f"{pad}labels:",
        f"{pad}  helm.sh/chart: onprem-0.3.0",
        f"{pad}  app.kubernetes.io/name: {name}",
        f"{pad}  app.kubernetes.io/instance: onprem",
        f"{pad}  app.kubernetes.io/part-of: {app}",
        f'{pad}  app.kubernetes.io/version: "0.3.0"',
        f"{pad}  app.kubernetes.io/managed-by: Helm",
    ]


def _container(
    lines: list[str], pad: str, name: str, image: str, command: list[str], env: dict[str, str]
) -> None:
    lines += [f"{pad}- name: {name}", f'{pad}  image: "{image}"', f"{pad}  imagePullPolicy: Always"]
    if command:
        lines += [f"{pad}  command:"]
        for word in command:
            if "\n" in word:
                lines += [f"{pad}    - |", *[f"{pad}      {x}" for x in word.rstrip("\n").split("\n")]]
            else:
                lines += [f"{pad}    - {_quote(word)}"]
    lines += [f"{pad}  env:"]
    for key, value in env.items():
        lines += [f"{pad}  - name: {key}", f'{pad}    value: "{value}"']
    for setting in SETTINGS[:16]:
        lines += [f"{pad}  - name: {setting}", f'{pad}    value: "{len(setting)}"']
    lines += [
        f"{pad}  - name: DATABASE_PASSWORD",
        f"{pad}    valueFrom:",
        f"{pad}      secretKeyRef:",
        f"{pad}        name: onprem-db-credentials",
        f"{pad}        key: password",
        f"{pad}  resources:",
        f"{pad}    limits:",
        f"{pad}      cpu: 500m",
        f"{pad}      memory: 1Gi",
        f"{pad}    requests:",
        f"{pad}      cpu: 250m",
        f"{pad}      memory: 512Mi",
        f"{pad}  ports:",
        f"{pad}  - name: http",
        f"{pad}    containerPort: 8000",
        f"{pad}  livenessProbe:",
        f"{pad}    httpGet:",
        f"{pad}      path: /livez",
        f"{pad}      port: http",
        f"{pad}  volumeMounts:",
        f"{pad}  - name: tmp",
        f"{pad}    mountPath: /tmp",
        f"{pad}  securityContext:",
        f"{pad}    allowPrivilegeEscalation: false",
        f"{pad}    capabilities:",
        f"{pad}      drop:",
        f"{pad}      - ALL",
    ]


def chart_text(apps: list[str]) -> str:
    """``helm template`` output for the chart workloads and objects of ``apps``."""
    lines: list[str] = []
    for app in apps:
        for name, kind, image, command, env, inits in _chart_workloads(app):
            full = f"onprem-{app}-{name}"
            lines += [
                "---",
                f"# Source: onprem/templates/{app}/{name}.yaml",
                "apiVersion: " + ("batch/v1" if kind in ("Job", "CronJob") else "apps/v1"),
                f"kind: {kind}",
                "metadata:",
                f"  name: {full}",
                "  namespace: onprem",
            ]
            _labels(lines, "  ", app, full)
            if kind == "Job":
                lines += ["  annotations:", '    "helm.sh/hook": post-install,post-upgrade']
            lines += ["spec:"]
            pad = "    "
            if kind == "CronJob":
                lines += ['  schedule: "0 3 * * *"', "  jobTemplate:", "    spec:"]
                pad = "        "
                lines += [f"{pad[:-2]}template:"]
            else:
                if kind != "Job":
                    lines += [
                        "  replicas: 1",
                        "  selector:",
                        "    matchLabels:",
                        f"      app.kubernetes.io/name: {full}",
                    ]
                lines += ["  template:"]
            lines += [f"{pad}metadata:"]
            _labels(lines, pad + "  ", app, full)
            lines += [f"{pad}spec:", f"{pad}  serviceAccountName: {app}"]
            if kind in ("Job", "CronJob"):
                lines += [f"{pad}  restartPolicy: Never"]
            if inits:
                lines += [f"{pad}  initContainers:"]
                for i in range(inits):
                    _container(
                        lines,
                        pad + "  ",
                        f"prepare-{i}",
                        "registry.access.redhat.com/ubi9/ubi-minimal:latest",
                        ["bash", f"/scripts/prepare-{i}.sh"],
                        {},
                    )
            lines += [f"{pad}  containers:"]
            _container(lines, pad + "  ", name, image, command, env)
            lines += [f"{pad}  volumes:", f"{pad}  - name: tmp", f"{pad}    emptyDir: {{}}"]
        for i in range(CHART_OBJECTS):
            kind = ("Service", "ConfigMap", "NetworkPolicy", "ServiceMonitor")[i % 4]
            lines += [
                "---",
                f"# Source: onprem/templates/{app}/{kind.lower()}-{i}.yaml",
                "apiVersion: v1",
                f"kind: {kind}",
                "metadata:",
                f"  name: onprem-{app}-{kind.lower()}-{i}",
            ]
            _labels(lines, "  ", app, f"onprem-{app}")
            if kind == "ConfigMap":
                lines += ["data:", "  settings.conf: |", "    key = value", "    other = 1"]
            else:
                lines += ["spec:", "  selector:", f"    app.kubernetes.io/part-of: {app}"]
    return "\n".join(lines) + "\n"


def generate(
    directory: Path, apps: int, deployments: int = KOKU_DEPLOYMENTS, apps_per_file: int = APPS_PER_FILE
) -> Generated:
    """Write ``apps`` ClowdApps of ``deployments`` components each, and their chart, into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    names = [app_name(i) for i in range(apps)]
    groups = [names[i : i + apps_per_file] for i in range(0, len(names), apps_per_file)]
    clowdapps: list[Path] = []
    manifests: list[Path] = []
    for number, group in enumerate(groups):
        clowdapp = directory / f"clowdapp-{number:02d}.yaml"
        clowdapp.write_text(template_text(group, deployments), encoding="utf-8")
        clowdapps.append(clowdapp)
        rendered = directory / f"rendered-{number:02d}.yaml"
        rendered.write_text(chart_text(group), encoding="utf-8")
        manifests.append(rendered)
    return Generated(
        clowdapps=clowdapps,
        manifests=manifests,
        apps=apps,
        components=apps * deployments,
        workloads=apps * CHART_WORKLOADS,
        objects=apps * CHART_OBJECTS,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--apps", type=int, default=1, help="ClowdApps (1 is the koku pair's size)")
    parser.add_argument("--deployments", type=int, default=KOKU_DEPLOYMENTS, help="components per ClowdApp")
    args = parser.parse_args(argv)
    made = generate(args.directory, args.apps, args.deployments)
    print(" ".join(made.args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
