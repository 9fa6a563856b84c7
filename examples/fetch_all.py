"""``FetchAll``: call every source concurrently, collect their values, stop everything at the first error.

A source is a function of a context that returns a string or raises (Go's
``func(context.Context) (string, error)``); ``http_source(url)`` makes one
that GETs a URL. ``fetch_all(ctx, sources)`` returns ``(values, error)`` in
the order the sources finish, following the steps of the exercise:

1. a context that is already done returns ``ctx.err()`` at once, starting nothing;
2. a child context with ``cancel`` (called in ``finally``, Go's ``defer cancel()``);
3. a results channel with room for every source, so no goroutine blocks on its send
   (the exercise says an unbuffered one leaks; with step 7 draining it until it
   is closed it would not, but the buffer lets every source finish without
   waiting for the collector);
4. a WaitGroup, added to before any goroutine starts;
5. one goroutine per source (``go(fetch_and_report, src)`` passes ``src``
   as an argument, so each goroutine gets its own; see ``loop_variable.py``);
6. a goroutine that closes the results channel after ``wg.wait()``;
7. the collecting loop: first error kept, ``cancel()``, channel drained.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from local_http import HTTPStatusError, http_get, serve
from results import Result, collect

from gochan import Chan, context, default, go, num_goroutine, recv, run, select, sync

Source = Callable[[context.Context], str]


def fetch_all(
    ctx: context.Context, sources: Sequence[Source]
) -> tuple[list[str], Exception | None]:
    # Step 1: a non-blocking check of the context.
    if select(recv(ctx.done()), default) is not default:
        return [], ctx.err()

    # Step 2: a context of our own, to cancel every source on the first error.
    ctx, cancel = context.with_cancel(ctx)
    try:
        # Steps 3 and 4.
        results = Chan[Result[str]](len(sources))
        wg = sync.WaitGroup()
        wg.add(len(sources))

        # Step 5: fan out.
        def fetch_and_report(src: Source) -> None:
            try:
                results.send(fetch_one(ctx, src))
            finally:
                wg.done()  # always signal completion

        for src in sources:
            go(fetch_and_report, src)

        # Step 6: close the results once every source has reported.
        def close_when_done() -> None:
            wg.wait()
            results.close()

        go(close_when_done)

        # Step 7: fan in.
        return collect(results, cancel)
    finally:
        cancel()


def fetch_one(ctx: context.Context, src: Source) -> Result[str]:
    """Call one source; its error, if any, becomes part of the result as in Go's ``(val, err)``."""
    try:
        return Result(value=src(ctx))
    except Exception as err:
        return Result(err=err)


def http_source(url: str) -> Source:
    """A source that GETs ``url`` and fails on any status but 200."""

    def fetch(ctx: context.Context) -> str:
        response = http_get(ctx, url)
        if response.status != 200:
            raise HTTPStatusError(url, response.status)
        return response.body.decode()

    return fetch


def main() -> None:
    with serve() as base:
        ok = [http_source(f"{base}/{name}") for name in ("a", "b", "c")]
        values, err = fetch_all(context.background(), ok)
        print(sorted(values), err)  # the sources finish in any order

        # /slow would answer after 5 s; the failure of /broken cancels it at once.
        failing = [http_source(f"{base}/slow?delay=5"), http_source(f"{base}/broken?status=500")]
        values, err = fetch_all(context.background(), failing)
        print(values, err)

        ctx, cancel = context.with_cancel(context.background())
        cancel()
        print(fetch_all(ctx, ok))

    # Go's debugging tip counts goroutines after the calls: nothing leaked. Go
    # sleeps first, since a goroutine past wg.Done() may not have exited yet;
    # here each one runs to its end before the goroutine it woke gets to run.
    print("goroutines:", num_goroutine())


if __name__ == "__main__":
    run(main)

# Output:
# ['data from /a', 'data from /b', 'data from /c'] None
# [] GET /broken: status 500
# ([], Canceled('context canceled'))
# goroutines: 1
