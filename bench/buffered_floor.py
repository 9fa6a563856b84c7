#!/usr/bin/env python3
"""How fast a buffered channel written in Python can be, against gevent's Queue.

The buffered-stream target asks gochan for 0.75× the time of gevent's
Cython-compiled ``Queue``.  This measures, in one process and alternating,
the cheapest buffered channels Python code can make next to gevent's queue
and gochan's ``Chan``: 128 puts then 128 gets, over and over, with no switch.

* ``checked``: a class whose ``send``/``recv`` do only what a channel must on
  this path: check the owner thread, check the room (or a value), append (or
  pop).  No close, no waiters.
* ``unchecked``: the same without the thread check.
* ``deque``: bare ``deque.append``/``popleft``, no Python call at all.

About 20 seconds::

    python bench/buffered_floor.py [-r REPETITIONS]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import deque
from collections.abc import Callable
from threading import get_ident
from typing import Any

import common as C

C.use_checkout()

import gevent.queue  # type: ignore[import-untyped]  # noqa: E402

import gochan  # noqa: E402

ROUNDS = 2000
CAP = 128


class Checked:
    __slots__ = ("buf", "cap", "owner")

    def __init__(self, cap: int) -> None:
        self.buf: deque[Any] = deque()
        self.cap = cap
        self.owner = get_ident()

    def send(self, value: Any) -> None:
        if self.owner != get_ident():
            raise RuntimeError("another thread's channel")
        buf = self.buf
        if len(buf) < self.cap:
            buf.append(value)
            return
        raise RuntimeError("full: this sketch does not block")

    def recv(self) -> Any:
        if self.owner != get_ident():
            raise RuntimeError("another thread's channel")
        buf = self.buf
        if buf:
            return buf.popleft()
        raise RuntimeError("empty: this sketch does not block")


class Unchecked(Checked):
    """``Checked`` without the thread check.  Each method is written out whole:
    a call to a helper the two classes shared would be measured too."""

    __slots__ = ()

    def send(self, value: Any) -> None:
        buf = self.buf
        if len(buf) < self.cap:
            buf.append(value)
            return
        raise RuntimeError("full: this sketch does not block")

    def recv(self) -> Any:
        buf = self.buf
        if buf:
            return buf.popleft()
        raise RuntimeError("empty: this sketch does not block")


def ns_per_message(put: Callable[[int], object], get: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    for _ in range(ROUNDS):
        for i in range(CAP):
            put(i)
        for _ in range(CAP):
            get()
    return (time.perf_counter() - t0) * 1e9 / (ROUNDS * CAP)


def measure(reps: int) -> dict[str, float]:
    """The best of ``reps`` for each contender, all in this gochan program."""
    makers: dict[str, Callable[[], tuple[Any, Any]]] = {
        "gevent Queue": lambda: (q := gevent.queue.Queue(CAP), (q.put, q.get))[1],
        "gochan Chan": lambda: (c := gochan.Chan[int](CAP), (c.send, c.recv))[1],
        "checked": lambda: (k := Checked(CAP), (k.send, k.recv))[1],
        "unchecked": lambda: (u := Unchecked(CAP), (u.send, u.recv))[1],
        "deque": lambda: (d := deque[int](), (d.append, d.popleft))[1],
    }
    best = {name: float("inf") for name in makers}
    for _ in range(reps):
        for name, make in makers.items():
            put, get = make()
            best[name] = min(best[name], ns_per_message(put, get))
    return best


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("-r", "--reps", type=int, default=9, help="repetitions (default 9)")
    args = ap.parse_args()
    best = gochan.run(measure, args.reps)
    gevent_ns = best["gevent Queue"]
    print("| buffered channel | ns / message (best) | × gevent Queue |")
    print("|---|---:|---:|")
    for name, ns in best.items():
        print(f"| {name} | {ns:,.0f} | {ns / gevent_ns:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
