"""Advanced challenge 3: keep every value that completed, even when a source fails.

``fetch_all`` drops the values that arrive after the first error. Here the
collecting loop keeps them: the error still cancels the sources that are
still running, but a source that had already finished is not wasted. With
one failing source and two that finish after it, plain ``fetch_all`` returns
no values; this variant returns both.
"""

from __future__ import annotations

from collections.abc import Sequence

from fetch_all import Source, fetch_all, fetch_one
from results import Result, collect

from gochan import Chan, context, go, run, sync, time


def fetch_all_partial(
    ctx: context.Context, sources: Sequence[Source]
) -> tuple[list[str], Exception | None]:
    ctx, cancel = context.with_cancel(ctx)
    try:
        results = Chan[Result[str]](len(sources))
        wg = sync.WaitGroup()

        def fetch_and_report(src: Source) -> None:
            results.send(fetch_one(ctx, src))

        for src in sources:
            wg.go(fetch_and_report, src)

        def close_when_done() -> None:
            wg.wait()
            results.close()

        go(close_when_done)
        return collect(results, cancel, keep_late_values=True)
    finally:
        cancel()


def failing(ctx: context.Context) -> str:
    raise ConnectionError("source unreachable")


def finished_after_the_failure(ctx: context.Context) -> str:
    # Runs on after the failure: a source that ignores its context is not
    # stopped by cancel(), so its value arrives after the error.
    time.sleep(10 * time.Millisecond)
    return "late value"


def main() -> None:
    sources: list[Source] = [failing, finished_after_the_failure, finished_after_the_failure]
    print("fetch_all:        ", fetch_all(context.background(), sources))
    print("fetch_all_partial:", fetch_all_partial(context.background(), sources))


if __name__ == "__main__":
    run(main)

# Output:
# fetch_all:         ([], ConnectionError('source unreachable'))
# fetch_all_partial: (['late value', 'late value'], ConnectionError('source unreachable'))
