"""Crossing the thread boundary: blocking calls on worker threads, futures.

The one crossing (and the only code of gochan that other threads run):
another thread finishes some work and calls :meth:`Handoff.complete`, which
posts one callback to the runtime's inbox (:meth:`Runtime.post`) and wakes
the loop; or it calls one of the functions any thread may call (a cancel
function, ``Timer.stop``), which posts itself with :func:`post_to_program`.
Everything else (readying a goroutine, closing a channel, counting the
pool's threads) happens in that callback, on the runtime's own thread; a
worker thread idle for long posts too, to ask the runtime whether it may
end.  Worker threads never touch a channel, a goroutine or the runtime's
state.

Invariants:
 - every :class:`Handoff` counts one in ``rt.external_pending`` from its
   creation until its completion reaches the loop, so work in flight is
   never taken for a deadlock, and the loop sleeps in the poller for it;
 - a completion that arrives after its program ended (``end_main()`` reset
   the count and dropped the goroutines) does nothing at all;
 - a goroutine parked on a handoff is readied by its completion, or by the
   scheduler's undo (``remove``), never by both.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
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
        """On a worker thread: call ``fn`` and keep its outcome, for ``handoff.complete()``."""
        fn, self.fn = self.fn, None
        assert fn is not None
        try:
            self.result = fn()
        except BaseException as exc:  # re-raised in the caller, whatever it is
            self.error = exc


class _Worker:
    """One worker thread's parking spot (Go's M and its note)."""

    __slots__ = ("stop", "wake")

    def __init__(self) -> None:
        # Held but while a wake-up is pending: only the runtime releases it,
        # at most once each time the thread parks, and only the thread
        # acquires it.  One waiter per lock keeps a timed wait reliable
        # (SimpleQueue's timed get, with several waiters, can block past its
        # timeout on Python 3.11).
        self.wake = threading.Lock()
        self.wake.acquire()
        self.stop = False  # set once, by the runtime: the thread ends

    def end(self) -> None:
        """From the runtime's thread: the thread ends, after its call if it runs one."""
        self.stop = True
        if self.wake.locked():  # else a wake-up is pending: it will see stop
            self.wake.release()


class WorkerPool:
    """The threads that run one program's blocking calls, as many as the calls.

    Owned by one runtime: every method but the threads' own loop runs on the
    runtime's thread.  Every call gets a thread at once, as every blocking
    system call gets one in Go: it joins ``calls``, and unless a thread is
    on its way already, the thread parked last is woken for it, or a new one
    started, up to ``size`` threads; only at ``size`` does a call wait there
    for a busy thread to finish, first come, first served.  A thread takes
    calls until there is none, then parks.  A thread parked for
    ``idle_timeout`` seconds asks the runtime to end it, which it does
    unless only the ``warm`` ones would be left.  ``close()`` (at the end of
    the program) drops the calls not started yet and lets each thread end
    once its current call returns; nothing ever joins them, so a call stuck
    forever cannot hang the end of ``run()`` or of the interpreter.

    The threads share ``calls``, ``idle`` and ``waking`` with the runtime;
    each step on them is one deque operation, atomic under the GIL.  A call
    has a thread on its way while ``len(calls) <= len(waking)``: a thread
    woken or started is in ``waking`` until it looks at ``calls``.  No call
    is left behind: the runtime appends a call, then looks for a parked
    thread in ``idle``; a thread parks by joining ``idle``, then looks for a
    call with no thread on its way, and takes it back if there is one.  So
    either the runtime finds the thread, or the thread finds the call.
    """

    def __init__(self, rt: Runtime, size: int) -> None:
        self._rt = rt
        self.size = size  # at most this many threads; written by resize()
        self.calls: deque[_Call[Any]] = deque()  # submitted, not taken by a thread yet
        self.idle: deque[_Worker] = deque()  # parked threads, the last to park at the right
        self.waking: deque[_Worker] = deque()  # woken or started, not looking at calls yet
        self.workers: set[_Worker] = set()  # every thread not told to end (runtime's only)
        self.started = 0  # threads ever started, to name them
        self.closed = False  # set once, by close(); read by the threads
        # Taken from the module at construction, so tests can shorten them.
        self.idle_timeout = IDLE_TIMEOUT
        self.warm = WARM_WORKERS

    def call(self, rt: Runtime, fn: Callable[[], R]) -> R:
        """Run ``fn()`` on a worker thread; park the calling goroutine until it returns.

        Raises:
            RuntimeError: the system refuses a thread for it ("can't start new thread").
        """
        rt.current or rt.implicit_main()  # raises before anything starts, if not in a goroutine
        call = _Call(fn, Handoff(rt))
        calls = self.calls
        calls.append(call)
        # No thread on its way: wake a parked one, or start one below the bound;
        # at the bound, a thread that finishes a call takes it.
        if len(calls) > len(self.waking) and not self._wake_one() and len(self.workers) < self.size:
            refused = self._start_worker()
            if refused is not None:  # the call fails, as Go's program would
                self._withdraw(call, refused)
        call.handoff.wait(WaitReason.BLOCKING)
        error = call.error
        if error is not None:
            call.error = None  # no cycle through the traceback's frames
            raise error
        return call.result  # type: ignore[return-value]

    def _wake_one(self) -> bool:
        """Wake the thread parked last, to take a call; False if none is parked."""
        while True:
            try:
                w = self.idle.pop()
            except IndexError:
                return False
            if not w.stop:  # an ended thread may still be in idle as it leaves
                self.waking.append(w)
                w.wake.release()
                return True

    def _start_worker(self) -> RuntimeError | None:
        """Start a thread, which takes calls at once; the system's refusal, if it refuses."""
        w = _Worker()
        self.started += 1
        self.waking.append(w)
        try:
            threading.Thread(
                target=self._serve, args=(w,), name=f"{THREAD_NAME}-{self.started}", daemon=True
            ).start()
        except RuntimeError as exc:  # "can't start new thread": the system's limit
            self.waking.remove(w)
            return exc
        self.workers.add(w)
        return None

    def _withdraw(self, call: _Call[Any], refused: RuntimeError) -> None:
        """Fail ``call``, for which the system refused a thread, unless a thread took it."""
        try:
            self.calls.remove(call)
        except ValueError:
            return
        call.error = refused
        call.handoff.complete()

    def _end(self, w: _Worker) -> None:
        self.workers.discard(w)
        w.end()

    def _idle_too_long(self, w: _Worker) -> None:
        """On the loop, posted by a thread parked for ``idle_timeout``: end it, if still parked."""
        if len(self.workers) <= self.warm:
            return
        try:
            self.idle.remove(w)
        except ValueError:
            return  # woken meanwhile, or ended
        self._end(w)

    def queued(self) -> list[Goroutine]:
        """The goroutines whose calls wait for a thread (the bound is reached)."""
        if len(self.workers) < self.size:
            return []
        waiting = list(self.calls)[len(self.waking) :]  # the first ones have threads coming
        return [g for call in waiting if (g := call.handoff.waiter) is not None]

    def resize(self, size: int) -> None:
        """At most ``size`` threads from now on: parked threads beyond it end now, busy
        ones after their call; calls waiting for the old bound get threads."""
        self.size = size
        beyond = len(self.workers) - size
        while beyond > 0:
            try:
                w = self.idle.popleft()  # the longest parked first
            except IndexError:
                break
            if not w.stop:
                self._end(w)
                beyond -= 1
        for w in list(self.workers)[: max(beyond, 0)]:
            self._end(w)  # busy: it ends after its call
        while len(self.calls) > len(self.waking) and len(self.workers) < size:
            if self._start_worker() is not None:
                break  # the system refuses: the calls wait on

    def close(self) -> None:
        """Drop the calls not started and end every thread after its current call."""
        self.closed = True
        self.calls.clear()
        for w in self.workers:
            w.end()
        self.workers.clear()

    def _serve(self, w: _Worker) -> None:
        """A worker thread's loop: take calls until told to end; park when there is none."""
        calls, idle = self.calls, self.idle
        self._awake(w)
        while not w.stop:
            try:
                call = calls.popleft()
            except IndexError:
                idle.append(w)
                self._park(w)
                continue
            call.run()
            # Parked before the caller learns its call is done, so that the
            # caller's next call finds this thread rather than start another.
            idle.append(w)
            call.handoff.complete()
            del call  # hold no finished call's result while idle
            self._park(w)

    def _park(self, w: _Worker) -> None:
        """On the thread, just added to ``idle``: take back a call no thread is on its
        way for, or wait to be woken."""
        if len(self.calls) > len(self.waking):
            try:
                self.idle.remove(w)
            except ValueError:
                pass  # the runtime woke this thread already: the wake-up is pending
            else:
                return
        while not w.wake.acquire(timeout=self.idle_timeout):
            if self.closed:
                return
            self._rt.post(partial(self._idle_too_long, w))  # the runtime decides
        self._awake(w)

    def _awake(self, w: _Worker) -> None:
        """On the thread, woken or started: it looks at ``calls`` next."""
        with contextlib.suppress(ValueError):  # not there: woken to end, not for a call
            self.waking.remove(w)


def post_to_program(rt: Runtime, callback: Callable[[], object]) -> None:
    """From any thread: run ``callback`` on ``rt``'s loop, within the program running now.

    How a call made on another thread (a cancel function, ``Timer.stop``)
    takes effect on the runtime that owns what it acts on, as if made there,
    once that runtime's loop takes its inbox.  Nothing happens if no program
    runs on ``rt``'s thread, or if it ends first: what the callback would act
    on ended with it.  Reads ``rt.main`` from this thread, a single reference.
    """
    program = rt.main
    if program is None:
        return

    def run_in_program() -> None:
        if rt.main is program:
            callback()

    rt.post(run_in_program)


def call_blocking(rt: Runtime, fn: Callable[[], R]) -> R:
    """Run ``fn()`` on one of the runtime's worker threads, parked until it returns."""
    pool = rt.workers
    if pool is None:
        pool = rt.workers = WorkerPool(rt, rt.max_workers)
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
