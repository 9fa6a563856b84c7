# C types of _sched.py for the compiled build (docs/design.md, "The compiled
# core").  Every attribute a .py assigns must be declared here.

cimport cython

from gochan._core cimport _greenlet
from gochan._core cimport _goroutine, _timers, _waitq
from gochan._core._greenlet cimport greenlet


@cython.final
cdef class Runtime:
    cdef public object thread_id
    cdef public _waitq.Ring runq  # of Goroutines
    cdef public object ready
    cdef public _goroutine.Goroutine current
    cdef public object running  # a greenlet
    cdef public _goroutine.Goroutine main
    cdef public bint main_is_implicit
    cdef public dict goroutines
    cdef public Py_ssize_t next_id
    cdef public _goroutine.Goroutine g0
    cdef public list free_carriers
    cdef public bint countdown
    cdef public Py_ssize_t budget
    cdef public _timers.TimerHeap timers
    cdef public object clock
    cdef public object rng
    cdef public object inbox
    cdef public object poller
    cdef public bint sleeping
    cdef public Py_ssize_t io_waiting
    cdef public object signal_watch
    cdef public Py_ssize_t external_pending
    cdef public object workers
    cdef public object max_workers
    cdef public list idle_waiters
    cdef public bint closing
    cdef public Py_ssize_t shutdown_rounds
    cdef public bint atexit_registered
    cdef public object at_main_return
    cdef object __weakref__  # a thread's end frees its runtime; tests watch that

    cpdef _goroutine.Goroutine start_main(self)

    @cython.locals(creator=_goroutine.Goroutine, g=_goroutine.Goroutine)
    cpdef _goroutine.Goroutine spawn(self, fn, tuple args, kwargs, site)

    cpdef _goroutine.Goroutine implicit_main(self)
    cpdef crashed(self, _goroutine.Goroutine g, exc)
    cpdef wake_with(self, _goroutine.Goroutine g, exc, bint first=*)

    @cython.locals(g=_goroutine.Goroutine, nxt=_goroutine.Goroutine, glet=greenlet,
                   runq=_waitq.Ring)
    cpdef park(self, reason, waitq)

    @cython.locals(glet=greenlet, g0=_goroutine.Goroutine)
    cpdef greenlet first_run(self, _goroutine.Goroutine g)

    cpdef leave_park(self, _goroutine.Goroutine g, exc)

    cpdef bint turn_due(self)

    @cython.locals(runq=_waitq.Ring, nxt=_goroutine.Goroutine)
    cpdef _goroutine.Goroutine carry_on(self, _goroutine.Goroutine g, greenlet carrier)


cdef bint _UNTRACKS
cdef Runtime _main_runtime

cpdef Runtime get_runtime()
cpdef Runtime _thread_runtime()
