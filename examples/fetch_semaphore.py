"""Fetch URLs at most two at a time (a buffered channel as semaphore) within a global 500 ms.

Each fetch takes 200 ms (the local server waits that long), so three URLs
finish in two rounds, well within the limit. The program has a hidden
deadlock: a goroutine that gets its token after the deadline skips the
fetch and sends nothing, while ``main`` still waits for one result per URL.
With seven URLs, two rounds succeed, the third times out at 500 ms, and the
seventh goroutine finds the context done: ``main`` waits forever for its
result. The fix sends a result in every case.

Which goroutine gets a token first varies in Go, so the output is sorted or
counted.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from local_http import http_get, serve

from gochan import Chan, Deadlock, SendChan, context, go, run, time

FETCH_DELAY = "0.2"  # seconds the server takes for every URL
TIMEOUT = 500 * time.Millisecond
MAX_CONCURRENT = 2


def fetch(ctx: context.Context, url: str, results: SendChan[str]) -> None:
    name = urlsplit(url).path
    try:
        http_get(ctx, url)
    except context.DeadlineExceeded:
        results.send(f"Timeout: {name}")
    else:
        results.send(f"Success: {name}")


def fetch_limited(urls: list[str], received: list[str], report_skipped: bool) -> None:
    """Fetch every URL and append each result line to ``received``.

    With ``report_skipped=False`` this is the program as first written.
    """
    ctx, cancel = context.with_timeout(context.background(), TIMEOUT)
    try:
        results = Chan[str]()
        sem = Chan[None](MAX_CONCURRENT)

        def fetch_one(u: str) -> None:
            sem.send(None)  # acquire a token
            try:
                if ctx.err() is None:  # check the context before working
                    fetch(ctx, u, results)
                elif report_skipped:
                    results.send(f"Skipped: {urlsplit(u).path}")
            finally:
                sem.recv()  # release the token

        for url in urls:
            go(fetch_one, url)

        for _ in urls:
            # One at a time, so what arrived before a deadlock stays in received.
            received.append(results.recv())  # noqa: PERF401
    finally:
        cancel()


def main() -> None:
    with serve() as base:
        three = [f"{base}/{name}?delay={FETCH_DELAY}" for name in "abc"]
        seven = [f"{base}/{name}?delay={FETCH_DELAY}" for name in "abcdefg"]

        received: list[str] = []
        fetch_limited(three, received, report_skipped=False)
        print("\n".join(sorted(received)))

        received = []
        try:
            fetch_limited(seven, received, report_skipped=False)
        except Deadlock as err:
            print("seven URLs:", dict(Counter(line.split(":")[0] for line in received)))
            print(str(err).splitlines()[0])

        received = []
        fetch_limited(seven, received, report_skipped=True)
        print("seven URLs, fixed:", dict(Counter(line.split(":")[0] for line in received)))


if __name__ == "__main__":
    run(main)

# Output:
# Success: /a
# Success: /b
# Success: /c
# seven URLs: {'Success': 4, 'Timeout': 2}
# all goroutines are asleep - deadlock!
# seven URLs, fixed: {'Success': 4, 'Timeout': 2, 'Skipped': 1}
