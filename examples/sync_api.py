"""Expose synchronous APIs: let the caller add concurrency.

As printed in Go this does not compile: both versions are methods named
``FetchData`` on the same type, ``fetchFromURL`` is called with two different
signatures, ``service`` is undefined and ``fetchMultiple`` has no return
statement. Here the two versions are two classes and ``fetch_multiple`` returns
what it collects. The caller's goroutines send into a channel buffered to
``len(urls)``, so none of them can block; the bodies arrive in any order and
are sorted.
"""

from __future__ import annotations

from local_http import http_get, serve

from gochan import Chan, RecvChan, context, go, run


def fetch_from_url(ctx: context.Context, url: str) -> str:
    return http_get(ctx, url).body.decode()


class AsyncService:
    """The bad version: it forces a goroutine and a channel on every caller."""

    def fetch_data(self, url: str) -> RecvChan[str]:
        results = Chan[str](1)
        go(lambda: results.send(fetch_from_url(context.background(), url)))
        return results


class Service:
    """The good version: a plain call that a caller can run in a goroutine if it wants."""

    def fetch_data(self, ctx: context.Context, url: str) -> str:
        return fetch_from_url(ctx, url)


def fetch_multiple(service: Service, urls: list[str]) -> list[str]:
    results = Chan[str](len(urls))
    for url in urls:
        go(lambda u: results.send(service.fetch_data(context.background(), u)), url)
    return [results.recv() for _ in urls]


def main() -> None:
    with serve() as base:
        print(AsyncService().fetch_data(f"{base}/async").recv())
        print(Service().fetch_data(context.background(), f"{base}/sync"))
        for body in sorted(fetch_multiple(Service(), [f"{base}/{name}" for name in "cab"])):
            print(body)


if __name__ == "__main__":
    run(main)

# Output:
# data from /async
# data from /sync
# data from /a
# data from /b
# data from /c
