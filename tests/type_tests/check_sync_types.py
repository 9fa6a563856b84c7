"""Checked by mypy only (``mypy --strict tests``); pytest never collects it.

The typing promises of ``gochan.sync`` and of channels' truth: Go's idioms
type-check as written, with no assert, cast or ignore, and the once
functions keep ``f``'s result type.  Each ``# type: ignore[code]`` marks a
line mypy must reject (``--warn-unused-ignores`` fails a useless one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import assert_type

from gochan import Chan, Cond, Locker, Mutex, RecvChan, RWMutex, sync


def cond_l_is_held_with_with(cond: Cond) -> None:
    with cond.l:  # Go's c.L.Lock(); defer c.L.Unlock()
        cond.wait()


def every_locker_is_held_with_with(rw: RWMutex) -> None:
    with rw.rlocker():
        pass
    for lk in (Mutex(), rw, rw.rlocker()):
        assert_type(lk, Locker)


class SpinLock(Locker):
    """A Locker of one's own: subclassing Locker gives it ``with``."""

    def __init__(self) -> None:
        self.held = False

    def lock(self) -> None:
        self.held = True

    def unlock(self) -> None:
        self.held = False


def own_lockers_work_with_cond() -> None:
    cond = Cond(SpinLock())
    with cond.l:
        pass


def once_functions_keep_their_types() -> None:
    def load() -> dict[str, int]:
        return {}

    def parse() -> tuple[int, Exception | None]:
        return 0, None

    assert_type(sync.once_func(print), Callable[[], None])
    init = sync.once_func(lambda: None)
    assert_type(init(), None)
    config = sync.once_value(load)
    assert_type(config(), dict[str, int])
    value, err = sync.once_values(parse)()
    assert_type(value, int)
    assert_type(err, Exception | None)
    sync.once_values(load)  # type: ignore[arg-type]
    sync.once_value(lambda x: x)  # type: ignore[arg-type,misc]


def channels_are_always_true(a: RecvChan[int] | None, b: Chan[str] | None) -> None:
    while a or b:  # Go's a != nil || b != nil, even for empty channels
        a = b = None
