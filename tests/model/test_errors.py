"""Errors cross a process pool whole: file, line, column, and the settings the CLI words as options."""

from __future__ import annotations

import pickle

from koku_gap.model.errors import SETTING, InputError, Setting, UsageError


def test_an_input_error_pickles_with_its_settings() -> None:
    error = InputError("c.yaml", 3, f"too big (raise it with {SETTING})", 7, setting=Setting("max_bytes"))
    again = pickle.loads(pickle.dumps(error))
    assert (again.file, again.line, again.column, again.settings) == ("c.yaml", 3, 7, (Setting("max_bytes"),))
    assert str(again) == str(error) == "c.yaml:3:7: too big (raise it with max_bytes=...)"
    assert (
        again.worded(lambda s: f"--{s.name.replace('_', '-')}")
        == "c.yaml:3:7: too big (raise it with --max-bytes)"
    )


def test_a_usage_error_pickles_with_its_settings() -> None:
    error = UsageError(f"{SETTING} 'a[x]=1': bad index", settings=(Setting("set_values"),))
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == "set_values=... 'a[x]=1': bad index"
    assert again.worded(lambda s: "--set" if s.name == "set_values" else "?") == "--set 'a[x]=1': bad index"
