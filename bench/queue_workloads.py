"""The benchmark workloads for queue-style runtimes (gevent, OS threads).

These runtimes have put/get queues but no channel close() and no select, so:

* fanin_select: the 4 producers share ONE unbuffered queue (fan-in without
  select; cheaper than a real select, marked with a note);
* worker_pool: workers stop on sentinels instead of close();
* "goroutine" = whatever ``rt.spawn`` starts (a greenlet or a thread).

``make_workloads(rt)`` takes a namespace with::

    spawn(fn, *args)     start a goroutine
    Unbuffered()         a put/get channel for the unbuffered workloads
    Buffered(cap)        a put/get queue with maxsize=cap
    WaitGroup()          .add(n) .done() .wait()
    sleep(seconds)
"""

from __future__ import annotations

from typing import Any

import common as C
from common import Result, Workload

now = C.now


def make_workloads(rt: Any) -> dict[str, Workload]:
    spawn, Unbuffered, Buffered, WaitGroup, sleep = (
        rt.spawn,
        rt.Unbuffered,
        rt.Buffered,
        rt.WaitGroup,
        rt.sleep,
    )

    def pingpong_unbuffered(n: int) -> Result:
        ping, pong = Unbuffered(), Unbuffered()

        def ponger() -> None:
            get, put = ping.get, pong.put
            for _ in range(n):
                put(get() + 1)

        spawn(ponger)
        put, get = ping.put, pong.get
        v = 0
        t0 = now()
        for _ in range(n):
            put(v)
            v = get()
        return {"seconds": now() - t0, "ok": v == n}

    def _stream(n: int, q: Any) -> Result:
        def producer() -> None:
            put = q.put
            for i in range(n):
                put(i)

        get = q.get
        total = 0
        t0 = now()
        spawn(producer)
        for _ in range(n):
            total += get()
        return {"seconds": now() - t0, "ok": C.stream_ok(n, total)}

    def throughput_buffered(n: int) -> Result:
        return _stream(n, Buffered(C.BUFFER_CAP))

    def unbuffered_stream(n: int) -> Result:
        return _stream(n, Unbuffered())

    def fanin_select(n: int) -> Result:
        k = C.FANIN_PRODUCERS
        per = n // k
        ch = Unbuffered()  # shared: no select available

        def producer() -> None:
            put = ch.put
            for i in range(per):
                put(i)

        get = ch.get
        total = 0
        t0 = now()
        for _ in range(k):
            spawn(producer)
        for _ in range(per * k):
            total += get()
        t = now() - t0
        return {
            "seconds": t,
            "per_op_ns": t * 1e9 / (per * k),
            "ok": total == k * (per * (per - 1) // 2),
        }

    def spawn_(n: int) -> Result:
        wg = WaitGroup()
        done = wg.done
        t0 = now()
        wg.add(n)
        for _ in range(n):
            spawn(done)
        wg.wait()
        return {"seconds": now() - t0, "ok": True}

    def parked_memory(n: int) -> Result:
        ready, finished = WaitGroup(), WaitGroup()

        def parked(ch: Any) -> None:
            ready.done()
            ch.get()
            finished.done()

        rss0 = C.rss_bytes()
        t0 = now()
        chans = [Unbuffered() for _ in range(n)]
        ready.add(n)
        finished.add(n)
        for ch in chans:
            spawn(parked, ch)
        ready.wait()
        t = now() - t0
        rss1 = C.rss_bytes()
        t1 = now()
        for ch in chans:
            ch.put(None)
        finished.wait()
        return C.parked_result(n, t, rss0, rss1, now() - t1)

    def worker_pool(n: int) -> Result:
        jobs, results = Buffered(C.BUFFER_CAP), Buffered(C.BUFFER_CAP)
        stop = object()

        def worker() -> None:
            get, put = jobs.get, results.put
            while True:
                j = get()
                if j is stop:
                    return
                put(j * j)

        def feeder() -> None:
            put = jobs.put
            for i in range(n):
                put(i)
            for _ in range(C.POOL_WORKERS):  # no close(): a sentinel per worker
                put(stop)

        get = results.get
        total = 0
        t0 = now()
        for _ in range(C.POOL_WORKERS):
            spawn(worker)
        spawn(feeder)
        for _ in range(n):
            total += get()
        return {"seconds": now() - t0, "ok": C.pool_ok(n, total)}

    def timers(n: int) -> Result:
        delays = C.timer_delays(n)
        wg = WaitGroup()

        def sleeper(d: float) -> None:
            sleep(d)
            wg.done()

        t0 = now()
        wg.add(n)
        for d in delays:
            spawn(sleeper, d)
        wg.wait()
        return C.timers_result(n, now() - t0, delays)

    return {
        "pingpong_unbuffered": pingpong_unbuffered,
        "unbuffered_stream": unbuffered_stream,
        "throughput_buffered": throughput_buffered,
        "fanin_select": fanin_select,
        "spawn": spawn_,
        "parked_memory": parked_memory,
        "worker_pool": worker_pool,
        "timers": timers,
    }


NOTES = {
    "fanin_select": "no select: the 4 producers share one unbuffered channel",
    "worker_pool": "no close(): workers stop on sentinels",
}


class EventWaitGroup(C.EventCounter):
    """WaitGroup equivalent for single-threaded green runtimes: counter + Event."""

    __slots__ = ()

    def wait(self) -> None:
        if self.n:
            self.ev.wait()
