"""Goroutines and the runtime: Go's ``go`` statement and package ``runtime``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import Future
from sys import _getframe
from types import FunctionType, MethodType
from typing import Any, ParamSpec, TypeVar

from . import _build
from ._chan import Chan, RecvChan
from ._core import (
    WaitReason,
    call_blocking,
    get_runtime,
    hide_frame,
    on_future_done,
    set_workers,
    without_gochan_frames,
)
from ._core import wait_future as _wait_future
from ._errors import ASYNC_CODE, Deadlock, GoroutinePanic, check_function, check_int, wrong

P = ParamSpec("P")
R = TypeVar("R")

__all__ = [
    "COMPILED",
    "blocking",
    "future_done",
    "go",
    "gosched",
    "num_goroutine",
    "run",
    "set_blocking_workers",
    "stacks",
    "wait_future",
]


COMPILED: bool = _build.COMPILED
"""Whether gochan's core runs compiled (with Cython) rather than as Python.

The same code either way: the compiled modules are the core's ``.py``
files, compiled when gochan was installed on a machine with a C compiler.
``GOCHAN_PURE_PYTHON=1`` in the environment forces the Python modules;
``python -m gochan --version`` says which are in use, and why.
"""


def go(fn: Callable[P, object], /, *args: P.args, **kwargs: P.kwargs) -> None:
    """Start ``fn(*args, **kwargs)`` as a new goroutine (Go's ``go fn(args)``).

    It does not run yet: it starts when the caller blocks or yields.  Called
    outside ``run()``, the calling code becomes this thread's main goroutine.
    An exception that ``fn`` lets out crashes the program as in Go: it
    reaches the main goroutine as :class:`~gochan.GoroutinePanic`.

    Raises:
        TypeError: ``fn`` is not callable, or is an ``async def`` function:
            goroutines are plain functions.
    """
    # check_function's test for a plain function or method, inlined: go() is the
    # spawn path.
    function = fn.__func__ if type(fn) is MethodType else fn
    if type(function) is not FunctionType or function.__code__.co_flags & ASYNC_CODE:
        check_function(fn, "go()", "fn")
    get_runtime().spawn(fn, args, kwargs or None, _getframe(1))


def run(main: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """Run ``main(*args, **kwargs)`` as the program's main goroutine; return its result.

    An exception raised by ``main`` comes out unchanged.  When ``main``
    returns (or raises), every goroutine still alive is ended:
    ``GoroutineExit`` is raised where it is parked, so its ``finally`` blocks
    and context managers run; goroutines that never started are dropped.

    Raises:
        RuntimeError: a gochan program is already running on this thread.
        TypeError: ``main`` is not callable, or is an ``async def`` function.
    """
    check_function(main, "run()", "main")
    rt = get_runtime()
    rt.start_main()
    try:
        result = main(*args, **kwargs)
        if rt.at_main_return is not None:
            rt.at_main_return()
        return result
    except (GoroutinePanic, Deadlock) as crash:
        # The program's crash shows the user's frames only, as dumps do.
        crash.__traceback__ = without_gochan_frames(crash.__traceback__)
        raise
    finally:
        rt.end_main()


def gosched() -> None:
    """Yield to the other runnable goroutines (Go's ``runtime.Gosched``)."""
    rt = get_runtime()
    g = rt.current or rt.implicit_main()
    rt.ready(g)
    try:
        rt.park(WaitReason.RUNNABLE, None)
    except BaseException as exc:
        hide_frame(exc)  # out of gosched(), as out of park(): see Runtime.leave_park
        raise


def num_goroutine() -> int:
    """Goroutines alive on this thread's runtime, the caller included."""
    return max(1, len(get_runtime().goroutines))


def stacks() -> str:
    """Every goroutine with its id, state and Python stack: Go's goroutine dump.

    The state is what the goroutine is blocked on (``chan send``, ``chan
    receive``, ``select``, ``sleep``, ``sync.WaitGroup.Wait``, ...),
    ``runnable`` or ``running``; a goroutine other than main ends with the
    place of the ``go()`` call that created it.
    """
    rt = get_runtime()
    if rt.main is None:
        return f"goroutine 1 [running]:\n{''.join(_caller_stack())}"
    return rt.stacks()


def blocking(fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """Call ``fn(*args, **kwargs)`` on a worker thread; return its result or raise its error.

    Blocks the calling goroutine only (wait reason ``blocking``): the other
    goroutines keep running meanwhile, and a call in flight is never taken
    for a deadlock.  For blocking I/O and C code that releases the GIL
    (files, sockets, ``subprocess``, ``time.sleep``, database drivers); it
    does not make pure-Python CPU work faster, as the GIL runs one thread at
    a time: use a process pool and :func:`wait_future` for that.

    Every call gets a thread at once, as Go gives one to every blocking
    system call: calls that wait on each other (a pipe's reader and its
    writer) cannot hang for want of a thread.  The worker threads belong to
    this thread's runtime: an idle one takes the call, or a new one starts;
    threads idle for a while end, but for a few kept warm.  Only beyond the
    bound of :func:`set_blocking_workers` (10,000 by default, Go's limit on
    threads) do calls wait for a free thread.  ``fn`` runs on another
    thread, so it must not touch channels or goroutines.  Go's equivalent
    is any blocking system call, which Go moves off its scheduler by itself.

    A goroutine interrupted while it waits (the end of ``run()``, a crash
    reaching main, Ctrl-C) does not stop ``fn``: the call runs to its end on
    its thread, and its result is dropped.  At the end of ``run()`` calls
    not started yet are dropped, and the threads end once their current
    call returns; ``run()`` never waits for them.

    Raises:
        TypeError: ``fn`` is not callable, or is an ``async def`` function.
        BaseException: whatever ``fn`` raised, re-raised in the caller.
    """
    check_function(fn, "blocking()", "fn")
    return call_blocking(get_runtime(), functools.partial(fn, *args, **kwargs))


def set_blocking_workers(n: int) -> int:
    """Bound this thread's runtime to ``n`` worker threads for :func:`blocking`; returns the old bound.

    The default bound is 10,000, Go's default for ``debug.SetMaxThreads``,
    which only stops a runaway program: below it, every call gets a thread
    at once.  A new bound takes effect at once: extra threads end once idle,
    calls waiting for the old bound get threads up to the new one, and calls
    beyond ``n`` wait for a free thread, first come, first served.
    Calls that wait on each other can then hang: :func:`stacks` shows each
    goroutine whose call waits as ``[blocking, all set_blocking_workers(n)
    threads busy]``.  Such a hang is not reported as a deadlock, as a call
    that runs may always return.  Go crashes past its limit where gochan
    queues.  Does not block.

    Raises:
        TypeError: ``n`` is not an ``int``.
        ValueError: ``n`` is less than 1.
    """
    check_int(n, "set_blocking_workers()", "n")
    if n < 1:
        raise ValueError(f"set_blocking_workers(): n must be at least 1, not {n}")
    return set_workers(get_runtime(), n)


def wait_future(fut: Future[R], /) -> R:
    """Block until the ``concurrent.futures.Future`` is done; return its result or raise its error.

    Only the calling goroutine waits (wait reason ``future``), on no thread
    of its own: the future's done-callback wakes the runtime.  Works with
    any executor's futures (thread or process pools, Dask's
    ``client.get_executor()``).  Returns at once when ``fut`` is done.
    A goroutine interrupted while it waits (the end of ``run()``, a crash
    reaching main) cancels ``fut``, which stops it if it has not started.
    To stop waiting on a context or a timer, select on :func:`future_done`.
    Go has no futures; this is a receive from a result channel.

    Raises:
        TypeError: ``fut`` is not a ``concurrent.futures.Future`` (an
            asyncio future, for one, is awaited, not waited on).
        concurrent.futures.CancelledError: ``fut`` was cancelled.
        BaseException: whatever the future's work raised.
    """
    _check_future(fut, "wait_future()")
    return _wait_future(get_runtime(), fut)


def future_done(fut: Future[Any], /) -> RecvChan[None]:
    """A channel closed once ``fut`` is done, to select on (as Go's ``ctx.Done()``).

    Does not block.  A receive from it blocks until ``fut`` is done, and
    then gives ``(None, False)`` at once, to any number of receivers; then
    :func:`wait_future` returns the result without blocking::

        done = future_done(fut)
        if select(recv(done), recv(ctx.done())).ch is not done:
            fut.cancel()  # stop the work if it has not started yet
            return ctx.err()
        value = wait_future(fut)

    Losing the select does not cancel ``fut``: call ``fut.cancel()``.
    The channel belongs to the calling thread's runtime; a future that is
    never done keeps it open, which the deadlock check counts as pending work.

    Raises:
        TypeError: ``fut`` is not a ``concurrent.futures.Future``.
    """
    _check_future(fut, "future_done()")
    ch = Chan[None]()
    on_future_done(get_runtime(), fut, ch.close)
    return ch


def _check_future(fut: object, where: str) -> None:
    # Only these: another kind (an asyncio future) may call its done-callbacks
    # on a loop that never runs, and the wait would never end.
    if not isinstance(fut, Future):
        raise wrong(where, "fut", "a concurrent.futures.Future", fut)


def _caller_stack() -> list[str]:
    import traceback

    return traceback.format_stack(_getframe(2))
