# C types of _poll.py for the compiled build (docs/design.md, "The compiled
# core").  Every attribute a .py assigns must be declared here.

cimport cython

from gochan._core cimport _netpoll, _sched


cdef class FD:
    cdef public _sched.Runtime rt
    cdef public object fd
    cdef public _netpoll.PollDesc pd
    cdef public _netpoll.Side r
    cdef public _netpoll.Side w
    cdef public object sysclose
    cdef public object error
    cdef public Py_ssize_t streak

    cpdef check_thread(self, owner)

    @cython.locals(r=_netpoll.Side, err=object, data=object, waited=bint)
    cpdef read(self, owner, call, arg, Py_ssize_t size=*, length=*, bint share=*)

    cpdef _take_turns(self)

    @cython.locals(w=_netpoll.Side, err=object, written=Py_ssize_t, total=Py_ssize_t, view=object)
    cpdef write_all(self, owner, data, write)

    cpdef bint close(self)
    cpdef collect(self)
