"""The benchmark workloads written once against gochan's API.

``make_workloads(api)`` takes any module that provides the subset of the
contract used here (gochan itself, in ``bench_gochan.py`` and ``profile.py``)::

    Chan(cap=0)  .send(v)  .recv()  .close()  iteration (Go's range)
    go(fn, *args)     run(main)     select(*cases)  recv(ch)  case.value
    WaitGroup().add(n) .done() .wait()     sleep(seconds)

Each workload runs inside ``api.run(main)``; timing is taken inside main, so
runtime start-up is not counted.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import common as C
from common import Result, Workload

now = C.now


def _missing(name: str) -> Any:
    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise NotImplementedError(f"the API under test has no {name!r}")

    return fail


def make_workloads(api: ModuleType | Any) -> dict[str, Workload]:
    """The workloads on ``api``; a workload whose names ``api`` lacks fails alone when run."""
    Chan, go, run, select, recv, WaitGroup, sleep = (
        getattr(api, name, None) or _missing(name)
        for name in ("Chan", "go", "run", "select", "recv", "WaitGroup", "sleep")
    )

    def pingpong_unbuffered(n: int) -> Result:
        def main() -> Result:
            ping, pong = Chan(), Chan()

            def ponger() -> None:
                for _ in range(n):
                    pong.send(ping.recv() + 1)

            go(ponger)
            v = 0
            t0 = now()
            for _ in range(n):
                ping.send(v)
                v = pong.recv()
            t = now() - t0
            return {"seconds": t, "ok": v == n}

        result: Result = run(main)
        return result

    def _stream(n: int, cap: int) -> Result:
        def main() -> Result:
            ch = Chan(cap)

            def producer() -> None:
                for i in range(n):
                    ch.send(i)

            total = 0
            t0 = now()
            go(producer)
            for _ in range(n):
                total += ch.recv()
            t = now() - t0
            return {"seconds": t, "ok": C.stream_ok(n, total)}

        result: Result = run(main)
        return result

    def throughput_buffered(n: int) -> Result:
        return _stream(n, C.BUFFER_CAP)

    def unbuffered_stream(n: int) -> Result:
        return _stream(n, 0)

    def fanin_select(n: int) -> Result:
        k = C.FANIN_PRODUCERS
        per = n // k
        total_n = per * k

        def main() -> Result:
            chans = [Chan() for _ in range(k)]

            def producer(ch: Any) -> None:
                for i in range(per):
                    ch.send(i)

            cases = [recv(ch) for ch in chans]  # built once, reused
            total = 0
            t0 = now()
            for ch in chans:
                go(producer, ch)
            for _ in range(total_n):
                c = select(*cases)
                total += c.value
            t = now() - t0
            ok = total == k * (per * (per - 1) // 2)
            return {"seconds": t, "per_op_ns": t * 1e9 / total_n, "ok": ok}

        result: Result = run(main)
        return result

    def spawn(n: int) -> Result:
        def main() -> Result:
            wg = WaitGroup()
            done = wg.done
            t0 = now()
            wg.add(n)
            for _ in range(n):
                go(done)
            wg.wait()
            t = now() - t0
            return {"seconds": t, "ok": True}

        result: Result = run(main)
        return result

    def parked_memory(n: int) -> Result:
        def main() -> Result:
            ready, finished = WaitGroup(), WaitGroup()

            def parked(ch: Any) -> None:
                ready.done()
                ch.recv()
                finished.done()

            rss0 = C.rss_bytes()
            t0 = now()
            chans = [Chan() for _ in range(n)]
            ready.add(n)
            finished.add(n)
            for ch in chans:
                go(parked, ch)
            ready.wait()
            t = now() - t0
            rss1 = C.rss_bytes()
            t1 = now()
            for ch in chans:
                ch.send(None)
            finished.wait()
            return C.parked_result(n, t, rss0, rss1, now() - t1)

        result: Result = run(main)
        return result

    def worker_pool(n: int) -> Result:
        def main() -> Result:
            jobs, results = Chan(C.BUFFER_CAP), Chan(C.BUFFER_CAP)

            def worker() -> None:
                for j in jobs:
                    results.send(j * j)

            def feeder() -> None:
                for i in range(n):
                    jobs.send(i)
                jobs.close()

            total = 0
            t0 = now()
            for _ in range(C.POOL_WORKERS):
                go(worker)
            go(feeder)
            for _ in range(n):
                total += results.recv()
            t = now() - t0
            return {"seconds": t, "ok": C.pool_ok(n, total)}

        result: Result = run(main)
        return result

    def timers(n: int) -> Result:
        delays = C.timer_delays(n)

        def main() -> Result:
            wg = WaitGroup()

            def sleeper(d: float) -> None:
                sleep(d)
                wg.done()

            t0 = now()
            wg.add(n)
            for d in delays:
                go(sleeper, d)
            wg.wait()
            return C.timers_result(n, now() - t0, delays)

        result: Result = run(main)
        return result

    return {
        "pingpong_unbuffered": pingpong_unbuffered,
        "unbuffered_stream": unbuffered_stream,
        "throughput_buffered": throughput_buffered,
        "fanin_select": fanin_select,
        "spawn": spawn,
        "parked_memory": parked_memory,
        "worker_pool": worker_pool,
        "timers": timers,
    }
