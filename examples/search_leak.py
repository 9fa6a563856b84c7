"""The "bad" search: a goroutine sends on an unbuffered channel nobody may read.

As printed in Go this does not compile: ``search`` is declared to return
``[]Result`` but returns the ``Result`` received from the channel. With the type
fixed it does not leak either, because it always waits for the result. The
leak appears as soon as the caller can stop waiting, as in this version with a
timeout: after the timeout nobody will ever receive, so the goroutine blocks on
its send forever. (The buffered, quit-channel and context versions fix it.)
"""

from __future__ import annotations

from search_backend import Result, perform_search

from gochan import Chan, go, num_goroutine, recv, run, select, time


def search(query: str) -> Result:
    results = Chan[Result]()
    go(lambda: results.send(perform_search(query)))
    return results.recv()


def search_with_timeout(query: str, timeout: float) -> Result:
    results = Chan[Result]()
    go(lambda: results.send(perform_search(query)))  # blocks forever after a timeout
    got = recv(results)
    if select(got, recv(time.after(timeout))) is got:
        return got.value
    raise TimeoutError("timeout")


def main() -> None:
    print(search("gophers").text)
    print("goroutines after search:", num_goroutine())
    try:
        search_with_timeout("gophers", 10 * time.Millisecond)
    except TimeoutError as err:
        print("error:", err)
    time.sleep(100 * time.Millisecond)  # long enough for the search to finish and try to send
    print("goroutines after the timeout:", num_goroutine(), "(one leaked)")


if __name__ == "__main__":
    run(main)

# Output:
# result for 'gophers'
# goroutines after search: 1
# error: timeout
# goroutines after the timeout: 2 (one leaked)
