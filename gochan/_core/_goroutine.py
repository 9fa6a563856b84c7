"""The goroutine record and the table of wait reasons.

A :class:`Goroutine` is also the waiter that a plain (non-select) channel or
sync operation puts in a wait queue, as Go's ``sudog``: the waker writes
``value`` and ``ok`` and readies ``owner``.  Select waiters
(:class:`~gochan._core._waitq.SelectWaiter`) have the same fields, and the
links of a channel's wait queue (``prev``, ``next``): both are
waiters (:class:`~gochan._core._waitq.Waiter`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from types import CodeType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from . import _waitq

if TYPE_CHECKING:
    from greenlet import greenlet


class WaitReason(enum.StrEnum):
    """Why a goroutine is parked: the words ``stacks()`` prints, Go's own."""

    RUNNABLE = "runnable"
    RUNNING = "running"
    CHAN_SEND = "chan send"
    CHAN_RECEIVE = "chan receive"
    CHAN_SEND_NIL = "chan send (nil chan)"
    CHAN_RECEIVE_NIL = "chan receive (nil chan)"
    SELECT = "select"
    SELECT_NO_CASES = "select (no cases)"
    SLEEP = "sleep"
    WAITGROUP_WAIT = "sync.WaitGroup.Wait"
    MUTEX_LOCK = "sync.Mutex.Lock"
    RWMUTEX_LOCK = "sync.RWMutex.Lock"
    RWMUTEX_RLOCK = "sync.RWMutex.RLock"
    COND_WAIT = "sync.Cond.Wait"
    BLOCKING = "blocking"
    FUTURE = "future"
    IO_WAIT = "IO wait"
    WAIT_BLOCKED = "wait blocked"
    SHUTDOWN = "shutdown"


class WaitQueue(Protocol):
    """Where a parked goroutine waits: whatever can take it out again.

    ``_cancel_wait`` is the undo of a wait: the scheduler calls it when it
    must wake a goroutine that nobody completed (a crash reaching main, the
    end of ``run()``, Ctrl-C).  It raises ``ValueError`` when the goroutine
    is no longer there, as ``deque.remove`` does.
    """

    def _cancel_wait(self, g: Any, /) -> None: ...


# Read as a module constant: an enum member looked up on its class costs a
# Python-level __getattr__ hook (EnumType's) on every access.
RUNNABLE = WaitReason.RUNNABLE


class GoroutineExit(BaseException):
    """Raised inside a goroutine that ``run()`` ends as its main returns.

    A ``BaseException``, so ``except Exception`` in user code lets it pass and
    only ``finally`` blocks and context managers run.
    """


class Goroutine(_waitq.Waiter):
    """One goroutine: its greenlet, where it was started, what it waits on.

    As a waiter, its ``sel`` is always None (a plain waiter) and its
    ``owner`` is itself while it is alive.
    """

    __slots__ = (
        "args",
        "creator_id",
        "fn",
        "glet",
        "go_code",
        "go_lasti",
        "id",
        "interrupt",
        "kwargs",
        "wait_reason",
        "waitq",
    )

    id: int
    fn: Callable[..., object] | None  # the goroutine's body; None for main, and once finished
    args: tuple[Any, ...]
    kwargs: dict[str, Any] | None  # None when there are none
    # The greenlet carrying it: the thread's for main, a carrier from its
    # first run until it ends for the others; None before and after.
    glet: greenlet | None
    # Where go() was called: the calling code (None for the main goroutine)
    # and its frame's f_lasti there, whose line go_line finds only when a
    # dump asks (a frame's f_lineno costs a walk of the line table).
    go_code: CodeType | None
    go_lasti: int
    creator_id: int
    wait_reason: WaitReason  # written by park()
    waitq: WaitQueue | None  # written by park(); stale after a normal wake
    interrupt: BaseException | None  # raised by park() when it resumes

    def name(self) -> str:
        """The goroutine's function, as Go names it in a dump."""
        fn = self.fn
        if fn is None:
            return "main" if self.go_code is None else "?"
        target = getattr(fn, "func", fn)  # functools.partial
        return str(getattr(target, "__qualname__", None) or repr(target))

    @property
    def created_by(self) -> str:
        """The function that called ``go()`` for this goroutine, as Go names it in a dump."""
        return "" if self.go_code is None else self.go_code.co_qualname

    @property
    def go_line(self) -> int:
        """The line of the ``go()`` call that started this goroutine (0 for main)."""
        code = self.go_code
        if code is None:
            return 0
        for start, end, line in code.co_lines():
            if start <= self.go_lasti < end and line is not None:
                return line
        return code.co_firstlineno

    def go_site(self) -> str:
        """``file:line`` of the ``go()`` call that started this goroutine."""
        if self.go_code is None:
            return "?"
        return f"{self.go_code.co_filename}:{self.go_line}"

    def __repr__(self) -> str:
        return f"<goroutine {self.id} [{self.wait_reason}] {self.name()}>"


G = TypeVar("G", bound=Goroutine)


def new_record(
    record_type: type[G],
    gid: int,
    fn: Callable[..., object] | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any] | None,
    glet: greenlet | None,
    go_code: CodeType | None,
    go_lasti: int,
    creator_id: int,
) -> G:
    """A new goroutine record of ``record_type`` (:class:`Goroutine` or a subclass).

    The records' one constructor, in place of an ``__init__``: compiled,
    ``__new__`` is a direct C call and the stores below are C stores, where
    calling the class would pack and unpack a tuple of the arguments, a
    quarter of the cost of a ``go()``.
    """
    g = record_type.__new__(record_type)
    g.id = gid
    g.fn = fn
    g.args = args
    g.kwargs = kwargs
    g.glet = glet
    g.go_code = go_code
    g.go_lasti = go_lasti
    g.creator_id = creator_id
    g.sel = None
    g.value = None
    g.ok = True
    g.owner = g
    g.prev = g.next = None
    g.wait_reason = RUNNABLE
    g.waitq = None
    g.interrupt = None
    return g
