"""A goroutine raises while main waits: the program crashes with exit status 2."""

from gochan import Chan, go
from gochan.testing import wait_blocked

results = Chan[int]()


def stuck() -> None:
    Chan[int]().send(1)  # parked: goroutine 2 [chan send]


def worker() -> None:
    try:
        {"other": 1}["key"]
    except KeyError as exc:
        raise ValueError("boom") from exc  # the panic


def cleanup() -> None:
    try:
        Chan[int]().recv()
    finally:
        print("cleanup ran")


go(stuck)
go(cleanup)
wait_blocked(2)
go(worker)
print("before the crash", flush=True)
results.recv()  # main is parked here when the panic reaches it
print("not reached")
