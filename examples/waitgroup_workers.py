"""Wait for a set of workers: ``add`` the count once, ``done`` in every worker, then ``wait``.

``wg.add(workers)`` comes before any ``go``, so ``wait()`` cannot miss a
worker; ``done()`` sits in ``finally`` (Go's ``defer wg.Done()``), so it runs
even when the work raises. The workers finish in any order in Go, so the
program prints the set of finished workers, sorted.
"""

from __future__ import annotations

from gochan import go, run, sync, time


def main() -> None:
    workers = 4
    finished: list[int] = []
    wg = sync.WaitGroup()
    wg.add(workers)

    def work(i: int) -> None:
        try:
            time.sleep((workers - i) * time.Millisecond)  # do work
            finished.append(i)
        finally:
            wg.done()

    for i in range(workers):
        go(work, i)

    wg.wait()  # ensures all workers finished
    print("finished workers:", sorted(finished))


if __name__ == "__main__":
    run(main)

# Output:
# finished workers: [0, 1, 2, 3]
