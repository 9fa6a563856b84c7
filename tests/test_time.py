"""time: sleep, after, tick, Timer, Ticker, after_func on the scheduler's timers.

Most tests run on a virtual clock that jumps to the next timer whenever the
loop would sleep, so they check exact times and take no real time; the
few on the real clock use tolerances of tens of milliseconds.
"""

from __future__ import annotations

import gc
import re
import threading
import time as pytime
from collections.abc import Callable, Iterator
from fractions import Fraction

import pytest

from gochan import (
    Chan,
    Deadlock,
    GoroutinePanic,
    RecvChan,
    blocking,
    default,
    go,
    recv,
    run,
    select,
    stacks,
    sync,
    time,
)
from gochan._core import get_runtime
from gochan.testing import VirtualClock, wait_blocked

NAN = float("nan")
INF = float("inf")

T0 = 1000.0


@pytest.fixture
def clock() -> Iterator[VirtualClock]:
    with VirtualClock(T0) as c:
        yield c


def recv_now(ch: RecvChan[float] | None) -> float | None:
    """What ``ch`` holds right now, without blocking; None if nothing."""
    case = recv(ch)
    if select(case, default) is case:
        return case.value
    return None


# -- constants ----------------------------------------------------------------


def test_duration_constants_are_seconds() -> None:
    assert 500 * time.Millisecond == 0.5
    assert time.Second == 1.0
    assert time.Minute == 60 * time.Second
    assert time.Hour == 60 * time.Minute
    assert 1000 * time.Microsecond == pytest.approx(time.Millisecond)
    assert 1000 * time.Nanosecond == pytest.approx(time.Microsecond)


# -- sleep --------------------------------------------------------------------


def test_sleep_takes_its_duration_on_the_real_clock() -> None:
    def main() -> float:
        start = pytime.monotonic()
        time.sleep(50 * time.Millisecond)
        return pytime.monotonic() - start

    assert 0.05 <= run(main) < 0.05 + 0.04


def test_sleep_does_not_busy_wait() -> None:
    def main() -> float:
        cpu = pytime.process_time()
        time.sleep(200 * time.Millisecond)
        return pytime.process_time() - cpu

    assert run(main) < 0.05


def test_sleep_advances_by_exactly_d_on_the_injected_clock(clock: VirtualClock) -> None:
    def main() -> None:
        time.sleep(2.5)
        assert clock.now() == T0 + 2.5

    run(main)


def test_sleep_zero_or_negative_returns_without_yielding(clock: VirtualClock) -> None:
    def main() -> list[str]:
        trace: list[str] = []
        go(trace.append, "other")
        time.sleep(0)
        time.sleep(-1)
        trace.append("main")
        return trace.copy()

    assert run(main) == ["main"]


def test_sleepers_wake_in_deadline_order(clock: VirtualClock) -> None:
    def main() -> list[tuple[int, float]]:
        woke = Chan[tuple[int, float]](5)

        def sleeper(n: int) -> None:
            time.sleep(n)
            woke.send((n, clock.now()))

        for n in (3, 1, 5, 2, 4):
            go(sleeper, n)
        return [woke.recv() for _ in range(5)]

    assert run(main) == [(n, T0 + n) for n in range(1, 6)]


def test_a_goroutine_asleep_is_not_a_deadlock(clock: VirtualClock) -> None:
    def main() -> int:
        ch = Chan[int]()

        def late() -> None:
            time.sleep(10)
            ch.send(1)

        go(late)
        return ch.recv()

    assert run(main) == 1


def test_sleep_shows_in_stacks(clock: VirtualClock) -> None:
    def main() -> str:
        wg = sync.WaitGroup()
        wg.go(time.sleep, time.Hour)
        wait_blocked(1, "sleep")
        dump = stacks()
        wg.wait()
        return dump

    assert "goroutine 2 [sleep]:" in run(main)


def test_interrupted_sleep_takes_its_timer_out() -> None:
    def main() -> int:
        def crash() -> None:
            raise ValueError("boom")

        go(crash)
        try:
            time.sleep(time.Hour)
        except GoroutinePanic:
            return len(get_runtime().timers)
        raise AssertionError("the crash did not reach main")

    assert run(main) == 0


# -- after, Timer -------------------------------------------------------------


def test_after_delivers_the_time_it_fired(clock: VirtualClock) -> None:
    def main() -> float:
        return time.after(0.25).recv()

    v = run(main)
    assert isinstance(v, float)
    assert v == T0 + 0.25


def test_after_on_the_real_clock_within_tolerance() -> None:
    def main() -> tuple[float, float]:
        start = pytime.monotonic()
        fired = time.after(30 * time.Millisecond).recv()
        return fired - start, pytime.monotonic() - start

    fired, waited = run(main)
    assert 0.03 <= fired <= waited < 0.03 + 0.04


def test_timer_channel_looks_unbuffered_but_keeps_the_fired_value(clock: VirtualClock) -> None:
    def main() -> None:
        t = time.new_timer(1)
        assert (len(t.c), t.c.cap) == (0, 0)
        time.sleep(5)  # the timer fires at T0+1 with nobody receiving
        assert (len(t.c), t.c.cap) == (0, 0)
        assert t.c.recv() == T0 + 1  # the time it fired, not the time it was received

    run(main)


def test_zero_and_negative_durations_fire_at_once(clock: VirtualClock) -> None:
    def main() -> list[float]:
        return [time.new_timer(0).c.recv(), time.after(-5).recv()]

    assert run(main) == [T0, T0]


def test_timer_stop_before_it_fires(clock: VirtualClock) -> None:
    def main() -> None:
        t = time.new_timer(1)
        assert t.stop() is True
        assert t.stop() is False
        time.sleep(5)
        assert recv_now(t.c) is None
        assert len(get_runtime().timers) == 0

    run(main)


def test_timer_stop_after_fired_but_unreceived_discards_the_value(clock: VirtualClock) -> None:
    # T1 creates a 1 s timer and sleeps 2 s; at 1 s the loop fires it (the
    # value waits in c); T1 wakes and stops it: no stale value may remain.
    def main() -> None:
        t = time.new_timer(1)
        time.sleep(2)
        assert t.stop() is True
        assert recv_now(t.c) is None

    run(main)


def test_timer_stop_after_receive_returns_false(clock: VirtualClock) -> None:
    def main() -> None:
        t = time.new_timer(1)
        t.c.recv()
        assert t.stop() is False

    run(main)


def test_timer_reset_while_running_moves_the_single_firing(clock: VirtualClock) -> None:
    def main() -> None:
        t = time.new_timer(1)
        assert t.reset(3) is True
        assert t.c.recv() == T0 + 3
        time.sleep(10)
        assert recv_now(t.c) is None  # it fired once

    run(main)


def test_timer_reset_after_fired_unreceived_drops_the_stale_value(clock: VirtualClock) -> None:
    def main() -> None:
        t = time.new_timer(1)
        time.sleep(2)  # fired at T0+1, unreceived
        assert t.reset(1) is True
        assert recv_now(t.c) is None
        assert t.c.recv() == T0 + 3

    run(main)


def test_timer_reset_after_stop_rearms(clock: VirtualClock) -> None:
    def main() -> None:
        t = time.new_timer(1)
        t.stop()
        assert t.reset(2) is False
        assert t.c.recv() == T0 + 2

    run(main)


def test_timer_fires_into_a_parked_select(clock: VirtualClock) -> None:
    def main() -> float:
        t = time.new_timer(1)
        never = Chan[int]()
        fired = recv(t.c)
        assert select(recv(never), fired) is fired
        return fired.value

    assert run(main) == T0 + 1


def test_stop_racing_a_firing_into_a_parked_receiver(clock: VirtualClock) -> None:
    # T1 parks on t.c; the loop fires t at T0+1 and hands the value straight
    # to T1 (T1 is runnable now); main, woken at the same instant, stops t:
    # the value already belongs to T1, so stop() reports False and T1 gets it.
    def main() -> tuple[bool, float]:
        t = time.new_timer(1)
        got = Chan[float](1)
        go(lambda: got.send(t.c.recv()))
        time.sleep(1)  # due at the same time, after t
        return t.stop(), got.recv()

    assert run(main) == (False, T0 + 1)


def test_unreferenced_timers_cost_nothing() -> None:
    def main() -> int:
        for _ in range(100):
            time.after(time.Hour)
        time.new_timer(time.Hour)
        time.new_ticker(time.Second)
        gc.collect()
        return len(get_runtime().timers)

    assert run(main) == 0


def test_a_stopped_timer_leaves_the_heap() -> None:
    def main() -> int:
        timers = [time.new_timer(time.Hour) for _ in range(100)]
        for t in timers:
            t.stop()
        return len(get_runtime().timers)

    assert run(main) == 0


# -- Ticker, tick -------------------------------------------------------------


def test_ticker_ticks_every_period(clock: VirtualClock) -> None:
    def main() -> list[float]:
        tk = time.new_ticker(0.5)
        ticks = [tk.c.recv() for _ in range(4)]
        tk.stop()
        return ticks

    assert run(main) == [T0 + 0.5, T0 + 1.0, T0 + 1.5, T0 + 2.0]


def test_ticker_drops_ticks_for_a_slow_receiver(clock: VirtualClock) -> None:
    def main() -> list[float]:
        tk = time.new_ticker(1)
        time.sleep(5.5)  # ticks at 1..5: the first waits, the others are dropped
        ticks = [tk.c.recv(), tk.c.recv()]
        tk.stop()
        return ticks

    assert run(main) == [T0 + 1, T0 + 6]


def test_ticker_skips_ticks_missed_while_the_loop_was_late(clock: VirtualClock) -> None:
    def main() -> list[float]:
        tk = time.new_ticker(1)

        def hog() -> None:
            clock.advance(3.5)  # a goroutine holds the loop for 3.5 s without yielding

        go(hog)
        ticks = [tk.c.recv(), tk.c.recv()]
        tk.stop()
        return ticks

    # The loop sees the tick due at T0+1 only at T0+3.5; the next is at T0+4.
    assert run(main) == [T0 + 3.5, T0 + 4]


def test_ticker_stop_discards_a_waiting_tick(clock: VirtualClock) -> None:
    def main() -> None:
        tk = time.new_ticker(1)
        time.sleep(1.5)
        tk.stop()
        time.sleep(10)
        assert recv_now(tk.c) is None
        assert len(get_runtime().timers) == 0

    run(main)


def test_ticker_reset_changes_the_period(clock: VirtualClock) -> None:
    def main() -> list[float]:
        tk = time.new_ticker(1)
        time.sleep(0.5)
        tk.reset(2)
        ticks = [tk.c.recv(), tk.c.recv()]
        tk.stop()
        return ticks

    assert run(main) == [T0 + 2.5, T0 + 4.5]


def test_ticker_rejects_non_positive_intervals() -> None:
    with pytest.raises(ValueError, match=r"^non-positive interval for NewTicker$"):
        time.new_ticker(0)
    with pytest.raises(ValueError, match=r"^non-positive interval for NewTicker$"):
        time.Ticker(-1)

    def main() -> None:
        tk = time.new_ticker(1)
        with pytest.raises(ValueError, match=r"^non-positive interval for Ticker\.Reset$"):
            tk.reset(0)
        tk.stop()

    run(main)


def test_tick(clock: VirtualClock) -> None:
    def main() -> list[float]:
        ch = time.tick(2)
        return [ch.recv(), ch.recv()]

    assert run(main) == [T0 + 2, T0 + 4]


# -- after_func -----------------------------------------------------------------


def test_after_func_runs_fn_in_its_own_goroutine(clock: VirtualClock) -> None:
    def main() -> tuple[float, str]:
        ch = Chan[tuple[float, str]]()
        time.after_func(1, lambda: ch.send((clock.now(), "ran")))  # blocks: needs a goroutine
        return ch.recv()

    assert run(main) == (T0 + 1, "ran")


def test_after_func_stop_and_reset(clock: VirtualClock) -> None:
    def main() -> list[float]:
        ran: list[float] = []
        t = time.after_func(1, lambda: ran.append(clock.now()))
        assert t.stop() is True
        time.sleep(2)
        assert ran == []
        assert t.reset(1) is False
        time.sleep(2)
        assert t.stop() is False  # it ran already
        assert t.reset(1) is False
        time.sleep(2)
        return ran

    assert run(main) == [T0 + 3, T0 + 5]


def test_after_func_runs_even_if_the_timer_is_dropped(clock: VirtualClock) -> None:
    def main() -> str:
        ch = Chan[str](1)
        time.after_func(1, lambda: ch.send("ran"))
        gc.collect()
        return ch.recv()

    assert run(main) == "ran"


def test_after_func_exception_crashes_the_program(clock: VirtualClock) -> None:
    def boom() -> None:
        raise KeyError("late")

    def main() -> None:
        time.after_func(1, boom)
        time.sleep(5)

    with pytest.raises(GoroutinePanic) as info:
        run(main)
    assert isinstance(info.value.__cause__, KeyError)


# -- durations are checked where they are given ---------------------------------

# Every function of gochan.time that takes a duration (or a time), with the
# name and argument its errors give.
DURATION_TAKERS: list[tuple[str, str, Callable[[object], object]]] = [
    ("sleep", "d", lambda d: time.sleep(d)),  # type: ignore[arg-type]
    ("new_timer", "d", lambda d: time.new_timer(d)),  # type: ignore[arg-type]
    ("new_timer", "d", lambda d: time.Timer(d)),  # type: ignore[arg-type]
    ("after", "d", lambda d: time.after(d)),  # type: ignore[arg-type]
    ("new_ticker", "d", lambda d: time.new_ticker(d)),  # type: ignore[arg-type]
    ("new_ticker", "d", lambda d: time.Ticker(d)),  # type: ignore[arg-type]
    ("tick", "d", lambda d: time.tick(d)),  # type: ignore[arg-type]
    ("after_func", "d", lambda d: time.after_func(d, lambda: None)),  # type: ignore[arg-type]
    ("Timer.reset", "d", lambda d: time.new_timer(1).reset(d)),  # type: ignore[arg-type]
    ("Ticker.reset", "d", lambda d: time.new_ticker(1).reset(d)),  # type: ignore[arg-type]
    ("since", "t", lambda t: time.since(t)),  # type: ignore[arg-type]
    ("until", "t", lambda t: time.until(t)),  # type: ignore[arg-type]
]


@pytest.mark.timeout(10)  # before the check, sleep(nan) hung at 100% CPU
@pytest.mark.parametrize(("func", "arg", "call"), DURATION_TAKERS)
def test_nan_is_a_value_error_at_the_call(
    func: str, arg: str, call: Callable[[object], object]
) -> None:
    def main() -> None:
        with pytest.raises(ValueError, match=rf"^{re.escape(func)}\(\) argument '{arg}' is NaN"):
            call(NAN)
        assert len(get_runtime().timers) <= 1  # only the timer a reset() was called on

    run(main)


@pytest.mark.parametrize("value", [None, "1", True, [1], 1j])
@pytest.mark.parametrize(("func", "arg", "call"), DURATION_TAKERS)
def test_a_non_number_is_a_type_error_naming_the_argument(
    func: str, arg: str, call: Callable[[object], object], value: object
) -> None:
    expected = (
        rf"^{re.escape(func)}\(\) argument '{arg}' must be a number of seconds "
        rf"\(int or float\), not {type(value).__name__}$"
    )

    def main() -> None:
        with pytest.raises(TypeError, match=expected):
            call(value)

    run(main)


def test_any_real_number_is_a_duration(clock: VirtualClock) -> None:
    def main() -> float:
        time.sleep(Fraction(1, 4))  # type: ignore[arg-type]
        time.sleep(1)
        return time.now()

    assert run(main) == T0 + 1.25


def test_nan_never_reaches_the_heap_to_stop_the_other_timers(clock: VirtualClock) -> None:
    def main() -> float:
        t = time.new_timer(1)
        with pytest.raises(ValueError, match="NaN"):
            t.reset(NAN)
        return t.c.recv()

    assert run(main) == T0 + 1


# -- infinite and huge durations mean never ------------------------------------------


@pytest.mark.parametrize("d", [INF, 1e10, 10**400])
def test_sleeping_forever_alone_is_a_deadlock_not_an_overflow(d: float) -> None:
    with pytest.raises(Deadlock) as info:
        run(time.sleep, d)
    assert "goroutine 1 [sleep]:" in str(info.value)


def test_sleeping_forever_is_a_deadlock_on_the_virtual_clock_too(clock: VirtualClock) -> None:
    with pytest.raises(Deadlock):
        run(time.sleep, INF)
    assert clock.now() == T0  # time did not jump to infinity


def test_a_timer_that_never_fires_is_not_work_pending() -> None:
    def main() -> None:
        timer, ticker = time.new_timer(INF), time.new_ticker(1e12)
        after = time.after(10**400)
        assert len(get_runtime().timers) == 0
        go(time.sleep, INF)
        Chan[int]().recv()  # nothing can ever send: a deadlock, pending timers or not
        del timer, ticker, after

    with pytest.raises(Deadlock) as info:
        run(main)
    assert "[sleep]" in str(info.value)


def test_a_never_firing_timer_can_be_stopped_and_reset(clock: VirtualClock) -> None:
    def main() -> float:
        t = time.new_timer(INF)
        assert t.stop() is True  # it was pending
        assert t.stop() is False
        assert t.reset(INF) is False
        assert t.reset(1) is True
        return t.c.recv()

    assert run(main) == T0 + 1


def test_durations_within_gos_longest_still_fire(clock: VirtualClock) -> None:
    def main() -> float:
        time.sleep(1e9)  # 31 years: the virtual clock jumps there
        return time.now()

    assert run(main) == T0 + 1e9


def test_minus_infinity_fires_at_once(clock: VirtualClock) -> None:
    def main() -> float:
        time.sleep(-INF)
        return time.new_timer(-INF).c.recv()

    assert run(main) == T0


# -- now, since, until --------------------------------------------------------------


def test_now_since_and_until_follow_the_virtual_clock(clock: VirtualClock) -> None:
    def main() -> tuple[float, float, float, float]:
        start = time.now()
        time.sleep(2)
        return start, time.now(), time.since(start), time.until(start + 5)

    assert run(main) == (T0, T0 + 2, 2, 3)


def test_now_is_the_monotonic_clock() -> None:
    before = pytime.monotonic()
    now = time.now()
    assert before <= now <= pytime.monotonic()
    assert time.since(now) >= 0
    assert time.until(now) <= 0


# -- stop and reset from another thread ----------------------------------------------


def test_timer_stop_from_another_thread_takes_effect_on_the_owner(clock: VirtualClock) -> None:
    def main() -> float | None:
        t = time.new_timer(1)
        # Handed over, done by the loop before blocking() returns: its result
        # is not known to the other thread.
        assert blocking(t.stop) is False
        assert t.stop() is False  # stopped already
        time.sleep(2)
        return recv_now(t.c)

    assert run(main) is None


def test_timer_reset_from_another_thread_counts_from_when_the_owner_takes_it(
    clock: VirtualClock,
) -> None:
    def main() -> float:
        t = time.new_timer(10)
        assert blocking(t.reset, 1) is False
        return t.c.recv()

    assert run(main) == T0 + 1  # blocking() took no virtual time


def test_after_func_stop_from_another_thread(clock: VirtualClock) -> None:
    def main() -> list[str]:
        ran: list[str] = []
        t = time.after_func(1, lambda: ran.append("ran"))
        assert blocking(t.stop) is False
        time.sleep(2)
        return ran

    assert run(main) == []


def test_ticker_stop_and_reset_from_another_thread(clock: VirtualClock) -> None:
    def main() -> tuple[float, float | None]:
        tk = time.new_ticker(1)
        blocking(tk.reset, 5)
        first = tk.c.recv()
        blocking(tk.stop)
        time.sleep(20)
        return first, recv_now(tk.c)

    assert run(main) == (T0 + 5, None)


def test_stop_from_another_thread_with_no_program_running_does_nothing() -> None:
    def main() -> tuple[time.Timer, time.Ticker]:
        return time.new_timer(1), time.new_ticker(1)

    timer, ticker = run(main)
    errors: list[BaseException] = []

    def other_thread() -> None:
        try:
            assert timer.stop() is False
            assert timer.reset(1) is False
            ticker.stop()
            ticker.reset(1)
        except BaseException as exc:
            errors.append(exc)

    t = threading.Thread(target=other_thread)
    t.start()
    t.join(10)
    assert errors == []
    assert not get_runtime().inbox  # nothing waits there for a later program
