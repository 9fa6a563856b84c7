"""A worker pool that reports errors on a channel of their own.

Results and errors both go to channels buffered to the number of jobs, so a
worker never blocks on either while ``main`` reads results first and errors
second. As written, jobs 1 to 5 contain no ``0``, so the error path never
runs; the second run includes a ``0`` to show it. The order of results (and
of errors) varies with the workers' timing, so both are sorted.
"""

from __future__ import annotations

from gochan import Chan, RecvChan, SendChan, go, run, sync


class InvalidJobError(Exception):
    def __init__(self, worker_id: int, job: int) -> None:
        super().__init__(f"worker {worker_id}: invalid job {job}")
        self.job = job


def worker(
    worker_id: int,
    jobs: RecvChan[int],
    results: SendChan[int],
    errs: SendChan[InvalidJobError],
    wg: sync.WaitGroup,
) -> None:
    try:
        for job in jobs:
            if job == 0:  # example error condition
                errs.send(InvalidJobError(worker_id, job))
                continue
            results.send(job * 2)
    finally:
        wg.done()


def run_pool(job_values: list[int]) -> None:
    wg = sync.WaitGroup()
    jobs = Chan[int](len(job_values))
    results = Chan[int](len(job_values))
    errs = Chan[InvalidJobError](len(job_values))

    for w in range(1, 4):  # start 3 workers
        wg.add(1)
        go(worker, w, jobs, results, errs, wg)

    for j in job_values:
        jobs.send(j)
    jobs.close()

    def close_when_done() -> None:
        wg.wait()
        results.close()
        errs.close()

    go(close_when_done)

    for res in sorted(results):
        print("Result:", res)
    for err in sorted(errs, key=lambda e: e.job):
        # The message names the worker, which varies from run to run; print the job.
        print(f"Error: worker ?: invalid job {err.job}")


def main() -> None:
    run_pool([1, 2, 3, 4, 5])
    print("--")
    run_pool([0, 1, 2])


if __name__ == "__main__":
    run(main)

# Output:
# Result: 2
# Result: 4
# Result: 6
# Result: 8
# Result: 10
# --
# Result: 2
# Result: 4
# Error: worker ?: invalid job 0
