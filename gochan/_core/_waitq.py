"""Wait queues: FIFO deques of waiters, and the select token.

A :class:`WaitDeque` is a FIFO ``collections.deque`` of waiters (Go's ``sudog``): a
:class:`~gochan._core._goroutine.Goroutine` for a plain operation, or a
:class:`SelectWaiter` for one case of a blocking ``select``.  Every waiter
has ``sel``, ``value``, ``ok`` and ``owner``.

All the waiters of one blocking select share one :class:`SelectState`.  A
waker must *claim* it (set ``winner``) before it hands over a value; a waiter
whose select already has a winner is stale and is skipped and dropped.  So a
select is completed at most once and a value is never lost or duplicated.

Invariant: a stale waiter is never served; it stays in a queue only until it
reaches the head (dropped by :func:`dequeue` or :func:`has_waiter`) or the
select that left it cleans up (:meth:`SelectState.discard_losers`).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._goroutine import Goroutine

# A select whose stale waiters sit deeper than this in a queue leaves them
# there (skipped when they reach the head) instead of paying an O(n) removal;
# the queue is compacted once such waiters are most of it.
_CHEAP_REMOVE_LEN = 8


class WaitDeque(deque[Any]):
    """A FIFO of waiters that counts the stale select waiters left inside it."""

    __slots__ = ("stale",)

    def __init__(self) -> None:
        super().__init__()
        # Stale waiters left deep inside by discard_losers(); an upper bound, as
        # the ones that reached the head were dropped uncounted.
        self.stale = 0


class SelectState:
    """The token shared by the waiters of one blocking select."""

    __slots__ = ("owner", "waiters", "winner")

    def __init__(self, owner: Goroutine) -> None:
        self.owner = owner
        # Written once, by the first waker (or by the scheduler's undo, with
        # the CANCELLED waiter); None while the select is still waiting.
        self.winner: SelectWaiter | None = None
        self.waiters: list[SelectWaiter] = []

    def remove(self, _goroutine: object) -> None:
        """Undo the wait (the scheduler wakes the select's goroutine itself)."""
        if self.winner is None:
            self.winner = CANCELLED
        self.discard_losers()

    def discard_losers(self) -> None:
        """Take every waiter but the winner out of its queue (Go's select pass 3)."""
        winner = self.winner
        for w in self.waiters:
            if w is winner:
                continue
            q = w.queue
            if q and q[-1] is w:
                q.pop()
            elif len(q) <= _CHEAP_REMOVE_LEN:
                if w in q:
                    q.remove(w)
            else:
                _note_stale(q)
        self.waiters = []


class SelectWaiter:
    """One case of a blocking select, parked in one channel's queue."""

    __slots__ = ("case", "ok", "owner", "queue", "sel", "value")

    def __init__(self, sel: SelectState, case: Any, queue: WaitDeque, value: Any = None) -> None:
        self.sel: SelectState | None = sel
        self.owner: Goroutine | None = sel.owner
        self.case = case  # the select case object this waiter stands for
        self.queue = queue
        self.value = value  # a send case's value; the value received, for a recv case
        self.ok = True


CANCELLED = SelectWaiter.__new__(SelectWaiter)  # the winner of a select the scheduler undid

def _note_stale(q: WaitDeque) -> None:
    q.stale += 1
    if q.stale * 2 > len(q):
        live = [w for w in q if w.sel is None or w.sel.winner is None]
        q.clear()
        q.extend(live)
        q.stale = 0


def dequeue(q: deque[Any] | None) -> Any:
    """Pop and claim the first live waiter of ``q``; None when there is none."""
    return settle(q.popleft(), q) if q else None


def settle(w: Any, q: deque[Any]) -> Any:
    """``w`` was just popped from ``q``: return it if it can be served (claiming
    its select), else the next live waiter of ``q``, else None.

    Callers pop the head themselves and call this only when ``w.sel`` is not
    None, so serving a plain parked goroutine costs no call.
    """
    while True:
        sel = w.sel
        if sel is None:
            return w
        if sel.winner is None:
            sel.winner = w
            return w
        if not q:
            return None
        w = q.popleft()


def has_waiter(q: deque[Any] | None) -> bool:
    """Whether ``q`` holds a live waiter; drops the stale ones at its head."""
    while q:
        sel = q[0].sel
        if sel is None or sel.winner is None:
            return True
        q.popleft()
    return False
