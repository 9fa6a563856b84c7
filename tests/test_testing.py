"""gochan.testing without pytest's help: panics, wait_blocked, verify_none,
leak_check, seed and VirtualClock, each used the way any test runner would."""

from __future__ import annotations

import functools
import threading
import time as real_time

import pytest

import gochan
from gochan import Chan, Deadlock, Panic, go, recv, select
from gochan import context as gocontext
from gochan import time as gotime
from gochan._core import Clock, SystemClock, get_runtime
from gochan.testing import VirtualClock, leak_check, panics, seed, verify_none, wait_blocked

# -- panics -------------------------------------------------------------------


def test_panics_accepts_the_exact_message() -> None:
    def main() -> None:
        ch = Chan[int]()
        ch.close()
        with panics("close of closed channel"):
            ch.close()

    gochan.run(main)


def test_panics_rejects_another_message() -> None:
    with (
        pytest.raises(AssertionError, match="panicked with 'boom', expected 'bang'"),
        panics("bang"),
    ):
        raise Panic("boom")


def test_panics_rejects_a_block_that_does_not_panic() -> None:
    with pytest.raises(AssertionError, match="did not panic, expected 'bang'"), panics("bang"):
        pass


def test_panics_lets_other_exceptions_through() -> None:
    with pytest.raises(KeyError), panics("bang"):
        raise KeyError("k")


# -- wait_blocked -------------------------------------------------------------


def test_wait_blocked_returns_once_enough_goroutines_are_parked() -> None:
    def main() -> None:
        ch = Chan[int]()
        for _ in range(3):
            go(ch.recv)
        wait_blocked(3)
        assert get_runtime().parked() == 3
        for i in range(3):
            ch.send(i)

    gochan.run(main)


def test_wait_blocked_counts_only_the_given_reason() -> None:
    def main() -> None:
        go(Chan[int]().recv)
        go(gotime.sleep, 1)
        wait_blocked(2)  # both, whatever they wait on
        wait_blocked(1, reason="sleep")
        wait_blocked(1, reason="chan receive")
        wait_blocked(2, reason="chan receive")  # one only, even after the sleeper ends

    with VirtualClock() as clock, pytest.raises(Deadlock):
        gochan.run(main)
    assert clock.now() == 1.0


def test_wait_blocked_that_can_never_hold_is_a_deadlock() -> None:
    def main() -> None:
        go(Chan[int]().recv)
        wait_blocked(2)

    with pytest.raises(Deadlock, match=r"goroutine 1 \[wait blocked\]"):
        gochan.run(main)


# -- verify_none --------------------------------------------------------------


def test_verify_none_passes_when_every_goroutine_ended() -> None:
    def main() -> None:
        ch = Chan[int](1)
        go(ch.send, 1)  # not started yet: verify_none lets it run to its end
        verify_none()
        assert ch.recv() == 1

    gochan.run(main)


def test_verify_none_lists_each_leaked_goroutine_like_stacks() -> None:
    ch = Chan[int]()

    def receiver() -> None:
        ch.recv()

    def sender() -> None:
        ch.send(1)
        ch.send(2)

    def main() -> None:
        go(receiver)  # takes the 1 and ends
        go(sender)  # stays blocked sending the 2
        go(gotime.sleep, 5)
        with pytest.raises(AssertionError) as caught:
            verify_none()
        assert ch.recv() == 2  # no leak left for the suite's own check
        gotime.sleep(5)
        text = str(caught.value)
        assert text.startswith("found unexpected goroutines:\n\n")
        assert "goroutine 1 " not in text  # main is no leak
        assert "goroutine 2 " not in text
        assert "goroutine 3 [chan send]:" in text
        assert "in sender\n    ch.send(2)" in text
        assert "created by test_verify_none_lists_each_leaked_goroutine_like_stacks" in text
        assert "goroutine 4 [sleep]:" in text  # asleep on a timer is alive

    with VirtualClock():
        gochan.run(main)


def _park_in_helper(ch: Chan[int]) -> None:
    ch.recv()


def test_verify_none_ignores_by_top_function_or_start_function() -> None:
    ch = Chan[int]()

    def worker() -> None:
        _park_in_helper(ch)  # worker started it; _park_in_helper is where it parks

    def main() -> None:
        go(worker)
        for name in (
            "_park_in_helper",  # the top function, by name
            "test_testing._park_in_helper",  # module.qualname
            "worker",  # the function it was started with
            "test_verify_none_ignores_by_top_function_or_start_function.<locals>.worker",
        ):
            verify_none(ignore=[name])
        verify_none(ignore=[_park_in_helper])
        verify_none(ignore=[worker])
        with pytest.raises(AssertionError, match=r"goroutine 2 \[chan receive\]"):
            verify_none(ignore=["helper", "test_testing.worker"])
        ch.send(0)

    gochan.run(main)


def test_verify_none_names_a_partial_by_its_function() -> None:
    def main() -> None:
        ch = Chan[int]()
        go(functools.partial(_park_in_helper, ch))
        verify_none(ignore=[functools.partial(_park_in_helper)])
        ch.send(0)

    gochan.run(main)


def test_verify_none_rejects_what_is_not_a_function_or_name() -> None:
    def main() -> None:
        with pytest.raises(
            TypeError, match=r"verify_none\(\): ignore must hold functions or their names"
        ):
            verify_none(ignore=[42])  # type: ignore[list-item]

    gochan.run(main)


def test_verify_none_outside_a_program_checks_nothing_and_starts_nothing() -> None:
    verify_none()
    assert get_runtime().main is None


def test_verify_none_in_another_goroutine_leaves_out_main_and_itself() -> None:
    def check(done: Chan[None]) -> None:
        verify_none()
        done.close()

    def main() -> None:
        done = Chan[None]()
        go(check, done)
        done.recv()

    gochan.run(main)


# -- leak_check ---------------------------------------------------------------


def test_leak_check_fails_run_as_main_returns_then_run_ends_the_leak() -> None:
    ended = []

    def worker() -> None:
        try:
            Chan[int]().recv()
        finally:
            ended.append("worker")

    def main() -> str:
        go(worker)
        return "result"

    with leak_check(), pytest.raises(AssertionError, match=r"goroutine 2 \[chan receive\]"):
        gochan.run(main)
    assert ended == ["worker"]  # run() still ended it
    assert get_runtime().main is None


def test_leak_check_passes_a_clean_program_and_its_result_through() -> None:
    def main() -> int:
        ch = Chan[int]()
        go(ch.send, 7)
        return ch.recv()

    with leak_check():
        assert gochan.run(main) == 7


def test_leak_check_takes_ignores() -> None:
    def idle() -> None:
        Chan[int]().recv()

    def main() -> None:
        go(idle)

    with leak_check(ignore=["idle"]):
        gochan.run(main)


def test_leak_check_does_not_hide_mains_own_exception() -> None:
    def main() -> None:
        go(Chan[int]().recv)
        raise KeyError("mine")

    with leak_check(), pytest.raises(KeyError, match="mine"):
        gochan.run(main)


@pytest.mark.gochan_leak_check(False)  # run() ends the goroutine left after the block
def test_leak_check_ends_with_its_block() -> None:
    rt = get_runtime()
    before = rt.at_main_return
    with leak_check():
        assert rt.at_main_return is not before
    assert rt.at_main_return is before
    gochan.run(lambda: go(Chan[int]().recv))


# -- seed ---------------------------------------------------------------------


def _select_trace() -> list[int]:
    trace = []

    def main() -> None:
        a, b = Chan[int](100), Chan[int](100)
        for i in range(100):
            a.send(i)
            b.send(-i)
        for _ in range(100):
            chosen = select(recv(a), recv(b))
            assert isinstance(chosen, gochan.RecvCase)
            trace.append(chosen.value)

    gochan.run(main)
    return trace


def test_seed_replays_selects_choices() -> None:
    seed(5)
    first = _select_trace()
    seed(5)
    assert _select_trace() == first
    seed(6)
    assert _select_trace() != first


# -- VirtualClock -------------------------------------------------------------


def test_virtual_clock_sleeps_an_hour_at_once() -> None:
    def main() -> float:
        start = clock.now()
        gotime.sleep(gotime.Hour)
        return clock.now() - start

    started = real_time.monotonic()
    with VirtualClock() as clock:
        assert gochan.run(main) == gotime.Hour
    assert real_time.monotonic() - started < 1


def test_virtual_clock_starts_at_zero_or_where_told() -> None:
    assert VirtualClock().now() == 0.0
    assert VirtualClock(start=10.0).now() == 10.0


def test_virtual_time_moves_only_when_every_goroutine_is_parked() -> None:
    def spin(n: int) -> None:
        for _ in range(n):
            gochan.gosched()

    def main() -> list[tuple[str, float]]:
        log = []
        start = clock.now()
        go(spin, 1000)
        gotime.sleep(0)  # returns at once: no time has to pass
        log.append(("busy", clock.now() - start))
        gotime.sleep(2)  # fires once spin has ended and everyone is parked
        log.append(("slept", clock.now() - start))
        return log

    with VirtualClock() as clock:
        assert gochan.run(main) == [("busy", 0.0), ("slept", 2.0)]


def test_every_timer_kind_follows_the_virtual_clock() -> None:
    def main() -> list[tuple[str, float]]:
        start = clock.now()
        log: list[tuple[str, float]] = []
        events = Chan[str](10)

        def record(what: str) -> None:
            log.append((what, clock.now() - start))

        gotime.after_func(7, lambda: events.send("after_func"))
        timer = gotime.new_timer(100)
        ticker = gotime.new_ticker(3)
        ctx, cancel = gocontext.with_timeout(gocontext.background(), 8)
        after = gotime.after(5)
        done = ctx.done()
        ticks = 0
        while True:
            got_tick, got_after, got_event, got_done = (
                recv(ticker.c),
                recv(after),
                recv(events),
                recv(done),
            )
            chosen = select(got_tick, got_after, got_event, got_done)
            if chosen is got_tick:
                ticks += 1
                record(f"tick {ticks}")
                if ticks == 3:
                    ticker.stop()
            elif chosen is got_after:
                assert got_after.value == start + 5  # the time it fired
                record("after")
            elif chosen is got_event:
                record(got_event.value)
            else:
                record("deadline")
                break
        assert isinstance(ctx.err(), gochan.DeadlineExceeded)
        cancel()
        timer.reset(1)
        timer.c.recv()
        record("timer")
        return log

    with VirtualClock() as clock:
        assert gochan.run(main) == [
            ("tick 1", 3.0),
            ("after", 5.0),
            ("tick 2", 6.0),
            ("after_func", 7.0),
            ("deadline", 8.0),
            ("timer", 9.0),
        ]


def test_virtual_clock_still_reports_deadlock_when_no_timer_is_left() -> None:
    def main() -> None:
        gotime.sleep(10)
        Chan[int]().recv()

    with VirtualClock() as clock, pytest.raises(Deadlock, match="all goroutines are asleep"):
        gochan.run(main)
    assert clock.now() == 10.0


def test_advance_moves_time_and_due_timers_fire_when_the_caller_blocks() -> None:
    def main() -> None:
        fired = Chan[str](1)
        gotime.after_func(60, lambda: fired.send("fired"))
        clock.advance(59)
        assert clock.now() == 59.0
        assert select(recv(fired), gochan.default) is gochan.default
        clock.advance(1)
        gochan.gosched()  # the loop runs: the timer is due
        assert fired.recv() == "fired"
        assert clock.now() == 60.0
        with pytest.raises(ValueError, match="time never goes back"):
            clock.advance(-1)

    with VirtualClock() as clock:
        gochan.run(main)


def test_virtual_time_does_not_move_while_another_thread_works() -> None:
    # A goroutine waiting on a thread is not durably blocked (Go's synctest):
    # the virtual clock must not jump to the sleeper's timer meanwhile.
    def main() -> None:
        started = clock.now()
        order = Chan[str](2)

        def sleeper() -> None:
            gotime.sleep(1)
            order.send("timer")

        go(sleeper)
        wait_blocked(1, reason="sleep")
        go(lambda: order.send(f"thread done at {gochan.blocking(real_time.sleep, 0.05)}"))
        assert order.recv() == "thread done at None"
        assert clock.now() == started
        assert order.recv() == "timer"
        assert clock.now() == started + 1

    with VirtualClock() as clock:
        gochan.run(main)


def installed_clock() -> Clock:
    return get_runtime().clock


def test_virtual_clock_installs_for_its_block_only() -> None:
    system = installed_clock()
    assert isinstance(system, SystemClock)
    with VirtualClock() as outer:
        assert installed_clock() is outer
        with VirtualClock() as inner:
            assert installed_clock() is inner
        assert installed_clock() is outer
    assert installed_clock() is system


def test_virtual_clock_refuses_to_replace_a_clock_with_timers_pending() -> None:
    def main() -> None:
        gotime.after_func(1, lambda: None)
        with pytest.raises(RuntimeError, match="before the program sets any timer"), VirtualClock():
            pass

    gochan.run(main)


def test_a_virtual_clock_is_per_thread() -> None:
    seen: list[bool] = []

    def other_thread() -> None:
        seen.append(isinstance(get_runtime().clock, SystemClock))

    with VirtualClock():
        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
    assert seen == [True]
