# C types of _timers.py for the compiled build (docs/design.md, "The
# compiled core").  Every attribute a .py assigns must be declared here.

cdef class TimerEntry:
    cdef public object when
    cdef public object callback


cdef class TimerHeap:
    cdef public list heap
    cdef public Py_ssize_t seq
    cdef public Py_ssize_t cancelled
