"""Advanced challenge 1: ``fetch_all`` under a timeout.

``context.with_timeout(ctx, 5 s)`` around the call bounds the whole fetch.
What happens when a source takes too long: at the deadline the context is
done, the slow source's request is aborted with ``context deadline
exceeded``, that error is the first one, so ``fetch_all`` returns it with
the values that arrived before it. (5 s becomes 100 ms here, against a
source that needs 5 s.)
"""

from __future__ import annotations

from fetch_all import Source, fetch_all, http_source
from local_http import serve

from gochan import context, run, time


def fetch_all_with_timeout(
    ctx: context.Context, sources: list[Source], timeout: float
) -> tuple[list[str], Exception | None]:
    ctx, cancel = context.with_timeout(ctx, timeout)
    try:
        return fetch_all(ctx, sources)
    finally:
        cancel()


def main() -> None:
    with serve() as base:
        sources = [http_source(f"{base}/fast"), http_source(f"{base}/slow?delay=5")]
        values, err = fetch_all_with_timeout(context.background(), sources, 100 * time.Millisecond)
        print(values, err)


if __name__ == "__main__":
    run(main)

# Output:
# ['data from /fast'] context deadline exceeded
