"""What a program leaves behind once it ended: nothing of it stays alive.

After ``run()`` returns or raises, no greenlet, goroutine, argument or
channel of the program may be reachable; after a thread that used gochan
ends, neither may its runtime.  Greenlets are counted with ``gc`` (the
count may drop meanwhile: greenlet frees a finished thread's main greenlet
lazily, an earlier test's too), and arguments watched through weak references.
"""

from __future__ import annotations

import gc
import sys
import threading
import weakref
from collections.abc import Callable

import pytest
from greenlet import greenlet

from gochan import Chan, Deadlock, GoroutinePanic, Mutex, WaitGroup, go, run
from gochan._core import Goroutine, Runtime, get_runtime
from gochan.runtime import COMPILED
from gochan.testing import wait_blocked

# The programs below leave goroutines parked on purpose, for their end to end them.
pytestmark = pytest.mark.gochan_leak_check(False)

GOROUTINES = 1_000
JOIN_TIMEOUT = 10.0
# Plugins the inner pytest sessions do without: hypothesis alone takes seconds to start.
QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")


class Arg:
    """A goroutine's argument, watched through a weak reference."""


def live(kind: type) -> int:
    """How many objects of ``kind`` are alive, once the garbage is collected."""
    gc.collect()
    return sum(isinstance(o, kind) for o in gc.get_objects())


def program(
    args: list[weakref.ref[Arg]], ending: str = "return", n: int = GOROUTINES
) -> Callable[[], None]:
    """A main that starts ``n`` goroutines: half of them end, half stay parked."""

    def main() -> None:
        ch = Chan[int]()

        def worker(arg: Arg, ch: Chan[int]) -> None:
            ch.recv()

        for _ in range(n):
            arg = Arg()
            args.append(weakref.ref(arg))
            go(worker, arg, ch)
        wait_blocked(n)
        for _ in range(n // 2):
            ch.send(1)
        if ending == "panic":
            go(lambda: 1 / 0)
            Chan[int]().recv()
        elif ending == "deadlock":
            Chan[int]().recv()

    return main


@pytest.mark.parametrize(
    ("ending", "raises"),
    [("return", None), ("panic", GoroutinePanic), ("deadlock", Deadlock)],
)
def test_run_leaves_no_greenlet_nor_argument_behind(
    ending: str, raises: type[BaseException] | None
) -> None:
    def once() -> None:
        if raises is None:
            run(program(args, ending))
        else:
            with pytest.raises(raises):
                run(program(args, ending))

    args: list[weakref.ref[Arg]] = []
    once()  # this thread's first program makes its main greenlet
    before = live(greenlet)
    for _ in range(3):
        once()
    assert live(greenlet) <= before
    assert sum(ref() is not None for ref in args) == 0


def test_a_script_that_then_calls_run_leaves_nothing_behind() -> None:
    # A plain script's program (its code the implicit main goroutine), then
    # run(), which ends the script's program first.
    args: list[weakref.ref[Arg]] = []
    run(program(args))
    before = live(greenlet)
    ch = Chan[int]()
    arg = Arg()
    args.append(weakref.ref(arg))
    go(lambda arg: ch.recv(), arg)
    del arg
    ch.send(0)  # blocks: this code is now the main goroutine
    run(program(args))
    assert live(greenlet) <= before
    assert sum(ref() is not None for ref in args) == 0


def test_the_pytest_plugin_leaves_nothing_behind_per_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from gochan import Chan, go
        from gochan.testing import wait_blocked

        @pytest.mark.gochan(leak_check=False)
        @pytest.mark.parametrize("n", range(10))
        def test_parks_goroutines(n):
            ch = Chan[int]()
            for _ in range(100):
                go(ch.recv)
            wait_blocked(100)
        """
    )
    # A first session makes whatever pytest keeps from one session to the next.
    pytester.runpytest(*QUIET).assert_outcomes(passed=10)
    before = live(greenlet)
    pytester.runpytest(*QUIET).assert_outcomes(passed=10)
    assert live(greenlet) <= before


def in_threads(target: Callable[[], None], n: int) -> list[weakref.ref[Runtime]]:
    """Run ``target`` on ``n`` threads at once; the runtimes they used, weakly."""
    runtimes: list[weakref.ref[Runtime]] = []

    def body() -> None:
        runtimes.append(weakref.ref(get_runtime()))
        target()

    threads = [threading.Thread(target=body) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
        assert not t.is_alive()
    return runtimes


def assert_threads_left_nothing(runtimes: list[weakref.ref[Runtime]], greenlets: int) -> None:
    """No runtime of the threads is alive, nor any greenlet beyond ``greenlets``.

    greenlet frees the greenlets of a finished thread lazily, at a later
    switch on the thread that collects them: the last thread's main greenlet
    may still be there, and a switch here lets greenlet free what it deferred.
    """
    greenlet(lambda: None).switch()
    assert live(greenlet) <= greenlets + 1
    assert sum(ref() is not None for ref in runtimes) == 0


def test_a_finished_thread_leaves_no_runtime_behind() -> None:
    def uses_run() -> None:
        run(program([], n=20))

    greenlets = live(greenlet)
    assert_threads_left_nothing(in_threads(uses_run, 50), greenlets)


def test_a_thread_that_ends_its_script_ends_its_goroutines_and_frees_them() -> None:
    # A thread's plain-script program (no run()) ends as the thread ends, as
    # the main thread's does at exit: finally blocks run, even one that asks
    # for the runtime (a Mutex does), and nothing is left.
    ended: list[int] = []
    args: list[weakref.ref[Arg]] = []

    def script() -> None:
        mu = Mutex()
        ch = Chan[int]()

        def worker(arg: Arg) -> None:
            try:
                ch.recv()
            finally:
                with mu:
                    ended.append(1)

        for _ in range(10):
            arg = Arg()
            args.append(weakref.ref(arg))
            go(worker, arg)
        del arg
        wait_blocked(10)

    greenlets = live(greenlet)
    runtimes = in_threads(script, 50)
    assert len(ended) == 500
    assert_threads_left_nothing(runtimes, greenlets)
    assert sum(ref() is not None for ref in args) == 0


class Held:
    """A value a goroutine receives and then ties to its own frame: a cycle."""

    frame: object = None


def test_a_goroutine_parked_forever_on_its_own_channel_is_freed_at_the_end_of_run() -> None:
    # The goroutine's record last received `held`, which its frame then
    # holds in turn; it parks on a channel nothing else can reach.  In the
    # compiled build the record is out of the cycle collector's reach while
    # the goroutine lives: only its end, as run() ends it, may let go of them.
    refs: list[weakref.ref[Held]] = []

    def main() -> None:
        values = Chan[Held](1)

        def parked_forever() -> None:
            held = values.recv()
            held.frame = sys._getframe()
            Chan[int]().recv()

        for _ in range(10):
            go(parked_forever)
            held = Held()
            refs.append(weakref.ref(held))
            values.send(held)
        del held
        wait_blocked(10)

    run(main)  # this thread's first program makes its main greenlet
    before = live(greenlet)
    run(main)
    assert live(greenlet) <= before
    gc.collect()
    assert sum(ref() is not None for ref in refs) == 0


@pytest.mark.skipif(
    not COMPILED,
    reason="the Python build's records stay tracked: the collector frees what they hold",
)
def test_a_finished_goroutines_record_holds_nothing_of_the_program() -> None:
    records: list[Goroutine] = []

    def main() -> None:
        ch, done = Chan[Held](), Chan[None]()

        def receiver() -> None:
            current = get_runtime().current
            assert current is not None
            records.append(current)
            held = ch.recv()
            held.frame = sys._getframe()
            # Started next, by this carrier at once, with no park in between
            # to rewrite this record's wait fields.
            go(done.send, None)

        go(receiver)
        wait_blocked(1)  # parked in ch.recv(): ch is its wait queue
        ch.send(Held())
        done.recv()

    run(main)
    (record,) = records
    # Out of the cycle collector's reach: what it held would be kept alive
    # by it, cycles through it included.
    assert not gc.is_tracked(record)
    # Its own plain data only: ids, where it was started, its last state.
    own = (record.id, record.creator_id, record.go_code, record.go_lasti, record.wait_reason)
    kept = {id(x) for x in (*own, record.args, record.ok, None, type(record))}
    assert [r for r in gc.get_referents(record) if id(r) not in kept] == []


@pytest.mark.skipif(
    not COMPILED, reason="the Python build's run queue is a deque of tracked records"
)
def test_a_long_run_queue_is_out_of_the_collectors_walks() -> None:
    # The records are untracked, so the list a long run queue keeps them in
    # would only give the young collections a long walk to nothing.
    def main() -> None:
        wg = WaitGroup()
        wg.add(5_000)
        for _ in range(5_000):
            go(wg.done)
        holders = [
            o
            for o in gc.get_objects()
            if type(o) is list and len(o) >= 4_096 and any(type(x) is Goroutine for x in o)
        ]
        assert holders == []
        wg.wait()

    run(main)


def test_goroutines_that_never_started_leave_nothing_behind() -> None:
    args: list[weakref.ref[Arg]] = []

    def main() -> None:
        for _ in range(10):  # main returns first: none of them starts
            arg = Arg()
            args.append(weakref.ref(arg))
            go(lambda arg: None, arg)

    run(main)
    gc.collect()
    assert sum(ref() is not None for ref in args) == 0
