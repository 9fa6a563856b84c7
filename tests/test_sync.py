"""sync: WaitGroup, Mutex, RWMutex, Once, Cond on the scheduler's wait queues."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from types import TracebackType

import pytest

from gochan import Chan, Deadlock, GoroutinePanic, Panic, go, gosched, run, stacks, sync
from gochan.testing import panics, wait_blocked


def locked(lk: sync.Locker, fn: Callable[[], object]) -> Callable[[], None]:
    """A goroutine body: ``fn()`` with ``lk`` held."""

    def body() -> None:
        lk.lock()
        try:
            fn()
        finally:
            lk.unlock()

    return body


# -- WaitGroup ------------------------------------------------------------------


def test_waitgroup_wait_returns_after_every_done() -> None:
    def main() -> list[int]:
        wg = sync.WaitGroup()
        finished: list[int] = []

        def worker(i: int) -> None:
            try:
                for _ in range(i):
                    gosched()
                finished.append(i)
            finally:
                wg.done()

        for i in range(5):
            wg.add(1)
            go(worker, i)
        wg.wait()
        return sorted(finished)

    assert run(main) == [0, 1, 2, 3, 4]


def test_waitgroup_wait_at_zero_returns_at_once() -> None:
    def main() -> list[str]:
        trace: list[str] = []
        go(trace.append, "other")
        sync.WaitGroup().wait()  # does not park, so the other goroutine has not run
        trace.append("main")
        return trace.copy()

    assert run(main) == ["main"]


def test_waitgroup_negative_counter_panics() -> None:
    def main() -> None:
        wg = sync.WaitGroup()
        with panics("sync: negative WaitGroup counter"):
            wg.done()
        wg.add(2)
        with panics("sync: negative WaitGroup counter"):
            wg.add(-3)
        wg.add(-2)  # the counter was left at 2
        wg.wait()

    run(main)


def test_waitgroup_releases_every_waiter_and_is_reusable() -> None:
    def main() -> int:
        wg = sync.WaitGroup()
        released = Chan[int](10)

        def wait_then_send(r: int) -> None:
            wg.wait()
            released.send(r)

        for round_ in range(2):
            wg.add(1)
            for _ in range(3):
                go(wait_then_send, round_)
            wait_blocked(3, "sync.WaitGroup.Wait")
            wg.done()
            assert sorted(released.recv() for _ in range(3)) == [round_] * 3
        return len(released)

    assert run(main) == 0


def test_waitgroup_reused_before_wait_returned_panics_in_the_waiter() -> None:
    # T1: A parks in wg.wait(); T2 (main): done() releases A at zero, then
    # add(1) starts a new round before A runs again; T1: A's wait() panics.
    def main() -> str:
        wg = sync.WaitGroup()
        got = Chan[str](1)

        def waiter() -> None:
            with panics("sync: WaitGroup is reused before previous Wait has returned"):
                wg.wait()
            got.send("panicked")

        wg.add(1)
        go(waiter)
        wait_blocked(1, "sync.WaitGroup.Wait")
        wg.done()
        wg.add(1)  # no switch point since done(): A has not run
        result = got.recv()
        wg.done()
        wg.wait()  # the group itself is still usable
        return result

    assert run(main) == "panicked"


def test_waitgroup_reused_by_a_released_waiter_panics_in_the_others() -> None:
    # W0, W1, W2 are released at zero in arrival order; W0 runs first and
    # starts a new round at once, before W1 and W2 have returned from wait().
    def main() -> list[str]:
        wg = sync.WaitGroup()
        got = Chan[str](3)

        def first() -> None:
            wg.wait()
            wg.add(1)
            got.send("W0 returned")

        def other(name: str) -> None:
            try:
                wg.wait()
            except Panic as exc:
                got.send(f"{name}: {exc}")
            else:
                got.send(f"{name} returned")

        wg.add(1)
        go(first)
        wait_blocked(1, "sync.WaitGroup.Wait")
        go(other, "W1")
        go(other, "W2")
        wait_blocked(3, "sync.WaitGroup.Wait")
        wg.done()
        trace = [got.recv() for _ in range(3)]
        wg.done()
        return trace

    reused = "sync: WaitGroup is reused before previous Wait has returned"
    assert run(main) == ["W0 returned", f"W1: {reused}", f"W2: {reused}"]


def test_waitgroup_waiters_released_at_zero_run_before_other_runnable_goroutines() -> None:
    # As Go readies them (into its runnext slot): a goroutine made runnable
    # before the counter reaches zero runs after the released waiters.
    def main() -> list[str]:
        wg = sync.WaitGroup()
        trace: list[str] = []

        def waiter(name: str) -> None:
            wg.wait()
            trace.append(name)

        wg.add(1)
        go(waiter, "W1")
        go(waiter, "W2")
        wait_blocked(2, "sync.WaitGroup.Wait")
        go(trace.append, "runnable before")
        wg.done()
        gosched()
        return trace

    assert run(main) == ["W1", "W2", "runnable before"]


def test_waitgroup_new_round_after_every_wait_returned_does_not_panic() -> None:
    # Several waiters released at zero all return, as nobody adds before they
    # run; the next round's add() comes after every wait() has returned, and
    # the same goroutines wait again.
    def main() -> list[int]:
        wg = sync.WaitGroup()
        start = Chan[int]()
        returned = Chan[int](3)
        rounds = 3

        def waiter() -> None:
            for r in start:
                wg.wait()
                returned.send(r)

        wg.add(1)
        for _ in range(3):
            go(waiter)
        trace: list[int] = []
        for r in range(rounds):
            if r:
                wg.add(1)  # every wait() of the last round has returned
            for _ in range(3):
                start.send(r)
            wait_blocked(3, "sync.WaitGroup.Wait")
            wg.done()
            trace.extend(returned.recv() for _ in range(3))
        start.close()
        wg.wait()  # at zero: returns at once
        return trace

    assert run(main) == [0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_waitgroup_go_counts_the_goroutine_and_passes_arguments() -> None:
    def main() -> list[tuple[int, str]]:
        wg = sync.WaitGroup()
        got: list[tuple[int, str]] = []

        def work(n: int, *, tag: str) -> None:
            gosched()
            got.append((n, tag))

        for n in range(3):
            wg.go(work, n, tag="t")
        wg.wait()
        return sorted(got)

    assert run(main) == [(0, "t"), (1, "t"), (2, "t")]


def test_waitgroup_go_names_the_function_and_the_call_site() -> None:
    def blocked_worker(ch: Chan[int]) -> None:
        ch.recv()

    def main() -> str:
        wg = sync.WaitGroup()
        ch = Chan[int]()
        wg.go(blocked_worker, ch)
        wait_blocked(1, "chan receive")
        dump = stacks()
        ch.send(1)
        wg.wait()
        return dump

    dump = run(main)
    assert "in blocked_worker" in dump
    assert "created by test_waitgroup_go_names_the_function_and_the_call_site.<locals>.main" in dump


def test_waitgroup_go_calls_done_when_fn_raises() -> None:
    def main() -> None:
        wg = sync.WaitGroup()

        def fail() -> None:
            raise ValueError("x")

        wg.go(fail)
        try:
            wg.wait()
        except GoroutinePanic:
            assert repr(wg).startswith("<WaitGroup count=0")
            raise

    with pytest.raises(GoroutinePanic):
        run(main)


def test_waitgroup_wait_shows_in_the_deadlock_dump() -> None:
    def main() -> None:
        wg = sync.WaitGroup()
        wg.add(1)
        wg.wait()

    with pytest.raises(Deadlock, match=r"goroutine 1 \[sync\.WaitGroup\.Wait\]"):
        run(main)


# -- Mutex ------------------------------------------------------------------------


def test_mutex_excludes() -> None:
    def main() -> int:
        mu = sync.Mutex()
        wg = sync.WaitGroup()
        counter = 0

        def incr() -> None:
            nonlocal counter
            for _ in range(20):
                with mu:
                    v = counter
                    gosched()  # others run here, but cannot enter
                    counter = v + 1

        for _ in range(5):
            wg.go(incr)
        wg.wait()
        return counter

    assert run(main) == 100


def test_mutex_unlock_of_unlocked_panics() -> None:
    def main() -> None:
        mu = sync.Mutex()
        with panics("sync: unlock of unlocked mutex"):
            mu.unlock()
        mu.lock()
        mu.unlock()
        with panics("sync: unlock of unlocked mutex"):
            mu.unlock()

    run(main)


def test_mutex_try_lock() -> None:
    def main() -> None:
        mu = sync.Mutex()
        assert mu.try_lock() is True
        assert mu.try_lock() is False
        mu.unlock()
        assert mu.try_lock() is True
        mu.unlock()

    run(main)


def test_mutex_waiters_get_it_in_arrival_order() -> None:
    def main() -> list[int]:
        mu = sync.Mutex()
        wg = sync.WaitGroup()
        order: list[int] = []

        def waiter(i: int) -> None:
            with mu:
                order.append(i)

        mu.lock()
        for i in range(5):
            wg.go(waiter, i)
            wait_blocked(i + 1, "sync.Mutex.Lock")
        mu.unlock()
        wg.wait()
        return order

    assert run(main) == [0, 1, 2, 3, 4]


def test_mutex_unlock_hands_off_so_the_holder_cannot_barge() -> None:
    def main() -> None:
        mu = sync.Mutex()
        got = Chan[str](1)
        mu.lock()
        go(locked(mu, lambda: got.send("waiter")))
        wait_blocked(1, "sync.Mutex.Lock")
        mu.unlock()
        # Re-locking at once, without yielding, must not take it from the waiter.
        assert mu.try_lock() is False
        assert got.recv() == "waiter"
        with mu:
            pass

    run(main)


def test_mutex_granted_to_an_interrupted_waiter_is_passed_on() -> None:
    # T1: main parks in mu.lock(); T2 (holder): unlock() hands mu to main,
    # then raises, so the crash interrupts main before it returns from lock():
    # main must not keep a lock it never got to use.
    def main() -> bool:
        mu = sync.Mutex()
        mu.lock()

        def holder() -> None:
            mu.unlock()
            raise ValueError("crash")

        go(holder)
        try:
            mu.lock()
        except GoroutinePanic:
            return mu.try_lock()
        raise AssertionError("the crash did not reach main")

    assert run(main) is True


def test_mutex_lock_shows_in_stacks() -> None:
    def main() -> str:
        mu = sync.Mutex()
        mu.lock()
        go(locked(mu, lambda: None))
        wait_blocked(1)
        dump = stacks()
        mu.unlock()
        wait_blocked(0)
        return dump

    assert "goroutine 2 [sync.Mutex.Lock]:" in run(main)


# -- RWMutex ----------------------------------------------------------------------


def test_rwmutex_readers_share() -> None:
    def main() -> None:
        rw = sync.RWMutex()
        release = Chan[None]()
        wg = sync.WaitGroup()

        def reader() -> None:
            rw.rlock()
            release.recv()
            rw.runlock()

        for _ in range(3):
            wg.go(reader)
        wait_blocked(3, "chan receive")  # all three hold the read lock at once
        assert rw.try_lock() is False
        release.close()
        wg.wait()
        assert rw.try_lock() is True
        rw.unlock()

    run(main)


def test_rwmutex_writer_excludes_readers_and_writers() -> None:
    def main() -> list[str]:
        rw = sync.RWMutex()
        trace: list[str] = []
        wg = sync.WaitGroup()
        rw.lock()
        wg.go(locked(rw.rlocker(), lambda: trace.append("reader")))
        wg.go(locked(rw, lambda: trace.append("writer")))
        wait_blocked(1, "sync.RWMutex.RLock")
        wait_blocked(1, "sync.RWMutex.Lock")
        assert rw.try_rlock() is False
        trace.append("main")
        rw.unlock()
        wg.wait()
        return trace

    assert run(main) == ["main", "reader", "writer"]


def test_rwmutex_waiting_writer_blocks_new_readers() -> None:
    # R1 holds a read lock; W waits for the write lock; R2 arrives and must
    # queue behind W (Go's rule), else a stream of readers starves W.
    def main() -> list[str]:
        rw = sync.RWMutex()
        trace: list[str] = []
        wg = sync.WaitGroup()
        rw.rlock()  # R1 is main
        wg.go(locked(rw, lambda: trace.append("W")))
        wait_blocked(1, "sync.RWMutex.Lock")
        assert rw.try_rlock() is False
        wg.go(locked(rw.rlocker(), lambda: trace.append("R2")))
        wait_blocked(1, "sync.RWMutex.RLock")
        trace.append("R1 out")
        rw.runlock()
        wg.wait()
        return trace

    assert run(main) == ["R1 out", "W", "R2"]


def test_rwmutex_readers_queued_during_a_write_go_before_the_next_writer() -> None:
    def main() -> list[str]:
        rw = sync.RWMutex()
        trace: list[str] = []
        wg = sync.WaitGroup()

        def reader(name: str) -> None:
            rw.rlock()
            trace.append(name)
            gosched()
            rw.runlock()

        rw.lock()
        wg.go(reader, "R1")
        wg.go(reader, "R2")
        wait_blocked(2, "sync.RWMutex.RLock")
        wg.go(locked(rw, lambda: trace.append("W2")))
        wait_blocked(1, "sync.RWMutex.Lock")
        rw.unlock()
        wg.wait()
        return trace

    assert run(main) == ["R1", "R2", "W2"]


def test_rwmutex_unlock_panics() -> None:
    def main() -> None:
        rw = sync.RWMutex()
        with panics("sync: Unlock of unlocked RWMutex"):
            rw.unlock()
        with panics("sync: RUnlock of unlocked RWMutex"):
            rw.runlock()
        rw.rlock()
        with panics("sync: Unlock of unlocked RWMutex"):
            rw.unlock()
        rw.runlock()

    run(main)


def test_rwmutex_context_manager_is_the_write_lock() -> None:
    def main() -> None:
        rw = sync.RWMutex()
        with rw:
            assert rw.try_rlock() is False
            assert rw.try_lock() is False
        assert rw.try_rlock() is True
        rw.runlock()

    run(main)


def test_rlocker_is_a_locker_for_cond() -> None:
    def main() -> None:
        rw = sync.RWMutex()
        cond = sync.Cond(rw.rlocker())
        ready = False

        def waiter() -> None:
            cond.l.lock()
            while not ready:
                cond.wait()
            cond.l.unlock()

        wg = sync.WaitGroup()
        wg.go(waiter)
        wait_blocked(1, "sync.Cond.Wait")
        assert rw.try_lock() is True  # the waiter released its read lock
        ready = True
        rw.unlock()
        cond.signal()
        wg.wait()

    run(main)


# -- Once -------------------------------------------------------------------------


def test_once_runs_fn_once() -> None:
    def main() -> list[int]:
        once = sync.Once()
        calls: list[int] = []
        for i in range(3):
            once.do(functools.partial(calls.append, i))
        return calls

    assert run(main) == [0]


def test_once_fn_that_raised_counts_as_done() -> None:
    def main() -> int:
        once = sync.Once()
        calls = 0

        def fn() -> None:
            nonlocal calls
            calls += 1
            raise ValueError("first")

        with pytest.raises(ValueError, match="first"):
            once.do(fn)
        once.do(fn)
        return calls

    assert run(main) == 1


def test_once_concurrent_callers_wait_for_the_first_fn() -> None:
    def main() -> list[str]:
        once = sync.Once()
        gate = Chan[None]()
        trace: list[str] = []
        wg = sync.WaitGroup()

        def slow_init() -> None:
            gate.recv()
            trace.append("init")

        wg.go(once.do, slow_init)
        wait_blocked(1, "chan receive")

        def second() -> None:
            once.do(lambda: trace.append("second init"))
            trace.append("second")

        wg.go(second)
        wait_blocked(1, "sync.Mutex.Lock")
        gate.send(None)
        wg.wait()
        return trace

    assert run(main) == ["init", "second"]


def test_once_func_calls_f_once_and_callers_meanwhile_wait_for_it() -> None:
    # T1: g1 calls init(), whose f blocks on gate; g2 calls init() and waits.
    # T2: main opens the gate: f returns, then both calls return, f ran once.
    def main() -> list[str]:
        gate = Chan[None]()
        trace: list[str] = []

        def f() -> None:
            trace.append("f starts")
            gate.recv()
            trace.append("f returns")

        init = sync.once_func(f)

        def caller(name: str) -> None:
            init()
            trace.append(f"{name} returns")

        wg = sync.WaitGroup()
        wg.go(caller, "g1")
        wg.go(caller, "g2")
        wait_blocked(2)
        gate.close()
        wg.wait()
        init()
        return trace

    assert run(main) == ["f starts", "f returns", "g1 returns", "g2 returns"]


def test_once_value_returns_the_first_result_every_time() -> None:
    calls: list[int] = []

    def load() -> dict[str, int]:
        calls.append(1)
        return {"port": 8080}

    config = sync.once_value(load)
    results = run(lambda: [config(), config(), config()])
    assert results == [{"port": 8080}] * 3
    assert results[0] is results[2]
    assert calls == [1]


def test_once_values_returns_the_pair() -> None:
    def parse() -> tuple[int, Exception | None]:
        return 42, None

    get = sync.once_values(parse)
    value, err = run(get)
    assert (value, err) == (42, None)
    assert get() == (42, None)


def test_once_value_raises_the_same_exception_on_every_call() -> None:
    # Go: "If f panics, the returned function will panic with the same value
    # on every call."  Each raise carries f's frames, not those of the raises
    # before it.
    calls: list[int] = []

    def broken() -> int:
        calls.append(1)
        raise ValueError("bad config")

    get = sync.once_value(broken)
    raised = []
    for _ in range(3):
        with pytest.raises(ValueError, match="bad config") as info:
            get()
        raised.append(info.value)
        frames = [tb.tb_frame.f_code.co_name for tb in _tracebacks(info.value.__traceback__)]
        assert frames.count("broken") == 1, frames
        assert frames.count("__call__") == 1, frames
    assert raised[0] is raised[1] is raised[2]
    assert calls == [1]


def _tracebacks(tb: TracebackType | None) -> Iterator[TracebackType]:
    while tb is not None:
        yield tb
        tb = tb.tb_next


@pytest.mark.gochan_leak_check(False)
def test_once_value_interrupted_by_the_end_of_run_runs_f_again_next_time() -> None:
    # A GoroutineExit (run() ending the goroutine inside f) is no result of f:
    # kept, it would end every later caller, in later programs too.
    calls: list[int] = []

    def f() -> str:
        calls.append(1)
        if len(calls) == 1:
            Chan[None]().recv()  # parked until run() ends it
        return "value"

    get = sync.once_value(f)

    def first() -> None:
        go(get)
        wait_blocked(1, "chan receive")

    run(first)
    assert run(get) == "value"
    assert calls == [1, 1]


# -- Cond -------------------------------------------------------------------------


def test_cond_signal_wakes_in_arrival_order() -> None:
    def main() -> list[int]:
        mu = sync.Mutex()
        cond = sync.Cond(mu)
        assert cond.l is mu
        woke: list[int] = []
        wg = sync.WaitGroup()

        def waiter(i: int) -> None:
            with mu:
                cond.wait()
                woke.append(i)

        for i in range(4):
            wg.go(waiter, i)
            wait_blocked(i + 1, "sync.Cond.Wait")
        for _ in range(4):
            cond.signal()
            gosched()
        wg.wait()
        return woke

    assert run(main) == [0, 1, 2, 3]


def test_cond_broadcast_wakes_everyone() -> None:
    def main() -> int:
        mu = sync.Mutex()
        cond = sync.Cond(mu)
        wg = sync.WaitGroup()
        woke = 0

        def waiter() -> None:
            nonlocal woke
            with mu:
                cond.wait()
                woke += 1

        for _ in range(5):
            wg.go(waiter)
        wait_blocked(5, "sync.Cond.Wait")
        cond.signal()  # one
        with mu:
            cond.broadcast()  # the four others
        wg.wait()
        return woke

    assert run(main) == 5


def test_cond_wait_releases_and_retakes_the_lock() -> None:
    def main() -> None:
        mu = sync.Mutex()
        cond = sync.Cond(mu)
        holding = Chan[bool]()

        def waiter() -> None:
            mu.lock()
            cond.wait()
            holding.send(mu.try_lock())  # False: it holds the lock again
            mu.unlock()

        go(waiter)
        wait_blocked(1, "sync.Cond.Wait")
        assert mu.try_lock() is True  # released while waiting
        cond.signal()
        gosched()
        mu.unlock()  # the woken waiter takes it back
        assert holding.recv() is False
        wait_blocked(0)

    run(main)


def test_signal_and_broadcast_without_waiters_do_nothing() -> None:
    def main() -> None:
        cond = sync.Cond(sync.Mutex())
        cond.signal()
        cond.broadcast()

    run(main)


def test_cond_wait_shows_in_the_deadlock_dump() -> None:
    def main() -> None:
        mu = sync.Mutex()
        with mu:
            sync.Cond(mu).wait()

    with pytest.raises(Deadlock, match=r"goroutine 1 \[sync\.Cond\.Wait\]"):
        run(main)


def test_cond_wait_without_the_lock_panics_and_leaves_no_waiter_behind() -> None:
    # The panic comes from l.unlock(); a waiter left queued would be readied
    # by the next signal() while running, and switched to twice.
    def main() -> int:
        cond = sync.Cond(sync.Mutex())
        with panics("sync: unlock of unlocked mutex"):
            cond.wait()
        cond.signal()  # nobody waits: does nothing
        ch = Chan[int]()
        go(ch.send, 1)
        return ch.recv()

    assert run(main) == 1


def test_cond_l_is_held_with_with() -> None:
    def main() -> list[bool]:
        mu = sync.Mutex()
        cond = sync.Cond(mu)
        with cond.l:
            free_inside = mu.try_lock()
        return [free_inside, mu.try_lock()]

    assert run(main) == [False, True]
