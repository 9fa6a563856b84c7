"""Graceful shutdown with ``signal.notify_context``: on SIGINT or SIGTERM, finish the work in hand, then stop.

Go's pattern::

    ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
    defer stop()

``serve`` handles requests, one every 200 ms, until its context is done:
the signal cancels the context, and the request in hand is finished rather
than cut off.  Without ``notify_context``, Ctrl-C would raise
``KeyboardInterrupt`` wherever the program was, and SIGTERM would end the
process on the spot.  ``stop()`` in ``finally`` (Go's ``defer stop()``)
gives both signals their usual effect back.

To show it without a terminal, an "operator" goroutine sends the process
SIGTERM in the middle of the third request, as ``kill`` or a container
runtime would; press Ctrl-C instead in a program of your own.
"""

from __future__ import annotations

import os
from signal import SIGINT, SIGTERM

from gochan import context, go, run, signal, time

REQUEST_TIME = 200 * time.Millisecond


def handle(request: int) -> None:
    time.sleep(REQUEST_TIME)  # the work itself
    print(f"request {request}: done")


def serve(ctx: context.Context) -> int:
    """Handle requests until ``ctx`` is done; return how many were handled."""
    handled = 0
    while ctx.err() is None:
        handle(handled + 1)  # finished even if the signal comes meanwhile
        handled += 1
    return handled


def operator() -> None:
    time.sleep(2.5 * REQUEST_TIME)  # in the middle of the third request
    print("operator: kill -TERM")
    os.kill(os.getpid(), SIGTERM)


def main() -> None:
    ctx, stop = signal.notify_context(context.background(), SIGINT, SIGTERM)
    try:
        print("serving: SIGINT (Ctrl-C) or SIGTERM stops the server")
        go(operator)
        handled = serve(ctx)
        print(f"shutting down: {context.cause(ctx)}")
        print(f"handled {handled} requests")
    finally:
        stop()


if __name__ == "__main__":
    run(main)

# Output:
# serving: SIGINT (Ctrl-C) or SIGTERM stops the server
# request 1: done
# request 2: done
# operator: kill -TERM
# request 3: done
# shutting down: terminated signal received
# handled 3 requests
