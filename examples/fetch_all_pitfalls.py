"""Three mistakes from the exercise's pitfalls table, and what each one does.

1. Closing ``results`` before ``wg.wait()``: a worker sends on the closed
   channel and the program crashes with ``send on closed channel``.
2. Never closing ``results``: the collecting loop waits forever once the
   workers are done; every goroutine is asleep, a deadlock.
3. Returning at the first error with an unbuffered channel: the workers that
   finish later block on their send forever, leaked goroutines.

The fixed version of all three is ``fetch_all.py``.
"""

from __future__ import annotations

from fetch_all import Source, fetch_one
from results import Result

from gochan import Chan, Deadlock, GoroutinePanic, context, go, num_goroutine, run, sync, time


def ok(ctx: context.Context) -> str:
    return "ok"


def fails(ctx: context.Context) -> str:
    raise ConnectionError("source unreachable")


def later_ok(ctx: context.Context) -> str:
    time.sleep(10 * time.Millisecond)
    return "ok, later"


SUCCEEDING: list[Source] = [ok, later_ok]
ONE_FAILING: list[Source] = [fails, later_ok, later_ok]


def closes_too_early() -> None:
    results = Chan[str](len(SUCCEEDING))
    wg = sync.WaitGroup()
    for src in SUCCEEDING:
        wg.go(lambda s: results.send(s(context.background())), src)
    results.close()  # wrong: the workers have not sent yet
    wg.wait()


def never_closes() -> None:
    results = Chan[str](len(SUCCEEDING))
    for src in SUCCEEDING:
        go(lambda s: results.send(s(context.background())), src)
    for value in results:  # never ends: nothing closes results
        print("got", value)


def returns_without_draining() -> None:
    results = Chan[Result[str]]()  # unbuffered
    for src in ONE_FAILING:
        go(lambda s: results.send(fetch_one(context.background(), s)), src)
    for res in results:
        if res.err is not None:
            print("returning at the first error:", res.err)
            break
    time.sleep(50 * time.Millisecond)  # long enough for the slow sources to finish
    print("goroutines:", num_goroutine(), "(main and two workers blocked on their send)")


if __name__ == "__main__":
    try:
        run(closes_too_early)
    except GoroutinePanic as crash:
        print("panic:", crash.__cause__)
    try:
        run(never_closes)
    except Deadlock as deadlock:
        print(str(deadlock).splitlines()[0])
    run(returns_without_draining)

# Output:
# panic: send on closed channel
# got ok
# got ok, later
# all goroutines are asleep - deadlock!
# returning at the first error: source unreachable
# goroutines: 3 (main and two workers blocked on their send)
