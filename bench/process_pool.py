#!/usr/bin/env python3
"""The process-pool worker pool (examples/process_pool.py) against the same jobs on one thread.

    python bench/process_pool.py                # 16 jobs, 3 repetitions
    python bench/process_pool.py -j 32 -r 5 -p 2

Both runs are the same gochan program, ``process_numbers`` with two worker
goroutines; only the executor differs.  The single-thread run uses an
executor that runs each job inline, on the runtime's own thread, as the
plain worker pool of examples/process_numbers.py does; the other is a
``ProcessPoolExecutor``, started and warmed up before the clock starts (a
service keeps its pool).  Each job is ``slow_square(2_000_000)``, about a
tenth of a second of pure-Python work.  Prints the medians and the speedup
as a markdown table; the machine is shared, so quote the ratio, not the
times.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from gochan import context, run

# examples/process_pool.py, which this file's own name would shadow in an import statement.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
_example = importlib.import_module("process_pool")
BIG: int = _example.BIG
process_numbers: Callable[
    [context.Context, Sequence[int], int, Executor], tuple[list[int], Exception | None]
] = _example.process_numbers

P = ParamSpec("P")
R = TypeVar("R")


class InlineExecutor(Executor):
    """Runs each job at ``submit``, on the calling thread, and returns it done."""

    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        fut: Future[R] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as exc:
            fut.set_exception(exc)
        return fut


def timed(executor: Executor, jobs: int) -> float:
    nums = [BIG + i for i in range(jobs)]

    def main() -> float:
        start = time.perf_counter()
        squares, err = process_numbers(context.background(), nums, 2, executor)
        elapsed = time.perf_counter() - start
        assert err is None, err
        assert sorted(squares) == [n * n for n in nums]
        return elapsed

    elapsed: float = run(main)
    return elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("-j", "--jobs", type=int, default=16)
    parser.add_argument("-r", "--repetitions", type=int, default=3)
    parser.add_argument("-p", "--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)

    single: list[float] = []
    pooled: list[float] = []
    with ProcessPoolExecutor(max_workers=args.processes) as pool:
        list(pool.map(abs, range(args.processes)))  # start every process before timing
        for _ in range(args.repetitions):  # alternate, so both see the same machine load
            single.append(timed(InlineExecutor(), args.jobs))
            pooled.append(timed(pool, args.jobs))

    one, many = statistics.median(single), statistics.median(pooled)
    ratios = sorted(s / p for s, p in zip(single, pooled, strict=True))
    row: dict[str, Any] = {
        "jobs": args.jobs,
        "cores": os.cpu_count(),
        "processes": args.processes,
        "single thread (s)": f"{one:.2f}",
        "process pool (s)": f"{many:.2f}",
        "speedup": f"{one / many:.2f}× ({ratios[0]:.2f}–{ratios[-1]:.2f})",
    }
    print("| " + " | ".join(row) + " |")
    print("|" + "---|" * len(row))
    print("| " + " | ".join(str(v) for v in row.values()) + " |")


if __name__ == "__main__":
    main()
