#!/usr/bin/env python3
"""Timers and context cancellation: two workloads of issue 3, in milliseconds.

timers: 10,000 goroutines each sleep a random 0-50 ms; the program's wall
time is printed next to the longest sleep, and their difference is the
scheduler's overhead (the loop sleeps until the next timer, never polls).

ctx tree: a tree of 10,000 contexts (fan-out 10 under one ``with_cancel``
root, every ``done()`` channel made, a goroutine parked on each of the
root's children); the time to cancel the root, which closes every channel
and leaves the tree, is printed with the time to build it.  About 2 seconds::

    python bench/timers_ctx.py [-n GOROUTINES] [-r REPETITIONS]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time as pytime

import common as C

C.use_checkout()

from gochan import context, run, sync, time  # noqa: E402


def timers(n: int, rng: random.Random) -> tuple[float, float]:
    """(wall ms, longest sleep ms) for ``n`` goroutines sleeping 0-50 ms."""
    delays = [rng.uniform(0, 0.050) for _ in range(n)]

    def main() -> float:
        wg = sync.WaitGroup()
        start = pytime.perf_counter()
        for d in delays:
            wg.go(time.sleep, d)
        wg.wait()
        return pytime.perf_counter() - start

    wall = run(main)
    return wall * 1e3, max(delays) * 1e3


def ctx_tree(n: int) -> tuple[float, float]:
    """(build ms, cancel ms) for a tree of ``n`` contexts under one root."""

    def main() -> tuple[float, float]:
        start = pytime.perf_counter()
        root, cancel = context.with_cancel(context.background())
        level = [root]
        made = 1
        cancels = [cancel]
        while made < n:
            nxt = []
            for parent in level:
                for _ in range(10):
                    if made == n:
                        break
                    ctx, c = context.with_cancel(parent)
                    ctx.done()
                    cancels.append(c)
                    nxt.append(ctx)
                    made += 1
            level = nxt
        wg = sync.WaitGroup()
        for child in level[:10]:
            done = child.done()
            assert done is not None
            wg.go(done.recv)
        wg.go(lambda: None)
        built = pytime.perf_counter()
        cancel()
        cancelled = pytime.perf_counter()
        wg.wait()
        assert all(c.err() is not None for c in level)
        return (built - start) * 1e3, (cancelled - built) * 1e3

    return run(main)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("-n", type=int, default=10_000, help="goroutines / contexts (default 10,000)")
    ap.add_argument("-r", "--reps", type=int, default=5, help="repetitions (default 5)")
    args = ap.parse_args()
    rng = random.Random(1)

    walls, longest = [], []
    for _ in range(args.reps):
        w, m = timers(args.n, rng)
        walls.append(w)
        longest.append(m)
    overhead = statistics.median(w - m for w, m in zip(walls, longest, strict=True))
    print(
        f"timers: {args.n:,} goroutines sleeping 0-50 ms: wall {statistics.median(walls):.1f} ms "
        f"over the longest sleep {statistics.median(longest):.1f} ms "
        f"(overhead {overhead:.1f} ms, median of {args.reps})"
    )

    builds, cancels = [], []
    for _ in range(args.reps):
        b, c = ctx_tree(args.n)
        builds.append(b)
        cancels.append(c)
    print(
        f"ctx tree: cancel {args.n:,} contexts: {statistics.median(cancels):.1f} ms "
        f"(build {statistics.median(builds):.1f} ms, median of {args.reps})"
    )


if __name__ == "__main__":
    main()
