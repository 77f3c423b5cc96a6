"""A suggested Helm template (and its values.yaml fragment) for a ClowdApp component the chart lacks.

The template is generic and every datum goes through ``.Values``: commands, env, resources and probes
are copied from the ClowdApp pod spec into the values fragment, so nothing the ClowdApp says can
break the template's syntax, and the porting team edits values, not template code.

Env values are the ClowdApp's SaaS defaults unless the chart says otherwise: where the chart's own
workloads of the same image family set a variable, the values take the chart's setting (the most common
one) and say so in a comment; a value written with a template parameter says which one, so a reader
knows what to check before trusting it on-prem.

What Clowder injects (database, cache, Kafka, object store: its cdappconfig) the ClowdApp never says, so
the chart's "sibling" of the component (its most alike workload of the same image family, see
``ChartEnvs.sibling``) lends its own settings of those, its image and its probes (with the ports they
name); without a sibling the values say they are the ClowdApp's SaaS settings. Env it lends often
points at files its pod provides (``AWS_CA_BUNDLE`` at a CA bundle an init container assembles in an
emptyDir), so its volume mounts, init containers and the volumes they name come along too.

One module per job: ``siblings`` (the chart's settings and sibling), ``parameters`` (template
parameters in env values), ``values`` (the fragment), ``annotated`` (it as commented YAML),
``templates`` (the Helm template) and ``names`` (keys and file names, less the policy's prefixes).
"""

from koku_gap.extras.remediation.annotated import NO_SIBLING, values_yaml
from koku_gap.extras.remediation.names import template_path, values_key
from koku_gap.extras.remediation.parameters import parameter_env
from koku_gap.extras.remediation.siblings import (
    ChartEnv,
    ChartEnvs,
    identity_env,
    role_env,
    sibling_env,
)
from koku_gap.extras.remediation.templates import helm_template
from koku_gap.extras.remediation.values import mount_values, values_fragment

__all__ = [
    "NO_SIBLING",
    "ChartEnv",
    "ChartEnvs",
    "helm_template",
    "identity_env",
    "mount_values",
    "parameter_env",
    "role_env",
    "sibling_env",
    "template_path",
    "values_fragment",
    "values_key",
    "values_yaml",
]
