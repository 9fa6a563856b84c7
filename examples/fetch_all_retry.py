"""Advanced challenge 4: retry a failing source up to three times before giving up.

``with_retries(src)`` is itself a source, so ``fetch_all`` needs no change.
It waits a little between attempts, and never waits past the context: once
the context is done it returns ``ctx.err()`` instead of trying again.
"""

from __future__ import annotations

from fetch_all import Source, fetch_all, http_source
from local_http import serve

from gochan import context, recv, run, select, time

ATTEMPTS = 3
BACKOFF = 10 * time.Millisecond


def with_retries(src: Source, attempts: int = ATTEMPTS) -> Source:
    def fetch(ctx: context.Context) -> str:
        for attempt in range(1, attempts):
            try:
                return src(ctx)
            except Exception:
                if ctx.err() is not None:
                    raise
            done = recv(ctx.done())
            if select(done, recv(time.after(attempt * BACKOFF))) is done:
                err = ctx.err()
                assert err is not None
                raise err
        return src(ctx)  # the last attempt's error is the caller's

    return fetch


def flaky(src: Source, failures: int) -> Source:
    """A source that fails its first ``failures`` calls (a dropped connection), then works."""
    calls = 0

    def fetch(ctx: context.Context) -> str:
        nonlocal calls
        calls += 1
        if calls <= failures:
            raise ConnectionResetError(f"attempt {calls} failed")
        return f"{src(ctx)} after {calls} attempts"

    return fetch


def main() -> None:
    with serve() as base:
        source = http_source(f"{base}/mirror")
        print(fetch_all(context.background(), [with_retries(flaky(source, failures=2))]))
        print(fetch_all(context.background(), [with_retries(flaky(source, failures=3))]))


if __name__ == "__main__":
    run(main)

# Output:
# (['data from /mirror after 3 attempts'], None)
# ([], ConnectionResetError('attempt 3 failed'))
