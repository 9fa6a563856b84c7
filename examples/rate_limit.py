"""Rate limiting with a ticker, and the goroutine that never gets to finish.

``process_with_rate_limit`` starts one item per tick in a goroutine of its own
and returns without waiting for them. Go's ticker first fires one period after
it is created, so the first item waits too. When the program returns right
after it, the last item is still being processed, and the end of ``main``
ends it: Go kills it silently; gochan ends it too (running its ``finally``
blocks). The second version waits for its goroutines with a WaitGroup.
"""

from __future__ import annotations

from gochan import go, run, sync, time

WORK_TIME = 10 * time.Millisecond


def process_item(item: int) -> None:
    time.sleep(WORK_TIME)
    print("processed item", item)


def process_with_rate_limit(items: list[int], rate_per_second: int) -> None:
    ticker = time.new_ticker(time.Second / rate_per_second)
    try:
        for item in items:
            ticker.c.recv()  # wait for the next tick
            go(process_item, item)
    finally:
        ticker.stop()


def process_with_rate_limit_and_wait(items: list[int], rate_per_second: int) -> None:
    ticker = time.new_ticker(time.Second / rate_per_second)
    wg = sync.WaitGroup()
    try:
        for item in items:
            ticker.c.recv()
            wg.go(process_item, item)
        wg.wait()
    finally:
        ticker.stop()


def main() -> None:
    # 20 items a second: a tick every 50 ms, each item takes 10 ms.
    process_with_rate_limit([1, 2, 3], 20)
    print("returned; item 3 was still being processed")


def main_waiting() -> None:
    process_with_rate_limit_and_wait([1, 2, 3], 20)
    print("returned after every item")


if __name__ == "__main__":
    run(main)
    run(main_waiting)

# Output:
# processed item 1
# processed item 2
# returned; item 3 was still being processed
# processed item 1
# processed item 2
# processed item 3
# returned after every item
