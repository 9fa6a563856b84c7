"""gochan.signal: Go's os/signal, with signals this process sends itself."""

from __future__ import annotations

import os
import signal as pysignal
import threading
import time as pytime
from collections.abc import Callable, Iterator
from signal import SIGHUP, SIGINT, SIGKILL, SIGSEGV, SIGTERM, SIGUSR1, SIGUSR2, Signals

import pytest

from gochan import (
    Canceled,
    Chan,
    Deadlock,
    GoroutinePanic,
    Panic,
    cause,
    context,
    go,
    gosched,
    recv,
    run,
    select,
    signal,
    time,
)
from gochan._core import get_runtime
from gochan.testing import wait_blocked

# Every signal the tests send themselves; SIGUSR1, SIGUSR2, SIGHUP and
# SIGTERM would end the process if a test failed to catch them.
SENT = (SIGINT, SIGUSR1, SIGUSR2, SIGHUP, SIGTERM)


@pytest.fixture(autouse=True)
def _handlers_restored() -> Iterator[None]:
    # Each test leaves no channel notified and every handler as it found it;
    # if it fails halfway, the handlers are put back all the same.
    before = {sig: pysignal.getsignal(sig) for sig in pysignal.Signals}
    wakeup_before = wakeup_fd()
    try:
        yield
        assert signal._wanted == {}, "a test left channels notified"
        assert get_runtime().signal_watch is None
        assert wakeup_fd() == wakeup_before, "a test left the signal wake-up descriptor set"
        changed = [s.name for s, h in before.items() if pysignal.getsignal(s) != h]
        assert changed == [], "a test left handlers changed"
    finally:
        signal._wanted.clear()
        signal._replaced.clear()
        get_runtime().signal_watch = None
        for sig, handler in before.items():
            if handler is not None and pysignal.getsignal(sig) != handler:
                pysignal.signal(sig, handler)


def wakeup_fd() -> int:
    """Python's signal wake-up descriptor now (-1: none)."""
    fd = pysignal.set_wakeup_fd(-1)
    if fd != -1:
        pysignal.set_wakeup_fd(fd)
    return fd


def kill(sig: Signals) -> None:
    """Send ``sig`` to this process: its handler runs on the main thread right after."""
    os.kill(os.getpid(), sig)


# -- notify and stop ----------------------------------------------------------


def test_notify_relays_the_signal_on_the_channel() -> None:
    def main() -> Signals:
        ch = Chan[Signals](1)
        signal.notify(ch, SIGUSR1)
        try:
            kill(SIGUSR1)
            return ch.recv()
        finally:
            signal.stop(ch)

    got = run(main)
    assert got is SIGUSR1
    assert type(got) is Signals


def test_sigint_comes_on_the_channel_instead_of_keyboard_interrupt() -> None:
    def main() -> Signals:
        ch = Chan[Signals](1)
        signal.notify(ch, SIGINT)
        try:
            kill(SIGINT)  # would raise KeyboardInterrupt here
            return ch.recv()
        finally:
            signal.stop(ch)

    assert run(main) is SIGINT
    assert pysignal.getsignal(SIGINT) is pysignal.default_int_handler
    with pytest.raises(KeyboardInterrupt):
        kill(SIGINT)  # stop() gave SIGINT its old effect back


def test_waiting_for_a_signal_is_not_a_deadlock() -> None:
    # Main waits on the channel with nothing else to run: in Go the signal
    # loop keeps the program alive, and so does a notified channel here.
    def send_once_main_waits() -> None:
        wait_blocked(1, "chan receive")
        kill(SIGUSR1)

    def main() -> Signals:
        ch = Chan[Signals](1)
        signal.notify(ch, SIGUSR1)
        try:
            go(send_once_main_waits)
            return ch.recv()
        finally:
            signal.stop(ch)

    assert run(main) is SIGUSR1


def test_a_signal_wakes_the_loop_asleep_until_a_timer() -> None:
    def send_once_main_waits() -> None:
        wait_blocked(1, "select")
        kill(SIGUSR1)

    def main() -> bool:
        ch = Chan[Signals](1)
        signal.notify(ch, SIGUSR1)
        try:
            go(send_once_main_waits)
            got = recv(ch)
            return select(got, recv(time.after(60))) is got  # no waiting for the timer
        finally:
            signal.stop(ch)

    assert run(main)


def to_the_process() -> None:
    kill(SIGUSR1)  # the OS picks the thread: the main one, unless it is busy


def to_this_thread() -> None:
    # Python's C-level handler runs on this thread: it only flags the signal
    # for the main thread, asleep in the poller.
    pysignal.pthread_kill(threading.get_ident(), SIGUSR1)


@pytest.mark.parametrize("send", [to_the_process, to_this_thread])
def test_a_signal_sent_from_another_thread_wakes_the_loop_asleep_in_the_poller(
    send: Callable[[], None],
) -> None:
    rt = get_runtime()

    def once_the_loop_sleeps() -> None:
        while not rt.sleeping:  # the loop's flag while it waits in the poller
            pytime.sleep(0.001)
        send()

    def main() -> bool:
        ch = Chan[Signals](1)
        signal.notify(ch, SIGUSR1)
        thread = threading.Thread(target=once_the_loop_sleeps)
        try:
            thread.start()
            got = recv(ch)
            return select(got, recv(time.after(5))) is got  # not woken by the timer
        finally:
            thread.join()
            signal.stop(ch)

    assert run(main)


def test_notifications_make_the_poller_the_signal_wake_up_descriptor_until_they_end() -> None:
    def main() -> None:
        assert wakeup_fd() == -1
        ch = Chan[Signals](1)
        signal.notify(ch, SIGUSR1, SIGUSR2)
        assert wakeup_fd() == get_runtime().netpoller().wakeup_fd
        signal.notify(ch, SIGHUP)
        signal.ignore(SIGUSR1)
        assert wakeup_fd() == get_runtime().netpoller().wakeup_fd  # others are notified
        signal.stop(ch)
        assert wakeup_fd() == -1
        signal.reset()

    run(main)


def test_once_no_channel_is_notified_a_deadlock_is_seen_again() -> None:
    def main() -> None:
        ch = Chan[Signals](1)
        signal.notify(ch, SIGUSR1)
        signal.stop(ch)
        with pytest.raises(Deadlock):
            ch.recv()

    run(main)


def test_one_channel_gets_several_signals_and_notify_adds_to_them() -> None:
    def main() -> list[Signals]:
        ch = Chan[Signals](2)
        signal.notify(ch, SIGUSR1)
        signal.notify(ch, SIGUSR2)  # adds: SIGUSR1 still comes
        try:
            kill(SIGUSR1)
            first = ch.recv()
            kill(SIGUSR2)
            return [first, ch.recv()]
        finally:
            signal.stop(ch)

    assert run(main) == [SIGUSR1, SIGUSR2]


def test_each_channel_gets_its_own_copy_and_stop_ends_one() -> None:
    def main() -> tuple[list[Signals], int]:
        a, b = Chan[Signals](2), Chan[Signals](2)
        signal.notify(a, SIGUSR1)
        signal.notify(b, SIGUSR1)
        try:
            kill(SIGUSR1)
            got = [a.recv(), b.recv()]
            signal.stop(a)
            kill(SIGUSR1)
            got.append(b.recv())  # b still gets it; a does not
            return got, len(a)
        finally:
            signal.stop(b)

    assert run(main) == ([SIGUSR1, SIGUSR1, SIGUSR1], 0)


def test_a_full_channel_misses_the_signal() -> None:
    def main() -> tuple[int, int]:
        full, roomy = Chan[Signals](1), Chan[Signals](2)
        signal.notify(full, SIGUSR1)
        signal.notify(roomy, SIGUSR1)
        try:
            kill(SIGUSR1)
            roomy.recv()
            kill(SIGUSR1)
            roomy.recv()  # both signals were delivered; full had room for one
            return len(full), len(roomy)
        finally:
            signal.stop(full)
            signal.stop(roomy)

    assert run(main) == (1, 0)


def test_the_last_stop_gives_back_the_old_handler() -> None:
    previous = pysignal.getsignal(SIGUSR1)

    def main() -> None:
        a, b = Chan[Signals](1), Chan[Signals](1)
        signal.notify(a, SIGUSR1)
        signal.notify(b, SIGUSR1)
        signal.stop(a)
        assert pysignal.getsignal(SIGUSR1) is not previous  # b still wants it
        signal.stop(b)
        assert pysignal.getsignal(SIGUSR1) == previous
        signal.stop(b)  # not notified any more: nothing happens

    run(main)


def test_a_busy_program_still_gets_its_signal() -> None:
    # Goroutines that stay runnable never let the loop sleep; it still takes
    # the signal's delivery on its periodic visits.
    def main() -> bool:
        ch = Chan[Signals](1)
        signal.notify(ch, SIGUSR1)
        try:

            def spin() -> None:
                for _ in range(100_000):
                    if len(ch):
                        return
                    gosched()

            go(spin)
            kill(SIGUSR1)
            for _ in range(100_000):
                if len(ch):
                    return True
                gosched()
            return False
        finally:
            signal.stop(ch)

    assert run(main)


def test_notify_without_signals_relays_every_catchable_one() -> None:
    previous = {sig: pysignal.getsignal(sig) for sig in (SIGSEGV, SIGKILL)}

    def main() -> list[Signals]:
        ch = Chan[Signals](2)
        signal.notify(ch)
        try:
            assert pysignal.getsignal(SIGTERM) is signal._caught_signal
            assert pysignal.getsignal(SIGSEGV) == previous[SIGSEGV]  # a fault: left alone
            kill(SIGHUP)
            got = [ch.recv()]
            kill(SIGTERM)
            got.append(ch.recv())
            return got
        finally:
            signal.stop(ch)

    assert run(main) == [SIGHUP, SIGTERM]


def test_the_end_of_the_program_ends_its_notifications() -> None:
    def main() -> None:
        signal.notify(Chan[Signals](1), SIGINT)  # never stopped

    run(main)
    assert signal._wanted == {}
    assert pysignal.getsignal(SIGINT) is pysignal.default_int_handler


def test_a_closed_channel_crashes_the_program_as_in_go() -> None:
    def main() -> None:
        ch = Chan[Signals](1)
        signal.notify(ch, SIGUSR1)
        try:
            ch.close()
            kill(SIGUSR1)
            with pytest.raises(GoroutinePanic, match="send on closed channel") as info:
                Chan[int]().recv()  # no deadlock: the signal is on its way
            assert isinstance(info.value.__cause__, Panic)
        finally:
            signal.stop(ch)

    run(main)


def test_notify_checks_its_arguments() -> None:
    def main() -> None:
        with pytest.raises(TypeError, match="os/signal: Notify using nil channel"):
            signal.notify(None, SIGUSR1)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="needs a channel"):
            signal.notify([], SIGUSR1)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="not a valid Signals"):
            signal.notify(Chan[Signals](1), 0)  # type: ignore[arg-type]

    run(main)
    assert signal._wanted == {}


def test_signal_functions_run_on_the_main_thread_only() -> None:
    errors: list[BaseException] = []

    def elsewhere() -> None:
        try:
            signal.notify(Chan[Signals](1), SIGUSR1)
        except ValueError as exc:
            errors.append(exc)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert "must be called on the main thread" in str(errors[0])


def test_a_channel_of_another_thread_is_refused() -> None:
    made: list[Chan[Signals]] = []
    thread = threading.Thread(target=lambda: made.append(Chan[Signals](1)))
    thread.start()
    thread.join()
    with pytest.raises(RuntimeError, match="belongs to the gochan runtime of thread"):
        signal.notify(made[0], SIGUSR1)


# -- ignore, ignored, reset ---------------------------------------------------------


def test_ignore_makes_a_signal_do_nothing_until_reset() -> None:
    def main() -> int:
        ch = Chan[Signals](1)
        signal.notify(ch, SIGUSR1)
        signal.ignore(SIGUSR1)  # also ends the notification
        assert signal.ignored(SIGUSR1)
        kill(SIGUSR1)  # would end the process if not ignored
        signal.reset(SIGUSR1)
        assert not signal.ignored(SIGUSR1)
        return len(ch)

    assert run(main) == 0
    assert signal._wanted == {}


def test_ignored_sees_what_python_ignores() -> None:
    assert signal.ignored(pysignal.SIGPIPE)  # Python ignores it from the start
    assert not signal.ignored(SIGINT)


def test_reset_ends_the_notifications_and_restores_the_handler() -> None:
    previous = pysignal.getsignal(SIGUSR2)

    def main() -> None:
        ch = Chan[Signals](1)
        signal.notify(ch, SIGUSR1, SIGUSR2, SIGKILL)
        signal.reset(SIGUSR2)
        assert pysignal.getsignal(SIGUSR2) == previous
        assert signal._wanted == {ch: {SIGUSR1, SIGKILL}}
        signal.reset()  # every signal notified or changed here
        assert signal._wanted == {}

    run(main)


# -- notify_context -------------------------------------------------------------


def test_notify_context_is_cancelled_by_the_signal() -> None:
    def main() -> tuple[str, str]:
        ctx, stop = signal.notify_context(context.background(), SIGTERM)
        try:
            kill(SIGTERM)
            select(recv(ctx.done()))
            assert isinstance(ctx.err(), Canceled)
            return repr(ctx), str(cause(ctx))
        finally:
            stop()

    assert run(main) == (
        "signal.NotifyContext(context.Background, [terminated])",
        "terminated signal received",
    )


def test_notify_context_stop_cancels_and_ends_the_notification() -> None:
    def main() -> None:
        ctx, stop = signal.notify_context(context.background(), SIGINT, SIGHUP)
        assert repr(ctx) == "signal.NotifyContext(context.Background, [interrupt hangup])"
        stop()
        assert isinstance(ctx.err(), Canceled)
        assert cause(ctx) is ctx.err()
        assert pysignal.getsignal(SIGINT) is pysignal.default_int_handler
        wait_blocked(0)  # its goroutine ends

    run(main)


def test_notify_context_follows_its_parent() -> None:
    def main() -> None:
        parent, cancel = context.with_cancel(context.background())
        ctx, stop = signal.notify_context(parent, SIGUSR1)
        try:
            cancel()
            assert isinstance(ctx.err(), Canceled)
        finally:
            stop()

    run(main)
