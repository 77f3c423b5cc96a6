"""sources/nginx.py: an nginx config's locations, their proxy_pass and the upstream blocks, read as nginx
reads them (tokens, modifiers), and every config nginx would refuse an NginxError with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from koku_gap.sources.nginx import MAX_DEPTH, Location, NginxError, proxy_host, read_nginx
from tests.conftest import examples

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "nginx"
# nginx-ish text: the characters that matter to its tokens, and its directive words
NGINXISH = st.lists(
    st.sampled_from(
        [*"{};\"'#$\\ \n\tx/=~^*@", "location", "proxy_pass", "upstream", "server", "http://a:1", "${v}"]
    ),
    max_size=60,
).map("".join)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_fixture_gateways_locations_and_upstreams() -> None:
    text = (FIXTURES / "gateway.conf").read_text(encoding="utf-8")
    config = read_nginx(text)
    assert [(loc.modifier, loc.path, loc.proxy_pass) for loc in config.locations] == [
        ("", "/", ()),
        ("", "/api/", ("http://shop-gateway:80",)),
        ("^~", "/api/books/", ("http://books_api",)),
        ("=", "/api/status", ("http://status.shop.svc:9000/healthz",)),
        # a quoted regex holding braces; the proxy_pass of its if block is its own too
        ("~*", "^/api/v[0-9]{1,2}/reports", ("http://reports-writer:8000", "http://reports-reader:8000")),
        ("", "/api/debug/", ("http://127.0.0.1:8081",)),
        ("", "/api/dynamic/", ("http://$backend_host:8000",)),
        ("", "@fallback", ("http://shop-fallback",)),
        ("=", "/logout", ()),
    ]
    assert config.upstreams == {
        "books_api": ("books-api.shop.svc.cluster.local:8000", "books-api-canary:8000")
    }
    first = config.locations[0]
    assert first.line == line_of(text, "location / {") and first.server == 0
    assert {loc.server for loc in config.locations} == {0}  # the second server has no location
    assert config.locations[3].written == "location = /api/status"
    assert config.locations[4].is_regex and not config.locations[2].is_regex


def test_a_snippet_of_locations_alone_is_read_outside_any_server() -> None:
    config = read_nginx("location /api {\n  proxy_pass http://api:8000;\n}\n")
    assert config.locations == (Location("", "/api", 1, -1, ("http://api:8000",)),)


@pytest.mark.parametrize(
    ("written", "modifier", "path"),
    [
        ("location /a", "", "/a"),
        ("location = /a", "=", "/a"),
        ("location =/a", "=", "/a"),
        ("location ^~ /a", "^~", "/a"),
        ("location ~ ^/a", "~", "^/a"),
        ("location ~^/a", "~", "^/a"),
        ("location ~* ^/A", "~*", "^/A"),
        ("location ~*^/A", "~*", "^/A"),
        ("location ^~/a", "", "^~/a"),  # nginx strips only = and ~ when written together with the path
        ('location "/a b"', "", "/a b"),
    ],
)
def test_location_modifiers_as_nginx_reads_them(written: str, modifier: str, path: str) -> None:
    (loc,) = read_nginx(f"{written} {{ proxy_pass http://x; }}").locations
    assert (loc.modifier, loc.path) == (modifier, path)


def test_tokens_as_nginx_splits_them() -> None:
    text = (
        "location /a { # a comment { not a block\n"
        "  set $x 'it\\'s;}';\n"  # a quoted ; and } are text
        "  set $y ${host}x;\n"  # the { of ${ does not open a block
        "  proxy_pass http://a#b;\n"  # a # inside a word is the word's
        "}\n"
    )
    (loc,) = read_nginx(text).locations
    assert loc.proxy_pass == ("http://a#b",)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("location /a {\n  proxy_pass http://x;\n", 1, 'the "location" block opened here is not closed'),
        ("location /a {\n  proxy_pass http://x\n}\n", 2, '"proxy_pass" is not terminated by ";"'),
        ("location /a { }\n}\n", 2, 'unexpected "}": no block is open here'),
        ("\nlocation /a;\n", 2, '"location" has no opening "{"'),
        ("location ! /a { }\n", 1, 'invalid location modifier "!"'),
        ("location { }\n", 1, 'invalid number of arguments in "location"'),
        (
            "location /a {\n  proxy_pass http://x http://y;\n}\n",
            2,
            'invalid number of arguments in "proxy_pass"',
        ),
        ('location /a {\n  set $a "b;\n}\n', 2, 'the quote " opened here is never closed'),
        ("location /a { ; }\n", 1, 'unexpected ";"'),
        ("{ }\n", 1, 'unexpected "{"'),
        ("location /a {\n  return 200\n", 2, '"return" is not terminated by ";"'),
    ],
)
def test_what_nginx_would_refuse_is_an_error_at_its_line(text: str, line: int, message: str) -> None:
    with pytest.raises(NginxError) as caught:
        read_nginx(text)
    assert (caught.value.line, message in caught.value.message) == (line, True), caught.value.message


def test_the_malformed_fixture_names_the_block_left_open() -> None:
    text = (FIXTURES / "malformed.conf").read_text(encoding="utf-8")
    with pytest.raises(NginxError) as caught:
        read_nginx(text)
    assert caught.value.line == line_of(text, "location /api/books/ {")


def test_hostile_configs_are_bounded() -> None:
    with pytest.raises(NginxError, match=f"nest deeper than {MAX_DEPTH} levels"):
        read_nginx("a {" * 10_000)
    with pytest.raises(NginxError, match="more than 1000 tokens"):
        read_nginx("a {}" * 1000, max_tokens=1000)
    with pytest.raises(NginxError, match="more than 1000 tokens"):
        read_nginx("#\n" * 2000, max_tokens=1000)  # comments count too
    with pytest.raises(NginxError, match="more than 1000 tokens"):
        read_nginx("a " * 2000 + ";", max_tokens=1000)  # and each word of one statement


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://api:8000", "api"),
        ("https://api.ns.svc.cluster.local/x/", "api.ns.svc.cluster.local"),
        ("http://upstream_name", "upstream_name"),
        ("api.ns.svc:8000", "api.ns.svc"),  # an upstream server's address
        ("http://[::1]:8080/", "[::1]"),
        ("http://$host:8000", None),  # decided per request: not guessed
        ("http://api:8000$request_uri", "api"),  # the host is written; only the path varies
        ("unix:/run/app.sock", None),
    ],
)
def test_proxy_host(url: str, host: str | None) -> None:
    assert proxy_host(url) == host


@settings(max_examples=examples(300))
@given(NGINXISH)
def test_any_text_is_read_or_refused_with_a_line(text: str) -> None:
    try:
        config = read_nginx(text)
    except NginxError as e:
        assert 1 <= e.line <= text.count("\n") + 1
    else:
        assert all(1 <= loc.line <= text.count("\n") + 1 for loc in config.locations)
