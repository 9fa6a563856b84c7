"""greenlet's two calls on the hot paths, and the cycle collector's untrack.

The scheduler calls them as ``_greenlet.getcurrent()``,
``_greenlet.switch_to(glet)`` and ``_greenlet.untrack(g)``.  Run as Python,
the first two are greenlet's own functions, bound here, and the third does
nothing.  In the compiled build, ``_greenlet.pxd`` (which the compiled
modules ``cimport``) turns the same calls into greenlet's and CPython's C
API, with no Python call in between; this module itself is never compiled.
"""

from __future__ import annotations

from greenlet import getcurrent as getcurrent
from greenlet import greenlet

# switch_to(glet) is glet.switch(), called through the method itself: that
# spares the method lookup on the greenlet, which does not specialize.
switch_to = greenlet.switch

# Whether untrack() does anything: callers test it first, to spare the call.
UNTRACKS = False


def untrack(obj: object) -> None:
    """Take ``obj`` out of the cycle collector: in the compiled build only.

    ``_greenlet.pxd`` makes it CPython's ``PyObject_GC_UnTrack``; Python
    itself has no such call, so run as Python it does nothing.  Used on a
    started goroutine's record, which nothing but its greenlet and the
    runtime can reach (docs/design.md, "Parked memory").
    """
