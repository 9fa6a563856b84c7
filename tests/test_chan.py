"""Chan[T]: rendezvous, buffering, close rules, FIFO waiters, bad input."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from gochan import Chan, Deadlock, Panic, go, run
from gochan.testing import panics, wait_blocked


def test_unbuffered_send_completes_only_when_received() -> None:
    def main() -> list[str]:
        ch = Chan[int]()
        trace: list[str] = []

        def sender() -> None:
            trace.append("send")
            ch.send(1)
            trace.append("sent")

        go(sender)
        wait_blocked(1, "chan send")
        trace.append("recv")
        assert ch.recv() == 1
        wait_blocked(0)  # let the sender finish
        return trace

    assert run(main) == ["send", "recv", "sent"]


def test_unbuffered_handoff_wakes_receiver_with_value() -> None:
    def main() -> int:
        ch = Chan[int]()
        out = Chan[int](1)
        go(lambda: out.send(ch.recv() * 10))
        wait_blocked(1, "chan receive")
        ch.send(4)  # hands over directly to the parked receiver
        return out.recv()

    assert run(main) == 40


def test_buffered_fifo_and_len_cap() -> None:
    def main() -> None:
        ch = Chan[str](3)
        assert (len(ch), ch.cap) == (0, 3)
        for s in "abc":
            ch.send(s)
        assert len(ch) == 3
        ch._check_invariants()
        assert [ch.recv() for _ in range(3)] == ["a", "b", "c"]
        assert len(ch) == 0

    run(main)


def test_a_channel_is_always_true_even_when_empty() -> None:
    # Go's ch != nil: the nil-channel fan-in loops while either is non-nil.
    def main() -> list[int]:
        a, b = Chan[int](1), Chan[int](1)
        a.send(1)
        b.send(2)
        a.close()
        b.close()
        assert len(a) == 1
        assert bool(a)
        assert bool(Chan[int]())
        ra: Chan[int] | None = a
        rb: Chan[int] | None = b
        got = []
        while ra or rb:
            for ch in (ra, rb):
                if ch is None:
                    continue
                v, ok = ch.recv_ok()
                if not ok:
                    ra, rb = (None, rb) if ch is ra else (ra, None)
                else:
                    got.append(v)
        return got

    assert run(main) == [1, 2]


def test_full_buffer_blocks_sender_and_receiver_moves_its_value_in() -> None:
    def main() -> None:
        ch = Chan[int](2)
        ch.send(1)
        ch.send(2)
        go(ch.send, 3)
        wait_blocked(1, "chan send")
        ch._check_invariants()
        assert ch.recv() == 1
        # The parked sender's value moved into the buffer as its head was taken.
        assert len(ch) == 2
        ch._check_invariants()
        assert [ch.recv(), ch.recv()] == [2, 3]

    run(main)


def test_parked_senders_served_first_come_first_served() -> None:
    def main() -> list[int]:
        ch = Chan[int]()
        for i in range(5):
            go(ch.send, i)
            wait_blocked(i + 1, "chan send")
        return [ch.recv() for _ in range(5)]

    assert run(main) == [0, 1, 2, 3, 4]


def test_parked_receivers_served_first_come_first_served() -> None:
    # Receiver i parked i-th, so it gets the i-th value sent.
    def main() -> list[tuple[int, int]]:
        ch = Chan[int]()
        got = Chan[tuple[int, int]](5)

        def receiver(i: int) -> None:
            got.send((i, ch.recv()))

        for i in range(5):
            go(receiver, i)
            wait_blocked(i + 1, "chan receive")
        for v in range(5):
            ch.send(v)
        return sorted(got.recv() for _ in range(5))

    assert run(main) == [(i, i) for i in range(5)]


def test_close_drains_buffer_then_zero_values() -> None:
    def main() -> None:
        ch = Chan[int](2)
        ch.send(7)
        ch.close()
        assert ch.recv_ok() == (7, True)
        received: tuple[object, bool] = ch.recv_ok()
        assert received == (None, False)
        assert ch.recv() is None
        assert len(ch) == 0

    run(main)


def test_none_value_is_distinguished_from_closed() -> None:
    def main() -> None:
        ch = Chan[int | None](1)
        ch.send(None)
        ch.close()
        assert ch.recv_ok() == (None, True)
        assert ch.recv_ok() == (None, False)

    run(main)


def test_close_wakes_every_parked_receiver() -> None:
    def main() -> list[tuple[Any, bool]]:
        ch = Chan[int]()
        results = Chan[tuple[Any, bool]](3)
        for _ in range(3):
            go(lambda: results.send(ch.recv_ok()))
        wait_blocked(3, "chan receive")
        ch.close()
        return [results.recv() for _ in range(3)]

    assert run(main) == [(None, False)] * 3


def test_close_panics_parked_senders() -> None:
    def main() -> list[str]:
        ch = Chan[int]()
        errors = Chan[str](2)

        def sender() -> None:
            try:
                ch.send(1)
            except Panic as exc:
                errors.send(str(exc))

        go(sender)
        go(sender)
        wait_blocked(2, "chan send")
        ch.close()
        return [errors.recv(), errors.recv()]

    assert run(main) == ["send on closed channel"] * 2


def test_send_on_closed_channel_panics() -> None:
    def main() -> None:
        for cap in (0, 1):
            ch = Chan[int](cap)
            ch.close()
            with panics("send on closed channel"):
                ch.send(1)

    run(main)


def test_close_of_closed_channel_panics() -> None:
    def main() -> None:
        ch = Chan[int]()
        ch.close()
        with panics("close of closed channel"):
            ch.close()

    run(main)


def test_panics_are_runtime_errors() -> None:
    ch = Chan[int]()
    ch.close()
    with pytest.raises(RuntimeError, match="close of closed channel"):
        ch.close()


def test_range_ends_at_close_after_draining() -> None:
    def main() -> list[int]:
        ch = Chan[int](10)

        def producer() -> None:
            for i in range(25):
                ch.send(i)
            ch.close()

        go(producer)
        return list(ch)

    assert run(main) == list(range(25))


def test_range_yields_none_values() -> None:
    def main() -> list[None]:
        ch = Chan[None](3)
        for _ in range(3):
            ch.send(None)
        ch.close()
        return list(ch)

    assert run(main) == [None, None, None]


def test_recv_on_never_ready_channel_deadlocks() -> None:
    def main() -> None:
        Chan[int]().recv()

    with pytest.raises(Deadlock, match="all goroutines are asleep - deadlock!"):
        run(main)


def test_buffered_channel_usable_without_any_goroutine() -> None:
    ch = Chan[int](1)
    ch.send(5)
    assert ch.recv() == 5


@pytest.mark.parametrize("bad", [-1, -100])
def test_negative_capacity_is_value_error(bad: int) -> None:
    with pytest.raises(ValueError, match="size out of range"):
        Chan[int](bad)


@pytest.mark.parametrize("bad", [1.0, "1", None, True])
def test_non_int_capacity_is_type_error(bad: Any) -> None:
    with pytest.raises(TypeError, match=r"Chan\(\): cap must be an int"):
        Chan[int](bad)


def test_channel_from_another_thread_is_refused() -> None:
    ch = Chan[int](1)
    errors: list[BaseException] = []

    def other_thread() -> None:
        for op in (lambda: ch.send(1), ch.recv, ch.close):
            try:
                op()
            except RuntimeError as exc:
                errors.append(exc)

    t = threading.Thread(target=other_thread)
    t.start()
    t.join()
    assert len(errors) == 3
    assert all("belongs to the gochan runtime of thread" in str(e) for e in errors)
    # Nothing was corrupted: the owner still uses it.
    ch.send(2)
    assert ch.recv() == 2
    ch._check_invariants()


def test_repr_shows_state() -> None:
    ch = Chan[int](2)
    ch.send(1)
    assert repr(ch) == "<Chan cap=2 len=1>"
    ch.close()
    assert repr(ch) == "<Chan cap=2 len=1 closed>"
