# greenlet's C API (greenlet/greenlet.h, shipped with greenlet) for the
# compiled build: what `_greenlet.getcurrent()` and `_greenlet.switch_to(g)`
# become in a module that does `from gochan._core cimport _greenlet`.  The
# header keeps the API table in a static variable of each C file, so every
# call makes sure it is loaded (one test of a pointer).

cdef extern from "greenlet/greenlet.h":
    ctypedef class greenlet.greenlet [object PyGreenlet]:
        pass

    void **_PyGreenlet_API
    void PyGreenlet_Import()
    greenlet PyGreenlet_GetCurrent()
    object PyGreenlet_Switch(greenlet g, void *args, void *kwargs)


cdef extern from "pythread.h":
    unsigned long PyThread_get_thread_ident()


cdef inline int _load_api() except -1:
    if _PyGreenlet_API is NULL:
        PyGreenlet_Import()
        if _PyGreenlet_API is NULL:
            return -1  # PyCapsule_Import set the error
    return 0


cdef inline greenlet getcurrent():
    _load_api()
    return PyGreenlet_GetCurrent()


cdef inline object switch_to(greenlet g):
    # greenlet.switch(g) with no arguments: greenlet takes NULL for ().
    _load_api()
    return PyGreenlet_Switch(g, NULL, NULL)


cdef inline unsigned long get_ident():
    return PyThread_get_thread_ident()


cdef inline object cheap_current():
    # None: the callers compare thread ids instead (see _greenlet.py).
    return None


cdef extern from "Python.h":
    int PyErr_CheckSignals() except -1


cdef inline int check_signals() except -1:
    return PyErr_CheckSignals()


cdef extern from "Python.h":
    void PyObject_GC_UnTrack(object o)


# Whether untrack() does anything: a constant, so that the compiled callers'
# test of it costs nothing (run as Python, a call that does nothing would).
cdef enum:
    UNTRACKS = 1


cdef inline void untrack(object o):
    PyObject_GC_UnTrack(o)
