# C types of _waitq.py for the compiled build (docs/design.md, "The compiled
# core").  Every attribute a .py assigns must be declared here.

cdef class Waiter:
    cdef public SelectState sel
    cdef public object value
    cdef public bint ok
    cdef public object owner  # a Goroutine
    cdef public Waiter prev
    cdef public Waiter next


cdef class SelectState:
    cdef public object owner
    cdef public Waiter winner
    cdef public list waiters

    cpdef discard_losers(self)


cdef class SelectWaiter(Waiter):
    cdef public object case
    cdef public object chan
    cdef public bint sending


cpdef Waiter push(Waiter head, Waiter w)
cpdef Waiter unlink(Waiter head, Waiter w)
cpdef tuple dequeue(Waiter head)
cpdef bint has_waiter(Waiter head)
