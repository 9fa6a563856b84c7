"""gochan: Go's concurrency model in Python.

Goroutines on greenlets, typed channels with Go's close and panic rules, a
fair random select, and Go's sync, context, time and errgroup packages, with
x/sync's semaphore and singleflight.  The contract is the API reference
(docs/reference.md); Go's packages are also public submodules:
``gochan.runtime``, ``gochan.sync``, ``gochan.context``, ``gochan.time``,
``gochan.errgroup``, ``gochan.semaphore``, ``gochan.singleflight``.
The top level has their names but singleflight's, whose ``Group`` would
shadow errgroup's.  Go's I/O packages are submodules only, imported on
demand: ``from gochan import net``, ``from gochan import exec``.
"""

# First: it chooses between the compiled and the Python core modules.
from . import _build as _build  # isort: skip
from . import context as context
from . import errgroup as errgroup
from . import semaphore as semaphore
from . import singleflight as singleflight
from . import sync as sync
from . import time as time
from ._chan import Chan as Chan
from ._chan import RecvChan as RecvChan
from ._chan import SendChan as SendChan
from ._errors import Canceled as Canceled
from ._errors import DeadlineExceeded as DeadlineExceeded
from ._errors import Deadlock as Deadlock
from ._errors import GoroutinePanic as GoroutinePanic
from ._errors import Panic as Panic
from ._select import Case as Case
from ._select import RecvCase as RecvCase
from ._select import SendCase as SendCase
from ._select import default as default
from ._select import recv as recv
from ._select import select as select
from ._select import send as send
from .context import Context as Context
from .context import background as background
from .context import cause as cause
from .context import todo as todo
from .context import with_cancel as with_cancel
from .context import with_cancel_cause as with_cancel_cause
from .context import with_deadline as with_deadline
from .context import with_deadline_cause as with_deadline_cause
from .context import with_timeout as with_timeout
from .context import with_timeout_cause as with_timeout_cause
from .context import with_value as with_value
from .context import without_cancel as without_cancel
from .errgroup import Group as Group
from .runtime import blocking as blocking
from .runtime import future_done as future_done
from .runtime import go as go
from .runtime import gosched as gosched
from .runtime import num_goroutine as num_goroutine
from .runtime import run as run
from .runtime import stacks as stacks
from .runtime import wait_future as wait_future
from .semaphore import Weighted as Weighted
from .semaphore import new_weighted as new_weighted
from .sync import Cond as Cond
from .sync import Locker as Locker
from .sync import Mutex as Mutex
from .sync import Once as Once
from .sync import RWMutex as RWMutex
from .sync import WaitGroup as WaitGroup
from .time import Hour as Hour
from .time import Microsecond as Microsecond
from .time import Millisecond as Millisecond
from .time import Minute as Minute
from .time import Nanosecond as Nanosecond
from .time import Second as Second
from .time import Ticker as Ticker
from .time import Timer as Timer
from .time import after as after
from .time import after_func as after_func
from .time import new_ticker as new_ticker
from .time import new_timer as new_timer
from .time import now as now
from .time import since as since
from .time import sleep as sleep
from .time import tick as tick
from .time import until as until

__all__ = [
    "Canceled",
    "Case",
    "Chan",
    "Cond",
    "Context",
    "DeadlineExceeded",
    "Deadlock",
    "GoroutinePanic",
    "Group",
    "Hour",
    "Locker",
    "Microsecond",
    "Millisecond",
    "Minute",
    "Mutex",
    "Nanosecond",
    "Once",
    "Panic",
    "RWMutex",
    "RecvCase",
    "RecvChan",
    "Second",
    "SendCase",
    "SendChan",
    "Ticker",
    "Timer",
    "WaitGroup",
    "Weighted",
    "after",
    "after_func",
    "background",
    "blocking",
    "cause",
    "default",
    "future_done",
    "go",
    "gosched",
    "new_ticker",
    "new_timer",
    "new_weighted",
    "now",
    "num_goroutine",
    "recv",
    "run",
    "select",
    "send",
    "since",
    "sleep",
    "stacks",
    "tick",
    "todo",
    "until",
    "wait_future",
    "with_cancel",
    "with_cancel_cause",
    "with_deadline",
    "with_deadline_cause",
    "with_timeout",
    "with_timeout_cause",
    "with_value",
    "without_cancel",
]

# Names defined in private modules present themselves as gochan's.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) or hasattr(_obj, "__code__"):
        _obj.__module__ = "gochan"
del _name, _obj
