"""``ProcessLargeDataset``: check the context between items of a long loop.

The ``select`` with a ``default`` case never blocks: it returns ``ctx.err()``
if the context is done and otherwise goes on with the next item. An item's
own error is wrapped with its index, as Go's ``fmt.Errorf("...: %w", err)``
does; ``raise ... from err`` keeps the original as ``__cause__``.
"""

from __future__ import annotations

from gochan import context, default, recv, run, select, time


class ProcessingError(Exception):
    pass


ITEM_TIME = 20 * time.Millisecond


def process_item(item: int) -> None:
    time.sleep(ITEM_TIME)
    if item < 0:
        raise ValueError(f"negative item {item}")


def process_large_dataset(ctx: context.Context, data: list[int]) -> None:
    for i, item in enumerate(data):
        if select(recv(ctx.done()), default) is not default:
            err = ctx.err()
            assert err is not None
            raise err
        try:
            process_item(item)
        except ValueError as err:
            raise ProcessingError(f"failed at item {i}: {err}") from err


def main() -> None:
    process_large_dataset(context.background(), [1, 2, 3])
    print("all items processed")

    try:
        process_large_dataset(context.background(), [1, 2, 3, -4, 5])
    except ProcessingError as err:
        print("error:", err)

    # 10 items of 20 ms each cannot finish within 50 ms.
    ctx, cancel = context.with_timeout(context.background(), 50 * time.Millisecond)
    try:
        process_large_dataset(ctx, list(range(10)))
    except context.DeadlineExceeded as err:
        print("error:", err)
    finally:
        cancel()


if __name__ == "__main__":
    run(main)

# Output:
# all items processed
# error: failed at item 3: negative item -4
# error: context deadline exceeded
