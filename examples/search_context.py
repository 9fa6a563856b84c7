"""Search with a context: the recommended way to give up on a goroutine's work.

The caller returns ``ctx.err()`` as soon as the context is done; the goroutine
sends into a buffer of one (or gives up on ``ctx.done()``), so it always exits.
As with the quit channel, ``perform_search`` itself runs to the end: only code
that takes the context can stop early.
"""

from __future__ import annotations

from search_backend import Result, perform_search

from gochan import Chan, context, go, recv, run, select, send, time


def search(ctx: context.Context, query: str) -> Result:
    results = Chan[Result](1)

    def run_search() -> None:
        select(send(results, perform_search(query)), recv(ctx.done()))

    go(run_search)

    got = recv(results)
    if select(got, recv(ctx.done())) is got:
        return got.value
    err = ctx.err()
    assert err is not None  # done() is closed only once err() is set
    raise err


def main() -> None:
    print(search(context.background(), "gophers").text)

    ctx, cancel = context.with_timeout(context.background(), 10 * time.Millisecond)
    try:
        search(ctx, "gophers")
    except context.DeadlineExceeded as err:
        print("error:", err)
    finally:
        cancel()

    ctx, cancel = context.with_cancel(context.background())
    cancel()
    try:
        search(ctx, "gophers")
    except context.Canceled as err:
        print("error:", err)


if __name__ == "__main__":
    run(main)

# Output:
# result for 'gophers'
# error: context deadline exceeded
# error: context canceled
