#!/usr/bin/env python3
"""Raw greenlet references: the floor that gochan's numbers are read against.

* pingpong_raw_greenlet: one round trip is two bare ``greenlet.switch`` calls
  (main -> partner -> main), no scheduler and no channel. Every ns-per-op cell
  of the table is also given as a multiple of this.
* parked_memory: a bare greenlet parked in ``switch()`` (no scheduler, no
  channel, no goroutine record): what any greenlet runtime pays at least per
  parked goroutine.
"""

from __future__ import annotations

import sys

import greenlet

import common as C
from common import Result, Workload

now = C.now


def pingpong_raw_greenlet(n: int) -> Result:
    """n round trips between the caller and one partner greenlet."""
    main = greenlet.getcurrent()
    back = main.switch

    def partner(v: int) -> None:
        while True:
            v = back(v + 1)

    g = greenlet.greenlet(partner)
    there = g.switch
    v = 0
    t0 = now()
    for _ in range(n):
        v = there(v)
    t = now() - t0
    g.throw(greenlet.GreenletExit)
    return {"seconds": t, "ok": v == n}


def parked_memory(n: int) -> Result:
    """n greenlets each started and parked in ``switch()`` back to main."""
    main = greenlet.getcurrent()
    park = main.switch

    def parked() -> None:
        park()

    rss0 = C.rss_bytes()
    t0 = now()
    gs = [greenlet.greenlet(parked) for _ in range(n)]
    for g in gs:
        g.switch()  # runs until it parks
    t = now() - t0
    rss1 = C.rss_bytes()
    t1 = now()
    for g in gs:
        g.switch()  # let it finish
    ok = not any(gs)  # a finished greenlet is falsy
    res = C.parked_result(n, t, rss0, rss1, now() - t1)
    res["ok"] = ok
    return res


workloads: dict[str, Workload] = {
    "pingpong_raw_greenlet": pingpong_raw_greenlet,
    "parked_memory": parked_memory,
}
notes = {
    "pingpong_raw_greenlet": "two bare greenlet.switch calls per round trip",
    "parked_memory": "bare greenlet parked in switch(): no scheduler, no channel",
}

if __name__ == "__main__":
    sys.exit(C.main("greenlet", workloads, notes=notes, version="greenlet " + greenlet.__version__))
