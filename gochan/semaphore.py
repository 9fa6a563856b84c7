"""Go's ``golang.org/x/sync/semaphore``: a weighted semaphore.

A :class:`Weighted` bounds concurrent access to a resource: callers acquire
a weight, release it when done, and the weights held never sum to more than
the semaphore's size.  Blocked acquires are served in arrival order, and one
that does not fit yet holds back every acquire behind it, however small, so
a large request is never starved by a stream of small ones.

A runtime belongs to one thread, so each check-then-act step below runs
without a switch point and needs no lock; a semaphore is for the goroutines
of one thread.
"""

from __future__ import annotations

from ._chan import Chan
from ._errors import Panic
from ._select import recv, select
from .context import Context

__all__ = ["Weighted", "new_weighted"]


class _Waiter:
    """One blocked acquire: its weight, and the channel that says it got it."""

    __slots__ = ("n", "ready")

    def __init__(self, n: int) -> None:
        self.n = n
        self.ready = Chan[None]()  # closed by the release that grants the weight


class Weighted:
    """A weighted semaphore (Go's ``semaphore.Weighted``).

    Callers :meth:`acquire` a weight, blocking until it fits, and
    :meth:`release` it.  Blocked acquires get their weight first come, first
    served: a release grants the waiters at the head of the queue while they
    fit and stops at the first that does not, which blocks every later one
    (Go's rule, so that N readers of weight 1 cannot starve a writer of
    weight N).  :meth:`try_acquire` never jumps that queue.

    Used with ``acquire(ctx, 1)`` around each task, it is a worker pool that
    needs no shutdown; ``acquire(ctx, size)`` then waits for every task.
    """

    __slots__ = ("_cur", "_size", "_waiters")

    def __init__(self, n: int) -> None:
        """A semaphore of total weight ``n`` (Go's ``semaphore.NewWeighted``)."""
        self._size = n
        self._cur = 0  # the weight held
        # The blocked acquires in arrival order: a dict is an ordered set that
        # a cancelled waiter leaves in O(1).  Invariant: the first waiter
        # does not fit (size - cur < its n), or a release would have granted it.
        self._waiters: dict[_Waiter, None] = {}

    def acquire(self, ctx: Context, n: int = 1) -> None:
        """Acquire weight ``n``, blocking until it is granted or ``ctx`` is done.

        Returns at once when ``n`` fits and nobody is waiting; otherwise waits
        (wait reason ``select``) behind the acquires that came first.  An
        ``n`` larger than the size can never fit: the call then waits for
        ``ctx`` without holding back the acquires that come after it.

        A ``ctx`` that is done fails the call even if the weight is free, and
        a waiter granted the weight after ``ctx`` is done gives it back, as
        Go's ``Acquire`` does (x/sync v0.7.0 on): when the call raises, the
        semaphore is as it was.  Go returns ``ctx.Err()``; here it is raised.

        Raises:
            Canceled: ``ctx`` was cancelled (the very ``ctx.err()`` object).
            DeadlineExceeded: ``ctx``'s deadline passed (likewise).
        """
        err = ctx.err()
        if err is not None:
            raise _fresh(err)
        if self._size - self._cur >= n and not self._waiters:
            self._cur += n
            return
        if n > self._size:
            while (err := ctx.err()) is None:
                select(recv(ctx.done()))
            raise _fresh(err)

        w = _Waiter(n)
        self._waiters[w] = None
        try:
            select(recv(ctx.done()), recv(w.ready))
        except BaseException:  # interrupted (a crash reaching main, the end of run())
            self._withdraw(w)
            raise
        # Granted, or ctx is done; if both, the grant came too late: fail.
        err = ctx.err()
        if err is not None:
            self._withdraw(w)
            raise _fresh(err)

    def try_acquire(self, n: int = 1) -> bool:
        """Acquire weight ``n`` if it fits and nobody is waiting; never blocks.

        Returns whether it did; on False the semaphore is unchanged.  Go's
        ``TryAcquire``.
        """
        if self._size - self._cur >= n and not self._waiters:
            self._cur += n
            return True
        return False

    def release(self, n: int = 1) -> None:
        """Release weight ``n``, granting it to the waiters at the head of the queue; never blocks.

        Go's ``Release``.

        Raises:
            Panic: ``semaphore: released more than held`` (the semaphore is
                left unchanged).
        """
        if n > self._cur:
            raise Panic("semaphore: released more than held")
        self._cur -= n
        self._notify_waiters()

    def _notify_waiters(self) -> None:
        """Grant the waiters at the head of the queue while they fit."""
        waiters = self._waiters
        while waiters:
            w = next(iter(waiters))
            if self._size - self._cur < w.n:
                # Serving a smaller request further back would starve this one.
                break
            self._cur += w.n
            del waiters[w]
            w.ready.close()

    def _withdraw(self, w: _Waiter) -> None:
        """Undo the acquire of waiter ``w``, granted or not, and pass its turn on."""
        waiters = self._waiters
        if w in waiters:
            was_first = next(iter(waiters)) is w
            del waiters[w]
            if was_first:  # those behind it may fit now
                self._notify_waiters()
        else:  # granted after ctx was done: give the weight back
            self._cur -= w.n
            self._notify_waiters()

    def __repr__(self) -> str:
        return (
            f"<semaphore.Weighted size={self._size} held={self._cur} waiters={len(self._waiters)}>"
        )


def new_weighted(n: int) -> Weighted:
    """A :class:`Weighted` semaphore of total weight ``n`` (Go's ``semaphore.NewWeighted``).

    Never blocks.
    """
    return Weighted(n)


def _fresh(err: Exception) -> Exception:
    """``err`` with its traceback cleared, to be raised once more.

    A context's ``err()`` is one object that many acquires may raise; each
    raise would otherwise stack its frames onto the last one's.
    """
    return err.with_traceback(None)
