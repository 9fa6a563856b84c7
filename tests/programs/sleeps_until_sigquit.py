"""Sleeps on a gochan timer until SIGQUIT; a goroutine says when all are parked."""

from gochan import Chan, go, time
from gochan.testing import wait_blocked


def receiver() -> None:
    try:
        Chan[int]().recv()  # goroutine 2 is parked here
    finally:
        print("finally ran")  # SIGQUIT ends the process without running it


def announce() -> None:
    wait_blocked(2)  # main asleep on its timer, receiver parked
    print("ready", flush=True)


go(receiver)
go(announce)
time.sleep(60 * time.Second)  # main is here when SIGQUIT arrives
