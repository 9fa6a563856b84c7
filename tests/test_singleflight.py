"""singleflight.Group: x/sync's singleflight_test.go ported, then how exceptions are shared."""

from __future__ import annotations

import traceback
from collections.abc import Iterator

import pytest

from gochan import Chan, GoroutinePanic, go, recv, run, select, sync, time
from gochan.singleflight import Group, Result
from gochan.testing import VirtualClock, wait_blocked


@pytest.fixture
def clock() -> Iterator[VirtualClock]:
    with VirtualClock() as c:
        yield c


class Stop(BaseException):
    """Stops a goroutine as Go's runtime.Goexit does: not an Exception."""


# -- singleflight_test.go ------------------------------------------------------------


def test_do() -> None:
    def main() -> None:
        g = Group[str, str]()
        v, _ = g.do("key", lambda: "bar")
        assert (v, type(v)) == ("bar", str)

    run(main)


def test_do_err() -> None:
    def main() -> None:
        g = Group[str, str]()
        some_err = ValueError("Some error")

        def fail() -> str:
            raise some_err

        with pytest.raises(ValueError, match="Some error") as caught:
            g.do("key", fail)
        assert caught.value is some_err

    run(main)


def test_do_dup_suppress(clock: VirtualClock) -> None:
    def main() -> None:
        g = Group[str, str]()
        wg1, wg2 = sync.WaitGroup(), sync.WaitGroup()
        c = Chan[str](1)
        calls = 0

        def fn() -> str:
            nonlocal calls
            calls += 1
            if calls == 1:
                # First invocation.
                wg1.done()
            v = c.recv()
            c.send(v)  # pump; make available for any future calls

            time.sleep(10 * time.Millisecond)  # let more goroutines enter do

            return v

        n = 10
        wg1.add(1)
        for _ in range(n):
            wg1.add(1)
            wg2.add(1)

            def call() -> None:
                try:
                    wg1.done()
                    v, _ = g.do("key", fn)
                    assert v == "bar"
                finally:
                    wg2.done()

            go(call)
        wg1.wait()
        # At least one goroutine is in fn now and all of them have at
        # least reached the line before the do.
        c.send("bar")
        wg2.wait()
        assert 0 < calls < n

    run(main)


def test_forget() -> None:
    # https://github.com/golang/go/issues/31420
    def main() -> None:
        g = Group[str, int]()
        first_started, unblock_first, first_finished = Chan[None](), Chan[None](), Chan[None]()

        def first() -> int:
            first_started.close()
            unblock_first.recv()
            first_finished.close()
            return 1

        go(g.do, "key", first)
        first_started.recv()
        g.forget("key")

        unblock_second = Chan[None]()

        def second() -> int:
            unblock_second.recv()
            return 2

        second_result = g.do_chan("key", second)

        unblock_first.close()
        first_finished.recv()

        third_result = g.do_chan("key", lambda: 3)

        unblock_second.close()
        second_result.recv()
        r = third_result.recv()
        assert r.value == 2, "the third call shares the second's result"

    run(main)


def test_do_chan() -> None:
    def main() -> None:
        g = Group[str, str]()
        ch = g.do_chan("key", lambda: "bar")

        res = ch.recv()
        assert (res.value, type(res.value)) == ("bar", str)
        assert res.err is None

    run(main)


def test_panic_do(clock: VirtualClock) -> None:
    # https://github.com/golang/go/issues/41133: every caller gets the panic.
    def main() -> None:
        g = Group[str, None]()
        panic = RuntimeError("invalid memory address or nil pointer dereference")

        def fn() -> None:
            raise panic

        n = 5
        panics: list[BaseException] = []
        wg = sync.WaitGroup()

        def call() -> None:
            try:
                g.do("key", fn)
            except RuntimeError as exc:
                panics.append(exc)

        for _ in range(n):
            wg.go(call)
        done = recv(wg_done(wg))
        assert select(done, recv(time.after(time.Second))) is done, "do hangs"
        assert panics == [panic] * n

    run(main)


def test_goexit_do(clock: VirtualClock) -> None:
    # Every caller stops as the function's goroutine did, and none hangs.
    def main() -> None:
        g = Group[str, None]()

        def fn() -> None:
            raise Stop

        n = 5
        stopped = 0
        wg = sync.WaitGroup()

        def call() -> None:
            nonlocal stopped
            try:
                g.do("key", fn)
            except Stop:
                stopped += 1

        for _ in range(n):
            wg.go(call)
        done = recv(wg_done(wg))
        assert select(done, recv(time.after(time.Second))) is done, "do hangs"
        assert stopped == n

    run(main)


def test_exception_in_do_chan_is_its_result() -> None:
    # Go's TestPanicDoChan: a panic in DoChan's function crashes the program.
    # Python does not tell a panic from an error: the exception is the result.
    def main() -> None:
        g = Group[str, None]()
        panic = RuntimeError("Panicking in DoChan")

        def fn() -> None:
            raise panic

        res = g.do_chan("", fn).recv()
        assert res == Result(None, panic, False)

    run(main)


def test_exception_in_do_shared_by_do_chan() -> None:
    # Go's TestPanicDoSharedByDoChan crashes too; here the do_chan caller gets
    # the exception as its result, and the function ran once.
    def main() -> None:
        blocked, unblock = Chan[None](), Chan[None]()
        g = Group[str, None]()
        panic = RuntimeError("Panicking in Do")

        def do_call() -> None:
            def fn() -> None:
                blocked.close()
                unblock.recv()
                raise panic

            with pytest.raises(RuntimeError):
                g.do("", fn)

        go(do_call)
        blocked.recv()

        def unexpected() -> None:
            raise AssertionError("do_chan unexpectedly executed callback")

        ch = g.do_chan("", unexpected)
        unblock.close()
        assert ch.recv() == Result(None, panic, True)

    run(main)


def wg_done(wg: sync.WaitGroup) -> Chan[None]:
    """A channel closed once ``wg.wait()`` returns."""
    done = Chan[None]()

    def wait_then_close() -> None:
        wg.wait()
        done.close()

    go(wait_then_close)
    return done


# -- shared outcomes ---------------------------------------------------------------


def test_shared_tells_whether_the_value_went_to_more_than_one_caller() -> None:
    def main() -> list[tuple[int, bool]]:
        g = Group[str, int]()
        release = Chan[None]()
        got: list[tuple[int, bool]] = []

        def slow() -> int:
            release.recv()
            return 7

        def call() -> None:
            got.append(g.do("k", slow))

        go(call)
        go(call)
        wait_blocked(2)  # the first in slow(), the second in do()
        release.close()
        wait_blocked(0)
        got.append(g.do("k", lambda: 8))  # the call finished: a new one, alone
        return got

    assert run(main) == [(7, True), (7, True), (8, False)]


def test_waiters_wait_as_on_a_waitgroup() -> None:
    def main() -> None:
        g = Group[str, None]()
        release = Chan[None]()
        go(g.do, "k", release.recv)
        go(g.do, "k", release.recv)
        wait_blocked(1, "chan receive")
        wait_blocked(1, "sync.WaitGroup.Wait")
        release.close()

    run(main)


def test_keys_are_independent() -> None:
    def main() -> list[str]:
        g = Group[int, str]()
        release = Chan[None]()
        ran: list[str] = []

        def work(name: str) -> str:
            ran.append(name)
            release.recv()
            return name

        a = g.do_chan(1, lambda: work("a"))
        b = g.do_chan(2, lambda: work("b"))
        wait_blocked(2, "chan receive")
        release.close()
        assert (a.recv().value, b.recv().value) == ("a", "b")
        return ran

    assert run(main) == ["a", "b"]


def test_every_caller_raises_the_exception_with_the_functions_traceback() -> None:
    def main() -> list[list[str]]:
        g = Group[str, None]()
        release = Chan[None]()
        tracebacks: list[list[str]] = []

        def fail() -> None:
            release.recv()
            raise KeyError("gone")

        def call() -> None:
            try:
                g.do("k", fail)
            except KeyError as exc:
                tracebacks.append([f.name for f in traceback.extract_tb(exc.__traceback__)])

        for _ in range(3):
            go(call)
        wait_blocked(3)
        release.close()
        wait_blocked(0)
        return tracebacks

    # The same frames for each: its own call, then the function's; never another caller's.
    expected = ["call", "do", "outcome", "_do_call", "fail"]
    assert run(main) == [expected] * 3


def test_a_stopping_function_stops_every_do_caller_and_sends_no_result() -> None:
    def main() -> None:
        g = Group[str, None]()
        release = Chan[None]()
        stopped = Chan[str](2)

        def fn() -> None:
            release.recv()
            raise Stop

        def call(name: str) -> None:
            try:
                g.do("k", fn)
            except Stop:
                stopped.send(name)

        go(call, "first")
        go(call, "second")
        wait_blocked(2)
        ch = g.do_chan("k", fn)
        release.close()
        assert sorted([stopped.recv(), stopped.recv()]) == ["first", "second"]
        assert len(ch) == 0, "a stopped call delivers no result"

    run(main)


def test_a_stopping_function_ends_the_do_chan_goroutine_as_a_crash() -> None:
    def main() -> None:
        g = Group[str, None]()

        def fn() -> None:
            raise Stop

        g.do_chan("k", fn)
        with pytest.raises(GoroutinePanic) as caught:
            Chan[None]().recv()
        assert isinstance(caught.value.__cause__, Stop)

    run(main)


def test_forget_of_an_unknown_key_does_nothing() -> None:
    g = Group[str, int]()
    g.forget("never")
    assert repr(g) == "<singleflight.Group in flight=[]>"
