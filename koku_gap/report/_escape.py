"""One escaping function per medium a report's text enters, each saying what it guarantees.

Names, paths, reasons and messages in a report were written by whoever opened the pull request (the
chart, the ClowdApp, the values, the policy, the baseline: docs/security.md). A reporter passes such
text through the function of the medium it enters, where it enters it, and escapes nothing itself;
the text a reporter writes on its own needs none. Every function leaves the text of ordinary inputs
unchanged, so only hostile text shows an escape.

GitHub's runner reads workflow commands from everything a step prints, stdout and stderr alike: it
splits the output at CR and at LF, reads ``::name ...::data`` at the start of a line (after leading
whitespace) and the legacy ``##[name ...]data`` anywhere in one. Each function's output is safe in a
CI log as well as in its own medium, wherever it is written (stdout, a file ``cat`` later, an artifact):
a machine format escapes the CI-sensitive characters its own way (JSON ``\\u005b``, XML ``&#91;``), so
what a parser reads is unchanged.
"""

from __future__ import annotations

import json
import re

from koku_gap.model.errors import printable

LEGACY_COMMAND = "##["  # the runner reads a command wherever this occurs in a line
COMMAND = "::"  # ... and wherever a line starts with this, after whitespace

_SURROGATE = re.compile("[\ud800-\udfff]")
_BACKTICKS = re.compile("`+")
_PIPE = re.compile(r"(\\*)\|")  # a pipe and the backslashes before it
# XML 1.0 allows tab, newline, carriage return and most of Unicode; anything else (control characters,
# lone surrogates, U+FFFE/U+FFFF) makes a document no parser reads.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What may be unprintable (``str.isprintable`` decides): all but tab, LF and printable ASCII.
_UNPRINTABLE = re.compile("[^\t\n\x20-\x7e]")
_LINE_COMMAND = re.compile(r"^([^\S\n]*):(?=:)", re.MULTILINE)  # a line's leading ``::``, first colon


def surrogate_safe(text: str) -> str:
    """``text`` with every lone surrogate as U+FFFD, so it encodes as UTF-8.

    Lone surrogates come from a file name that is not UTF-8 (Python decodes its bytes to U+DC80-U+DCFF)
    or a ``\\udcxx`` escape in a JSON input; a decoder shows an undecodable byte as U+FFFD too.
    """
    return _SURROGATE.sub("\ufffd", text)


def workflow_safe(text: str) -> str:
    """``text`` as one line from which GitHub's runner reads no workflow command (idempotent).

    CR and LF are shown as ``\\r`` and ``\\n``, so the text stays one line; ``##[`` becomes ``##\\[``; a
    leading ``::`` (after whitespace) becomes ``\\::``. Nothing else changes.
    """
    if "\r" in text or "\n" in text:
        text = text.replace("\r", "\\r").replace("\n", "\\n")
    text = text.replace(LEGACY_COMMAND, "##\\[")
    rest = text.lstrip()
    if rest.startswith(COMMAND):
        text = text[: len(text) - len(rest)] + "\\" + rest
    return text


def terminal_text(text: str) -> str:
    """``text`` for a terminal or a CI log: one line of printable characters, no workflow command.

    Control characters, lone surrogates and other unprintables are shown as Python escapes (``\\x1b``,
    ``\\r``, ``\\udcff``), never sent: no escape sequence moves the cursor, clears the screen, sets a
    title or writes the clipboard (OSC 52). Idempotent.
    """
    return workflow_safe(printable(text))


def _shown(text: str) -> str:
    """``printable`` for text whose tabs are its own (code): tabs kept, other unprintables shown."""
    return "\t".join(printable(part) for part in text.split("\t"))


def _cell_pipes(text: str) -> str:
    """Every ``|`` after an odd number of backslashes: GitHub's tables then never split a cell there
    (``\\|`` is the one escape a table cell honours, inside code spans too)."""
    return _PIPE.sub(lambda m: m.group(1) * 2 + "\\|", text)


def md_text(text: str) -> str:
    """Inline Markdown prose (a reason, an action, a message), shown as written on one line.

    It starts no block (line breaks become spaces), ends no table cell (``\\|``), opens no HTML or
    comment (``&lt;``), no link or image (``\\[``) and escapes nothing of what follows (``\\\\``);
    control characters are shown as escapes, and a leading ``::`` is escaped (no workflow command where
    the line lands in a CI log). Backticks and emphasis stay Markdown: a policy's reasons use them, and
    within one line they can only change how that line looks.
    """
    text = printable(text.replace("\r", " ").replace("\n", " "))
    if any(c in text for c in "\\|<["):
        text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("[", "\\[")
    return workflow_safe(text)  # a leading ``::`` as ``\::``, which Markdown shows as ``::``


def md_code(text: str) -> str:
    """``text`` as a Markdown code span, safe anywhere inline, table cells included.

    The span cannot be closed early (its backtick fence is longer than any run inside it), holds no
    line break or control character (shown as escapes), splits no table cell (``\\|``) and writes no
    ``##[``; ordinary names come out as ```name```.
    """
    inner = _cell_pipes(terminal_text(text))
    longest = max((len(run) for run in _BACKTICKS.findall(inner)), default=0)
    fence = "`" * (longest + 1)
    if inner.startswith("`") or inner.endswith("`") or (inner[:1] == inner[-1:] == " " and inner.strip()):
        inner = f" {inner} "  # CommonMark strips one space each side, not the backtick's neighbour
    return f"{fence}{inner}{fence}"


def html_text(text: str) -> str:
    """``text`` inside an HTML element of a Markdown document (``<code>`` in ``<summary>``): one line
    (a blank line would end the HTML block), ``&<>"`` as entities and ``##[`` as ``##&#91;``, which
    show as the characters; control characters shown as escapes."""
    shown = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return shown.replace('"', "&quot;").replace(LEGACY_COMMAND, "##&#91;")


def md_fence(text: str, info: str = "") -> list[str]:
    """``text`` as the lines of a fenced code block, opening and closing fence included.

    No line of ``text`` can close the block (the fence is longer than any backtick run in it), start a
    workflow command (``\\::``, ``##\\[``) or send a control character (shown as escapes; tabs stay).
    """
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{info}", *(workflow_safe(_shown(line)) for line in text.split("\n")), fence]


def mermaid_label(text: str) -> str:
    """``text`` as a quoted Mermaid label, ``"..."`` included.

    The label cannot end early or add a statement: it is one line, and ``"``, ``<``, ``>`` and backticks
    are Mermaid's entity codes (``#quot;``, ``#lt;``, ``#gt;``, ``#96;``), which show as the character;
    ``##[`` is written ``###91;`` and shows as ``##[``.
    """
    shown = printable(text)
    for char, code in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;")):
        shown = shown.replace(char, code)
    return '"' + shown.replace(LEGACY_COMMAND, "###91;") + '"'


def xml_text(text: str) -> str:
    """``text`` for an XML text node or attribute (the serializer escapes ``<&"``): every character
    XML 1.0 forbids (control characters, lone surrogates) as U+FFFD, so the document parses."""
    return _NOT_XML.sub("\ufffd", text)


def xml_document(document: str) -> str:
    """A serialized XML document made safe for a CI log and a terminal; it parses to the same content.

    Only text and attribute values (user text) hold what changes: CR is ``&#13;`` (a raw one a parser
    reads as LF anyway), other unprintables but tab and LF are character references, ``##[`` is
    ``##&#91;``, and a line that starts with ``::`` starts with ``&#58;:``.
    """
    document = _UNPRINTABLE.sub(_xml_ref, document)
    document = document.replace(LEGACY_COMMAND, "##&#91;")
    return _LINE_COMMAND.sub(r"\1&#58;", document)


def _xml_ref(match: re.Match[str]) -> str:
    char = match.group()
    return char if char.isprintable() else f"&#{ord(char)};"


def json_document(document: str) -> str:
    """A serialized JSON document made safe to write as UTF-8, to show in a terminal and to print to
    a CI log; it decodes to the same values, but for raw lone surrogates, which become U+FFFD.

    Only strings hold what changes: unprintable characters (C1 controls, U+2028, bidi overrides) are
    ``\\uXXXX`` escapes and ``##[`` is ``##\\u005b``; no line of JSON starts with ``::``.
    """
    document = _UNPRINTABLE.sub(_json_escape, surrogate_safe(document))
    return document.replace(LEGACY_COMMAND, "##\\u005b")


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    return char if char.isprintable() else json.dumps(char)[1:-1]  # a surrogate pair beyond the BMP
