"""The policies shipped with the tool: the files of ``koku_gap/policies``, listed once.

``--policy NAME`` (the CLI, before arguments are parsed, and a config file) and the policy loader
(``NAME``, ``extends: NAME``) accept the same names; this module imports nothing, so the CLI lists
them without loading pydantic (nor importlib.resources: 10 ms).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

POLICY_DIR = Path(__file__).parents[1] / "policies"  # shipped as files in the wheel, as the package is


@cache
def bundled_policies() -> tuple[str, ...]:
    """The names ``--policy`` and ``extends:`` accept without a path, sorted."""
    return tuple(sorted(f.stem for f in POLICY_DIR.glob("*.yaml")))
