"""Advanced challenge 6: first win. Return as soon as any source succeeds and cancel the others.

Useful for mirrors of the same data. Every source reports into a channel with
room for all of them, so the losers never block; the first success cancels
the rest, whose requests are aborted. Only when every source fails is there an
error: the first one.
"""

from __future__ import annotations

from collections.abc import Sequence

from fetch_all import Source, fetch_one, http_source
from local_http import serve
from results import Result

from gochan import Chan, context, go, run


def fetch_first(ctx: context.Context, sources: Sequence[Source]) -> str:
    ctx, cancel = context.with_cancel(ctx)
    try:
        results = Chan[Result[str]](len(sources))
        for src in sources:
            go(lambda s: results.send(fetch_one(ctx, s)), src)

        first_err: Exception | None = None
        for _ in sources:
            res = results.recv()
            if res.err is None:
                assert res.value is not None
                return res.value  # the finally below cancels the losers
            if first_err is None:
                first_err = res.err
        assert first_err is not None
        raise first_err
    finally:
        cancel()


def main() -> None:
    with serve() as base:
        mirrors = [
            http_source(f"{base}/mirror-1?delay=5"),
            http_source(f"{base}/mirror-2?delay=0.02"),
            http_source(f"{base}/mirror-3?status=404"),
        ]
        print(fetch_first(context.background(), mirrors))
        try:
            fetch_first(context.background(), [http_source(f"{base}/gone?status=404")] * 2)
        except Exception as err:
            print("error:", err)


if __name__ == "__main__":
    run(main)

# Output:
# data from /mirror-2
# error: GET /gone: status 404
