"""The echo servers of bench/echo.py: one per runtime, a task per connection.

    python bench/echo_servers.py RUNTIME

RUNTIME is gochan, gevent (monkey-patched sockets), asyncio (streams),
trio or threads.  Each listens on a free port of 127.0.0.1, prints
``ready PORT`` and serves, every connection by its own goroutine, greenlet,
task or thread, in each runtime's most ordinary style, until it is killed.
"""

from __future__ import annotations

import sys

import common as C

C.use_checkout()

BUFSIZE = 65536
BACKLOG = 4096


def ready(port: int) -> None:
    print(f"ready {port}", flush=True)


def gochan_server() -> None:
    from gochan import go, net, run

    def handle(conn: net.Conn) -> None:
        with conn:
            while data := conn.read(BUFSIZE):
                conn.write(data)

    def main() -> None:
        ln = net.listen("tcp", "127.0.0.1:0")
        ready(int(net.split_host_port(str(ln.addr()))[1]))
        while True:
            go(handle, ln.accept())

    run(main)


def gevent_server() -> None:
    from gevent import monkey

    monkey.patch_all()
    import socket

    import gevent

    def handle(conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with conn:
            while data := conn.recv(BUFSIZE):
                conn.sendall(data)

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(BACKLOG)
    ready(listener.getsockname()[1])
    while True:
        conn, _ = listener.accept()
        gevent.spawn(handle, conn)


def asyncio_server() -> None:
    import asyncio

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(BUFSIZE):
            writer.write(data)
            await writer.drain()
        writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=BACKLOG)
        ready(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


def trio_server() -> None:
    import trio

    async def handle(stream: trio.SocketStream) -> None:
        async with stream:
            while data := await stream.receive_some(BUFSIZE):
                await stream.send_all(data)

    async def main() -> None:
        listeners = await trio.open_tcp_listeners(0, host="127.0.0.1", backlog=BACKLOG)
        ready(listeners[0].socket.getsockname()[1])
        await trio.serve_listeners(handle, listeners)

    trio.run(main)


def threads_server() -> None:
    import socket
    import threading

    threading.stack_size(256 * 1024)

    def handle(conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(BUFSIZE):
                conn.sendall(data)

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(BACKLOG)
    ready(listener.getsockname()[1])
    while True:
        conn, _ = listener.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


SERVERS = {
    "gochan": gochan_server,
    "gevent": gevent_server,
    "asyncio": asyncio_server,
    "trio": trio_server,
    "threads": threads_server,
}

if __name__ == "__main__":
    SERVERS[sys.argv[1]]()
