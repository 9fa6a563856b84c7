"""Go's ``golang.org/x/sync/singleflight``: duplicate function call suppression.

A :class:`Group` runs at most one call of a function per key at a time:
callers that come while one is in flight wait for it and share its outcome
instead of making the call again.

Go's function returns ``(value, error)`` and may panic or call
``runtime.Goexit``; here it returns a value or raises, and the outcome is
shared the same way in every case:

- its value goes to every caller;
- an ``Exception`` (Go's error, and Go's panic alike: Python does not tell
  them apart) reaches every caller too: :meth:`Group.do` raises that very
  exception object in each, with the traceback of the call that raised it,
  and :meth:`Group.do_chan` delivers it as :attr:`Result.err`;
- a ``BaseException`` that is not an ``Exception`` (``GoroutineExit`` as
  ``run()`` ends, ``KeyboardInterrupt``, ``SystemExit``: what stops a
  goroutine, as ``runtime.Goexit`` does) is raised in every :meth:`Group.do`
  caller, goes on up the goroutine that made the call, and sends nothing to
  the channels of :meth:`Group.do_chan`, as in Go.

A runtime belongs to one thread, so the bookkeeping needs no lock; a group is
for the goroutines of one thread.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar

from ._chan import Chan, RecvChan, SendChan
from ._core import get_runtime
from .sync import WaitGroup

__all__ = ["Group", "Result"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# gochan's zero value, which stands for a value of any type (see Result.value).
_ZERO: Any = None


@dataclass(frozen=True, slots=True)
class Result(Generic[V]):
    """The outcome of a call, as :meth:`Group.do_chan` delivers it (Go's ``singleflight.Result``).

    ``value`` is what the function returned, ``None`` (gochan's zero value)
    when it raised; ``err`` is the ``Exception`` it raised, or ``None``;
    ``shared`` says whether the outcome went to more than one caller.
    """

    value: V
    err: Exception | None
    shared: bool


class _Call(Generic[V]):
    """One call of a function, in flight or finished, and who shares its outcome."""

    __slots__ = ("chans", "dups", "exc", "tb", "value", "wg")

    def __init__(self) -> None:
        self.wg = WaitGroup()
        self.wg.add(1)  # done as the function returns or raises
        # Written once, before wg is done; read after it.
        self.value: V = _ZERO
        self.exc: BaseException | None = None
        self.tb: TracebackType | None = None  # exc's traceback as the function raised it
        # Counted and appended while the call is in flight.
        self.dups = 0  # callers that came after the first
        self.chans: list[SendChan[Result[V]]] = []  # do_chan callers' channels

    def outcome(self, shared: bool) -> tuple[V, bool]:
        """What :meth:`Group.do` gives its caller: the value, or the exception raised."""
        if self.exc is not None:
            # One object raised by many callers: each raise starts from the
            # function's own traceback rather than from the last caller's.
            raise self.exc.with_traceback(self.tb)
        return self.value, shared


class Group(Generic[K, V]):
    """A namespace of calls with duplicate suppression (Go's ``singleflight.Group``).

    ``Group[str, bytes]()`` is a group whose keys are ``str`` and whose
    functions return ``bytes``.  The zero-argument constructor gives a usable
    group, as Go's zero value.  A key is forgotten as its call finishes:
    the next call for it runs the function again.
    """

    __slots__ = ("_calls",)

    def __init__(self) -> None:
        self._calls: dict[K, _Call[V]] = {}  # the calls in flight, by key

    def do(self, key: K, fn: Callable[[], V]) -> tuple[V, bool]:
        """Call ``fn()`` unless a call for ``key`` is in flight; either way return its value.

        Returns ``(value, shared)``, ``shared`` telling whether the value went
        to more than one caller.  The first caller for ``key`` calls ``fn``
        itself; a caller that comes while it runs blocks (wait reason
        ``sync.WaitGroup.Wait``) until it finishes and gets the same
        outcome.  Go's ``Do``, whose ``(v, err, shared)`` is here a value
        and a flag, or an exception.

        Raises:
            BaseException: what ``fn`` raised, the same object in every
                caller that shares the call.
        """
        c = self._calls.get(key)
        if c is not None:
            c.dups += 1
            c.wg.wait()
            return c.outcome(True)
        c = self._calls[key] = _Call()
        self._do_call(c, key, fn)
        return c.outcome(c.dups > 0)

    def do_chan(self, key: K, fn: Callable[[], V]) -> RecvChan[Result[V]]:
        """Like :meth:`do`, but return at once a channel that will receive the :class:`Result`.

        Never blocks.  A new call runs ``fn`` in a new goroutine, started here.
        The channel has room for its one value, so nobody waits to deliver
        it, and it is never closed.  It receives nothing when ``fn`` raised a
        ``BaseException`` that is not an ``Exception`` (see the module's
        documentation).  Go's ``DoChan``.
        """
        ch = Chan[Result[V]](1)
        c = self._calls.get(key)
        if c is not None:
            c.dups += 1
            c.chans.append(ch)
            return ch
        c = self._calls[key] = _Call()
        c.chans.append(ch)
        get_runtime().spawn(self._do_call_for_chans, (c, key, fn), None, sys._getframe(1))
        return ch

    def forget(self, key: K) -> None:
        """Forget the call in flight for ``key``, if any; never blocks.

        The next :meth:`do` or :meth:`do_chan` for ``key`` calls its function
        instead of waiting for the earlier call, whose callers still get its
        outcome.  Go's ``Forget``.
        """
        self._calls.pop(key, None)

    def _do_call(self, c: _Call[V], key: K, fn: Callable[[], V]) -> None:
        """Run ``fn`` for call ``c`` and hand its outcome to every caller sharing it."""
        try:
            c.value = fn()
        except BaseException as e:
            c.exc = e
            c.tb = e.__traceback__
        c.wg.done()
        if self._calls.get(key) is c:  # not forgotten, nor replaced since
            del self._calls[key]
        exc = c.exc
        if exc is None or isinstance(exc, Exception):
            result = Result(c.value, exc, c.dups > 0)
            for ch in c.chans:
                ch.send(result)  # never blocks: the channel's one value

    def _do_call_for_chans(self, c: _Call[V], key: K, fn: Callable[[], V]) -> None:
        """The goroutine of a :meth:`do_chan` call: an ``Exception`` is a result, not a crash."""
        self._do_call(c, key, fn)
        if c.exc is not None and not isinstance(c.exc, Exception):
            raise c.exc.with_traceback(c.tb)

    def __repr__(self) -> str:
        return f"<singleflight.Group in flight={list(self._calls)!r}>"
