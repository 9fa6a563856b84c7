"""Go's package ``time``: sleep, timers and tickers on the scheduler's clock.

Durations are seconds (``float``); ``500 * Millisecond`` ports literally.
Times are seconds on the runtime's monotonic clock (``rt.clock.now()``,
``time.monotonic()`` unless a test replaced the clock): the value a timer or
ticker channel delivers is the time it fired, as Go's ``Time``.

Timers live in the scheduler's timer heap and fire on its loop; a goroutine
asleep on a timer is not a deadlock, and the loop sleeps until the next timer
rather than polling.

Timer channels follow Go 1.23: they look unbuffered (``len`` and ``cap`` are
0), but a value that fired waits in the channel for a receiver; once
``stop()`` or ``reset()`` returns, no value prepared before the call can be
received.  A timer whose channel nobody references any more is taken out of
the heap, so it costs nothing even if it was never stopped.

Durations are checked where they are given: a non-number is a ``TypeError``
and NaN a ``ValueError`` (as for Python's ``time.sleep``); an infinite
duration, or one beyond Go's longest (about 292 years), means never.  A
timer belongs to the runtime of the thread that made it; ``stop()`` and
``reset()`` from another thread are handed to that runtime (see
:meth:`Timer.stop`).
"""

from __future__ import annotations

import math
import sys
import weakref
from collections.abc import Callable
from functools import partial
from numbers import Real
from threading import get_ident
from types import FrameType

from ._chan import NIL, Chan, RecvChan
from ._core import Runtime, TimerEntry, WaitReason, get_runtime, hide_frame, post_to_program

__all__ = [
    "Hour",
    "Microsecond",
    "Millisecond",
    "Minute",
    "Nanosecond",
    "Second",
    "Ticker",
    "Timer",
    "after",
    "after_func",
    "new_ticker",
    "new_timer",
    "now",
    "since",
    "sleep",
    "tick",
    "until",
]

Nanosecond = 1e-9
Microsecond = 1e-6
Millisecond = 1e-3
Second = 1.0
Minute = 60.0
Hour = 3600.0

_SLEEP = WaitReason.SLEEP


def _seconds(value: object, func: str, arg: str = "d") -> float:
    """``value`` as float seconds, checked at the call of ``func`` (argument ``arg``).

    Raises:
        TypeError: ``value`` is not a real number (a ``bool`` is refused too).
        ValueError: ``value`` is NaN, which no clock reading ever reaches.
    """
    if type(value) is not float:
        if type(value) is bool or not isinstance(value, Real):
            raise TypeError(
                f"{func}() argument {arg!r} must be a number of seconds (int or float), "
                f"not {type(value).__name__}"
            )
        try:
            value = float(value)
        except OverflowError:  # an int beyond any float: as far as floats go
            value = -math.inf if value < 0 else math.inf
    if value != value:
        raise ValueError(f"{func}() argument {arg!r} is NaN (not a number)")
    return value


def now() -> float:
    """The current time on the runtime's clock, in seconds (Go's ``time.Now``).

    A ``time.monotonic()`` reading, the scale of every gochan time: deadlines,
    ``ctx.deadline()``, what a timer or ticker channel delivers.  Under a
    :class:`~gochan.testing.VirtualClock` it is the virtual time.  Never blocks.
    """
    return get_runtime().clock.now()


def since(t: float) -> float:
    """Seconds elapsed since the time ``t`` (Go's ``time.Since``): ``now() - t``.

    Raises:
        TypeError: ``t`` is not a number.
        ValueError: ``t`` is NaN.
    """
    return get_runtime().clock.now() - _seconds(t, "since", "t")


def until(t: float) -> float:
    """Seconds until the time ``t`` (Go's ``time.Until``): ``t - now()``, negative once past.

    Raises:
        TypeError: ``t`` is not a number.
        ValueError: ``t`` is NaN.
    """
    return _seconds(t, "until", "t") - get_runtime().clock.now()


class _SleepWait:
    """Where a sleeping goroutine waits: its timer.  ``_cancel_wait`` stops the timer."""

    __slots__ = ("entry", "rt")

    def __init__(self, rt: Runtime, entry: TimerEntry) -> None:
        self.rt = rt
        self.entry = entry

    def _cancel_wait(self, _goroutine: object) -> None:
        if not self.rt.timers.cancel(self.entry):
            raise ValueError("the timer fired: the goroutine is runnable already")


def sleep(d: float) -> None:
    """Pause the calling goroutine for at least ``d`` seconds (Go's ``time.Sleep``).

    Blocks (wait reason ``sleep``) while the other goroutines run; a zero or
    negative ``d`` returns at once without yielding, as in Go.  An infinite
    ``d`` sleeps for good: if nothing else can run, that is a deadlock.

    Raises:
        TypeError: ``d`` is not a number.
        ValueError: ``d`` is NaN.
    """
    d = _seconds(d, "sleep")
    if d <= 0:
        return
    rt = get_runtime()
    g = rt.current or rt.implicit_main()
    entry = rt.add_timer(d, lambda: rt.ready(g))
    try:
        rt.park(_SLEEP, _SleepWait(rt, entry))
    except BaseException as exc:
        hide_frame(exc)  # out of sleep(), as out of park(): see Runtime.leave_park
        raise


class _TimerChan(Chan[float]):
    """A timer's channel: Go 1.23's synchronous timer channel.

    Internally a buffer of one, so a fired value waits for its receiver
    without the timer blocking the loop; to the user it is unbuffered
    (``len`` and ``cap`` are 0).  Only its timer puts values in it, and
    ``stop()``/``reset()`` empty it.
    """

    __slots__ = ("__weakref__",)

    def __init__(self) -> None:
        super().__init__(1)

    @property
    def cap(self) -> int:
        return 0

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "<timer Chan cap=0>"

    def drain(self) -> bool:
        """Discard the value waiting for a receiver; True if there was one."""
        if self._buf:
            self._buf.clear()
            return True
        return False


class _Arm:
    """The pending heap entry of one timer, shared by the timer and its heap callback.

    The heap callback reaches the timer's channel only through a weak
    reference, so a timer that nobody references is freed; the weak
    reference's callback then takes its entry out of the heap.
    """

    __slots__ = ("entry", "rt")

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.entry: TimerEntry | None = None  # the pending entry; written by start/stop

    def start(self, delay: float, callback: Callable[[], None]) -> None:
        self.entry = self.rt.add_timer(delay, callback)

    def start_at(self, when: float, callback: Callable[[], None]) -> None:
        self.entry = self.rt.add_timer_at(when, callback)

    def stop(self) -> bool:
        """Take the entry out of the heap; True if it was pending."""
        entry, self.entry = self.entry, None
        return entry is not None and self.rt.timers.cancel(entry)

    def channel_freed(self, _ref: object) -> None:
        # Run by the garbage collector, possibly on another thread: only the
        # runtime's own thread touches its heap.
        if get_ident() == self.rt.thread_id:
            self.stop()
        else:
            self.rt.post(self._stop_later)

    def _stop_later(self) -> None:
        self.stop()


def _fire_once(ref: weakref.ref[_TimerChan], arm: _Arm) -> Callable[[], None]:
    def fire() -> None:
        arm.entry = None
        ch = ref()
        if ch is not None:
            # The buffer is empty (stop() and reset() empty it before re-arming),
            # so this send never blocks: it hands over or buffers.
            ch.send(arm.rt.clock.now())

    return fire


def _fire_periodic(ref: weakref.ref[_TimerChan], arm: _Arm, period: float) -> Callable[[], None]:
    def fire() -> None:
        ch = ref()
        entry = arm.entry
        if ch is None or entry is None:
            return
        now = arm.rt.clock.now()
        if not ch._buf:
            ch.send(now)  # else the receiver is slow: drop the tick, as Go
        # The next tick is one period after this one was due; ticks missed
        # while the loop was late are skipped, not bunched up.
        late = max(0.0, now - entry.when)
        arm.start_at(entry.when + period * (1 + int(late / period)), fire)

    return fire


def _fire_func(arm: _Arm, fn: Callable[[], object], site: FrameType) -> Callable[[], None]:
    def fire() -> None:
        arm.entry = None
        arm.rt.spawn(fn, (), None, site)

    return fire


class Timer:
    """A single event: Go's ``time.Timer``.  Make one with :func:`new_timer` or
    :func:`after_func`.

    For a channel timer, ``c`` receives the time the timer fired; for an
    :func:`after_func` timer ``c`` is Go's nil channel (never ready) and the
    function runs in its own goroutine instead.  A timer nobody references
    any more costs nothing, stopped or not.
    """

    __slots__ = ("_arm", "_ch", "_fire")

    def __init__(self, d: float) -> None:
        """A channel timer that fires once, ``d`` seconds from now (Go's ``time.NewTimer``).

        Raises:
            TypeError: ``d`` is not a number.
            ValueError: ``d`` is NaN.
        """
        d = _seconds(d, "new_timer")
        self._arm = arm = _Arm(get_runtime())
        self._ch: _TimerChan | None = _TimerChan()  # None for an after_func timer
        self._fire = _fire_once(weakref.ref(self._ch, arm.channel_freed), arm)
        arm.start(d, self._fire)

    @classmethod
    def _func(cls, d: float, fn: Callable[[], object], site: FrameType) -> Timer:
        t = cls.__new__(cls)
        t._arm = arm = _Arm(get_runtime())
        t._ch = None
        t._fire = _fire_func(arm, fn, site)
        arm.start(d, t._fire)
        return t

    @property
    def c(self) -> RecvChan[float]:
        """The channel that receives the firing time; the nil channel (never
        ready) for an :func:`after_func` timer."""
        ch = self._ch
        return NIL if ch is None else ch

    def stop(self) -> bool:
        """Stop the timer (Go's ``Timer.Stop``); never blocks.

        Returns True if this call stopped it before it was delivered: it was
        pending, or its value was waiting in ``c`` unreceived (that value is
        discarded).  False if it had already been received, had already run
        its function, or was stopped already.  For an :func:`after_func`
        timer it does not wait for a function that has started.  Stop does
        not close ``c``.

        From a thread other than the one that made the timer, the stop is
        handed to the timer's runtime, where it takes effect as if called
        there, as soon as its scheduler loop runs (nothing happens if no
        program runs on that thread, or if it ends first).  The call returns
        at once, and returns False: whether the stop will come before the
        timer fires is not known yet.
        """
        rt = self._arm.rt
        if rt.thread_id != get_ident():
            post_to_program(rt, self._stop)
            return False
        return self._stop()

    def _stop(self) -> bool:
        stopped = self._arm.stop()
        ch = self._ch
        if ch is not None and ch.drain():
            stopped = True
        return stopped

    def reset(self, d: float) -> bool:
        """Make the timer fire ``d`` seconds from now (Go's ``Timer.Reset``); never blocks.

        Works on a pending, fired or stopped timer.  Returns what
        :meth:`stop` would have: True if the timer was still undelivered.
        A value prepared before the call is never received after it.  From
        another thread it is handed over as :meth:`stop` is, returns False,
        and ``d`` counts from when the timer's runtime takes it.

        Raises:
            TypeError: ``d`` is not a number.
            ValueError: ``d`` is NaN.
        """
        d = _seconds(d, "Timer.reset")
        rt = self._arm.rt
        if rt.thread_id != get_ident():
            post_to_program(rt, partial(self._reset, d))
            return False
        return self._reset(d)

    def _reset(self, d: float) -> bool:
        stopped = self._stop()
        self._arm.start(d, self._fire)
        return stopped

    def __repr__(self) -> str:
        state = "pending" if self._arm.entry is not None else "idle"
        return f"<Timer {state}>"


class Ticker:
    """Ticks at a fixed period: Go's ``time.Ticker``.  Make one with :func:`new_ticker`.

    ``c`` receives the time of each tick; a receiver that falls behind
    misses ticks (at most one waits in ``c``) rather than getting a burst.
    A ticker nobody references any more costs nothing, stopped or not.
    """

    __slots__ = ("_arm", "_ch")

    def __init__(self, d: float) -> None:
        """A ticker of period ``d`` seconds (Go's ``time.NewTicker``).

        Raises:
            ValueError: ``non-positive interval for NewTicker`` when ``d <= 0``;
                ``d`` is NaN.
            TypeError: ``d`` is not a number.
        """
        d = _seconds(d, "new_ticker")
        if d <= 0:
            raise ValueError("non-positive interval for NewTicker")
        self._arm = _Arm(get_runtime())
        self._ch = _TimerChan()
        self._start(d)

    @property
    def c(self) -> RecvChan[float]:
        """The channel that receives the time of each tick."""
        return self._ch

    def _start(self, d: float) -> None:
        arm = self._arm
        ref = weakref.ref(self._ch, arm.channel_freed)
        arm.start(d, _fire_periodic(ref, arm, d))

    def stop(self) -> None:
        """Stop the ticker (Go's ``Ticker.Stop``); never blocks.

        No tick is received after it returns, including one that was
        waiting in ``c``.  It does not close ``c``.  From a thread other than
        the one that made the ticker, the stop is handed to the ticker's
        runtime and takes effect there, as :meth:`Timer.stop`'s does.
        """
        rt = self._arm.rt
        if rt.thread_id != get_ident():
            post_to_program(rt, self._stop)
        else:
            self._stop()

    def _stop(self) -> None:
        self._arm.stop()
        self._ch.drain()

    def reset(self, d: float) -> None:
        """Stop the ticker and restart it with period ``d`` (Go's ``Ticker.Reset``).

        The next tick comes ``d`` seconds from now; no tick prepared before
        the call is received after it.  From another thread it is handed
        over as :meth:`stop` is, and ``d`` counts from when the ticker's
        runtime takes it.

        Raises:
            ValueError: ``non-positive interval for Ticker.Reset`` when ``d <= 0``;
                ``d`` is NaN.
            TypeError: ``d`` is not a number.
        """
        d = _seconds(d, "Ticker.reset")
        if d <= 0:
            raise ValueError("non-positive interval for Ticker.Reset")
        rt = self._arm.rt
        if rt.thread_id != get_ident():
            post_to_program(rt, partial(self._reset, d))
        else:
            self._reset(d)

    def _reset(self, d: float) -> None:
        self._stop()
        self._start(d)

    def __repr__(self) -> str:
        state = "running" if self._arm.entry is not None else "stopped"
        return f"<Ticker {state}>"


def new_timer(d: float) -> Timer:
    """A :class:`Timer` whose channel ``c`` gets the time ``d`` seconds from now.

    Never blocks.  A zero or negative ``d`` fires at once (as soon as the
    scheduler's loop runs); an infinite one never.  Go's ``time.NewTimer``.

    Raises:
        TypeError: ``d`` is not a number.
        ValueError: ``d`` is NaN.
    """
    return Timer(d)


def after(d: float) -> RecvChan[float]:
    """A channel that gets the time once, ``d`` seconds from now (Go's ``time.After``).

    Never blocks.  Same as ``new_timer(d).c``; since an unreferenced timer
    costs nothing, an ``after()`` in a ``select`` loop does not pile up timers.

    Raises:
        TypeError: ``d`` is not a number.
        ValueError: ``d`` is NaN.
    """
    return Timer(_seconds(d, "after")).c


def new_ticker(d: float) -> Ticker:
    """A :class:`Ticker` with period ``d`` seconds (Go's ``time.NewTicker``).

    Raises:
        ValueError: ``non-positive interval for NewTicker`` when ``d <= 0``;
            ``d`` is NaN.
        TypeError: ``d`` is not a number.
    """
    return Ticker(d)


def tick(d: float) -> RecvChan[float]:
    """The channel of a new ticker of period ``d`` (Go's ``time.Tick``).

    For ``d <= 0``, Go's nil channel: receiving from it blocks forever and
    a select case on it is never ready.  Go's ``for t := range time.Tick(d)``
    is ``for t in tick(d):``.

    Raises:
        TypeError: ``d`` is not a number.
        ValueError: ``d`` is NaN.
    """
    d = _seconds(d, "tick")
    if d <= 0:
        return NIL
    return Ticker(d).c


def after_func(d: float, fn: Callable[[], object]) -> Timer:
    """Run ``fn()`` in its own goroutine ``d`` seconds from now (Go's ``time.AfterFunc``).

    Never blocks.  The returned timer's ``c`` is the nil channel (never
    ready); ``stop()`` prevents a run that has not started, and ``reset(d)``
    schedules one more run.  An exception from ``fn`` crashes the program
    like any goroutine's.

    Raises:
        TypeError: ``fn`` is not callable, or ``d`` is not a number.
        ValueError: ``d`` is NaN.
    """
    d = _seconds(d, "after_func")
    if not callable(fn):
        raise TypeError(f"after_func() argument 'fn' must be callable, not {type(fn).__name__}")
    return Timer._func(d, fn, sys._getframe(1))
