"""An HTTP handler that stops its work when the client gives up.

Go's pattern: the handler does its work in steps and, between them, selects
on the request's context against the next step::

    select {
    case <-r.Context().Done():
        return // the client went away: nobody wants the rest
    case <-time.After(stepTime):
    }

``r.context()`` is cancelled when the client's connection closes (the
server reads ahead while the handler runs, as Go's does), when the handler
returns, and when the server shuts down.

Two clients give up on a ten-step job.  The first asks ``/report``, which
streams a line per step, and cancels its request's context after two lines;
the second asks ``/total``, which answers only at the end, with a
``Client.timeout`` shorter than the job.  Each time the handler stops at
once instead of working on for nobody, and says where it stopped.
"""

from __future__ import annotations

from collections.abc import Iterator

from gochan import Chan, after, context, http, recv, run, select, time
from gochan.http import httptest

STEPS = 10
STEP_TIME = 200 * time.Millisecond


def handlers(stopped: Chan[str]) -> http.ServeMux:
    """``/report`` streams a line per step; ``/total`` answers once all steps are done."""

    def work(r: http.Request, on_step: http.ResponseWriter | None) -> bool:
        """Run the steps; False if the request's context ended first."""
        ctx = r.context()
        for step in range(1, STEPS + 1):
            done = recv(ctx.done())
            if select(done, recv(after(STEP_TIME))) is done:
                stopped.send(
                    f"handler {r.url.path}: stopped after {step - 1} of {STEPS} steps: {ctx.err()}"
                )
                return False
            if on_step is not None:
                on_step.write(f"step {step} done\n".encode())
                on_step.flush()  # send it now, not when the handler returns
        return True

    def report(w: http.ResponseWriter, r: http.Request) -> None:
        work(r, w)

    def total(w: http.ResponseWriter, r: http.Request) -> None:
        if work(r, None):
            w.write(f"{STEPS} steps done\n".encode())

    mux = http.ServeMux()
    mux.handle_func("GET /report", report)
    mux.handle_func("GET /total", total)
    return mux


def lines(body: http.ReadCloser) -> Iterator[str]:
    """The body's lines as they arrive (Go's ``bufio.Scanner``)."""
    pending = b""
    while chunk := body.read(4096):
        pending += chunk
        *complete, pending = pending.split(b"\n")
        yield from (line.decode() for line in complete)


def main() -> None:
    stopped = Chan[str]()
    with httptest.new_server(handlers(stopped)) as srv:
        # A client that cancels its request once it has seen enough.
        ctx, cancel = context.with_cancel(context.background())
        req = http.new_request_with_context(ctx, "GET", srv.url + "/report")
        with srv.client().do(req) as resp:
            for n, line in enumerate(lines(resp.body), 1):
                print(f"client 1: {line}")
                if n == 2:
                    print("client 1: that will do: cancel")
                    cancel()
                    break
        print(stopped.recv())

        # A client whose timeout passes before the answer comes.
        client = http.Client(transport=srv.client().transport, timeout=500 * time.Millisecond)
        try:
            client.get(srv.url + "/total")
        except TimeoutError as err:
            print(f"client 2: {str(err).partition(': ')[2]}")
        print(stopped.recv())


if __name__ == "__main__":
    run(main)

# Output:
# client 1: step 1 done
# client 1: step 2 done
# client 1: that will do: cancel
# handler /report: stopped after 2 of 10 steps: context canceled
# client 2: context deadline exceeded (Client.Timeout exceeded while awaiting headers)
# handler /total: stopped after 2 of 10 steps: context canceled
