"""Parks goroutines, says it is ready, then waits for SIGQUIT."""

import threading

from gochan import Chan, go
from gochan.testing import wait_blocked


def receiver() -> None:
    try:
        Chan[int]().recv()  # goroutine 2 is parked here
    finally:
        print("finally ran")  # SIGQUIT ends the process without running it


go(receiver)
wait_blocked(1)
print("ready", flush=True)
threading.Event().wait(60)  # main is here when SIGQUIT arrives
