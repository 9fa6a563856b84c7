"""Channel directions: a producer that may only send, a consumer that may only receive.

Go converts a ``chan int`` to ``chan<- int`` or ``<-chan int`` at the call;
in gochan a ``Chan[int]`` is both a ``SendChan[int]`` and a ``RecvChan[int]``,
and mypy rejects ``ch.recv()`` inside ``producer`` as Go's compiler would.
"""

from __future__ import annotations

from gochan import Chan, RecvChan, SendChan, go, run


def producer(ch: SendChan[int]) -> None:
    for i in range(10):
        ch.send(i)
    ch.close()


def consumer(ch: RecvChan[int]) -> None:
    for val in ch:
        print(val)


# Go calls this function run(); here that name belongs to gochan.run, which starts the program.
def orchestrate() -> None:
    ch = Chan[int](5)
    go(producer, ch)
    consumer(ch)


if __name__ == "__main__":
    run(orchestrate)

# Output:
# 0
# 1
# 2
# 3
# 4
# 5
# 6
# 7
# 8
# 9
