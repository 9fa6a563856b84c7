"""Misuses of the public API: each gets a clear error at the call, naming what was expected.

The table below is the contract: each row is a misuse as a user writes it,
evaluated in a fresh namespace inside a program, and the error it must
raise.  docs/misuse.md lists the same rows for readers; a test keeps the two
in step.  Go's compile errors (two defaults, a non-channel case, a float
counter) are TypeErrors here.  Time and context misuses have rows of their
own next to these.
"""

from __future__ import annotations

import asyncio
import functools
import math
import re
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from test_threads import in_thread

import gochan
from gochan import Chan, Cond, Group, Mutex, Once, Panic, RWMutex, WaitGroup, go, run, sync
from gochan import testing as gochan_testing
from gochan.testing import wait_blocked

DOCS = Path(__file__).resolve().parent.parent / "docs" / "misuse.md"


async def async_fn() -> None:
    """What a user ports from asyncio by mistake."""


async def async_gen() -> AsyncIterator[int]:
    yield 1


class AsyncCallable:
    async def __call__(self) -> None: ...


class Client:
    async def fetch(self) -> None: ...


@dataclass(frozen=True)
class Misuse:
    code: str  # the call as written, evaluated in namespace()
    error: type[BaseException]
    message: str  # a fragment of the error's message

    def __str__(self) -> str:
        return self.code


PLAIN = "goroutines are plain functions that block, not coroutines (def, not async def)"

MISUSES = [
    # Goroutines and the runtime
    Misuse("go(42)", TypeError, "go(): fn must be callable, not int"),
    Misuse("go(None)", TypeError, "go(): fn must be callable, not None"),
    Misuse("go(async_fn)", TypeError, f"go(): fn is the async function async_fn; {PLAIN}"),
    Misuse("go(async_fn())", TypeError, f"go(): fn is a coroutine; {PLAIN}"),
    Misuse("go(async_gen)", TypeError, f"go(): fn is the async function async_gen; {PLAIN}"),
    Misuse("go(partial(async_fn))", TypeError, f"go(): fn is the async function async_fn; {PLAIN}"),
    Misuse("go(AsyncCallable())", TypeError, f"go(): fn is the async function AsyncCallable.__call__; {PLAIN}"),
    Misuse("go(Client().fetch)", TypeError, f"go(): fn is the async function Client.fetch; {PLAIN}"),
    Misuse("run(42)", TypeError, "run(): main must be callable, not int"),
    Misuse("run(async_fn)", TypeError, f"run(): main is the async function async_fn; {PLAIN}"),
    Misuse("blocking(None)", TypeError, "blocking(): fn must be callable, not None"),
    Misuse("blocking(async_fn)", TypeError, f"blocking(): fn is the async function async_fn; {PLAIN}"),
    Misuse("set_blocking_workers(1.5)", TypeError, "set_blocking_workers(): n must be an int, not float"),
    Misuse("set_blocking_workers(0)", ValueError, "set_blocking_workers(): n must be at least 1, not 0"),
    Misuse("wait_future(None)", TypeError, "wait_future(): fut must be a concurrent.futures.Future, not None"),
    Misuse("wait_future(asyncio_future)", TypeError, "wait_future(): fut must be a concurrent.futures.Future, not _asyncio.Future"),
    Misuse("future_done(None)", TypeError, "future_done(): fut must be a concurrent.futures.Future, not None"),
    Misuse("future_done(asyncio_future)", TypeError, "future_done(): fut must be a concurrent.futures.Future, not _asyncio.Future"),
    # Channels and select
    Misuse("Chan(1.5)", TypeError, "Chan(): cap must be an int, not float"),
    Misuse("Chan(-1)", ValueError, "makechan: size out of range"),
    Misuse("Chan.close(None)", Panic, "close of nil channel"),
    Misuse("select(recv(1))", TypeError, "select(): the channel of recv(1) must be a Chan or None, not int"),
    Misuse("select(send('ch', 1))", TypeError, "select(): the channel of send('ch', 1) must be a Chan or None, not str"),
    Misuse("select(default, default)", TypeError, "select(): at most one default case, got two (Go: multiple defaults in select)"),
    Misuse("select(ch)", TypeError, "select() takes recv(), send() or default cases, not <Chan cap=0 len=0>"),
    Misuse("select(None)", TypeError, "select() takes recv(), send() or default cases, not None"),
    # sync
    Misuse("WaitGroup().add('1')", TypeError, "WaitGroup.add(): n must be an int, not str"),
    Misuse("WaitGroup().add(1.5)", TypeError, "WaitGroup.add(): n must be an int, not float"),
    Misuse("WaitGroup().go(None)", TypeError, "WaitGroup.go(): fn must be callable, not None"),
    Misuse("WaitGroup().go(async_fn)", TypeError, f"WaitGroup.go(): fn is the async function async_fn; {PLAIN}"),
    Misuse("Once().do(None)", TypeError, "Once.do(): fn must be callable, not None"),
    Misuse("Once().do(async_fn)", TypeError, f"Once.do(): fn is the async function async_fn; {PLAIN}"),
    Misuse("Cond(42)", TypeError, "Cond(): l must be a Locker (with lock() and unlock()), not int"),
    Misuse("Cond(Mutex()).wait()", Panic, "sync: unlock of unlocked mutex"),
    Misuse("Cond(threading.Lock())", TypeError, "Cond(): l must be a Locker (with lock() and unlock()), not _thread.lock"),
    Misuse("sync.once_func(None)", TypeError, "once_func(): f must be callable, not None"),
    Misuse("sync.once_value(async_fn)", TypeError, f"once_value(): f is the async function async_fn; {PLAIN}"),
    Misuse("sync.once_values(42)", TypeError, "once_values(): f must be callable, not int"),
    # errgroup
    Misuse("Group().go(None)", TypeError, "Group.go(): fn must be callable, not None"),
    Misuse("Group().go(async_fn)", TypeError, f"Group.go(): fn is the async function async_fn; {PLAIN}"),
    Misuse("Group().try_go(None)", TypeError, "Group.try_go(): fn must be callable, not None"),
    Misuse("Group().try_go(async_fn)", TypeError, f"Group.try_go(): fn is the async function async_fn; {PLAIN}"),
    Misuse("Group().set_limit(1.5)", TypeError, "Group.set_limit(): n must be an int, not float"),
    Misuse("Group.with_context(42)", TypeError, "Group.with_context(): ctx must be a Context, not int"),
    # gochan.testing
    Misuse("panics(ValueError)", TypeError, "panics(): message must be a str, not type"),
    Misuse("wait_blocked('chan receive')", TypeError, "wait_blocked(): n must be an int, not str"),
    Misuse("wait_blocked(1, 'chan recv')", ValueError, "wait_blocked(): reason must be a wait reason of stacks(), such as 'chan receive', not 'chan recv'"),
    Misuse("seed(None)", TypeError, "seed(): n must be an int, not None"),
    Misuse("verify_none('worker')", TypeError, "verify_none(): ignore must be a list of functions or names, not str"),
    Misuse("leak_check('worker')", TypeError, "leak_check(): ignore must be a list of functions or names, not str"),
    Misuse("VirtualClock('0')", TypeError, "VirtualClock() argument 'start' must be a number of seconds (int or float), not str"),
    Misuse("VirtualClock(math.nan)", ValueError, "VirtualClock() argument 'start' is NaN (not a number)"),
    Misuse("VirtualClock().advance(math.nan)", ValueError, "advance() argument 'seconds' is NaN (not a number)"),
    Misuse("VirtualClock().advance(-1)", ValueError, "time never goes back: advance(-1"),
]  # fmt: skip


def namespace(loop: asyncio.AbstractEventLoop) -> dict[str, Any]:
    """What the rows' code sees: gochan's names, its modules and the helpers above."""
    names: dict[str, Any] = {name: getattr(gochan, name) for name in gochan.__all__}
    names.update(
        {name: getattr(gochan_testing, name) for name in gochan_testing.__all__},
        sync=sync,
        threading=threading,
        math=math,
        partial=functools.partial,
        set_blocking_workers=gochan.runtime.set_blocking_workers,
        async_fn=async_fn,
        async_gen=async_gen,
        AsyncCallable=AsyncCallable,
        Client=Client,
        asyncio_future=loop.create_future(),
        ch=Chan[int](),
    )
    return names


@pytest.mark.filterwarnings("ignore:coroutine 'async_fn' was never awaited")
@pytest.mark.parametrize("misuse", MISUSES, ids=str)
def test_a_misuse_raises_a_clear_error_at_the_call(misuse: Misuse) -> None:
    loop = asyncio.new_event_loop()

    def attempt() -> None:
        result = eval(misuse.code, namespace(loop))
        if hasattr(result, "__enter__"):  # panics() and leak_check() check as they are entered
            with result:
                pass

    def main() -> None:
        with pytest.raises(misuse.error) as info:
            attempt()
        assert misuse.message in str(info.value)
        assert gochan.num_goroutine() == 1  # nothing was started

    try:
        run(main)
    finally:
        loop.close()


def test_the_docs_table_lists_every_row() -> None:
    rows = [
        (m[1], m[2], m[3])
        for line in DOCS.read_text().splitlines()
        if (m := re.fullmatch(r"\| `([^`]+)` \| `(\w+)` \| `(.+)` \|", line))
    ]
    expected = [(m.code, m.error.__name__, m.message) for m in MISUSES]
    assert [row for row in rows if row[0] in {m.code for m in MISUSES}] == expected


# -- sync primitives belong to one thread ------------------------------------------------


def assert_refused(error: object, owner: int) -> None:
    assert isinstance(error, RuntimeError), error
    message = str(error)
    assert f"belongs to the gochan runtime of thread {owner} and was used from thread" in message
    assert "blocking(), wait_future()" in message


def test_a_mutex_unlocked_from_another_thread_is_refused_not_handed_to_a_lost_waiter() -> None:
    # T1: main locks mu; a goroutine parks in mu.lock().
    # T2: another thread calls mu.unlock(): refused, mu stays locked.
    # T3: main unlocks; the waiter gets the lock and runs.
    def main() -> list[str]:
        mu = Mutex()
        trace: list[str] = []
        mu.lock()

        def waiter() -> None:
            with mu:
                trace.append("waiter has the lock")

        go(waiter)
        wait_blocked(1, "sync.Mutex.Lock")
        assert_refused(in_thread(mu.unlock), threading.get_ident())
        assert mu.try_lock() is False  # still held by main
        mu.unlock()
        wait_blocked(0)
        return trace

    assert run(main) == ["waiter has the lock"]


def test_waitgroup_done_from_another_thread_is_refused_not_a_deadlock() -> None:
    def main() -> str:
        wg = WaitGroup()
        wg.add(1)
        result: list[str] = []

        def waiter() -> None:
            wg.wait()
            result.append("released")

        go(waiter)
        wait_blocked(1, "sync.WaitGroup.Wait")
        assert_refused(in_thread(wg.done), threading.get_ident())
        wg.done()
        wait_blocked(0)
        return result[0]

    assert run(main) == "released"


def _used(primitive: Any, use: Callable[[Any], object]) -> Callable[[], Any]:
    """A maker of ``primitive``'s kind that uses it once on this thread, which binds it."""

    def make() -> Any:
        p = primitive()
        use(p)
        return p

    return make


def _nothing() -> None:
    pass


def _lock(lk: Any) -> None:
    lk.lock()


def _lock_unlock(lk: Any) -> None:
    lk.lock()
    lk.unlock()


# Each primitive, used on this thread first, then an operation from another thread.
FOREIGN_USES: list[tuple[str, Callable[[], Any], Callable[[Any], object]]] = [
    ("Mutex.lock", _used(Mutex, _lock_unlock), lambda mu: mu.lock()),
    ("Mutex.try_lock", _used(Mutex, _lock_unlock), lambda mu: mu.try_lock()),
    ("Mutex.unlock", _used(Mutex, _lock), lambda mu: mu.unlock()),
    ("Mutex with", _used(Mutex, _lock_unlock), lambda mu: mu.__enter__()),
    ("RWMutex.lock", _used(RWMutex, _lock_unlock), lambda rw: rw.lock()),
    ("RWMutex.try_lock", _used(RWMutex, _lock_unlock), lambda rw: rw.try_lock()),
    ("RWMutex.unlock", _used(RWMutex, _lock), lambda rw: rw.unlock()),
    ("RWMutex.rlock", _used(RWMutex, _lock_unlock), lambda rw: rw.rlock()),
    ("RWMutex.try_rlock", _used(RWMutex, _lock_unlock), lambda rw: rw.try_rlock()),
    ("RWMutex.runlock", _used(RWMutex, lambda rw: rw.rlock()), lambda rw: rw.runlock()),
    ("RWMutex.rlocker", _used(RWMutex, lambda rw: rw.rlock()), lambda rw: rw.rlocker().unlock()),
    ("WaitGroup.add", _used(WaitGroup, lambda wg: wg.add(1)), lambda wg: wg.add(1)),
    ("WaitGroup.done", _used(WaitGroup, lambda wg: wg.add(1)), lambda wg: wg.done()),
    ("WaitGroup.wait", _used(WaitGroup, lambda wg: wg.add(1)), lambda wg: wg.wait()),
    ("WaitGroup.go", _used(WaitGroup, lambda wg: wg.add(1)), lambda wg: wg.go(_nothing)),
    ("Cond.wait", _used(lambda: Cond(Mutex()), lambda c: c.signal()), lambda c: c.wait()),
    ("Cond.signal", _used(lambda: Cond(Mutex()), lambda c: c.signal()), lambda c: c.signal()),
    ("Cond.broadcast", _used(lambda: Cond(Mutex()), lambda c: c.signal()), lambda c: c.broadcast()),
    ("Once.do", _used(Once, lambda once: once.do(_nothing)), lambda once: once.do(_nothing)),
    ("once_value", _used(lambda: sync.once_value(int), lambda get: get()), lambda get: get()),
]


@pytest.mark.parametrize(
    ("make", "use"), [u[1:] for u in FOREIGN_USES], ids=[u[0] for u in FOREIGN_USES]
)
def test_a_sync_primitive_used_from_another_thread_raises_a_clear_error(
    make: Callable[[], Any], use: Callable[[Any], object]
) -> None:
    def main() -> None:
        primitive = make()
        before = repr(primitive)
        assert_refused(in_thread(lambda: use(primitive)), threading.get_ident())
        assert repr(primitive) == before  # left untouched

    run(main)


def test_a_sync_primitive_belongs_to_the_thread_that_first_uses_it() -> None:
    # Made here, as a module-level or zero value would be, and first used by a
    # program on another thread: that thread owns it from then on.
    mu, wg = Mutex(), WaitGroup()

    def program() -> str:
        def worker() -> None:
            with mu:
                pass

        wg.go(worker)
        wg.wait()
        return "done"

    assert in_thread(lambda: run(program)) == "done"
    with pytest.raises(RuntimeError, match="belongs to the gochan runtime of thread"):
        mu.lock()
    with pytest.raises(RuntimeError, match="belongs to the gochan runtime of thread"):
        wg.wait()


def test_an_errgroup_used_from_another_thread_raises_a_clear_error() -> None:
    def main() -> None:
        g = Group()
        g.go(_nothing)
        assert_refused(in_thread(g.wait), threading.get_ident())
        g.wait()

    run(main)


def test_a_concurrent_future_from_another_thread_is_accepted() -> None:
    def main() -> int:
        fut: Future[int] = Future()
        threading.Thread(target=fut.set_result, args=(7,)).start()
        return gochan.wait_future(fut)

    assert run(main) == 7
