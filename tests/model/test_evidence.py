"""The evidence model (koku_gap/model/evidence.py) stands alone: pydantic, the standard library and the
model's one base class."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from koku_gap.model import evidence
from koku_gap.model.evidence import AppSource, CodeRef, Resolution, Value


def test_the_model_imports_only_the_shared_shapes_and_no_yaml() -> None:
    tree = ast.parse(Path(evidence.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    ours = {name for name in imported if name.startswith("koku_gap")}
    assert ours == {"koku_gap.model.base", "koku_gap.model.location"}  # the base class, Notice
    others = {name.split(".")[0] for name in imported - ours}
    assert others - {"pydantic"} <= set(sys.stdlib_module_names) | {"__future__"}


def test_a_resolution_splits_known_and_unknown_members() -> None:
    ref = CodeRef(file="a.py", line=3, text='X = "a"')
    resolution = Resolution(
        expression="pick()", values=(Value(value="a", ref=ref), Value(value=None, ref=ref, reason="a call"))
    )
    assert resolution.known == {"a"} and [v.reason for v in resolution.unknown] == ["a call"]
    assert str(ref) == "a.py:3"


def test_reachable_follows_imports_transitively_and_stops_at_cycles() -> None:
    source = AppSource(root="", digest="d", files=0, bytes=0, imports={"a": ("b",), "b": ("c", "a"), "c": ()})
    assert source.reachable("a") == {"a", "b", "c"} and source.reachable("c") == {"c"}
    assert source.reachable("unknown") == {"unknown"}
