"""A server that owns its background goroutines: ``start()`` launches them, ``shutdown()`` stops them.

One context, cancelled by ``shutdown()``, reaches every worker; a WaitGroup
lets ``shutdown()`` return only once they have all returned. As printed in Go
the program does not compile (``backgroundJob2`` and ``backgroundJob3`` are
never defined); here they are a second ticker job and a job that only waits.

The server keeps its context in a field, which Go's context documentation
advises against for request-scoped contexts; this one is the server's own
lifetime, created and cancelled by the server itself.
"""

from __future__ import annotations

from collections.abc import Callable

from gochan import context, go, recv, run, select, sync, time

TICK = 20 * time.Millisecond


class Server:
    def __init__(self, log: Callable[[str], None]) -> None:
        self.ctx, self.cancel = context.with_cancel(context.background())
        self.wg = sync.WaitGroup()
        self.log = log
        self.ticks = 0

    def start(self) -> None:
        self.start_worker("worker-1", self.background_job1)
        self.start_worker("worker-2", self.background_job2)
        self.start_worker("worker-3", self.background_job3)

    def start_worker(self, name: str, job: Callable[[context.Context], None]) -> None:
        self.wg.add(1)

        def work() -> None:
            try:
                self.log(f"{name} started")
                job(self.ctx)
                self.log(f"{name} stopped")
            finally:
                self.wg.done()

        go(work)

    def background_job1(self, ctx: context.Context) -> None:
        ticker = time.new_ticker(TICK)
        try:
            done, tick = recv(ctx.done()), recv(ticker.c)
            while select(done, tick) is tick:
                self.ticks += 1  # do work
        finally:
            ticker.stop()

    def background_job2(self, ctx: context.Context) -> None:
        done = recv(ctx.done())
        while select(done, recv(time.after(2 * TICK))) is not done:
            pass  # do less frequent work

    def background_job3(self, ctx: context.Context) -> None:
        # Go's <-ctx.Done(); a one-case select also accepts the None (nil) done
        # channel of a context that can never be cancelled, and then blocks forever.
        select(recv(ctx.done()))

    def shutdown(self) -> None:
        self.log("Shutting down...")
        self.cancel()  # signal all workers to stop
        self.wg.wait()  # wait for all of them to finish
        self.log("Shutdown complete")


LOG_PHASES = ("started", "Shutting down...", "stopped", "Shutdown complete")


def log_order(line: str) -> tuple[int, str]:
    """Go logs the three workers' lines in any order: sort them within their phase."""
    phase = next(i for i, suffix in enumerate(LOG_PHASES) if line.endswith(suffix))
    return phase, line


def main() -> None:
    lines: list[str] = []
    server = Server(log=lines.append)
    server.start()
    time.sleep(5 * TICK)  # the server does its work until it is shut down
    server.shutdown()
    for line in sorted(lines, key=log_order):
        print(line)
    print("worker-1 did work:", server.ticks > 0)


if __name__ == "__main__":
    run(main)

# Output:
# worker-1 started
# worker-2 started
# worker-3 started
# Shutting down...
# worker-1 stopped
# worker-2 stopped
# worker-3 stopped
# Shutdown complete
# worker-1 did work: True
