"""A worker pool sized to the machine: ``runtime.NumCPU()`` workers share one jobs channel.

Both channels are buffered to ``len(items)``, so sending every job before the
workers run, and every result before anyone reads, never blocks. The results
arrive in whatever order the workers finish; they are sorted so that the
output is the same on every run.
"""

from __future__ import annotations

import os

from gochan import Chan, RecvChan, SendChan, go, run, sync


def process_item(item: int) -> int:
    return item * item


def worker(jobs: RecvChan[int], results: SendChan[int], wg: sync.WaitGroup) -> None:
    try:
        for item in jobs:
            results.send(process_item(item))
    finally:
        wg.done()


def process_items(items: list[int]) -> list[int]:
    num_workers = os.cpu_count() or 1
    jobs = Chan[int](len(items))
    results = Chan[int](len(items))

    wg = sync.WaitGroup()
    for _ in range(num_workers):
        wg.add(1)
        go(worker, jobs, results, wg)

    for item in items:
        jobs.send(item)
    jobs.close()

    def close_when_done() -> None:
        wg.wait()
        results.close()

    go(close_when_done)

    return list(results)


def main() -> None:
    print(sorted(process_items([1, 2, 3, 4, 5, 6])))


if __name__ == "__main__":
    run(main)

# Output:
# [1, 4, 9, 16, 25, 36]
