"""context: cancellation trees, causes, deadlines on the scheduler's timers, values."""

from __future__ import annotations

import gc
import re
import sys
import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest

from gochan import (
    Canceled,
    Chan,
    DeadlineExceeded,
    Deadlock,
    RecvChan,
    blocking,
    context,
    default,
    go,
    gosched,
    recv,
    run,
    select,
    sync,
    time,
)
from gochan._chan import NIL
from gochan._core import get_runtime
from gochan.testing import VirtualClock, wait_blocked

INF = float("inf")
NAN = float("nan")

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


# -- Go 1.21's causes for deadlines ---------------------------------------------------


class Slow(Exception):
    pass


def test_with_timeout_cause_reports_the_cause_once_the_deadline_passes(
    clock: VirtualClock,
) -> None:
    def main() -> None:
        why = Slow("too slow")
        ctx, cancel = context.with_timeout_cause(context.background(), 1, why)
        child, cancel_child = context.with_cancel(ctx)
        assert ctx.deadline() == T0 + 1
        child.done().recv()
        assert clock.now() == T0 + 1
        assert isinstance(ctx.err(), DeadlineExceeded)
        assert context.cause(ctx) is why
        assert context.cause(child) is why
        cancel()
        cancel_child()

    run(main)


def test_with_deadline_cause_cancelled_first_has_no_cause(clock: VirtualClock) -> None:
    def main() -> None:
        ctx, cancel = context.with_deadline_cause(context.background(), T0 + 1, Slow())
        cancel()
        assert isinstance(ctx.err(), Canceled)
        assert context.cause(ctx) is ctx.err()
        assert len(get_runtime().timers) == 0

    run(main)


def test_with_deadline_cause_already_past_expires_with_its_cause(clock: VirtualClock) -> None:
    def main() -> None:
        why = Slow()
        ctx, cancel = context.with_deadline_cause(context.background(), T0 - 1, why)
        assert isinstance(ctx.err(), DeadlineExceeded)
        assert context.cause(ctx) is why
        cancel()

    run(main)


def test_with_timeout_cause_under_an_earlier_parent_deadline_is_the_parents(
    clock: VirtualClock,
) -> None:
    def main() -> None:
        parent, cancel_parent = context.with_timeout(context.background(), 1)
        ctx, cancel = context.with_timeout_cause(parent, 5, Slow())
        assert ctx.deadline() == T0 + 1
        ctx.done().recv()
        assert isinstance(context.cause(ctx), DeadlineExceeded)  # the parent's, as in Go
        cancel()
        cancel_parent()

    run(main)


def test_with_timeout_cause_none_reports_err(clock: VirtualClock) -> None:
    def main() -> None:
        ctx, cancel = context.with_timeout_cause(context.background(), 1, None)
        ctx.done().recv()
        assert context.cause(ctx) is ctx.err()
        cancel()

    run(main)


# -- infinite and huge deadlines --------------------------------------------------------


def test_an_infinite_deadline_never_expires() -> None:
    def main() -> None:
        for ctx, cancel in (
            context.with_deadline(context.background(), INF),
            context.with_timeout(context.background(), INF),
            context.with_timeout(context.background(), 10**400),
        ):
            assert ctx.deadline() == INF
            assert len(get_runtime().timers) == 0  # never fires: no work pending
            assert repr(ctx) == ("context.Background.WithDeadline(inf [2562047h47m16.854775807s])")
            time.sleep(0.001)
            assert ctx.err() is None
            cancel()
            assert isinstance(ctx.err(), Canceled)

    run(main)


@pytest.mark.parametrize("timeout", [INF, 1e10])
def test_a_pending_huge_timeout_does_not_hide_a_deadlock(timeout: float) -> None:
    def main() -> None:
        ctx, cancel = context.with_timeout(context.background(), timeout)
        try:
            ctx.done().recv()
        finally:
            cancel()

    with pytest.raises(Deadlock) as info:
        run(main)
    assert "goroutine 1 [chan receive]:" in str(info.value)


def test_a_timeout_within_gos_longest_duration_still_expires(clock: VirtualClock) -> None:
    def main() -> None:
        ctx, cancel = context.with_timeout(context.background(), 1e9)
        ctx.done().recv()
        assert clock.now() == T0 + 1e9
        cancel()

    run(main)


# -- cancelling from another thread --------------------------------------------------


def test_cancel_from_another_thread_takes_effect_on_the_owner() -> None:
    def main() -> None:
        ctx, cancel = context.with_cancel(context.background())
        child, cancel_child = context.with_cancel(ctx)
        woke = Chan[object](1)
        go(lambda: woke.send((child.done().recv(), child.err())[1]))
        wait_blocked(1, "chan receive")
        blocking(cancel)  # the loop ran it before blocking() returned
        assert isinstance(ctx.err(), Canceled)
        assert is_closed(ctx.done())
        assert isinstance(woke.recv(), Canceled)
        cancel_child()

    run(main)


def test_cancel_cause_from_another_thread_keeps_the_very_cause() -> None:
    def main() -> None:
        ctx, cancel = context.with_cancel_cause(context.background())
        why = Slow()
        ctx.done()
        blocking(cancel, why)
        assert context.cause(ctx) is why
        assert is_closed(ctx.done())

    run(main)


def test_with_timeout_cancel_from_another_thread_stops_the_timer(clock: VirtualClock) -> None:
    def main() -> None:
        ctx, cancel = context.with_timeout(context.background(), 5)
        blocking(cancel)
        assert isinstance(ctx.err(), Canceled)
        assert len(get_runtime().timers) == 0

    run(main)


def test_after_func_stop_from_another_thread() -> None:
    def main() -> list[str]:
        ran: list[str] = []
        ctx, cancel = context.with_cancel(context.background())
        stop = context.after_func(ctx, lambda: ran.append("ran"))
        assert blocking(stop) is False  # not known on that thread
        cancel()
        gosched()
        assert stop() is False  # stopped already
        return ran

    assert run(main) == []


@pytest.mark.timeout(20)  # without the fix, a busy program never took the cancel
def test_a_busy_program_takes_a_cancel_from_a_plain_thread() -> None:
    errors: list[BaseException] = []
    busy = threading.Event()

    def main() -> int:
        ctx, cancel = context.with_cancel(context.background())
        done = ctx.done()
        ch = Chan[int]()

        def receive() -> None:
            for _ in ch:
                pass

        def cancel_from_a_thread() -> None:
            try:
                busy.wait(10)
                cancel()
            except BaseException as exc:
                errors.append(exc)

        go(receive)
        thread = threading.Thread(target=cancel_from_a_thread)
        thread.start()
        sent = 0
        # Never idle: the loop runs only between switches, every so many.
        while ctx.err() is None:
            ch.send(sent)
            sent += 1
            if sent == 100:
                busy.set()
        ch.close()
        thread.join(10)
        assert is_closed(done)
        return sent

    assert run(main) >= 100
    assert errors == []


def test_cancel_from_another_thread_with_no_program_running_does_nothing() -> None:
    def main() -> tuple[context.Context, context.CancelFunc]:
        ctx, cancel = context.with_cancel(context.background())
        ctx.done()
        return ctx, cancel

    ctx, cancel = run(main)
    errors: list[BaseException] = []

    def other_thread() -> None:
        try:
            cancel()
        except BaseException as exc:
            errors.append(exc)

    t = threading.Thread(target=other_thread)
    t.start()
    t.join(10)
    assert errors == []
    assert not get_runtime().inbox  # nothing waits there for a later program
    assert ctx.err() is None


def test_a_context_is_derived_only_on_its_runtimes_thread() -> None:
    def main() -> None:
        ctx, cancel = context.with_cancel(context.background())
        value = context.with_value(ctx, "k", 1)
        outcomes: list[object] = []

        def other_thread() -> None:
            for make in (
                lambda: context.with_cancel(value),
                lambda: context.with_timeout(ctx, 1),
                lambda: context.after_func(ctx, lambda: None),
                value.done,
            ):
                try:
                    outcomes.append(make())
                except RuntimeError as exc:
                    outcomes.append(str(exc))
            # Values and what never needs the owner are fine anywhere.
            outcomes.append(context.with_value(value, "j", 2).value("k"))
            outcomes.append(context.without_cancel(value).value("k"))

        t = threading.Thread(target=other_thread)
        t.start()
        t.join(10)
        owner = f"belongs to the gochan runtime of thread {threading.get_ident()}"
        assert all(owner in str(o) for o in outcomes[:4]), outcomes
        assert outcomes[4:] == [1, 1]
        assert not ctx._children  # type: ignore[attr-defined]
        cancel()

    run(main)


# -- constant work per level ------------------------------------------------------------


def calls_made(fn: Callable[[], object]) -> int:
    """How many Python and C calls ``fn()`` makes: the same at any depth if no walk.

    The garbage collector is held off meanwhile: a collection's finalizers
    (an unreferenced timer leaving the heap) would count as calls of ``fn``.
    """
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        count += 1

    gc.collect()
    gc.disable()
    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
        gc.enable()
    return count


def test_a_deep_chain_costs_the_same_per_level_as_a_shallow_one() -> None:
    def chain(depth: int) -> context.Context:
        ctx, _ = context.with_timeout(context.background(), 100)
        for i in range(depth):
            if i % 3 == 2:
                ctx = context.with_value(ctx, i, i)
            else:
                ctx, _ = context.with_timeout(ctx, 100)  # the parent's deadline is earlier
        return ctx

    def main() -> None:
        shallow, deep = chain(10), chain(10_000)
        for make in (
            lambda c: context.with_timeout(c, 100),
            lambda c: context.with_deadline(c, 1e12),
            context.with_cancel,
            lambda c: context.with_value(c, "k", "v"),
            lambda c: c.deadline(),
            lambda c: c.done(),
            lambda c: c.err(),
            context.cause,
        ):
            assert calls_made(partial(make, shallow)) == calls_made(partial(make, deep))

    run(main)


def test_a_deep_chain_prints_without_recursion() -> None:
    def main() -> None:
        ctx = context.background()
        for _ in range(5000):
            ctx, _ = context.with_cancel(context.with_value(ctx, "k", "v"))
        text = repr(ctx)
        assert text.startswith("context.Background.WithValue(k, v).WithCancel.WithValue(")
        assert text.count(".WithCancel") == 5000

    run(main)


# -- bad input: a clear error at the call ----------------------------------------------


def _cancel_cause_with(cause: object) -> None:
    _, cancel = context.with_cancel_cause(context.background())
    cancel(cause)  # type: ignore[arg-type]


BG = context.background()
MISUSES: list[tuple[str, Callable[[], object], type[Exception], str]] = [
    ("with_cancel(None)", lambda: context.with_cancel(None),  # type: ignore[arg-type]
     TypeError, "cannot create context from nil parent"),
    ("with_cancel(42)", lambda: context.with_cancel(42),  # type: ignore[arg-type]
     TypeError, "with_cancel() argument 'parent' must be a Context, not int"),
    ("with_cancel_cause(42)", lambda: context.with_cancel_cause(42),  # type: ignore[arg-type]
     TypeError, "with_cancel_cause() argument 'parent' must be a Context, not int"),
    ("with_timeout('bg', 1)", lambda: context.with_timeout("bg", 1),  # type: ignore[arg-type]
     TypeError, "with_timeout() argument 'parent' must be a Context, not str"),
    ("with_deadline(42, 1)", lambda: context.with_deadline(42, 1),  # type: ignore[arg-type]
     TypeError, "with_deadline() argument 'parent' must be a Context, not int"),
    ("with_value(42, k, v)", lambda: context.with_value(42, "k", 1),  # type: ignore[arg-type]
     TypeError, "with_value() argument 'parent' must be a Context, not int"),
    ("without_cancel(42)", lambda: context.without_cancel(42),  # type: ignore[arg-type]
     TypeError, "without_cancel() argument 'parent' must be a Context, not int"),
    ("with_timeout(bg, None)", lambda: context.with_timeout(BG, None),  # type: ignore[arg-type]
     TypeError, "with_timeout() argument 'timeout' must be a number of seconds"),
    ("with_timeout(bg, nan)", lambda: context.with_timeout(BG, NAN),
     ValueError, "with_timeout() argument 'timeout' is NaN"),
    ("with_deadline(bg, '1')", lambda: context.with_deadline(BG, "1"),  # type: ignore[arg-type]
     TypeError, "with_deadline() argument 'deadline' must be a number of seconds"),
    ("with_deadline(bg, nan)", lambda: context.with_deadline(BG, NAN),
     ValueError, "with_deadline() argument 'deadline' is NaN"),
    ("with_timeout_cause(bg, nan, None)", lambda: context.with_timeout_cause(BG, NAN, None),
     ValueError, "with_timeout_cause() argument 'timeout' is NaN"),
    ("with_deadline_cause(bg, 1, 'x')",
     lambda: context.with_deadline_cause(BG, 1, "x"),  # type: ignore[arg-type]
     TypeError, "with_deadline_cause() argument 'cause' must be an exception or None, not str"),
    ("with_timeout_cause(bg, 1, 'x')",
     lambda: context.with_timeout_cause(BG, 1, "x"),  # type: ignore[arg-type]
     TypeError, "with_timeout_cause() argument 'cause' must be an exception or None, not str"),
    ("cancel_cause('a string')", lambda: _cancel_cause_with("a string"),
     TypeError, "cancel() argument 'cause' must be an exception or None, not str"),
    ("cancel_cause(ValueError)", lambda: _cancel_cause_with(ValueError),
     TypeError, "cancel() argument 'cause' must be an exception or None, not type"),
    ("with_value(bg, [1, 2], v)", lambda: context.with_value(BG, [1, 2], "v"),
     TypeError, "key is not comparable (unhashable type: 'list')"),
    ("with_value(bg, ([],), v)", lambda: context.with_value(BG, ([],), "v"),
     TypeError, "key is not comparable (unhashable type: 'tuple')"),
    ("with_value(bg, None, v)", lambda: context.with_value(BG, None, "v"),
     TypeError, "nil key"),
    ("cause(None)", lambda: context.cause(None),  # type: ignore[arg-type]
     TypeError, "cause() argument 'ctx' must be a Context, not NoneType"),
    ("after_func(None, fn)", lambda: context.after_func(None, print),  # type: ignore[arg-type]
     TypeError, "after_func() argument 'ctx' must be a Context, not NoneType"),
    ("after_func(bg, None)", lambda: context.after_func(BG, None),  # type: ignore[arg-type]
     TypeError, "after_func() argument 'fn' must be callable, not NoneType"),
    ("time.after_func(1, None)", lambda: time.after_func(1, None),  # type: ignore[arg-type]
     TypeError, "after_func() argument 'fn' must be callable, not NoneType"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "error", "message"), [m[1:] for m in MISUSES], ids=[m[0] for m in MISUSES]
)
def test_misuse_is_a_clear_error_at_the_call(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    def main() -> None:
        with pytest.raises(error, match="^" + re.escape(message)):
            call()
        assert len(get_runtime().timers) == 0  # nothing was left to fail later

    run(main)
