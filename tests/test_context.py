"""context: cancellation trees, causes, deadlines on the scheduler's timers, values."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from gochan import (
    Canceled,
    Chan,
    DeadlineExceeded,
    RecvChan,
    context,
    default,
    go,
    recv,
    run,
    select,
    sync,
    time,
)
from gochan._chan import NIL
from gochan._core import get_runtime
from gochan.testing import VirtualClock, wait_blocked

T0 = 1000.0


@pytest.fixture
def clock() -> Iterator[VirtualClock]:
    with VirtualClock(T0) as c:
        yield c


def is_closed(ch: RecvChan[None] | None) -> bool:
    """Whether ``ch`` is closed, without blocking (it carries no values)."""
    case = recv(ch)
    return select(case, default) is case and not case.ok


def children(ctx: context.Context) -> int:
    return len(ctx._children or ())  # type: ignore[attr-defined]


# -- background, todo ------------------------------------------------------------


def test_background_and_todo_are_never_cancelled() -> None:
    for ctx, name in (
        (context.background(), "context.Background"),
        (context.todo(), "context.TODO"),
    ):
        assert ctx.done() is NIL
        assert ctx.err() is None
        assert ctx.deadline() is None
        assert ctx.value("k") is None
        assert context.cause(ctx) is None
        assert repr(ctx) == name
    assert context.background() is context.background()


# -- with_cancel ------------------------------------------------------------------


def test_cancel_closes_done_and_sets_err() -> None:
    def main() -> None:
        ctx, cancel = context.with_cancel(context.background())
        done = ctx.done()
        assert done is ctx.done()
        assert not is_closed(done)
        assert ctx.err() is None
        cancel()
        assert is_closed(done)
        err = ctx.err()
        assert isinstance(err, Canceled)
        assert str(err) == "context canceled"
        cancel()  # idempotent
        assert ctx.err() is err
        assert context.cause(ctx) is err

    run(main)


def test_done_made_after_cancel_is_closed() -> None:
    def main() -> None:
        ctx, cancel = context.with_cancel(context.background())
        cancel()
        assert is_closed(ctx.done())

    run(main)


def test_cancelling_a_parent_cancels_every_descendant_through_value_layers() -> None:
    def main() -> None:
        root, cancel = context.with_cancel(context.background())
        v = context.with_value(root, "k", 1)
        child, cancel_child = context.with_cancel(v)
        grandchild, _ = context.with_timeout(context.with_value(child, "j", 2), time.Hour)
        dones = [c.done() for c in (root, child, grandchild)]
        cancel()
        assert all(is_closed(d) for d in dones)
        errs = [c.err() for c in (root, v, child, grandchild)]
        assert all(isinstance(e, Canceled) for e in errs)
        assert errs[0] is errs[1]  # a value layer reports its parent's
        assert len({id(errs[0]), id(errs[2]), id(errs[3])}) == 3  # fresh per context
        assert len(get_runtime().timers) == 0  # the grandchild's timer was stopped
        cancel_child()

    run(main)


def test_cancelling_a_child_leaves_the_parent_alone() -> None:
    def main() -> None:
        parent, cancel = context.with_cancel(context.background())
        child, cancel_child = context.with_cancel(parent)
        cancel_child()
        assert isinstance(child.err(), Canceled)
        assert parent.err() is None
        assert not is_closed(parent.done())
        cancel()

    run(main)


def test_a_cancelled_child_leaves_its_parent() -> None:
    def main() -> None:
        parent, cancel = context.with_cancel(context.background())
        for _ in range(100):
            _, cancel_child = context.with_cancel(context.with_value(parent, "k", "v"))
            cancel_child()
        assert children(parent) == 0
        kept, cancel_kept = context.with_cancel(parent)
        assert children(parent) == 1
        cancel()
        cancel_kept()
        assert isinstance(kept.err(), Canceled)

    run(main)


def test_a_child_of_a_cancelled_parent_is_cancelled_at_once() -> None:
    def main() -> None:
        parent, cancel = context.with_cancel(context.background())
        cancel()
        child, _ = context.with_cancel(context.with_value(parent, "k", 1))
        assert isinstance(child.err(), Canceled)
        assert is_closed(child.done())
        assert children(parent) == 0

    run(main)


def test_cancel_wakes_a_select_parked_on_done() -> None:
    def main() -> str:
        ctx, cancel = context.with_cancel(context.background())
        jobs = Chan[int]()
        out = Chan[str](1)

        def worker() -> None:
            stop = recv(ctx.done())
            job = recv(jobs)
            chosen = select(job, stop)
            out.send("stopped" if chosen is stop else "job")

        go(worker)
        wait_blocked(1, "select")
        cancel()
        return out.recv()

    assert run(main) == "stopped"


def test_cancel_wakes_every_receiver_of_done() -> None:
    def main() -> int:
        ctx, cancel = context.with_cancel(context.background())
        wg = sync.WaitGroup()
        woke = 0

        def waiter() -> None:
            nonlocal woke
            done = ctx.done()
            done.recv()
            woke += 1

        for _ in range(5):
            wg.go(waiter)
        wait_blocked(5, "chan receive")
        cancel()
        wg.wait()
        return woke

    assert run(main) == 5


def test_nil_parent_is_refused() -> None:
    with pytest.raises(TypeError, match="cannot create context from nil parent"):
        context.with_cancel(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="nil key"):
        context.with_value(context.background(), None, 1)


# -- causes -----------------------------------------------------------------------


def test_cancel_cause_is_the_very_object() -> None:
    def main() -> None:
        ctx, cancel = context.with_cancel_cause(context.background())
        child, cancel_child = context.with_cancel(ctx)
        assert context.cause(ctx) is None
        why = ValueError("upstream failed")
        cancel(why)
        cancel(KeyError("later"))  # only the first counts
        assert isinstance(ctx.err(), Canceled)
        assert context.cause(ctx) is why
        assert context.cause(child) is why
        assert context.cause(context.with_value(child, "k", 1)) is why
        assert isinstance(child.err(), Canceled)
        cancel_child()

    run(main)


def test_cancel_cause_none_means_err() -> None:
    def main() -> None:
        ctx, cancel = context.with_cancel_cause(context.background())
        cancel(None)
        assert context.cause(ctx) is ctx.err()

    run(main)


def test_cause_of_a_deadline_is_deadline_exceeded(clock: VirtualClock) -> None:
    def main() -> None:
        ctx, cancel = context.with_timeout(context.background(), 1)
        time.sleep(2)
        assert isinstance(context.cause(ctx), DeadlineExceeded)
        cancel()

    run(main)


# -- deadlines --------------------------------------------------------------------


def test_with_timeout_expires_at_its_deadline(clock: VirtualClock) -> None:
    def main() -> None:
        ctx, cancel = context.with_timeout(context.background(), 0.5)
        assert ctx.deadline() == T0 + 0.5
        done = ctx.done()
        done.recv()
        assert clock.now() == T0 + 0.5
        err = ctx.err()
        assert isinstance(err, DeadlineExceeded)
        assert isinstance(err, TimeoutError)
        assert str(err) == "context deadline exceeded"
        cancel()
        assert ctx.err() is err  # cancel after expiry changes nothing

    run(main)


def test_with_timeout_on_the_real_clock() -> None:
    def main() -> float:
        start = get_runtime().clock.now()  # before with_timeout() reads the clock
        ctx, cancel = context.with_timeout(context.background(), 30 * time.Millisecond)
        select(recv(ctx.done()))
        cancel()
        return get_runtime().clock.now() - start

    assert 0.03 <= run(main) < 0.03 + 0.04


def test_with_deadline_in_the_past_is_expired_at_once(clock: VirtualClock) -> None:
    def main() -> None:
        ctx, cancel = context.with_deadline(context.background(), T0 - 1)
        assert isinstance(ctx.err(), DeadlineExceeded)
        assert is_closed(ctx.done())
        cancel()
        assert isinstance(ctx.err(), DeadlineExceeded)

    run(main)


def test_cancel_before_the_deadline_stops_the_timer(clock: VirtualClock) -> None:
    def main() -> None:
        ctx, cancel = context.with_timeout(context.background(), time.Hour)
        assert len(get_runtime().timers) == 1
        cancel()
        assert isinstance(ctx.err(), Canceled)
        assert len(get_runtime().timers) == 0

    run(main)


def test_a_later_child_deadline_keeps_the_parents(clock: VirtualClock) -> None:
    def main() -> None:
        parent, cancel = context.with_timeout(context.background(), 1)
        child, cancel_child = context.with_timeout(parent, 5)
        assert child.deadline() == T0 + 1
        assert len(get_runtime().timers) == 1  # no timer of its own
        shorter, cancel_shorter = context.with_timeout(parent, 0.5)
        assert shorter.deadline() == T0 + 0.5
        time.sleep(2)
        assert isinstance(child.err(), DeadlineExceeded)
        assert isinstance(shorter.err(), DeadlineExceeded)
        for c in (cancel, cancel_child, cancel_shorter):
            c()

    run(main)


def test_deadline_reaches_through_values_and_cancel_layers(clock: VirtualClock) -> None:
    def main() -> None:
        ctx, cancel = context.with_timeout(context.background(), 3)
        inner, cancel_inner = context.with_cancel(context.with_value(ctx, "k", 1))
        assert inner.deadline() == T0 + 3
        assert context.with_value(inner, "j", 2).deadline() == T0 + 3
        assert context.without_cancel(inner).deadline() is None
        cancel_inner()
        cancel()

    run(main)


# -- values, without_cancel -------------------------------------------------------


def test_values_are_found_up_the_chain() -> None:
    def main() -> None:
        ctx = context.with_value(context.background(), "user", "ann")
        ctx, cancel = context.with_cancel(ctx)
        ctx = context.with_value(ctx, "trace", 7)
        ctx = context.with_value(ctx, "user", "bob")  # the nearest wins
        assert ctx.value("user") == "bob"
        assert ctx.value("trace") == 7
        assert ctx.value("missing") is None
        cancel()

    run(main)


def test_without_cancel_keeps_values_not_cancellation() -> None:
    def main() -> None:
        parent, cancel = context.with_cancel(context.with_value(context.background(), "k", 1))
        detached = context.without_cancel(parent)
        cancel()
        assert detached.value("k") == 1
        assert detached.done() is NIL
        assert detached.err() is None
        assert context.cause(detached) is None
        child, cancel_child = context.with_cancel(detached)
        assert child.err() is None
        cancel_child()

    run(main)


def test_a_long_chain_of_contexts_needs_no_recursion() -> None:
    def main() -> None:
        root, cancel = context.with_cancel(context.background())
        ctx = root
        for i in range(5000):
            ctx = context.with_value(ctx, i, i) if i % 2 else context.with_cancel(ctx)[0]
        assert ctx.value(1) == 1
        assert ctx.deadline() is None
        done = ctx.done()
        cancel()
        assert is_closed(done)

    run(main)


# -- after_func -------------------------------------------------------------------


def test_after_func_runs_fn_in_a_goroutine_when_cancelled() -> None:
    def main() -> str:
        ctx, cancel = context.with_cancel(context.background())
        ran = Chan[str]()
        context.after_func(ctx, lambda: ran.send("ran"))  # blocks: needs its own goroutine
        cancel()
        return ran.recv()

    assert run(main) == "ran"


def test_after_func_on_a_done_context_starts_at_once() -> None:
    def main() -> str:
        ctx, cancel = context.with_cancel(context.background())
        cancel()
        ran = Chan[str]()
        stop = context.after_func(ctx, lambda: ran.send("ran"))
        assert stop() is False
        return ran.recv()

    assert run(main) == "ran"


def test_after_func_stop() -> None:
    def main() -> list[str]:
        ctx, cancel = context.with_cancel(context.background())
        ran: list[str] = []
        stop = context.after_func(ctx, lambda: ran.append("ran"))
        assert children(ctx) == 1
        assert stop() is True
        assert stop() is False
        assert children(ctx) == 0
        cancel()
        wait_blocked(0)
        return ran

    assert run(main) == []


def test_after_func_on_a_deadline(clock: VirtualClock) -> None:
    def main() -> float:
        ctx, cancel = context.with_timeout(context.background(), 2)
        when = Chan[float](1)
        context.after_func(ctx, lambda: when.send(clock.now()))
        v = when.recv()
        cancel()
        return v

    assert run(main) == T0 + 2


# -- a Context written by the user -------------------------------------------------


class ChanContext(context.Context):
    """A context of one's own: done when its channel is closed."""

    def __init__(self) -> None:
        self.ch = Chan[None]()
        self.closed = False

    def deadline(self) -> float | None:
        return None

    def done(self) -> RecvChan[None]:
        return self.ch

    def err(self) -> Exception | None:
        return Canceled("mine") if self.closed else None

    def value(self, key: object) -> Any:
        return "own" if key == "own" else None

    def close(self) -> None:
        self.closed = True
        self.ch.close()


def test_a_user_context_as_parent_is_watched() -> None:
    def main() -> None:
        parent = ChanContext()
        child, cancel = context.with_cancel(context.with_value(parent, "k", 1))
        assert child.value("own") == "own"
        parent.close()
        done = child.done()
        done.recv()
        assert isinstance(child.err(), Canceled)
        cancel()

    run(main)


def test_the_watcher_ends_when_the_child_is_cancelled() -> None:
    def main() -> None:
        parent = ChanContext()
        _, cancel = context.with_cancel(parent)
        wait_blocked(1, "select")
        cancel()
        wait_blocked(0)  # the watcher ended: the leak check would see it

    run(main)


# -- repr -------------------------------------------------------------------------


def test_repr_shows_the_chain_like_gos_string(clock: VirtualClock) -> None:
    def main() -> None:
        ctx, cancel = context.with_cancel(context.background())
        assert repr(ctx) == "context.Background.WithCancel"
        v = context.with_value(ctx, "key", "val")
        assert repr(v) == "context.Background.WithCancel.WithValue(key, val)"
        d, cancel_d = context.with_timeout(v, 1.5)
        assert repr(d) == (
            f"context.Background.WithCancel.WithValue(key, val).WithDeadline({T0 + 1.5:.6f} [1.5s])"
        )
        assert repr(context.without_cancel(context.todo())) == "context.TODO.WithoutCancel"
        assert (
            repr(context.with_value(context.todo(), 1, None)) == "context.TODO.WithValue(1, <nil>)"
        )
        cancel_d()
        cancel()

    run(main)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (5e-7, "500ns"),
        (1.5e-6, "1.5µs"),
        (0.25, "250ms"),
        (1.5, "1.5s"),
        (-2, "-2s"),
        (62, "1m2s"),
        (3600, "1h0m0s"),
        (3723.5, "1h2m3.5s"),
    ],
)
def test_durations_print_like_go(seconds: float, text: str) -> None:
    assert context._format_duration(seconds) == text


# -- no leaks -----------------------------------------------------------------------


def test_a_cancelled_tree_is_freed() -> None:
    def main() -> int:
        root, cancel = context.with_cancel(context.background())
        for _ in range(10):
            ctx, _ = context.with_cancel(root)
            for _ in range(10):
                context.with_timeout(ctx, time.Hour)
        cancel()
        gc.collect()
        return len(get_runtime().timers) + children(root)

    assert run(main) == 0
