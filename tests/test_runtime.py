"""go, run, gosched, num_goroutine, stacks; crashes, deadlocks and the end of run()."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import greenlet
import pytest

import gochan
from gochan import (
    Chan,
    Deadlock,
    GoroutinePanic,
    WaitGroup,
    blocking,
    go,
    gosched,
    num_goroutine,
    recv,
    run,
    select,
    stacks,
)
from gochan import time as gotime
from gochan._core import get_runtime
from gochan.testing import wait_blocked

# These tests leave goroutines parked on purpose, for run() to end.
END_OF_RUN_ENDS_THEM = pytest.mark.gochan_leak_check(False)


def test_run_returns_main_result_and_passes_arguments() -> None:
    def add(a: int, b: int = 0) -> int:
        return a + b

    assert run(add, 2, b=3) == 5


def test_exception_from_main_comes_out_unchanged() -> None:
    class Boom(Exception):
        pass

    def main() -> None:
        raise Boom("x")

    with pytest.raises(Boom, match="x"):
        run(main)


def test_go_starts_lazily_when_caller_blocks() -> None:
    def main() -> list[str]:
        trace: list[str] = []
        go(trace.append, "goroutine")
        trace.append("main before yield")
        gosched()
        trace.append("main after yield")
        return trace

    assert run(main) == ["main before yield", "goroutine", "main after yield"]


def test_gosched_round_robins_in_fifo_order() -> None:
    def main() -> list[str]:
        trace: list[str] = []

        def worker(name: str) -> None:
            for i in range(2):
                trace.append(f"{name}{i}")
                gosched()

        go(worker, "a")
        go(worker, "b")
        wait_blocked(0)
        return trace

    assert run(main) == ["a0", "b0", "a1", "b1"]


def test_num_goroutine_counts_the_caller_and_live_goroutines() -> None:
    def main() -> list[int]:
        counts = [num_goroutine()]
        ch = Chan[None]()
        for _ in range(3):
            go(ch.recv)
        counts.append(num_goroutine())
        wait_blocked(3)
        ch.close()
        wait_blocked(0)
        counts.append(num_goroutine())
        return counts

    assert run(main) == [1, 4, 1]
    assert num_goroutine() == 1


def test_go_with_non_callable_is_type_error_at_the_call() -> None:
    def main() -> None:
        with pytest.raises(TypeError, match=r"go\(\): fn must be callable, not int"):
            go(42)  # type: ignore[arg-type]
        assert num_goroutine() == 1

    run(main)


def test_nested_run_is_refused() -> None:
    def main() -> None:
        with pytest.raises(RuntimeError, match="already running"):
            run(lambda: None)

    run(main)


def test_goroutine_exception_reaches_parked_main_as_goroutine_panic() -> None:
    def worker() -> None:
        raise ValueError("boom")

    def main() -> None:
        go(worker)
        Chan[int]().recv()

    with pytest.raises(GoroutinePanic) as info:
        run(main)
    exc = info.value
    assert isinstance(exc.__cause__, ValueError)
    assert str(exc.__cause__) == "boom"
    line = worker.__code__.co_firstlineno + 4  # the go(worker) line
    assert str(exc) == (
        f"panic in goroutine 2 (test_goroutine_exception_reaches_parked_main_as_goroutine_panic"
        f".<locals>.worker, started at {__file__}:{line}): ValueError: boom"
    )
    assert exc.goroutine_id == 2


def test_goroutine_panic_reaches_main_parked_in_select_and_cleans_its_waiters() -> None:
    def main() -> None:
        a, b = Chan[int](), Chan[int]()
        go(lambda: 1 / 0)
        with pytest.raises(GoroutinePanic) as panic:
            select(recv(a), recv(b))
        assert isinstance(panic.value.__cause__, ZeroDivisionError)
        assert not a._recvq
        assert not b._recvq
        a._check_invariants()

    run(main)


def test_main_can_catch_a_goroutine_panic_and_go_on() -> None:
    def main() -> int:
        go(lambda: [][0])
        with pytest.raises(GoroutinePanic):
            Chan[int]().recv()
        ch = Chan[int]()
        go(ch.send, 7)
        return ch.recv()

    assert run(main) == 7


def test_deadlock_dump_names_every_goroutine_like_go() -> None:
    def blocked_sender(ch: Chan[int]) -> None:
        ch.send(1)

    def main() -> None:
        ch = Chan[int]()
        go(blocked_sender, ch)
        wait_blocked(1)
        Chan[str]().recv()

    with pytest.raises(Deadlock) as info:
        run(main)
    text = str(info.value)
    assert text.startswith("all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:\n")
    assert "goroutine 2 [chan send]:" in text
    assert "in blocked_sender\n    ch.send(1)" in text
    assert "created by test_deadlock_dump_names_every_goroutine_like_go.<locals>.main" in text
    assert "in goroutine 1" in text
    assert "gochan/_" not in text  # the runtime's own frames are left out


def test_stacks_reports_states() -> None:
    def main() -> str:
        ch = Chan[int]()
        go(ch.recv)
        wait_blocked(1, "chan receive")
        go(ch.send, 1)  # not started until main blocks
        return stacks()

    text = run(main)
    assert "goroutine 1 [running]:" in text
    assert "goroutine 2 [chan receive]:" in text
    assert "goroutine 3 [runnable]:" in text


def test_stacks_names_the_line_of_each_go_call_as_the_frame_was_there() -> None:
    # The record keeps the go() frame's f_lasti and finds the line only when
    # asked: a call spread over lines is named by the line f_lineno gives.
    sites: list[int] = []

    def main() -> str:
        a, b = Chan[int](), Chan[int]()
        sites.append(sys._getframe().f_lineno + 1)
        go(a.recv)
        go(
            b.send,
            1,
        )
        sites.append(sys._getframe().f_lineno - 4)
        wait_blocked(2)
        text = stacks()
        a.send(b.recv())
        return text

    text = run(main)
    for gid, line in zip((2, 3), sites, strict=True):
        dump = text.split(f"goroutine {gid} [", 1)[1].split("\n\n", 1)[0].rstrip("\n")
        assert dump.endswith(f'  File "{__file__}", line {line}'), dump


def test_a_started_goroutine_keeps_its_arguments_in_its_frame_only() -> None:
    # A parked goroutine's record holds no tuple of its arguments: its frame has them.
    def parked(ch: Chan[int], n: int) -> None:
        ch.recv()

    def main() -> None:
        ch, other = Chan[int](), Chan[int]()
        wg = WaitGroup()
        wg.go(parked, ch, 1)
        wg.go(other.recv)
        wait_blocked(2, "chan receive")
        wg.go(other.send, 2)  # not started yet when the records are read
        records = sorted(get_runtime().goroutines.values(), key=lambda g: g.id)
        assert [g.args for g in records] == [(), (), (), (2,)]
        ch.send(1)
        wg.wait()

    run(main)


@END_OF_RUN_ENDS_THEM
def test_end_of_run_runs_finally_blocks_of_parked_goroutines() -> None:
    log: list[str] = []

    def parked(name: str) -> None:
        try:
            Chan[int]().recv()
        finally:
            log.append(name)

    def main() -> None:
        go(parked, "a")
        go(parked, "b")
        wait_blocked(2)

    run(main)
    assert sorted(log) == ["a", "b"]
    assert get_runtime().main is None


@END_OF_RUN_ENDS_THEM
def test_end_of_run_does_not_start_goroutines_that_never_ran() -> None:
    log: list[str] = []

    def main() -> None:
        go(log.append, "ran")

    run(main)
    assert log == []


@END_OF_RUN_ENDS_THEM
def test_goroutine_blocking_again_in_finally_is_ended_too() -> None:
    log: list[str] = []

    def stubborn() -> None:
        try:
            Chan[int]().recv()
        finally:
            log.append("first finally")
            try:
                Chan[int]().recv()  # blocks again while run() ends it
            finally:
                log.append("second finally")

    def main() -> None:
        go(stubborn)
        wait_blocked(1)

    run(main)
    assert log == ["first finally", "second finally"]


@END_OF_RUN_ENDS_THEM
def test_except_exception_does_not_swallow_the_end_of_run() -> None:
    log: list[str] = []

    def worker() -> None:
        try:
            Chan[int]().recv()
        except Exception:
            log.append("swallowed")

    def main() -> None:
        go(worker)
        wait_blocked(1)

    run(main)
    assert log == []


@END_OF_RUN_ENDS_THEM
def test_nothing_leaks_into_the_next_run() -> None:
    def main() -> int:
        go(Chan[int]().recv)
        wait_blocked(1)
        return num_goroutine()

    assert run(main) == 2
    ids: list[str] = []

    def second() -> None:
        go(lambda: None)
        ids.append(stacks())

    run(second)
    assert "goroutine 2 [runnable]" in ids[0]
    assert "goroutine 3" not in ids[0]


@END_OF_RUN_ENDS_THEM
@pytest.mark.parametrize("main_raises", [False, True])
def test_a_crash_during_end_of_run_goes_to_unraisablehook(
    monkeypatch: pytest.MonkeyPatch, main_raises: bool
) -> None:
    reported: list[sys.UnraisableHookArgs] = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)

    def worker() -> None:
        try:
            Chan[int]().recv()
        finally:
            raise ValueError("in finally")

    def main() -> str:
        go(worker)
        wait_blocked(1)
        if main_raises:
            raise KeyError("main's own")
        return "done"

    # What run() returns or raises is main's, as ever.
    if main_raises:
        with pytest.raises(KeyError, match="main's own"):
            run(main)
    else:
        assert run(main) == "done"
    (args,) = reported
    assert isinstance(args.exc_value, ValueError)
    assert args.exc_type is ValueError
    assert args.err_msg is not None
    assert args.err_msg.startswith("Exception ignored in goroutine 2 (")
    assert args.err_msg.endswith(") while the program ended it")
    frames = traceback.extract_tb(args.exc_traceback)
    assert [f.name for f in frames] == ["worker"]


def test_a_crash_during_end_of_run_is_printed_by_the_default_hook(tmp_path: Path) -> None:
    proc = _run_script(
        tmp_path,
        """
        from gochan import Chan, go, run
        from gochan.testing import wait_blocked

        def worker():
            try:
                Chan[int]().recv()
            finally:
                raise ValueError("in finally")

        def main():
            go(worker)
            wait_blocked(1)
            print("main returns")

        run(main)
        """,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "main returns\n"
    assert proc.stderr.startswith("Exception ignored in goroutine 2 (worker, started at ")
    assert "while the program ended it:\nTraceback (most recent call last):\n" in proc.stderr
    assert proc.stderr.endswith('    raise ValueError("in finally")\nValueError: in finally\n')


def block_in(how: str, ch: Chan[int]) -> None:
    """Block on ``ch`` the way ``how`` names."""
    if how == "recv":
        ch.recv()
    elif how == "send":
        ch.send(1)
    elif how == "select":
        select(recv(ch), recv(Chan[int]()))
    else:
        wg = WaitGroup()
        wg.add(1)
        wg.wait()


@END_OF_RUN_ENDS_THEM
@pytest.mark.parametrize("how", ["recv", "send", "select", "wait"])
@pytest.mark.parametrize("thrower", ["main", "a goroutine", "main, which then returns"])
def test_a_throw_into_a_parked_goroutine_crashes_the_program_instead_of_hanging(
    how: str, thrower: str
) -> None:
    # Code that drives greenlets itself throws into a goroutine's greenlet:
    # the exception leaves the goroutine's blocking call, and the goroutine
    # crashes the program as if it had raised it there.
    ch = Chan[int]()
    parked: list[greenlet.greenlet] = []

    def victim() -> None:
        parked.append(greenlet.getcurrent())
        block_in(how, ch)

    def throw() -> None:
        parked[0].throw(ValueError("thrown in"))

    def main() -> None:
        go(victim)
        wait_blocked(1)
        if thrower == "a goroutine":
            go(throw)
        else:
            throw()
            if thrower != "main":
                return
        Chan[int]().recv()

    with pytest.raises(
        GoroutinePanic, match=r"victim, started at .*: ValueError: thrown in"
    ) as info:
        run(main)
    assert info.value.goroutine_id == 2
    assert ch._recvq is None
    assert ch._sendq is None


def format_exception(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(exc))
    assert os.path.dirname(gochan.__file__) + os.sep not in text, text
    return text


def boom() -> None:
    raise ValueError("boom")


@pytest.mark.parametrize("how", ["recv", "send", "select"])
def test_a_goroutine_panic_caught_in_main_shows_the_users_frames_only(how: str) -> None:
    def main() -> str:
        go(boom)
        with pytest.raises(GoroutinePanic) as info:
            block_in(how, Chan[int]())
        return format_exception(info.value)

    text = run(main)
    assert "in boom\n    raise ValueError" in text
    assert "in main\n    block_in(how, Chan[int]())" in text
    line = {"recv": "ch.recv()", "send": "ch.send(1)", "select": "select(recv(ch), recv("}[how]
    assert f"in block_in\n    {line}" in text


def blocked_forever(how: str) -> None:
    """Block in the sync or time call ``how`` until something interrupts."""
    if how == "wg.wait":
        wg = gochan.WaitGroup()
        wg.add(1)
        wg.wait()
    elif how == "mu.lock":
        mu = gochan.Mutex()
        mu.lock()
        mu.lock()
    elif how == "rw.rlock":
        rw = gochan.RWMutex()
        rw.lock()
        rw.rlock()
    elif how == "cond.wait":
        cond = gochan.Cond(gochan.Mutex())
        cond.l.lock()
        cond.wait()
    elif how == "sleep":
        gochan.sleep(3600)
    else:
        gochan.gosched()


@pytest.mark.parametrize("how", ["wg.wait", "mu.lock", "rw.rlock", "cond.wait", "sleep", "gosched"])
def test_a_panic_caught_at_a_sync_or_time_call_shows_the_users_frames_only(how: str) -> None:
    def main() -> str:
        go(boom)
        with pytest.raises(GoroutinePanic) as info:
            blocked_forever(how)
        return format_exception(info.value)

    text = run(main)
    assert "in boom\n    raise ValueError" in text
    assert "in main\n    blocked_forever(how)" in text


@END_OF_RUN_ENDS_THEM
@pytest.mark.parametrize("how", ["recv", "send", "select", "wait"])
def test_a_crash_out_of_run_shows_the_users_frames_only(how: str) -> None:
    def panics() -> None:
        go(boom)
        block_in(how, Chan[int]())

    def deadlocks() -> None:
        block_in(how, Chan[int]())

    for main, expected in [(panics, GoroutinePanic), (deadlocks, Deadlock)]:
        with pytest.raises(expected) as info:
            run(main)
        text = format_exception(info.value)
        assert f"in {main.__name__}\n    block_in(how, Chan[int]())" in text


@END_OF_RUN_ENDS_THEM
def test_ctrl_c_while_goroutines_are_parked_leaves_runtime_usable() -> None:
    def main() -> int:
        rt = get_runtime()
        # The loop sleeps towards this far timer when SIGINT arrives.
        far = rt.add_timer(60, lambda: None)
        go(Chan[int]().recv)  # a parked goroutine
        killer = threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT))
        killer.start()
        ch = Chan[int]()
        with pytest.raises(KeyboardInterrupt):
            ch.recv()
        killer.join()
        rt.timers.cancel(far)
        assert not ch._recvq
        # Still usable: goroutines run, channels hand over, deadlocks are seen.
        go(ch.send, 3)
        assert ch.recv() == 3
        with pytest.raises(Deadlock):
            ch.recv()
        return num_goroutine()

    assert run(main) == 2


def _run_script(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent(source))
    return subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=30, check=False
    )


def test_plain_script_is_its_own_main_goroutine(tmp_path: Path) -> None:
    proc = _run_script(
        tmp_path,
        """
        from gochan import Chan, go

        results = Chan[int]()
        for n in range(3):
            go(lambda n=n: results.send(n * n))
        print(sorted(results.recv() for _ in range(3)))
        """,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "[0, 1, 4]\n"


def test_plain_script_goroutines_get_their_finally_at_exit(tmp_path: Path) -> None:
    proc = _run_script(
        tmp_path,
        """
        from gochan import Chan, go
        from gochan.testing import wait_blocked

        def worker():
            try:
                Chan().recv()
            finally:
                print("worker cleaned up")

        go(worker)
        wait_blocked(1)
        print("main done")
        """,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "main done\nworker cleaned up\n"


def test_deadlocked_script_reports_every_goroutine(tmp_path: Path) -> None:
    proc = _run_script(
        tmp_path,
        """
        from gochan import Chan, go

        ch = Chan[int]()
        go(ch.send, 1)
        go(ch.send, 2)
        ch.recv()
        ch.recv()
        ch.recv()
        """,
    )
    assert proc.returncode == 1
    assert "gochan.Deadlock: all goroutines are asleep - deadlock!" in proc.stderr
    assert "goroutine 1 [chan receive]:" in proc.stderr
    assert 'prog.py", line 9, in <module>' in proc.stderr


def _keep_busy(until: list[bool]) -> tuple[list[int], WaitGroup]:
    """Two goroutines that keep each other runnable (ping-pong) until ``until[0]``.

    Returns the round counter and a WaitGroup done when both have ended.
    """
    rounds = [0]
    ping, pong = Chan[None](), Chan[None]()
    wg = WaitGroup()

    def pinger() -> None:
        while not until[0]:
            ping.send(None)
            pong.recv()
            rounds[0] += 1
        ping.close()

    def ponger() -> None:
        for _ in ping:
            pong.send(None)

    wg.go(pinger)
    wg.go(ponger)
    return rounds, wg


def _after_a_while(value: int) -> int:
    """A blocking call that takes 10 ms on its worker thread."""
    time.sleep(0.01)
    return value


def _keep_spawning(until: list[bool]) -> tuple[list[int], WaitGroup]:
    """A chain of goroutines, each starting the next and ending, until ``until[0]``.

    Returns the count of goroutines started and a WaitGroup done at the chain's end.
    """
    started = [0]
    wg = WaitGroup()

    def link() -> None:
        started[0] += 1
        if until[0]:
            wg.done()
        else:
            go(link)

    wg.add(1)
    go(link)
    return started, wg


def _sleep_amid(busy: Callable[[list[bool]], tuple[list[int], WaitGroup]]) -> tuple[float, int]:
    """Main sleeps 20 ms while ``busy`` work keeps the scheduler from going idle.

    Returns how long the sleep took and how far the busy work got meanwhile.
    """
    stop = [False]
    progress, wg = busy(stop)
    clock = get_runtime().clock
    start = clock.now()
    gotime.sleep(0.02)
    slept = clock.now() - start
    progress_meanwhile = progress[0]
    stop[0] = True
    wg.wait()
    return slept, progress_meanwhile


def test_a_timer_fires_while_goroutines_keep_each_other_runnable() -> None:
    # Nothing runnable ever runs out, so only the loop's visits every so many
    # switches can fire main's timer.
    slept, rounds = run(_sleep_amid, _keep_busy)
    assert 0.02 <= slept < 0.02 + 0.2
    assert rounds > 0


def test_a_blocking_call_returns_while_goroutines_keep_each_other_runnable() -> None:
    # The result comes back through the loop's inbox, which the loop takes on
    # its visits between switches.
    def main() -> tuple[int, int]:
        stop = [False]
        rounds, wg = _keep_busy(stop)
        result = blocking(_after_a_while, 42)  # the two keep playing meanwhile
        busy_rounds = rounds[0]
        stop[0] = True
        wg.wait()
        return result, busy_rounds

    result, busy_rounds = run(main)
    assert result == 42
    assert busy_rounds > 0


def test_goroutines_that_park_deep_in_calls_start_many_others() -> None:
    # Each goroutine parks 100 calls deep, and its park starts the next one.  A
    # new greenlet inherits the recursion depth of the one that starts it, so
    # if each started the next one's carrier the depths would pile up into a
    # RecursionError after a few goroutines.
    n = 300

    def main() -> int:
        chans = [Chan[int]() for _ in range(n)]
        results = Chan[int](n)

        def parked(ch: Chan[int], depth: int) -> int:
            return ch.recv() if depth == 0 else parked(ch, depth - 1)

        def worker(ch: Chan[int]) -> None:
            results.send(parked(ch, 100))

        for ch in chans:
            go(worker, ch)
        wait_blocked(n)
        for i, ch in enumerate(chans):
            ch.send(i)
        return sum(results.recv() for _ in range(n))

    assert run(main) == n * (n - 1) // 2


def test_a_timer_fires_while_each_goroutine_starts_the_next_and_ends() -> None:
    # A chain of goroutines runs on one carrier with no switch at all; the
    # countdown to the loop's next visit must still run out and be honoured.
    slept, started = run(_sleep_amid, _keep_spawning)
    assert 0.02 <= slept < 0.02 + 0.2
    assert started > 1
