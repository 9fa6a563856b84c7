"""Every exception gochan raises, and the argument checks that raise them.

Go's run-time panics are subclasses of :class:`Panic` whose messages are Go's
own, word for word, so ported code and tests can compare ``str(exc)``.
A bad argument is a ``TypeError`` or ``ValueError`` raised at the call, whose
message names the call, the argument and what it must be (docs/misuse.md).
This module imports nothing from gochan.
"""

from __future__ import annotations

from collections.abc import Awaitable
from functools import partial
from threading import get_ident
from types import CodeType, CoroutineType, FunctionType, MethodType
from typing import Any


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
    """``close()`` of Go's nil channel (``Chan.close(None)``, or what ``tick(0)`` or
    ``background().done()`` return)."""

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


# -- argument checks ------------------------------------------------------------

# The code flags of a function whose call only makes an object to await or to
# iterate asynchronously: given to gochan, such a call would do nothing.
# inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR, without importing inspect
# (and the objects its imports bring, which every full collection then visits).
ASYNC_CODE = 0x80 | 0x200
_PLAIN = "goroutines are plain functions that block, not coroutines (def, not async def)"


def describe(value: object) -> str:
    """How a message names the type of a wrong argument: ``int``, ``None``, ``_asyncio.Future``."""
    if value is None:
        return "None"
    t = type(value)
    return t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def wrong(where: str, name: str, expected: str, value: object) -> TypeError:
    """The TypeError for argument ``name`` of ``where``, which is not ``expected``."""
    return TypeError(f"{where}: {name} must be {expected}, not {describe(value)}")


def check_int(value: object, where: str, name: str) -> None:
    """Raise unless ``value`` is an ``int`` (not a ``bool``, a ``float`` or a string).

    Raises:
        TypeError: naming ``where`` and ``name``.
    """
    if type(value) is not int:
        raise wrong(where, name, "an int", value)


def check_function(fn: object, where: str, name: str) -> None:
    """Raise unless ``fn`` is a plain callable: not an ``async def`` function, nor a coroutine.

    Cheap for a plain function or bound method (one look at its code's
    flags); other callables (a ``functools.partial``, an object with
    ``__call__``) are unwrapped first.

    Raises:
        TypeError: naming ``where`` and ``name``.
    """
    function = fn.__func__ if type(fn) is MethodType else fn
    if type(function) is FunctionType and not function.__code__.co_flags & ASYNC_CODE:
        return
    if not callable(fn):
        if isinstance(fn, Awaitable):
            what = (
                "a coroutine" if isinstance(fn, CoroutineType) else f"an awaitable {describe(fn)}"
            )
            raise TypeError(f"{where}: {name} is {what}; {_PLAIN}")
        raise wrong(where, name, "callable", fn)
    target: Any = fn
    while isinstance(target, partial):
        target = target.func
    if not isinstance(target, (FunctionType, MethodType)):
        target = type(target).__call__  # an object's: callable, so its type has one
    function = target.__func__ if isinstance(target, MethodType) else target
    code = getattr(function, "__code__", None)  # None for a builtin or a class
    if isinstance(code, CodeType) and code.co_flags & ASYNC_CODE:
        raise TypeError(f"{where}: {name} is the async function {target.__qualname__}; {_PLAIN}")


def foreign_thread(what: object, owner: int) -> RuntimeError:
    """The error for ``what`` (an object, or a description of it), which belongs
    to the runtime of thread ``owner``, used from the calling thread."""
    name = what if isinstance(what, str) else repr(what)
    return RuntimeError(
        f"{name} belongs to the gochan runtime of thread {owner} and was used from "
        f"thread {get_ident()}; cross threads with blocking(), wait_future() or a future "
        "instead (see docs/threads.md)"
    )
