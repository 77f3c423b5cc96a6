"""A suggestion's names (values key, template file, objects) drop the policy's ``strip_prefixes``, and
only those: the remediation knows no prefix of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap.api import analyze
from koku_gap.engine.policy import Policy, load_policy
from koku_gap.extras.remediation import helm_template, template_path, values_key
from koku_gap.extras.remediation.names import short_name, unprefixed
from koku_gap.sources.clowdapp import load_clowdapp

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "fixtures" / "example"
PREFIXES = load_policy("koku").strip_prefixes  # clowder-: koku's naming, stripped by its policy


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("clowder-sources-listener", "sourcesListener"),
        ("api-reads", "apiReads"),
        ("db_migrate.x", "dbMigrateX"),
    ],
)
def test_values_keys(name: str, key: str) -> None:
    assert values_key(name, prefixes=PREFIXES) == key


def test_without_prefixes_a_name_is_kept_whole() -> None:
    assert values_key("clowder-sources-listener") == "clowderSourcesListener"
    assert short_name("clowder-sources-listener") == "clowder-sources-listener"
    assert (values_key("team-api", ("team-",)), short_name("team-api", ("team-",))) == ("api", "api")


def test_the_first_matching_prefix_goes_unless_nothing_would_be_left() -> None:
    assert unprefixed("a-b-c", ("x-", "a-", "a-b-")) == "b-c"
    assert unprefixed("a-", ("a-",)) == "a-"
    assert unprefixed("abc", ()) == "abc"


def test_a_template_is_filed_under_the_short_name() -> None:
    component = load_clowdapp(EXAMPLE / "clowdapp.yaml").component("clowder-worker-export")
    assert template_path(component, PREFIXES) == "templates/worker-export-deployment.yaml"
    assert template_path(component) == "templates/clowder-worker-export-deployment.yaml"
    assert "{{ .Release.Name }}-worker-export" in helm_template(component, PREFIXES)
    assert ".Values.workerExport." in helm_template(component, PREFIXES)


def test_the_pipeline_takes_the_prefixes_from_the_policy() -> None:
    def paths(policy: Policy | None) -> set[str]:
        report = analyze(EXAMPLE / "clowdapp.yaml", EXAMPLE / "rendered.yaml", policy=policy)
        return {r.remediation.path for r in report.rows if r.remediation is not None}

    default = load_policy("default")
    assert default.strip_prefixes == ()  # the prefix is koku's naming, so only its policy strips it
    kept = paths(None)
    assert "templates/clowder-worker-export-deployment.yaml" in kept
    stripped = paths(default.model_copy(update={"strip_prefixes": ("clowder-",)}))
    assert "templates/worker-export-deployment.yaml" in stripped
    assert not any(p.startswith("templates/worker-") for p in kept)
