"""gochan.http.ServeMux: Go 1.22's patterns, precedence, conflicts, redirects and 405s."""

from __future__ import annotations

import re

import pytest

from gochan import http
from gochan.http import httptest


def tag(name: str) -> http.HandlerFunc:
    """A handler that answers with its name and the values of its pattern's wildcards."""
    wildcards = re.findall(r"{(\w+)(?:\.\.\.)?}", name)

    def serve(w: http.ResponseWriter, r: http.Request) -> None:
        values = ",".join(f"{k}={r.path_value(k)}" for k in wildcards)
        w.write(f"{name} {values}".strip().encode())

    return serve


def serve(mux: http.ServeMux, method: str, target: str, host: str = "") -> http.Response:
    r = httptest.new_request(method, target)
    if host:
        r.host = host
    w = httptest.new_recorder()
    mux.serve_http(w, r)
    return w.result()


def body(resp: http.Response) -> str:
    return resp.body.read().decode()


def mux_of(*patterns: str) -> http.ServeMux:
    mux = http.ServeMux()
    for pattern in patterns:
        mux.handle_func(pattern, tag(pattern))
    return mux


def test_method_and_wildcard() -> None:
    mux = mux_of("GET /items/{id}")
    resp = serve(mux, "GET", "/items/42")
    assert resp.status_code == 200
    assert body(resp) == "GET /items/{id} id=42"


def test_path_value_is_unescaped_per_segment() -> None:
    mux = mux_of("/a/{x}/b")
    assert body(serve(mux, "GET", "/a/x%2Fy/b")) == "/a/{x}/b x=x/y"


def test_multi_wildcard_takes_the_rest() -> None:
    mux = mux_of("/files/{rest...}")
    assert body(serve(mux, "GET", "/files/a/b/c.txt")) == "/files/{rest...} rest=a/b/c.txt"
    assert body(serve(mux, "GET", "/files/")) == "/files/{rest...} rest="


def test_most_specific_wins() -> None:
    mux = mux_of("/", "/images/", "/images/thumbnails/", "/images/{x}", "GET /images/logo.png")
    assert body(serve(mux, "GET", "/other")) == "/"
    assert body(serve(mux, "GET", "/images/a/b")) == "/images/"
    assert body(serve(mux, "GET", "/images/thumbnails/t.png")) == "/images/thumbnails/"
    assert body(serve(mux, "GET", "/images/cat.png")) == "/images/{x} x=cat.png"
    assert body(serve(mux, "GET", "/images/logo.png")) == "GET /images/logo.png"
    # Another method falls back on the method-less pattern.
    assert body(serve(mux, "POST", "/images/logo.png")) == "/images/{x} x=logo.png"


def test_literal_then_wildcard_backtracks() -> None:
    mux = mux_of("/a/b/z", "/a/{x}/c")
    assert body(serve(mux, "GET", "/a/b/c")) == "/a/{x}/c x=b"


def test_dollar_matches_only_the_end() -> None:
    mux = mux_of("/{$}", "/")
    assert body(serve(mux, "GET", "/")) == "/{$}"
    assert body(serve(mux, "GET", "/x")) == "/"


def test_get_matches_head() -> None:
    mux = mux_of("GET /x")
    assert serve(mux, "HEAD", "/x").status_code == 200


def test_head_pattern_beats_get_for_head() -> None:
    mux = mux_of("GET /x", "HEAD /x")
    assert body(serve(mux, "HEAD", "/x")) == "HEAD /x"
    assert body(serve(mux, "GET", "/x")) == "GET /x"


def test_host_patterns_win() -> None:
    mux = mux_of("/", "example.com/", "example.com/{$}")
    assert body(serve(mux, "GET", "/", host="example.com:8080")) == "example.com/{$}"
    assert body(serve(mux, "GET", "/a", host="example.com")) == "example.com/"
    assert body(serve(mux, "GET", "/a", host="other.org")) == "/"


def test_method_not_allowed_lists_the_methods() -> None:
    mux = mux_of("GET /items/{id}", "DELETE /items/{id}", "POST /items/")
    resp = serve(mux, "PUT", "/items/1")
    assert resp.status_code == 405
    assert resp.header.get("Allow") == "DELETE, GET, HEAD, POST"
    assert body(resp) == "Method Not Allowed\n"


def test_not_found() -> None:
    resp = serve(mux_of("/a"), "GET", "/b")
    assert resp.status_code == 404
    assert body(resp) == "404 page not found\n"
    assert resp.header.get("Content-Type") == "text/plain; charset=utf-8"
    assert resp.header.get("X-Content-Type-Options") == "nosniff"


def test_trailing_slash_redirect() -> None:
    mux = mux_of("/images/")
    resp = serve(mux, "GET", "/images?size=2")
    assert resp.status_code == 301
    assert resp.header.get("Location") == "/images/?size=2"
    # A separate registration of the path without the slash takes it.
    mux.handle_func("/images", tag("/images"))
    assert body(serve(mux, "GET", "/images")) == "/images"


def test_multi_wildcard_subtree_redirects_its_root() -> None:
    mux = mux_of("/a/{rest...}")
    resp = serve(mux, "GET", "/a")
    assert (resp.status_code, resp.header.get("Location")) == (301, "/a/")


def test_unclean_paths_redirect_to_the_clean_one() -> None:
    mux = mux_of("/a/b")
    for target in ("/a/../a/b", "//a/b", "/a/./b"):
        resp = serve(mux, "GET", target)
        assert (resp.status_code, resp.header.get("Location")) == (301, "/a/b"), target
    assert mux.handler(httptest.new_request("GET", "/x/../a/b"))[1] == "/a/b"


def test_handler_reports_the_pattern() -> None:
    mux = mux_of("GET /items/{id}")
    r = httptest.new_request("GET", "/items/7")
    _, pattern = mux.handler(r)
    assert pattern == "GET /items/{id}"
    w = httptest.new_recorder()
    mux.serve_http(w, r)
    assert r.pattern == "GET /items/{id}"
    assert r.path_value("id") == "7"
    assert r.path_value("missing") == ""


def test_star_request_is_bad() -> None:
    r = httptest.new_request("OPTIONS", "/")
    r.request_uri = "*"
    w = httptest.new_recorder()
    mux_of("/").serve_http(w, r)
    assert w.code == 400
    assert w.header().get("Connection") == "close"


def test_handler_object_with_serve_http() -> None:
    class Hello:
        def serve_http(self, w: http.ResponseWriter, r: http.Request) -> None:
            w.write(b"hello")

    mux = http.ServeMux()
    mux.handle("/", Hello())
    assert body(serve(mux, "GET", "/")) == "hello"


def test_mux_inside_mux() -> None:
    inner = mux_of("/api/v1/{id}")
    outer = http.ServeMux()
    outer.handle("/api/", inner)
    assert body(serve(outer, "GET", "/api/v1/3")) == "/api/v1/{id} id=3"


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "http: invalid pattern"),
        ("GET", 'parsing "GET": host/path missing /'),
        ("/{x", "parsing \"/{x\": bad wildcard segment (must end with '}')"),
        ("/a{x}", "parsing \"/a{x}\": bad wildcard segment (must start with '{')"),
        ("/{$}/a", 'parsing "/{$}/a": {$} not at end'),
        ("/{x...}/a", 'parsing "/{x...}/a": {...} wildcard not at end'),
        ("/{}", 'parsing "/{}": empty wildcard'),
        ("/{1x}", 'parsing "/{1x}": bad wildcard name "1x"'),
        ("/{x}/{x}", 'parsing "/{x}/{x}": duplicate wildcard name "x"'),
        (
            "GET /a/../b",
            'parsing "GET /a/../b": non-CONNECT pattern with unclean path can never match',
        ),
        ("G(T /", 'parsing "G(T /": net/http: invalid method "G(T"'),
        ("{host}/", "parsing \"{host}/\": host contains '{' (missing initial '/'?)"),
    ],
)
def test_invalid_patterns(pattern: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        http.ServeMux().handle_func(pattern, tag("x"))


def conflict(first: str, second: str) -> str:
    mux = mux_of(first)
    with pytest.raises(ValueError, match="conflicts with") as caught:
        mux.handle_func(second, tag(second))
    return str(caught.value)


def test_equivalent_patterns_conflict() -> None:
    text = conflict("/a/{x}", "/a/{y}")
    assert text.startswith('pattern "/a/{y}" (registered at ')
    assert __file__ in text
    assert text.endswith("/a/{y} matches the same requests as /a/{x}")


def test_overlapping_paths_conflict() -> None:
    text = conflict("/a/{x}", "/{y}/b")
    assert text.endswith(
        '/{y}/b and /a/{x} both match some paths, like "/a/b".\n'
        "But neither is more specific than the other.\n"
        '/{y}/b matches "/y/b", but /a/{x} doesn\'t.\n'
        '/a/{x} matches "/a/x", but /{y}/b doesn\'t.'
    )


def test_method_and_path_in_opposite_directions_conflict() -> None:
    # Go's example: both match a GET of /index.html.
    text = conflict("GET /", "/index.html")
    assert text.endswith(
        "/index.html matches more methods than GET /, but has a more specific path pattern"
    )
    text = conflict("/index.html", "GET /")
    assert text.endswith(
        "GET / matches fewer methods than /index.html, but has a more general path pattern"
    )


def test_patterns_that_do_not_conflict() -> None:
    mux = mux_of("/a/", "/a/b/", "GET /a/{x}", "POST /a/{x}", "/a/b/{$}", "host.com/a/{x}")
    assert body(serve(mux, "GET", "/a/b/")) == "/a/b/{$}"
    assert body(serve(mux, "GET", "/a/b/c")) == "/a/b/"


def test_nil_handler() -> None:
    with pytest.raises(TypeError, match="http: nil handler"):
        http.ServeMux().handle("/", None)  # type: ignore[arg-type]


def test_default_serve_mux_and_package_functions() -> None:
    http.handle_func("/test-default-mux/{id}", tag("/test-default-mux/{id}"))
    r = httptest.new_request("GET", "/test-default-mux/9")
    w = httptest.new_recorder()
    http.default_serve_mux.serve_http(w, r)
    assert w.body.getvalue() == b"/test-default-mux/{id} id=9"
