"""``ProcessNumbers``: a cancellable worker pool that squares numbers and stops at the first negative one.

``process_numbers(ctx, nums, workers)`` returns ``(squares, error)`` as Go's
``([]int, error)`` does, because the squares computed before an error are
part of the answer:

============================  ==========================================
input                         output
============================  ==========================================
every ``n >= 0``              every ``n * n`` (in any order), no error
some ``n < 0``                ``negative number``, and only the squares
                              received before it; with one worker and
                              ``[2, -1, 5, 7]`` exactly ``[4]``
a context already cancelled   ``([], ctx.err())`` at once, no goroutine
============================  ==========================================

The shutdown order is the leak-free one: the jobs channel is filled and
closed first, each worker calls ``wg.done()`` when ``jobs`` is exhausted or
the context is done, a goroutine closes ``results`` after ``wg.wait()``, and
the caller reads ``results`` until it is closed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from results import Result, collect

from gochan import Chan, RecvChan, SendChan, context, default, go, recv, run, select, sync


class NegativeNumberError(ValueError):
    def __init__(self) -> None:
        super().__init__("negative number")


def is_done(ctx: context.Context) -> bool:
    """The non-blocking check: ``select { case <-ctx.Done(): ...; default: }``."""
    return select(recv(ctx.done()), default) is not default


def process_numbers(
    ctx: context.Context, nums: Sequence[int], workers: int
) -> tuple[list[int], Exception | None]:
    if is_done(ctx):  # already cancelled: no work, no goroutine
        return [], ctx.err()

    ctx, cancel = context.with_cancel(ctx)
    try:
        jobs = Chan[int](len(nums))
        for n in nums:
            jobs.send(n)
        jobs.close()

        # Room for every result: a worker never blocks on a send, even after
        # the caller has stopped caring.
        results = Chan[Result[int]](len(nums))
        wg = sync.WaitGroup()
        wg.add(workers)
        for _ in range(workers):
            go(worker, ctx, cancel, jobs, results, wg)

        def close_when_done() -> None:
            wg.wait()
            results.close()

        go(close_when_done)
        return collect(results, cancel)
    finally:
        cancel()


def worker(
    ctx: context.Context,
    cancel: Callable[[], None],
    jobs: RecvChan[int],
    results: SendChan[Result[int]],
    wg: sync.WaitGroup,
) -> None:
    try:
        for n in jobs:
            if is_done(ctx):  # stop early
                return
            if n < 0:
                cancel()  # stop every other worker now, before reporting
                results.send(Result(err=NegativeNumberError()))
                return
            results.send(Result(value=n * n))
    finally:
        wg.done()


def main() -> None:
    squares, err = process_numbers(context.background(), [1, 2, 3, 4], workers=2)
    print(sorted(squares), err)  # the workers finish in any order

    squares, err = process_numbers(context.background(), [2, -1, 5, 7], workers=1)
    print(squares, err)

    ctx, cancel = context.with_cancel(context.background())
    cancel()
    squares, err = process_numbers(ctx, [1, 2, 3], workers=2)
    print(squares, err)


if __name__ == "__main__":
    run(main)

# Output:
# [1, 4, 9, 16] None
# [4] negative number
# [] context canceled
