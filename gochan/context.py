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
for a deadline) and never blocks.  A cancellable context belongs to the
runtime of the thread that made it: its cancel function may be called from
any thread (it is handed to that runtime, see :func:`with_cancel`), and its
children are made on its thread.

Every context keeps what it would otherwise look up in its ancestors (its
deadline, and for a value layer the context whose cancellation it reports),
so making one costs the same at any depth of the tree.
"""

from __future__ import annotations

import math
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from functools import partial
from threading import get_ident
from types import FrameType
from typing import Any

from ._chan import NIL, Chan, RecvChan
from ._core import MAX_DELAY, Runtime, TimerEntry, get_runtime, post_to_program
from ._errors import Canceled, DeadlineExceeded
from ._select import recv, select
from .time import _seconds

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
    "with_deadline_cause",
    "with_timeout",
    "with_timeout_cause",
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
    def done(self) -> RecvChan[None]:
        """A channel closed when the context is cancelled; never blocks.

        Go's ``<-ctx.Done()`` is ``ctx.done().recv()``, and ``case
        <-ctx.Done():`` is ``recv(ctx.done())`` in a select.  For a context
        that can never be cancelled it is Go's nil channel, never ready
        (``background().done()``; a context of your own can return that
        too).  Successive calls return the same channel.
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

    def done(self) -> RecvChan[None]:
        return NIL

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

    Never cancelled (``done()`` is the nil channel, never ready), no
    deadline, no values.
    """
    return _BACKGROUND


def todo() -> Context:
    """Like :func:`background`, for code not yet passed a context (Go's ``context.TODO``)."""
    return _TODO


class _Derived(Context):
    """A context made from ``_parent`` by one of the ``with_*`` functions."""

    __slots__ = ()

    _parent: Context

    @abstractmethod
    def _describe(self) -> str:
        """What this layer adds to its parent's name in Go's ``String()``: ``.WithCancel``."""

    def __repr__(self) -> str:
        return _chain_repr(self)


class _CancelCtx(_Derived):
    """A context that can be cancelled: made by with_cancel and with_cancel_cause.

    Invariants: ``_err`` is None until the one cancellation, then never
    changes; once it is set, ``_done`` (if made) is closed and ``_children``
    is None; every context in ``_children`` has this one as ``_parent_cc``
    and the same ``_rt``.  Only ``_rt``'s thread changes any of them.
    """

    __slots__ = (
        "_cause",
        "_children",
        "_deadline",
        "_done",
        "_err",
        "_parent",
        "_parent_cc",
        "_rt",
    )

    def __init__(self, parent: Context, deadline: float | None) -> None:
        self._parent = parent
        self._deadline = deadline  # the parent's, or a timer context's own; fixed
        self._rt = get_runtime()  # the owner, whose thread runs every cancellation
        # The cancellable ancestor this one is registered with; None once detached.
        self._parent_cc: _CancelCtx | None = None
        self._done: Chan[None] | None = None  # made by the first done() call
        self._err: Canceled | DeadlineExceeded | None = None  # set by the first cancel
        self._cause: BaseException | None = None  # set by the first cancel; None: err()
        # Cancelled along with this one; made by the first child, None once cancelled.
        self._children: dict[_CancelCtx, None] | None = None

    def deadline(self) -> float | None:
        return self._deadline

    def done(self) -> RecvChan[None]:
        ch = self._done
        if ch is None:
            if self._rt.thread_id != get_ident():
                raise _foreign(self._rt, "done()")
            ch = self._done = Chan[None]()
            if self._err is not None:
                ch.close()
        return ch

    def err(self) -> Exception | None:
        return self._err

    def value(self, key: object) -> Any:
        return _value(self._parent, key)

    def _describe(self) -> str:
        return ".WithCancel"

    # -- cancellation -----------------------------------------------------

    def _cancel_anywhere(self, reason: _Reason, cause: BaseException | None) -> None:
        """The cancel functions' body: cancel here, or hand it to the owner's loop.

        From another thread the cancellation is posted to ``_rt``
        (:meth:`Runtime.post`, the one thread-safe entry) and runs there as
        if called there, as soon as its loop runs; this call does not wait.
        """
        rt = self._rt
        if rt.thread_id == get_ident():
            self._cancel(True, reason, cause)
        else:
            post_to_program(rt, partial(self._cancel, True, reason, cause))

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
    """A cancel context with a deadline of its own: made by with_deadline and with_timeout."""

    __slots__ = ("_timer",)

    def __init__(self, parent: Context, deadline: float) -> None:
        super().__init__(parent, deadline)
        self._timer: TimerEntry | None = None  # pending until the deadline or a cancel

    def _describe(self) -> str:
        deadline = self._deadline
        assert deadline is not None
        remaining = deadline - self._rt.clock.now()
        return f".WithDeadline({deadline:.6f} [{_format_duration(remaining)}])"

    def _mark(self, reason: _Reason, cause: BaseException | None) -> Iterable[_CancelCtx]:
        timer, self._timer = self._timer, None
        if timer is not None:
            self._rt.timers.cancel(timer)
        return super()._mark(reason, cause)


class _AfterFuncCtx(_CancelCtx):
    """after_func's registration: starts ``fn`` in a goroutine when cancelled, unless stopped.

    Never handed out, so nobody asks its deadline.
    """

    __slots__ = ("_fn", "_site")

    def __init__(self, parent: Context, fn: Callable[[], object], site: FrameType) -> None:
        super().__init__(parent, None)
        self._fn: Callable[[], object] | None = fn  # None once started or stopped
        self._site = site

    def _mark(self, reason: _Reason, cause: BaseException | None) -> Iterable[_CancelCtx]:
        fn, self._fn = self._fn, None
        if fn is not None:
            self._rt.spawn(fn, (), None, self._site)
        return super()._mark(reason, cause)

    def stop(self) -> bool:
        """after_func's ``stop``: see there.  From another thread, handed to the owner."""
        rt = self._rt
        if rt.thread_id != get_ident():
            post_to_program(rt, self._stop)
            return False
        return self._stop()

    def _stop(self) -> bool:
        if self._fn is None:
            return False
        self._fn = None
        self._cancel(True, Canceled, None)
        return True


class _ValueCtx(_Derived):
    """A context carrying one key/value pair: made by with_value."""

    __slots__ = ("_deadline", "_key", "_parent", "_source", "_val")

    def __init__(self, parent: Context, key: object, val: object) -> None:
        self._parent = parent
        self._key = key
        self._val = val
        # The nearest ancestor that is not a value layer, whose done(), err()
        # and cancellation this one reports; and its deadline.
        self._source: Context = parent._source if isinstance(parent, _ValueCtx) else parent
        self._deadline = parent.deadline()

    def deadline(self) -> float | None:
        return self._deadline

    def done(self) -> RecvChan[None]:
        return self._source.done()

    def err(self) -> Exception | None:
        return self._source.err()

    def value(self, key: object) -> Any:
        return _value(self, key)

    def _describe(self) -> str:
        return f".WithValue({_stringify(self._key)}, {_stringify(self._val)})"


class _WithoutCancelCtx(_NeverCanceledCtx, _Derived):
    """The parent's values without its cancellation: made by without_cancel."""

    __slots__ = ("_parent",)

    def __init__(self, parent: Context) -> None:
        self._parent = parent

    def value(self, key: object) -> Any:
        return _value(self._parent, key)

    def _describe(self) -> str:
        return ".WithoutCancel"


# -- walking up the tree (loops, not recursion: chains may be long) ---------------


def _value(ctx: Context, key: object) -> Any:
    while True:
        if isinstance(ctx, _ValueCtx):
            if ctx._key == key:
                return ctx._val
            ctx = ctx._parent
        elif isinstance(ctx, _Derived):
            ctx = ctx._parent
        else:
            return ctx.value(key)


def _chain_repr(ctx: Context) -> str:
    """Go's ``String()`` of a context: its root's name, then what each layer adds."""
    parts = []
    while isinstance(ctx, _Derived):
        parts.append(ctx._describe())
        ctx = ctx._parent
    parts.append(repr(ctx))
    return "".join(reversed(parts))


def _cancel_ancestor(ctx: Context) -> _CancelCtx | None:
    """The cancellable context that ``ctx`` is, or wraps in value layers; else None."""
    if isinstance(ctx, _ValueCtx):
        ctx = ctx._source
    return ctx if isinstance(ctx, _CancelCtx) else None


def _propagate(parent: Context, child: _CancelCtx, site: FrameType) -> None:
    """Arrange for ``child`` to be cancelled when ``parent`` is (Go's propagateCancel).

    Raises:
        RuntimeError: ``parent`` belongs to another thread's runtime.
    """
    p = _cancel_ancestor(parent)
    if p is not None:
        if p._rt is not child._rt:
            raise _foreign(p._rt, "a child context")
        if p._err is not None:
            child._mark(type(p._err), p._cause)
            return
        if p._children is None:
            p._children = {}
        p._children[child] = None
        child._parent_cc = p
        return
    done: RecvChan[None] | None = parent.done()
    if done is None or done is NIL:
        return  # the parent can never be cancelled
    # A Context implemented outside gochan: a goroutine waits for either end.
    child._rt.spawn(_watch, (parent, done, child), None, site)


def _watch(parent: Context, parent_done: RecvChan[None], child: _CancelCtx) -> None:
    parent_case = recv(parent_done)
    if select(parent_case, recv(child.done())) is parent_case:
        reason: _Reason = (
            DeadlineExceeded if isinstance(parent.err(), DeadlineExceeded) else Canceled
        )
        child._cancel(False, reason, cause(parent))


# -- checking arguments where they are given -----------------------------------------


def _check_parent(parent: object, func: str, arg: str = "parent") -> None:
    if parent is None and arg == "parent":
        raise TypeError("cannot create context from nil parent")  # Go's panic
    if not isinstance(parent, Context):
        raise TypeError(f"{func}() argument {arg!r} must be a Context, not {type(parent).__name__}")


def _check_cause(cause: object, func: str) -> None:
    if cause is not None and not isinstance(cause, BaseException):
        raise TypeError(
            f"{func}() argument 'cause' must be an exception or None, not {type(cause).__name__}"
        )


def _foreign(rt: Runtime, what: str) -> RuntimeError:
    return RuntimeError(
        f"{what} of a context that belongs to the gochan runtime of thread {rt.thread_id}, "
        f"from thread {get_ident()}: only its cancel functions may be called from "
        "another thread (see docs/threads.md)"
    )


# -- the public constructors ------------------------------------------------------


def with_cancel(parent: Context) -> tuple[Context, CancelFunc]:
    """A child of ``parent`` and the function that cancels it (Go's ``context.WithCancel``).

    The child is cancelled (``done()`` closes, ``err()`` is a
    :class:`~gochan.Canceled`) when ``cancel()`` is called or when
    ``parent`` is cancelled, whichever is first.  ``cancel`` is idempotent,
    never blocks, and takes the child out of its parent: call it when the
    work is done (Go's ``defer cancel()``, here ``try``/``finally``).

    ``cancel`` may be called from any thread.  From a thread other than the
    one that made the context, it is handed to that thread's runtime and
    takes effect there, as if called there, as soon as its scheduler loop
    runs: ``err()`` stays None until then.  Nothing happens if no program
    runs on that thread, or if it ends first.

    Raises:
        TypeError: ``parent`` is not a context.
        RuntimeError: ``parent`` can be cancelled and belongs to another
            thread's runtime.
    """
    _check_parent(parent, "with_cancel")
    c = _CancelCtx(parent, parent.deadline())
    _propagate(parent, c, sys._getframe(1))
    return c, partial(c._cancel_anywhere, Canceled, None)


def with_cancel_cause(parent: Context) -> tuple[Context, CancelCauseFunc]:
    """Like :func:`with_cancel`, but ``cancel(cause)`` records why (Go's ``WithCancelCause``).

    ``cancel`` takes any exception or None; :func:`cause` then returns that
    very object (``err()`` is still a :class:`~gochan.Canceled`).  Only the
    first call counts.  It may be called from any thread, as
    :func:`with_cancel`'s; it raises ``TypeError`` at once for a ``cause``
    that is neither an exception nor None.

    Raises:
        TypeError: ``parent`` is not a context.
        RuntimeError: ``parent`` can be cancelled and belongs to another
            thread's runtime.
    """
    _check_parent(parent, "with_cancel_cause")
    c = _CancelCtx(parent, parent.deadline())
    _propagate(parent, c, sys._getframe(1))

    def cancel(cause: BaseException | None) -> None:
        _check_cause(cause, "cancel")
        c._cancel_anywhere(Canceled, cause)

    return c, cancel


def _with_deadline(
    parent: Context, deadline: float, cause: BaseException | None, site: FrameType
) -> tuple[Context, CancelFunc]:
    """with_deadline with the cause that :func:`cause` reports once the deadline passes."""
    current = parent.deadline()
    if current is not None and current < deadline:
        c = _CancelCtx(parent, current)  # the parent's deadline comes first
        _propagate(parent, c, site)
        return c, partial(c._cancel_anywhere, Canceled, None)
    t = _TimerCtx(parent, deadline)
    _propagate(parent, t, site)
    rt = t._rt
    delay = deadline - rt.clock.now()
    if delay <= 0:
        t._cancel(True, DeadlineExceeded, cause)
    elif t._err is None:
        t._timer = rt.add_timer(delay, partial(t._cancel, True, DeadlineExceeded, cause))
    return t, partial(t._cancel_anywhere, Canceled, None)


def with_deadline(parent: Context, deadline: float) -> tuple[Context, CancelFunc]:
    """A child of ``parent`` cancelled at ``deadline`` at the latest (Go's ``WithDeadline``).

    ``deadline`` is a time on the runtime's monotonic clock
    (:func:`gochan.time.now`).  At the deadline ``err()`` becomes a
    :class:`~gochan.DeadlineExceeded`; a deadline already past cancels at
    once, an infinite one never.  If ``parent``'s deadline is earlier, this
    is :func:`with_cancel`.  ``cancel()`` also stops the timer: call it when
    the work is done; it may be called from any thread, as
    :func:`with_cancel`'s.

    Raises:
        TypeError: ``parent`` is not a context, or ``deadline`` not a number.
        ValueError: ``deadline`` is NaN.
        RuntimeError: ``parent`` can be cancelled and belongs to another
            thread's runtime.
    """
    _check_parent(parent, "with_deadline")
    deadline = _seconds(deadline, "with_deadline", "deadline")
    return _with_deadline(parent, deadline, None, sys._getframe(1))


def with_deadline_cause(
    parent: Context, deadline: float, cause: BaseException | None
) -> tuple[Context, CancelFunc]:
    """:func:`with_deadline` whose expiry records ``cause`` (Go 1.21's ``WithDeadlineCause``).

    When the deadline passes, ``err()`` is a :class:`~gochan.DeadlineExceeded`
    and :func:`cause` returns ``cause`` (that very object; ``err()`` if None).
    The returned ``cancel`` sets no cause.

    Raises:
        TypeError: ``parent`` is not a context, ``deadline`` not a number,
            or ``cause`` neither an exception nor None.
        ValueError: ``deadline`` is NaN.
        RuntimeError: ``parent`` can be cancelled and belongs to another
            thread's runtime.
    """
    _check_parent(parent, "with_deadline_cause")
    deadline = _seconds(deadline, "with_deadline_cause", "deadline")
    _check_cause(cause, "with_deadline_cause")
    return _with_deadline(parent, deadline, cause, sys._getframe(1))


def with_timeout(parent: Context, timeout: float) -> tuple[Context, CancelFunc]:
    """``with_deadline(parent, now() + timeout)`` (Go's ``context.WithTimeout``).

    An infinite ``timeout`` never expires.

    Raises:
        TypeError: ``parent`` is not a context, or ``timeout`` not a number.
        ValueError: ``timeout`` is NaN.
        RuntimeError: ``parent`` can be cancelled and belongs to another
            thread's runtime.
    """
    _check_parent(parent, "with_timeout")
    timeout = _seconds(timeout, "with_timeout", "timeout")
    deadline = get_runtime().clock.now() + timeout
    return _with_deadline(parent, deadline, None, sys._getframe(1))


def with_timeout_cause(
    parent: Context, timeout: float, cause: BaseException | None
) -> tuple[Context, CancelFunc]:
    """``with_deadline_cause(parent, now() + timeout, cause)`` (Go 1.21's ``WithTimeoutCause``).

    Raises:
        TypeError: ``parent`` is not a context, ``timeout`` not a number,
            or ``cause`` neither an exception nor None.
        ValueError: ``timeout`` is NaN.
        RuntimeError: ``parent`` can be cancelled and belongs to another
            thread's runtime.
    """
    _check_parent(parent, "with_timeout_cause")
    timeout = _seconds(timeout, "with_timeout_cause", "timeout")
    _check_cause(cause, "with_timeout_cause")
    deadline = get_runtime().clock.now() + timeout
    return _with_deadline(parent, deadline, cause, sys._getframe(1))


def with_value(parent: Context, key: object, val: object) -> Context:
    """A child of ``parent`` whose ``value(key)`` is ``val`` (Go's ``context.WithValue``).

    Keys are compared with ``==``; use a private object or class as key so
    packages do not collide.  Cancellation and deadline are the parent's.

    Raises:
        TypeError: ``parent`` is not a context; ``key`` is None (``nil
            key``) or unhashable (``key is not comparable``, Go's panics).
    """
    _check_parent(parent, "with_value")
    if key is None:
        raise TypeError("nil key")
    try:
        hash(key)
    except TypeError:
        raise TypeError(
            f"key is not comparable (unhashable type: {type(key).__name__!r})"
        ) from None
    return _ValueCtx(parent, key, val)


def without_cancel(parent: Context) -> Context:
    """``parent``'s values without its cancellation or deadline (Go's ``WithoutCancel``).

    Raises:
        TypeError: ``parent`` is not a context.
    """
    _check_parent(parent, "without_cancel")
    return _WithoutCancelCtx(parent)


def after_func(ctx: Context, fn: Callable[[], object]) -> Callable[[], bool]:
    """Run ``fn()`` in its own goroutine once ``ctx`` is done (Go's ``context.AfterFunc``).

    If ``ctx`` is done already, ``fn`` starts at once.  Returns ``stop``:
    ``stop()`` unregisters ``fn`` and returns True if it did so before
    ``fn`` started, False if ``fn`` started already or ``stop`` was called
    already.  ``stop`` does not wait for ``fn`` to finish.  Never blocks.
    ``stop`` may be called from any thread: from another one it is handed
    to ``ctx``'s runtime, as a cancel function is, and returns False, since
    whether it comes before ``fn`` starts is not known yet.

    Raises:
        TypeError: ``ctx`` is not a context, or ``fn`` not callable.
        RuntimeError: ``ctx`` can be cancelled and belongs to another
            thread's runtime.
    """
    _check_parent(ctx, "after_func", "ctx")
    if not callable(fn):
        raise TypeError(f"after_func() argument 'fn' must be callable, not {type(fn).__name__}")
    a = _AfterFuncCtx(ctx, fn, sys._getframe(1))
    _propagate(ctx, a, sys._getframe(1))
    return a.stop


def cause(ctx: Context) -> BaseException | None:
    """Why ``ctx`` was cancelled (Go's ``context.Cause``).

    The very object given to a ``with_cancel_cause`` cancel function (or to
    ``with_deadline_cause``/``with_timeout_cause``, once the deadline
    passed), for that context and its descendants; otherwise ``ctx.err()``.
    None while ``ctx`` is not cancelled.

    Raises:
        TypeError: ``ctx`` is not a context.
    """
    if not isinstance(ctx, Context):
        raise TypeError(f"cause() argument 'ctx' must be a Context, not {type(ctx).__name__}")
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
    """``seconds`` as Go's ``Duration.String()`` writes it: ``1.5s``, ``250ms``, ``1h2m3s``.

    Beyond Go's range (an infinite deadline's), Go's longest duration.
    """
    if abs(seconds) > MAX_DELAY:
        seconds = math.copysign(MAX_DELAY, seconds)
    ns = min(round(seconds * 1e9), 2**63 - 1)
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
