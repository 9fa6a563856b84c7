# C types of _select.py for the compiled build (docs/design.md, "The
# compiled core").  Every attribute a .py assigns must be declared here.

cimport cython

from gochan cimport _chan
from gochan._core cimport _goroutine, _sched, _waitq
from gochan._core._waitq cimport has_waiter, push, select_state, select_waiter
from gochan._core._greenlet cimport cheap_current, get_ident


cdef class _CaseCore:
    cdef public object ch
    cdef public object value
    cdef public bint ok
    cdef public bint _sending


@cython.locals(
    rt=_sched.Runtime, ready=list, has_default=bint, case=_CaseCore, ch=_chan._ChanCore, q=_waitq.Waiter,
    chosen=_CaseCore, n=Py_ssize_t, g=_goroutine.Goroutine, sel=_waitq.SelectState, ok=bint,
    w=_waitq.SelectWaiter, winner=_waitq.SelectWaiter, won=_CaseCore,
)
cpdef _select(tuple cases)
