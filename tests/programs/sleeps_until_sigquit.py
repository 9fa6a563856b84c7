"""Parks goroutines, says it is ready, then sleeps on a gochan timer until SIGQUIT."""

from gochan import Chan, go, time
from gochan.testing import wait_blocked


def receiver() -> None:
    try:
        Chan[int]().recv()  # goroutine 2 is parked here
    finally:
        print("finally ran")  # SIGQUIT ends the process without running it


go(receiver)
wait_blocked(1)
print("ready", flush=True)
time.sleep(60 * time.Second)  # main is here when SIGQUIT arrives
