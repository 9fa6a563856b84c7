"""The netpoller in the scheduler: goroutines parked on descriptors (``IO wait``).

These tests use the core API (``poll_open``) on socket pairs, under both
pollers: the edge-triggered epoll one of Linux and the level-triggered
``selectors`` one of other systems.
"""

from __future__ import annotations

import gc
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from gochan import Chan, Deadlock, blocking, go, gosched, run, sleep, stacks
from gochan._core import PollDesc, PollError, Runtime, get_runtime, poll_open
from gochan._core._netpoll import EpollPoller, SelectorPoller, new_poller
from gochan.testing import VirtualClock, wait_blocked

POLLERS = ["epoll", "selectors"] if sys.platform == "linux" else ["selectors"]


@pytest.fixture(params=POLLERS, autouse=True)
def poller(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run each test on a fresh poller of each kind."""
    rt = get_runtime()
    previous = rt.poller
    rt.poller = (EpollPoller if request.param == "epoll" else SelectorPoller)(rt)
    try:
        yield request.param
    finally:
        rt.poller.close()
        rt.poller = previous


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def read(pd: PollDesc, sock: socket.socket, n: int = 100) -> bytes:
    """The read loop of PollDesc's docstring."""
    while True:
        if pd.r.err:
            raise OSError(f"poll error {PollError(pd.r.err).name}")
        try:
            return sock.recv(n)
        except BlockingIOError:
            pass
        err = pd.r.wait()
        if err:
            raise OSError(f"poll error {PollError(err).name}")


def test_a_goroutine_parks_in_io_wait_until_the_descriptor_is_readable(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    a, b = pair

    def main() -> bytes:
        pd = poll_open(get_runtime(), a.fileno())
        got = Chan[bytes](1)
        go(lambda: got.send(read(pd, a)))
        wait_blocked(1, "IO wait")
        assert "[IO wait]" in stacks()
        b.send(b"ping")
        data = got.recv()
        pd.close()
        return data

    assert run(main) == b"ping"


def test_one_readiness_event_wakes_every_waiter_of_a_direction(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    a, b = pair

    def main() -> list[bytes]:
        pd = poll_open(get_runtime(), a.fileno())
        got = Chan[bytes](3)
        for _ in range(3):
            go(lambda: got.send(read(pd, a, 1)))
        wait_blocked(3, "IO wait")
        b.send(b"xyz")
        data = sorted(got.recv() for _ in range(3))
        pd.close()
        return data

    assert run(main) == [b"x", b"y", b"z"]


def test_a_closed_descriptor_is_freed_at_once_with_no_cycle_to_collect(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    # A server opens and closes a descriptor per connection: what the
    # netpoller keeps of one must go with its last reference, not wait for
    # the cycle collector (whose older generations run rarely).
    a, _ = pair
    rt = get_runtime()
    gc.collect()
    gc.disable()
    try:
        pd = poll_open(rt, a.fileno())
        pd.r.set_deadline(rt.clock.now() + 60)
        pd.close()
        del pd
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_close_wakes_the_waiters_with_closing(pair: tuple[socket.socket, socket.socket]) -> None:
    a, _ = pair

    def main() -> list[int]:
        pd = poll_open(get_runtime(), a.fileno())
        errs = Chan[int](2)
        go(lambda: errs.send(pd.r.wait()))
        go(lambda: errs.send(pd.r.wait()))
        wait_blocked(2, "IO wait")
        pd.close()
        assert pd.r.wait() == PollError.CLOSING  # and every later wait
        return [errs.recv(), errs.recv()]

    assert run(main) == [PollError.CLOSING, PollError.CLOSING]
    assert get_runtime().io_waiting == 0


def test_a_deadline_wakes_the_waiter_and_a_new_one_lets_it_wait_again(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    a, b = pair

    def main() -> bytes:
        rt = get_runtime()
        pd = poll_open(rt, a.fileno())
        pd.r.set_deadline(rt.clock.now() + 0.02)
        assert pd.r.wait() == PollError.TIMEOUT
        assert pd.r.wait() == PollError.TIMEOUT  # stays expired
        errs = Chan[int](1)
        pd.r.set_deadline(None)
        go(lambda: errs.send(pd.r.wait()))
        wait_blocked(1, "IO wait")
        pd.r.set_deadline(rt.clock.now())  # applies to the wait under way
        assert errs.recv() == PollError.TIMEOUT
        pd.r.set_deadline(rt.clock.now() + 60)
        b.send(b"usable")
        data = read(pd, a)
        pd.close()
        return data

    assert run(main) == b"usable"


def test_io_pending_is_not_a_deadlock(pair: tuple[socket.socket, socket.socket]) -> None:
    a, b = pair

    def main() -> bytes:
        pd = poll_open(get_runtime(), a.fileno())
        # Only another thread can wake main: not a deadlock, as in Go.
        writer = threading.Timer(0.05, b.send, (b"late",))
        writer.start()
        try:
            return read(pd, a)
        finally:
            writer.join()
            pd.close()

    assert run(main) == b"late"


def test_deadlock_is_still_found_when_no_io_is_pending(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    a, b = pair

    def main() -> None:
        pd = poll_open(get_runtime(), a.fileno())
        b.send(b"x")
        assert read(pd, a) == b"x"  # the poller was used, then left idle
        try:
            Chan[int]().recv()
        finally:
            pd.close()

    with pytest.raises(Deadlock, match="all goroutines are asleep"):
        run(main)


def test_the_end_of_run_undoes_io_waits_cleanly(pair: tuple[socket.socket, socket.socket]) -> None:
    a, b = pair
    rt = get_runtime()
    pd: list[PollDesc] = []
    cleaned: list[str] = []

    def reader() -> None:
        try:
            read(pd[0], a)
        finally:
            cleaned.append("reader")

    def main() -> None:
        pd.append(poll_open(rt, a.fileno()))
        go(reader)
        go(reader)
        wait_blocked(2, "IO wait")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rt, "at_main_return", None)  # the readers are left for run() on purpose
        run(main)
    assert cleaned == ["reader", "reader"]
    assert rt.io_waiting == 0
    assert pd[0].r.g is None
    assert pd[0].r.more == []

    def again() -> bytes:  # the descriptor and the poller still work
        b.send(b"next")
        data = read(pd[0], a)
        pd[0].close()
        return data

    assert run(again) == b"next"


def test_busy_goroutines_do_not_starve_io(pair: tuple[socket.socket, socket.socket]) -> None:
    a, b = pair

    def main() -> int:
        pd = poll_open(get_runtime(), a.fileno())
        done = False
        spins = 0

        def spin() -> None:
            nonlocal spins
            while not done:  # always runnable: the loop only visits
                spins += 1
                gosched()

        def reader() -> None:
            nonlocal done
            read(pd, a)
            done = True

        go(reader)
        wait_blocked(1, "IO wait")
        go(spin)
        go(spin)
        b.send(b"x")  # readable now; only the loop's visits can see it
        while not done:
            gosched()
        pd.close()
        return spins

    assert run(main) < 10_000


def test_a_post_from_another_thread_wakes_a_loop_asleep_in_the_poller(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    a, _ = pair

    def main() -> str:
        pd = poll_open(get_runtime(), a.fileno())
        go(pd.r.wait)  # keeps the loop in the poller with no timeout
        wait_blocked(1, "IO wait")
        try:
            return blocking(lambda: "from a thread")  # its completion is a post
        finally:
            pd.close()

    start = time.monotonic()
    assert run(main) == "from a thread"
    assert time.monotonic() - start < 5


def test_a_virtual_clock_waits_for_io_in_real_time(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    a, b = pair

    def main() -> tuple[bytes, float]:
        rt = get_runtime()
        pd = poll_open(rt, a.fileno())
        got = Chan[bytes](1)
        go(lambda: got.send(read(pd, a)))
        wait_blocked(1, "IO wait")
        writer = threading.Timer(0.02, b.send, (b"io",))
        writer.start()
        sleep(3600)  # a virtual hour: the I/O comes first, so time stands still ...
        data = got.recv()
        writer.join()
        pd.close()
        return data, rt.clock.now()

    with VirtualClock():
        data, now = run(main)
    assert data == b"io"
    assert now == 3600  # ... and jumps once nothing waits on I/O any more


def test_ctrl_c_in_the_poller_leaves_the_runtime_usable(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    a, b = pair

    def main() -> bytes:
        rt = get_runtime()
        pd = poll_open(rt, a.fileno())
        killer = threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT))
        killer.start()
        with pytest.raises(KeyboardInterrupt):
            read(pd, a)  # the loop sleeps in the poller
        killer.join()
        assert rt.io_waiting == 0
        assert pd.r.g is None
        b.send(b"after")
        data = read(pd, a)
        pd.close()
        return data

    assert run(main) == b"after"


def test_a_stale_registration_of_a_reused_number_is_evicted() -> None:
    def main() -> None:
        rt = get_runtime()
        a, b = socket.socketpair()
        old = poll_open(rt, a.fileno())
        a.close()  # without old.close(): the number comes back
        fd = os.dup(b.fileno())  # the lowest free number
        try:
            if fd != old.fd:
                pytest.skip("the number did not come back")
            new = poll_open(rt, fd)
            assert old.closing
            assert rt.netpoller().descs[fd] is new
            new.close()
        finally:
            os.close(fd)
            b.close()

    run(main)


def test_a_descriptor_belongs_to_its_runtime_thread(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    a, _ = pair
    rt = get_runtime()
    pd = poll_open(rt, a.fileno())
    errors: list[BaseException] = []

    def elsewhere() -> None:
        try:
            pd.r.set_deadline(None)
        except RuntimeError as exc:
            errors.append(exc)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    pd.close()
    assert "belongs to the gochan runtime of thread" in str(errors[0])


def test_the_best_poller_of_this_system_is_chosen() -> None:
    poller = new_poller(Runtime())
    try:
        assert isinstance(poller, EpollPoller if sys.platform == "linux" else SelectorPoller)
    finally:
        poller.close()
