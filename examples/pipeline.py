"""The generate → square → filterEven pipeline: one goroutine per stage.

Each stage owns its output channel and closes it when its input is exhausted
(Go's ``defer close(out)``), so ``for n in evens`` ends when the data does.
"""

from __future__ import annotations

from gochan import Chan, RecvChan, go, run


def generate(*nums: int) -> RecvChan[int]:
    out = Chan[int]()

    def send_all() -> None:
        try:
            for n in nums:
                out.send(n)
        finally:
            out.close()

    go(send_all)
    return out


def square(numbers: RecvChan[int]) -> RecvChan[int]:
    out = Chan[int]()

    def square_all() -> None:
        try:
            for n in numbers:
                out.send(n * n)
        finally:
            out.close()

    go(square_all)
    return out


def filter_even(numbers: RecvChan[int]) -> RecvChan[int]:
    out = Chan[int]()

    def keep_even() -> None:
        try:
            for n in numbers:
                if n % 2 == 0:
                    out.send(n)
        finally:
            out.close()

    go(keep_even)
    return out


def main() -> None:
    nums = generate(1, 2, 3, 4, 5)
    squared = square(nums)
    evens = filter_even(squared)
    for n in evens:
        print(n)


if __name__ == "__main__":
    run(main)

# Output:
# 4
# 16
