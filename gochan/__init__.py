"""gochan: Go's concurrency model in Python.

Goroutines on greenlets, typed channels with Go's close and panic rules, a
fair random select, and Go's sync, context, time and errgroup packages.  The
contract is the API reference (docs/reference.md); Go's packages are also
public submodules: ``gochan.runtime``, ``gochan.sync``, ``gochan.context``,
``gochan.time``, ``gochan.errgroup``.
"""

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
from .runtime import go as go
from .runtime import gosched as gosched
from .runtime import num_goroutine as num_goroutine
from .runtime import run as run
from .runtime import stacks as stacks

__all__ = [
    "Canceled",
    "Case",
    "Chan",
    "DeadlineExceeded",
    "Deadlock",
    "GoroutinePanic",
    "Panic",
    "RecvCase",
    "RecvChan",
    "SendCase",
    "SendChan",
    "default",
    "go",
    "gosched",
    "num_goroutine",
    "recv",
    "run",
    "select",
    "send",
    "stacks",
]

# Names defined in private modules present themselves as gochan's.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) or hasattr(_obj, "__code__"):
        _obj.__module__ = "gochan"
del _name, _obj
