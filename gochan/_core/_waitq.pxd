# C types of _waitq.py for the compiled build (docs/design.md, "The compiled
# core").  Every attribute a .py assigns must be declared here.

cimport cython

from gochan._core cimport _greenlet


@cython.final
cdef class Ring:
    cdef list _items
    cdef Py_ssize_t _head
    cdef Py_ssize_t _len
    cdef bint untracked

    @cython.locals(n=Py_ssize_t, items=list)
    cpdef append(self, x)

    @cython.locals(n=Py_ssize_t, items=list, h=Py_ssize_t)
    cpdef appendleft(self, x)

    @cython.locals(n=Py_ssize_t, items=list, h=Py_ssize_t)
    cpdef popleft(self)

    cpdef extend(self, xs)
    cpdef extendleft(self, xs)
    cpdef remove(self, x)
    cpdef clear(self)

    @cython.locals(items=list)
    cdef _at(self, Py_ssize_t i)

    @cython.locals(items=list, h=Py_ssize_t, end=Py_ssize_t)
    cdef list _list(self)

    @cython.locals(size=Py_ssize_t)
    cdef _refill(self, list items)

    cdef inline list _with_room(self)

    @cython.locals(items=list)
    cdef _grow(self)

    cdef _store(self, list items)


cdef class Waiter:
    cdef public SelectState sel
    cdef public object value
    cdef public bint ok
    cdef public object owner  # a Goroutine
    cdef public Waiter prev
    cdef public Waiter next


@cython.final
cdef class SelectState:
    cdef public object owner
    cdef public Waiter winner
    cdef public list waiters
    cdef public Py_ssize_t count

    @cython.locals(winner=Waiter, waiters=list, i=Py_ssize_t, w=SelectWaiter)
    cpdef discard_losers(self)

    @cython.locals(waiters=list, i=Py_ssize_t, w=SelectWaiter)
    cpdef free(self)


@cython.final
cdef class SelectWaiter(Waiter):
    cdef public object case
    cdef public object chan
    cdef public bint sending


cpdef Waiter push(Waiter head, Waiter w)
cpdef Waiter unlink(Waiter head, Waiter w)
cpdef tuple dequeue(Waiter head)
cpdef bint has_waiter(Waiter head)

cdef list _free_selects
cdef Py_ssize_t _FREE_SELECTS_MAX

@cython.locals(sel=SelectState)
cpdef SelectState select_state(owner)

@cython.locals(sel=SelectState)
cpdef SelectState _new_select_state()

@cython.locals(w=SelectWaiter, i=Py_ssize_t, waiters=list)
cpdef SelectWaiter select_waiter(SelectState sel, case, chan, bint sending, value)
