"""The run of the carrier greenlets, which stays Python in the compiled build.

Every parked goroutine's greenlet keeps, saved on the heap, the C stack
between its start and its switch away, and the function a carrier runs sits
on it, below the goroutine's own.  Compiled, that function is a C frame of
256 bytes (the temporaries of its ``try`` block); as Python, the interpreter
runs it and the goroutine's function in one C frame, the one a bare greenlet
pays too, so each parked goroutine is that much smaller (docs/design.md,
"Parked memory").  The rest of a goroutine's end is compiled:
:meth:`~gochan._core._sched.Runtime.carry_on`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import _greenlet
from ._goroutine import GoroutineExit

if TYPE_CHECKING:
    from ._sched import Runtime


def carrier_run(get_runtime: Callable[[], Runtime]) -> Callable[[], None]:
    """The run of every carrier greenlet, for the scheduler of :mod:`_sched`.

    Takes ``get_runtime`` rather than importing it: ``_sched`` imports this
    module.
    """

    def carry() -> None:
        """The run of a carrier greenlet: run goroutines, one after another.

        Making a greenlet costs more than a whole switch-heavy goroutine, so a
        goroutine gets a carrier only when it first runs (park() takes a free
        one or makes one) and gives it back when it ends, as Go reuses
        finished g's.  Never returns: a carrier ends when it is collected.

        A plain function rather than a method of the runtime: greenlet calls a
        bound method through a C frame of its own, which would stay on the
        saved stack of every parked goroutine.
        """
        rt = get_runtime()
        carrier = _greenlet.getcurrent()
        g = rt.current
        assert g is not None
        while True:
            fn = g.fn
            assert fn is not None
            args = g.args
            g.args = ()  # the goroutine's frame holds its arguments from here on
            try:
                # A call with * or ** runs in a C-level frame of its own, which
                # then stays on every parked goroutine's saved stack (some 400
                # bytes each); plain calls for the usual arities avoid it.
                if g.kwargs is not None:
                    fn(*args, **g.kwargs)
                elif not args:
                    fn()
                elif len(args) == 1:
                    arg = args[0]
                    args = ()  # so that a parked goroutine keeps no tuple of its one argument
                    fn(arg)
                else:
                    fn(*args)
            except GoroutineExit:
                pass
            except BaseException as exc:
                rt.crashed(g, exc)
            g = rt.carry_on(g, carrier)

    return carry
