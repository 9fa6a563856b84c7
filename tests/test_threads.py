"""Threads: a runtime per thread, channels that refuse other threads, crossing over, Ctrl-C."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import pytest

from gochan import Chan, blocking, go, recv, run, select, wait_future
from gochan._core import get_runtime
from gochan.testing import wait_blocked

# Bounds that only a failing (hanging) test reaches.
JOIN_TIMEOUT = 10.0
EXIT_TIMEOUT = 20.0


def in_thread(fn: Callable[[], object]) -> object:
    """Run ``fn`` on a new OS thread and return what it returned or raised."""
    outcome: list[object] = []

    def body() -> None:
        try:
            outcome.append(fn())
        except BaseException as exc:
            outcome.append(exc)

    t = threading.Thread(target=body)
    t.start()
    t.join(JOIN_TIMEOUT)
    assert not t.is_alive()
    return outcome[0]


# -- one runtime per thread ---------------------------------------------------


def test_each_thread_runs_its_own_runtime() -> None:
    def program(n: int) -> tuple[int, int]:
        def main() -> int:
            out = Chan[int]()
            for i in range(100):
                go(out.send, i * n)
            total = sum(out.recv() for _ in range(100))
            return total + blocking(lambda: n)  # each runtime has its own pool

        return id(get_runtime()), run(main)

    results: dict[int, tuple[int, int]] = {}
    threads = [
        threading.Thread(target=lambda n=n: results.__setitem__(n, program(n))) for n in (1, 2, 3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
    assert {n: total for n, (_, total) in results.items()} == {n: 4950 * n + n for n in (1, 2, 3)}
    assert len({rt for rt, _ in results.values()}) == 3
    assert id(get_runtime()) not in {rt for rt, _ in results.values()}


def test_a_program_on_another_thread_does_not_disturb_this_one() -> None:
    def main() -> list[int]:
        ch = Chan[int]()
        go(ch.send, 1)
        # While this program is parked in the middle of a hand-over, another
        # thread runs a whole program of its own.
        other = in_thread(lambda: run(lambda: 2))
        return [ch.recv(), int(str(other))]

    assert run(main) == [1, 2]


@pytest.mark.parametrize(
    ("operation", "use"),
    [
        ("send", lambda ch: ch.send(1)),
        ("recv", lambda ch: ch.recv()),
        ("close", lambda ch: ch.close()),
        ("select", lambda ch: select(recv(ch))),
    ],
)
def test_a_channel_used_from_another_thread_raises_a_clear_error(
    operation: str, use: Callable[[Chan[int]], object]
) -> None:
    def main() -> object:
        ch = Chan[int](1)
        return in_thread(lambda: use(ch))

    error = run(main)
    assert isinstance(error, RuntimeError), operation
    message = str(error)
    assert f"belongs to the gochan runtime of thread {threading.get_ident()}" in message
    assert "docs/threads.md" in message


def test_the_refused_channel_is_left_untouched() -> None:
    def main() -> int:
        ch = Chan[int](1)
        in_thread(lambda: ch.send(5))
        assert len(ch) == 0
        ch.send(6)
        return ch.recv()

    assert run(main) == 6


# -- crossing threads ---------------------------------------------------------


def test_a_plain_thread_hands_values_over_through_a_queue_relay() -> None:
    # The pattern of docs/threads.md: one goroutine moves a queue.Queue into a
    # channel with blocking(q.get); the plain thread never touches the channel.
    items: queue.Queue[int | None] = queue.Queue()

    def producer() -> None:
        for n in range(5):
            items.put(n)
        items.put(None)  # no more values

    def relay(q: queue.Queue[int | None], out: Chan[int]) -> None:
        while (item := blocking(q.get)) is not None:
            out.send(item)
        out.close()

    def main() -> list[int]:
        out = Chan[int]()
        go(relay, items, out)
        thread = threading.Thread(target=producer)
        thread.start()
        got = list(out)
        blocking(thread.join)
        return got

    assert run(main) == [0, 1, 2, 3, 4]


def test_a_plain_thread_hands_one_value_over_through_a_future() -> None:
    def main() -> str:
        answer: Future[str] = Future()
        thread = threading.Thread(target=answer.set_result, args=("hello",))
        thread.start()
        value = wait_future(answer)
        blocking(thread.join)
        return value

    assert run(main) == "hello"


def test_the_loop_sleeps_on_the_wake_up_instead_of_polling() -> None:
    def main() -> int:
        poller = get_runtime().netpoller()
        polls = 0
        poll = poller.poll

        def counting_poll(timeout: float | None) -> bool:
            nonlocal polls
            polls += 1
            return poll(timeout)

        poller.poll = counting_poll  # type: ignore[method-assign]
        try:
            blocking(time.sleep, 0.2)  # the work itself takes this long
        finally:
            del poller.poll
        return polls

    assert run(main) <= 2


# -- Ctrl-C -------------------------------------------------------------------

CTRL_C_PROGRAM = """
import threading
import time
from concurrent.futures import Future

from gochan import Chan, blocking, go, run, wait_future
from gochan.testing import wait_blocked

pending: Future[int] = Future()


def worker(name, fn, *args):
    try:
        fn(*args)
    finally:
        print(name, "cleaned up", flush=True)


def main():
    go(worker, "short", blocking, time.sleep, 0.5)
    go(worker, "stuck", blocking, threading.Event().wait)  # never returns
    go(worker, "future", wait_future, pending)
    wait_blocked(3)
    print("ready", flush=True)
    Chan().recv()  # main waits on a channel nobody sends to; a deadlock but for the threads


try:
    run(main)
except KeyboardInterrupt:
    print("interrupted", flush=True)
print("future cancelled:", pending.cancelled(), flush=True)
deadline = time.monotonic() + 2  # the short call returns within 0.5 s
for t in threading.enumerate():
    if t.name.startswith("gochan-blocking"):
        t.join(max(0, deadline - time.monotonic()))
left = sorted(t.name for t in threading.enumerate() if t is not threading.main_thread())
print("threads left:", len(left), flush=True)
raise KeyboardInterrupt
"""


def test_ctrl_c_while_goroutines_wait_on_threads_shuts_down_cleanly(tmp_path: Path) -> None:
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent(CTRL_C_PROGRAM))
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=EXIT_TIMEOUT)
    finally:
        proc.kill()
    elapsed = time.monotonic() - started
    lines = out.splitlines()
    # Every goroutine was ended, its finally blocks run, before run() let
    # KeyboardInterrupt out; the interrupted wait cancelled its future.
    assert sorted(lines[:3]) == ["future cleaned up", "short cleaned up", "stuck cleaned up"], err
    assert lines[3:5] == ["interrupted", "future cancelled: True"], err
    # The short call's thread ended after its call; the stuck one cannot, and
    # being a daemon it does not hold the interpreter's exit.
    assert lines[5:] == ["threads left: 1"], err
    assert proc.returncode == -signal.SIGINT
    assert elapsed < EXIT_TIMEOUT


def test_ctrl_c_in_a_goroutine_waiting_in_blocking_leaves_the_runtime_usable() -> None:
    def main() -> int:
        release = threading.Event()
        killer = threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT))
        killer.start()
        with pytest.raises(KeyboardInterrupt):
            blocking(release.wait)  # interrupted while the loop sleeps on the wake-up
        killer.join()
        rt = get_runtime()
        assert rt.external_pending == 1
        release.set()
        rt.wait_idle(lambda: rt.external_pending == 0)  # the late completion is dropped
        return blocking(lambda: 4)

    assert run(main) == 4


def test_wait_blocked_sees_goroutines_parked_on_threads() -> None:
    release = threading.Event()

    def main() -> None:
        done = Chan[bool](2)
        go(lambda: done.send(blocking(release.wait)))
        fut: Future[bool] = Future()
        go(lambda: done.send(wait_future(fut)))
        wait_blocked(1, "blocking")
        wait_blocked(1, "future")
        release.set()
        fut.set_result(True)
        assert [done.recv(), done.recv()] == [True, True]

    run(main)
