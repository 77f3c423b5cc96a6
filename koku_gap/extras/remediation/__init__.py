"""A suggested Helm template and its values for a missing component (the module, moved whole, before its
split)."""

from koku_gap.extras.remediation.values import (
    NO_SIBLING,
    ChartEnv,
    ChartEnvs,
    chart_env,
    chart_sibling,
    helm_template,
    identity_env,
    mount_values,
    parameter_env,
    role_env,
    sibling_env,
    template_path,
    values_fragment,
    values_key,
    values_yaml,
    yaml_text,
)

__all__ = [
    "NO_SIBLING",
    "ChartEnv",
    "ChartEnvs",
    "chart_env",
    "chart_sibling",
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
    "yaml_text",
]
