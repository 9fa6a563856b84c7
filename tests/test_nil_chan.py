"""Go's nil channel: what ``tick(0)``, an ``after_func`` timer's ``c`` and
``background().done()`` return.  Never ready, blocks forever, panics on close."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from gochan import (
    Chan,
    Deadlock,
    RecvChan,
    context,
    default,
    go,
    recv,
    run,
    select,
    send,
    time,
)
from gochan._chan import NIL
from gochan.testing import panics, wait_blocked


def nil_channels() -> list[RecvChan[object]]:
    """Every nil channel gochan hands out, as Go does."""
    return [
        time.tick(0),
        time.tick(-1),
        time.after_func(1, lambda: None).c,
        context.background().done(),
        context.todo().done(),
        context.without_cancel(context.background()).done(),
        context.with_value(context.background(), "k", 1).done(),
    ]


def test_go_hands_out_the_nil_channel() -> None:
    def main() -> None:
        for ch in nil_channels():
            assert ch is NIL

    run(main)


def test_the_nil_channel_is_empty_unbuffered_and_falsy() -> None:
    # Falsy as Go's ``ch != nil`` is false: ``while a or b:`` ports Go's
    # ``for a != nil || b != nil``.
    assert (len(NIL), NIL.cap, bool(NIL)) == (0, 0, False)
    assert repr(NIL) == "<nil Chan>"


@pytest.mark.parametrize(
    ("operation", "reason"),
    [
        (lambda: NIL.recv(), "chan receive (nil chan)"),
        (lambda: NIL.recv_ok(), "chan receive (nil chan)"),
        (lambda: list(NIL), "chan receive (nil chan)"),
        (lambda: NIL.send(1), "chan send (nil chan)"),
        (lambda: context.background().done().recv(), "chan receive (nil chan)"),
    ],
)
def test_blocking_on_the_nil_channel_is_a_deadlock_with_gos_wait_reason(
    operation: Callable[[], object], reason: str
) -> None:
    with pytest.raises(Deadlock) as info:
        run(operation)
    assert f"goroutine 1 [{reason}]:" in str(info.value)


@pytest.mark.gochan_leak_check(False)
def test_a_goroutine_blocked_on_the_nil_channel_waits_until_run_ends_it() -> None:
    ended: list[str] = []

    def forever() -> None:
        try:
            NIL.recv()
        finally:
            ended.append("ended by run()")

    def main() -> None:
        go(forever)
        wait_blocked(1, "chan receive (nil chan)")
        time.sleep(0.001)  # other goroutines and timers run on
        wait_blocked(1, "chan receive (nil chan)")
        assert ended == []

    run(main)
    assert ended == ["ended by run()"]


def test_a_select_case_on_the_nil_channel_is_never_ready() -> None:
    def main() -> None:
        ch = Chan[int](1)
        assert select(recv(NIL), send(NIL, 1), default) is default
        ch.send(7)
        got = recv(ch)
        for _ in range(20):  # the random choice never picks the nil cases
            assert select(recv(NIL), got, send(NIL, 1)) is got
            ch.send(7)
        ch.recv()

    run(main)


def test_a_select_parked_on_the_nil_channel_wakes_by_its_other_case_and_leaves_nothing() -> None:
    def main() -> int:
        ch = Chan[int]()
        go(ch.send, 5)  # runs once main parks in the select
        got = recv(ch)
        assert select(recv(NIL), got, send(NIL, 0)) is got
        # The one shared object holds no waiter of this (or any) thread.
        assert NIL._recvq is None
        assert NIL._sendq is None
        return got.value

    assert run(main) == 5


def test_a_select_on_the_nil_channel_alone_is_a_deadlock() -> None:
    with pytest.raises(Deadlock) as info:
        run(lambda: select(recv(NIL)))
    assert "goroutine 1 [select]:" in str(info.value)


def test_close_of_the_nil_channel_panics() -> None:
    with panics("close of nil channel"):
        NIL.close()
    with panics("close of nil channel"):
        context.background().done().close()  # type: ignore[attr-defined]


def test_every_thread_shares_the_nil_channel() -> None:
    def program() -> object:
        ch = Chan[int](1)
        ch.send(1)
        got = recv(ch)
        return select(recv(NIL), got) is got and time.tick(0) is NIL

    results: list[object] = []
    t = threading.Thread(target=lambda: results.append(run(program)))
    t.start()
    t.join(10)
    assert results == [True]
    assert run(program) is True
