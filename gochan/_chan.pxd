# C types of _chan.py for the compiled build (docs/design.md, "The compiled
# core").  Every attribute a .py assigns must be declared here.

cimport cython

from gochan._core cimport _goroutine, _sched, _waitq
from gochan._core._waitq cimport dequeue, push, unlink
from gochan._core._greenlet cimport cheap_current, get_ident, switch_to
from gochan._core._greenlet cimport greenlet


cdef class _ChanCore:
    cdef public _waitq.Ring _buf
    cdef public Py_ssize_t _cap
    cdef public bint _closed
    cdef public _waitq.Waiter _recvq
    cdef public _waitq.Waiter _sendq
    cdef public _sched.Runtime _rt
    cdef public unsigned long _thread_id

    @cython.locals(rt=_sched.Runtime, w=_waitq.Waiter, g=_goroutine.Goroutine, buf=_waitq.Ring,
                   nxt=_goroutine.Goroutine, runq=_waitq.Ring, glet=greenlet)
    cpdef send(self, value)

    @cython.locals(rt=_sched.Runtime, w=_waitq.Waiter, g=_goroutine.Goroutine, q=_waitq.Ring,
                   nxt=_goroutine.Goroutine, glet=greenlet)
    cpdef recv(self)

    @cython.locals(rt=_sched.Runtime, g=_goroutine.Goroutine)
    cpdef tuple recv_ok(self)

    @cython.locals(w=_waitq.Waiter)
    cpdef close(self)

    @cython.locals(w=_waitq.Waiter)
    cpdef _waitq.Waiter _take(self, bint senders)

    cpdef _foreign_thread(self)

    cpdef _unlink_waiter(self, _waitq.Waiter w, bint sending)
