"""The hello-world servers of bench/http_server_bench.py, one per runtime.

    python bench/http_servers.py SERVER

SERVER is ``gochan`` (gochan.http's ``Server``, a goroutine per
connection), ``gevent`` (gevent's ``pywsgi``, a greenlet per connection,
with Nagle's algorithm turned off as the others have it), ``gevent-nagle``
(``pywsgi`` as it comes, Nagle's algorithm on) or ``aiohttp`` (aiohttp's
web server on asyncio's default loop).  Each answers every request with ``Hello, World!`` (``text/plain``, a
``Content-Length``, keep-alive), as Go's net/http does in
``bench/http_peer.go -mode hello``: no access log, a listen queue of
4,096, on a free port of 127.0.0.1.  It prints ``ready PORT`` and serves
until it is killed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

import common as C

C.use_checkout()

BODY = b"Hello, World!"
BACKLOG = 4096


def ready(port: int) -> None:
    print(f"ready {port}", flush=True)


def gochan_server() -> None:
    from gochan import http, net, run

    def hello(w: http.ResponseWriter, r: http.Request) -> None:
        w.write(BODY)

    def main() -> None:
        ln = net.listen("tcp", "127.0.0.1:0")  # the system's listen queue, as Go's
        ready(int(net.split_host_port(str(ln.addr()))[1]))
        http.Server(handler=hello).serve(ln)

    run(main)


def gevent_server(nodelay: bool) -> Callable[[], None]:
    def serve() -> None:
        import socket

        from gevent.pywsgi import WSGIServer

        headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(BODY))),
        ]

        def hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            start_response("200 OK", headers)
            return [BODY]

        class NoDelayWSGIServer(WSGIServer):  # type: ignore[misc]
            """pywsgi sends a response's header and body apart: with Nagle's
            algorithm on, as gevent leaves it, every keep-alive answer waits
            40 ms for the client's delayed ACK.  Go, gochan and aiohttp turn
            it off."""

            def handle(self, sock: socket.socket, address: Any) -> None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                super().handle(sock, address)

        server_class = NoDelayWSGIServer if nodelay else WSGIServer
        server = server_class(("127.0.0.1", 0), hello, log=None, backlog=BACKLOG)
        server.init_socket()
        ready(server.server_port)
        server.serve_forever()

    return serve


def aiohttp_server() -> None:
    import asyncio

    from aiohttp import web

    async def hello(request: web.Request) -> web.Response:
        return web.Response(body=BODY, content_type="text/plain")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/", hello)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=BACKLOG)
        await site.start()
        ready(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


SERVERS = {
    "gochan": gochan_server,
    "gevent": gevent_server(nodelay=True),
    "gevent-nagle": gevent_server(nodelay=False),
    "aiohttp": aiohttp_server,
}

if __name__ == "__main__":
    SERVERS[sys.argv[1]]()
