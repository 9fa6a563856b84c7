"""Test support for gochan programs, usable from any test runner."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ._core import WaitReason, get_runtime
from ._errors import Panic

__all__ = ["panics", "wait_blocked"]


@contextmanager
def panics(message: str) -> Iterator[None]:
    """Assert that the block raises a :class:`~gochan.Panic` with exactly ``message``.

    The test form of Go's ``defer func() { recover() }()`` check.
    """
    try:
        yield
    except Panic as exc:
        if str(exc) != message:
            raise AssertionError(f"panicked with {str(exc)!r}, expected {message!r}") from exc
    else:
        raise AssertionError(f"did not panic, expected {message!r}")


def wait_blocked(n: int = 1, reason: str | None = None) -> None:
    """Block until at least ``n`` other goroutines are parked (on ``reason``, if given).

    Answered by the scheduler: the condition is checked only when no
    goroutine can run, never by polling.  If it can never hold, the program
    ends in :class:`~gochan.Deadlock` like any other wait nothing can satisfy.
    """
    wait_reason = None if reason is None else WaitReason(reason)
    rt = get_runtime()
    rt.wait_idle(lambda: rt.parked(wait_reason) >= n)
