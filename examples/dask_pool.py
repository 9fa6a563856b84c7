"""``ProcessNumbers`` on a Dask cluster: ``process_pool.py``'s worker pool, unchanged, on Dask's executor.

Needs the ``dask`` extra (``pip install 'gochan[dask]'``).  ``LocalCluster``
starts a scheduler and worker processes on this machine; pointing the
``Client`` at a real cluster's scheduler address spreads the same jobs over
many machines.  ``client.get_executor()`` returns a
``concurrent.futures.Executor`` whose futures gochan waits on like any
other: the goroutines stay on this thread, the jobs run on the cluster, and
cancelling a future cancels its Dask task, so a cancelled context leaves no
pending work behind.
"""

from __future__ import annotations

import logging

from distributed import Client, LocalCluster
from process_pool import BIG, process_numbers

from gochan import context, run


def main() -> None:
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2,
            threads_per_worker=1,
            dashboard_address=":0",  # any free port: its HTTP server always starts
            silence_logs=logging.CRITICAL,  # the failing job would log its traceback
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        # pure=False: every submit is a task of its own, as on a process pool
        # (Dask would otherwise run equal calls once and share the result).
        cluster_pool = client.get_executor(pure=False)

        nums = [BIG + i for i in range(6)]
        squares, err = process_numbers(context.background(), nums, 2, cluster_pool)
        print(sorted(squares) == [n * n for n in nums], err)

        squares, err = process_numbers(context.background(), [2, -1, 5, 7], 1, cluster_pool)
        print(squares, err)

        ctx, cancel = context.with_timeout(context.background(), 0.05)
        try:
            squares, err = process_numbers(ctx, [BIG * 5] * 4, 2, cluster_pool)
        finally:
            cancel()
        print(len(squares), err)


if __name__ == "__main__":
    run(main)

# Output:
# True None
# [4] negative number
# 0 context deadline exceeded
