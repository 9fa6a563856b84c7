"""Go's package ``os/signal``: incoming signals delivered on channels.

``notify(ch, SIGINT)`` makes a signal a value on a channel, instead of
``KeyboardInterrupt``; ``notify_context`` makes it the cancellation of a
context, the usual way to shut a program down gracefully.  The values sent
are :class:`signal.Signals` members; take the signals from Python's
``signal`` module (``from signal import SIGINT, SIGTERM``).

Python sets signal handlers on the main thread only, so every function here
but :func:`ignored` must be called on the main thread, and the channels
must belong to its runtime.  While a channel is notified, the program may
get a signal at any time: goroutines waiting for one are not a deadlock.
Notifications end with the program (``run()`` returning, or a script's
end) if :func:`stop` did not end them before, and the handlers they
replaced come back.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterable
from functools import partial
from types import FrameType
from typing import Any

from ._chan import Chan, SendChan
from ._core import Runtime, get_runtime
from ._errors import Canceled, foreign_thread
from ._select import default, recv, select, send
from .context import CancelFunc, Context, _CancelCtx, _check_parent, _propagate

__all__ = ["ignore", "ignored", "notify", "notify_context", "reset", "stop"]

# How a signal travels (Go's own path, through its signal loop goroutine):
#
# 1. Python runs a signal's handler on the main thread, between two bytecodes,
#    wherever that thread is: possibly in the middle of the scheduler or of a
#    channel operation.  So the handler only posts the signal's delivery to
#    the runtime (Runtime.post), which is safe there: a deque append, atomic,
#    and, if the loop sleeps in the poller, a byte to its wake-up socket.
#    Nothing the interrupted code may be in the middle of is touched.
# 2. The OS may catch a signal on another thread (a blocking() worker's).
#    There Python's C-level handler only flags it for the main thread, which
#    would sleep on in the poller and run the handler only once something
#    else woke it.  So while channels are notified, the poller's wake-up
#    socket is Python's signal wake-up descriptor (signal.set_wakeup_fd):
#    the C-level handler writes a byte to it on whatever thread, the loop
#    wakes, and the main thread runs the handler.
# 3. On the loop, the delivery starts a goroutine that sends the signal on
#    every channel notified of it, without blocking (Go's process()): a
#    channel with no room misses it, as in Go.

_Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None

# Signals no process can catch, block or ignore: notify() takes them, as Go's
# Notify does, but they never arrive.
_UNCATCHABLE = frozenset({signal.SIGKILL, signal.SIGSTOP})
# Signals that report a fault of the program itself.  A Python handler runs
# only later, between bytecodes, and the faulting instruction would run
# again and again: notify() and ignore() without signals leave them alone.
_FAULTS = frozenset({signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGILL, signal.SIGABRT})
_ALL = frozenset(signal.Signals) - _UNCATCHABLE - _FAULTS  # what "no signals given" means

# State, touched on the main thread only (its goroutines, its loop):
# Go's handlers.m: every notified channel and the signals it wants.
_wanted: dict[SendChan[signal.Signals], set[signal.Signals]] = {}
# The handler a signal had before this module first changed it; the one
# restored when no channel wants the signal any more, or by reset().
_replaced: dict[signal.Signals, _Handler] = {}
# The main thread's runtime, which owns every notified channel; set by the
# first notify().
_rt: Runtime | None = None
# While channels are notified, the wake-up descriptor that the poller's
# replaced (-1: none); None otherwise.
_replaced_wakeup_fd: int | None = None


def notify(c: SendChan[signal.Signals], /, *signals: signal.Signals) -> None:
    """Relay the incoming ``signals`` to ``c`` (Go's ``signal.Notify``).

    With no signals, every signal a program can catch is relayed, but for
    those reporting a fault of the program (``SIGSEGV``, ``SIGBUS``,
    ``SIGFPE``, ``SIGILL``, ``SIGABRT``), which Python code cannot handle.
    A notified signal no longer has its old effect: ``SIGINT`` no longer
    raises ``KeyboardInterrupt``, ``SIGTERM`` no longer ends the process.
    Calling ``notify`` again with the same channel adds signals; each of
    several channels notified of a signal gets its own copy.

    The send never blocks: a signal that finds ``c`` full is dropped, so
    give ``c`` a buffer (one slot is enough for one kind of signal).
    ``notify`` itself does not block.  While a channel is notified,
    goroutines waiting for a signal are not a deadlock.  ``SIGKILL`` and ``SIGSTOP`` are accepted and
    never arrive, as in Go.

    Raises:
        TypeError: ``c`` is not a channel (``None``: Go's panic
            ``os/signal: Notify using nil channel``).
        ValueError: called on another thread than the main one (Python
            sets signal handlers there only), or a signal is not one.
        RuntimeError: ``c`` belongs to another thread's runtime.
    """
    global _rt
    if not isinstance(c, Chan):
        if c is None:
            raise TypeError("os/signal: Notify using nil channel")
        raise TypeError(f"notify() needs a channel, not {type(c).__name__}")
    _check_main_thread("notify")
    rt = get_runtime()
    if c._rt is not rt:
        raise foreign_thread(c, c._thread_id)
    adding = _signals(signals)
    _rt = rt  # the main thread's, the same every time
    wanted = _wanted.setdefault(c, set())
    for sig in adding - wanted:
        if sig not in _UNCATCHABLE and not _is_wanted(sig):
            _replaced.setdefault(sig, signal.getsignal(sig))
            signal.signal(sig, _caught_signal)
        wanted.add(sig)
    _watch(rt)


def stop(c: SendChan[signal.Signals], /) -> None:
    """Stop relaying signals to ``c`` (Go's ``signal.Stop``).

    Undoes every :func:`notify` with ``c``: once ``stop`` returns, ``c``
    gets no more signals (one caught but not yet sent is dropped).  A
    signal no channel wants any more gets back the handler it had before
    (``SIGINT``: ``KeyboardInterrupt`` again).  Does nothing for a channel
    not notified.  Does not block.

    Raises:
        ValueError: called on another thread than the main one.
    """
    _check_main_thread("stop")
    wanted = _wanted.pop(c, None)
    if wanted is None:
        return
    for sig in wanted:
        if not _is_wanted(sig):
            _restore(sig)
    _watch(_rt)


def ignore(*signals: signal.Signals) -> None:
    """Ignore ``signals``: when one arrives, nothing happens (Go's ``signal.Ignore``).

    Undoes :func:`notify` for them, on every channel.  With no signals,
    every signal :func:`notify` would relay is ignored.  Lasts beyond the
    program, as Python's own handlers do, until :func:`reset`.  Does not
    block.

    Raises:
        ValueError: called on another thread than the main one, or a signal
            is not one.
    """
    _check_main_thread("ignore")
    ignoring = _signals(signals)
    _forget(ignoring)
    for sig in ignoring - _UNCATCHABLE:
        _replaced.setdefault(sig, signal.getsignal(sig))
        signal.signal(sig, signal.SIG_IGN)


def ignored(sig: signal.Signals, /) -> bool:
    """Whether ``sig`` is ignored now (Go's ``signal.Ignored``), by :func:`ignore` or otherwise.

    ``SIGPIPE`` is, from the start: Python ignores it.  May be called on any
    thread.  Does not block.

    Raises:
        ValueError: ``sig`` is not a signal.
    """
    return signal.getsignal(signal.Signals(sig)) == signal.SIG_IGN


def reset(*signals: signal.Signals) -> None:
    """Undo :func:`notify` and :func:`ignore` for ``signals`` (Go's ``signal.Reset``).

    Each signal gets back the handler it had before this module first
    changed it; the channels notified of it no longer get it.  With no
    signals, every signal notified or changed here is reset.  Does not block.

    Raises:
        ValueError: called on another thread than the main one, or a signal
            is not one.
    """
    _check_main_thread("reset")
    if signals:
        resetting = {signal.Signals(s) for s in signals}
    else:
        resetting = set(_replaced).union(*_wanted.values())
    _forget(resetting)
    for sig in resetting:
        _restore(sig)


def notify_context(parent: Context, /, *signals: signal.Signals) -> tuple[Context, CancelFunc]:
    """A child of ``parent`` cancelled when one of ``signals`` arrives (Go's ``signal.NotifyContext``).

    The context is done when a signal arrives, when the returned ``stop``
    is called, or when ``parent`` is done, whichever comes first.  After a
    signal, ``cause(ctx)`` is an error saying which (``interrupt signal
    received``, Go's words).  ``stop()`` also ends the notification, which,
    as :func:`stop`, gives the signals their old effect back: call it as
    soon as the work is done (``try``/``finally``, Go's ``defer stop()``).
    With no signals, every signal :func:`notify` would relay cancels it.
    Does not block.  ``repr(ctx)`` is Go's ``String()``:
    ``signal.NotifyContext(context.Background, [interrupt])``.

    Raises:
        TypeError: ``parent`` is None.
        ValueError: called on another thread than the main one, or a signal
            is not one.
    """
    _check_parent(parent, "notify_context")
    ctx = _SignalCtx(parent, signals)
    site = sys._getframe(1)
    _propagate(parent, ctx, site)
    ch = Chan[signal.Signals](1)
    notify(ch, *signals)
    if ctx.err() is None:
        get_runtime().spawn(_cancel_on_signal, (ctx, ch), None, site)

    def stop_notifying() -> None:
        ctx._cancel(True, Canceled, None)
        stop(ch)

    return ctx, stop_notifying


class _SignalCtx(_CancelCtx):
    """Go's ``signalCtx``: a cancellable context that names its signals."""

    __slots__ = ("_signals",)

    def __init__(self, parent: Context, signals: Iterable[signal.Signals]) -> None:
        super().__init__(parent, parent.deadline())
        self._signals = tuple(signals)

    def __repr__(self) -> str:
        names = " ".join(map(_go_string, self._signals))
        return f"signal.NotifyContext({self._parent!r}{f', [{names}]' if names else ''})"


class _SignalReceived(Exception):
    """The cause of a :func:`notify_context` context cancelled by a signal (Go's ``signalError``)."""


def _cancel_on_signal(ctx: _SignalCtx, ch: Chan[signal.Signals]) -> None:
    """The goroutine of a :func:`notify_context`: cancel ``ctx`` when a signal comes."""
    got = recv(ch)
    if select(got, recv(ctx.done())) is got:
        ctx._cancel(True, Canceled, _SignalReceived(f"{_go_string(got.value)} signal received"))


def _go_string(sig: signal.Signals) -> str:
    """How Go writes a signal (its ``String()``): the C library's description, in lower case."""
    text = signal.strsignal(sig)
    return sig.name if text is None else text[:1].lower() + text[1:]


# -- the path of a signal -------------------------------------------------------


def _caught_signal(signum: int, _frame: FrameType | None) -> None:
    """The handler of every notified signal, on the main thread between two bytecodes.

    It may run in the middle of anything, the scheduler included, so it only
    posts the delivery: :meth:`Runtime.post` is safe there.
    """
    rt = _rt
    assert rt is not None  # set before any handler was
    rt.post(partial(_deliver, rt, signum))


def _deliver(rt: Runtime, signum: int) -> None:
    """On the runtime's loop: start Go's ``process`` if a channel wants the signal."""
    sig = signal.Signals(signum)
    if _is_wanted(sig):
        rt.spawn(_process, (sig,), None, sys._getframe())


def _process(sig: signal.Signals) -> None:
    """Send ``sig`` on every channel that wants it, without blocking (Go's ``process``).

    A closed channel panics here, which crashes the program, as in Go.
    """
    for c, wanted in list(_wanted.items()):
        if sig in wanted:
            select(send(c, sig), default)


# -- bookkeeping ------------------------------------------------------------------


def _check_main_thread(name: str) -> None:
    if threading.current_thread() is not threading.main_thread():
        raise ValueError(
            f"gochan.signal.{name}() must be called on the main thread: "
            "Python handles signals there only"
        )


def _signals(signals: tuple[signal.Signals, ...]) -> set[signal.Signals]:
    """The signals given, checked; every catchable one but the faults if none."""
    return {signal.Signals(s) for s in signals} if signals else set(_ALL)


def _is_wanted(sig: signal.Signals) -> bool:
    return any(sig in wanted for wanted in _wanted.values())


def _forget(signals: set[signal.Signals]) -> None:
    """No channel gets ``signals`` any more."""
    for c, wanted in list(_wanted.items()):
        wanted -= signals
        if not wanted:
            del _wanted[c]
    _watch(_rt)


def _restore(sig: signal.Signals) -> None:
    """Give ``sig`` back the handler it had before this module first changed it."""
    if sig in _replaced:
        previous = _replaced.pop(sig)
        # None: a handler set outside Python, which Python cannot set again.
        signal.signal(sig, signal.SIG_DFL if previous is None else previous)


def _watch(rt: Runtime | None) -> None:
    """Tell the runtime whether channels are notified: then it waits for signals,
    and a signal caught on any thread wakes its poller."""
    global _replaced_wakeup_fd
    if rt is None:
        return
    if _wanted:
        rt.signal_watch = _end_notifications
        rt.countdown = True  # visit the loop, which takes the inbox, even while busy
        if _replaced_wakeup_fd is None:
            wakeup_fd = rt.netpoller().wakeup_fd
            _replaced_wakeup_fd = signal.set_wakeup_fd(wakeup_fd, warn_on_full_buffer=False)
    else:
        rt.signal_watch = None
        if _replaced_wakeup_fd is not None:
            signal.set_wakeup_fd(_replaced_wakeup_fd)
            _replaced_wakeup_fd = None


def _end_notifications() -> None:
    """As a program ends (``Runtime.end_main``): stop every channel."""
    for c in list(_wanted):
        stop(c)
