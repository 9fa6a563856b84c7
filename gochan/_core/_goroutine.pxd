# C types of _goroutine.py for the compiled build (docs/design.md, "The
# compiled core").  Every attribute a .py assigns must be declared here.

cimport cython

from gochan._core cimport _waitq


cdef class Goroutine(_waitq.Waiter):
    cdef public object id  # an int, the same object as its key in Runtime.goroutines
    cdef public object fn
    cdef public tuple args
    cdef public object kwargs
    cdef public object glet  # a greenlet, or None
    cdef public object go_code
    cdef public Py_ssize_t go_lasti
    cdef public Py_ssize_t creator_id
    cdef public object wait_reason
    cdef public object waitq
    cdef public object interrupt


@cython.locals(g=Goroutine)
cpdef Goroutine new_record(type record_type, object gid, object fn, tuple args, object kwargs,
                           object glet, object go_code, Py_ssize_t go_lasti,
                           Py_ssize_t creator_id)
