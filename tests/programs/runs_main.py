"""A script that calls run(main) itself, with a helper module beside it."""

import sys

import programs_helper

from gochan import Chan, go, run


def main() -> int:
    ch = Chan[int]()
    go(ch.send, programs_helper.ANSWER)
    return ch.recv()


print(run(main))

# After run(), the rest of the top level is the main goroutine again; a goroutine
# still parked when it ends has its finally blocks run.


def parked() -> None:
    try:
        Chan[int]().recv()
    finally:
        print("finally ran")


go(parked)
done = Chan[str](1)
go(done.send, "top level done")
print(done.recv())
print(sys.argv[0].endswith("runs_main.py"))
