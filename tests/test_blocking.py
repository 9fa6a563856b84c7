"""blocking(), wait_future() and future_done(): waiting on other threads without blocking the rest."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from typing import TypeVar

import pytest

from gochan import (
    Chan,
    Deadlock,
    GoroutinePanic,
    WaitGroup,
    blocking,
    context,
    future_done,
    go,
    recv,
    run,
    select,
    stacks,
    wait_future,
)
from gochan import time as gotime
from gochan._core import _bridge as bridge
from gochan._core import get_runtime
from gochan._core._bridge import DEFAULT_WORKERS, THREAD_NAME
from gochan.runtime import set_blocking_workers
from gochan.testing import wait_blocked

T = TypeVar("T")


def nap(seconds: float, value: T) -> T:
    """Work that takes a while (a sleep as the work itself, not to wait for another goroutine)."""
    time.sleep(seconds)
    return value


# A bound on how long a worker thread may take to end once it was told to:
# only reached when a test fails.
JOIN_TIMEOUT = 5.0


def blocking_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(THREAD_NAME)]


def join_blocking_threads() -> None:
    """Wait for every worker thread to end; fails if one does not."""
    for t in blocking_threads():
        t.join(JOIN_TIMEOUT)
        assert not t.is_alive(), f"{t.name} did not end"


@pytest.fixture(autouse=True)
def _no_worker_thread_left() -> Iterator[None]:
    # Every test ends its program, so its threads were told to stop: they end.
    yield
    join_blocking_threads()
    assert get_runtime().max_workers == DEFAULT_WORKERS, "a test left its bound set"


# -- blocking ---------------------------------------------------------------


def test_blocking_returns_the_result_and_passes_arguments() -> None:
    def power(base: int, exp: int = 1) -> int:
        return int(base**exp)

    def main() -> int:
        return blocking(power, 3, exp=4)

    assert run(main) == 81


def test_blocking_runs_fn_on_another_thread() -> None:
    def main() -> int:
        return blocking(threading.get_ident)

    assert run(main) != threading.get_ident()


def test_blocking_reraises_the_exception_in_the_caller() -> None:
    boom = ValueError("boom")

    def fail() -> None:
        raise boom

    def main() -> None:
        with pytest.raises(ValueError, match="boom") as info:
            blocking(fail)
        assert info.value is boom

    run(main)


def test_blocking_reraises_base_exceptions_too() -> None:
    def main() -> None:
        with pytest.raises(SystemExit):
            blocking(lambda: exec("raise SystemExit(3)"))

    run(main)


def test_other_goroutines_run_while_one_waits_in_blocking() -> None:
    # The worker thread waits for an event that only main sets, after it
    # has done a channel round trip with another goroutine: if blocking()
    # held the runtime, this would never end.
    release = threading.Event()

    def main() -> list[str]:
        log = Chan[str](3)
        go(lambda: log.send("waited " + str(blocking(release.wait))))
        ping = Chan[int]()
        go(lambda: ping.send(1))
        wait_blocked(1, "blocking")
        log.send(f"ping {ping.recv()}")
        release.set()
        return [log.recv(), log.recv()]

    assert run(main) == ["ping 1", "waited True"]


def test_the_waiting_goroutine_is_shown_as_blocking() -> None:
    release = threading.Event()

    def main() -> str:
        done = Chan[bool]()
        go(lambda: done.send(blocking(release.wait)))
        wait_blocked(1, "blocking")
        dump = stacks()
        release.set()
        done.recv()
        return dump

    assert "goroutine 2 [blocking]:" in run(main)


def test_a_call_in_flight_is_not_a_deadlock() -> None:
    def main() -> str:
        done = Chan[str]()
        # The call is the work itself: main has nothing else to wait on.
        go(lambda: done.send(blocking(nap, 0.02, "slept")))
        return done.recv()

    assert run(main) == "slept"


def test_a_deadlock_is_still_seen_once_the_calls_are_done() -> None:
    def main() -> None:
        assert blocking(lambda: 7) == 7
        with pytest.raises(Deadlock):
            Chan[int]().recv()

    run(main)


def test_many_goroutines_share_the_pool() -> None:
    def main() -> list[int]:
        out = Chan[int](50)

        def square(n: int) -> None:
            out.send(blocking(pow, n, 2))

        for n in range(50):
            go(square, n)
        return sorted(out.recv() for _ in range(50))

    assert run(main) == [n * n for n in range(50)]


def test_calls_that_wait_on_each_other_each_get_a_thread() -> None:
    # Pipes whose reader and writer are both blocking() calls, more pairs than
    # the old bound of min(32, cpus + 4) threads: the readers come first and
    # hold their threads until their writers run, so a writer that waited
    # for a free thread would never come.
    pairs = 40
    pipes = [os.pipe() for _ in range(pairs)]

    def main() -> list[bytes]:
        out = Chan[bytes](pairs)

        def read(r: int) -> None:
            out.send(blocking(os.read, r, 4))

        for r, _ in pipes:  # every reader first
            go(read, r)
        wait_blocked(pairs, "blocking")
        writers = WaitGroup()
        for _, w in pipes:
            writers.go(blocking, os.write, w, b"ping")
        got = []
        timeout = gotime.after(JOIN_TIMEOUT)  # a hang fails the test instead
        for _ in range(pairs):
            case = recv(out)
            assert select(case, recv(timeout)) is case, "the writers never ran"
            got.append(case.value)
        writers.wait()
        return got

    try:
        assert run(main) == [b"ping"] * pairs
    finally:
        for _, w in pipes:
            os.close(w)  # a reader still waiting gets the end of the stream
        join_blocking_threads()
        for r, _ in pipes:
            os.close(r)


def test_parked_threads_each_take_one_of_a_burst_of_calls() -> None:
    # Three threads park after a first round; three calls made at once must
    # then run at once, each on a thread of its own: they meet at a barrier.
    def main() -> list[int]:
        out = Chan[int](3)
        for _ in range(3):
            go(lambda: out.send(blocking(int)))
        for _ in range(3):
            out.recv()
        barrier = threading.Barrier(3, timeout=JOIN_TIMEOUT)
        for _ in range(3):
            go(lambda: out.send(blocking(barrier.wait)))
        return sorted(out.recv() for _ in range(3))

    assert run(main) == [0, 1, 2]


def test_the_pool_is_bounded_by_set_blocking_workers() -> None:
    release = threading.Event()
    lock = threading.Lock()
    running = 0
    most = 0
    two_running: Future[None] = Future()

    def work() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            if running == 2 and not two_running.done():
                two_running.set_result(None)
        release.wait()
        with lock:
            running -= 1

    def main() -> int:
        done = Chan[None](5)
        for _ in range(5):
            go(lambda: done.send(blocking(work)))
        wait_blocked(5, "blocking")
        wait_future(two_running)  # 2 calls run, 3 wait for a thread
        threads = len(blocking_threads())
        release.set()
        for _ in range(5):
            done.recv()
        return threads

    previous = set_blocking_workers(2)
    try:
        assert run(main) == 2
    finally:
        assert set_blocking_workers(previous) == 2
    assert most == 2


def idle_threads_after(calls: int) -> list[threading.Thread]:
    """Run ``calls`` blocking calls at once, each on its own thread; their threads, idle."""
    release = threading.Event()
    out = Chan[bool](calls)
    for _ in range(calls):
        go(lambda: out.send(blocking(release.wait)))
    wait_blocked(calls, "blocking")
    threads = blocking_threads()
    release.set()
    for _ in range(calls):
        out.recv()
    return threads


# Long enough for a thread to go idle in between, short enough to wait for.
SHORT_IDLE_TIMEOUT = 0.05


def ended_while_running(threads: list[threading.Thread], each: float) -> int:
    """How many of ``threads`` end within ``each`` seconds of one another, while the
    program runs on (its loop decides which idle threads end)."""
    joined: Future[int] = Future()

    def join_all() -> None:
        for t in threads:
            t.join(each)
        joined.set_result(sum(not t.is_alive() for t in threads))

    threading.Thread(target=join_all).start()
    return wait_future(joined)


def test_idle_threads_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bridge, "IDLE_TIMEOUT", SHORT_IDLE_TIMEOUT)
    monkeypatch.setattr(bridge, "WARM_WORKERS", 0)

    def main() -> int:
        ended = ended_while_running(idle_threads_after(4), JOIN_TIMEOUT)
        assert blocking(lambda: 7) == 7  # a later call starts a thread again
        return ended

    assert run(main) == 4


def test_a_few_idle_threads_stay_warm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bridge, "IDLE_TIMEOUT", SHORT_IDLE_TIMEOUT)
    monkeypatch.setattr(bridge, "WARM_WORKERS", 2)

    def main() -> int:
        # The 2 warm ones outlast many idle timeouts.
        return ended_while_running(idle_threads_after(5), 10 * SHORT_IDLE_TIMEOUT)

    assert run(main) == 3


def test_the_dump_names_the_calls_waiting_for_the_bound() -> None:
    # Calls that wait on each other hang once the bound is reached: the dump
    # says which goroutines wait for a thread, and which bound stops them.
    release = threading.Event()

    def main() -> str:
        done = Chan[object](2)
        go(lambda: done.send(blocking(release.wait)))
        wait_blocked(1, "blocking")
        go(lambda: done.send(blocking(release.set)))  # never starts: the one thread waits
        wait_blocked(2, "blocking")
        dump = stacks()
        release.set()
        done.recv()
        done.recv()
        return dump

    previous = set_blocking_workers(1)
    try:
        dump = run(main)
    finally:
        set_blocking_workers(previous)
    assert "goroutine 2 [blocking]:" in dump
    assert "goroutine 3 [blocking, all set_blocking_workers(1) threads busy]:" in dump


def test_a_thread_the_system_refuses_fails_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    def main() -> None:
        rt = get_runtime()
        with monkeypatch.context() as patch:
            patch.setattr(threading.Thread, "start", refuse)
            with pytest.raises(RuntimeError, match="can't start new thread"):
                blocking(lambda: 7)
        assert rt.external_pending == 0
        assert blocking(lambda: 7) == 7  # the next call gets its thread

    run(main)


def test_set_blocking_workers_checks_its_argument() -> None:
    with pytest.raises(ValueError, match="n must be at least 1"):
        set_blocking_workers(0)
    with pytest.raises(TypeError, match="int"):
        set_blocking_workers(2.0)  # type: ignore[arg-type]


def test_shrinking_the_bound_ends_idle_threads() -> None:
    def main() -> int:
        out = Chan[int](4)
        release = threading.Event()
        for _ in range(4):
            go(lambda: out.send(blocking(release.wait)))
        wait_blocked(4, "blocking")
        release.set()
        for _ in range(4):
            out.recv()
        set_blocking_workers(1)
        # Three of the four idle threads take their stop signal and end.
        ended = 0
        for t in blocking_threads():
            t.join(0.5)
            ended += not t.is_alive()
        return ended

    previous = set_blocking_workers(4)
    try:
        assert run(main) == 3
    finally:
        set_blocking_workers(previous)


def test_raising_the_bound_starts_the_calls_waiting_for_it() -> None:
    release = threading.Event()

    def main() -> str:
        done = Chan[object](2)
        go(lambda: done.send(blocking(release.wait)))
        wait_blocked(1, "blocking")
        go(lambda: done.send(blocking(lambda: "ran")))  # waits for the one thread
        wait_blocked(2, "blocking")
        set_blocking_workers(2)
        got = str(done.recv())  # while the first call still holds its thread
        release.set()
        done.recv()
        return got

    previous = set_blocking_workers(1)
    try:
        assert run(main) == "ran"
    finally:
        set_blocking_workers(previous)


def test_calls_queued_at_the_bound_still_run_after_it_shrinks() -> None:
    release = threading.Event()

    def wait_then_send(out: Chan[str], name: str) -> None:
        blocking(release.wait)
        out.send(name)

    def main() -> list[str]:
        out = Chan[str](3)
        for name in ("a", "b"):
            go(wait_then_send, out, name)
        wait_blocked(2, "blocking")
        go(lambda: out.send(blocking(lambda: "queued")))
        wait_blocked(3, "blocking")
        set_blocking_workers(1)  # one thread ends after its call; the other takes the queued one
        release.set()
        return sorted(out.recv() for _ in range(3))

    previous = set_blocking_workers(2)
    try:
        assert run(main) == ["a", "b", "queued"]
    finally:
        set_blocking_workers(previous)


@pytest.mark.gochan_leak_check(False)  # run() ends the waiting goroutines
def test_end_of_run_does_not_wait_for_a_call_in_flight() -> None:
    release = threading.Event()
    cleaned = []

    def waiter() -> None:
        try:
            blocking(release.wait)
        finally:
            cleaned.append("waiter")

    def main() -> None:
        go(waiter)
        wait_blocked(1, "blocking")

    run(main)  # returns while the call still runs
    assert cleaned == ["waiter"]
    assert blocking_threads(), "the worker thread is still in its call"
    release.set()  # the call returns; its thread ends (checked by the fixture)


@pytest.mark.gochan_leak_check(False)  # run() ends the waiting goroutines
def test_end_of_run_drops_calls_not_started() -> None:
    release = threading.Event()
    ran: list[object] = []

    def main() -> None:
        go(blocking, release.wait)
        go(blocking, ran.append, "second")  # waits for the only thread
        wait_blocked(2, "blocking")

    previous = set_blocking_workers(1)
    try:
        run(main)
    finally:
        set_blocking_workers(previous)
    release.set()
    join_blocking_threads()
    assert ran == []


@pytest.mark.gochan_leak_check(False)  # run() ends the waiting goroutines
def test_a_late_completion_does_not_leak_into_the_next_program() -> None:
    release = threading.Event()

    def first() -> None:
        go(blocking, release.wait)
        wait_blocked(1, "blocking")

    run(first)
    release.set()
    join_blocking_threads()  # the completion was posted before the thread ended

    def second() -> None:
        assert get_runtime().external_pending == 0
        with pytest.raises(Deadlock):  # seen at once: nothing counts as pending
            Chan[int]().recv()

    run(second)


def test_an_interrupted_caller_drops_the_late_result_and_the_count() -> None:
    release = threading.Event()

    def crash() -> None:
        raise RuntimeError("crash")

    def main() -> None:
        rt = get_runtime()
        go(crash)
        with pytest.raises(GoroutinePanic):
            blocking(release.wait)  # main is interrupted while its call runs
        assert rt.external_pending == 1  # the call is still in flight
        release.set()
        rt.wait_idle(lambda: rt.external_pending == 0)  # its completion arrives
        with pytest.raises(Deadlock):  # and nothing is woken by it
            Chan[int]().recv()

    run(main)


def test_blocking_outside_a_goroutine_is_refused_before_anything_runs() -> None:
    ran: list[object] = []

    def main() -> None:
        rt = get_runtime()
        errors: list[BaseException] = []

        def on_loop() -> None:  # a timer callback runs on the scheduler, not in a goroutine
            try:
                blocking(ran.append, 1)
            except RuntimeError as exc:
                errors.append(exc)

        rt.add_timer(0, on_loop)
        rt.wait_idle(lambda: bool(errors))
        assert "outside a goroutine" in str(errors[0])
        assert rt.external_pending == 0

    run(main)
    assert ran == []


# -- wait_future ------------------------------------------------------------


def test_wait_future_returns_the_result_of_a_done_future_at_once() -> None:
    fut: Future[int] = Future()
    fut.set_result(5)

    def main() -> int:
        return wait_future(fut)

    assert run(main) == 5


def test_wait_future_parks_until_another_thread_completes_it() -> None:
    fut: Future[str] = Future()

    def main() -> str:
        threading.Thread(target=fut.set_result, args=("from a thread",)).start()
        return wait_future(fut)

    assert run(main) == "from a thread"


def test_wait_future_raises_the_futures_exception() -> None:
    def main() -> None:
        with ThreadPoolExecutor(1) as pool:
            fut = pool.submit(int, "not a number")
            with pytest.raises(ValueError, match="invalid literal"):
                wait_future(fut)

    run(main)


def test_wait_future_of_a_cancelled_future_raises_cancelled_error() -> None:
    fut: Future[int] = Future()

    def main() -> None:
        go(fut.cancel)
        with pytest.raises(CancelledError):
            wait_future(fut)

    run(main)


def test_the_goroutine_waiting_on_a_future_is_shown_as_future() -> None:
    fut: Future[int] = Future()

    def main() -> str:
        done = Chan[int]()
        go(lambda: done.send(wait_future(fut)))
        wait_blocked(1, "future")
        dump = stacks()
        fut.set_result(0)
        done.recv()
        return dump

    assert "goroutine 2 [future]:" in run(main)


@pytest.mark.gochan_leak_check(False)  # run() ends the waiting goroutines
def test_an_interrupted_wait_cancels_the_future() -> None:
    fut: Future[int] = Future()

    def main() -> None:
        go(wait_future, fut)
        wait_blocked(1, "future")

    run(main)
    assert fut.cancelled()


def test_a_pending_future_is_not_a_deadlock() -> None:
    def main() -> float:
        with ThreadPoolExecutor(1) as pool:
            return wait_future(pool.submit(nap, 0.02, 1.5))

    assert run(main) == 1.5


# -- future_done --------------------------------------------------------------


def test_future_done_is_closed_once_the_future_is_done() -> None:
    fut: Future[int] = Future()

    def main() -> list[tuple[None, bool]]:
        done = future_done(fut)
        seen = Chan[tuple[None, bool]](2)
        for _ in range(2):  # every receiver sees it, as with ctx.done()
            go(lambda: seen.send(done.recv_ok()))
        wait_blocked(2, "chan receive")
        fut.set_result(1)  # on the runtime's thread: its callback posts all the same
        return [seen.recv(), seen.recv()]

    assert run(main) == [(None, False), (None, False)]


def test_future_done_of_a_done_future_is_closed_at_once() -> None:
    fut: Future[int] = Future()
    fut.set_exception(KeyError("k"))

    def main() -> None:
        assert future_done(fut).recv_ok() == (None, False)
        with pytest.raises(KeyError):
            wait_future(fut)

    run(main)


def test_select_on_a_future_or_a_stop_channel() -> None:
    # The shape of waiting for a future next to ctx.done(): whichever comes first.
    def main() -> list[str]:
        got = []
        fast: Future[str] = Future()
        stop = Chan[None]()
        case = recv(future_done(fast))
        threading.Thread(target=fast.set_result, args=("value",)).start()
        if select(case, recv(stop)) is case:
            got.append(wait_future(fast))

        slow: Future[str] = Future()
        case = recv(future_done(slow))
        go(stop.close)
        if select(case, recv(stop)) is not case:
            slow.cancel()
            got.append("stopped")
        return got

    assert run(main) == ["value", "stopped"]


def test_future_done_counts_as_pending_until_the_future_is_done() -> None:
    def main() -> None:
        rt = get_runtime()
        fut: Future[int] = Future()
        future_done(fut)
        assert rt.external_pending == 1
        fut.cancel()  # done: the callback posts at once
        rt.wait_idle(lambda: rt.external_pending == 0)

    run(main)


def test_select_on_a_future_next_to_a_context_and_a_timer() -> None:
    # API.md's case: stop waiting for a future on cancellation or on timeout,
    # and cancel the future on the way out.
    def wait(fut: Future[int], ctx: context.Context, timeout: float) -> str:
        done = recv(future_done(fut))
        chosen = select(done, recv(ctx.done()), recv(gotime.after(timeout)))
        if chosen is done:
            return f"value {wait_future(fut)}"
        fut.cancel()
        return "cancelled" if chosen.ch is ctx.done() else "timed out"  # type: ignore[attr-defined]

    def main() -> list[str]:
        got = []
        ready: Future[int] = Future()
        ready.set_result(7)
        got.append(wait(ready, context.background(), 10))

        ctx, cancel = context.with_cancel(context.background())
        go(cancel)
        got.append(wait(Future(), ctx, 10))

        never: Future[int] = Future()
        got.append(wait(never, context.background(), 0.01))
        assert never.cancelled()
        return got

    assert run(main) == ["value 7", "cancelled", "timed out"]
