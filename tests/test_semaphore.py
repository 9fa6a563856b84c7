"""semaphore.Weighted: x/sync's semaphore_test.go ported, then FIFO order, cancellation and interruption."""

from __future__ import annotations

import contextlib
import random
import traceback
from collections.abc import Iterator

import pytest

from gochan import (
    Canceled,
    Chan,
    DeadlineExceeded,
    Deadlock,
    context,
    errgroup,
    go,
    gosched,
    run,
    sync,
    time,
)
from gochan.semaphore import Weighted, new_weighted
from gochan.testing import VirtualClock, panics, wait_blocked

# runtime.GOMAXPROCS(0) in the Go tests: how many goroutines share the semaphore.
PROCS = 4


@pytest.fixture
def clock() -> Iterator[VirtualClock]:
    with VirtualClock() as c:
        yield c


def ignore_canceled(sem: Weighted, ctx: context.Context, n: int) -> None:
    """Go's ``go sem.Acquire(ctx, n)``, which drops the error."""
    with contextlib.suppress(Canceled):
        sem.acquire(ctx, n)


# -- semaphore_test.go -------------------------------------------------------------


def hammer_weighted(sem: Weighted, n: int, loops: int, rng: random.Random) -> None:
    max_sleep = 1 * time.Millisecond
    for _ in range(loops):
        sem.acquire(context.background(), n)
        time.sleep(rng.random() * max_sleep)
        sem.release(n)


def test_weighted(clock: VirtualClock) -> None:
    def main() -> None:
        loops = 1000 // PROCS
        sem = new_weighted(PROCS)
        wg = sync.WaitGroup()
        rng = random.Random(1)
        for i in range(PROCS):
            wg.go(hammer_weighted, sem, i, loops, rng)
        wg.wait()
        assert sem.try_acquire(PROCS)

    run(main)


def test_weighted_panic() -> None:
    w = new_weighted(1)
    with panics("semaphore: released more than held"):
        w.release(1)
    assert w.try_acquire(1), "the failed release left the semaphore unchanged"


def test_weighted_try_acquire() -> None:
    def main() -> list[bool]:
        ctx = context.background()
        sem = new_weighted(2)
        tries: list[bool] = []
        sem.acquire(ctx, 1)
        tries.append(sem.try_acquire(1))
        tries.append(sem.try_acquire(1))

        sem.release(2)

        tries.append(sem.try_acquire(1))
        sem.acquire(ctx, 1)
        tries.append(sem.try_acquire(1))
        return tries

    assert run(main) == [True, False, True, False]


def test_weighted_acquire(clock: VirtualClock) -> None:
    def main() -> list[bool]:
        ctx = context.background()
        sem = new_weighted(2)

        def try_acquire(n: int) -> bool:
            tctx, cancel = context.with_timeout(ctx, 10 * time.Millisecond)
            try:
                sem.acquire(tctx, n)
            except DeadlineExceeded:
                return False
            finally:
                cancel()
            return True

        tries: list[bool] = []
        sem.acquire(ctx, 1)
        tries.append(try_acquire(1))
        tries.append(try_acquire(1))

        sem.release(2)

        tries.append(try_acquire(1))
        sem.acquire(ctx, 1)
        tries.append(try_acquire(1))
        return tries

    assert run(main) == [True, False, True, False]
    assert clock.now() == pytest.approx(2 * 10 * time.Millisecond)


def test_weighted_doesnt_block_if_too_big(clock: VirtualClock) -> None:
    def main() -> None:
        n = 2
        sem = new_weighted(n)
        ctx, cancel = context.with_cancel(context.background())
        try:
            go(ignore_canceled, sem, ctx, n + 1)

            g, gctx = errgroup.Group.with_context(context.background())

            def acquire_one() -> None:
                sem.acquire(gctx, 1)
                time.sleep(1 * time.Millisecond)
                sem.release(1)

            for _ in range(n * 3):
                g.go(acquire_one)
            g.wait()  # raises if an acquire failed
        finally:
            cancel()

    run(main)


def test_large_acquire_doesnt_starve(clock: VirtualClock) -> None:
    # Go's test times out if the large acquire starves; here it fails after a
    # virtual second, a thousand times what it takes.
    def main() -> None:
        ctx = context.background()
        n = PROCS
        sem = new_weighted(n)
        running = True

        def churn() -> None:
            try:
                while running:
                    time.sleep(1 * time.Millisecond)
                    sem.release(1)
                    sem.acquire(ctx, 1)
            finally:
                sem.release(1)
                wg.done()

        wg = sync.WaitGroup()
        wg.add(n)
        for _ in range(n):
            sem.acquire(ctx, 1)
            go(churn)

        large_ctx, cancel = context.with_timeout(ctx, time.Second)
        try:
            sem.acquire(large_ctx, n)
        finally:
            cancel()
            running = False
        sem.release(n)
        wg.wait()

    run(main)


def test_alloc_cancel_doesnt_starve() -> None:
    def main() -> None:
        sem = new_weighted(10)

        # Block off a portion of the semaphore so that acquire(_, 10) can eventually succeed.
        sem.acquire(context.background(), 1)

        # In the background, acquire(_, 10).
        ctx, cancel = context.with_cancel(context.background())
        try:
            go(ignore_canceled, sem, ctx, 10)

            # Wait until the acquire(_, 10) call blocks.
            while sem.try_acquire(1):
                sem.release(1)
                gosched()

            # Now try to grab a read lock, and simultaneously unblock the acquire(_, 10) call.
            # Both acquire calls should unblock and return, in either order.
            go(cancel)

            sem.acquire(context.background(), 1)
            sem.release(1)
        finally:
            cancel()

    run(main)


def test_weighted_acquire_canceled() -> None:
    # https://go.dev/issue/63615
    def main() -> None:
        sem = new_weighted(2)
        ctx, cancel = context.with_cancel(context.background())
        sem.acquire(context.background(), 1)
        ch = Chan[None]()

        def cancel_then_release() -> None:
            # Synchronize with the acquire(2) below.
            while sem.try_acquire(1):
                sem.release(1)
            # Now cancel ctx, and then release the token.
            cancel()
            sem.release(1)
            ch.close()

        go(cancel_then_release)
        # Since the context closing happens before enough tokens become available,
        # this acquire must fail.
        with pytest.raises(Canceled):
            sem.acquire(ctx, 2)
        # There must always be two tokens in the semaphore after the other
        # goroutine releases the one we held at the start.
        ch.recv()
        assert sem.try_acquire(2), "try_acquire after canceled acquire failed"
        # Additionally verify that we don't acquire with a done context even when
        # we wouldn't need to block to do so.
        sem.release(2)
        with pytest.raises(Canceled):
            sem.acquire(ctx, 1)

    run(main)


# -- first come, first served --------------------------------------------------------


def test_a_waiter_that_does_not_fit_holds_back_smaller_ones_behind_it() -> None:
    def main() -> list[str]:
        sem = Weighted(3)
        ctx = context.background()
        order: list[str] = []
        sem.acquire(ctx, 3)

        def take(name: str, n: int) -> None:
            sem.acquire(ctx, n)
            order.append(name)

        go(take, "large", 2)
        go(take, "small", 1)
        wait_blocked(2, "select")
        sem.release(1)  # one free: enough for "small", not for "large" at the head
        gosched()
        assert order == []
        assert not sem.try_acquire(1), "try_acquire does not jump the queue either"
        sem.release(1)  # two free: "large" first; "small" waits for the third
        wait_blocked(1, "select")
        sem.release(1)
        wait_blocked(0)
        return order

    assert run(main) == ["large", "small"]


def test_a_release_grants_every_waiter_at_the_head_that_fits() -> None:
    def main() -> list[int]:
        sem = Weighted(4)
        ctx = context.background()
        got: list[int] = []
        sem.acquire(ctx, 4)

        def take(n: int) -> None:
            sem.acquire(ctx, n)
            got.append(n)

        for n in (1, 2, 1, 3):
            go(take, n)
        wait_blocked(4, "select")
        sem.release(4)  # 1 + 2 + 1 fit; 3 does not
        wait_blocked(1, "select")
        first = list(got)
        sem.release(4)
        wait_blocked(0)
        return first

    assert run(main) == [1, 2, 1]


def test_cancelling_the_head_waiter_lets_the_ones_behind_it_in() -> None:
    def main() -> list[str]:
        sem = Weighted(2)
        order: list[str] = []
        sem.acquire(context.background(), 1)
        ctx, cancel = context.with_cancel(context.background())

        def large() -> None:
            with pytest.raises(Canceled):
                sem.acquire(ctx, 2)
            order.append("large canceled")

        def small() -> None:
            sem.acquire(context.background(), 1)
            order.append("small")

        go(large)
        go(small)
        wait_blocked(2, "select")  # one free, but "small" waits behind "large"
        cancel()
        wait_blocked(0)
        return order

    assert run(main) == ["large canceled", "small"]


def test_a_canceled_waiter_behind_the_head_leaves_the_queue_quietly() -> None:
    def main() -> list[str]:
        sem = Weighted(2)
        order: list[str] = []
        sem.acquire(context.background(), 2)
        ctx, cancel = context.with_cancel(context.background())

        def take(name: str, c: context.Context, n: int) -> None:
            try:
                sem.acquire(c, n)
            except Canceled:
                order.append(f"{name} canceled")
            else:
                order.append(name)

        go(take, "head", context.background(), 2)
        go(take, "behind", ctx, 1)
        wait_blocked(2, "select")
        cancel()
        wait_blocked(1, "select")  # the head still waits
        sem.release(2)
        wait_blocked(0)
        return order

    assert run(main) == ["behind canceled", "head"]


def test_a_grant_that_comes_after_ctx_is_done_is_given_back() -> None:
    # T1 main: holds 2 of 2.       T2 waiter: acquire(ctx, 1) parks.
    # T1: cancel(), then release(1): the waiter is granted 1 before it runs.
    # T2 runs: ctx is done, so it fails and gives the 1 back.
    def main() -> None:
        sem = Weighted(2)
        sem.acquire(context.background(), 2)
        ctx, cancel = context.with_cancel(context.background())
        failed = Chan[bool](1)

        def waiter() -> None:
            try:
                sem.acquire(ctx, 1)
            except Canceled:
                failed.send(True)
            else:
                failed.send(False)

        go(waiter)
        wait_blocked(1, "select")
        cancel()
        sem.release(1)
        assert failed.recv()
        assert sem.try_acquire(1), "the late grant came back"

    run(main)


# -- acquires that cannot succeed ------------------------------------------------------


def test_acquiring_more_than_the_size_waits_for_ctx(clock: VirtualClock) -> None:
    def main() -> None:
        sem = Weighted(2)
        ctx, cancel = context.with_timeout(context.background(), time.Second)
        try:
            with pytest.raises(DeadlineExceeded):
                sem.acquire(ctx, 3)
        finally:
            cancel()
        assert clock.now() == pytest.approx(time.Second)
        assert sem.try_acquire(2), "the failed acquire took nothing"

    run(main)


def test_acquiring_more_than_the_size_without_a_deadline_is_a_deadlock() -> None:
    def main() -> None:
        with pytest.raises(Deadlock):
            Weighted(1).acquire(context.background(), 2)

    run(main)


def test_a_done_ctx_fails_even_when_the_weight_is_free() -> None:
    def main() -> None:
        sem = Weighted(1)
        ctx, cancel = context.with_cancel(context.background())
        cancel()
        with pytest.raises(Canceled):
            sem.acquire(ctx, 1)
        assert sem.try_acquire(1)

    run(main)


def test_the_error_raised_is_ctx_err_itself_with_a_traceback_of_its_own() -> None:
    def main() -> None:
        sem = Weighted(1)
        ctx, cancel = context.with_cancel(context.background())
        cancel()
        depths = []
        for _ in range(3):
            with pytest.raises(Canceled) as caught:
                sem.acquire(ctx)
            assert caught.value is ctx.err()
            depths.append(len(traceback.extract_tb(caught.value.__traceback__)))
        assert depths[0] == depths[1] == depths[2], "each raise starts a new traceback"

    run(main)


# -- interrupted waiters -----------------------------------------------------------


@pytest.mark.gochan_leak_check(False)  # run() ends the waiting goroutine
def test_a_waiter_ended_by_run_leaves_the_queue() -> None:
    sem = Weighted(2)

    def main() -> None:
        sem.acquire(context.background(), 2)
        go(sem.acquire, context.background(), 1)
        wait_blocked(1, "select")

    run(main)
    sem.release(2)
    assert sem.try_acquire(2), "no waiter is left to take a share"


@pytest.mark.gochan_leak_check(False)  # run() ends the granted goroutine before it runs
def test_a_waiter_ended_by_run_after_its_grant_gives_the_weight_back() -> None:
    sem = Weighted(2)

    def main() -> None:
        sem.acquire(context.background(), 2)
        go(sem.acquire, context.background(), 1)
        wait_blocked(1, "select")
        sem.release(1)  # granted to the waiter, which has not run since

    run(main)
    sem.release(1)
    assert sem.try_acquire(2), "the waiter's grant came back"


def test_repr() -> None:
    sem = Weighted(3)
    assert sem.try_acquire(2)
    assert repr(sem) == "<semaphore.Weighted size=3 held=2 waiters=0>"
