# C types of _netpoll.py for the compiled build (docs/design.md, "The compiled
# core").  Every attribute a .py assigns must be declared here.  The runtime
# is an object here, not _sched's Runtime: _sched imports this module as it
# starts, before its own types exist.

cimport cython

from gochan._core cimport _greenlet


cdef class Side:
    cdef public object rt
    cdef public object poller
    cdef public object fd
    cdef public object g  # the Goroutine waiting, or None
    cdef public list more
    cdef public object err  # 0 or a PollError, compared by identity
    cdef public object timer
    cdef public bint drained
    cdef public bint hung_up

    @cython.locals(err=object, rt=object, g=object, arm=object)
    cpdef wait(self)

    @cython.locals(g=object, rt=object, more=list)
    cpdef wake(self)

    cpdef rearm(self)


cdef class PollDesc:
    cdef public object rt
    cdef public object poller
    cdef public object fd
    cdef public Side r
    cdef public Side w


@cython.locals(descs=dict, pd=PollDesc, side=Side, fd=object, mask=long, woken=Py_ssize_t)
cpdef _ready_epoll(poller, list events, long read, long write, long hung_up)


@cython.locals(g=object)
cdef Py_ssize_t _edge(Side side, append) except -1
