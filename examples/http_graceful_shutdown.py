"""Graceful shutdown of an HTTP server on SIGINT: ``signal.notify_context`` + ``Server.shutdown``.

Go's pattern::

    ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
    defer stop()
    go func() {
        if err := srv.ListenAndServe(); err != http.ErrServerClosed {
            log.Fatal(err)
        }
    }()
    <-ctx.Done()
    stop()
    shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
    defer cancel()
    if err := srv.Shutdown(shutdownCtx); err != nil {
        log.Print(err)
    }

``shutdown`` closes the listener at once (new connections are refused),
closes the idle connections, and waits for the requests in hand to be
answered, each on a connection that closes after its response; with the
context's deadline it stops waiting and cancels those requests' contexts.
``serve`` returns ``None`` (Go returns ``http.ErrServerClosed``).

To show it without a terminal, the program sends itself SIGINT once a slow
request has started, as Ctrl-C would: that request is still answered in
full, while one made after the signal is refused.
"""

from __future__ import annotations

import os
from signal import SIGINT

from gochan import Chan, WaitGroup, context, go, http, net, run, signal, time

WORK_TIME = 300 * time.Millisecond


def main() -> None:
    ctx, stop = signal.notify_context(context.background(), SIGINT)
    try:
        started = Chan[None]()

        def slow(w: http.ResponseWriter, r: http.Request) -> None:
            print("handler: working on /report")
            started.send(None)
            time.sleep(WORK_TIME)
            w.write(b"report: all done")
            print("handler: /report answered")

        ln = net.listen("tcp", "127.0.0.1:0")
        srv = http.Server(handler=slow)
        serving = WaitGroup()
        serving.go(srv.serve, ln)  # returns once the server is shut down
        url = f"http://{ln.addr()}/report"
        client = http.Client(transport=http.Transport())
        answers = Chan[str](1)

        def fetch() -> None:
            with client.get(url) as resp:
                answers.send(f"{resp.status}, {resp.body.read().decode()!r}")

        go(fetch)
        started.recv()
        print("operator: Ctrl-C")
        os.kill(os.getpid(), SIGINT)

        ctx.done().recv()
        stop()  # a second Ctrl-C would stop the program at once
        print(f"main: {context.cause(ctx)}: shutting down")
        shutdown_ctx, cancel = context.with_timeout(context.background(), 5 * time.Second)
        try:
            srv.shutdown(shutdown_ctx)
        finally:
            cancel()
        serving.wait()
        print("main: server stopped")
        print(f"client: {answers.recv()}")
        try:
            client.get(url)
        except http.URLError as err:
            print(f"client: then {type(err.err).__name__}")
    finally:
        stop()


if __name__ == "__main__":
    run(main)

# Output:
# handler: working on /report
# operator: Ctrl-C
# main: interrupt signal received: shutting down
# handler: /report answered
# main: server stopped
# client: 200 OK, 'report: all done'
# client: then ConnectionRefusedError
