#!/usr/bin/env python3
"""Machine instructions per operation of a workload, counted by valgrind.

On the shared 2-vCPU machine a timed run resolves a change of 5% at best; the
number of instructions a workload executes is the same from one run to the
next, so it resolves changes of a tenth of a percent.  It is a proxy for time,
not time: a C call or an allocation costs more time per instruction than
bytecode does, so confirm a change with ``bench/compare.py`` before quoting
it.  Each workload runs at N and at 2N under ``valgrind --tool=callgrind``; the
difference divided by N leaves start-up out.  Needs valgrind (Debian's
``valgrind`` package); about 20 seconds per workload::

    python bench/instructions.py [-w WORKLOAD ...] [-n N]

The raw greenlet round trip is counted too, and every gochan figure is also
given as a multiple of it.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import common as C

C.use_checkout()

RAW = "pingpong_raw_greenlet"
DEFAULT_WORKLOADS = ["pingpong_unbuffered", "unbuffered_stream", "throughput_buffered"]
DEFAULT_N = {
    RAW: 10_000,
    "pingpong_unbuffered": 10_000,
    "unbuffered_stream": 10_000,
    "throughput_buffered": 20_000,
    "fanin_select": 8_000,
    "spawn": 4_000,
    "worker_pool": 8_000,
}


def run_inner(workload: str, n: int) -> None:
    """Run one workload once, in this process (what valgrind counts)."""
    if workload == RAW:
        from bench_greenlet import pingpong_raw_greenlet

        pingpong_raw_greenlet(n)
        return
    import gochan

    import goapi_workloads

    goapi_workloads.make_workloads(gochan)[workload](n)


def instructions(workload: str, n: int) -> int:
    """Instructions valgrind counts for the whole process running ``workload`` at ``n``."""
    proc = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--inner",
            workload,
            str(n),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"Collected : (\d+)", proc.stderr)
    if match is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{proc.stderr}")
    return int(match.group(1))


def per_op(workload: str, n: int) -> float:
    return (instructions(workload, 2 * n) - instructions(workload, n)) / n


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("-w", "--workload", action="append", choices=sorted(DEFAULT_N))
    ap.add_argument("-n", type=int, help="operations in the shorter run (default: per workload)")
    ap.add_argument("--inner", nargs=2, metavar=("WORKLOAD", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inner:
        run_inner(args.inner[0], int(args.inner[1]))
        return 0
    workloads = args.workload or DEFAULT_WORKLOADS
    raw = per_op(RAW, args.n or DEFAULT_N[RAW])
    print("| workload | instructions / op | × raw round trip |")
    print("|---|---:|---:|")
    print(f"| {RAW} | {raw:,.0f} | 1.00 |")
    for workload in workloads:
        count = per_op(workload, args.n or DEFAULT_N[workload])
        print(f"| {workload} | {count:,.0f} | {count / raw:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
