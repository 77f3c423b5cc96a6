"""The one base class of every model: frozen (stages pass models on, never edit them) and strict about
keys (a misspelt field in a policy or a report is an error, not a default that silently applies)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
