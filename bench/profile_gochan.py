#!/usr/bin/env python3
"""Profile gochan on one benchmark workload.

    python bench/profile_gochan.py -w pingpong_unbuffered [-n N] [--top 25] [-o out.prof]
    python bench/profile_gochan.py -w spawn --sample     # statistical, low overhead
    python bench/profile_gochan.py -w pingpong_unbuffered --bytecodes

Prints the functions where the time goes (own time, sorted), each as a
percentage of the whole profiled run.

* default, cProfile: exact call counts, but it adds a fixed cost to every
  Python call, so it overstates call-heavy code relative to C work such as
  ``greenlet.switch``; read the shares, not the absolute times.
* ``--sample``: a SIGPROF sampler (one sample per kernel tick of CPU time,
  about 4 ms on this machine, so it runs the standard N by default) that
  records the running greenlet's Python stack; little overhead, no call
  counts.  Time in a C call (``switch``) is charged to the Python line that
  made it, and "cum" stops at the bottom of the running greenlet.
* ``--bytecodes``: the bytecode instructions each function executes per
  operation, counted by an opcode tracer (N / 100 by default: tracing is
  slow).  Exact and the same from run to run, so it shows what a change to a
  hot path saves; it does not weigh C calls, which ``bench/instructions.py``
  counts too.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import signal
import sys
from collections import Counter
from types import FrameType
from typing import Any

import common as C

C.use_checkout()

import gochan  # noqa: E402

import goapi_workloads  # noqa: E402


def where(func: tuple[str, int, str]) -> str:
    path, line, name = func
    if path == "~":
        return name  # a builtin, e.g. <method 'switch' of 'greenlet.greenlet' objects>
    short = path.split("/gochan/", 1)[-1] if "/gochan/" in path else path.rsplit("/", 1)[-1]
    return f"{short}:{line} {name}"


def report(stats: pstats.Stats, top: int) -> str:
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for _cc, _nc, tt, _ct, _callers in raw.values()) or 1.0
    rows = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    out = [f"{'own %':>6} {'cum %':>6} {'calls':>10}  function", "-" * 72]
    for func, (_cc, nc, tt, ct, _callers) in rows:
        out.append(f"{100 * tt / total:6.1f} {100 * ct / total:6.1f} {nc:10,}  {where(func)}")
    return "\n".join(out)


def label(f: FrameType) -> str:
    co = f.f_code
    return where((co.co_filename, co.co_firstlineno, co.co_qualname))


def bytecodes(fn: Any, n: int, top: int) -> tuple[Any, str]:
    """Run fn(n) under an opcode tracer; report bytecodes per operation by function."""
    counts: Counter[str] = Counter()

    def tracer(frame: FrameType, event: str, _arg: object) -> Any:
        frame.f_trace_opcodes = True
        if event == "opcode":
            counts[label(frame)] += 1
        return tracer

    sys.settrace(tracer)
    try:
        res = fn(n)
    finally:
        sys.settrace(None)
    out = [f"{sum(counts.values()) / n:,.1f} bytecodes per operation", "-" * 72]
    out += [f"{c / n:8.1f}  {k}" for k, c in counts.most_common(top)]
    return res, "\n".join(out)


def sample(fn: Any, n: int, top: int) -> tuple[Any, str]:
    """Run fn(n) under a SIGPROF sampler; report own and cumulative shares by function."""
    own: Counter[str] = Counter()
    cum: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    count = 0

    def on_tick(_sig: int, frame: FrameType | None) -> None:
        nonlocal count
        if frame is None:
            return
        count += 1
        own[label(frame)] += 1
        short = where((frame.f_code.co_filename, frame.f_lineno, ""))
        lines[short.strip()] += 1
        seen = set()
        f: FrameType | None = frame
        while f is not None:
            k = label(f)
            if k not in seen:
                seen.add(k)
                cum[k] += 1
            f = f.f_back

    old = signal.signal(signal.SIGPROF, on_tick)
    signal.setitimer(signal.ITIMER_PROF, 0.001, 0.001)
    try:
        res = fn(n)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, old)
    total = count or 1
    out = [f"{count:,} samples", f"{'own %':>6} {'cum %':>6}  function", "-" * 72]
    for k, c in own.most_common(top):
        out.append(f"{100 * c / total:6.1f} {100 * cum[k] / total:6.1f}  {k}")
    out += ["", f"{'own %':>6}  hottest lines", "-" * 72]
    for k, c in lines.most_common(top):
        out.append(f"{100 * c / total:6.1f}  {k}")
    return res, "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    workloads = goapi_workloads.make_workloads(gochan)
    ap.add_argument("-w", "--workload", required=True, choices=sorted(workloads))
    ap.add_argument(
        "-n", type=int, help="size (default: the standard N / 10; --sample: the standard N)"
    )
    ap.add_argument("--top", type=int, default=25, help="rows to print (default 25)")
    ap.add_argument(
        "-o", "--output", help="also dump the raw cProfile data here (for snakeviz etc.)"
    )
    ap.add_argument("--sample", action="store_true", help="statistical sampler instead of cProfile")
    ap.add_argument(
        "--bytecodes", action="store_true", help="bytecodes per operation instead of time"
    )
    args = ap.parse_args()
    divisor = 1 if args.sample else 100 if args.bytecodes else 10
    n = args.n or max(1, C.DEFAULT_N[args.workload] // divisor)

    fn = workloads[args.workload]
    if args.bytecodes:
        res, text = bytecodes(fn, n, args.top)
        print(f"# {args.workload}, n = {n:,}, ok = {res.get('ok')}")
        print(text)
        return 0
    if args.sample:
        res, text = sample(fn, n, args.top)
        print(f"# {args.workload}, n = {n:,}, ok = {res.get('ok')}, {res['seconds']:.3f} s sampled")
        print(text)
        return 0
    prof = cProfile.Profile()
    prof.enable()
    res = fn(n)
    prof.disable()
    if args.output:
        prof.dump_stats(args.output)
    print(
        f"# {args.workload}, n = {n:,}, ok = {res.get('ok')}, {res['seconds']:.3f} s under the profiler"
    )
    print(report(pstats.Stats(prof), args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
