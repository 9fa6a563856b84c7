"""Search with a quit channel: on timeout the caller closes ``quit`` and the goroutine exits.

Go evaluates the value of a send case (``performSearch(query)``) when the
``select`` statement starts, so the search itself always runs to the end;
``quit`` only spares the goroutine its send. Python evaluates
``send(results, perform_search(query))`` the same way, before ``select`` runs.
"""

from __future__ import annotations

from search_backend import Result, perform_search

from gochan import Chan, go, num_goroutine, recv, run, select, send, time


def search(query: str, timeout: float) -> Result:
    results = Chan[Result]()
    quit = Chan[None]()

    def run_search() -> None:
        select(send(results, perform_search(query)), recv(quit))

    go(run_search)

    got = recv(results)
    if select(got, recv(time.after(timeout))) is got:
        return got.value
    quit.close()  # signal the goroutine to exit
    raise TimeoutError("timeout")


def main() -> None:
    print(search("gophers", 200 * time.Millisecond).text)
    try:
        search("gophers", 10 * time.Millisecond)
    except TimeoutError as err:
        print("error:", err)
    print("goroutines right after the timeout:", num_goroutine(), "(the search still runs)")
    time.sleep(100 * time.Millisecond)  # long enough for the search to finish
    print("goroutines once it finished:", num_goroutine())


if __name__ == "__main__":
    run(main)

# Output:
# result for 'gophers'
# error: timeout
# goroutines right after the timeout: 2 (the search still runs)
# goroutines once it finished: 1
