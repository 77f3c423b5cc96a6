"""The Clowder CRD field table: one revision, named where the docs say it is."""

from __future__ import annotations

import re
from pathlib import Path

from koku_gap.sources import clowder_crd
from koku_gap.sources.clowder_crd import (
    CLOWDAPP_FIELDS,
    DEPLOYMENT_FIELDS,
    LEGACY_POD_FIELDS,
    POD_SPEC_FIELDS,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_docs_name_the_clowder_commit_the_table_follows() -> None:
    (commit,) = re.findall(r"at commit\s+([0-9a-f]{7,40})\b", clowder_crd.__doc__ or "")
    errors = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert f"`clowdapp_types.go` at commit {commit}" in errors


def test_the_legacy_pod_holds_the_pod_spec_fields_at_its_own_level() -> None:
    assert LEGACY_POD_FIELDS == POD_SPEC_FIELDS - DEPLOYMENT_FIELDS
    assert CLOWDAPP_FIELDS["pod"] == DEPLOYMENT_FIELDS | LEGACY_POD_FIELDS
    assert "pods" in CLOWDAPP_FIELDS["spec"] and "podSpec" in CLOWDAPP_FIELDS["deployment"]
