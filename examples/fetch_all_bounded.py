"""Advanced challenge 2: ``fetch_all`` with a fixed number of workers instead of one goroutine per source.

The sources go into a channel; ``workers`` goroutines take them one at a
time. With two workers and four sources of 100 ms each, the fetch takes two
rounds; no more than two requests are ever in flight.
"""

from __future__ import annotations

from collections.abc import Sequence
from time import monotonic

from fetch_all import Source, fetch_one, http_source
from local_http import serve
from results import Result, collect

from gochan import Chan, RecvChan, SendChan, context, go, run, sync, time

DELAY = 100 * time.Millisecond


def fetch_all_bounded(
    ctx: context.Context, sources: Sequence[Source], workers: int
) -> tuple[list[str], Exception | None]:
    ctx, cancel = context.with_cancel(ctx)
    try:
        queue = Chan[Source](len(sources))
        for src in sources:
            queue.send(src)
        queue.close()

        results = Chan[Result[str]](len(sources))
        wg = sync.WaitGroup()
        for _ in range(workers):
            wg.add(1)
            go(worker, ctx, queue, results, wg)

        def close_when_done() -> None:
            wg.wait()
            results.close()

        go(close_when_done)
        return collect(results, cancel)
    finally:
        cancel()


def worker(
    ctx: context.Context,
    queue: RecvChan[Source],
    results: SendChan[Result[str]],
    wg: sync.WaitGroup,
) -> None:
    try:
        for src in queue:
            if ctx.err() is not None:  # stop taking sources after an error
                return
            results.send(fetch_one(ctx, src))
    finally:
        wg.done()


def main() -> None:
    with serve() as base:
        sources = [http_source(f"{base}/{name}?delay={DELAY}") for name in "abcd"]
        begin = monotonic()
        values, err = fetch_all_bounded(context.background(), sources, workers=2)
        print(sorted(values), err)
        print("rounds:", int((monotonic() - begin) / DELAY))


if __name__ == "__main__":
    run(main)

# Output:
# ['data from /a', 'data from /b', 'data from /c', 'data from /d'] None
# rounds: 2
