"""Go's package ``context``: cancellation, deadlines and request-scoped values.

A :class:`Context` carries a done channel (closed, exactly once, when the
context is cancelled), the reason (:meth:`Context.err`, a fresh
:class:`~gochan.Canceled` or :class:`~gochan.DeadlineExceeded` per
context), an optional deadline and values.  Contexts form a tree:
cancelling one cancels every descendant, through ``with_value`` layers too,
and a cancelled context leaves its parent, so a long-lived parent does not
accumulate children.  Deadlines are seconds on the runtime's monotonic clock
and are enforced by the scheduler's timers.

Cancellation runs on the goroutine that cancels (or on the scheduler loop,
for a deadline) and never blocks.
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from functools import partial
from types import FrameType
from typing import Any

from ._chan import Chan, RecvChan
from ._core import TimerEntry, get_runtime
from ._errors import Canceled, DeadlineExceeded
from ._select import recv, select

__all__ = [
    "CancelCauseFunc",
    "CancelFunc",
    "Canceled",
    "Context",
    "DeadlineExceeded",
    "after_func",
    "background",
    "cause",
    "todo",
    "with_cancel",
    "with_cancel_cause",
    "with_deadline",
    "with_timeout",
    "with_value",
    "without_cancel",
]

CancelFunc = Callable[[], None]
"""Cancels its context (Go's ``context.CancelFunc``); idempotent, never blocks."""

CancelCauseFunc = Callable[[BaseException | None], None]
"""Cancels its context with a cause (Go's ``context.CancelCauseFunc``)."""

_Reason = type[Canceled] | type[DeadlineExceeded]


class Context(ABC):
    """Go's ``context.Context``: what every context offers.

    Made by :func:`background`, :func:`todo` and the ``with_*`` functions.
    Subclass it to write a context of your own; the ``with_*`` functions
    accept one as parent (a goroutine then watches its ``done()``).
    """

    __slots__ = ()

    @abstractmethod
    def deadline(self) -> float | None:
        """When the context is cancelled by its deadline (a monotonic time), or None."""

    @abstractmethod
    def done(self) -> RecvChan[None] | None:
        """A channel closed when the context is cancelled; never blocks.

        None (Go's nil channel, never ready in a select) for a context that
        can never be cancelled.  Successive calls return the same channel.
        Use it in a select: ``select(recv(ctx.done()), recv(jobs))``.
        """

    @abstractmethod
    def err(self) -> Exception | None:
        """None until the context is cancelled; then why, for good.

        A :class:`~gochan.Canceled` or a :class:`~gochan.DeadlineExceeded`
        instance (the same one on every call), set before ``done()`` closes.
        """

    @abstractmethod
    def value(self, key: object) -> Any:
        """The value stored for ``key`` by this context or its nearest ancestor, or None."""


class _NeverCanceledCtx(Context):
    """A context that no cancel and no deadline can ever reach."""

    __slots__ = ()

    def deadline(self) -> float | None:
        return None

    def done(self) -> RecvChan[None] | None:
        return None

    def err(self) -> Exception | None:
        return None


class _EmptyCtx(_NeverCanceledCtx):
    """background() and todo(): never cancelled, no deadline, no values."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def value(self, key: object) -> Any:
        return None

    def __repr__(self) -> str:
        return self._name


_BACKGROUND = _EmptyCtx("context.Background")
_TODO = _EmptyCtx("context.TODO")


def background() -> Context:
    """The root of every context tree (Go's ``context.Background``).

    Never cancelled (``done()`` is None), no deadline, no values.
    """
    return _BACKGROUND


def todo() -> Context:
    """Like :func:`background`, for code not yet passed a context (Go's ``context.TODO``)."""
    return _TODO


class _CancelCtx(Context):
    """A context that can be cancelled: made by with_cancel and with_cancel_cause.

    Invariants: ``_err`` is None until the one cancellation, then never
    changes; once it is set, ``_done`` (if made) is closed and ``_children``
    is None; every context in ``_children`` has this one as ``_parent_cc``.
    """

    __slots__ = ("_cause", "_children", "_done", "_err", "_parent", "_parent_cc")

    def __init__(self, parent: Context) -> None:
        self._parent = parent
        # The cancellable ancestor this one is registered with; None once detached.
        self._parent_cc: _CancelCtx | None = None
        self._done: Chan[None] | None = None  # made by the first done() call
        self._err: Canceled | DeadlineExceeded | None = None  # set by the first cancel
        self._cause: BaseException | None = None  # set by the first cancel; None: err()
        # Cancelled along with this one; made by the first child, None once cancelled.
        self._children: dict[_CancelCtx, None] | None = None

    def deadline(self) -> float | None:
        return _deadline(self._parent)

    def done(self) -> RecvChan[None]:
        ch = self._done
        if ch is None:
            ch = self._done = Chan[None]()
            if self._err is not None:
                ch.close()
        return ch

    def err(self) -> Exception | None:
        return self._err

    def value(self, key: object) -> Any:
        return _value(self._parent, key)

    def __repr__(self) -> str:
        return f"{self._parent!r}.WithCancel"

    # -- cancellation -----------------------------------------------------

    def _cancel(
        self, remove_from_parent: bool, reason: _Reason, cause: BaseException | None
    ) -> None:
        """Cancel this context and its descendants, without recursion (trees may be deep)."""
        if remove_from_parent:
            self._detach()
        stack: list[_CancelCtx] = [self]
        while stack:
            stack.extend(stack.pop()._mark(reason, cause))

    def _mark(self, reason: _Reason, cause: BaseException | None) -> Iterable[_CancelCtx]:
        """Cancel this one context; return its children, which are to be cancelled too."""
        if self._err is not None:
            return ()
        self._err = reason()
        self._cause = cause
        if self._done is not None:
            self._done.close()
        children, self._children = self._children, None
        return children or ()

    def _detach(self) -> None:
        """Leave the parent's children, so that a long-lived parent does not keep us."""
        p, self._parent_cc = self._parent_cc, None
        if p is not None and p._children:
            p._children.pop(self, None)


class _TimerCtx(_CancelCtx):
    """A cancel context with a deadline: made by with_deadline and with_timeout."""

    __slots__ = ("_deadline", "_timer")

    def __init__(self, parent: Context, deadline: float) -> None:
        super().__init__(parent)
        self._deadline = deadline
        self._timer: TimerEntry | None = None  # pending until the deadline or a cancel

    def deadline(self) -> float | None:
        return self._deadline

    def __repr__(self) -> str:
        remaining = self._deadline - get_runtime().clock.now()
        return (
            f"{self._parent!r}.WithDeadline({self._deadline:.6f} [{_format_duration(remaining)}])"
        )

    def _mark(self, reason: _Reason, cause: BaseException | None) -> Iterable[_CancelCtx]:
        timer, self._timer = self._timer, None
        if timer is not None:
            get_runtime().timers.cancel(timer)
        return super()._mark(reason, cause)


class _AfterFuncCtx(_CancelCtx):
    """after_func's registration: starts ``fn`` in a goroutine when cancelled, unless stopped."""

    __slots__ = ("_fn", "_site")

    def __init__(self, parent: Context, fn: Callable[[], object], site: FrameType) -> None:
        super().__init__(parent)
        self._fn: Callable[[], object] | None = fn  # None once started or stopped
        self._site = site

    def _mark(self, reason: _Reason, cause: BaseException | None) -> Iterable[_CancelCtx]:
        fn, self._fn = self._fn, None
        if fn is not None:
            get_runtime().spawn(fn, (), None, self._site)
        return super()._mark(reason, cause)

    def stop(self) -> bool:
        if self._fn is None:
            return False
        self._fn = None
        self._cancel(True, Canceled, None)
        return True


class _ValueCtx(Context):
    """A context carrying one key/value pair: made by with_value."""

    __slots__ = ("_key", "_parent", "_val")

    def __init__(self, parent: Context, key: object, val: object) -> None:
        self._parent = parent
        self._key = key
        self._val = val

    def deadline(self) -> float | None:
        return _deadline(self._parent)

    def done(self) -> RecvChan[None] | None:
        return _skip_values(self._parent).done()

    def err(self) -> Exception | None:
        return _skip_values(self._parent).err()

    def value(self, key: object) -> Any:
        return _value(self, key)

    def __repr__(self) -> str:
        return f"{self._parent!r}.WithValue({_stringify(self._key)}, {_stringify(self._val)})"


class _WithoutCancelCtx(_NeverCanceledCtx):
    """The parent's values without its cancellation: made by without_cancel."""

    __slots__ = ("_parent",)

    def __init__(self, parent: Context) -> None:
        self._parent = parent

    def value(self, key: object) -> Any:
        return _value(self._parent, key)

    def __repr__(self) -> str:
        return f"{self._parent!r}.WithoutCancel"


# -- walking up the tree (loops, not recursion: chains may be long) ---------------


def _skip_values(ctx: Context) -> Context:
    while isinstance(ctx, _ValueCtx):
        ctx = ctx._parent
    return ctx


def _value(ctx: Context, key: object) -> Any:
    while True:
        if isinstance(ctx, _ValueCtx):
            if ctx._key == key:
                return ctx._val
            ctx = ctx._parent
        elif isinstance(ctx, (_CancelCtx, _WithoutCancelCtx)):
            ctx = ctx._parent
        else:
            return ctx.value(key)


def _deadline(ctx: Context) -> float | None:
    while isinstance(ctx, (_CancelCtx, _ValueCtx)) and type(ctx) is not _TimerCtx:
        ctx = ctx._parent
    return ctx.deadline()


def _cancel_ancestor(ctx: Context) -> _CancelCtx | None:
    """The cancellable context that ``ctx`` is, or wraps in value layers; else None."""
    ctx = _skip_values(ctx)
    return ctx if isinstance(ctx, _CancelCtx) else None


def _propagate(parent: Context, child: _CancelCtx, site: FrameType) -> None:
    """Arrange for ``child`` to be cancelled when ``parent`` is (Go's propagateCancel)."""
    p = _cancel_ancestor(parent)
    if p is not None:
        if p._err is not None:
            child._mark(type(p._err), p._cause)
            return
        if p._children is None:
            p._children = {}
        p._children[child] = None
        child._parent_cc = p
        return
    done = parent.done()
    if done is None:
        return  # the parent can never be cancelled
    # A Context implemented outside gochan: a goroutine waits for either end.
    get_runtime().spawn(_watch, (parent, done, child), None, site)


def _watch(parent: Context, parent_done: RecvChan[None], child: _CancelCtx) -> None:
    parent_case = recv(parent_done)
    if select(parent_case, recv(child.done())) is parent_case:
        reason: _Reason = (
            DeadlineExceeded if isinstance(parent.err(), DeadlineExceeded) else Canceled
        )
        child._cancel(False, reason, cause(parent))


def _check_parent(parent: Context) -> None:
    if parent is None:
        raise TypeError("cannot create context from nil parent")


# -- the public constructors ------------------------------------------------------


def with_cancel(parent: Context) -> tuple[Context, CancelFunc]:
    """A child of ``parent`` and the function that cancels it (Go's ``context.WithCancel``).

    The child is cancelled (``done()`` closes, ``err()`` is a
    :class:`~gochan.Canceled`) when ``cancel()`` is called or when
    ``parent`` is cancelled, whichever is first.  ``cancel`` is idempotent,
    never blocks, and takes the child out of its parent: call it when the
    work is done (Go's ``defer cancel()``, here ``try``/``finally``).

    Raises:
        TypeError: ``parent`` is None.
    """
    _check_parent(parent)
    c = _CancelCtx(parent)
    _propagate(parent, c, sys._getframe(1))
    return c, partial(c._cancel, True, Canceled, None)


def with_cancel_cause(parent: Context) -> tuple[Context, CancelCauseFunc]:
    """Like :func:`with_cancel`, but ``cancel(cause)`` records why (Go's ``WithCancelCause``).

    ``cancel`` takes any exception or None; :func:`cause` then returns that
    very object (``err()`` is still a :class:`~gochan.Canceled`).  Only the
    first call counts.

    Raises:
        TypeError: ``parent`` is None.
    """
    _check_parent(parent)
    c = _CancelCtx(parent)
    _propagate(parent, c, sys._getframe(1))

    def cancel(cause: BaseException | None) -> None:
        c._cancel(True, Canceled, cause)

    return c, cancel


def with_deadline(parent: Context, deadline: float) -> tuple[Context, CancelFunc]:
    """A child of ``parent`` cancelled at ``deadline`` at the latest (Go's ``WithDeadline``).

    ``deadline`` is a time on the runtime's monotonic clock
    (``time.monotonic()``).  At the deadline ``err()`` becomes a
    :class:`~gochan.DeadlineExceeded`; a deadline already past cancels at
    once.  If ``parent``'s deadline is earlier, this is :func:`with_cancel`.
    ``cancel()`` also stops the timer: call it when the work is done.

    Raises:
        TypeError: ``parent`` is None.
    """
    _check_parent(parent)
    current = parent.deadline()
    if current is not None and current < deadline:
        c: _CancelCtx = _CancelCtx(parent)
        _propagate(parent, c, sys._getframe(1))
        return c, partial(c._cancel, True, Canceled, None)
    t = _TimerCtx(parent, deadline)
    _propagate(parent, t, sys._getframe(1))
    rt = get_runtime()
    delay = deadline - rt.clock.now()
    if delay <= 0:
        t._cancel(True, DeadlineExceeded, None)
        return t, partial(t._cancel, False, Canceled, None)
    if t._err is None:
        t._timer = rt.add_timer(delay, partial(t._cancel, True, DeadlineExceeded, None))
    return t, partial(t._cancel, True, Canceled, None)


def with_timeout(parent: Context, timeout: float) -> tuple[Context, CancelFunc]:
    """``with_deadline(parent, now + timeout)`` (Go's ``context.WithTimeout``).

    Raises:
        TypeError: ``parent`` is None.
    """
    _check_parent(parent)
    return with_deadline(parent, get_runtime().clock.now() + timeout)


def with_value(parent: Context, key: object, val: object) -> Context:
    """A child of ``parent`` whose ``value(key)`` is ``val`` (Go's ``context.WithValue``).

    Keys are compared with ``==``; use a private object or class as key so
    packages do not collide.  Cancellation and deadline are the parent's.

    Raises:
        TypeError: ``parent`` or ``key`` is None.
    """
    _check_parent(parent)
    if key is None:
        raise TypeError("nil key")
    return _ValueCtx(parent, key, val)


def without_cancel(parent: Context) -> Context:
    """``parent``'s values without its cancellation or deadline (Go's ``WithoutCancel``).

    Raises:
        TypeError: ``parent`` is None.
    """
    _check_parent(parent)
    return _WithoutCancelCtx(parent)


def after_func(ctx: Context, fn: Callable[[], object]) -> Callable[[], bool]:
    """Run ``fn()`` in its own goroutine once ``ctx`` is done (Go's ``context.AfterFunc``).

    If ``ctx`` is done already, ``fn`` starts at once.  Returns ``stop``:
    ``stop()`` unregisters ``fn`` and returns True if it did so before
    ``fn`` started, False if ``fn`` started already or ``stop`` was called
    already.  ``stop`` does not wait for ``fn`` to finish.  Never blocks.
    """
    a = _AfterFuncCtx(ctx, fn, sys._getframe(1))
    _propagate(ctx, a, sys._getframe(1))
    return a.stop


def cause(ctx: Context) -> BaseException | None:
    """Why ``ctx`` was cancelled (Go's ``context.Cause``).

    The very object given to a ``with_cancel_cause`` cancel function, for
    that context and its descendants; otherwise ``ctx.err()``.  None while
    ``ctx`` is not cancelled.
    """
    c = _cancel_ancestor(ctx)
    if c is None:
        return ctx.err()
    return c._cause if c._cause is not None else c._err


# -- formatting ---------------------------------------------------------------------


def _stringify(v: object) -> str:
    if isinstance(v, str):
        return v
    if v is None:
        return "<nil>"
    return repr(v)


def _format_duration(seconds: float) -> str:
    """``seconds`` as Go's ``Duration.String()`` writes it: ``1.5s``, ``250ms``, ``1h2m3s``."""
    ns = round(seconds * 1e9)
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    if ns < 1_000:
        return f"{sign}{ns}ns"
    if ns < 1_000_000:
        return f"{sign}{_decimal(ns, 1_000)}µs"
    if ns < 1_000_000_000:
        return f"{sign}{_decimal(ns, 1_000_000)}ms"
    hours, ns = divmod(ns, 3_600_000_000_000)
    minutes, ns = divmod(ns, 60_000_000_000)
    out = f"{hours}h" if hours else ""
    if hours or minutes:
        out += f"{minutes}m"
    return f"{sign}{out}{_decimal(ns, 1_000_000_000)}s"


def _decimal(n: int, unit: int) -> str:
    whole, frac = divmod(n, unit)
    if not frac:
        return str(whole)
    digits = len(str(unit)) - 1
    return f"{whole}.{str(frac).rjust(digits, '0').rstrip('0')}"
