"""select: readiness, fairness, blocking on many channels, the select token."""

from __future__ import annotations

import gc
import math
import weakref
from typing import Any

import pytest

from gochan import Chan, Deadlock, default, go, gosched, recv, run, select, send
from gochan._core import waiters
from gochan.testing import panics, wait_blocked


def test_ready_recv_case_runs_and_reports_value() -> None:
    def main() -> None:
        ch = Chan[int](1)
        ch.send(3)
        c = recv(ch)
        assert select(c) is c
        assert (c.value, c.ok) == (3, True)

    run(main)


def test_ready_send_case_runs() -> None:
    def main() -> None:
        ch = Chan[int](1)
        c = send(ch, 9)
        assert select(c, default) is c
        assert ch.recv() == 9

    run(main)


def test_default_when_nothing_ready() -> None:
    def main() -> None:
        ch = Chan[int]()
        assert select(recv(ch), send(ch, 1), default) is default
        ch._check_invariants()

    run(main)


def test_nil_channels_are_never_ready() -> None:
    def main() -> None:
        assert select(recv(None), send(None, 1), default) is default

    run(main)


def test_select_on_only_nil_channels_blocks_forever() -> None:
    def main() -> None:
        select(recv(None))

    with pytest.raises(Deadlock, match=r"goroutine 1 \[select\]"):
        run(main)


def test_empty_select_blocks_forever() -> None:
    def main() -> None:
        select()

    with pytest.raises(Deadlock, match=r"goroutine 1 \[select \(no cases\)\]"):
        run(main)


def test_closed_channel_is_ready_with_ok_false() -> None:
    def main() -> None:
        ch = Chan[int]()
        ch.close()
        c = recv(ch)
        assert select(c, default) is c
        received: tuple[object, bool] = (c.value, c.ok)
        assert received == (None, False)

    run(main)


def test_send_case_on_closed_channel_panics() -> None:
    def main() -> None:
        ch = Chan[int]()
        ch.close()
        with panics("send on closed channel"):
            select(send(ch, 1))

    run(main)


def test_blocked_send_case_panics_when_channel_closes() -> None:
    def main() -> None:
        ch = Chan[int]()

        def closer() -> None:
            wait_blocked(1, "select")
            ch.close()

        go(closer)
        with panics("send on closed channel"):
            select(send(ch, 1), recv(Chan[int]()))

    run(main)


def test_blocked_recv_case_wakes_on_close() -> None:
    def main() -> None:
        a, b = Chan[int](), Chan[int]()
        go(b.close)
        ca, cb = recv(a), recv(b)
        assert select(ca, cb) is cb
        received: tuple[object, bool] = (cb.value, cb.ok)
        assert received == (None, False)
        a._check_invariants()

    run(main)


def test_blocking_select_waits_on_every_channel_and_dequeues_losers() -> None:
    def main() -> None:
        chans = [Chan[int]() for _ in range(4)]
        cases = [recv(ch) for ch in chans]
        go(chans[2].send, 42)
        chosen = select(*cases)
        assert chosen is cases[2]
        assert chosen.value == 42
        for ch in chans:
            assert not ch._recvq  # pass 3 took every losing waiter out
            ch._check_invariants()

    run(main)


def test_a_parked_select_leaves_nothing_alive_once_it_returns() -> None:
    # A select that parked gives its state and waiters back for reuse: they
    # must drop what the select that used them held (the value received here).
    class Value:
        pass

    def main() -> weakref.ref[Value]:
        chans = [Chan[Value]() for _ in range(3)]
        cases = [recv(ch) for ch in chans]
        go(chans[1].send, Value())
        assert select(*cases) is cases[1]
        assert isinstance(cases[1].value, Value)
        return weakref.ref(cases[1].value)

    ref = run(main)
    gc.collect()
    assert ref() is None


def test_selects_of_different_sizes_reuse_waiters_correctly() -> None:
    # One goroutine's selects park on 4 channels, then 1, then 3: each parks
    # waiters left by the one before, and every losing waiter leaves its queue.
    def main() -> None:
        chans = [Chan[int]() for _ in range(4)]
        for size in (4, 1, 3, 4, 2):
            cases = [recv(ch) for ch in chans[:size]]
            go(chans[size - 1].send, size)
            chosen = select(*cases)
            assert chosen is cases[size - 1]
            assert (chosen.value, chosen.ok) == (size, True)
            for ch in chans:
                assert not ch._recvq
                ch._check_invariants()

    run(main)


def test_first_waker_wins_and_later_senders_wait() -> None:
    def main() -> None:
        a, b = Chan[int](), Chan[int]()
        ca, cb = recv(a), recv(b)
        go(a.send, 1)
        go(b.send, 2)
        assert select(ca, cb) is ca
        # b's sender found main's waiter stale and parked instead.
        wait_blocked(1, "chan send")
        assert b.recv() == 2

    run(main)


def test_two_selects_meet_on_both_ends_of_an_unbuffered_channel() -> None:
    def main() -> None:
        ch = Chan[int]()
        other = Chan[int]()
        got = Chan[Any](1)

        def receiver() -> None:
            c = recv(ch)
            chosen = select(c, recv(other))
            got.send((chosen is c, c.value))

        go(receiver)
        wait_blocked(1, "select")
        s = send(ch, 5)
        assert select(s, recv(other)) is s
        assert got.recv() == (True, 5)
        ch._check_invariants()
        other._check_invariants()

    run(main)


def test_select_does_not_match_itself() -> None:
    def main() -> None:
        ch = Chan[int]()

        def sender() -> None:
            wait_blocked(1, "select")
            ch.send(1)

        go(sender)
        r = recv(ch)
        assert select(send(ch, 0), r) is r
        assert r.value == 1

    run(main)


def test_cases_are_reusable_in_a_loop() -> None:
    def main() -> list[int]:
        ch = Chan[int]()
        done = Chan[None]()

        def producer() -> None:
            for i in range(5):
                ch.send(i)
            done.close()

        go(producer)
        got, stop = recv(ch), recv(done)
        out = []
        while select(got, stop) is got:
            out.append(got.value)
        return out

    assert run(main) == [0, 1, 2, 3, 4]


def test_non_case_argument_is_type_error() -> None:
    def main() -> None:
        ch = Chan[int](1)
        with pytest.raises(TypeError, match="recv\\(\\), send\\(\\) or default"):
            select(recv(ch), ch)  # type: ignore[arg-type]
        ch._check_invariants()

    run(main)


def test_fairness_is_uniform() -> None:
    # Go's TestSelectFairness: with every case ready, each is chosen with
    # probability 1/k; allow 10 sigma so the test essentially never flakes.
    def main() -> list[int]:
        k, trials = 4, 8000
        chans = [Chan[int](1) for _ in range(k)]
        cases = [recv(ch) for ch in chans]
        counts = [0] * k
        for ch in chans:
            ch.send(0)
        for _ in range(trials):
            chosen = select(*cases)
            i = cases.index(chosen)  # type: ignore[arg-type]
            counts[i] += 1
            chans[i].send(0)
        return counts

    counts = run(main)
    trials, k = sum(counts), len(counts)
    p = 1 / k
    sigma = math.sqrt(trials * p * (1 - p))
    for c in counts:
        assert abs(c - trials * p) < 10 * sigma, counts


def test_fairness_between_recv_and_send_cases() -> None:
    def main() -> tuple[int, int]:
        a, b = Chan[int](1), Chan[int](1)
        a.send(0)
        r, s = recv(a), send(b, 0)
        wins = [0, 0]
        for _ in range(2000):
            if select(r, s) is r:
                wins[0] += 1
                a.send(0)
            else:
                wins[1] += 1
                b.recv()
        return wins[0], wins[1]

    ra, sb = run(main)
    assert abs(ra - 1000) < 10 * math.sqrt(500), (ra, sb)


@pytest.mark.parametrize("cap", [0, 100])
def test_pseudo_random_send(cap: int) -> None:
    # Go's TestPseudoRandomSend: with cap 0 the select parks with both cases
    # on one channel before the receiver comes, and Go queues them in a
    # random order, so either value arrives about half the time.
    n = 100

    def main() -> list[int]:
        c = Chan[int](cap)
        got: list[int] = []
        done = Chan[None]()

        def receiver() -> None:
            for _ in range(n):
                gosched()
                got.append(c.recv())
            done.close()

        go(receiver)
        for _ in range(n):
            select(send(c, 1), send(c, 0))
        done.recv()
        return got

    got = run(main)
    assert got.count(0) > n // 10, got
    assert got.count(1) > n // 10, got


def test_parked_cases_on_one_channel_are_served_in_uniform_order() -> None:
    # Three receive cases on `a`, with one on `b` between them: a sender on
    # `a` serves each of the three with probability 1/3 (10 sigma).
    trials = 3000

    def main() -> list[int]:
        a, b = Chan[int](), Chan[int]()
        cases = [recv(a), recv(b), recv(a), recv(a)]
        counts = [0] * len(cases)
        for i in range(trials):
            go(a.send, i)
            chosen = select(*cases)  # parks: the sender has not run yet
            counts[cases.index(chosen)] += 1  # type: ignore[arg-type]
        a._check_invariants()
        b._check_invariants()
        return counts

    counts = run(main)
    assert counts[1] == 0
    sigma = math.sqrt(trials * (1 / 3) * (2 / 3))
    for c in (counts[0], counts[2], counts[3]):
        assert abs(c - trials / 3) < 10 * sigma, counts


def test_many_selects_on_a_shared_channel_do_not_accumulate_waiters() -> None:
    # Each round parks a waiter on `shared` that loses; pass 3 takes it out again,
    # so the queue holds at most one waiter per worker.
    def main() -> int:
        shared = Chan[None]()
        work = Chan[int]()
        n = 50

        def worker() -> None:
            c, stop = recv(work), recv(shared)
            while select(c, stop) is c:
                pass

        for _ in range(n):
            go(worker)
        for i in range(5000):
            work.send(i)
        size = len(list(waiters(shared._recvq)))
        shared.close()
        return size

    assert run(main) <= 50
