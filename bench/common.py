"""Shared harness for gochan's benchmark programs (stdlib only).

Every ``bench_<runtime>.py`` builds a dict ``{workload_name: fn(n) -> dict}``
and hands it to :func:`main`.  Each workload function does its own timing
(inside the runtime, so interpreter and event-loop start-up are not counted)
and returns a dict with at least ``seconds``; it may add ``per_op_ns`` (to
override ``seconds / n``), ``bytes_per_goroutine``, ``overhead_ms`` and ``ok``.

:func:`main` prints one JSON line per workload to stdout::

    {"runtime": ..., "workload": ..., "n": ..., "seconds": ...,
     "per_op_ns": ..., "peak_rss_mb": ..., ...}

N for each workload comes from, in order:

1. env ``BENCH_N_<WORKLOAD>`` (e.g. ``BENCH_N_PINGPONG_UNBUFFERED=5000``),
   taken literally;
2. the runtime's own default (the thread runtime uses smaller N), else the
   standard default below, multiplied by env ``BENCH_SCALE`` (default 1).

``bench/run.py`` runs these programs, one fresh process per (runtime,
workload), and renders the table; this module is what they all share.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Result = dict[str, Any]
Workload = Callable[[int], Result]

# The canonical workloads and the standard N of each.
DEFAULT_N: dict[str, int] = {
    "pingpong_raw_greenlet": 200_000,  # round trips (raw greenlet reference only)
    "pingpong_unbuffered": 200_000,  # round trips over two unbuffered channels
    "unbuffered_stream": 500_000,  # messages, cap 0
    "throughput_buffered": 1_000_000,  # messages, cap 128
    "fanin_select": 400_000,  # messages in total, 4 producers
    "spawn": 100_000,  # goroutines
    "parked_memory": 100_000,  # goroutines parked at once
    "worker_pool": 200_000,  # jobs, 8 workers
    "timers": 10_000,  # sleeping goroutines, 0..50 ms each
}
WORKLOADS = list(DEFAULT_N)

RAW_REFERENCE_N = 20_000  # round trips of the in-process raw greenlet reference

BUFFER_CAP = 128
FANIN_PRODUCERS = 4
POOL_WORKERS = 8
TIMER_MAX_S = 0.050
TIMER_SEED = 42

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent

_PAGE = os.sysconf("SC_PAGE_SIZE")


def use_checkout() -> None:
    """Import gochan from this checkout (or env ``GOCHAN_PATH``), ahead of any installed copy.

    ``GOCHAN_PATH=/path/to/other/checkout`` measures another version of gochan
    with this harness, e.g. to compare a branch with main in one run.
    """
    root = os.environ.get("GOCHAN_PATH") or str(REPO_ROOT)
    if root not in sys.path:
        sys.path.insert(0, root)


class EventCounter:
    """The WaitGroup of runtimes that have none: a counter and an event set at zero.

    ``Event`` is the runtime's event class; subclasses add ``wait`` in the
    runtime's own style (a plain call, or a coroutine).
    """

    __slots__ = ("ev", "n")
    Event: Any = None  # set by the subclass

    def __init__(self) -> None:
        self.n = 0
        self.ev = self.Event()

    def add(self, k: int = 1) -> None:
        self.n += k

    def done(self) -> None:
        self.n -= 1
        if self.n == 0:
            self.ev.set()


def n_for(workload: str, runtime_defaults: dict[str, int] | None = None) -> int:
    env = os.environ.get("BENCH_N_" + workload.upper())
    if env:
        return max(1, int(float(env)))
    base = (runtime_defaults or {}).get(workload, DEFAULT_N[workload])
    scale = float(os.environ.get("BENCH_SCALE", "1") or 1)
    return max(1, int(base * scale))


def rss_bytes() -> int:
    """Current resident set size of this process."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


now = time.perf_counter


def timer_delays(n: int) -> list[float]:
    """The same pseudo-random 0..50 ms sleeps for every runtime."""
    rng = random.Random(TIMER_SEED)
    return [rng.uniform(0.0, TIMER_MAX_S) for _ in range(n)]


def timers_result(n: int, seconds: float, delays: Sequence[float]) -> Result:
    """Wall time minus the longest sleep: what the runtime added."""
    longest = max(delays) if delays else 0.0
    overhead = seconds - longest
    return {
        "seconds": seconds,
        "overhead_ms": round(overhead * 1e3, 3),
        "longest_sleep_ms": round(longest * 1e3, 3),
        "per_op_ns": overhead * 1e9 / n,
    }


def parked_result(n: int, seconds: float, rss0: int, rss1: int, release_seconds: float) -> Result:
    """RSS growth from before creating the goroutines to all of them parked."""
    return {
        "seconds": seconds,
        "per_op_ns": seconds * 1e9 / n,
        "bytes_per_goroutine": round((rss1 - rss0) / n, 1),
        "rss_before_mb": round(rss0 / 2**20, 1),
        "rss_parked_mb": round(rss1 / 2**20, 1),
        "release_seconds": release_seconds,
    }


def stream_ok(n: int, total: int) -> bool:
    """Checksum of a stream that carried 0, 1, ..., n-1."""
    return total == n * (n - 1) // 2


def pool_ok(n: int, total: int) -> bool:
    """Checksum of a worker pool that squared 0, 1, ..., n-1."""
    return total == (n - 1) * n * (2 * n - 1) // 6


def main(
    runtime: str,
    workloads: dict[str, Workload],
    runtime_defaults: dict[str, int] | None = None,
    notes: dict[str, str] | None = None,
    version: str | None = None,
    raw_reference: Workload | None = None,
) -> int:
    """Parse argv, run the selected workloads, print one JSON line each.

    With ``raw_reference`` (the raw greenlet round trip), each record also
    carries ``raw_rt_ns``, that round trip measured in the same process just
    before the workload, so a ratio to it does not depend on what the rest
    of the machine did between two processes.
    """
    ap = argparse.ArgumentParser(description=f"{runtime} benchmarks (one JSON line per workload)")
    ap.add_argument(
        "-w",
        "--workload",
        action="append",
        default=[],
        help="workload(s) to run (repeatable or comma separated); default: all this runtime has",
    )
    ap.add_argument("--list", action="store_true", help="print the workloads this runtime has")
    args = ap.parse_args()

    if args.list:
        print("\n".join(workloads))
        return 0

    selected = [w for a in args.workload for w in a.split(",") if w] or list(workloads)
    rc = 0
    for name in selected:
        rec: Result = {"runtime": runtime, "workload": name}
        if name not in workloads:
            rec["skipped"] = "not applicable to this runtime"
            print(json.dumps(rec), flush=True)
            continue
        n = n_for(name, runtime_defaults)
        rec["n"] = n
        if (
            runtime_defaults
            and name in runtime_defaults
            and not os.environ.get("BENCH_N_" + name.upper())
        ):
            rec["n_reduced"] = True  # this runtime uses a smaller N than standard
        try:
            if raw_reference is not None:
                raw_reference(RAW_REFERENCE_N // 20)  # warm up
                raw = raw_reference(RAW_REFERENCE_N)
                rec["raw_rt_ns"] = round(raw["seconds"] * 1e9 / RAW_REFERENCE_N, 1)
            res = workloads[name](n)
        except Exception as e:  # report and go on with the next one
            rec["error"] = f"{type(e).__name__}: {e}"
            rec["traceback"] = traceback.format_exc(limit=6)
            print(json.dumps(rec), flush=True)
            rc = 1
            continue
        secs = res.pop("seconds")
        rec["seconds"] = round(secs, 6)
        per_op = res.pop("per_op_ns", None)
        if per_op is None:
            per_op = secs * 1e9 / n
        rec["per_op_ns"] = round(per_op, 1)
        rec["peak_rss_mb"] = peak_rss_mb()
        rec.update(res)
        if notes and name in notes:
            rec["note"] = notes[name]
        if version:
            rec["version"] = version
        rec["python"] = platform.python_version()
        print(json.dumps(rec), flush=True)
    return rc


if __name__ == "__main__":
    sys.exit("common.py is a library; run bench/run.py or one of the bench_*.py programs")
