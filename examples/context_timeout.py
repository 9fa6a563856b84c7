"""``WithTimeout`` and ``defer cancel()``: work that takes too long is told to stop.

``do_work`` takes 200 ms unless its context is done first. Given a context
that times out after 100 ms, it stops at 100 ms with ``context deadline
exceeded``. ``cancel()`` in ``finally`` (Go's ``defer cancel()``) releases
the context's timer even when the work finishes early. The durations are a
tenth of a second and two where Go writes ``time.Second``.
"""

from __future__ import annotations

from gochan import context, recv, run, select, time

WORK_TIME = 200 * time.Millisecond


def do_work(ctx: context.Context) -> str:
    done = recv(ctx.done())
    if select(done, recv(time.after(WORK_TIME))) is done:
        return f"stopped: {ctx.err()}"
    return "finished"


def work_with_timeout(parent: context.Context, timeout: float) -> str:
    ctx, cancel = context.with_timeout(parent, timeout)
    try:
        return do_work(ctx)
    finally:
        cancel()


def main() -> None:
    print(work_with_timeout(context.background(), 100 * time.Millisecond))
    print(work_with_timeout(context.background(), 2 * WORK_TIME))


if __name__ == "__main__":
    run(main)

# Output:
# stopped: context deadline exceeded
# finished
