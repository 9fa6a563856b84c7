"""greenlet's two calls on the hot paths, the running greenlet and a switch, and the signal check.

The scheduler calls them as ``_greenlet.getcurrent()`` and
``_greenlet.switch_to(glet)``.  Run as Python, they are greenlet's own
functions, bound here.  In the compiled build, ``_greenlet.pxd`` (which the
compiled modules ``cimport``) turns the same two calls into greenlet's C
API, with no Python call in between; this module itself is never compiled.
The same goes for :func:`check_signals`, the interpreter's own check.
"""

from __future__ import annotations

from greenlet import getcurrent as getcurrent
from greenlet import greenlet

# switch_to(glet) is glet.switch(), called through the method itself: that
# spares the method lookup on the greenlet, which does not specialize.
switch_to = greenlet.switch


def check_signals() -> None:
    """Run the Python signal handlers that are due (``PyErr_CheckSignals``).

    Python code runs them between bytecodes, so in the Python build this
    call, as any, does; compiled code runs no bytecode, and must ask.  Call
    it after a wake-up byte that may be a signal's (``signal.set_wakeup_fd``:
    a signal caught on another thread only flags the handler for this one).

    Raises:
        BaseException: what a handler raises (``KeyboardInterrupt`` ...).
    """
