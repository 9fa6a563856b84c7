#!/usr/bin/env python3
"""Ping-pong over two unbuffered gochan channels vs the raw greenlet round trip.

Both run in this one process, alternating, so the ratio holds up on a noisy
machine; it prints the median of each and their ratio (the core's target is
at most 3.0).  About 5 seconds::

    python bench/pingpong.py [-n ROUND_TRIPS] [-r REPETITIONS]
"""

from __future__ import annotations

import argparse
import statistics
import sys

import common as C

C.use_checkout()

import gochan  # noqa: E402

import goapi_workloads  # noqa: E402
from bench_greenlet import pingpong_raw_greenlet  # noqa: E402

TARGET = 3.0


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "-n", type=int, default=50_000, help="round trips per repetition (default 50,000)"
    )
    ap.add_argument("-r", "--reps", type=int, default=7, help="repetitions of each (default 7)")
    args = ap.parse_args()

    pingpong = goapi_workloads.make_workloads(gochan)["pingpong_unbuffered"]
    raw_ns: list[float] = []
    chan_ns: list[float] = []
    pingpong(1000)  # warm up both paths
    pingpong_raw_greenlet(1000)
    for _ in range(args.reps):
        r = pingpong_raw_greenlet(args.n)
        raw_ns.append(r["seconds"] * 1e9 / args.n)
        g = pingpong(args.n)
        if not g["ok"]:
            print("gochan ping-pong returned a wrong value", file=sys.stderr)
            return 1
        chan_ns.append(g["seconds"] * 1e9 / args.n)
    raw, chan = statistics.median(raw_ns), statistics.median(chan_ns)
    ratios = [c / r for c, r in zip(chan_ns, raw_ns, strict=True)]
    print(f"raw greenlet round trip       {raw:8,.0f} ns  (median of {args.reps})")
    print(f"gochan ping-pong round trip   {chan:8,.0f} ns  (median of {args.reps})")
    print(
        f"ratio                         {chan / raw:8.2f}    "
        f"(per-rep {min(ratios):.2f}–{max(ratios):.2f}; target ≤ {TARGET}: "
        f"{'met' if chan / raw <= TARGET else 'missed'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
