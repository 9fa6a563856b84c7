"""Crossing the thread boundary: blocking calls on worker threads, futures.

The one crossing (and the only code of gochan that other threads run):
another thread finishes some work and calls :meth:`Handoff.complete`, which
posts one callback to the runtime's inbox (:meth:`Runtime.post`) and wakes
the loop.  Everything else (readying a goroutine, closing a channel) happens
in that callback, on the runtime's own thread.  Worker threads never touch a
channel, a goroutine or the runtime's state.

Invariants:
 - every :class:`Handoff` counts one in ``rt.external_pending`` from its
   creation until its completion reaches the loop, so work in flight is
   never taken for a deadlock, and the loop sleeps on ``rt.wakeup`` for it;
 - a completion that arrives after its program ended (``end_main()`` reset
   the count and dropped the goroutines) does nothing at all;
 - a goroutine parked on a handoff is readied by its completion, or by the
   scheduler's undo (``remove``), never by both.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._goroutine import Goroutine, WaitReason

if TYPE_CHECKING:
    from ._sched import Runtime

R = TypeVar("R")

# The default bound on blocking()'s threads: Go's default for
# debug.SetMaxThreads.  Go starts a thread per blocking system call, so calls
# never wait for each other; the bound only stops a runaway program from
# exhausting the system's threads.
DEFAULT_WORKERS = 10_000
# An idle worker thread ends after this many seconds without a call, unless
# it is one of the WARM_WORKERS kept for the next burst of calls.
IDLE_TIMEOUT = 10.0
WARM_WORKERS = 4
THREAD_NAME = "gochan-blocking"  # worker threads are named f"{THREAD_NAME}-{n}"


class Handoff:
    """One completion expected from another thread, and who waits for it.

    Made on the runtime's thread; :meth:`complete` is the only method other
    threads may call.  Also the wait queue of a goroutine parked on it.
    """

    __slots__ = ("_program", "_rt", "_then", "on_abandon", "waiter")

    def __init__(self, rt: Runtime, then: Callable[[], None] | None = None) -> None:
        """Count one completion expected by this program; ``then()`` runs on its arrival."""
        if rt.main is None:
            rt.implicit_main()  # a plain script's first call: its program starts now
        self._rt = rt
        self._program = rt.main  # the program the count below belongs to
        self._then = then
        rt.expect_post()
        self.waiter: Goroutine | None = None  # set by wait(); cleared by the wake or its undo
        # Called on the runtime's thread when the waiter is interrupted and gives up.
        self.on_abandon: Callable[[], object] | None = None

    def wait(self, reason: WaitReason) -> None:
        """Park the calling goroutine until the completion arrives.

        Raises what the scheduler interrupts the goroutine with; the
        completion then comes later and is dropped.
        """
        rt = self._rt
        self.waiter = rt.current or rt.implicit_main()
        rt.park(reason, self)

    def complete(self) -> None:
        """From any thread: the work is done; wake the loop, which wakes the waiter.

        The one crossing of the thread boundary.  Call it once.
        """
        self._rt.post(self._arrive)

    def _arrive(self) -> None:
        rt = self._rt
        if rt.main is not self._program:
            return  # that program ended: end_main() reset the count and dropped its goroutines
        rt.external_pending -= 1
        if self._then is not None:
            self._then()
        g, self.waiter = self.waiter, None
        if g is not None:
            rt.ready(g)

    def _cancel_wait(self, g: object, /) -> None:
        """The scheduler's undo: the waiter is interrupted and stops waiting."""
        if self.waiter is not g:
            raise ValueError("not waiting")
        self.waiter = None
        if self.on_abandon is not None:
            self.on_abandon()


class _Call(Generic[R]):
    """A blocking call: run by a worker thread, which writes its outcome once."""

    __slots__ = ("error", "fn", "handoff", "result")

    def __init__(self, fn: Callable[[], R], handoff: Handoff) -> None:
        self.fn: Callable[[], R] | None = fn  # cleared as it starts
        self.handoff = handoff
        self.result: R | None = None  # written by the worker thread, before complete()
        self.error: BaseException | None = None  # likewise

    def run(self) -> None:
        """On a worker thread: call ``fn`` and post the completion."""
        fn, self.fn = self.fn, None
        assert fn is not None
        try:
            self.result = fn()
        except BaseException as exc:  # re-raised in the caller, whatever it is
            self.error = exc
        self.handoff.complete()

    def fail(self, error: BaseException) -> None:
        """Complete the call with ``error`` without running it."""
        self.fn = None
        self.error = error
        self.handoff.complete()


class WorkerPool:
    """The threads that run one program's blocking calls, as many as the calls.

    Owned by one runtime, whose thread alone submits calls; the threads take
    them.  Every call gets a thread at once, as every blocking system call
    gets one in Go: an idle thread if there is one, or a new one, up to
    ``size`` threads; only beyond ``size`` do calls wait in the queue, first
    come, first served.  A thread idle for ``idle_timeout`` seconds ends,
    unless it is one of the ``warm`` kept.  ``close()`` (at the end of the
    program) drops the calls not started yet and lets each thread end once
    its current call returns; nothing ever joins them, so a call stuck
    forever cannot hang the end of ``run()`` or of the interpreter.

    Invariants, under ``_lock``:
     - ``idle`` counts the threads not running a call (waiting for one, or
       just started), so ``threads - idle`` calls are running;
     - a queued call beyond ``idle`` means ``threads >= size``: each call
       has a thread on its way, or waits for the bound.
    """

    def __init__(self, size: int) -> None:
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)  # a call queued, or a stop
        self._calls: deque[_Call[Any]] = deque()  # submitted, not taken by a thread yet
        self.size = size  # at most this many threads; written by resize()
        self.threads = 0  # threads started and not ended (or ending)
        self.idle = 0  # of them, those not running a call
        self.started = 0  # threads ever started, to name them
        self.closed = False  # set once, by close(): the threads end
        # Taken from the module at construction, so tests can shorten them.
        self.idle_timeout = IDLE_TIMEOUT
        self.warm = WARM_WORKERS

    def call(self, rt: Runtime, fn: Callable[[], R]) -> R:
        """Run ``fn()`` on a worker thread; park the calling goroutine until it returns."""
        rt.current or rt.implicit_main()  # raises before anything starts, if not in a goroutine
        call = _Call(fn, Handoff(rt))
        with self._lock:
            self._calls.append(call)
            start = len(self._calls) > self.idle and self.threads < self.size
            if start:
                self.threads += 1
                self.idle += 1  # counted idle until it takes a call
                self.started += 1
            else:
                self._cond.notify()  # an idle thread takes it, or the call waits for the bound
        if start:
            self._start_thread(call)
        call.handoff.wait(WaitReason.BLOCKING)
        error = call.error
        if error is not None:
            call.error = None  # no cycle through the traceback's frames
            raise error
        return call.result  # type: ignore[return-value]

    def _start_thread(self, call: _Call[Any]) -> None:
        """Start the thread counted for ``call``; if the system refuses one, ``call`` fails."""
        try:
            threading.Thread(
                target=self._serve, name=f"{THREAD_NAME}-{self.started}", daemon=True
            ).start()
        except RuntimeError as exc:  # "can't start new thread": the system's limit
            with self._lock:
                self.threads -= 1
                self.idle -= 1
                try:
                    self._calls.remove(call)
                except ValueError:
                    return  # another thread took it
            call.fail(exc)

    def queued(self) -> list[Goroutine]:
        """The goroutines whose calls wait for a thread (the bound is reached)."""
        with self._lock:
            # The first ``idle`` calls have a thread on its way; the rest wait for the bound.
            waiting = list(self._calls)[self.idle :]
        return [g for call in waiting if (g := call.handoff.waiter) is not None]

    def resize(self, size: int) -> None:
        """At most ``size`` threads from now on; extra threads end when idle."""
        with self._lock:
            self.size = size
            self._cond.notify_all()

    def close(self) -> None:
        """Drop the calls not started and end every thread after its current call."""
        with self._lock:
            self._calls.clear()
            self.closed = True
            self._cond.notify_all()

    def _serve(self) -> None:
        """A worker thread's loop: take calls until closed, shrunk past, or idle too long."""
        with self._lock:
            timed_out = False
            while True:
                if self.closed or self.threads > self.size:
                    break
                if self._calls:
                    call = self._calls.popleft()
                    self.idle -= 1
                    self._lock.release()
                    try:
                        call.run()
                    finally:
                        del call  # hold no finished call's result while idle
                        self._lock.acquire()
                    self.idle += 1
                    timed_out = False
                    continue
                if timed_out and self.threads > self.warm:
                    break
                timed_out = not self._cond.wait(self.idle_timeout)
            self.threads -= 1
            self.idle -= 1
            if self._calls:
                self._cond.notify()  # the call this thread was woken for goes to another


def call_blocking(rt: Runtime, fn: Callable[[], R]) -> R:
    """Run ``fn()`` on one of the runtime's worker threads, parked until it returns."""
    pool = rt.workers
    if pool is None:
        pool = rt.workers = WorkerPool(rt.max_workers)
    return pool.call(rt, fn)


def set_workers(rt: Runtime, size: int) -> int:
    """Bound the runtime's blocking threads to ``size``; the previous bound."""
    previous, rt.max_workers = rt.max_workers, size
    if rt.workers is not None:
        rt.workers.resize(size)
    return previous


def wait_future(rt: Runtime, fut: Future[R]) -> R:
    """Park the calling goroutine until ``fut`` is done; its result, or raise its error.

    A goroutine interrupted while it waits cancels ``fut`` (a no-op once it runs).
    """
    if not fut.done():
        rt.current or rt.implicit_main()  # raises before anything starts, if not in a goroutine
        handoff = Handoff(rt)
        handoff.on_abandon = fut.cancel
        fut.add_done_callback(lambda _: handoff.complete())
        handoff.wait(WaitReason.FUTURE)
    return fut.result()


def on_future_done(rt: Runtime, fut: Future[Any], then: Callable[[], None]) -> None:
    """Run ``then()`` on the loop once ``fut`` is done (at once if it is)."""
    if fut.done():
        then()
        return
    handoff = Handoff(rt, then)
    fut.add_done_callback(lambda _: handoff.complete())
