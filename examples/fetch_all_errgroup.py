"""``fetch_all`` with ``errgroup``: Go's ready-made form of steps 2 to 7.

``errgroup.Group.with_context`` gives a group whose context is cancelled by
the first goroutine that fails; ``g.wait()`` waits for all of them and raises
that first error. ``set_limit(2)`` bounds the concurrency as a worker pool
would. Each goroutine writes its own slot of the values list, so no channel
or lock is needed, and the values come back in the order of the sources.
"""

from __future__ import annotations

from collections.abc import Sequence

from fetch_all import Source, http_source
from local_http import serve

from gochan import context, errgroup, run


def fetch_all(ctx: context.Context, sources: Sequence[Source]) -> list[str]:
    g, ctx = errgroup.Group.with_context(ctx)
    g.set_limit(2)
    values = [""] * len(sources)

    def fetch(i: int, src: Source) -> None:
        values[i] = src(ctx)

    for i, src in enumerate(sources):
        g.go(fetch, i, src)
    g.wait()
    return values


def main() -> None:
    with serve() as base:
        print(fetch_all(context.background(), [http_source(f"{base}/{name}") for name in "cab"]))
        try:
            fetch_all(
                context.background(),
                [http_source(f"{base}/slow?delay=5"), http_source(f"{base}/broken?status=500")],
            )
        except Exception as err:
            print("error:", err)


if __name__ == "__main__":
    run(main)

# Output:
# ['data from /c', 'data from /a', 'data from /b']
# error: GET /broken: status 500
