"""Search with a buffered channel: the goroutine's single send never blocks.

With room for one value the sender can finish and exit even if the caller
has stopped waiting (here after a timeout), so nothing leaks.
"""

from __future__ import annotations

from search_backend import Result, perform_search

from gochan import Chan, go, num_goroutine, recv, run, select, time


def search(query: str) -> Result:
    results = Chan[Result](1)  # buffer size 1 ensures the send never blocks
    go(lambda: results.send(perform_search(query)))
    return results.recv()


def search_with_timeout(query: str, timeout: float) -> Result:
    results = Chan[Result](1)
    go(lambda: results.send(perform_search(query)))
    got = recv(results)
    if select(got, recv(time.after(timeout))) is got:
        return got.value
    raise TimeoutError("timeout")


def main() -> None:
    print(search("gophers").text)
    try:
        search_with_timeout("gophers", 10 * time.Millisecond)
    except TimeoutError as err:
        print("error:", err)
    time.sleep(100 * time.Millisecond)  # long enough for the search to finish and send
    print("goroutines after the timeout:", num_goroutine())


if __name__ == "__main__":
    run(main)

# Output:
# result for 'gophers'
# error: timeout
# goroutines after the timeout: 1
