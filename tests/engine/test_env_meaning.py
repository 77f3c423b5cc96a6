"""Env drift ranked by what the application's code does with each unset variable (engine/env_meaning.py),
on fixtures/appsource/shop: ``MAINTENANCE`` and ``ADMIN`` select the URL conf (switches, through the
settings that read them), ``REGION`` is read with a default, ``LEGACY_FLAG`` is read nowhere."""

from __future__ import annotations

from koku_gap.engine.env_meaning import EnvMeaning
from koku_gap.model.evidence import AppSource
from koku_gap.model.report import Drift
from koku_gap.model.vocabulary import DriftKind
from koku_gap.sources.appsource import load_app_source
from tests.helpers.files import ROOT

SHOP = ROOT / "fixtures" / "appsource" / "shop"


def _shop() -> AppSource:
    return load_app_source(SHOP, cache=False)


def test_unset_variables_are_worded_switches_first_then_read_then_unread() -> None:
    names = ["LEGACY_FLAG", "REGION", "MAINTENANCE", "ADMIN"]
    drift = Drift(kind=DriftKind.ENV_MISSING, message="4 env var(s) ...", clowdapp=names)
    explained = EnvMeaning.of(_shop()).explained(drift)
    assert explained.clowdapp == ["MAINTENANCE", "ADMIN", "REGION", "LEGACY_FLAG"]
    message = explained.message
    assert message.startswith("4 env var(s) the ClowdApp sets are not set; switches the code decides on")
    assert "MAINTENANCE (default False, shop/settings.py:" in message
    assert (
        'read by the code, falling back to their default: REGION (default "eu-1", shop/settings.py:'
        in message
    )
    assert message.endswith("read nowhere in the code (1): LEGACY_FLAG")


def test_other_drift_is_left_as_it_is() -> None:
    drift = Drift(kind=DriftKind.SWITCH_MISSING, message="m", clowdapp=["ADMIN=true"])
    assert EnvMeaning.of(_shop()).explained(drift) is drift
