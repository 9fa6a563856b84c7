"""Every exception gochan raises.

Go's run-time panics are subclasses of :class:`Panic` whose messages are Go's
own, word for word, so ported code and tests can compare ``str(exc)``.
This module imports nothing from gochan.
"""

from __future__ import annotations

from threading import get_ident


class Panic(RuntimeError):
    """A Go run-time panic: a misuse that Go reports with ``panic(...)``."""


class SendOnClosedChannel(Panic):
    """Send on a closed channel, also for a sender blocked when ``close()`` happens."""

    def __init__(self) -> None:
        super().__init__("send on closed channel")


class CloseOfClosedChannel(Panic):
    """``close()`` of a channel that is already closed."""

    def __init__(self) -> None:
        super().__init__("close of closed channel")


class CloseOfNilChannel(Panic):
    """``close()`` of Go's nil channel (what ``tick(0)`` or ``background().done()`` return)."""

    def __init__(self) -> None:
        super().__init__("close of nil channel")


class NegativeWaitGroupCounter(Panic):
    """``WaitGroup.add`` or ``done`` took the counter below zero."""

    def __init__(self) -> None:
        super().__init__("sync: negative WaitGroup counter")


class WaitGroupReused(Panic):
    """``WaitGroup.add`` started a new round before a released ``wait`` returned.

    Raised in the waiter: released at zero, it runs again to find the counter
    non-zero.
    """

    def __init__(self) -> None:
        super().__init__("sync: WaitGroup is reused before previous Wait has returned")


class UnlockOfUnlockedMutex(Panic):
    """``Mutex.unlock`` (or ``RWMutex.unlock``) of a mutex that is not locked."""

    def __init__(self, message: str = "sync: unlock of unlocked mutex") -> None:
        super().__init__(message)


class GoroutinePanic(RuntimeError):
    """A goroutine raised: the program crashes as in Go.

    Raised in the main goroutine where it is blocked (or out of ``run()``).
    ``__cause__`` is the goroutine's exception; the message names the
    goroutine, its function and the ``file:line`` of its ``go()`` call.
    It is not a :class:`Panic`, so ``except Panic`` around a channel
    operation never swallows another goroutine's crash.
    """

    def __init__(self, message: str, goroutine_id: int) -> None:
        super().__init__(message)
        self.goroutine_id = goroutine_id


class Deadlock(RuntimeError):
    """Every goroutine is blocked and nothing can wake any of them.

    The text starts with Go's ``all goroutines are asleep - deadlock!`` and
    goes on with every goroutine, as ``stacks()`` prints them.
    """


class Canceled(Exception):
    """``context.Canceled``: the context was cancelled."""

    def __init__(self, message: str = "context canceled") -> None:
        super().__init__(message)


class DeadlineExceeded(TimeoutError):
    """``context.DeadlineExceeded``: the context's deadline passed."""

    def __init__(self, message: str = "context deadline exceeded") -> None:
        super().__init__(message)


class ErrClosed(OSError):
    """``net.ErrClosed``: an operation on a connection or listener that is closed.

    Also raised in a goroutine blocked on it when another goroutine closes
    it.  Go's message, ``use of closed network connection``.
    """

    def __init__(self, message: str = "use of closed network connection") -> None:
        super().__init__(message)


class ErrDeadlineExceeded(TimeoutError):
    """``os.ErrDeadlineExceeded``: a read or write deadline passed.

    Go's message, ``i/o timeout``.  The connection stays usable: a later
    deadline (or none) lets reads and writes go on.
    """

    def __init__(self, message: str = "i/o timeout") -> None:
        super().__init__(message)


def foreign_thread(what: str, thread_id: int) -> RuntimeError:
    """The error for ``what`` (a channel's or a descriptor's repr), owned by the
    runtime of thread ``thread_id``, used from the calling thread."""
    return RuntimeError(
        f"{what} belongs to the gochan runtime of thread {thread_id} and was "
        f"used from thread {get_ident()}; cross threads with blocking(), "
        "wait_future() or a future instead (see docs/threads.md)"
    )
