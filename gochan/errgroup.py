"""Go's ``golang.org/x/sync/errgroup``: goroutines working on subtasks of one task.

A :class:`Group` runs functions in goroutines, waits for all of them, and
reports the first exception any of them raised.  An exception inside a
group's goroutine belongs to the group: it does not crash the program, it
comes out of :meth:`Group.wait`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any, ParamSpec

from . import context
from ._errors import Panic, check_function, check_int, wrong
from .sync import Cond, Mutex, WaitGroup

__all__ = ["Group"]

P = ParamSpec("P")


class Group:
    """A collection of goroutines working on subtasks of a common task.

    ``Group()`` has no limit and cancels nothing on error; see
    :meth:`with_context`.  A group is reusable once :meth:`wait` returned.
    """

    __slots__ = ("_active", "_cancel", "_err", "_limit", "_mu", "_room", "_wg")

    def __init__(self) -> None:
        self._wg = WaitGroup()
        self._err: Exception | None = None  # the first exception; set once
        # with_context's cancel, called with the first exception and by wait().
        self._cancel: context.CancelCauseFunc | None = None
        self._limit = -1  # negative: no limit
        self._active = 0  # goroutines started by go()/try_go() and not finished
        self._mu = Mutex()  # held by go() while it checks the limit
        self._room = Cond(self._mu)  # signalled as a goroutine finishes, for go() at the limit

    @classmethod
    def with_context(cls, ctx: context.Context) -> tuple[Group, context.Context]:
        """A new group and a child of ``ctx`` cancelled by its first exception.

        The child is cancelled the first time a function passed to
        :meth:`go` raises (with that exception as its :func:`~gochan.context.cause`)
        or the first time :meth:`wait` returns, whichever occurs first.
        Go's ``errgroup.WithContext``.

        Raises:
            TypeError: ``ctx`` is not a :class:`~gochan.context.Context`.
        """
        if not isinstance(ctx, context.Context):
            raise wrong("Group.with_context()", "ctx", "a Context", ctx)
        g = cls()
        derived, g._cancel = context.with_cancel_cause(ctx)
        return g, derived

    def go(self, fn: Callable[P, object], /, *args: P.args, **kwargs: P.kwargs) -> None:
        """Run ``fn(*args, **kwargs)`` in a new goroutine of the group.

        Blocks while the group has ``limit`` active goroutines (see
        :meth:`set_limit`).  The first exception (an ``Exception``) raised by
        any of the group's functions is kept for :meth:`wait` and cancels the
        group's context; it does not crash the program.  ``BaseException``s
        such as ``KeyboardInterrupt`` are not caught.

        Raises:
            TypeError: ``fn`` is not callable, or is an ``async def`` function.
        """
        check_function(fn, "Group.go()", "fn")
        if self._limit >= 0:
            with self._mu:
                while self._active >= self._limit:
                    self._room.wait()
        self._start(fn, args, kwargs, sys._getframe(1))

    def try_go(self, fn: Callable[P, object], /, *args: P.args, **kwargs: P.kwargs) -> bool:
        """Like :meth:`go` when the group is below its limit; else return False at once.

        Never blocks.  Returns whether the goroutine was started.

        Raises:
            TypeError: ``fn`` is not callable, or is an ``async def`` function.
        """
        check_function(fn, "Group.try_go()", "fn")
        if 0 <= self._limit <= self._active:
            return False
        self._start(fn, args, kwargs, sys._getframe(1))
        return True

    def _start(
        self,
        fn: Callable[..., object],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        site: FrameType,
    ) -> None:
        self._active += 1
        self._wg._go(fn, args, kwargs, site, self._finished)

    def _finished(self, exc: Exception | None) -> None:
        if exc is not None and self._err is None:
            self._err = exc
            if self._cancel is not None:
                self._cancel(exc)
        self._active -= 1
        self._room.signal()

    def set_limit(self, n: int) -> None:
        """Allow at most ``n`` active goroutines; a negative ``n`` means no limit.

        Never blocks.  ``n == 0`` makes every :meth:`go` block, as in Go.

        Raises:
            Panic: ``errgroup: modify limit while N goroutines in the group
                are still active``.
            TypeError: ``n`` is not an ``int``.
        """
        check_int(n, "Group.set_limit()", "n")
        if self._active:
            raise Panic(
                f"errgroup: modify limit while {self._active} goroutines in the group "
                "are still active"
            )
        self._limit = n

    def wait(self) -> None:
        """Block until every goroutine of the group finished; raise the first exception.

        Then cancels the group's context (if made by :meth:`with_context`).
        Go's ``Group.Wait`` returns the first error; here it is raised, the
        very exception object, with its traceback.

        Raises:
            Exception: the first exception any of the group's functions raised.
        """
        self._wg.wait()
        err = self._err
        if self._cancel is not None:
            self._cancel(err)
        if err is not None:
            raise err

    def __repr__(self) -> str:
        limit = "none" if self._limit < 0 else self._limit
        return f"<errgroup.Group active={self._active} limit={limit} err={self._err!r}>"
