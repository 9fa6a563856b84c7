"""Fan-out, fan-in: ``runtime.NumCPU()`` workers read one input channel, one channel merges their outputs.

Each worker owns and closes its output channel; ``fan_in`` forwards every
output into ``out`` and closes it once all forwarders are done (a WaitGroup).
The results come in any order, so they are sorted before printing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from gochan import Chan, RecvChan, go, run, sync


@dataclass(frozen=True)
class Task:
    n: int


@dataclass(frozen=True)
class Result:
    n: int
    square: int


def process_task(task: Task) -> Result:
    return Result(task.n, task.n * task.n)


def fan_out(tasks: RecvChan[Task], num_workers: int) -> list[RecvChan[Result]]:
    return [start_worker(tasks) for _ in range(num_workers)]


def start_worker(tasks: RecvChan[Task]) -> RecvChan[Result]:
    output = Chan[Result]()

    def work() -> None:
        try:
            for task in tasks:
                output.send(process_task(task))
        finally:
            output.close()

    go(work)
    return output


def fan_in(*channels: RecvChan[Result]) -> RecvChan[Result]:
    out = Chan[Result]()
    wg = sync.WaitGroup()

    def forward(c: RecvChan[Result]) -> None:
        try:
            for result in c:
                out.send(result)
        finally:
            wg.done()

    for ch in channels:
        wg.add(1)
        go(forward, ch)

    def close_when_done() -> None:
        wg.wait()
        out.close()

    go(close_when_done)
    return out


def process(tasks: Sequence[Task]) -> list[Result]:
    tasks_in = Chan[Task](len(tasks))

    def send_tasks() -> None:
        for task in tasks:
            tasks_in.send(task)
        tasks_in.close()

    go(send_tasks)
    workers = fan_out(tasks_in, os.cpu_count() or 1)
    return list(fan_in(*workers))


def main() -> None:
    for result in sorted(process([Task(n) for n in range(1, 6)]), key=lambda r: r.n):
        print(f"{result.n}^2 = {result.square}")


if __name__ == "__main__":
    run(main)

# Output:
# 1^2 = 1
# 2^2 = 4
# 3^2 = 9
# 4^2 = 16
# 5^2 = 25
