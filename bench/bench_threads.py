#!/usr/bin/env python3
"""OS threads: threading + queue.Queue (the GIL-bound stdlib baseline).

The queue-style workloads (queue_workloads.py), with these differences:

* "unbuffered" is queue.Queue(maxsize=1): a put completes when the item is
  buffered, not when a receiver takes it (one item of slack, unlike Go);
* no select (fan-in on one shared queue), no close() (sentinels);
* smaller N where one OS thread per goroutine would exhaust the machine
  (vm.max_map_count caps threads near 32k) or take minutes; marked n_reduced.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import common as C
import queue_workloads as Q


class WaitGroup:
    __slots__ = ("cv", "n")

    def __init__(self) -> None:
        self.n = 0
        self.cv = threading.Condition(threading.Lock())

    def add(self, k: int = 1) -> None:
        with self.cv:
            self.n += k
            if self.n == 0:
                self.cv.notify_all()

    def done(self) -> None:
        self.add(-1)

    def wait(self) -> None:
        with self.cv:
            while self.n:
                self.cv.wait()


def spawn(fn: Callable[..., Any], *args: Any) -> threading.Thread:
    t = threading.Thread(target=fn, args=args, daemon=True)
    t.start()
    return t


rt = SimpleNamespace(
    spawn=spawn,
    Unbuffered=lambda: queue.Queue(maxsize=1),
    Buffered=queue.Queue,
    WaitGroup=WaitGroup,
    sleep=time.sleep,
)

# smaller N than the standard (see common.DEFAULT_N); scaled by BENCH_SCALE
DEFAULTS = {
    "pingpong_unbuffered": 50_000,
    "throughput_buffered": 300_000,
    "unbuffered_stream": 100_000,
    "fanin_select": 100_000,
    "spawn": 20_000,
    "parked_memory": 10_000,
    "worker_pool": 100_000,
}

if __name__ == "__main__":
    notes = dict(Q.NOTES)
    notes["pingpong_unbuffered"] = "Queue(maxsize=1), not a rendezvous"
    notes["unbuffered_stream"] = "Queue(maxsize=1), not a rendezvous"
    sys.exit(
        C.main(
            "threads",
            Q.make_workloads(rt),
            runtime_defaults=DEFAULTS,
            notes=notes,
            version="threading + queue",
        )
    )
