"""A pipeline whose stages report errors on a shared channel, and its deadlock.

As written, ``main`` deadlocks after the first result. The error channel is
unbuffered and nobody reads it until ``results`` is closed: ``square`` blocks
sending the error for ``-3`` and ``generate`` blocks sending the one for
``0``, so ``results`` is never closed, and every goroutine is asleep. Even
with a buffer the last loop would hang, since nothing ever closes the error
channel.

The fix: room in the error channel for one error per input, and once
``results`` is closed (so both stages have finished sending) ``main`` closes
the error channel itself and drains it. Which stage reports first varies, so
the errors are sorted.
"""

from __future__ import annotations

from gochan import Chan, Deadlock, RecvChan, SendChan, go, run

NUMS = (2, -3, 0, 4)


def generate(errs: SendChan[Exception], *nums: int) -> RecvChan[int]:
    out = Chan[int]()

    def send_all() -> None:
        for n in nums:
            if n == 0:
                errs.send(ValueError(f"generate: invalid input {n}"))
                continue
            out.send(n)
        out.close()

    go(send_all)
    return out


def square(numbers: RecvChan[int], errs: SendChan[Exception]) -> RecvChan[int]:
    out = Chan[int]()

    def square_all() -> None:
        for n in numbers:
            if n < 0:
                errs.send(ValueError(f"square: cannot square negative number {n}"))
                continue
            out.send(n * n)
        out.close()

    go(square_all)
    return out


def main_as_written() -> None:
    errs = Chan[Exception]()
    results = square(generate(errs, *NUMS), errs)
    for res in results:
        print("Square result:", res)
    for err in errs:
        print("Error:", err)


def main_fixed() -> None:
    errs = Chan[Exception](len(NUMS))  # each input fails at most once
    results = square(generate(errs, *NUMS), errs)
    for res in results:
        print("Square result:", res)
    errs.close()  # both stages are done: square closed results after generate closed its output
    for message in sorted(str(err) for err in errs):
        print("Error:", message)


if __name__ == "__main__":
    try:
        run(main_as_written)
    except Deadlock as deadlock:
        print(str(deadlock).splitlines()[0])
    print("-- fixed:")
    run(main_fixed)

# Output:
# Square result: 4
# all goroutines are asleep - deadlock!
# -- fixed:
# Square result: 4
# Square result: 16
# Error: generate: invalid input 0
# Error: square: cannot square negative number -3
