"""``ProcessNumbers`` on a process pool: the worker pool's jobs are CPU-bound, so they run in other processes.

The shape is ``process_numbers.py``'s (jobs channel, workers, ``WaitGroup``,
results drained until closed, cancel on the first error), but each worker
hands its number to a ``concurrent.futures`` executor and waits for the
future.  One thread runs one Python instruction at a time, so pure-Python
work only goes faster in other processes; the goroutines merely dispatch
and collect.  A worker waits on two things at once::

    select(recv(future_done(fut)), recv(ctx.done()))

and when the context wins it cancels the future, which takes the job off
the pool's queue if no process has started it.  Any ``Executor`` works:
``dask_pool.py`` passes a Dask cluster's, and ``bench/process_pool.py``
measures the speedup over running the same jobs on this one thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor

from results import Result, collect

from gochan import (
    Chan,
    RecvChan,
    SendChan,
    context,
    future_done,
    go,
    recv,
    run,
    select,
    sync,
    wait_future,
)

BIG = 2_000_000  # slow_square(BIG) takes about a tenth of a second


class NegativeNumberError(ValueError):
    """Raised in a worker process and pickled back, so it keeps ``ValueError``'s constructor."""


def slow_square(n: int) -> int:
    """``n * n`` the slow way, as the sum of the first ``n`` odd numbers: pure-Python CPU work.

    Runs in a worker process, so it touches nothing of gochan.
    """
    if n < 0:
        raise NegativeNumberError("negative number")
    total = 0
    for odd in range(1, 2 * n, 2):
        total += odd
    return total


def process_numbers(
    ctx: context.Context,
    nums: Sequence[int],
    workers: int,
    executor: Executor,
    job: Callable[[int], int] = slow_square,
) -> tuple[list[int], Exception | None]:
    """Square ``nums`` with ``job`` on ``executor``, ``workers`` jobs in flight; stop at the first error.

    Returns the squares received before the first error (in any order) and
    that error, or ``ctx.err()`` when the context stopped the work;
    ``([], ctx.err())`` at once when ``ctx`` is already done.
    """
    if ctx.err() is not None:  # already cancelled: no work, no goroutine
        return [], ctx.err()

    parent = ctx
    ctx, cancel = context.with_cancel(parent)
    try:
        jobs = Chan[int](len(nums))
        for n in nums:
            jobs.send(n)
        jobs.close()

        results = Chan[Result[int]](len(nums))  # room for every result: no worker blocks
        wg = sync.WaitGroup()
        for _ in range(workers):
            wg.go(worker, ctx, cancel, executor, job, jobs, results)

        def close_when_done() -> None:
            wg.wait()
            results.close()

        go(close_when_done)
        squares, err = collect(results, cancel)
        # Workers stopped by the caller's context report nothing: say why.
        return squares, err or parent.err()
    finally:
        cancel()


def worker(
    ctx: context.Context,
    cancel: Callable[[], None],
    executor: Executor,
    job: Callable[[int], int],
    jobs: RecvChan[int],
    results: SendChan[Result[int]],
) -> None:
    for n in jobs:
        if ctx.err() is not None:  # stop early
            return
        fut = executor.submit(job, n)
        done = recv(future_done(fut))
        if select(done, recv(ctx.done())) is not done:
            fut.cancel()  # off the pool's queue, if no process started it yet
            return
        try:
            square = wait_future(fut)  # done: returns at once
        except NegativeNumberError as err:
            cancel()  # stop every other worker now, before reporting
            results.send(Result(err=err))
            return
        results.send(Result(value=square))


def main() -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        nums = [BIG + i for i in range(6)]
        squares, err = process_numbers(context.background(), nums, workers=2, executor=pool)
        print(sorted(squares) == [n * n for n in nums], err)

        squares, err = process_numbers(context.background(), [2, -1, 5, 7], 1, pool)
        print(squares, err)

        ctx, cancel = context.with_timeout(context.background(), 0.05)
        try:
            squares, err = process_numbers(ctx, [BIG * 5] * 4, workers=2, executor=pool)
        finally:
            cancel()
        print(len(squares), err)

        ctx, cancel = context.with_cancel(context.background())
        cancel()
        squares, err = process_numbers(ctx, [1, 2, 3], 2, pool)
        print(squares, err)


if __name__ == "__main__":
    run(main)

# Output:
# True None
# [4] negative number
# 0 context deadline exceeded
# [] context canceled
