"""``sync.Once``, ``sync.RWMutex`` and ``sync.Cond``, each in its usual job.

``Once``: three goroutines ask for the configuration; it is loaded once, by
whichever comes first, and the others wait for it. ``RWMutex``: a cache that
three readers hold at the same time (each reads for 10 ms) while a writer
waits for all of them to leave. ``Cond``: workers wait, under the mutex,
until ``main`` says ``ready`` and wakes them all with ``broadcast``.

Which worker starts first varies in Go; the program sorts what it prints.
"""

from __future__ import annotations

from gochan import run, sync, time

# -- Once -----------------------------------------------------------------------

once = sync.Once()
config: dict[str, str] = {}


def load_config() -> None:
    print("loading config")
    config.update(region="eu-west", mode="fast")


def get_config() -> dict[str, str]:
    once.do(load_config)
    return config


def once_demo() -> None:
    wg = sync.WaitGroup()
    for _ in range(3):
        wg.go(get_config)
    wg.wait()
    print("config:", get_config())


# -- RWMutex --------------------------------------------------------------------


class Cache:
    def __init__(self) -> None:
        self.mu = sync.RWMutex()
        self.m: dict[str, str] = {}
        self.readers = 0  # inside get() now
        self.most_readers = 0  # at once, so far

    def get(self, key: str) -> str | None:
        self.mu.rlock()
        try:
            self.readers += 1
            self.most_readers = max(self.most_readers, self.readers)
            time.sleep(10 * time.Millisecond)  # a slow read
            self.readers -= 1
            return self.m.get(key)
        finally:
            self.mu.runlock()

    def set(self, key: str, value: str) -> None:
        with self.mu:  # the write lock
            assert self.readers == 0
            self.m[key] = value


def rwmutex_demo() -> None:
    cache = Cache()
    cache.set("greeting", "hello")
    wg = sync.WaitGroup()
    for _ in range(3):
        wg.go(cache.get, "greeting")
    wg.go(cache.set, "greeting", "bonjour")
    wg.wait()
    print("readers inside at once:", cache.most_readers)
    print("after the write:", cache.get("greeting"))


# -- Cond -----------------------------------------------------------------------


def cond_demo() -> None:
    mu = sync.Mutex()
    cond = sync.Cond(mu)
    ready = False
    started: list[int] = []

    def worker(i: int) -> None:
        with mu:
            while not ready:
                cond.wait()
        started.append(i)

    wg = sync.WaitGroup()
    for i in range(3):
        wg.go(worker, i)
    time.sleep(10 * time.Millisecond)  # let the workers reach wait()
    print("workers started before ready:", len(started))
    with mu:
        ready = True
        cond.broadcast()
    wg.wait()
    print("workers started:", sorted(started))


def main() -> None:
    once_demo()
    rwmutex_demo()
    cond_demo()


if __name__ == "__main__":
    run(main)

# Output:
# loading config
# config: {'region': 'eu-west', 'mode': 'fast'}
# readers inside at once: 3
# after the write: bonjour
# workers started before ready: 0
# workers started: [0, 1, 2]
