"""When ``main`` returns, the program ends, with goroutines still running.

Go kills them on the spot: no deferred call runs. gochan ends them too, but
as Python does with any code it stops, by raising in them, so their
``finally`` blocks (and ``with`` exits) run. Either way their work is lost;
to keep it, ``main`` must wait for them, here with a WaitGroup.
"""

from __future__ import annotations

from gochan import go, gosched, run, sync, time


def worker() -> None:
    try:
        time.sleep(50 * time.Millisecond)
        print("work done")
    finally:
        print("worker cleanup")  # Go would never run this when main returns first


def main_without_waiting() -> None:
    go(worker)
    gosched()  # let the worker start
    print("main returns")


def main_waiting() -> None:
    wg = sync.WaitGroup()
    wg.go(worker)
    wg.wait()
    print("main returns")


if __name__ == "__main__":
    run(main_without_waiting)
    print("--")
    run(main_waiting)

# Output:
# main returns
# worker cleanup
# --
# work done
# worker cleanup
# main returns
