"""A timer pushed back by every message, and ``Timer.stop``.

Go's idle-timeout loop: the consumer waits for a message or for the timer,
and each message resets the timer, so it fires only after ``IDLE`` with no
message at all. The producer sends three messages, 10, 20 and 30 ms apart,
all within ``IDLE``, then goes quiet. Since Go 1.23 ``Reset`` needs no
``Stop`` and drain first: a value the timer prepared before the reset is
never received after it (gochan's timers do the same).

``stop()`` says whether it stopped the timer before it fired: ``True`` the
first time, ``False`` once it is stopped already.
"""

from __future__ import annotations

from gochan import Chan, RecvChan, SendChan, go, recv, run, select, time

IDLE = 50 * time.Millisecond


def producer(msgs: SendChan[str]) -> None:
    for i, gap in enumerate((10, 20, 30), 1):
        time.sleep(gap * time.Millisecond)
        msgs.send(f"message {i}")


def consume(msgs: RecvChan[str]) -> None:
    timer = time.new_timer(IDLE)
    try:
        got, expired = recv(msgs), recv(timer.c)
        while select(got, expired) is got:
            print("got", got.value)
            timer.reset(IDLE)
        print(f"quiet for {IDLE / time.Millisecond:.0f} ms: giving up")
    finally:
        timer.stop()


def main() -> None:
    msgs = Chan[str]()
    go(producer, msgs)
    consume(msgs)

    timer = time.new_timer(time.Second)
    print("stopped before it fired:", timer.stop())
    print("stopped again:", timer.stop())


if __name__ == "__main__":
    run(main)

# Output:
# got message 1
# got message 2
# got message 3
# quiet for 50 ms: giving up
# stopped before it fired: True
# stopped again: False
