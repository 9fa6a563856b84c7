"""Crossing the thread boundary: blocking calls on worker threads, futures.

The one crossing (and the only code of gochan that other threads run):
another thread finishes some work and calls :meth:`Handoff.complete`, which
posts one callback to the runtime's inbox (:meth:`Runtime.post`) and wakes
the loop; or it calls one of the functions any thread may call (a cancel
function, ``Timer.stop``), which posts itself with :func:`post_to_program`.
Everything else (readying a goroutine, closing a channel) happens in that
callback, on the runtime's own thread.  Worker threads never touch a
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

import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._goroutine import Goroutine, WaitReason

if TYPE_CHECKING:
    from ._sched import Runtime

R = TypeVar("R")

# concurrent.futures.ThreadPoolExecutor's default size: blocking calls are
# mostly I/O, so a few more threads than cores.
DEFAULT_WORKERS = min(32, (os.cpu_count() or 1) + 4)
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
        self.fn: Callable[[], R] | None = fn
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


class WorkerPool:
    """Up to ``size`` daemon threads running one program's blocking calls.

    Owned by one runtime: every method but the threads' own loop runs on the
    runtime's thread.  Threads start on demand and serve calls first come,
    first served; calls beyond ``size`` wait in the queue.  ``close()`` (at
    the end of the program) drops the calls not started yet and lets each
    thread end once its current call returns; nothing ever joins them, so a
    call stuck forever cannot hang the end of ``run()`` or of the interpreter.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.threads = 0  # threads started and not yet told to stop
        self.unfinished = 0  # calls submitted whose completion has not reached the loop
        self._calls: queue.SimpleQueue[_Call[Any] | None] = queue.SimpleQueue()

    def call(self, rt: Runtime, fn: Callable[[], R]) -> R:
        """Run ``fn()`` on a worker thread; park the calling goroutine until it returns."""
        rt.current or rt.implicit_main()  # raises before anything starts, if not in a goroutine
        handoff = Handoff(rt, self._finished)
        call = _Call(fn, handoff)
        self.unfinished += 1
        self._calls.put(call)
        if self.unfinished > self.threads and self.threads < self.size:
            self._start_thread()
        handoff.wait(WaitReason.BLOCKING)
        error = call.error
        if error is not None:
            call.error = None  # no cycle through the traceback's frames
            raise error
        return call.result  # type: ignore[return-value]

    def _finished(self) -> None:
        self.unfinished -= 1

    def resize(self, size: int) -> None:
        """At most ``size`` threads from now on; extra idle threads end."""
        for _ in range(self.threads - size):
            self._calls.put(None)
        self.threads = min(self.threads, size)
        self.size = size

    def close(self) -> None:
        """Drop the calls not started and end every thread after its current call."""
        while True:
            try:
                self._calls.get_nowait()
            except queue.Empty:
                break
        for _ in range(self.threads):
            self._calls.put(None)
        self.threads = 0

    def _start_thread(self) -> None:
        self.threads += 1
        threading.Thread(
            target=_serve, args=(self._calls,), name=f"{THREAD_NAME}-{self.threads}", daemon=True
        ).start()


def _serve(calls: queue.SimpleQueue[_Call[Any] | None]) -> None:
    """A worker thread's loop: run calls until told to stop (``None``)."""
    while (call := calls.get()) is not None:
        call.run()
        del call  # hold no finished call's result while idle


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
