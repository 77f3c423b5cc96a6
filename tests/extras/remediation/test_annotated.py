"""values.yaml fragments come from a leaner ruamel dumper (issue 8, docs/performance.md): the text of
``values_yaml`` is ruamel's own dump of ``values_fragment``, on our fixtures and on the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from koku_gap.extras.remediation import values_fragment, values_yaml
from koku_gap.sources.clowdapp import load_clowdapp
from tests.helpers.dumps import ruamel_dump
from tests.helpers.files import FIXTURE_PAIRS


@pytest.mark.parametrize("clowdapp", [app for app, _chart in FIXTURE_PAIRS], ids=lambda p: p.parent.name)
def test_values_yaml_is_ruamels_own_text(clowdapp: Path) -> None:
    for component in load_clowdapp(clowdapp).components:
        assert values_yaml(component) == ruamel_dump(values_fragment(component))


def test_values_yaml_is_ruamels_own_text_on_the_corpus(corpus: Path) -> None:
    for template in sorted((corpus / "koku").glob("*.yaml")) + sorted((corpus / "ros").glob("*.yaml")):
        for component in load_clowdapp(template).components:
            assert values_yaml(component) == ruamel_dump(values_fragment(component))
