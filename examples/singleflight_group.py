"""x/sync's singleflight: callers of one key share one call.

The first part is a port of ``golang.org/x/sync/singleflight``'s
``ExampleGroup``: two ``do_chan`` calls with one key while the first is in
flight; only the first function runs, and both get its result. The second
part is the usual use: five goroutines ask for the same slow lookup at once,
the lookup runs once, and each gets the value, marked as shared.
"""

from __future__ import annotations

from gochan import Chan, run, sync, time
from gochan.singleflight import Group


def example_group() -> None:
    g = Group[str, str]()

    block = Chan[None]()

    def func1() -> str:
        block.recv()
        return "func 1"

    def func2() -> str:
        block.recv()
        return "func 2"

    res1c = g.do_chan("key", func1)
    res2c = g.do_chan("key", func2)
    block.close()

    res1 = res1c.recv()
    res2 = res2c.recv()

    # Results are shared by functions executed with duplicate keys.
    print("Shared:", res2.shared)
    # Only the first function is executed: it is registered and started with
    # "key", and doesn't complete before the second function is registered
    # with a duplicate key.
    print("Equal results:", res1.value == res2.value)
    print("Result:", res1.value)


def five_readers() -> None:
    g = Group[str, int]()
    lookups = 0

    def slow_lookup() -> int:
        nonlocal lookups
        lookups += 1
        time.sleep(50 * time.Millisecond)  # a database, a remote cache...
        return 42

    wg = sync.WaitGroup()
    answers: list[tuple[int, bool]] = []
    for _ in range(5):
        wg.go(lambda: answers.append(g.do("user:7", slow_lookup)))
    wg.wait()
    print("lookups:", lookups)
    print("answers:", answers)


def main() -> None:
    example_group()
    five_readers()


if __name__ == "__main__":
    run(main)

# Output:
# Shared: True
# Equal results: True
# Result: func 1
# lookups: 1
# answers: [(42, True), (42, True), (42, True), (42, True), (42, True)]
