"""The calls of the hot paths into greenlet and the interpreter: the running
greenlet, a switch, the thread's id, the signal check, the cycle collector's
untrack.

The core calls them as ``_greenlet.getcurrent()``, ``_greenlet.switch_to(glet)``
and so on.  Run as Python, they are greenlet's and threading's own functions,
bound here (and :func:`untrack` does nothing).  In the compiled build,
``_greenlet.pxd`` (which the compiled modules ``cimport``) turns the same calls
into C calls (greenlet's C API, CPython's), with no Python call in between;
this module itself is never compiled.
"""

from __future__ import annotations

from threading import get_ident as get_ident

from greenlet import getcurrent as getcurrent
from greenlet import greenlet

__all__ = ["cheap_current", "get_ident", "getcurrent", "switch_to"]

# switch_to(glet) is glet.switch(), called through the method itself: that
# spares the method lookup on the greenlet, which does not specialize.
switch_to = greenlet.switch

# Every channel operation checks that it runs on its owner's thread with
# ``rt.running is not cheap_current() and thread_id != get_ident()``.  As
# Python, the running greenlet is the cheaper question, and enough on the
# owner's goroutines: cheap_current is getcurrent.  Compiled, the thread's id
# is the cheaper one (a C call, where greenlet's getcurrent looks up its
# thread state): cheap_current() is None there, so the ids decide.
cheap_current = getcurrent


def check_signals() -> None:
    """Run the Python signal handlers that are due (``PyErr_CheckSignals``).

    Python code runs them between bytecodes, so in the Python build this
    call, as any, does; compiled code runs no bytecode, and must ask.  Call
    it after a wake-up byte that may be a signal's (``signal.set_wakeup_fd``:
    a signal caught on another thread only flags the handler for this one).

    Raises:
        BaseException: what a handler raises (``KeyboardInterrupt`` ...).
    """


# Whether untrack() does anything: callers test it first, to spare the call.
UNTRACKS = False


def untrack(obj: object) -> None:
    """Take ``obj`` out of the cycle collector: in the compiled build only.

    ``_greenlet.pxd`` makes it CPython's ``PyObject_GC_UnTrack``; Python
    itself has no such call, so run as Python it does nothing.  Used on
    goroutine records, which nothing but their greenlets and the runtime can
    reach, and on the run queue's list of them (docs/design.md, "Parked
    memory").
    """
