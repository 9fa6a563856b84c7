"""A fixed pool of three workers shares five jobs of 100 ms each.

Which worker takes which job, and the order of the lines, vary from run to
run in Go. To keep the output stable, the workers record what they start and
the program prints it, and the results, sorted. The timing is the point:
three workers finish five 100 ms jobs in two rounds, about 200 ms.
"""

from __future__ import annotations

from time import monotonic

from gochan import Chan, RecvChan, SendChan, go, run, sync, time

JOB_TIME = 100 * time.Millisecond


def worker(
    worker_id: int,
    jobs: RecvChan[int],
    results: SendChan[int],
    started: list[int],
    wg: sync.WaitGroup,
) -> None:
    try:
        for j in jobs:  # runs until jobs is closed
            started.append(j)  # Go prints f"Worker {worker_id} started job {j}" here
            time.sleep(JOB_TIME)  # simulate work
            results.send(j * 2)
    finally:
        wg.done()


def main() -> None:
    jobs = Chan[int](100)
    results = Chan[int](100)
    wg = sync.WaitGroup()
    started: list[int] = []
    begin = monotonic()

    # 1. Start a fixed number of workers.
    for w in range(1, 4):
        wg.add(1)
        go(worker, w, jobs, results, started, wg)

    # 2. Send jobs.
    for j in range(1, 6):
        jobs.send(j)
    jobs.close()  # signal "no more jobs"

    # 3. Wait and close results in a separate goroutine.
    def close_when_done() -> None:
        wg.wait()
        results.close()

    go(close_when_done)

    # 4. Collect results.
    collected = list(results)
    for j in sorted(started):
        print("A worker started job", j)
    for res in sorted(collected):
        print("Result:", res)
    print("rounds of work:", int((monotonic() - begin) / JOB_TIME))


if __name__ == "__main__":
    run(main)

# Output:
# A worker started job 1
# A worker started job 2
# A worker started job 3
# A worker started job 4
# A worker started job 5
# Result: 2
# Result: 4
# Result: 6
# Result: 8
# Result: 10
# rounds of work: 2
