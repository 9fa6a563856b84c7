"""gochan's private scheduler core: the only code that imports greenlet and selectors.

The rest of gochan uses the names listed here and nothing else of ``_core``.

Waiting on file descriptors (``gochan.net``'s sockets, pipes, signal
wake-ups) goes through the netpoller: :func:`poll_open` registers a
non-blocking descriptor once for its life and returns its
:class:`PollDesc`, whose sides ``r`` (reads) and ``w`` (writes) each have a
``wait()`` that parks the calling goroutine (``IO wait``) until the
descriptor may be ready and returns 0 or a :class:`PollError` (``CLOSING``,
``TIMEOUT``), and a ``set_deadline()`` that bounds those waits on the
runtime clock; ``close()``, called before the descriptor is closed, wakes
its waiters with ``CLOSING``.  ``gochan._poll.FD`` holds the read and write
loops built on them.  ``Runtime.post(callback)``
is the one thread-safe (and signal-handler-safe) entry: it runs
``callback`` on the loop and wakes it from the poller;
``Runtime.netpoller().wakeup_fd`` is the descriptor that wakes it for
``signal.set_wakeup_fd``.
"""

from ._bridge import call_blocking as call_blocking
from ._bridge import on_future_done as on_future_done
from ._bridge import post_to_program as post_to_program
from ._bridge import set_workers as set_workers
from ._bridge import wait_future as wait_future
from ._goroutine import Goroutine as Goroutine
from ._goroutine import GoroutineExit as GoroutineExit
from ._goroutine import WaitQueue as WaitQueue
from ._goroutine import WaitReason as WaitReason
from ._greenlet import getcurrent as getcurrent
from ._greenlet import switch_to as switch_to
from ._netpoll import PollDesc as PollDesc
from ._netpoll import PollError as PollError
from ._netpoll import poll_open as poll_open
from ._sched import Runtime as Runtime
from ._sched import get_runtime as get_runtime
from ._sched import hide_frame as hide_frame
from ._sched import is_gochan_file as is_gochan_file
from ._sched import without_gochan_frames as without_gochan_frames
from ._timers import MAX_DELAY as MAX_DELAY
from ._timers import Clock as Clock
from ._timers import SystemClock as SystemClock
from ._timers import TimerEntry as TimerEntry
from ._waitq import Queue as Queue
from ._waitq import SelectState as SelectState
from ._waitq import SelectWaiter as SelectWaiter
from ._waitq import WaitDeque as WaitDeque
from ._waitq import dequeue as dequeue
from ._waitq import has_waiter as has_waiter
from ._waitq import push as push
from ._waitq import select_state as select_state
from ._waitq import select_waiter as select_waiter
from ._waitq import unlink as unlink
from ._waitq import waiters as waiters

__all__ = [
    "MAX_DELAY",
    "Clock",
    "Goroutine",
    "GoroutineExit",
    "PollDesc",
    "PollError",
    "Queue",
    "Runtime",
    "SelectState",
    "SelectWaiter",
    "SystemClock",
    "TimerEntry",
    "WaitDeque",
    "WaitQueue",
    "WaitReason",
    "call_blocking",
    "dequeue",
    "get_runtime",
    "getcurrent",
    "has_waiter",
    "hide_frame",
    "is_gochan_file",
    "on_future_done",
    "poll_open",
    "post_to_program",
    "push",
    "select_state",
    "select_waiter",
    "set_workers",
    "switch_to",
    "unlink",
    "wait_future",
    "waiters",
    "without_gochan_frames",
]
