"""The value-or-error ``Result`` and the fan-in loop that ``process_numbers`` and ``fetch_all`` share.

Workers never raise into their caller: each sends a ``Result`` holding either
a value or an error, and the caller's loop below keeps the first error,
cancels everything else, and goes on draining the channel until it is closed,
so that no worker is ever left blocked on a send.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from gochan import RecvChan

T = TypeVar("T")


@dataclass(frozen=True)
class Result(Generic[T]):
    value: T | None = None
    err: Exception | None = None


def collect(
    results: RecvChan[Result[T]], cancel: Callable[[], None], *, keep_late_values: bool = False
) -> tuple[list[T], Exception | None]:
    """Drain ``results`` until it is closed; return the values and the first error.

    On the first error, ``cancel()`` stops the remaining workers. Values that
    arrive after it are dropped, unless ``keep_late_values`` asks for every
    value that completed (the "partial results" variant).
    """
    collected: list[T] = []
    first_err: Exception | None = None
    for res in results:
        if res.err is not None:
            if first_err is None:
                first_err = res.err
                cancel()
            continue  # keep draining the channel!
        if first_err is None or keep_late_values:
            assert res.value is not None  # a Result without an error carries a value
            collected.append(res.value)
    return collected, first_err
