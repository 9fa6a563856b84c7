"""The timer heap and the clock it runs on.

Timers belong to one runtime and fire inside its scheduler loop: a timer's
callback runs on the loop, must not block, and typically readies a goroutine
or makes a value available on a channel.  The clock is replaceable
(``Runtime.clock``) so tests can run on virtual time.

A timer due farther ahead than Go's longest duration (``MAX_DELAY``, about
292 years; ``float("inf")`` included) never fires: it is kept out of the
heap, so it is not work pending and a program that waits only on such timers
is a deadlock.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from typing import Protocol

# Go's longest Duration, 2**63 - 1 nanoseconds: a timer set farther ahead never fires.
MAX_DELAY = (2**63 - 1) / 1e9
NEVER = float("inf")  # the ``when`` of a timer that never fires
_LONGEST_WAIT = 86400.0  # the longest single sleep of the loop (see SystemClock)


def deadline_after(now: float, delay: float) -> float:
    """When a timer set at ``now`` for ``delay`` seconds fires: NEVER beyond MAX_DELAY."""
    return now + delay if delay <= MAX_DELAY else NEVER


class Clock(Protocol):
    """What the scheduler needs of a clock."""

    def now(self) -> float:
        """The current time, in seconds on a monotonic scale."""
        ...

    def sleep_until(self, deadline: float, wait: Callable[[float | None], bool]) -> None:
        """Return at ``deadline`` (the next timer's), or earlier once an outside event comes.

        ``wait(timeout)`` blocks the thread in the netpoller until an outside
        event (I/O readiness, a post from another thread) arrives, then
        readies its goroutines and returns True, or until ``timeout`` real
        seconds pass (None: no limit; 0: only a look) and returns False.
        Called by the scheduler loop only when no goroutine is runnable.
        """
        ...


class SystemClock:
    """``time.monotonic()``; sleeping is a wait in the netpoller up to the deadline."""

    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, deadline: float, wait: Callable[[float | None], bool]) -> None:
        # A poll's timeout must fit the OS's (epoll's: a C int of milliseconds):
        # a longer sleep ends early, and the loop, finding nothing due, sleeps again.
        wait(min(max(0.0, deadline - time.monotonic()), _LONGEST_WAIT))


class TimerEntry:
    """One pending callback in a :class:`TimerHeap`."""

    __slots__ = ("callback", "when")

    def __init__(self, when: float, callback: Callable[[], None]) -> None:
        self.when = when
        # Cleared by cancel() and when the timer fires: None means not pending.
        self.callback: Callable[[], None] | None = callback

    @property
    def pending(self) -> bool:
        return self.callback is not None


class TimerHeap:
    """A min-heap of timers on ``when``; cancelled entries are removed lazily.

    Invariant: ``cancelled`` counts the entries in ``heap`` whose callback is
    None, and is at most half of them plus a few (compacted past that), so a
    program that stops most of its timers does not grow the heap.
    """

    __slots__ = ("cancelled", "heap", "seq")

    def __init__(self) -> None:
        self.heap: list[tuple[float, int, TimerEntry]] = []
        self.seq = 0  # insertion order: equal deadlines fire first come, first served
        self.cancelled = 0

    def __len__(self) -> int:
        return len(self.heap) - self.cancelled

    def add(self, when: float, callback: Callable[[], None]) -> TimerEntry:
        """A pending timer firing at ``when``; one due at NEVER is not kept (nothing fires it)."""
        entry = TimerEntry(when, callback)
        if when == NEVER:
            return entry
        self.seq += 1
        heapq.heappush(self.heap, (when, self.seq, entry))
        return entry

    def cancel(self, entry: TimerEntry) -> bool:
        """Stop ``entry``; True if it was pending (it will never fire)."""
        if entry.callback is None:
            return False
        entry.callback = None
        if entry.when == NEVER:
            return True  # never in the heap
        self.cancelled += 1
        if self.cancelled > 32 and self.cancelled * 2 > len(self.heap):
            self.heap = [item for item in self.heap if item[2].callback is not None]
            heapq.heapify(self.heap)
            self.cancelled = 0
        return True

    def next_deadline(self) -> float | None:
        """When the earliest pending timer fires, or None when none is pending."""
        heap = self.heap
        while heap and heap[0][2].callback is None:
            heapq.heappop(heap)
            self.cancelled -= 1
        return heap[0][0] if heap else None

    def pop_due(self, now: float) -> list[Callable[[], None]]:
        """Take every timer due at ``now``, earliest first, and return their callbacks."""
        heap = self.heap
        due: list[Callable[[], None]] = []
        while heap and heap[0][0] <= now:
            entry = heapq.heappop(heap)[2]
            callback = entry.callback
            if callback is None:
                self.cancelled -= 1
            else:
                entry.callback = None
                due.append(callback)
        return due

    def clear(self) -> None:
        for _, _, entry in self.heap:
            entry.callback = None
        self.heap = []
        self.cancelled = 0
