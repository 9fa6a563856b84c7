# cython: nonecheck=True
# (compiled: select(None) raises select()'s TypeError rather than read None as a case)
"""select and its cases: recv(), send(), default.

The protocol is Go's (``runtime/select.go``): pass 1 polls every case and
picks uniformly at random among the ready ones; pass 2 parks one waiter per
case, all sharing one :class:`~gochan._core.SelectState`, and the first
waker to claim it wins; pass 3 takes the losing waiters out of their queues.
"""

from __future__ import annotations

import random
from typing import Any, Final, Generic, TypeVar

from ._chan import NIL, Chan, RecvChan, SendChan
from ._core import (
    Runtime,
    SelectWaiter,
    WaitReason,
    get_runtime,
    has_waiter,
    hide_frame,
    push,
    select_state,
    select_waiter,
)

# The calls into the thread on the hot path, by their bare names: Python
# functions here, C calls when compiled, where _select.pxd cimports the same
# names (see _core/_greenlet.py).  A star import, as Cython refuses a name
# both imported and cimported.
# ruff: noqa: F405
from ._core._greenlet import *  # noqa: F403
from ._errors import SendOnClosedChannel, describe, foreign_thread

T = TypeVar("T")

_SELECT = WaitReason.SELECT
_SELECT_NO_CASES = WaitReason.SELECT_NO_CASES
# random.Random.random unbound: compiled, a call of it skips the method lookup.
_random = random.Random.random
_TWO_DEFAULTS = "select(): at most one default case, got two (Go: multiple defaults in select)"


class _CaseCore:
    """The fields of every select case, which select() reads (and, compiled, at
    fixed offsets): apart from :class:`Case` so that it can be compiled."""

    # ch: the channel, None for Go's nil channel and for the default case;
    # value: a send case's value, a receive case's value received; ok: a
    # receive case's ok, once chosen; _sending: how select() tells the kinds
    # of case apart.  Declared by the subclasses, for the typing of each.
    __slots__ = ("_sending", "ch", "ok", "value")


class Case(_CaseCore):
    """A select case: made by :func:`recv`, :func:`send`, or :data:`default`."""

    __slots__ = ()


class RecvCase(Case, Generic[T]):
    """A receive case.  After ``select`` chose it, ``value`` and ``ok`` hold
    what was received (Go's ``case v, ok := <-ch``)."""

    __slots__ = ()

    ch: RecvChan[T] | None
    value: T

    def __init__(self, ch: RecvChan[T] | None) -> None:
        self.ch = ch  # None is Go's nil channel: never ready
        self.value: T = None  # type: ignore[assignment]
        self.ok = False
        self._sending = False  # how select() tells the kinds of case apart

    def __repr__(self) -> str:
        return f"recv({self.ch!r})"


class SendCase(Case, Generic[T]):
    """A send case (Go's ``case ch <- value``)."""

    __slots__ = ()

    ch: SendChan[T] | None
    value: T

    def __init__(self, ch: SendChan[T] | None, value: T) -> None:
        self.ch = ch  # None is Go's nil channel: never ready
        self.value = value
        self.ok = False
        self._sending = True

    def __repr__(self) -> str:
        return f"send({self.ch!r}, {self.value!r})"


class DefaultCase(Case):
    """The type of :data:`default`."""

    __slots__ = ()

    def __init__(self) -> None:
        self.ch = None  # no channel: select() tells the default case by its identity
        self._sending = False

    def __repr__(self) -> str:
        return "default"


default: Final = DefaultCase()
"""The default case: chosen at once when no other case is ready."""


def recv(ch: RecvChan[T] | None) -> RecvCase[T]:
    """A receive case on ``ch`` for :func:`select`; ``None`` is never ready."""
    return RecvCase(ch)


def send(ch: SendChan[T] | None, value: T) -> SendCase[T]:
    """A case sending ``value`` on ``ch`` for :func:`select`; ``None`` is never ready."""
    return SendCase(ch, value)


def select(*cases: Case) -> Case:
    """Go's ``select``: run one ready case and return it.

    Among several ready cases it picks one uniformly at random.  With
    :data:`default` among the cases it never blocks; otherwise it blocks until
    one case can run.  ``select()`` with no cases blocks forever.  Case
    objects can be passed to ``select`` again, in a loop.

    Raises:
        Panic: ``send on closed channel`` when the chosen case sends on a
            closed channel, also when it closes while the select is blocked.
        TypeError: an argument is not a case, a case's channel is neither a
            ``Chan`` nor None, or :data:`default` is given twice (Go's
            compile errors).
        RuntimeError: a channel belongs to another thread's runtime.
    """
    try:
        return _select(cases)
    except BaseException as exc:
        hide_frame(exc)  # out of select(), as out of _select()'s park: see there
        raise


def _select(cases: tuple[Case, ...]) -> Case:
    """:func:`select`'s body: a function of its own, so that the compiled
    build can give its variables C types (``_select.pxd``)."""
    # Pass 1: poll every case, then pick one of the ready ones uniformly.  The
    # runtime is that of the first channel, checked to be this thread's, and
    # every other channel must be of the same.
    rt: Runtime | None = None
    ready: list[Case] = []
    has_default = False
    try:
        for case in cases:
            ch: Any = case.ch  # type: ignore[attr-defined]
            if ch is None:  # Go's nil channel, never ready; or the default case
                if case is default:
                    if has_default:
                        raise TypeError(_TWO_DEFAULTS)
                    has_default = True
                continue
            if ch._rt is not rt:
                if (
                    ch is NIL
                ):  # never ready; belongs to no runtime (its _rt is the caller's or None)
                    continue
                if rt is not None or (
                    ch._rt.running is not cheap_current() and ch._thread_id != get_ident()
                ):
                    raise foreign_thread(ch, ch._thread_id)
                rt = ch._rt
            if case._sending:  # type: ignore[attr-defined]
                # Ready: room in the buffer, the channel is closed (send panics),
                # or a live receiver waits.
                if (
                    len(ch._buf) < ch._cap
                    or ch._closed
                    or ((q := ch._recvq) is not None and (q.sel is None or has_waiter(q)))
                ):
                    ready.append(case)
            # Ready: a value is buffered, the channel is closed, or a live
            # sender waits.  (_cap first: compiled, the truth of _buf is a call.)
            elif (
                (ch._cap and ch._buf)
                or ch._closed
                or ((q := ch._sendq) is not None and (q.sel is None or has_waiter(q)))
            ):
                ready.append(case)
    except (AttributeError, TypeError):
        # Not a case, or not a channel: the polls above read their attributes
        # (compiled, they take them as typed: a TypeError).  ``arg``, not
        # ``case``, which is typed in the compiled build.
        for arg in cases:
            if not isinstance(arg, (RecvCase, SendCase, DefaultCase)):
                raise TypeError(
                    f"select() takes recv(), send() or default cases, not {arg!r}"
                ) from None
            if arg.ch is not None and not isinstance(arg.ch, Chan):
                raise TypeError(
                    f"select(): the channel of {arg!r} must be a Chan or None, "
                    f"not {describe(arg.ch)}"
                ) from None
        raise
    if rt is None:  # no channel at all
        rt = get_runtime()
    chosen: Case | None = None
    if ready:
        n = len(ready)
        chosen = ready[0] if n == 1 else ready[int(_random(rt.rng) * n)]

    if chosen is not None:
        # Ready, so this cannot block: nothing ran since the poll.
        ch = chosen.ch  # type: ignore[attr-defined]
        if type(chosen) is RecvCase:
            # ch.recv_ok() without its tuple: recv() clears g.ok when the
            # channel is closed and drained.
            g = rt.current or rt.implicit_main()
            g.ok = True
            chosen.value = ch.recv()
            chosen.ok = g.ok
        else:
            ch.send(chosen.value)  # type: ignore[attr-defined]
        return chosen
    if has_default:
        return default

    # Pass 2: park on every channel at once.
    g = rt.current or rt.implicit_main()
    sel = select_state(g)
    for case in cases:
        ch = case.ch  # type: ignore[attr-defined]
        if ch is None or ch is NIL:  # never ready: nothing to wait on
            continue
        if type(case) is RecvCase:
            w = select_waiter(sel, case, ch, False, None)
            ch._recvq = push(ch._recvq, w)
        else:
            w = select_waiter(sel, case, ch, True, case.value)  # type: ignore[attr-defined]
            ch._sendq = push(ch._sendq, w)
        if w.prev is not None and w.prev.sel is sel:
            # Queued right behind another case of this select on this channel.
            _shuffle_in(w, rt)
    try:
        if not cases:
            while True:
                rt.park(_SELECT_NO_CASES, None)
        rt.park(_SELECT, sel)
    except BaseException as exc:
        hide_frame(exc)  # out of select(), as out of park(): see Runtime.leave_park
        raise

    # Pass 3: the winner was claimed by its waker; dequeue the others.
    winner = sel.winner
    assert winner is not None
    sel.discard_losers()
    won: Case = winner.case
    value = winner.value
    ok = winner.ok
    g.waitq = None  # no longer sel, which the next select to park may take
    sel.free()
    if type(won) is RecvCase:
        won.value = value
        won.ok = ok
    elif not ok:
        raise SendOnClosedChannel
    return won


def _shuffle_in(w: SelectWaiter, rt: Runtime) -> None:
    """Swap the case of ``w``, just queued, with that of a random one of the
    waiters of its select queued before it in the same queue, or with its own.

    Go enqueues a parked select's cases on one channel in a random order
    ("permute cases on the same channel", ``runtime/select.go``), so that a
    later receiver (or sender) serves any of them as likely as the others.
    Done as each such case is queued, this is the inside-out Fisher-Yates
    shuffle over them; the random numbers come from the runtime's seeded
    generator, so a seeded run replays.
    """
    sel = w.sel
    same = [w]  # the waiters of sel in this queue: adjacent, as nothing ran meanwhile
    p = w.prev
    while p is not w and p.sel is sel:
        same.append(p)
        p = p.prev
    other = same[int(_random(rt.rng) * len(same))]
    if other is not w:
        w.case, other.case = other.case, w.case
        w.value, other.value = other.value, w.value
