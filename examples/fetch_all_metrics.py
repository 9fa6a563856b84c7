"""Advanced challenge 5: count successes and failures, time every source, name the slowest.

Every source is wrapped to record its outcome and duration in one ``Metrics``
object that all the goroutines share. A mutex guards it, the right tool for
shared state (``with metrics.mu:`` is Go's ``mu.Lock(); defer mu.Unlock()``).
The sources here take 10, 50 and 100 ms, and the failing one is the slowest,
so no source is cut short by the cancellation that follows a failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from time import monotonic

from fetch_all import Source, fetch_all, http_source
from local_http import serve

from gochan import context, run, sync


@dataclass
class Metrics:
    mu: sync.Mutex = field(default_factory=sync.Mutex)
    succeeded: int = 0
    failed: int = 0
    durations: dict[str, float] = field(default_factory=dict)  # seconds, by source name

    def measured(self, name: str, src: Source) -> Source:
        def fetch(ctx: context.Context) -> str:
            begin = monotonic()
            try:
                value = src(ctx)
            except Exception:
                self.record(name, monotonic() - begin, ok=False)
                raise
            self.record(name, monotonic() - begin, ok=True)
            return value

        return fetch

    def record(self, name: str, duration: float, ok: bool) -> None:
        with self.mu:
            self.durations[name] = duration
            if ok:
                self.succeeded += 1
            else:
                self.failed += 1

    def average(self) -> float:
        with self.mu:
            return sum(self.durations.values()) / len(self.durations)

    def slowest(self) -> str:
        with self.mu:
            return max(self.durations, key=lambda name: self.durations[name])


def main() -> None:
    metrics = Metrics()
    with serve() as base:
        sources = [
            metrics.measured("a", http_source(f"{base}/a?delay=0.01")),
            metrics.measured("b", http_source(f"{base}/b?delay=0.05")),
            metrics.measured("c", http_source(f"{base}/c?delay=0.1&status=503")),
        ]
        values, err = fetch_all(context.background(), sources)
    print(sorted(values), err)
    print("succeeded:", metrics.succeeded, "failed:", metrics.failed)
    print("average response time at least 10 ms:", metrics.average() >= 0.01)
    print("slowest source:", metrics.slowest())


if __name__ == "__main__":
    run(main)

# Output:
# ['data from /a', 'data from /b'] GET /c: status 503
# succeeded: 2 failed: 1
# average response time at least 10 ms: True
# slowest source: c
