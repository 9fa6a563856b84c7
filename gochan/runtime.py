"""Goroutines and the runtime: Go's ``go`` statement and package ``runtime``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from greenlet import getcurrent

from ._core import WaitReason, get_runtime

P = ParamSpec("P")
R = TypeVar("R")

__all__ = ["go", "gosched", "num_goroutine", "run", "stacks"]


def go(fn: Callable[P, object], /, *args: P.args, **kwargs: P.kwargs) -> None:
    """Start ``fn(*args, **kwargs)`` as a new goroutine (Go's ``go fn(args)``).

    It does not run yet: it starts when the caller blocks or yields.  Called
    outside ``run()``, the calling code becomes this thread's main goroutine.
    An exception that ``fn`` lets out crashes the program as in Go: it
    reaches the main goroutine as :class:`~gochan.GoroutinePanic`.

    Raises:
        TypeError: ``fn`` is not callable.
    """
    if not callable(fn):
        raise TypeError(f"go() needs a callable, not {type(fn).__name__}")
    get_runtime().spawn(fn, args, kwargs, sys._getframe(1))


def run(main: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """Run ``main(*args, **kwargs)`` as the program's main goroutine; return its result.

    An exception raised by ``main`` comes out unchanged.  When ``main``
    returns (or raises), every goroutine still alive is ended:
    ``GoroutineExit`` is raised where it is parked, so its ``finally`` blocks
    and context managers run; goroutines that never started are dropped.

    Raises:
        RuntimeError: a gochan program is already running on this thread.
        TypeError: ``main`` is not callable.
    """
    if not callable(main):
        raise TypeError(f"run() needs a callable, not {type(main).__name__}")
    rt = get_runtime()
    rt.start_main(getcurrent())
    try:
        return main(*args, **kwargs)
    finally:
        rt.end_main()


def gosched() -> None:
    """Yield to the other runnable goroutines (Go's ``runtime.Gosched``)."""
    rt = get_runtime()
    g = rt.current or rt.implicit_main()
    rt.ready(g)
    rt.park(WaitReason.RUNNABLE, None)


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


def _caller_stack() -> list[str]:
    import traceback

    return traceback.format_stack(sys._getframe(2))
