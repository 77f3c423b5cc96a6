"""The little of an nginx config a gateway's routes need: its ``location`` blocks, the ``proxy_pass`` in
each, and its ``upstream`` blocks' servers.

A chart renders the config as a ConfigMap's text (``nginx.conf``, ``default.conf``): a whole
``nginx.conf`` (``http { upstream ... server { location ... } }``) or a snippet nginx includes into a
``server`` block (only ``location`` blocks), which is what the charts we have seen mount. Both read
alike: every ``location`` wherever it is, each with the ``server`` block it sits in (-1: none).

The text is split into tokens as nginx's own reader does (``ngx_conf_read_token``): words end at
whitespace, ``;`` or ``{`` (a ``}`` inside a word, or the ``{`` of ``${var}``, is the word's); quoted
strings with backslash escapes; ``#`` comments at the start of a token. Statements end at ``;`` or open
a block at ``{``. Not read: ``include`` (a stranger's config must not make us open files, and the file
is not in the chart's render anyway), ``map``, ``if`` conditions, ``rewrite``. Anything nginx would
refuse to load (an unclosed block or quote, a ``}`` too many, a directive without ``;``, a bad
``location`` modifier) is an ``NginxError`` with its line, and the config is read no further: nginx
would not start with it.

Bounded for hostile text: one regular expression walks the text (whitespace and the words of a
statement are one match), at most ``max_tokens`` matches and ``max_depth`` nested blocks, no recursion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, cast

Modifier = Literal["", "=", "^~", "~", "~*"]
MAX_TOKENS = 100_000  # matches per config: a real nginx.conf has a few thousand at most (the charts' 150)
MAX_DEPTH = 100  # nested blocks, as the YAML loader's nesting limit (real configs nest 3 or 4 deep)

# A statement's words and the whitespace between them, as one match: each character has one way to
# be matched, so the expression never backtracks. A word starts with anything but what starts another
# token (``{ } ; " ' #``) and goes on to whitespace, ``;`` or ``{`` (except the ``{`` of ``${``).
_WORD_START = r"""(?:[^\s;{}"'#\\$]|\\.|\$\{?)"""
_WORD_REST = r"""(?:[^\s;{\\$]|\\.|\$\{?)*"""
_TOKEN = re.compile(
    rf"""(?P<run>(?:\s+|{_WORD_START}{_WORD_REST})+)"""
    r"""|(?P<punct>[{};])"""
    r"""|"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^'\\]|\\.)*)'"""
    r"""|(?P<comment>\#[^\n]*)"""
    r"""|(?P<open>["'])""",
    re.DOTALL,
)
_WORD = re.compile(rf"{_WORD_START}{_WORD_REST}", re.DOTALL)
_SPACE = re.compile(r"(\s+)")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPED = {"t": "\t", "r": "\r", "n": "\n"}


class NginxError(Exception):
    """The config is not one nginx would load: ``line`` (1-based, in the config's text) and why."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Location:
    """One ``location`` block: its modifier (``""`` a prefix, ``=`` exact, ``^~`` a prefix that stops
    the regex search, ``~``/``~*`` a regex, case-sensitive or not) and path, where it starts, the
    ``server`` block it sits in (-1: none, a snippet), and the ``proxy_pass`` URLs it sends requests to
    (its own, and those of the ``if`` blocks in it)."""

    modifier: Modifier
    path: str
    line: int
    server: int
    proxy_pass: tuple[str, ...] = ()

    @property
    def is_regex(self) -> bool:
        return self.modifier in ("~", "~*")

    @property
    def written(self) -> str:
        """As the config writes it: ``location = /logout``."""
        return f"location {self.modifier + ' ' if self.modifier else ''}{self.path}"


@dataclass(frozen=True)
class NginxConfig:
    locations: tuple[Location, ...]
    upstreams: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> its servers' addresses


@dataclass
class _Block:
    words: list[str]
    line: int
    location: int | None  # index into the locations being read, for a location block
    server: int


def _unescape(word: str) -> str:
    if "\\" not in word:
        return word
    return _ESCAPE.sub(
        lambda m: _ESCAPED.get(m.group(1), m.group(1) if m.group(1) in "\"'\\" else m.group(0)), word
    )


def _tokens(text: str, max_tokens: int) -> list[tuple[str, int, bool]]:
    """(token, line, is punctuation) for each word, quoted string and ``{ } ;``; comments dropped."""
    found: list[tuple[str, int, bool]] = []
    line = 1
    for count, m in enumerate(_TOKEN.finditer(text)):  # a comment or a word counts alike
        if count > max_tokens or len(found) > max_tokens:
            raise NginxError(line, f"more than {max_tokens} tokens: too large to read as a gateway config")
        kind = m.lastgroup
        chunk = m.group()
        if kind == "run":
            if "\\" in chunk:  # an escaped space belongs to its word: split as the words go
                for w in _WORD.finditer(chunk):
                    found.append((_unescape(w.group()), line + chunk.count("\n", 0, w.start()), False))
            else:
                at = line
                for part in _SPACE.split(chunk):
                    if part and not part.isspace():
                        found.append((part, at, False))
                    at += part.count("\n")
        elif kind == "punct":
            found.append((chunk, line, True))
        elif kind in ("dq", "sq"):
            found.append((_unescape(m.group(kind) or ""), line, False))
        elif kind == "open":
            raise NginxError(line, f"the quote {chunk} opened here is never closed")
        line += chunk.count("\n")
    if len(found) > max_tokens:
        raise NginxError(line, f"more than {max_tokens} tokens: too large to read as a gateway config")
    return found


def read_nginx(text: str, *, max_tokens: int = MAX_TOKENS, max_depth: int = MAX_DEPTH) -> NginxConfig:
    """The locations and upstreams of an nginx config; NginxError where nginx would refuse it."""
    locations: list[Location] = []
    proxies: dict[int, list[str]] = {}
    upstreams: dict[str, list[str]] = {}
    stack: list[_Block] = []
    servers = 0
    words: list[str] = []
    first = 0  # the line of the statement's first word
    for token, line, punct in _tokens(text, max_tokens):
        if not punct:
            if not words:
                first = line
            words.append(token)
            continue
        if token == "}":
            if words:
                raise NginxError(first, f'"{words[0]}" is not terminated by ";"')
            if not stack:
                raise NginxError(line, 'unexpected "}": no block is open here')
            stack.pop()
            continue
        if not words:
            raise NginxError(line, f'unexpected "{token}"')
        if token == ";":
            _statement(words, first, stack, proxies, upstreams)
        else:
            if len(stack) >= max_depth:
                raise NginxError(first, f"blocks nest deeper than {max_depth} levels")
            block = _Block(words, first, None, stack[-1].server if stack else -1)
            if words[0] == "location":
                block.location = len(locations)
                locations.append(_location(words, first, block.server))
            elif words[0] == "server" and len(words) == 1:
                block.server = servers
                servers += 1
            stack.append(block)
        words = []
    if words:
        raise NginxError(first, f'unexpected end of the config: "{words[0]}" is not terminated by ";"')
    if stack:
        raise NginxError(
            stack[-1].line,
            f'unexpected end of the config: the "{stack[-1].words[0]}" block opened here is not closed',
        )
    return NginxConfig(
        locations=tuple(
            Location(loc.modifier, loc.path, loc.line, loc.server, tuple(proxies.get(n, ())))
            for n, loc in enumerate(locations)
        ),
        upstreams={name: tuple(servers_) for name, servers_ in upstreams.items()},
    )


def _statement(
    words: list[str],
    line: int,
    stack: list[_Block],
    proxies: dict[int, list[str]],
    upstreams: dict[str, list[str]],
) -> None:
    """A simple directive: ``proxy_pass`` in a location (or an ``if`` in one), ``server`` in an upstream."""
    directive = words[0]
    if directive == "location":
        raise NginxError(line, '"location" has no opening "{"')
    if directive == "proxy_pass":
        if len(words) != 2:
            raise NginxError(line, 'invalid number of arguments in "proxy_pass"')
        owner = next((b.location for b in reversed(stack) if b.location is not None), None)
        if owner is not None:
            proxies.setdefault(owner, []).append(words[1])
    elif directive == "server" and stack and stack[-1].words[0] == "upstream" and len(stack[-1].words) == 2:
        if len(words) < 2:
            raise NginxError(line, 'invalid number of arguments in "server"')
        upstreams.setdefault(stack[-1].words[1], []).append(words[1])


def _location(words: list[str], line: int, server: int) -> Location:
    """A ``location`` block's modifier and path, as nginx reads them (``ngx_http_core_location``)."""
    args = words[1:]
    if len(args) == 2:
        modifier, path = args
        if modifier not in ("=", "^~", "~", "~*"):
            raise NginxError(line, f'invalid location modifier "{modifier}"')
        return Location(cast(Modifier, modifier), path, line, server)
    if len(args) != 1 or not args[0]:
        raise NginxError(line, 'invalid number of arguments in "location"')
    name = args[0]
    if name.startswith("="):
        return Location("=", name[1:], line, server)
    if name.startswith("~*"):
        return Location("~*", name[2:], line, server)
    if name.startswith("~"):
        return Location("~", name[1:], line, server)
    return Location("", name, line, server)  # also a named one, ``@name``: internal, no path


_PROXY_URL = re.compile(r"(?P<scheme>https?|grpcs?)://(?P<host>\[[^\]]*\]|[^/:?#]*)", re.IGNORECASE)


def proxy_host(url: str) -> str | None:
    """The host a ``proxy_pass`` URL (or an upstream server's address) names: ``http://api:8000/x`` ->
    ``api``, ``api.ns.svc:8000`` -> ``api.ns.svc``; None for a host written with variables (decided per
    request, not guessed) or a unix socket."""
    if url.startswith("unix:"):
        return None
    m = _PROXY_URL.match(url)
    if m is not None:
        host = m.group("host")
    else:
        host = url.split("/", 1)[0]
        host = host if host.startswith("[") else host.rsplit(":", 1)[0]
    return host if host and "$" not in host else None
