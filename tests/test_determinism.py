"""Determinism, proved: one seed, one interleaving.

A select-heavy program whose every step depends on select's random picks
(receives, sends, timers on a virtual clock) runs twice with
one seed and must interleave and print identically; runs with other seeds
must differ.  trio proves the same of its scheduler in
``test_scheduler_determinism.py``.
"""

from __future__ import annotations

import gochan
from gochan import Chan, RecvCase, go, recv, select, send
from gochan import time as gotime
from gochan.sync import WaitGroup
from gochan.testing import VirtualClock, seed


def select_heavy_program() -> list[str]:
    """Producers race into shared channels, consumers race out; returns the trace."""
    trace: list[str] = []
    lanes = [Chan[int](2) for _ in range(3)]
    results = Chan[str](8)
    stop = Chan[None]()

    def producer(p: int) -> None:
        for i in range(15):
            v = p * 100 + i
            # Send on whichever of two lanes is ready first; both often are.
            first = send(lanes[p % 3], v)
            chosen = select(first, send(lanes[(p + 1) % 3], v))
            trace.append(f"p{p} sent {v} on lane {(p + (chosen is not first)) % 3}")
            if i % 5 == 4:
                gotime.sleep(0.001 * (p + 1))

    def consumer(c: int) -> None:
        cases = [recv(lane) for lane in lanes]
        halt = recv(stop)
        while True:
            chosen = select(*cases, halt)
            if chosen is halt:
                results.send(f"c{c} done")
                return
            assert isinstance(chosen, RecvCase)
            trace.append(f"c{c} got {chosen.value} from lane {cases.index(chosen)}")

    def main() -> None:
        producers = WaitGroup()
        for p in range(4):
            producers.go(producer, p)
        for c in range(3):
            go(consumer, c)
        producers.wait()
        gotime.sleep(1)  # every lane drains: consumers are parked on their select
        stop.close()
        trace.extend(results.recv() for _ in range(3))

    with VirtualClock():
        gochan.run(main)
    return trace


def run_with_seed(n: int) -> list[str]:
    seed(n)
    return select_heavy_program()


def test_one_seed_gives_one_interleaving() -> None:
    first = run_with_seed(2024)
    assert len(first) > 100
    assert run_with_seed(2024) == first
    assert run_with_seed(2024) == first


def test_different_seeds_give_different_interleavings() -> None:
    traces = [run_with_seed(n) for n in range(6)]
    assert len({tuple(t) for t in traces}) == len(traces)


def test_every_interleaving_delivers_every_value_once() -> None:
    for n in range(3):
        got = [line.split()[2] for line in run_with_seed(n) if " got " in line]
        assert sorted(map(int, got)) == sorted(p * 100 + i for p in range(4) for i in range(15))
