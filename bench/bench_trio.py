#!/usr/bin/env python3
"""trio: memory channels (open_memory_channel) + nurseries.

* unbuffered = open_memory_channel(0): a true rendezvous like Go's;
* select: trio has none; fanin_select uses trio's idiom for fan-in, the
  4 producers send on clone()s of ONE channel (cheaper than a select);
* spawn/timers: a nursery is the WaitGroup; parked_memory adds a counter +
  trio.Event to know when everyone is parked;
* worker_pool: closing the jobs send side ends the workers' ``async for``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Coroutine
from typing import Any

import trio

import common as C
from common import Result, Workload

now = C.now


class WaitGroup(C.EventCounter):
    __slots__ = ()
    Event = trio.Event

    async def wait(self) -> None:
        if self.n:
            await self.ev.wait()


def runs(fn: Callable[[int], Coroutine[Any, Any, Result]]) -> Workload:
    @functools.wraps(fn)
    def wrapper(n: int) -> Result:
        return trio.run(fn, n)

    return wrapper


@runs
async def pingpong_unbuffered(n: int) -> Result:
    ping_tx, ping_rx = trio.open_memory_channel[int](0)
    pong_tx, pong_rx = trio.open_memory_channel[int](0)

    async def ponger() -> None:
        get, put = ping_rx.receive, pong_tx.send
        for _ in range(n):
            await put(await get() + 1)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(ponger)
        put, get = ping_tx.send, pong_rx.receive
        v = 0
        t0 = now()
        for _ in range(n):
            await put(v)
            v = await get()
        t = now() - t0
    return {"seconds": t, "ok": v == n}


async def _stream(n: int, cap: int) -> Result:
    tx, rx = trio.open_memory_channel[int](cap)

    async def producer() -> None:
        put = tx.send
        for i in range(n):
            await put(i)

    get = rx.receive
    total = 0
    async with trio.open_nursery() as nursery:
        t0 = now()
        nursery.start_soon(producer)
        for _ in range(n):
            total += await get()
        t = now() - t0
    return {"seconds": t, "ok": C.stream_ok(n, total)}


@runs
async def throughput_buffered(n: int) -> Result:
    return await _stream(n, C.BUFFER_CAP)


@runs
async def unbuffered_stream(n: int) -> Result:
    return await _stream(n, 0)


@runs
async def fanin_select(n: int) -> Result:
    k = C.FANIN_PRODUCERS
    per = n // k
    tx, rx = trio.open_memory_channel[int](0)

    async def producer(my_tx: trio.MemorySendChannel[int]) -> None:
        put = my_tx.send
        for i in range(per):
            await put(i)

    get = rx.receive
    total = 0
    async with trio.open_nursery() as nursery:
        t0 = now()
        for _ in range(k):
            nursery.start_soon(producer, tx.clone())
        for _ in range(per * k):
            total += await get()
        t = now() - t0
    return {
        "seconds": t,
        "per_op_ns": t * 1e9 / (per * k),
        "ok": total == k * (per * (per - 1) // 2),
    }


async def _noop() -> None:
    pass


@runs
async def spawn(n: int) -> Result:
    t0 = now()
    async with trio.open_nursery() as nursery:
        start = nursery.start_soon
        for _ in range(n):
            start(_noop)
    return {"seconds": now() - t0, "ok": True}


@runs
async def parked_memory(n: int) -> Result:
    ready, finished = WaitGroup(), WaitGroup()

    async def parked(rx: trio.MemoryReceiveChannel[None]) -> None:
        ready.done()
        await rx.receive()
        finished.done()

    rss0 = C.rss_bytes()
    async with trio.open_nursery() as nursery:
        t0 = now()
        chans = [trio.open_memory_channel[None](0) for _ in range(n)]
        ready.add(n)
        finished.add(n)
        for _tx, rx in chans:
            nursery.start_soon(parked, rx)
        await ready.wait()
        t = now() - t0
        rss1 = C.rss_bytes()
        t1 = now()
        for tx, _rx in chans:
            tx.send_nowait(None)  # each receiver is waiting
        await finished.wait()
        rel = now() - t1
    return C.parked_result(n, t, rss0, rss1, rel)


@runs
async def worker_pool(n: int) -> Result:
    jobs_tx, jobs_rx = trio.open_memory_channel[int](C.BUFFER_CAP)
    results_tx, results_rx = trio.open_memory_channel[int](C.BUFFER_CAP)

    async def worker() -> None:
        put = results_tx.send
        async for j in jobs_rx:
            await put(j * j)

    async def feeder() -> None:
        async with jobs_tx:  # closes the channel: the workers' loops end
            put = jobs_tx.send
            for i in range(n):
                await put(i)

    total = 0
    async with trio.open_nursery() as nursery:
        t0 = now()
        for _ in range(C.POOL_WORKERS):
            nursery.start_soon(worker)
        nursery.start_soon(feeder)
        get = results_rx.receive
        for _ in range(n):
            total += await get()
        t = now() - t0
    return {"seconds": t, "ok": C.pool_ok(n, total)}


@runs
async def timers(n: int) -> Result:
    delays = C.timer_delays(n)
    t0 = now()
    async with trio.open_nursery() as nursery:
        for d in delays:
            nursery.start_soon(trio.sleep, d)
    return C.timers_result(n, now() - t0, delays)


workloads: dict[str, Workload] = {
    "pingpong_unbuffered": pingpong_unbuffered,
    "unbuffered_stream": unbuffered_stream,
    "throughput_buffered": throughput_buffered,
    "fanin_select": fanin_select,
    "spawn": spawn,
    "parked_memory": parked_memory,
    "worker_pool": worker_pool,
    "timers": timers,
}
notes = {
    "fanin_select": "no select in trio: 4 producers send on clones of one 0-buffer channel",
    "spawn": "nursery.start_soon; the nursery is the WaitGroup",
}

if __name__ == "__main__":
    sys.exit(C.main("trio", workloads, notes=notes, version="trio " + trio.__version__))
