"""x/sync's semaphore as a worker pool that needs no shutdown.

A port of ``golang.org/x/sync/semaphore``'s ``Example_workerPool``: main
acquires a token before starting each goroutine, which releases it when
done, so at most ``MAX_WORKERS`` run at a time; acquiring every token at the
end waits for the last of them. There are no idle workers to stop. Go sizes
the pool with ``runtime.GOMAXPROCS(0)``; one thread runs gochan's
goroutines, so the size here is a plain number.
"""

from __future__ import annotations

from gochan import context, go, run
from gochan.semaphore import new_weighted

MAX_WORKERS = 4


def collatz_steps(n: int) -> int:
    """The number of steps to reach 1 under the Collatz conjecture."""
    if n <= 0:
        raise ValueError("nonpositive input")
    steps = 0
    while n > 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def main() -> None:
    ctx = context.todo()
    sem = new_weighted(MAX_WORKERS)
    out = [0] * 32

    def work(i: int) -> None:
        try:
            out[i] = collatz_steps(i + 1)
        finally:
            sem.release(1)

    # Compute the output using up to MAX_WORKERS goroutines at a time.
    for i in range(len(out)):
        # When MAX_WORKERS goroutines are in flight, acquire blocks until one
        # of the workers finishes.
        try:
            sem.acquire(ctx, 1)
        except (context.Canceled, context.DeadlineExceeded) as err:
            print(f"Failed to acquire semaphore: {err}")
            break
        go(work, i)

    # Acquire all of the tokens to wait for any remaining workers to finish.
    # (Code that already waits for them some other way, such as an
    # errgroup.Group, can leave this out.)
    try:
        sem.acquire(ctx, MAX_WORKERS)
    except (context.Canceled, context.DeadlineExceeded) as err:
        print(f"Failed to acquire semaphore: {err}")

    print(out)


if __name__ == "__main__":
    run(main)

# Output:
# [0, 1, 7, 2, 5, 8, 16, 3, 19, 6, 14, 9, 9, 17, 17, 4, 12, 20, 20, 7, 7, 15, 15, 10, 23, 10, 111, 18, 18, 18, 106, 5]
