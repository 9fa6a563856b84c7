"""gochan.http without a network: Header, URL, requests, the recorder, the small handlers, files."""

from __future__ import annotations

import email.utils
import io
import os
from pathlib import Path

import pytest

from gochan import context, http
from gochan.http import header as header_module
from gochan.http import httptest
from gochan.http._url import parse_request_uri

# -- Header ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "canonical"),
    [
        ("content-type", "Content-Type"),
        ("CONTENT-LENGTH", "Content-Length"),
        ("x-forwarded-for", "X-Forwarded-For"),
        ("www-authenticate", "Www-Authenticate"),
        ("host", "Host"),
        ("ETag", "Etag"),
        ("etag", "Etag"),
        ("transfer-encoding", "Transfer-Encoding"),
        ("a", "A"),
        ("-x-", "-X-"),
        ("bad key", "bad key"),  # a space: returned unchanged, as Go does
        ("héllo", "héllo"),
        ("", ""),
    ],
)
def test_canonical_header_key(key: str, canonical: str) -> None:
    assert http.canonical_header_key(key) == canonical


def test_the_common_header_table_agrees_with_the_rule() -> None:
    for spelling, canonical in header_module._COMMON.items():
        assert header_module._canonical(spelling) == canonical


def test_header_methods_canonicalize_and_keep_every_value() -> None:
    h = http.Header()
    h.add("accept", "text/html")
    h.add("ACCEPT", "application/json")
    assert h["Accept"] == ["text/html", "application/json"]
    assert h.get("accept") == "text/html"
    assert h.values("Accept") == ["text/html", "application/json"]
    h.set("accept", "*/*")
    assert h.values("accept") == ["*/*"]
    h.del_("Accept")
    assert "Accept" not in h
    assert h.get("accept") == ""
    assert h.values("accept") == []
    h.del_("absent")  # nothing happens


def test_header_indexing_does_not_canonicalize() -> None:
    h = http.Header({"x-raw": ["1"]})
    assert h.get("X-Raw") == ""
    assert h["x-raw"] == ["1"]


def test_header_clone_is_deep() -> None:
    h = http.Header()
    h.add("A", "1")
    c = h.clone()
    c.add("A", "2")
    assert h.values("A") == ["1"]
    assert c.values("A") == ["1", "2"]


# -- URL and Values -----------------------------------------------------------------


def test_parse_url_parts() -> None:
    u = http.parse_url("https://user:pw@example.com:8443/a%20b/c?x=1&x=2&y=#frag")
    assert (u.scheme, u.user, u.host) == ("https", "user:pw", "example.com:8443")
    assert (u.hostname(), u.port()) == ("example.com", "8443")
    assert u.path == "/a b/c"
    assert u.escaped_path() == "/a%20b/c"
    assert u.raw_query == "x=1&x=2&y="
    assert u.fragment == "frag"
    assert u.query()["x"] == ["1", "2"]
    assert u.query().get("y") == ""
    assert u.query().has("y")
    assert u.request_uri() == "/a%20b/c?x=1&x=2&y="
    assert str(u) == "https://user:pw@example.com:8443/a%20b/c?x=1&x=2&y=#frag"
    assert u.is_abs()


def test_url_keeps_a_non_default_escaping() -> None:
    u = http.parse_url("http://h/a%2Fb")
    assert u.path == "/a/b"
    assert u.raw_path == "/a%2Fb"
    assert u.escaped_path() == "/a%2Fb"
    assert str(u) == "http://h/a%2Fb"


def test_a_path_is_escaped_when_its_raw_form_is_not_valid() -> None:
    url = http.parse_url("http://h/sp ace/a%2Fb")
    assert (url.path, url.escaped_path()) == ("/sp ace/a/b", "/sp%20ace/a/b")
    assert http.new_request("GET", "http://h/a b?q").url.request_uri() == "/a%20b?q"
    assert str(http.parse_url("http://h/x/").parse("y z")) == "http://h/x/y%20z"


def test_ipv6_host() -> None:
    u = http.parse_url("http://[::1]:8080/")
    assert (u.hostname(), u.port()) == ("::1", "8080")


def test_resolve_reference() -> None:
    base = http.parse_url("http://h/a/b?q=1")
    assert str(base.parse("c")) == "http://h/a/c"
    assert str(base.parse("/d?e=f")) == "http://h/d?e=f"
    assert str(base.parse("//other/x")) == "http://other/x"
    assert str(base.parse("https://s/")) == "https://s/"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("http://h/\x7f", 'parse "http://h/\x7f": net/url: invalid control character in URL'),
        ("http://h/a\nb", 'parse "http://h/a\nb": net/url: invalid control character in URL'),
        ("http://[::1/", 'parse "http://[::1/": Invalid IPv6 URL'),
    ],
)
def test_parse_url_errors(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=r"^parse ") as caught:
        http.parse_url(raw)
    assert str(caught.value) == message


@pytest.mark.parametrize("target", ["/a\x7fb", "/a\tb", "/?q=\x00"])
def test_a_request_target_with_a_control_character_is_refused(target: str) -> None:
    with pytest.raises(ValueError, match=r"invalid control character in URL$"):
        parse_request_uri(target)


def test_values_encode_sorted() -> None:
    v = http.Values()
    v.add("b", "2")
    v.add("a", "x y")
    v.add("a", "&")
    assert v.encode() == "a=x+y&a=%26&b=2"
    v.set("a", "1")
    v.del_("b")
    assert v.encode() == "a=1"
    assert http.parse_query("k=1&k=2&e=")["k"] == ["1", "2"]


# -- status texts, sniffing -----------------------------------------------------------


def test_status_text_is_gos() -> None:
    assert http.status_text(http.StatusOK) == "OK"
    assert http.status_text(http.StatusTeapot) == "I'm a teapot"
    assert http.status_text(http.StatusRequestEntityTooLarge) == "Request Entity Too Large"
    assert http.status_text(http.StatusNonAuthoritativeInfo) == "Non-Authoritative Information"
    assert http.status_text(299) == ""
    assert http.MethodGet == "GET"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"", "text/plain; charset=utf-8"),
        (b"Hello, world", "text/plain; charset=utf-8"),
        (b"  <!DOCTYPE html><p>x", "text/html; charset=utf-8"),
        (b"<html>", "text/html; charset=utf-8"),
        (b"<htmlx", "text/plain; charset=utf-8"),
        (b"<?xml version='1.0'?>", "text/xml; charset=utf-8"),
        (b"%PDF-1.4", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n....", "image/png"),
        (b"GIF89a...", "image/gif"),
        (b"\x1f\x8b\x08\x00", "application/x-gzip"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x01\x02binary", "application/octet-stream"),
        (b'{"json": true}', "text/plain; charset=utf-8"),
    ],
)
def test_detect_content_type(data: bytes, content_type: str) -> None:
    assert http.detect_content_type(data) == content_type


# -- requests ------------------------------------------------------------------------


def test_new_request_with_bytes_body() -> None:
    r = http.new_request("POST", "http://example.com:80/x?y=1", b"payload")
    assert (r.method, r.host, r.content_length) == ("POST", "example.com:80", 7)
    assert r.body.read() == b"payload"
    assert r.get_body is not None
    assert r.get_body().read() == b"payload"  # a fresh copy for a redirect
    assert r.context() is context.background()


def test_new_request_defaults_and_errors() -> None:
    r = http.new_request("", "http://h/")
    assert r.method == "GET"
    assert r.body is http.no_body  # Go's nil Body
    assert r.content_length == 0
    with pytest.raises(ValueError, match=r'^net/http: invalid method "BAD METHOD"$'):
        http.new_request("BAD METHOD", "http://h/")
    with pytest.raises(ValueError, match=r"^parse "):
        http.new_request("GET", "http://[::1/")


def test_new_request_with_a_stream_has_unknown_length() -> None:
    class Stream:
        def read(self, n: int = -1, /) -> bytes:
            return b""

    r = http.new_request("PUT", "http://h/", Stream())
    assert r.content_length == 0  # Go's "unknown" for a body that is not no_body
    assert r.get_body is None
    r.body.close()  # given a close() that does nothing


def test_bytes_io_body_from_its_position() -> None:
    buf = io.BytesIO(b"skip-this")
    buf.read(5)
    r = http.new_request("POST", "http://h/", buf)
    assert r.content_length == 4


def test_with_context_and_clone() -> None:
    r = http.new_request("GET", "http://h/a")
    r.header.set("X", "1")
    ctx, cancel = context.with_cancel(context.background())
    shallow = r.with_context(ctx)
    assert shallow.context() is ctx
    assert shallow.header is r.header
    deep = r.clone(ctx)
    deep.header.set("X", "2")
    deep.url.path = "/b"
    assert (r.header.get("X"), r.url.path) == ("1", "/a")
    cancel()


def test_form_value_reads_body_then_query() -> None:
    r = httptest.new_request("POST", "/f?a=query&b=q", b"a=body&c=3")
    r.header.set("Content-Type", "application/x-www-form-urlencoded")
    assert r.form_value("a") == "body"
    assert r.form_value("b") == "q"
    assert r.form_value("c") == "3"
    assert r.post_form == {"a": ["body"], "c": ["3"]}
    assert r.form is not None
    assert r.form["a"] == ["body", "query"]
    assert (r.post_form_value("a"), r.post_form_value("b")) == ("body", "")


def test_post_form_value_parses_the_form() -> None:
    r = httptest.new_request("PUT", "/f?b=query", b"b=body")
    r.header.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    assert r.post_form_value("b") == "body"
    assert r.form_value("b") == "body"
    get = httptest.new_request("GET", "/f?b=query")
    assert (get.post_form_value("b"), get.form_value("b")) == ("", "query")


def test_httptest_new_request() -> None:
    r = httptest.new_request("GET", "/items/1?x=2")
    assert (r.host, r.remote_addr, r.request_uri) == (
        "example.com",
        "192.0.2.1:1234",
        "/items/1?x=2",
    )
    assert r.url.path == "/items/1"
    assert r.body.read() == b""
    assert httptest.new_request("GET", "http://other.org/").host == "other.org"


def test_response_location() -> None:
    req = http.new_request("GET", "http://h/a/b")
    resp = http.Response(request=req)
    resp.header.set("Location", "../c")
    assert str(resp.location()) == "http://h/c"
    with pytest.raises(LookupError, match="http: no Location header in response"):
        http.Response().location()


# -- the recorder and the small handlers ------------------------------------------------


def test_recorder_defaults_to_200_and_sniffs() -> None:
    w = httptest.new_recorder()
    w.write(b"<html><body>hi")
    w.header().set("X-Late", "ignored in the result")
    resp = w.result()
    assert (resp.status_code, resp.status) == (200, "200 OK")
    assert resp.header.get("Content-Type") == "text/html; charset=utf-8"
    assert resp.header.get("X-Late") == ""
    assert resp.body.read() == b"<html><body>hi"
    assert resp.content_length == -1


def test_recorder_write_header_once() -> None:
    w = httptest.new_recorder()
    w.header().set("Content-Length", "2")
    w.write_header(http.StatusCreated)
    w.write_header(http.StatusTeapot)
    w.write(b"ok")
    w.flush()
    resp = w.result()
    assert resp.status == "201 Created"
    assert resp.content_length == 2
    assert w.flushed
    with pytest.raises(ValueError, match=r"^invalid WriteHeader code 99$"):
        httptest.new_recorder().write_header(99)


def test_error() -> None:
    w = httptest.new_recorder()
    w.header().set("Content-Length", "100")
    http.error(w, "bad things", http.StatusBadRequest)
    assert w.code == 400
    assert w.body.getvalue() == b"bad things\n"
    assert "Content-Length" not in w.header()


@pytest.mark.parametrize(
    ("path", "target", "location"),
    [
        ("/a/b", "c", "/a/c"),
        ("/a/b/", "c", "/a/b/c"),
        ("/a/b", "../x/", "/x/"),
        ("/a/b", "/abs?q=1", "/abs?q=1"),
        ("/a", "http://other/x", "http://other/x"),
        ("/", "/é", "/%C3%A9"),
    ],
)
def test_redirect(path: str, target: str, location: str) -> None:
    w = httptest.new_recorder()
    http.redirect(w, httptest.new_request("GET", path), target, http.StatusFound)
    assert w.code == 302
    assert w.header().get("Location") == location


def test_redirect_body_for_get_only() -> None:
    w = httptest.new_recorder()
    http.redirect(w, httptest.new_request("GET", "/"), "/x", http.StatusSeeOther)
    assert w.body.getvalue() == b'<a href="/x">See Other</a>.\n\n'
    assert w.header().get("Content-Type") == "text/html; charset=utf-8"
    w = httptest.new_recorder()
    http.redirect(w, httptest.new_request("POST", "/"), "/x", http.StatusSeeOther)
    assert w.body.getvalue() == b""


def test_strip_prefix() -> None:
    seen: list[str] = []

    def record(w: http.ResponseWriter, r: http.Request) -> None:
        seen.append(r.url.path)

    h = http.strip_prefix("/static", record)
    original = httptest.new_request("GET", "/static/css/a.css")
    h(httptest.new_recorder(), original)
    assert seen == ["/css/a.css"]
    assert original.url.path == "/static/css/a.css"  # the handler got a copy
    w = httptest.new_recorder()
    h(w, httptest.new_request("GET", "/other"))
    assert w.code == 404


def test_not_found_handler() -> None:
    w = httptest.new_recorder()
    http.not_found_handler()(w, httptest.new_request("GET", "/"))
    assert (w.code, w.body.getvalue()) == (404, b"404 page not found\n")


# -- file_server -----------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "hello.txt").write_text("hello, files")
    (tmp_path / "page.html").write_text("<p>x</p>")
    (tmp_path / "blob").write_bytes(b"\x00\x01\x02")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.html").write_text("<h1>docs</h1>")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "a b.txt").write_text("")
    (tmp_path / "empty" / "sub").mkdir()
    return tmp_path


def get_file(root: Path, target: str, **headers: str) -> http.Response:
    r = httptest.new_request("GET", target)
    for key, value in headers.items():
        r.header.set(key.replace("_", "-"), value)
    w = httptest.new_recorder()
    http.file_server(http.Dir(str(root)))(w, r)
    return w.result()


@pytest.mark.gochan
def test_file_server_serves_a_file(site: Path) -> None:
    resp = get_file(site, "/hello.txt")
    assert resp.status_code == 200
    assert resp.body.read() == b"hello, files"
    assert resp.header.get("Content-Type") == "text/plain; charset=utf-8"
    assert resp.header.get("Content-Length") == "12"
    assert resp.header.get("Last-Modified").endswith(" GMT")
    assert get_file(site, "/page.html").header.get("Content-Type") == "text/html; charset=utf-8"
    assert get_file(site, "/blob").header.get("Content-Type") == "application/octet-stream"


@pytest.mark.gochan
def test_file_server_not_modified(site: Path) -> None:
    mtime = os.stat(site / "hello.txt").st_mtime
    since = email.utils.formatdate(mtime + 1, usegmt=True)
    assert get_file(site, "/hello.txt", If_Modified_Since=since).status_code == 304


@pytest.mark.gochan
def test_file_server_directories(site: Path) -> None:
    resp = get_file(site, "/docs/")
    assert resp.body.read() == b"<h1>docs</h1>"
    resp = get_file(site, "/docs?x=1")
    assert (resp.status_code, resp.header.get("Location")) == (301, "docs/?x=1")
    resp = get_file(site, "/docs/index.html")
    assert (resp.status_code, resp.header.get("Location")) == (301, "./")
    resp = get_file(site, "/hello.txt/")
    assert (resp.status_code, resp.header.get("Location")) == (301, "../hello.txt")
    listing = get_file(site, "/empty/").body.read().decode()
    assert '<a href="a%20b.txt">a b.txt</a>' in listing
    assert '<a href="sub/">sub/</a>' in listing


@pytest.mark.gochan
def test_file_server_stays_inside_its_directory(site: Path) -> None:
    (site.parent / "secret.txt").write_text("secret")
    resp = get_file(site, "/../secret.txt")
    assert resp.status_code == 404
    assert get_file(site, "/missing").body.read() == b"404 page not found\n"


@pytest.mark.gochan
def test_file_server_under_strip_prefix(site: Path) -> None:
    mux = http.ServeMux()
    mux.handle("/static/", http.strip_prefix("/static", http.file_server(str(site))))
    w = httptest.new_recorder()
    mux.serve_http(w, httptest.new_request("GET", "/static/hello.txt"))
    assert w.body.getvalue() == b"hello, files"
