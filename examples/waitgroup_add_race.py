"""Calling ``wg.add(1)`` inside the goroutine: ``wg.wait()`` may see a zero counter and return at once.

In Go this is a race that usually loses: the goroutines have rarely started
when ``Wait`` runs. In gochan it always loses, and so shows the bug every
time: a new goroutine starts only when its creator blocks, and ``wait()`` on
a zero counter does not block. The fix is to ``add`` before the ``go``.
"""

from __future__ import annotations

from gochan import go, run, sync


def finished_with_add_inside(workers: int) -> int:
    wg = sync.WaitGroup()
    finished: list[int] = []

    def worker(i: int) -> None:
        wg.add(1)  # too late: wait() may already have returned
        try:
            finished.append(i)
        finally:
            wg.done()

    for i in range(workers):
        go(worker, i)
    wg.wait()
    return len(finished)


def finished_with_add_before(workers: int) -> int:
    wg = sync.WaitGroup()
    finished: list[int] = []

    def worker(i: int) -> None:
        try:
            finished.append(i)
        finally:
            wg.done()

    for i in range(workers):
        wg.add(1)
        go(worker, i)
    wg.wait()
    return len(finished)


def main() -> None:
    print("add inside the goroutine:", finished_with_add_inside(3), "of 3 finished")
    print("add before go:", finished_with_add_before(3), "of 3 finished")


if __name__ == "__main__":
    run(main)

# Output:
# add inside the goroutine: 0 of 3 finished
# add before go: 3 of 3 finished
