"""The fields of Clowder's ClowdApp CRD, per place: what the API server keeps of a ClowdApp.

Clowder's ``apis/cloud.redhat.com/v1alpha1/clowdapp_types.go`` in RedHatInsights/clowder at commit
928e5390 (2026-07-01; the places below were the same at 6ee11f1, but for sidecars' newer fields).
The API server drops any other key, so Clowder never sees it: such a key is a warning
(``unknown-key``). ``webServices.metrics`` is an empty struct there, yet ``enabled`` is written and
read, so that section is not checked. A field a newer Clowder added would be a false alarm: compare
with that file when Clowder changes.
"""

from __future__ import annotations

from collections.abc import Mapping

SPEC_FIELDS = frozenset(
    {
        "deployments",
        "jobs",
        "envName",
        "kafkaTopics",
        "database",
        "objectStore",
        "inMemoryDb",
        "sharedInMemoryDbAppName",
        "featureFlags",
        "dependencies",
        "optionalDependencies",
        "testing",
        "cyndi",
        "disabled",
    }
)
DEPLOYMENT_FIELDS = frozenset(
    {
        "name",
        "minReplicas",
        "replicas",
        "web",
        "webServices",
        "podSpec",
        "k8sAccessLevel",
        "autoScaler",
        "autoScalerSimple",
        "deploymentStrategy",
        "metadata",
    }
)
JOB_FIELDS = frozenset(
    {
        "name",
        "disabled",
        "schedule",
        "parallelism",
        "completions",
        "podSpec",
        "restartPolicy",
        "concurrencyPolicy",
        "suspend",
        "successfulJobsHistoryLimit",
        "failedJobsHistoryLimit",
        "startingDeadlineSeconds",
        "activeDeadlineSeconds",
    }
)
POD_SPEC_FIELDS = frozenset(
    {
        "image",
        "initContainers",
        "metadata",
        "command",
        "args",
        "env",
        "resources",
        "livenessProbe",
        "readinessProbe",
        "volumes",
        "volumeMounts",
        "lifecycle",
        "terminationGracePeriodSeconds",
        "sidecars",
        "machinePool",
    }
)
# An init container (``InitContainer``): Clowder builds it from these alone and gives it the main
# container's resources, volumeMounts and imagePullPolicy (providers/deployment/impl.go,
# ProcessInitContainers), so the same keys written on the init container are dropped.
INIT_CONTAINER_FIELDS = frozenset({"name", "image", "command", "args", "inheritEnv", "env"})
FROM_MAIN_CONTAINER = frozenset({"resources", "volumeMounts", "imagePullPolicy"})
SIDECAR_FIELDS = frozenset(
    {"name", "enabled", "image", "configMap", "envVars", "memoryRequest", "memoryLimit", "volumeMounts"}
)
PUBLIC_WEB_FIELDS = frozenset(
    {
        "enabled",
        "h2cEnabled",
        "h2cTargetPort",
        "tls",
        "apiPath",
        "apiPaths",
        "whitelistPaths",
        "sessionAffinity",
    }
)
PRIVATE_WEB_FIELDS = frozenset({"enabled", "h2cEnabled", "h2cTargetPort", "tls"})
# Kubernetes container fields the shared pod-spec reader takes even from a ClowdApp, though the CRD
# lacks them: their warning cannot say "ignored"
READ_THOUGH_UNKNOWN = frozenset({"startupProbe", "ports", "envFrom"})
# Clowder's pre-2021 schema, still read: `spec.pods` (now `deployments`), each item holding the pod
# spec's fields at its own top level instead of under `podSpec`
LEGACY_POD_FIELDS = POD_SPEC_FIELDS - DEPLOYMENT_FIELDS
CLOWDAPP_FIELDS: Mapping[str, frozenset[str]] = {
    "spec": SPEC_FIELDS | {"pods"},
    "deployment": DEPLOYMENT_FIELDS,
    "pod": DEPLOYMENT_FIELDS | LEGACY_POD_FIELDS,
    "job": JOB_FIELDS,
    "podSpec": POD_SPEC_FIELDS,
    "webServices": frozenset({"public", "private", "metrics"}),
    "webServices.public": PUBLIC_WEB_FIELDS,
    "webServices.private": PRIVATE_WEB_FIELDS,
    "initContainer": INIT_CONTAINER_FIELDS,
    "sidecar": SIDECAR_FIELDS,
}
