"""The process-pool worker pool on a Dask cluster (the ``dask`` extra): results, errors, cancellation.

One small in-process ``LocalCluster`` (one worker, one thread) serves the
whole module, so the tests can watch its scheduler.  Skipped when the extra
is not installed.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Executor
from pathlib import Path

import pytest

from gochan import Canceled, Chan, blocking, context, go, run, wait_future
from gochan.testing import wait_blocked

pytest.importorskip("distributed")
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import SchedulerPlugin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from process_pool import NegativeNumberError, process_numbers, slow_square

EVENT_TIMEOUT = 20.0  # only a failing test waits this long


def held_square(n: int) -> int:
    """The job of the cancellation test; it asks for a resource no worker has, so it stays pending."""
    return slow_square(n)


class Forgotten(SchedulerPlugin):
    """Sets ``event`` once the scheduler has forgotten ``count`` tasks of ``held_square``."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.event = threading.Event()

    def transition(
        self, key: object, start: str, finish: str, *args: object, **kwargs: object
    ) -> None:
        # Runs on the scheduler's event loop thread.
        if str(key).startswith("held_square-") and finish == "forgotten":
            self.count -= 1
            if self.count == 0:
                self.event.set()


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        dashboard_address=":0",  # any free port: its HTTP server always starts
        silence_logs=logging.CRITICAL,
    ) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def client(cluster: LocalCluster) -> Iterator[Client]:
    with Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client


@pytest.fixture
def cluster_pool(client: Client) -> Executor:
    # pure=False: every submit is a task of its own, as on a process pool.
    executor: Executor = client.get_executor(pure=False)  # type: ignore[no-untyped-call]
    return executor


def test_the_pool_returns_every_square(cluster_pool: Executor) -> None:
    nums = list(range(1, 21))

    def main() -> tuple[list[int], Exception | None]:
        return process_numbers(context.background(), nums, 3, cluster_pool)

    squares, err = run(main)
    assert err is None
    assert sorted(squares) == [n * n for n in nums]


def test_an_error_raised_on_the_cluster_stops_the_pool(cluster_pool: Executor) -> None:
    def main() -> tuple[list[int], Exception | None]:
        return process_numbers(context.background(), [2, -1, 5, 7], 1, cluster_pool)

    squares, err = run(main)
    assert squares == [4]
    assert isinstance(err, NegativeNumberError)
    assert str(err) == "negative number"


def test_wait_future_raises_what_the_task_raised(cluster_pool: Executor) -> None:
    def main() -> None:
        with pytest.raises(NegativeNumberError):
            wait_future(cluster_pool.submit(slow_square, -3))

    run(main)


def test_cancelling_the_context_cancels_pending_work(client: Client, cluster: LocalCluster) -> None:
    # T1: three workers submit a job each and wait on its future; the jobs
    #     stay pending on the scheduler (they need a resource nobody has).
    # T2: the context is cancelled: each worker cancels its future, and with
    #     it its Dask task, and the pool returns at once.
    # T3: the scheduler forgets the three tasks: nothing of the work is left.
    forgotten = Forgotten(3)
    scheduler = cluster.scheduler
    assert scheduler is not None
    scheduler.add_plugin(forgotten, name="forgotten")
    held_pool: Executor = client.get_executor(  # type: ignore[no-untyped-call]
        pure=False, resources={"unavailable": 1}
    )

    def main() -> tuple[list[int], Exception | None]:
        ctx, cancel = context.with_cancel(context.background())
        out = Chan[tuple[list[int], Exception | None]](1)
        go(lambda: out.send(process_numbers(ctx, [1, 2, 3], 3, held_pool, held_square)))
        wait_blocked(3, "select")  # every job submitted, every worker waiting on its future
        cancel()
        result = out.recv()
        assert blocking(forgotten.event.wait, EVENT_TIMEOUT), "the tasks are still pending"
        return result

    try:
        squares, err = run(main)
    finally:
        scheduler.remove_plugin(name="forgotten")
    assert squares == []
    assert isinstance(err, Canceled)
    assert not [key for key in client.futures if str(key).startswith("held_square-")]
