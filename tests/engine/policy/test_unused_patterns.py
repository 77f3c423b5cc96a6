"""A policy pattern that matches nothing never applies, and the report says so at its file and line: a
`match:` key or alias, a `components:` pattern, a waiver, in a parent policy too."""

from __future__ import annotations

from pathlib import Path

from koku_gap.api import analyze
from koku_gap.engine.policy import Policy, load_policy
from koku_gap.model.bundled import POLICY_DIR
from koku_gap.sources.clowdapp import load_clowdapp
from tests.conftest import line_containing
from tests.helpers.files import EXAMPLE

TYPO = """\
name: typo
extends: default
match:
  api-reads: "*-api"
  clowder-liztener: "*-listener"
  "clowder-worker-post*": ["*-worker-posting"]
  "nothing-*": "*-api"
"""


def _policy_warnings(policy: str | Path) -> list[tuple[str, int | None, str]]:
    report = analyze(EXAMPLE / "clowdapp.yaml", EXAMPLE / "rendered.yaml", policy=policy)
    return [(w.file, w.line, w.message) for w in report.warnings if w.code == "policy"]


def _unused(file: Path, pattern: str, section: str = "match") -> tuple[str, int, str]:
    line = line_containing(file, f"{pattern}:")
    message = (
        f"policy {section} pattern {pattern.strip(chr(34))} matches no ClowdApp component; it never applies"
    )
    return (str(file), line, message)


def test_a_match_key_naming_no_component_is_warned_about_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text(TYPO, encoding="utf-8")
    assert _policy_warnings(path) == [_unused(path, "clowder-liztener"), _unused(path, '"nothing-*"')]


def test_every_unused_pattern_warning_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "extends: default\n"
        "components:\n"
        "  clowder-worker-exprot: {status: optional, priority: P3, reason: a typo}\n"
        "waivers:\n"
        "  - {component: clowder-sync, reason: used}\n"
        "  - {queue: '*_penalty', reason: no such queue}\n",
        encoding="utf-8",
    )
    assert [(file, line) for file, line, _ in _policy_warnings(path)] == [
        (str(path), 3),
        (str(path), 6),
    ]


def test_a_pattern_from_a_parent_policy_names_the_parent_file(tmp_path: Path) -> None:
    parent = tmp_path / "parent.yaml"
    parent.write_text(
        "extends: default\n"
        "match:\n"
        "  clowder-sources-clent: '*-api'\n"
        "  clowder-overridden: '*-api'\n"
        "waivers:\n"
        "  - {component: clowder-gone, reason: in the parent}\n",
        encoding="utf-8",
    )
    child = tmp_path / "child.yaml"
    child.write_text(
        "extends: parent.yaml\n"
        "components:\n"
        "  clowder-child-typo: {status: optional, reason: in the child}\n"
        "match:\n"
        "  clowder-overridden: '*-web'\n"
        "waivers:\n"
        "  - {component: clowder-child-gone, reason: in the child}\n",
        encoding="utf-8",
    )
    assert [
        (Path(file).name, line, message.split()[1:4]) for file, line, message in _policy_warnings(child)
    ] == [
        ("child.yaml", 3, ["components", "pattern", "clowder-child-typo"]),
        ("parent.yaml", 3, ["match", "pattern", "clowder-sources-clent"]),
        ("child.yaml", 5, ["match", "pattern", "clowder-overridden"]),  # the child's entry wins
        ("child.yaml", 7, ["waiver", "of", "component"]),
        ("parent.yaml", 6, ["waiver", "of", "component"]),
    ]


def test_a_bundled_pattern_names_the_bundled_policy_and_its_line(tmp_path: Path) -> None:
    child = tmp_path / "child.yaml"
    child.write_text("extends: koku\n", encoding="utf-8")
    koku_file = POLICY_DIR / "koku.yaml"
    warnings = _policy_warnings(child)
    assert warnings
    for file, line, message in warnings:
        pattern = message.split()[3]
        assert file == "<policy:koku>", message
        assert line == line_containing(koku_file, f"{pattern}"), message


def test_where_a_pattern_is_written_is_not_part_of_the_policy(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(TYPO, encoding="utf-8")
    policy = load_policy(path)
    assert policy.origin("match", "clowder-liztener") == (str(path), 5)
    dumped = policy.model_dump()
    assert "_origins" not in dumped and "origins" not in str(dumped.keys())
    rebuilt = Policy.model_validate(dumped)
    assert rebuilt == policy
    assert rebuilt.origin("match", "clowder-liztener") == (str(path), None)  # built in code: no line
    graph = load_clowdapp(EXAMPLE / "clowdapp.yaml")
    assert [n.message for n in rebuilt.unused_patterns(graph.components)] == [
        n.message for n in policy.unused_patterns(graph.components)
    ]


def test_an_alias_naming_no_chart_workload_is_warned_at_its_line(tmp_path: Path) -> None:
    import koku_gap
    from tests.helpers.engine import clowdapp, deployment, manage, manifests, workload, write

    app = write(
        tmp_path, "app.yaml", clowdapp(deployments=[deployment("listener", command=manage("listener"))])
    )
    chart = write(tmp_path, "chart.yaml", manifests(workload("rel-listener", command=manage("listener"))))
    policy = tmp_path / "policy.yaml"
    policy.write_text("extends: default\nmatch:\n  listener: rel-nothing\n")
    report = koku_gap.analyze(app, chart, policy=policy)
    [note] = [w for w in report.warnings if "names no chart workload" in w.message]
    assert (note.file, note.line) == (str(policy), 3)


# --- components and waivers ---------------------------------------------------------------------------------
# A `components:` pattern or a waiver that matches no analysed ClowdApp component never applies: the
# report says so, like it does for a `match:` alias naming nothing (review item 2).


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


def _warnings_for_text(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    report = analyze(EXAMPLE / "clowdapp.yaml", EXAMPLE / "rendered.yaml", policy=path)
    policy = [w for w in report.warnings if w.code == "policy"]
    assert all(w.file == str(path) for w in policy)
    return [w.message for w in policy]


def test_patterns_matching_no_component_are_warned_about(tmp_path: Path) -> None:
    assert _warnings_for_text(tmp_path, POLICY) == [
        "policy components pattern clowder-worker-exprot matches no ClowdApp component; it never applies",
        "policy waiver of component clowder-sources-* matches no ClowdApp component; it never applies",
        "policy waiver of queue *_penalty matches no queue of a ClowdApp component; it never applies",
        "policy waiver of component clowder-sync matches no ClowdApp component of app other-app; "
        "it never applies",
    ]


def test_patterns_that_apply_give_no_warning(tmp_path: Path) -> None:
    used = "\n".join(line for line in POLICY.splitlines() if "used" in line or ":" in line[-1:])
    assert _warnings_for_text(tmp_path, used + "\n") == []


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
