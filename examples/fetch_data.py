"""``FetchData``: a context-aware HTTP GET with its own 10 s limit, against a local server.

The child context ``with_timeout(ctx, 10 s)`` only ever shortens the caller's
deadline: a caller that allows 50 ms gets its error after 50 ms, and a caller
that cancels gets ``context canceled`` without a request being made.
"""

from __future__ import annotations

from local_http import http_get, serve

from gochan import context, run, time


def fetch_data(ctx: context.Context, url: str) -> bytes:
    ctx, cancel = context.with_timeout(ctx, 10 * time.Second)
    try:
        return http_get(ctx, url).body
    finally:
        cancel()


def main() -> None:
    with serve() as base:
        print(fetch_data(context.background(), f"{base}/hello").decode())

        ctx, cancel = context.with_timeout(context.background(), 50 * time.Millisecond)
        try:
            fetch_data(ctx, f"{base}/slow?delay=5")
        except context.DeadlineExceeded as err:
            print("slow server:", err)
        finally:
            cancel()

        ctx, cancel = context.with_cancel(context.background())
        cancel()
        try:
            fetch_data(ctx, f"{base}/hello")
        except context.Canceled as err:
            print("cancelled caller:", err)


if __name__ == "__main__":
    run(main)

# Output:
# data from /hello
# slow server: context deadline exceeded
# cancelled caller: context canceled
