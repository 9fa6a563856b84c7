"""The clients of bench/http_client_bench.py: rounds of concurrent GETs, one runtime each.

    python bench/http_clients.py CLIENT URL [--conc 1000] [--rounds 5] [--warmup 1]

Each round starts ``--conc`` GETs of URL at once, each in its own goroutine,
greenlet, task or thread, and waits for all of them; ``--warmup`` rounds
go unmeasured first.  Every GET is a connection of its own (the backend
answers with ``Connection: close``).  CLIENT is one of

- raw HTTP/1.1 on the runtime's sockets (write the request, read to the
  end, check the status line and the body): ``gochan`` (gochan.net),
  ``gevent-raw`` (monkey-patched ``socket``), ``asyncio`` (streams),
  ``trio`` (streams);
- an HTTP client library: ``gochan-http`` (gochan.http), ``gevent``
  (monkey-patched ``http.client``), ``aiohttp``, ``threads``
  (``http.client``, a thread per GET).

It prints one JSON line: GETs and errors in the measured rounds, their
wall and CPU seconds (user + system of the whole process), the p50 and
p99 latency of a GET (connect to end of body) and the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import common as C

C.use_checkout()

BODY = b"Hello, World!"  # what the backend (bench/http_peer.go) answers
READ_SIZE = 65536


class Stats:
    """The measured rounds' GETs, errors, latencies, wall and CPU seconds."""

    def __init__(self, url: str, conc: int, rounds: int, warmup: int) -> None:
        parts = urlsplit(url)
        self.url = url
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.request = (
            f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n"
        ).encode()
        self.conc = conc
        self.total = rounds
        self.warmup = warmup
        self.measuring = False
        self.latencies: list[float] = []
        self.errors = 0
        self.first_error = ""
        self.seconds = 0.0
        self.cpu_seconds = 0.0

    def rounds(self) -> Iterator[None]:
        """Iterate once per round, measuring the rounds after the warm-up."""
        for i in range(self.warmup + self.total):
            self.measuring = i >= self.warmup
            cpu0, t0 = cpu_seconds(), time.perf_counter()
            yield
            if self.measuring:
                self.seconds += time.perf_counter() - t0
                self.cpu_seconds += cpu_seconds() - cpu0

    def done(self, start: float, ok: bool, error: object = None) -> None:
        """Count one GET started at ``start``: ``ok``, or failed with ``error``."""
        if not self.measuring:
            return
        if ok:
            self.latencies.append(time.perf_counter() - start)
            return
        self.errors += 1
        self.first_error = self.first_error or repr(error or "bad response")

    def check_raw(self, response: bytes) -> bool:
        return response.startswith(b"HTTP/1.1 200 ") and response.endswith(BODY)

    def report(self) -> dict[str, Any]:
        lat = sorted(self.latencies)

        def pct(p: float) -> float:
            return lat[int(p * (len(lat) - 1))] * 1e6 if lat else 0.0

        return {
            "gets": len(lat),
            "errors": self.errors,
            "first_error": self.first_error,
            "seconds": self.seconds,
            "cpu_seconds": self.cpu_seconds,
            "p50_us": pct(0.50),
            "p99_us": pct(0.99),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- gochan ----------------------------------------------------------------------------


def gochan_client(st: Stats) -> None:
    from gochan import net, run, sync

    address = f"{st.host}:{st.port}"

    def get() -> None:
        start = time.perf_counter()
        try:
            with net.dial("tcp", address) as conn:
                conn.write(st.request)
                chunks = []
                while data := conn.read(READ_SIZE):
                    chunks.append(data)
        except OSError as err:
            st.done(start, False, err)
            return
        st.done(start, st.check_raw(b"".join(chunks)))

    def main() -> None:
        for _ in st.rounds():
            wg = sync.WaitGroup()
            for _ in range(st.conc):
                wg.go(get)
            wg.wait()

    run(main)


def gochan_http_client(st: Stats) -> None:
    from gochan import http, run, sync

    client = http.Client()

    def get() -> None:
        start = time.perf_counter()
        try:
            resp = client.get(st.url)
            data = resp.body.read()
            resp.body.close()
        except OSError as err:
            st.done(start, False, err)
            return
        st.done(start, resp.status_code == 200 and data == BODY)

    def main() -> None:
        for _ in st.rounds():
            wg = sync.WaitGroup()
            for _ in range(st.conc):
                wg.go(get)
            wg.wait()

    run(main)


# -- blocking-style code: gevent (monkey-patched) and threads ------------------------------


def raw_get(st: Stats) -> None:
    """One GET in raw HTTP/1.1 on the socket module (gevent's once monkey-patched)."""
    import socket

    start = time.perf_counter()
    try:
        with socket.create_connection((st.host, st.port)) as sock:
            sock.sendall(st.request)
            chunks = []
            while data := sock.recv(READ_SIZE):
                chunks.append(data)
    except OSError as err:
        st.done(start, False, err)
        return
    st.done(start, st.check_raw(b"".join(chunks)))


def http_client_get(st: Stats) -> None:
    """One GET through http.client, a connection of its own (gevent's once monkey-patched)."""
    import http.client

    start = time.perf_counter()
    try:
        conn = http.client.HTTPConnection(st.host, st.port)
        try:
            conn.request("GET", "/")
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
    except OSError as err:
        st.done(start, False, err)
        return
    st.done(start, resp.status == 200 and data == BODY)


def gevent_client(get: Callable[[Stats], None]) -> Callable[[Stats], None]:
    def client(st: Stats) -> None:
        from gevent import monkey

        monkey.patch_all()
        import gevent

        for _ in st.rounds():
            gevent.joinall([gevent.spawn(get, st) for _ in range(st.conc)])

    return client


def threads_client(st: Stats) -> None:
    import threading

    threading.stack_size(256 * 1024)
    for _ in st.rounds():
        threads = [threading.Thread(target=http_client_get, args=(st,)) for _ in range(st.conc)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


# -- asyncio, aiohttp, trio ---------------------------------------------------------------


def asyncio_client(st: Stats) -> None:
    import asyncio

    async def get() -> None:
        start = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(st.host, st.port)
            writer.write(st.request)
            data = await reader.read()  # to the end of the stream
            writer.close()
            await writer.wait_closed()
        except OSError as err:
            st.done(start, False, err)
            return
        st.done(start, st.check_raw(data))

    async def main() -> None:
        for _ in st.rounds():
            await asyncio.gather(*(get() for _ in range(st.conc)))

    asyncio.run(main())


def aiohttp_client(st: Stats) -> None:
    import asyncio

    import aiohttp

    async def get(session: aiohttp.ClientSession) -> None:
        start = time.perf_counter()
        try:
            async with session.get(st.url) as resp:
                data = await resp.read()
        except (OSError, aiohttp.ClientError) as err:
            st.done(start, False, err)
            return
        st.done(start, resp.status == 200 and data == BODY)

    async def main() -> None:
        # No cap on connections (aiohttp's default is 100): every GET at once, as the others.
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            for _ in st.rounds():
                await asyncio.gather(*(get(session) for _ in range(st.conc)))

    asyncio.run(main())


def trio_client(st: Stats) -> None:
    import trio

    async def get() -> None:
        start = time.perf_counter()
        try:
            stream = await trio.open_tcp_stream(st.host, st.port)
            async with stream:
                await stream.send_all(st.request)
                chunks = []
                while data := await stream.receive_some(READ_SIZE):
                    chunks.append(data)
        except OSError as err:
            st.done(start, False, err)
            return
        st.done(start, st.check_raw(b"".join(chunks)))

    async def main() -> None:
        for _ in st.rounds():
            async with trio.open_nursery() as nursery:
                for _ in range(st.conc):
                    nursery.start_soon(get)

    trio.run(main)


CLIENTS: dict[str, Callable[[Stats], None]] = {
    "gochan": gochan_client,
    "gochan-http": gochan_http_client,
    "gevent": gevent_client(http_client_get),
    "gevent-raw": gevent_client(raw_get),
    "asyncio": asyncio_client,
    "aiohttp": aiohttp_client,
    "trio": trio_client,
    "threads": threads_client,
}


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("client", choices=CLIENTS)
    ap.add_argument("url")
    ap.add_argument("--conc", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    args = ap.parse_args()
    st = Stats(args.url, args.conc, args.rounds, args.warmup)
    CLIENTS[args.client](st)
    print(json.dumps(st.report()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
