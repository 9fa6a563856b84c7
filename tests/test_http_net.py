"""gochan.http and gochan.tls on real sockets (127.0.0.1 only): client, server, TLS, cancellation."""

from __future__ import annotations

import contextlib
import ssl

import pytest
import trustme

from gochan import Chan, RecvChan, after, context, default, go, http, net, recv, select, time, tls
from gochan.http import httptest
from gochan.testing import VirtualClock, wait_blocked

pytestmark = pytest.mark.gochan


def hello(w: http.ResponseWriter, r: http.Request) -> None:
    w.write(b"hello " + r.path_value("name").encode())


def echo(w: http.ResponseWriter, r: http.Request) -> None:
    w.write(r.body.read())


def hello_world(w: http.ResponseWriter, r: http.Request) -> None:
    w.write(b"hello")


def remote_addr(w: http.ResponseWriter, r: http.Request) -> None:
    w.write(r.remote_addr.encode())


def routes() -> http.ServeMux:
    mux = http.ServeMux()
    mux.handle_func("GET /hello/{name}", hello)
    mux.handle_func("POST /echo", echo)
    return mux


def test_get_and_keep_alive() -> None:
    with httptest.new_server(routes()) as srv:
        client = srv.client()
        for name in ("a", "b", "c"):
            with client.get(f"{srv.url}/hello/{name}") as resp:
                assert (resp.status_code, resp.status) == (200, "200 OK")
                assert resp.body.read() == f"hello {name}".encode()
                assert resp.content_length == len(f"hello {name}")
                assert resp.header.get("Content-Type") == "text/plain; charset=utf-8"
        # One connection served all three: it went back to the pool each time.
        assert len(srv.config._conns) == 1


def test_post_content_length_and_chunked() -> None:
    class Stream:
        def __init__(self) -> None:
            self.parts = [b"x" * 40000, b"y" * 40000]

        def read(self, n: int = -1, /) -> bytes:
            return self.parts.pop(0) if self.parts else b""

    with httptest.new_server(routes()) as srv:
        with srv.client().post(srv.url + "/echo", "text/plain", b"payload") as resp:
            assert resp.body.read() == b"payload"
        with srv.client().post(srv.url + "/echo", "text/plain", Stream()) as resp:
            data = resp.body.read()
            assert data == b"x" * 40000 + b"y" * 40000
            assert resp.transfer_encoding == ["chunked"]  # more than 2 KB: sent chunked
            assert resp.content_length == -1


def test_head_and_no_content() -> None:
    def empty(w: http.ResponseWriter, r: http.Request) -> None:
        w.write_header(http.StatusNoContent)

    mux = routes()
    mux.handle_func("/empty", empty)
    with httptest.new_server(mux) as srv:
        with srv.client().head(srv.url + "/hello/x") as resp:
            assert resp.status_code == 200
            assert resp.body.read() == b""
        with srv.client().get(srv.url + "/empty") as resp:
            assert (resp.status_code, resp.body.read(), resp.content_length) == (204, b"", 0)


def test_redirects_as_go_follows_them() -> None:
    seen: list[str] = []

    def redirect(w: http.ResponseWriter, r: http.Request) -> None:
        seen.append(f"{r.method} {r.url.path} {r.body.read()!r}")
        code = int(r.path_value("code"))
        http.redirect(w, r, "/final", code)

    def final(w: http.ResponseWriter, r: http.Request) -> None:
        seen.append(f"{r.method} final {r.body.read()!r}")
        w.write(r.header.get("Referer").encode())

    mux = http.ServeMux()
    mux.handle_func("/r/{code}", redirect)
    mux.handle_func("/final", final)
    with httptest.new_server(mux) as srv:
        for code in (301, 302, 303, 307, 308):
            with srv.client().post(f"{srv.url}/r/{code}", "text/plain", b"body") as resp:
                assert resp.status_code == 200
                assert resp.body.read() == f"{srv.url}/r/{code}".encode()
    assert seen == [
        "POST /r/301 b'body'", "GET final b''",
        "POST /r/302 b'body'", "GET final b''",
        "POST /r/303 b'body'", "GET final b''",
        "POST /r/307 b'body'", "POST final b'body'",
        "POST /r/308 b'body'", "POST final b'body'",
    ]  # fmt: skip


def test_stopped_after_10_redirects() -> None:
    def loop(w: http.ResponseWriter, r: http.Request) -> None:
        http.redirect(w, r, "/loop", http.StatusFound)

    with httptest.new_server(loop) as srv:
        with pytest.raises(http.URLError) as caught:
            srv.client().get(srv.url + "/loop")
        assert str(caught.value) == 'Get "/loop": stopped after 10 redirects'


def test_handler_exception_is_a_500_and_the_server_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def boom(w: http.ResponseWriter, r: http.Request) -> None:
        raise RuntimeError("boom")

    mux = routes()
    mux.handle_func("/boom", boom)
    with httptest.new_server(mux) as srv:
        with srv.client().get(srv.url + "/boom") as resp:
            assert resp.status_code == 500
            assert resp.body.read() == b"Internal Server Error\n"
        with srv.client().get(srv.url + "/hello/after") as resp:
            assert resp.body.read() == b"hello after"
    assert "http: panic serving 127.0.0.1:" in caplog.text
    assert "RuntimeError('boom')" in caplog.text


def test_pipelined_requests_are_answered_in_order() -> None:
    with httptest.new_server(routes()) as srv:
        conn = net.dial("tcp", srv.url.removeprefix("http://"))
        conn.write(
            b"GET /hello/1 HTTP/1.1\r\nHost: x\r\n\r\n"
            b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
            b"GET /hello/3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        answer = conn.read(-1)
        conn.close()
    bodies = [part.rpartition(b"\r\n\r\n")[2] for part in answer.split(b"HTTP/1.1 200 OK")[1:]]
    assert bodies == [b"hello 1", b"abc", b"hello 3"]


def test_cancel_aborts_the_request_and_the_handler_sees_it() -> None:
    handler_saw = Chan[str](1)
    started = Chan[None](1)

    def slow(w: http.ResponseWriter, r: http.Request) -> None:
        started.send(None)
        done = recv(r.context().done())
        select(done, recv(after(10)))
        handler_saw.send(str(r.context().err()))

    with httptest.new_server(slow) as srv:
        ctx, cancel = context.with_cancel(context.background())

        def cancel_once_started() -> None:
            started.recv()
            cancel()

        go(cancel_once_started)
        req = http.new_request_with_context(ctx, "GET", srv.url + "/")
        with pytest.raises(context.Canceled):
            srv.client().do(req)
        assert handler_saw.recv() == "context canceled"


def test_cancel_while_reading_the_body() -> None:
    def stream(w: http.ResponseWriter, r: http.Request) -> None:
        w.write(b"first")
        w.flush()
        select(recv(r.context().done()), recv(after(10)))

    with httptest.new_server(stream) as srv:
        ctx, cancel = context.with_cancel(context.background())
        resp = srv.client().do(http.new_request_with_context(ctx, "GET", srv.url))
        assert resp.body.read(5) == b"first"
        cancel()
        with pytest.raises(context.Canceled):
            resp.body.read()


def test_client_timeout_is_a_timeout_error() -> None:
    def slow(w: http.ResponseWriter, r: http.Request) -> None:
        select(recv(r.context().done()), recv(after(10)))

    with httptest.new_server(slow) as srv:
        client = http.Client(transport=srv.client().transport, timeout=0.05)
        with pytest.raises(TimeoutError) as caught:
            client.get(srv.url + "/x")
        assert str(caught.value) == (
            f'Get "{srv.url}/x": context deadline exceeded '
            "(Client.Timeout exceeded while awaiting headers)"
        )


def test_connection_refused_is_a_url_error() -> None:
    ln = net.listen("tcp", "127.0.0.1:0")
    address = str(ln.addr())
    ln.close()
    with pytest.raises(http.URLError) as caught:
        http.Client(transport=http.Transport()).get(f"http://{address}/x")
    assert isinstance(caught.value.err, ConnectionRefusedError)
    assert (caught.value.op, caught.value.url) == ("Get", f"http://{address}/x")
    assert str(caught.value).startswith(f'Get "http://{address}/x": dial tcp {address}: ')


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://127.0.0.1/x", 'Get "ftp://127.0.0.1/x": unsupported protocol scheme "ftp"'),
        ("/x", 'Get "/x": unsupported protocol scheme ""'),
        ("http:///x", 'Get "http:///x": http: no Host in request URL'),
    ],
)
def test_unusable_urls_are_url_errors(url: str, message: str) -> None:
    with pytest.raises(http.URLError) as caught:
        http.Client(transport=http.Transport()).get(url)
    assert str(caught.value) == message


def test_a_server_that_closes_without_answering_is_eof() -> None:
    ln = net.listen("tcp", "127.0.0.1:0")

    def hang_up(partial: bytes) -> None:
        conn = ln.accept()
        conn.read(1000)
        conn.write(partial)
        conn.close()

    for partial, err in ((b"", "EOF"), (b"HTTP/1.1 200 OK\r\nContent-Le", "unexpected EOF")):
        go(hang_up, partial)
        with pytest.raises(http.URLError) as caught:
            http.Client(transport=http.Transport()).get(f"http://{ln.addr()}/")
        assert str(caught.value) == f'Get "http://{ln.addr()}/": {err}'
        assert isinstance(caught.value.err, EOFError)
    ln.close()


def canned_server(answer: bytes) -> tuple[str, RecvChan[bytes]]:
    """A server on 127.0.0.1 that reads one request, sends ``answer`` and closes; its URL.

    The channel gets the request it read.
    """
    ln = net.listen("tcp", "127.0.0.1:0")
    requests = Chan[bytes](1)

    def serve() -> None:
        conn = ln.accept()
        ln.close()
        requests.send(conn.read(1000))
        conn.write(answer)
        conn.close()

    go(serve)
    return f"http://{ln.addr()}/", requests


def test_the_client_skips_1xx_and_reads_a_body_up_to_the_close() -> None:
    url, requests = canned_server(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        b"HTTP/1.0 200 OK\r\nX-Id: 1\r\n\r\nup to the close"
    )
    with http.Client(transport=http.Transport()).get(url) as resp:
        assert (resp.status, resp.proto, resp.content_length) == ("200 OK", "HTTP/1.0", -1)
        assert resp.header == {"X-Id": ["1"]}
        assert resp.body.read() == b"up to the close"
    assert requests.recv().startswith(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:")


def test_a_body_cut_short_is_an_error() -> None:
    url, _ = canned_server(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
    resp = http.Client(transport=http.Transport()).get(url)
    with resp, pytest.raises(OSError, match="unexpected EOF"):
        resp.body.read()


def test_a_malformed_response_is_a_url_error() -> None:
    url, _ = canned_server(b"HTTP/1.1 2OO OK\r\n\r\n")
    with pytest.raises(http.URLError):
        http.Client(transport=http.Transport()).get(url)


def test_head_and_chunked_responses_keep_the_connection() -> None:
    def long(w: http.ResponseWriter, r: http.Request) -> None:
        w.write(b"a" * 3000)

    with httptest.new_server(long) as srv:
        client = srv.client()
        for method in ("HEAD", "GET", "HEAD", "GET"):
            with client.do(http.new_request(method, srv.url)) as resp:
                if method == "HEAD":  # no framing at all: Go's server says nothing of the length
                    assert (resp.body.read(), resp.transfer_encoding) == (b"", [])
                else:
                    assert (resp.body.read(), resp.transfer_encoding) == (b"a" * 3000, ["chunked"])
        assert len(srv.config._conns) == 1  # one connection served them all


def test_a_request_body_must_have_its_declared_length() -> None:
    with httptest.new_server(routes()) as srv:
        for declared in (5, 2):
            req = http.new_request("POST", srv.url + "/echo", b"abc")
            req.content_length = declared
            with pytest.raises(http.URLError, match=f"ContentLength={declared} with Body length"):
                srv.client().do(req)


def test_a_request_header_that_cannot_be_sent_is_an_error() -> None:
    with httptest.new_server(hello_world) as srv:
        req = http.new_request("GET", srv.url)
        req.header.set("X-Bad", "a\r\nInjected: 1")
        with pytest.raises(http.URLError, match="invalid header field value"):
            srv.client().do(req)


def test_reading_a_closed_response_body() -> None:
    with httptest.new_server(routes()) as srv:
        resp = srv.client().get(srv.url + "/hello/x")
        assert resp.body.read() == b"hello x"
        assert resp.body.read() == b""  # at the end: more of nothing, as Go's io.EOF
        resp.body.close()
        with pytest.raises(ValueError, match=r"^http: read on closed response body$"):
            resp.body.read()


def test_a_status_that_is_not_ok_is_no_error() -> None:
    with httptest.new_server(routes()) as srv, srv.client().get(srv.url + "/missing") as resp:
        assert (resp.status_code, resp.status) == (404, "404 Not Found")
        assert resp.body.read() == b"404 page not found\n"


def test_shutdown_waits_for_the_active_request() -> None:
    release = Chan[None]()

    def slow(w: http.ResponseWriter, r: http.Request) -> None:
        release.recv()
        w.write(b"finished")

    ln = net.listen("tcp", "127.0.0.1:0")
    srv = http.Server(handler=slow)
    served = Chan[None](1)

    def serve() -> None:
        srv.serve(ln)
        served.send(None)

    go(serve)
    got = Chan[bytes](1)
    client = http.Client(transport=http.Transport())

    def fetch() -> None:
        with client.get(f"http://{ln.addr()}/") as resp:
            got.send(resp.body.read())

    go(fetch)
    while not srv._conns or next(iter(srv._conns)).state.value != "active":
        select(recv(after(0.001)))
    go(release.send, None)
    srv.shutdown(context.background())
    assert got.recv() == b"finished"
    served.recv()  # serve() returned


def test_shutdown_past_its_deadline_cancels_requests() -> None:
    saw = Chan[str](1)

    def stubborn(w: http.ResponseWriter, r: http.Request) -> None:
        select(recv(r.context().done()))
        saw.send(str(r.context().err()))

    with httptest.new_server(stubborn) as srv:

        def fetch() -> None:
            with contextlib.suppress(OSError):  # the server may close before answering
                srv.client().get(srv.url).body.close()

        go(fetch)
        while not srv.config._conns or next(iter(srv.config._conns)).state.value != "active":
            select(recv(after(0.001)))
        ctx, cancel = context.with_timeout(context.background(), 0.05)
        with pytest.raises(context.DeadlineExceeded):
            srv.config.shutdown(ctx)
        cancel()
        assert saw.recv() == "context canceled"


# -- TLS -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_config(ca: trustme.CA) -> ssl.SSLContext:
    config = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(config)
    return config


@pytest.fixture(scope="module")
def client_config(ca: trustme.CA) -> ssl.SSLContext:
    config = ssl.create_default_context()
    ca.configure_trust(config)
    return config


def test_tls_echo(server_config: ssl.SSLContext, client_config: ssl.SSLContext) -> None:
    ln = tls.listen("tcp", "127.0.0.1:0", server_config)

    def serve_one() -> None:
        with ln.accept() as conn:
            conn.write(conn.read(100).upper())

    go(serve_one)
    with tls.dial("tcp", str(ln.addr()), client_config, server_hostname="localhost") as conn:
        conn.write(b"hello tls")
        assert conn.read(100) == b"HELLO TLS"
        assert conn.read(100) == b""
        assert conn.ssl_object().version() in ("TLSv1.2", "TLSv1.3")
    ln.close()


@pytest.mark.parametrize("close_notify", [True, False])
def test_tls_reads_the_last_record_and_the_close_that_come_in_one_edge(
    server_config: ssl.SSLContext, client_config: ssl.SSLContext, close_notify: bool
) -> None:
    # The server waits in a read; the client's last record, maybe its
    # close_notify, and the FIN come before the loop polls: the short read of
    # the socket that gets them must not mark it drained, or the end of a
    # peer that stops without close_notify is never read.
    ln = tls.listen("tcp", "127.0.0.1:0", server_config)
    accepted = Chan[None](1)
    reads = Chan[list[bytes]](1)

    def serve_one() -> None:
        with ln.accept() as conn:
            conn.handshake()
            accepted.send(None)
            conn.set_read_deadline(time.now() + 5)
            got = [conn.read(100)]
            while got[-1]:
                got.append(conn.read(100))
            reads.send(got)

    go(serve_one)
    raw = net.dial("tcp", str(ln.addr()))
    conn = tls.client(raw, client_config, server_hostname="localhost")
    conn.handshake()
    accepted.recv()
    wait_blocked(1, "IO wait")
    conn.write(b"last words")
    if close_notify:
        conn.close()
    else:  # a FIN alone: closing would reset, the session tickets being unread
        raw.close_write()
    assert reads.recv() == [b"last words", b""]
    raw.close()
    ln.close()


def test_tls_checks_the_certificate(server_config: ssl.SSLContext) -> None:
    ln = tls.listen("tcp", "127.0.0.1:0", server_config)

    def serve_one() -> None:
        with ln.accept() as conn, pytest.raises(ssl.SSLError):
            conn.handshake()

    go(serve_one)
    with pytest.raises(ssl.SSLCertVerificationError):
        tls.dial("tcp", str(ln.addr()), ssl.create_default_context(), server_hostname="localhost")
    ln.close()


def test_tls_deadline(server_config: ssl.SSLContext, client_config: ssl.SSLContext) -> None:
    ln = tls.listen("tcp", "127.0.0.1:0", server_config)
    release = Chan[None]()

    def serve_one() -> None:
        with ln.accept() as conn:
            conn.handshake()
            release.recv()

    go(serve_one)
    with tls.dial("tcp", str(ln.addr()), client_config, server_hostname="localhost") as conn:
        conn.set_read_deadline(0.0)
        with pytest.raises(net.ErrDeadlineExceeded):
            conn.read(10)
    release.send(None)
    ln.close()


def test_tls_handshake_context_closes_the_connection_when_the_context_ends(
    client_config: ssl.SSLContext,
) -> None:
    ln = net.listen("tcp", "127.0.0.1:0")
    accepted = Chan[net.Conn](1)
    go(lambda: accepted.send(ln.accept()))  # a peer that never answers the hello
    conn = net.dial("tcp", str(ln.addr()))
    tls_conn = tls.client(conn, client_config, server_hostname="localhost")
    ctx, cancel = context.with_timeout(context.background(), 0.05)
    with pytest.raises(context.DeadlineExceeded):
        tls_conn.handshake_context(ctx)
    assert conn.closed
    cancel()
    accepted.recv().close()
    ln.close()


def test_tls_handshake_context_no_longer_matters_once_done(
    server_config: ssl.SSLContext, client_config: ssl.SSLContext
) -> None:
    ln = tls.listen("tcp", "127.0.0.1:0", server_config)

    def serve_one() -> None:
        with ln.accept() as conn:
            conn.write(conn.read(100).upper())

    go(serve_one)
    ctx, cancel = context.with_cancel(context.background())
    with tls.client(
        net.dial("tcp", str(ln.addr())), client_config, server_hostname="localhost"
    ) as conn:
        conn.handshake_context(ctx)
        cancel()
        conn.write(b"still open")
        assert conn.read(100) == b"STILL OPEN"
    ln.close()


def test_https_client_and_server(
    server_config: ssl.SSLContext, client_config: ssl.SSLContext
) -> None:
    with httptest.new_tls_server(routes(), server_config) as srv:
        assert srv.url.startswith("https://127.0.0.1:")
        transport = http.Transport(tls_client_config=client_config)
        url = srv.url.replace("127.0.0.1", "localhost")
        with http.Client(transport=transport).get(url + "/hello/tls") as resp:
            assert resp.body.read() == b"hello tls"
        transport.close_idle_connections()
        with pytest.raises(http.URLError) as caught:  # the system's trust store: not our CA
            http.Client(transport=http.Transport()).get(url)
        assert isinstance(caught.value.err, ssl.SSLCertVerificationError)
        assert str(caught.value).startswith(f'Get "{url}": ')


# -- the runtime's clock ---------------------------------------------------------------------


def test_a_handler_that_asks_for_its_context_answers_under_a_virtual_clock(
    virtual_clock: VirtualClock,
) -> None:
    # The end of the handler stops the context's watcher with a deadline in
    # the past: the past of the runtime's clock, whatever clock that is.
    def ok(w: http.ResponseWriter, r: http.Request) -> None:
        r.context()
        w.write(b"ok")

    with httptest.new_server(ok) as srv:
        client = http.Client(transport=srv.client().transport, timeout=1)
        with client.get(srv.url) as resp:
            assert resp.body.read() == b"ok"


def test_server_idle_timeout_runs_on_the_runtime_clock(virtual_clock: VirtualClock) -> None:
    srv = http.Server(handler=hello_world, idle_timeout=5)
    ln = net.listen("tcp", "127.0.0.1:0")
    go(srv.serve, ln)
    conn = net.dial("tcp", str(ln.addr()))
    conn.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert conn.read(1000).endswith(b"hello")
    virtual_clock.advance(10)  # past the idle timeout, in no real time
    conn.set_read_deadline(time.now() + 1)
    assert conn.read(1000) == b""  # the server closed the idle connection
    conn.close()
    srv.close()


def test_transport_idle_conn_timeout_runs_on_the_runtime_clock(
    virtual_clock: VirtualClock,
) -> None:
    with httptest.new_server(remote_addr) as srv:
        transport = http.Transport(idle_conn_timeout=5)
        client = http.Client(transport=transport)
        with client.get(srv.url) as resp:
            first = resp.body.read()
        with client.get(srv.url) as resp:
            assert resp.body.read() == first  # reused from the pool
        virtual_clock.advance(10)
        with client.get(srv.url) as resp:
            assert resp.body.read() != first  # too long idle: a new connection
        transport.close_idle_connections()


# -- httptest.Server.close -------------------------------------------------------------------


def test_httptest_close_waits_for_outstanding_requests() -> None:
    started, release = Chan[None](), Chan[None]()

    def slow(w: http.ResponseWriter, r: http.Request) -> None:
        started.send(None)
        release.recv()
        w.write(b"finished")

    srv = httptest.new_server(slow)
    got = Chan[bytes](1)

    def fetch() -> None:
        with srv.client().get(srv.url) as resp:
            assert resp.header.get("Connection") == "close"  # keep-alives are off once closing
            got.send(resp.body.read())

    go(fetch)
    started.recv()
    closed = Chan[None]()

    def close() -> None:
        srv.close()
        closed.close()

    go(close)
    wait_blocked(1, "sync.WaitGroup.Wait")
    assert select(recv(closed), default) is default  # the request is still outstanding
    release.send(None)
    closed.recv()
    assert got.recv() == b"finished"
    assert not srv.config._conns


def test_httptest_close_closes_idle_connections() -> None:
    srv = httptest.new_server(hello_world)
    client = srv.client()
    with client.get(srv.url) as resp:
        assert resp.body.read() == b"hello"
    with http.get(srv.url) as resp:  # the default transport keeps one too
        assert resp.body.read() == b"hello"
    assert len(srv.config._conns) == 2
    srv.close()
    assert not srv.config._conns
    assert not srv._transport._idle
    assert not http.default_transport._idle
    with pytest.raises(http.URLError):
        client.get(srv.url)  # nobody listens any more


def test_httptest_close_reports_what_it_waits_for(
    virtual_clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    release = Chan[None]()

    def stuck(w: http.ResponseWriter, r: http.Request) -> None:
        release.recv()

    srv = httptest.new_server(stuck)
    go(lambda: srv.client().get(srv.url).body.close())
    wait_blocked(1, "chan receive")  # the handler holds the request

    def after_five_seconds() -> None:
        wait_blocked(1, "sync.WaitGroup.Wait")
        virtual_clock.advance(5)
        wait_blocked(1, "sync.WaitGroup.Wait")  # once the due report has run
        release.close()

    go(after_five_seconds)
    srv.close()
    assert "httptest.Server blocked in Close after 5 seconds, waiting for connections:" in (
        caplog.text
    )
    assert "in state active" in caplog.text


# -- contexts that are never cancelled -------------------------------------------------------


class Uncancellable(context.Context):
    """A context of one's own whose ``done()`` is the nil channel, as ``background()``'s is."""

    def deadline(self) -> float | None:
        return None

    def done(self) -> RecvChan[None]:
        return context.background().done()

    def err(self) -> Exception | None:
        return None

    def value(self, key: object) -> object:
        return None


def test_contexts_whose_done_is_the_nil_channel() -> None:
    ln = net.listen("tcp", "127.0.0.1:0")
    srv = http.Server(handler=hello_world)
    go(srv.serve, ln)
    url = f"http://{ln.addr()}/"
    transport = http.Transport()
    for ctx in (context.background(), Uncancellable()):
        for timeout in (0, 5):
            req = http.new_request_with_context(ctx, "GET", url)
            with http.Client(transport=transport, timeout=timeout).do(req) as resp:
                assert resp.body.read() == b"hello"
    transport.close_idle_connections()
    srv.shutdown(Uncancellable())  # waits as long as it takes: here, not at all


# -- requests the server cannot serve --------------------------------------------------------


def raw_exchange(url: str, request: bytes) -> bytes:
    conn = net.dial("tcp", url.removeprefix("http://"))
    conn.write(request)
    conn.set_read_deadline(time.now() + 5)  # a server that keeps the connection fails the test
    answer = conn.read(-1)
    conn.close()
    return answer


@pytest.mark.parametrize(
    ("request_head", "status_line", "body"),
    [
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 7000 + b"\r\n\r\n",
         b"HTTP/1.1 431 Request Header Fields Too Large", b"431 Request Header Fields Too Large"),
        (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
         b"HTTP/1.1 501 Not Implemented", b"Unsupported transfer encoding"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
         b"HTTP/1.1 400 Bad Request", b"400 Bad Request"),
        (b"GET / HTTP/1.1\r\n\r\n", b"HTTP/1.1 400 Bad Request", b"400 Bad Request"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
         b"HTTP/1.1 400 Bad Request", b"400 Bad Request"),
        (b"G(T / HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 400 Bad Request", b"400 Bad Request"),
        (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", b"HTTP/1.1 400 Bad Request", b"400 Bad Request"),
        (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
         b"HTTP/1.1 400 Bad Request", b"400 Bad Request"),
    ],
)  # fmt: skip
def test_requests_the_server_cannot_serve(
    request_head: bytes, status_line: bytes, body: bytes
) -> None:
    with httptest.new_server(hello_world) as srv:
        srv.config.max_header_bytes = 2048
        answer = raw_exchange(srv.url, request_head)
    assert answer.startswith(status_line + b"\r\n")
    assert b"\r\nConnection: close\r\n" in answer
    assert answer.endswith(b"\r\n\r\n" + body)


def test_many_pipelined_requests_are_not_one_large_header() -> None:
    with httptest.new_server(hello_world) as srv:
        srv.config.max_header_bytes = 100
        many = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 6000  # 180 KB: blocks end mid-head
        answer = raw_exchange(
            srv.url, many + b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
    assert answer.count(b"HTTP/1.1 200 OK\r\n") == 6001


def test_default_max_header_bytes_is_a_megabyte() -> None:
    with httptest.new_server(hello_world) as srv:
        fits = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: " + b"a" * 1_000_000
        assert raw_exchange(srv.url, fits + b"\r\n\r\n").endswith(b"\r\n\r\nhello")
        too_big = fits + b"a" * (1 << 20)
        assert raw_exchange(srv.url, too_big + b"\r\n\r\n").startswith(b"HTTP/1.1 431 ")


# -- framing: what the server decides about bodies and connections -----------------------


def split_answers(answer: bytes) -> list[bytes]:
    """The responses in ``answer``, each from its status line on."""
    return [b"HTTP/1.1 " + part for part in answer.split(b"HTTP/1.1 ")[1:]]


def only_answer(handler: http.HandlerFunc, request: bytes) -> bytes:
    """The one response a server of ``handler`` sends to ``request`` before closing."""
    with httptest.new_server(handler) as srv:
        answer = raw_exchange(srv.url, request)
    [only] = split_answers(answer)
    return only


def test_http10_keeps_the_connection_only_when_asked() -> None:
    with httptest.new_server(hello_world) as srv:
        closing = raw_exchange(srv.url, b"GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n")
        kept = raw_exchange(
            srv.url,
            b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n",
        )
    [only] = split_answers(closing)  # the second request is never read
    assert b"\r\nConnection:" not in only  # an HTTP/1.0 client expects the close
    assert only.endswith(b"\r\nContent-Length: 5\r\n\r\nhello")
    first, second = split_answers(kept)
    assert b"\r\nConnection: keep-alive\r\n" in first
    assert first.endswith(b"\r\n\r\nhello")
    assert second.endswith(b"\r\n\r\nhello")


def test_connection_close_is_answered_and_closes() -> None:
    only = only_answer(
        hello_world,
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    assert b"\r\nConnection: close\r\n" in only


def test_head_and_204_and_304_have_no_body() -> None:
    refused: list[str] = []

    def status(w: http.ResponseWriter, r: http.Request) -> None:
        code = int(r.url.path.strip("/") or "200")
        if code == 304:
            w.header().set("Content-Length", "5")  # the resource's length: nothing is sent
        w.write_header(code)
        try:
            w.write(b"hello")
        except ValueError as err:
            refused.append(str(err))

    with httptest.new_server(status) as srv:
        answer = raw_exchange(
            srv.url,
            b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /204 HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /304 HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
    head, no_content, not_modified, last = split_answers(answer)
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\nContent-Length: 5\r\n" in head  # as the GET's would say
    assert head.endswith(b"\r\n\r\n")
    assert no_content.startswith(b"HTTP/1.1 204 No Content\r\n")
    assert b"Content-Length" not in no_content
    assert b"Transfer-Encoding" not in no_content
    assert no_content.endswith(b"\r\n\r\n")
    assert not_modified.startswith(b"HTTP/1.1 304 Not Modified\r\n")
    assert b"\r\nContent-Length: 5\r\n" in not_modified
    assert not_modified.endswith(b"\r\n\r\n")
    assert last.endswith(b"\r\n\r\nhello")
    message = "http: request method or response status code does not allow body"
    assert refused == [message, message]


def test_chunked_request_body() -> None:
    with httptest.new_server(routes()) as srv:
        answer = raw_exchange(
            srv.url,
            b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n\r\n"
            b"POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi",
        )
    first, second = split_answers(answer)
    assert first.endswith(b"\r\nContent-Length: 7\r\n\r\nabcdefg")
    assert second.endswith(b"\r\n\r\nhi")


def test_long_response_is_chunked_or_up_to_the_close_for_http10() -> None:
    def long(w: http.ResponseWriter, r: http.Request) -> None:
        w.write(b"a" * 3000)
        w.write(b"b" * 10)

    with httptest.new_server(long) as srv:
        chunked = raw_exchange(srv.url, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        old = raw_exchange(srv.url, b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    assert b"\r\nTransfer-Encoding: chunked\r\n" in chunked
    assert chunked.endswith(
        b"\r\n\r\nbb8\r\n" + b"a" * 3000 + b"\r\na\r\n" + b"b" * 10 + b"\r\n0\r\n\r\n"
    )
    assert b"Transfer-Encoding" not in old
    assert b"Content-Length" not in old
    assert b"\r\nConnection: keep-alive" not in old  # the body ends with the connection
    assert old.endswith(b"\r\n\r\n" + b"a" * 3000 + b"b" * 10)


def test_requests_sent_byte_by_byte() -> None:
    requests = (
        b"GET /hello/split?q=1 HTTP/1.1\r\nHost: x\r\nX-Long-Name: value\r\n\r\n"
        b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        b"5\r\nhello\r\n0\r\n\r\n"
    )
    with httptest.new_server(routes()) as srv:
        conn = net.dial("tcp", srv.url.removeprefix("http://"))
        conn.set_read_deadline(time.now() + 5)
        for i in range(len(requests)):
            conn.write(requests[i : i + 1])
        answer = conn.read(-1)
        conn.close()
    first, second = split_answers(answer)
    assert first.endswith(b"\r\n\r\nhello split")
    assert second.endswith(b"\r\n\r\nhello")


def test_a_bad_request_after_good_ones_is_answered_after_them() -> None:
    with httptest.new_server(routes()) as srv:
        answer = raw_exchange(
            srv.url, b"GET /hello/1 HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nBad Header\r\n\r\n"
        )
    good, bad = split_answers(answer)
    assert good.endswith(b"\r\n\r\nhello 1")
    assert bad.startswith(b"HTTP/1.1 400 Bad Request\r\n")


def test_expect_100_continue() -> None:
    with httptest.new_server(routes()) as srv:
        conn = net.dial("tcp", srv.url.removeprefix("http://"))
        conn.set_read_deadline(time.now() + 5)
        conn.write(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            b"Content-Length: 3\r\nConnection: close\r\n\r\n"
        )
        assert conn.read(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        conn.write(b"abc")
        answer = conn.read(-1)
        conn.close()
        # A handler that does not read the body: no 100, and the connection closes.
        unread = raw_exchange(
            srv.url,
            b"GET /hello/x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n",
        )
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert answer.endswith(b"\r\n\r\nabc")
    assert unread.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\nConnection: close\r\n" in unread


def test_the_declared_content_length_holds() -> None:
    refused: list[str] = []

    def declared(w: http.ResponseWriter, r: http.Request) -> None:
        w.header().set("Content-Length", "4")
        try:
            w.write(b"hello")
        except ValueError as err:
            refused.append(str(err))
        w.write(b"hel")  # one short: the client cannot tell where the next answer starts

    only = only_answer(
        declared, b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    assert b"\r\nContent-Length: 4\r\n" in only
    assert only.endswith(b"\r\n\r\nhel")
    assert refused == ["http: wrote more than the declared Content-Length"]


def test_an_upgrade_request_is_answered_then_the_connection_closes() -> None:
    only = only_answer(
        hello_world,
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
        b"\x00\x01 not HTTP",
    )
    assert b"\r\nConnection: close\r\n" in only
    assert only.endswith(b"\r\n\r\nhello")
