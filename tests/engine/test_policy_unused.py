"""A `components:` pattern or a waiver that matches no analysed ClowdApp component never applies: the
report says so, like it does for a `match:` alias naming nothing (review item 2)."""

from __future__ import annotations

from pathlib import Path

from koku_gap.api import analyze
from koku_gap.engine.policy import load_policy
from koku_gap.sources.clowdapp import load_clowdapp

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "example"

POLICY = """\
name: x
extends: default
components:
  clowder-worker-export: {status: optional, priority: P3, reason: used}
  "clowder-worker-*-xl": {when: gap, status: optional, priority: P3, reason: used by a glob}
  clowder-worker-exprot: {status: optional, priority: P3, reason: a typo}
waivers:
  - {component: "clowder-sync", reason: used}
  - {component: "clowder-sources-*", reason: no such component}
  - {queue: export, reason: used}
  - {queue: "*_penalty", reason: no such queue}
  - {component: "clowder-sync", app: other-app, reason: no such app}
"""


def _policy_warnings(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    report = analyze(EXAMPLE / "clowdapp.yaml", EXAMPLE / "rendered.yaml", policy=path)
    policy = [w for w in report.warnings if w.code == "policy"]
    assert all(w.file == str(path) for w in policy)
    return [w.message for w in policy]


def test_patterns_matching_no_component_are_warned_about(tmp_path: Path) -> None:
    assert _policy_warnings(tmp_path, POLICY) == [
        "policy components pattern clowder-worker-exprot matches no ClowdApp component; it never applies",
        "policy waiver of component clowder-sources-* matches no ClowdApp component; it never applies",
        "policy waiver of queue *_penalty matches no queue of a ClowdApp component; it never applies",
        "policy waiver of component clowder-sync matches no ClowdApp component of app other-app; "
        "it never applies",
    ]


def test_patterns_that_apply_give_no_warning(tmp_path: Path) -> None:
    used = "\n".join(line for line in POLICY.splitlines() if "used" in line or ":" in line[-1:])
    assert _policy_warnings(tmp_path, used + "\n") == []


def test_bundled_policies_warn_about_nothing_of_their_own() -> None:
    graph = load_clowdapp(EXAMPLE / "clowdapp.yaml")
    assert load_policy("default").unused_patterns(graph.components) == []
    koku = load_policy("koku")
    # the example has no koku workers: each koku pattern that names none is reported, once
    messages = [note.message for note in koku.unused_patterns(graph.components)]
    assert len(messages) == len(set(messages))
    assert {m.split()[3] for m in messages} == {*koku.components, *koku.match} - {"clowder-worker-*-xl"}


def test_the_koku_policy_names_only_components_every_koku_template_has(corpus: Path) -> None:
    templates = sorted((corpus / "koku").glob("clowdapp-*.yaml"))
    assert templates
    koku = load_policy("koku")
    for template in templates:
        assert koku.unused_patterns(load_clowdapp(template).components) == [], template.name
