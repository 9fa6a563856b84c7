"""errgroup: goroutines of one task, the first exception, cancellation and limits."""

from __future__ import annotations

import pytest

from gochan import Canceled, Chan, context, go, gosched, recv, run, select, stacks, time
from gochan.errgroup import Group
from gochan.testing import panics, wait_blocked


def test_wait_returns_after_every_goroutine() -> None:
    def main() -> list[int]:
        g = Group()
        done: list[int] = []

        def work(i: int, *, spins: int) -> None:
            for _ in range(spins):
                gosched()
            done.append(i)

        for i in range(5):
            g.go(work, i, spins=5 - i)
        g.wait()
        return done

    assert run(main) == [4, 3, 2, 1, 0]


def test_wait_raises_the_first_exception_after_all_finished() -> None:
    first = ValueError("first")

    def main() -> list[str]:
        g = Group()
        trace: list[str] = []

        def fail_first() -> None:
            raise first

        def fail_later() -> None:
            gosched()
            raise KeyError("second")

        def slow() -> None:
            for _ in range(10):
                gosched()
            trace.append("slow finished")

        g.go(fail_first)
        g.go(fail_later)
        g.go(slow)
        with pytest.raises(ValueError, match="first") as info:
            g.wait()
        assert info.value is first
        return trace

    assert run(main) == ["slow finished"]


def test_an_exception_in_a_group_goroutine_does_not_crash_the_program() -> None:
    def main() -> int:
        g = Group()
        ch = Chan[int]()

        def fail() -> None:
            raise RuntimeError("belongs to the group")

        def send_later() -> None:
            gosched()
            ch.send(42)

        g.go(fail)
        g.go(send_later)
        v = ch.recv()  # main is parked here while fail() raises: no GoroutinePanic
        with pytest.raises(RuntimeError, match="belongs to the group"):
            g.wait()
        return v

    assert run(main) == 42


def test_with_context_first_error_cancels_with_that_cause() -> None:
    boom = OSError("fetch failed")

    def main() -> str:
        g, ctx = Group.with_context(context.background())
        seen = Chan[str](1)

        def fetch() -> None:
            raise boom

        def watch() -> None:
            done = recv(ctx.done())
            if select(done, recv(time.after(time.Hour))) is done:
                seen.send(f"stopped: {ctx.err()}")

        g.go(watch)
        wait_blocked(1, "select")
        g.go(fetch)
        with pytest.raises(OSError, match="fetch failed"):
            g.wait()
        assert isinstance(ctx.err(), Canceled)
        assert context.cause(ctx) is boom
        return seen.recv()

    assert run(main) == "stopped: context canceled"


def test_with_context_wait_cancels_the_context() -> None:
    def main() -> None:
        g, ctx = Group.with_context(context.background())
        g.go(lambda: None)
        assert ctx.err() is None
        g.wait()
        assert isinstance(ctx.err(), Canceled)
        assert context.cause(ctx) is ctx.err()

    run(main)


def test_set_limit_bounds_active_goroutines_under_load() -> None:
    def main() -> tuple[int, int]:
        g = Group()
        g.set_limit(3)
        active = peak = finished = 0

        def work(spins: int) -> None:
            nonlocal active, peak, finished
            active += 1
            peak = max(peak, active)
            for _ in range(spins):
                gosched()
            active -= 1
            finished += 1

        for i in range(100):
            g.go(work, i % 7)  # blocks while three are active
        g.wait()
        return peak, finished

    assert run(main) == (3, 100)


def test_go_at_the_limit_blocks_until_one_finishes() -> None:
    def main() -> list[str]:
        g = Group()
        g.set_limit(1)
        gate = Chan[None]()
        trace: list[str] = []
        g.go(gate.recv)
        wait_blocked(1, "chan receive")
        assert g.try_go(trace.append, "refused") is False

        def opener() -> None:
            wait_blocked(1, "sync.Cond.Wait")  # main, blocked in g.go()
            trace.append("open")
            gate.send(None)

        other = Group()
        other.go(opener)
        g.go(trace.append, "second")
        trace.append("go returned")
        g.wait()
        other.wait()
        return trace

    assert run(main) == ["open", "go returned", "second"]


@pytest.mark.parametrize("active", [1, 2])
def test_wait_returns_while_a_go_waits_for_a_slot(active: int) -> None:
    # T1 (main) waits; T2 is blocked in g.go() at the limit; the group's last
    # goroutines finish, the first of them handing its slot to T2.  As in Go,
    # main's wait() returns before T2's go() goes on to count a new goroutine,
    # also when another of the group's goroutines ran between the two.
    def main() -> list[str]:
        g = Group()
        g.set_limit(active)
        gates = [Chan[None]() for _ in range(active)]
        trace: list[str] = []
        for gate in gates:
            g.go(gate.recv)

        late_done = Chan[None]()

        def late() -> None:
            g.go(trace.append, "late goroutine")
            trace.append("late go() returned")
            late_done.close()

        go(late)
        wait_blocked(active + 1)
        for gate in gates:
            gate.close()
        g.wait()
        trace.append("wait returned")
        late_done.recv()
        g.wait()  # for the late goroutine
        return trace

    assert run(main) == ["wait returned", "late go() returned", "late goroutine"]


def test_set_limit_while_goroutines_run_panics() -> None:
    def main() -> None:
        g = Group()
        gate = Chan[None]()
        g.go(gate.recv)
        g.go(gate.recv)
        with panics("errgroup: modify limit while 2 goroutines in the group are still active"):
            g.set_limit(5)
        gate.close()
        g.wait()
        g.set_limit(5)  # fine once they finished

    run(main)


def test_try_go() -> None:
    def main() -> list[int]:
        g = Group()
        got: list[int] = []
        assert g.try_go(got.append, 1) is True  # no limit
        g.wait()
        g.set_limit(2)
        assert g.try_go(got.append, 2) is True
        assert g.try_go(got.append, 3) is True
        assert g.try_go(got.append, 4) is False
        g.wait()
        assert g.try_go(got.append, 5) is True
        g.wait()
        g.set_limit(-1)
        for i in range(6, 10):
            assert g.try_go(got.append, i) is True
        g.wait()
        return got

    assert run(main) == [1, 2, 3, 5, 6, 7, 8, 9]


def test_a_group_is_reusable_after_wait() -> None:
    def main() -> None:
        g = Group()

        def fail() -> None:
            raise ValueError("once")

        g.go(fail)
        with pytest.raises(ValueError, match="once"):
            g.wait()
        g.go(lambda: None)
        with pytest.raises(ValueError, match="once"):  # Go keeps the first error
            g.wait()

    run(main)


def test_group_goroutines_show_the_users_function() -> None:
    def fetch_page(gate: Chan[None]) -> None:
        gate.recv()

    def main() -> str:
        g = Group()
        gate = Chan[None]()
        g.go(fetch_page, gate)
        wait_blocked(1)
        dump = stacks()
        gate.close()
        g.wait()
        return dump

    dump = run(main)
    assert "in fetch_page" in dump
    assert "test_errgroup.py" in dump
