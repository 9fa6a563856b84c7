# cython: boundscheck=False, wraparound=False, always_allow_keywords=False
# (compiled: Ring's indices are masked into its list, so never out of range;
# and Python code calls Ring.append as deque.append, one argument, no keyword)
"""Wait queues threaded through the waiters, and the select token.

A wait queue is a circular doubly linked list of waiters (Go's ``waitq`` of
``sudog``\\ s): a :class:`~gochan._core._goroutine.Goroutine` for a plain
operation, or a :class:`SelectWaiter` for one case of a blocking ``select``.
The links live in the waiters (``prev``, ``next``), and the queue's owner
holds only its head (``None`` when empty; the tail is ``head.prev``, once it
holds two or more).  So parking allocates nothing, an empty queue costs one
slot, and any waiter leaves its queue in O(1).  Every waiter is a
:class:`Waiter`: it has ``sel``, ``value``, ``ok``, ``owner``, ``prev`` and
``next``.

Invariants: a waiter is in a queue if and only if its ``next`` is not None,
and it is in at most one.  The ``prev`` of a waiter alone in its queue is
never read (so enqueueing it sets only ``next``), and that of a waiter in no
queue is None or the waiter itself, so it keeps no other waiter alive.

All the waiters of one blocking select share one :class:`SelectState`.  A
waker must *claim* it (set ``winner``) before it hands over a value; a waiter
whose select already has a winner is stale and is skipped and dropped.  So a
select is completed at most once and a value is never lost or duplicated.
A stale waiter stays queued only until a waker drops it or the select that
left it takes its losers out (:meth:`SelectState.discard_losers`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .._build import COMPILED
from . import _greenlet

if TYPE_CHECKING:
    from ._goroutine import Goroutine


class Waiter:
    """What a wait queue links: a parked goroutine, or one case of a blocking select.

    The fields of Go's ``sudog``, shared by :class:`~gochan._core._goroutine.Goroutine`
    and :class:`SelectWaiter`, so that the queue code reads them the same way
    for both (and, compiled, at fixed offsets).
    """

    __slots__ = ("next", "ok", "owner", "prev", "sel", "value")

    sel: SelectState | None  # the select this waiter is a case of; None for a plain one
    value: Any  # the value offered by a parked sender, or handed to a parked receiver
    ok: bool  # written by the waker: True = completed, False = woken by close()
    owner: Goroutine | None  # the goroutine the waker readies; None once it ended
    prev: Any  # the links of the channel wait queue it is in; None when in none
    next: Any


class Ring:
    """A FIFO of objects with the methods of ``deque`` that gochan uses: the
    run queue and the channel buffers of the compiled build (see :data:`Queue`).

    A list used as a circular buffer: the items are ``_items[(_head + i) & mask]``
    for ``i`` below ``_len``, where ``mask`` is ``len(_items) - 1`` (a power of
    two); the other slots hold None.  Compiled, ``append`` and ``popleft`` are
    C calls on a C array, where deque's would be Python method calls.
    """

    __slots__ = ("_head", "_items", "_len", "untracked")

    def __init__(self) -> None:
        self._items: list[Any] = [None] * 8
        self._head = 0
        self._len = 0
        # Whether the list of items is kept out of the cycle collector: in a
        # queue of objects the collector does not track (see run_queue()).
        self.untracked = False

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:  # what __len__ tells, with fewer steps (compiled: a slot)
        return self._len != 0

    def __repr__(self) -> str:
        return f"Ring({list(self)!r})"

    def __iter__(self) -> Iterator[Any]:
        return iter(self._list())

    def __contains__(self, x: object) -> bool:
        return x in self._list()

    def __getitem__(self, i: int) -> Any:
        return self._at(i)

    def _at(self, i: int) -> Any:
        """The item ``i`` places behind the head (compiled: with ``i`` a C integer)."""
        if not 0 <= i < self._len:
            raise IndexError("Ring index out of range")
        items = self._items
        return items[(self._head + i) & (len(items) - 1)]

    def append(self, x: Any) -> None:
        """Add ``x`` at the tail."""
        items = self._with_room()
        n = self._len
        items[(self._head + n) & (len(items) - 1)] = x
        self._len = n + 1

    def appendleft(self, x: Any) -> None:
        """Add ``x`` at the head."""
        items = self._with_room()
        n = self._len
        h = (self._head - 1) & (len(items) - 1)
        items[h] = x
        self._head = h
        self._len = n + 1

    def popleft(self) -> Any:
        """Take the item at the head.

        Raises:
            IndexError: it is empty.
        """
        n = self._len
        if not n:
            raise IndexError("pop from an empty Ring")
        items = self._items
        h = self._head
        x = items[h]
        items[h] = None
        self._head = (h + 1) & (len(items) - 1)
        self._len = n - 1
        return x

    def extend(self, xs: Iterable[Any]) -> None:
        """Add the items of ``xs`` at the tail, in their order."""
        for x in xs:
            self.append(x)

    def extendleft(self, xs: Iterable[Any]) -> None:
        """Add the items of ``xs`` at the head one by one, as deque does (so reversed)."""
        for x in xs:
            self.appendleft(x)

    def remove(self, x: object) -> None:
        """Take out the first item equal to ``x``.

        Raises:
            ValueError: none is.
        """
        items = self._list()
        items.remove(x)
        self._refill(items)

    def clear(self) -> None:
        """Take out every item."""
        self._refill([])

    def _list(self) -> list[Any]:
        """The items, head first."""
        items = self._items
        h = self._head
        end = h + self._len
        if end <= len(items):
            return items[h:end]
        return items[h:] + items[: end - len(items)]

    def _refill(self, items: list[Any]) -> None:
        """Hold ``items``, head first, and nothing else."""
        size = 8
        while size < len(items):
            size *= 2
        self._store(items + [None] * (size - len(items)))
        self._len = len(items)

    def _with_room(self) -> list[Any]:
        """The items' list, grown first if it is full."""
        if self._len == len(self._items):
            self._grow()
        return self._items

    def _grow(self) -> None:
        """Double the room; only when full."""
        items = self._list()
        self._store(items + [None] * len(items))

    def _store(self, items: list[Any]) -> None:
        """Hold the list ``items``, head first."""
        if self.untracked:
            _greenlet.untrack(items)
        self._items = items
        self._head = 0


# The FIFO of the run queue and of the channel buffers: deque in the Python
# build, Ring in the compiled one, where deque's methods would be Python
# method calls but Ring's are C calls (the .pxd types the fields as Ring).
Queue: type[deque[Any]] = Ring if COMPILED else deque  # type: ignore[assignment]


def run_queue() -> deque[Goroutine]:
    """A :data:`Queue` for the run queue, whose list, compiled, the cycle collector never walks.

    It holds goroutine records, which the compiled build keeps out of the
    collector (docs/design.md, "Parked memory"): after each growth of a run
    queue thousands long, the young collections would walk its new list,
    twice, and find nothing to follow.
    """
    if not COMPILED:
        return deque()
    ring = Ring()
    ring.untracked = True
    return ring  # type: ignore[return-value]


class WaitDeque(deque["Goroutine"]):
    """A FIFO of parked goroutines for the sync primitives, which wait in
    their own queues (a goroutine is in at most one queue at a time)."""

    __slots__ = ()

    _cancel_wait = deque.remove


def push(head: Any, w: Any) -> Any:
    """Append ``w`` to the queue whose head is ``head``; returns the head."""
    if head is None:
        w.next = w
        return w
    tail = head if head.next is head else head.prev
    w.prev = tail
    w.next = head
    tail.next = head.prev = w
    return head


def unlink(head: Any, w: Any) -> Any:
    """Take ``w``, which is in the queue whose head is ``head``, out of it;
    returns the queue's new head."""
    nxt = w.next
    if nxt is w:
        head = None
    else:
        prev = w.prev
        prev.next = nxt
        nxt.prev = prev
        if head is w:
            head = nxt
    w.prev = w.next = None
    return head


def dequeue(head: Any) -> tuple[Any, Any]:
    """Pop the first live waiter of the queue and claim its select.

    Returns ``(waiter, new_head)``, with None for the waiter when the queue
    held no live one; the stale waiters before it are dropped.
    """
    while head is not None:
        w = head
        head = unlink(head, w)
        sel = w.sel
        if sel is None:
            return w, head
        if sel.winner is None:
            sel.winner = w
            return w, head
    return None, None


def has_waiter(head: Any) -> bool:
    """Whether the queue holds a live waiter (it is left as it is)."""
    w = head
    while w is not None:
        sel = w.sel
        if sel is None or sel.winner is None:
            return True
        w = w.next
        if w is head:
            break
    return False


def waiters(head: Any) -> Iterator[Any]:
    """The waiters of the queue, head first, stale ones included."""
    w = head
    while w is not None:
        yield w
        w = w.next
        if w is head:
            break


class SelectState:
    """The token shared by the waiters of one blocking select.

    Taken from a free list by :func:`select_state` and given back by
    :meth:`free`, with its waiters: a select that parks allocates nothing
    once its runtime's selects have parked before.
    """

    __slots__ = ("count", "owner", "waiters", "winner")

    owner: Goroutine | None
    # Written once, by the first waker (or by the scheduler's undo, with the
    # CANCELLED waiter); None while the select is still waiting.
    winner: SelectWaiter | None
    # The waiters this state made, whose sel it is, kept for its next
    # selects: the first ``count`` stand for the cases of this one.
    waiters: list[SelectWaiter]
    count: int

    def _cancel_wait(self, _goroutine: object) -> None:
        """Undo the wait (the scheduler wakes the select's goroutine itself)."""
        if self.winner is None:
            self.winner = CANCELLED
        self.discard_losers()

    def discard_losers(self) -> None:
        """Take every waiter but the winner out of its queue (Go's select pass 3)."""
        winner = self.winner
        waiters = self.waiters
        for i in range(self.count):
            w = waiters[i]
            if w is not winner and w.next is not None:
                w.chan._unlink_waiter(w, w.sending)

    def free(self) -> None:
        """Give this state back to the free list, once its select has left
        pass 3 (so none of its waiters is queued, nor read by a waker), and
        not after an undo: the scheduler may still read a cancelled state.

        What its waiters held is dropped, so that the free list keeps no
        goroutine, case, channel or value alive.
        """
        waiters = self.waiters
        for i in range(self.count):
            w = waiters[i]
            w.owner = w.case = w.chan = w.value = None
        self.owner = self.winner = None
        self.count = 0
        if len(_free_selects) < _FREE_SELECTS_MAX:
            _free_selects.append(self)


class SelectWaiter(Waiter):
    """One case of a blocking select, parked in one channel's queue."""

    __slots__ = ("case", "chan", "sending")

    case: Any  # the select case object this waiter stands for
    # The channel it waits on, in its senders' queue or its receivers': what
    # discard_losers() needs to take it out.
    chan: Any
    sending: bool


# The SelectStates free to reuse, of any thread (a state holds nothing of a
# thread's while free; list.pop and append are atomic), at most
# _FREE_SELECTS_MAX of them: as many as selects park at once, in most programs.
# Not a field of the runtime: a 30th attribute there cost the Python build's
# unbuffered stream 2% more instructions, on code that never selects (the
# interpreter reads the attributes of an instance with that many slower).
_free_selects: list[SelectState] = []
_FREE_SELECTS_MAX = 64


def select_state(owner: Goroutine) -> SelectState:
    """A state for a blocking select of ``owner``, holding no waiter yet:
    a free one if there is one (see :meth:`SelectState.free`)."""
    if _free_selects:
        try:
            sel = _free_selects.pop()
        except IndexError:  # another thread took the last one since the test
            sel = _new_select_state()
    else:
        sel = _new_select_state()
    sel.owner = owner
    return sel


def _new_select_state() -> SelectState:
    sel: SelectState = SelectState.__new__(SelectState)
    sel.waiters = []
    sel.count = 0
    sel.winner = None
    return sel


def select_waiter(
    sel: SelectState, case: Any, chan: Any, sending: bool, value: Any
) -> SelectWaiter:
    """The waiter for the next case of the blocking select ``sel``, in no
    queue yet: one ``sel`` made for an earlier select, or a new one.

    Not ``SelectWaiter.__init__``: compiled, a call of the class is a Python
    call with its arguments checked, where this is a C call.
    """
    i = sel.count
    waiters = sel.waiters
    if i < len(waiters):
        w: SelectWaiter = waiters[i]
    else:
        w = SelectWaiter.__new__(SelectWaiter)
        w.sel = sel
        w.prev = None
        w.next = None
        waiters.append(w)
    sel.count = i + 1
    w.owner = sel.owner
    w.case = case
    w.chan = chan
    w.sending = sending
    w.value = value  # a send case's value; the value received, for a recv case
    w.ok = True
    return w


CANCELLED = SelectWaiter.__new__(SelectWaiter)  # the winner of a select the scheduler undid
