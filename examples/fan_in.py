"""Fan-in of two producers with ``select``, and the goroutine it leaks.

``fan_in``'s goroutine loops forever: once both messages are through, it
blocks in ``select`` for good. ``main`` reads its two messages and returns, so
the program ends normally and Go never reports the leak; counting goroutines
shows it. The fix: each producer closes its channel when done, ``fan_in``
turns a closed input into ``None`` (a nil channel, never ready in a
``select``) and closes its output when both inputs are gone, so ``main``
can simply range over it.

The producers wait 200 ms and 100 ms (a tenth of the 2 s and 1 s in Go) so
producer 2's message always comes first.
"""

from __future__ import annotations

from collections.abc import Callable

from gochan import Chan, RecvChan, SendChan, go, num_goroutine, recv, run, select, time


def producer1(ch: SendChan[str]) -> None:
    time.sleep(200 * time.Millisecond)  # simulate delay
    ch.send("Message from producer 1")


def producer2(ch: SendChan[str]) -> None:
    time.sleep(100 * time.Millisecond)
    ch.send("Message from producer 2")


def fan_in(ch1: RecvChan[str], ch2: RecvChan[str]) -> RecvChan[str]:
    out = Chan[str]()

    def merge() -> None:
        while True:
            got1, got2 = recv(ch1), recv(ch2)
            out.send(got1.value if select(got1, got2) is got1 else got2.value)

    go(merge)
    return out


def main() -> None:
    ch1 = Chan[str]()
    ch2 = Chan[str]()
    go(producer1, ch1)
    go(producer2, ch2)

    merged = fan_in(ch1, ch2)
    for _ in range(2):  # 2 messages, one from each producer
        print(merged.recv())
    print("goroutines still alive:", num_goroutine(), "(main and the leaked fan_in)")


def closing_producer(produce: Callable[[SendChan[str]], None], ch: SendChan[str]) -> None:
    try:
        produce(ch)
    finally:
        ch.close()


def merge(ch1: RecvChan[str] | None, ch2: RecvChan[str] | None, out: SendChan[str]) -> None:
    while ch1 is not None or ch2 is not None:
        got1, got2 = recv(ch1), recv(ch2)
        if select(got1, got2) is got1:
            if not got1.ok:
                ch1 = None  # closed: a case on None is never ready
                continue
            out.send(got1.value)
        else:
            if not got2.ok:
                ch2 = None
                continue
            out.send(got2.value)
    out.close()


def fan_in_closing(ch1: RecvChan[str], ch2: RecvChan[str]) -> RecvChan[str]:
    out = Chan[str]()
    go(merge, ch1, ch2, out)
    return out


def main_fixed() -> None:
    ch1 = Chan[str]()
    ch2 = Chan[str]()
    go(closing_producer, producer1, ch1)
    go(closing_producer, producer2, ch2)
    for msg in fan_in_closing(ch1, ch2):
        print(msg)
    print("goroutines still alive:", num_goroutine())


if __name__ == "__main__":
    run(main)
    print("-- fixed:")
    run(main_fixed)

# Output:
# Message from producer 2
# Message from producer 1
# goroutines still alive: 2 (main and the leaked fan_in)
# -- fixed:
# Message from producer 2
# Message from producer 1
# goroutines still alive: 1
