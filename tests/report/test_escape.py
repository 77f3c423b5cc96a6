"""report/_escape.py (issue 17): each medium's function keeps what it promises for any text.

The properties are checked with the medium's own reader where there is one: GitHub's runner
(tests/helpers/runner.py), a CommonMark parser with tables (markdown-it, which rich brings),
ElementTree, json. Text is drawn with the characters that break the media over-represented.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from koku_gap.model.errors import printable
from koku_gap.report._escape import (
    html_text,
    json_document,
    md_code,
    md_fence,
    md_text,
    mermaid_label,
    surrogate_safe,
    terminal_text,
    workflow_safe,
    xml_document,
    xml_text,
)
from tests.helpers.runner import commands

BREAKING = [
    *"\r\n\t :#[]`|<>!\"'&\\-*_=(){}",
    "::",
    "##[",
    "```",
    "<!--",
    "-->",
    "\x1b",
    "\x07",
    "\x1b]52;c;aGk=\x07",
    "\x1b[2J",
    "\x85",
    "\x9b",
    "\u2028",
    "\u202e",
    "\ufeff",
    "\ud800",
    "\udcff",
    "\U000e0001",
    "::error::x",
    "##[set-output name=x]y",
    "::stop-commands::t",
]
texts = st.lists(st.one_of(st.sampled_from(BREAKING), st.characters()), max_size=30).map("".join)
ORDINARY = [
    "api",
    "clowder-worker-summary-xl",
    "templates/api-deployment.yaml:12",
    "remove-custom-epel-repos#2",
]
MARKDOWN = MarkdownIt("commonmark").enable("table")


def inline(markdown: str) -> list[Token]:
    """The inline tokens of a one-paragraph document (ValueError if it is not one paragraph)."""
    tokens = MARKDOWN.parse(markdown)
    if [t.type for t in tokens] != ["paragraph_open", "inline", "paragraph_close"]:
        raise ValueError([t.type for t in tokens])
    return tokens[1].children or []


def table_rows(markdown: str) -> list[list[str]]:
    """Each body row's cells, as a GFM table parser splits them."""
    rows: list[list[str]] = []
    for token in MARKDOWN.parse(markdown):
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(token.content)
    return rows[1:]  # the header row first


# --- workflow commands and terminals ---------------------------------------------------------------


@given(texts)
def test_workflow_safe_leaves_no_command_and_one_line(text: str) -> None:
    safe = workflow_safe(text)
    assert commands(safe) == []
    assert commands(f"gap-report: error: {safe}") == []
    assert "\r" not in safe and "\n" not in safe
    assert workflow_safe(safe) == safe


@given(texts)
def test_workflow_safe_changes_only_what_the_runner_reads(text: str) -> None:
    if not re.search(r"[\r\n]|##\[", text) and not text.lstrip().startswith("::"):
        assert workflow_safe(text) == text


def test_workflow_safe_examples() -> None:
    assert workflow_safe("  ::error::x") == "  \\::error::x"
    assert workflow_safe("a ##[error]b") == "a ##\\[error]b"
    assert workflow_safe("a\r::error::x") == "a\\r::error::x"
    assert workflow_safe("a ::error::x") == "a ::error::x"  # not at a line's start: no command


@given(texts)
def test_terminal_text_sends_nothing(text: str) -> None:
    shown = terminal_text(text)
    assert shown.isprintable()
    assert commands(shown) == []
    assert terminal_text(shown) == shown
    shown.encode("utf-8")


def test_terminal_text_shows_escape_sequences() -> None:
    assert terminal_text("\x1b]52;c;aGk=\x07x") == "\\x1b]52;c;aGk=\\x07x"
    assert terminal_text("a\udcffb") == "a\\udcffb"
    for name in ORDINARY:
        assert terminal_text(name) == name


@given(texts)
def test_surrogate_safe_encodes(text: str) -> None:
    safe = surrogate_safe(text)
    safe.encode("utf-8")
    assert surrogate_safe(safe) == safe
    assert len(safe) == len(text)


# --- Markdown ---------------------------------------------------------------------------------------


def test_md_text_escapes_a_leading_workflow_command() -> None:
    # found by the property below in a whole `make test` (not when this file runs alone): Markdown
    # prose that lands at a line's start in a CI log must not be a workflow command
    assert md_text("::error::x") == "\\::error::x"
    assert commands(md_text("  ::warning file=a::b")) == []
    assert [t.content for t in inline(md_text("::error::x"))] == ["::error::x"]


@given(texts)
def test_md_text_stays_plain_inline_text(text: str) -> None:
    children = inline(f"said: {md_text(text)} .")
    kinds = {t.type for t in children}
    assert kinds <= {"text", "code_inline", "em_open", "em_close", "strong_open", "strong_close"}, kinds
    assert "\n" not in md_text(text) and "\r" not in md_text(text)
    assert commands(md_text(text)) == []


@given(texts)
def test_md_text_keeps_a_table_cell_whole(text: str) -> None:
    table = f"| a | b |\n|---|---|\n| {md_text(text)} | end |\n"
    assert [row[-1] for row in table_rows(table)] == ["end"]


def test_md_text_shows_hostile_text_as_written() -> None:
    rendered = MARKDOWN.render(md_text("<!-- hidden --> ![x](https://e.example/a.png) a\\|b"))
    assert rendered == "<p>&lt;!-- hidden --&gt; ![x](https://e.example/a.png) a\\|b</p>\n"
    assert md_text("policy: `download` is *_xl") == "policy: `download` is *_xl"  # Markdown of reasons


@given(texts)
def test_md_code_is_one_code_span(text: str) -> None:
    children = inline(f"x {md_code(text)} y")
    assert [t.type for t in children] == ["text", "code_inline", "text"] or text == ""
    assert commands(md_code(text)) == []


@given(texts)
def test_md_code_keeps_a_table_cell_whole(text: str) -> None:
    table = f"| a | b |\n|---|---|\n| {md_code(text)} | end |\n"
    assert [row[-1] for row in table_rows(table)] == ["end"]


def test_md_code_examples() -> None:
    for name in ORDINARY:
        assert md_code(name) == f"`{name}`"
    assert md_code("a`b") == "``a`b``"
    assert md_code("`a") == "`` `a ``"
    assert inline(md_code("a``b"))[0].content == "a``b"
    forged = "\n\n## ✅ safe to merge\n\n<!--"
    assert inline(md_code(forged))[0].content == "\\n\\n## ✅ safe to merge\\n\\n<!--"


@given(texts)
def test_md_fence_holds_its_text(text: str) -> None:
    lines = md_fence(text, "yaml")
    tokens = MARKDOWN.parse("\n".join([*lines, "after"]))
    assert [t.type for t in tokens][:1] == ["fence"]
    assert tokens[0].info == "yaml"
    assert tokens[0].content == "\n".join(lines[1:-1]) + "\n"
    assert tokens[1:] and tokens[-2].content == "after"
    assert commands("\n".join(lines)) == []


def test_md_fence_of_ordinary_yaml_is_as_written() -> None:
    yaml = "- name: api\n  podSpec:\n    command: ['a', \"b\"]\n\tx: 1"
    assert md_fence(yaml, "yaml") == ["```yaml", *yaml.split("\n"), "```"]
    assert md_fence("a\n```\nb")[0] == "````"


@given(texts)
def test_html_text_is_text_in_html(text: str) -> None:
    escaped = html_text(text)
    assert not re.search(r"[<>\"\n\r]", escaped)
    assert commands(escaped) == []


# --- Mermaid -----------------------------------------------------------------------------------------


@given(texts)
def test_mermaid_label_is_one_quoted_string(text: str) -> None:
    label = mermaid_label(text)
    assert re.fullmatch(r'"[^"\r\n`<>]*"', label), label
    assert commands(label) == []


def test_mermaid_label_uses_entity_codes() -> None:
    assert mermaid_label('a"] click b href "javascript:x') == '"a#quot;] click b href #quot;javascript:x"'
    assert mermaid_label("remove-custom-epel-repos#2") == '"remove-custom-epel-repos#2"'


# --- XML ---------------------------------------------------------------------------------------------


@given(texts, texts)
def test_xml_round_trips_what_xml_can_hold(text: str, attribute: str) -> None:
    root = ET.Element("case", name=xml_text(attribute))
    root.text = xml_text(text)
    document = xml_document(ET.tostring(root, encoding="unicode"))
    parsed = ET.fromstring(document)
    assert parsed.text == (xml_text(text) or None)
    assert parsed.attrib["name"] == xml_text(attribute)
    assert commands(document) == []
    assert all(c.isprintable() or c in "\n\t" for c in document)


def test_xml_text_replaces_only_what_xml_forbids() -> None:
    assert xml_text("a\x1bb\udcffc\r\n\t") == "a\ufffdb\ufffdc\r\n\t"
    for name in ORDINARY:
        assert xml_text(name) == name


# --- JSON --------------------------------------------------------------------------------------------


@given(texts, st.booleans())
def test_json_document_decodes_to_the_same_values(text: str, ascii_only: bool) -> None:
    document = json_document(json.dumps({"k": [text]}, indent=2, ensure_ascii=ascii_only))
    # a raw lone surrogate cannot be written as UTF-8; an escaped one (``\ud800``) can, and stays
    assert json.loads(document) == {"k": [text if ascii_only else surrogate_safe(text)]}
    document.encode("utf-8")
    assert commands(document) == []
    assert all(c.isprintable() or c == "\n" for c in document)
    assert json_document(document) == document


def test_json_document_of_ordinary_json_is_as_written() -> None:
    document = json.dumps({"name": "api", "why": "played by rel-shop-api → ✅"}, indent=2, ensure_ascii=False)
    assert json_document(document) == document


def test_printable_is_the_one_definition_of_shown() -> None:
    """terminal_text builds on model.errors.printable, so errors and reports show a character alike."""
    assert terminal_text("a\x1bb") == printable("a\x1bb")
