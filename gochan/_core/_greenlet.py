"""greenlet's two calls on the hot paths: the running greenlet, and a switch.

The scheduler calls them as ``_greenlet.getcurrent()`` and
``_greenlet.switch_to(glet)``.  Run as Python, they are greenlet's own
functions, bound here.  In the compiled build, ``_greenlet.pxd`` (which the
compiled modules ``cimport``) turns the same two calls into greenlet's C
API, with no Python call in between; this module itself is never compiled.
"""

from __future__ import annotations

from greenlet import getcurrent as getcurrent
from greenlet import greenlet

# switch_to(glet) is glet.switch(), called through the method itself: that
# spares the method lookup on the greenlet, which does not specialize.
switch_to = greenlet.switch
