"""Chan[T] and its directional views SendChan[T] and RecvChan[T].

The channel protocol is Go's (``runtime/chan.go``): a sender that finds a
parked receiver hands the value over directly and readies it; a receiver on
a full buffer with parked senders takes the head and moves the first
sender's value into the buffer; parked waiters are served first come, first
served.  ``select`` polls the fields below for readiness and then runs the
chosen case with ``recv``/``send``, which cannot block by then.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final, Generic, NoReturn, TypeVar

from ._core import (
    Goroutine,
    Queue,
    Runtime,
    WaitReason,
    dequeue,
    get_runtime,
    push,
    unlink,
    waiters,
)

# The calls into greenlet and the thread on the hot paths, by their bare
# names: Python functions here, C calls when compiled, where _chan.pxd
# cimports the same names (see _core/_greenlet.py).  A star import, as Cython
# refuses a name both imported and cimported.
# ruff: noqa: F405
from ._core._greenlet import *  # noqa: F403
from ._errors import (
    CloseOfClosedChannel,
    CloseOfNilChannel,
    SendOnClosedChannel,
    check_int,
    foreign_thread,
)

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
T_contra = TypeVar("T_contra", contravariant=True)

_CHAN_SEND = WaitReason.CHAN_SEND
_CHAN_RECEIVE = WaitReason.CHAN_RECEIVE
_CHAN_SEND_NIL = WaitReason.CHAN_SEND_NIL
_CHAN_RECEIVE_NIL = WaitReason.CHAN_RECEIVE_NIL


class _Channel(ABC):
    """What both views of a channel have: a length, a capacity, and truth."""

    __slots__ = ()

    @abstractmethod
    def __len__(self) -> int: ...

    @property
    @abstractmethod
    def cap(self) -> int: ...

    def __bool__(self) -> bool:
        """Always true, even when empty: Go's ``ch != nil``.

        Without it, ``__len__`` would make an empty channel false, so
        ``while a or b:`` (Go's ``a != nil || b != nil``) would stop early.
        Only the nil channel that gochan hands out where Go hands out nil
        (``ctx.done()`` of a context never cancelled, ``tick(0)``) is false.
        """
        return True


class SendChan(_Channel, Generic[T_contra]):
    """Go's ``chan<- T``: a channel seen from the sending side.

    Contravariant: a ``SendChan[object]`` is a ``SendChan[int]``.  A
    ``Chan[T]`` is both a ``SendChan[T]`` and a ``RecvChan[T]``.
    """

    __slots__ = ()

    @abstractmethod
    def send(self, value: T_contra) -> None:
        """Go's ``ch <- value``."""

    @abstractmethod
    def close(self) -> None:
        """Go's ``close(ch)``."""


class RecvChan(_Channel, Generic[T_co]):
    """Go's ``<-chan T``: a channel seen from the receiving side.

    Covariant: a ``RecvChan[bool]`` is a ``RecvChan[int]``.
    """

    __slots__ = ()

    @abstractmethod
    def recv(self) -> T_co:
        """Go's ``<-ch``."""

    @abstractmethod
    def recv_ok(self) -> tuple[T_co, bool]:
        """Go's ``v, ok := <-ch``."""

    @abstractmethod
    def __iter__(self) -> Iterator[T_co]:
        """Go's ``for v := range ch``."""


class _ChanCore:
    """What a :class:`Chan` is made of: its state and every operation.

    Apart from :class:`Chan` so that it can be compiled: a compiled class
    cannot be generic nor derive from the ABCs.  Its methods present
    themselves as Chan's (see the end of the module).  Untyped here
    (``value: Any``): :class:`Chan` gives the typed signatures.
    """

    # Invariants (checked by _check_invariants after every step in the tests):
    #  - at most one of _sendq and _recvq holds live waiters, except (as in
    #    Go) on an unbuffered channel where a single select waits to send
    #    and to receive: then every live waiter is that select's;
    #  - live waiters in _recvq imply an empty buffer;
    #  - live waiters in _sendq imply a full buffer (for cap 0: always);
    #  - len(_buf) <= _cap;
    #  - once _closed, it stays closed, and neither queue holds live waiters.
    __slots__ = ("_buf", "_cap", "_closed", "_recvq", "_rt", "_sendq", "_thread_id")

    def __init__(self, cap: int = 0) -> None:
        check_int(cap, "Chan()", "cap")
        if cap < 0:
            raise ValueError("makechan: size out of range")
        self._rt: Runtime = get_runtime()  # the owner: set once, here
        # Every operation checks that it runs on the owner's thread: as
        # Python, first with rt.running (the greenlet the owner runs now)
        # against getcurrent(), which is cheap and enough on the owner's
        # goroutines; then, only when that fails (and always when compiled,
        # where it is a C call), with this against the thread's id (see
        # _core._greenlet.cheap_current).
        self._thread_id = self._rt.thread_id
        self._cap = cap
        # An unbuffered channel never buffers: it shares one empty queue.
        self._buf: deque[Any] = Queue() if cap else _NO_BUFFER
        # The heads of the queues of parked receivers and senders (a sender
        # holds its value): circular lists linked through the waiters (see
        # _core._waitq), None when empty.
        self._recvq: Any = None
        self._sendq: Any = None
        self._closed = False  # set once, by close()

    @property
    def cap(self) -> int:
        """The buffer's size (Go's ``cap(ch)``)."""
        return self._cap

    def __len__(self) -> int:
        """Values buffered now (Go's ``len(ch)``)."""
        return len(self._buf)

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return f"<Chan cap={self._cap} len={len(self._buf)}{state}>"

    def send(self, value: Any) -> None:
        """Send ``value``; block until a receiver takes it or buffer room frees up.

        Raises:
            Panic: ``send on closed channel``, also when the channel is closed
                while this send is blocked.
        """
        rt = self._rt
        if rt.running is not cheap_current() and self._thread_id != get_ident():
            raise self._foreign_thread()
        w = self._recvq
        if w is not None:
            # A parked receiver, so an empty buffer: hand the value over.
            if w.next is w and w.sel is None:
                # The one parked receiver, a plain one: the usual case.
                self._recvq = w.next = None
            else:
                w = self._take(False)
            if w is not None:
                w.value = value
                rt.runq.append(w.owner)  # rt.ready(), which does not specialize
                return
        if self._closed:
            raise SendOnClosedChannel
        if self._cap:
            buf = self._buf
            if len(buf) < self._cap:
                buf.append(value)
                return
        # Park as a sender holding the value (close() wakes it with the panic).
        g = rt.current or rt.implicit_main()
        g.value = value
        if self._sendq is None:
            g.next = self._sendq = g  # alone: its prev is never read
        else:
            push(self._sendq, g)
        # Runtime.park(_CHAN_SEND, self), inlined: see there.
        g.wait_reason = _CHAN_SEND
        g.waitq = self
        runq = rt.runq
        if rt.countdown:
            rt.budget -= 1
            nxt: Goroutine = runq.popleft() if runq and rt.budget > 0 else rt.g0  # type: ignore[assignment]
        else:
            nxt = runq.popleft() if runq else rt.g0  # type: ignore[assignment]
        rt.current = nxt
        glet = nxt.glet
        if glet is None:
            glet = rt.first_run(nxt)
        rt.running = glet
        try:
            switch_to(glet)
            if g.interrupt is not None:
                raise rt.take_interrupt(g)
        except BaseException as exc:
            rt.leave_park(g, exc)
            raise
        g.value = None

    def recv(self) -> Any:
        """Receive a value; block until one is there.

        On a closed and drained channel it returns ``None`` at once (gochan's
        zero value), though the annotation says ``T``, as Go's ``<-ch`` gives
        a ``T``; use :meth:`recv_ok` or iteration to tell.
        """
        rt = self._rt
        if rt.running is not cheap_current() and self._thread_id != get_ident():
            raise self._foreign_thread()
        w = self._sendq
        if w is not None:
            # A parked sender, so a full buffer if there is one.
            if w.next is w and w.sel is None:
                self._sendq = w.next = None  # the one parked sender, a plain one
            else:
                w = self._take(True)
            if w is not None:
                rt.runq.append(w.owner)  # rt.ready(), which does not specialize
                if not self._cap:
                    return w.value
                # Take the buffer's head; the sender's value joins its tail.
                q = self._buf
                q.append(w.value)
                return q.popleft()
        # q: the buffer here, the run queue below.  One variable for both
        # keeps a slot out of the compiled frame, which every goroutine
        # parked here keeps on its saved stack (docs/design.md, "Parked memory").
        q = self._buf
        if q:
            return q.popleft()
        if self._closed:
            g = rt.current
            if g is not None:
                g.ok = False  # tells recv_ok() and iteration: closed and drained
            return None
        g = rt.current or rt.implicit_main()
        if self._recvq is None:
            g.next = self._recvq = g  # alone: its prev is never read
        else:
            push(self._recvq, g)
        # Runtime.park(_CHAN_RECEIVE, self), inlined: see there.
        g.wait_reason = _CHAN_RECEIVE
        g.waitq = self
        q = rt.runq
        if rt.countdown:
            rt.budget -= 1
            nxt: Goroutine = q.popleft() if q and rt.budget > 0 else rt.g0  # type: ignore[assignment]
        else:
            nxt = q.popleft() if q else rt.g0  # type: ignore[assignment]
        rt.current = nxt
        glet = nxt.glet
        if glet is None:
            glet = rt.first_run(nxt)
        rt.running = glet
        try:
            switch_to(glet)
            if g.interrupt is not None:
                raise rt.take_interrupt(g)
        except BaseException as exc:
            rt.leave_park(g, exc)
            raise
        v = g.value
        g.value = None
        # g.ok, written by close() only, tells recv_ok() and iteration whether
        # it was close() that woke us.
        return v

    def _foreign_thread(self) -> RuntimeError:
        """The error of an operation on this channel from a thread not its owner's.

        Apart from the operations, so that the call's temporaries stay out of
        their compiled frames (docs/design.md, "Parked memory").
        """
        return foreign_thread(self, self._thread_id)

    def recv_ok(self) -> tuple[Any, bool]:
        """Go's ``v, ok := <-ch``: ``(None, False)`` once closed and drained."""
        rt = self._rt
        g = rt.current or rt.implicit_main()
        g.ok = True  # recv() clears it when the channel is closed and drained
        v = self.recv()
        return v, g.ok

    def __iter__(self) -> Iterator[Any]:
        """Go's ``for v := range ch``: ends when the channel is closed and drained."""
        rt = self._rt
        recv = self.recv
        buf = self._buf
        while True:
            if (
                buf
                and not self._sendq
                and (rt.running is cheap_current() or self._thread_id == get_ident())
            ):
                # What recv() would do with a buffered value and no parked
                # sender, without the call: a worker's loop runs on this path.
                yield buf.popleft()
                continue
            g = rt.current or rt.implicit_main()
            g.ok = True  # recv() clears it when the channel is closed and drained
            v = recv()
            if not g.ok:
                return
            yield v

    def close(self) -> None:
        """Close the channel (Go's ``close(ch)``).

        Buffered values stay receivable; parked receivers wake with
        ``(None, False)``; parked senders raise ``send on closed channel``.

        Raises:
            Panic: ``close of closed channel``; ``close of nil channel`` for
                ``Chan.close(None)``, Go's ``close(nil)``.
        """
        if self is None:  # Chan.close(None), Go's close(nil)
            raise CloseOfNilChannel
        if self._thread_id != get_ident():
            raise self._foreign_thread()
        if self._closed:
            raise CloseOfClosedChannel
        self._closed = True
        ready = self._rt.ready
        while (w := self._take(False)) is not None:
            w.value = None
            w.ok = False  # a receiver gets (None, False)
            ready(w.owner)
        while (w := self._take(True)) is not None:
            w.value = None
            if w.sel is None:
                w.interrupt = SendOnClosedChannel()  # raised where the sender parked
            else:
                w.ok = False  # select() raises it for the chosen send case
            ready(w.owner)

    # -- the wait queues ------------------------------------------------------

    def _take(self, senders: bool) -> Any:
        """Dequeue the first live parked sender (or receiver) and claim its
        select; None when there is none.  Stale waiters before it are dropped."""
        if senders:
            w, self._sendq = dequeue(self._sendq)
        else:
            w, self._recvq = dequeue(self._recvq)
        return w

    def _unlink_waiter(self, w: Any, sending: bool) -> None:
        """Take ``w`` out of the senders' (or receivers') queue, where it is."""
        if sending:
            self._sendq = unlink(self._sendq, w)
        else:
            self._recvq = unlink(self._recvq, w)

    def _cancel_wait(self, g: Goroutine, /) -> None:
        """The scheduler's undo of a plain send or receive parked here."""
        if g.next is None:
            raise ValueError("completed already")
        self._unlink_waiter(g, g.wait_reason is _CHAN_SEND)

    def _check_invariants(self) -> None:
        """Assert the invariants listed at the top of the class."""
        for head in (self._recvq, self._sendq):
            queued = list(waiters(head))
            if len(queued) > 1:
                assert all(w.next.prev is w and w.prev.next is w for w in queued), "broken links"
            assert len({id(w) for w in queued}) == len(queued), "a waiter queued twice"
        live_recv = [w for w in waiters(self._recvq) if w.sel is None or w.sel.winner is None]
        live_send = [w for w in waiters(self._sendq) if w.sel is None or w.sel.winner is None]
        if live_recv and live_send:
            selects = {id(w.sel) for w in live_recv + live_send}
            # Both queues hold waiters only for one select with a send and a
            # receive case on the same unbuffered channel.
            assert self._cap == 0, "parked senders and receivers at once"
            assert len(selects) == 1, "parked senders and receivers at once"
            assert None not in {w.sel for w in live_recv}, "parked senders and receivers at once"
        assert not (live_recv and self._buf), "parked receivers with a non-empty buffer"
        assert not (live_send and len(self._buf) < self._cap), "parked senders with room"
        assert len(self._buf) <= self._cap, "buffer over capacity"
        assert not (self._closed and (live_recv or live_send)), "waiters on a closed channel"


class Chan(_ChanCore, SendChan[T], RecvChan[T]):
    """A Go channel of values of type ``T``: ``Chan[int]()``, ``Chan[str](10)``.

    ``cap == 0`` makes an unbuffered channel: a send completes only when a
    receiver takes the value.  ``cap > 0`` makes a FIFO buffer of that size.
    A channel belongs to the runtime of the thread that made it; using it
    from another thread raises ``RuntimeError``.

    Raises:
        ValueError: ``cap`` is negative.
        TypeError: ``cap`` is not an ``int``.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        # The typed signatures of _ChanCore's methods, which take and give Any.

        def send(self, value: T) -> None: ...

        def recv(self) -> T: ...

        def recv_ok(self) -> tuple[T, bool]: ...

        def __iter__(self) -> Iterator[T]: ...


# _ChanCore's methods present themselves as Chan's (``Chan.recv``) in dumps,
# leak reports and ``ignore=`` lists, compiled or not.
for _name, _member in vars(_ChanCore).items():
    if hasattr(_member, "__code__"):  # a method, compiled or not
        _member.__qualname__ = f"Chan.{_name}"
del _name, _member

_NO_BUFFER: deque[Any] = Queue()  # never appended to: see Chan.send and recv


class _NilChan(Chan[Any]):
    """Go's nil channel, where Go hands one out: the one object :data:`NIL`.

    An ``after_func`` timer's ``c``, ``tick()`` of a non-positive period and
    ``done()`` of a context that can never be cancelled are this rather than
    ``None``, so their annotations need no ``| None`` and ``ctx.done().recv()``
    type-checks.  Receiving, sending and iterating block forever (a
    :class:`~gochan.Deadlock` if nothing else can run), a select case on it
    is never ready, ``close()`` panics, and it is falsy, as Go's ``ch != nil``
    is false.  A ``None`` select case means the same.

    It belongs to no runtime and holds no state, so every thread shares it.
    Its own methods never touch the fields below; ``select`` reads them as
    for any channel, which costs the other channels nothing: nothing is
    buffered, it is open, and its wait queues read as empty and drop the
    waiter a blocking select parks there, so no case on it is ever ready or
    woken.  It belongs to the runtime of whichever thread selects on it.
    """

    __slots__ = ()

    def __init__(self) -> None:
        # Not Chan.__init__: no runtime of its own (see _rt below).
        self._cap = 0
        self._buf = _NO_BUFFER
        self._closed = False

    # Properties over Chan's slots.  The queues read as empty and drop what
    # is written: a waiter a select parks here is never queued, so nothing can
    # complete it and the shared object holds no thread's goroutines.  The
    # runtime is the caller's; nothing writes it (Chan.__init__ is not run).
    @property
    def _recvq(self) -> None:
        return None

    @_recvq.setter
    def _recvq(self, _head: object) -> None:
        pass

    @property
    def _sendq(self) -> None:
        return None

    @_sendq.setter
    def _sendq(self, _head: object) -> None:
        pass

    @property
    def _rt(self) -> Runtime:
        return get_runtime()

    @_rt.setter
    def _rt(self, _rt: Runtime) -> None:
        raise AttributeError("the nil channel belongs to no runtime")

    @property
    def _thread_id(self) -> int:
        return get_ident()

    @_thread_id.setter
    def _thread_id(self, _id: int) -> None:
        raise AttributeError("the nil channel belongs to no thread")

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "<nil Chan>"

    def send(self, value: Any) -> NoReturn:
        """Block forever, as Go's send on a nil channel (``[chan send (nil chan)]``)."""
        _block_forever(_CHAN_SEND_NIL)

    def recv(self) -> NoReturn:
        """Block forever, as Go's receive from a nil channel (``[chan receive (nil chan)]``)."""
        _block_forever(_CHAN_RECEIVE_NIL)

    def recv_ok(self) -> NoReturn:
        """Block forever, as :meth:`recv`."""
        _block_forever(_CHAN_RECEIVE_NIL)

    def __iter__(self) -> Iterator[Any]:
        """Never yields: the first ``next()`` blocks forever, as :meth:`recv`."""
        yield _block_forever(_CHAN_RECEIVE_NIL)

    def close(self) -> NoReturn:
        """Go's ``close(nil)``.

        Raises:
            Panic: ``close of nil channel``, always.
        """
        raise CloseOfNilChannel


def _block_forever(reason: WaitReason) -> NoReturn:
    """Park the calling goroutine for good; only an interrupt (a crash reaching
    main, a deadlock, the end of ``run()``) ends the wait, by raising."""
    rt = get_runtime()
    rt.current or rt.implicit_main()  # raises on the scheduler loop, as any blocking call
    while True:
        rt.park(reason, None)


NIL: Final[Chan[Any]] = _NilChan()
"""Go's nil channel: never ready, shared by every thread (see :class:`_NilChan`)."""
