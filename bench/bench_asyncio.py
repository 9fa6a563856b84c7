#!/usr/bin/env python3
"""asyncio (stdlib event loop): asyncio.Queue + tasks, idiomatic equivalents.

Differences from Go channels:

* "unbuffered" is asyncio.Queue(maxsize=1): put completes when the item is
  buffered, not when a receiver takes it (asyncio has no rendezvous queue);
* select: asyncio has none; fanin_select keeps one pending ``q.get()`` task
  per queue and waits with ``asyncio.wait(FIRST_COMPLETED)`` (the lossless
  idiom: one new get task per consumed value);
* spawn and timers wait with asyncio.TaskGroup; parked_memory uses a
  counter + asyncio.Event as the WaitGroup;
* no close() on Queue (3.11): workers stop on sentinels.
"""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Callable, Coroutine
from typing import Any

import common as C
from common import Result, Workload

now = C.now
Queue = asyncio.Queue


class WaitGroup(C.EventCounter):
    __slots__ = ()
    Event = asyncio.Event

    async def wait(self) -> None:
        if self.n:
            await self.ev.wait()


def runs(fn: Callable[[int], Coroutine[Any, Any, Result]]) -> Workload:
    @functools.wraps(fn)
    def wrapper(n: int) -> Result:
        return asyncio.run(fn(n))

    return wrapper


@runs
async def pingpong_unbuffered(n: int) -> Result:
    ping: asyncio.Queue[int] = Queue(1)
    pong: asyncio.Queue[int] = Queue(1)

    async def ponger() -> None:
        get, put = ping.get, pong.put
        for _ in range(n):
            await put(await get() + 1)

    task = asyncio.create_task(ponger())
    put, get = ping.put, pong.get
    v = 0
    t0 = now()
    for _ in range(n):
        await put(v)
        v = await get()
    t = now() - t0
    await task
    return {"seconds": t, "ok": v == n}


async def _stream(n: int, q: asyncio.Queue[int]) -> Result:
    async def producer() -> None:
        put = q.put
        for i in range(n):
            await put(i)

    get = q.get
    total = 0
    t0 = now()
    task = asyncio.create_task(producer())
    for _ in range(n):
        total += await get()
    t = now() - t0
    await task
    return {"seconds": t, "ok": C.stream_ok(n, total)}


@runs
async def throughput_buffered(n: int) -> Result:
    return await _stream(n, Queue(C.BUFFER_CAP))


@runs
async def unbuffered_stream(n: int) -> Result:
    return await _stream(n, Queue(1))


@runs
async def fanin_select(n: int) -> Result:
    k = C.FANIN_PRODUCERS
    per = n // k
    queues: list[asyncio.Queue[int]] = [Queue(1) for _ in range(k)]

    async def producer(q: asyncio.Queue[int]) -> None:
        put = q.put
        for i in range(per):
            await put(i)

    t0 = now()
    producers = [asyncio.create_task(producer(q)) for q in queues]
    got = [0] * k
    pending = {asyncio.create_task(q.get()): i for i, q in enumerate(queues)}
    total = 0
    received = 0
    first = asyncio.FIRST_COMPLETED
    while pending:
        done, _ = await asyncio.wait(pending, return_when=first)
        for t in done:
            i = pending.pop(t)
            total += t.result()
            received += 1
            got[i] += 1
            if got[i] < per:
                pending[asyncio.create_task(queues[i].get())] = i
    t_all = now() - t0
    await asyncio.gather(*producers)
    return {
        "seconds": t_all,
        "per_op_ns": t_all * 1e9 / received,
        "ok": received == per * k and total == k * (per * (per - 1) // 2),
    }


async def _noop() -> None:
    pass


@runs
async def spawn(n: int) -> Result:
    t0 = now()
    async with asyncio.TaskGroup() as tg:
        create = tg.create_task
        for _ in range(n):
            create(_noop())
    return {"seconds": now() - t0, "ok": True}


@runs
async def parked_memory(n: int) -> Result:
    ready, finished = WaitGroup(), WaitGroup()

    async def parked(q: asyncio.Queue[None]) -> None:
        ready.done()
        await q.get()
        finished.done()

    rss0 = C.rss_bytes()
    t0 = now()
    queues: list[asyncio.Queue[None]] = [Queue(1) for _ in range(n)]
    ready.add(n)
    finished.add(n)
    tasks = [asyncio.create_task(parked(q)) for q in queues]
    await ready.wait()
    t = now() - t0
    rss1 = C.rss_bytes()
    t1 = now()
    for q in queues:
        q.put_nowait(None)
    await finished.wait()
    rel = now() - t1
    del tasks
    return C.parked_result(n, t, rss0, rss1, rel)


@runs
async def worker_pool(n: int) -> Result:
    jobs: asyncio.Queue[Any] = Queue(C.BUFFER_CAP)
    results: asyncio.Queue[int] = Queue(C.BUFFER_CAP)
    stop = object()

    async def worker() -> None:
        get, put = jobs.get, results.put
        while True:
            j = await get()
            if j is stop:
                return
            await put(j * j)

    async def feeder() -> None:
        put = jobs.put
        for i in range(n):
            await put(i)
        for _ in range(C.POOL_WORKERS):
            await put(stop)

    total = 0
    t0 = now()
    tasks = [asyncio.create_task(worker()) for _ in range(C.POOL_WORKERS)]
    tasks.append(asyncio.create_task(feeder()))
    get = results.get
    for _ in range(n):
        total += await get()
    t = now() - t0
    await asyncio.gather(*tasks)
    return {"seconds": t, "ok": C.pool_ok(n, total)}


@runs
async def timers(n: int) -> Result:
    delays = C.timer_delays(n)
    sleep = asyncio.sleep
    t0 = now()
    async with asyncio.TaskGroup() as tg:
        for d in delays:
            tg.create_task(sleep(d))
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
    "pingpong_unbuffered": "Queue(maxsize=1), not a rendezvous",
    "unbuffered_stream": "Queue(maxsize=1), not a rendezvous",
    "fanin_select": "asyncio.wait(FIRST_COMPLETED) over one pending get task per queue",
    "spawn": "asyncio.TaskGroup",
    "worker_pool": "no close(): workers stop on sentinels",
}

if __name__ == "__main__":
    sys.exit(
        C.main(
            "asyncio",
            workloads,
            notes=notes,
            version="asyncio (Python {}.{})".format(*sys.version_info[:2]),
        )
    )
