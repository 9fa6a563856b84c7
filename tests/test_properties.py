"""Random programs of goroutines sending, receiving, selecting and closing.

Whatever the interleaving, no value is lost or duplicated: every value whose
send completed was received exactly once or is still buffered, nothing else
was received, and every channel's invariants hold after every step.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gochan import Case, Chan, Panic, default, go, recv, run, select, send
from gochan.testing import wait_blocked

N_CHANNELS = 3

# An op is ("send", ch), ("recv", ch), ("close", ch) or ("select", cases, with_default)
# where cases are ("send", ch) / ("recv", ch) pairs; ch None is a nil channel.
channel_index = st.integers(0, N_CHANNELS - 1)
nil_or_channel = st.one_of(st.none(), channel_index)
simple_op = st.tuples(st.sampled_from(["send", "recv", "close"]), channel_index)
select_op = st.tuples(
    st.just("select"),
    st.lists(st.tuples(st.sampled_from(["send", "recv"]), nil_or_channel), max_size=3),
    st.booleans(),
)
goroutine_ops = st.lists(st.one_of(simple_op, simple_op, select_op), max_size=6)
program = st.tuples(
    st.lists(st.integers(0, 2), min_size=N_CHANNELS, max_size=N_CHANNELS),
    st.lists(goroutine_ops, min_size=1, max_size=4),
    st.integers(0, 2**32 - 1),
)


@dataclass
class Ledger:
    chans: list[Chan[int]]
    sent: list[int] = field(default_factory=list)  # values whose send completed
    received: list[int] = field(default_factory=list)  # values received with ok=True
    fresh: itertools.count[int] = field(default_factory=itertools.count)

    def check(self) -> None:
        for ch in self.chans:
            ch._check_invariants()


def run_ops(ledger: Ledger, ops: list[Any]) -> None:
    chans = ledger.chans
    for op in ops:
        try:
            if op[0] == "send":
                v = next(ledger.fresh)
                chans[op[1]].send(v)
                ledger.sent.append(v)
            elif op[0] == "recv":
                v, ok = chans[op[1]].recv_ok()
                if ok:
                    ledger.received.append(v)
            elif op[0] == "close":
                chans[op[1]].close()
            else:
                _, case_specs, with_default = op
                cases: list[Case] = []
                for kind, i in case_specs:
                    ch = None if i is None else chans[i]
                    cases.append(send(ch, next(ledger.fresh)) if kind == "send" else recv(ch))
                if with_default or not cases:
                    cases.append(default)
                chosen = select(*cases)
                if chosen is not default:
                    if kind_of(chosen) == "send":
                        ledger.sent.append(chosen.value)  # type: ignore[attr-defined]
                    elif chosen.ok:  # type: ignore[attr-defined]
                        ledger.received.append(chosen.value)  # type: ignore[attr-defined]
        except Panic:
            pass  # send on / close of a closed channel: the op did not happen
        ledger.check()


def kind_of(case: Case) -> str:
    return "send" if type(case).__name__ == "SendCase" else "recv"


@pytest.mark.gochan_leak_check(False)  # goroutines may stay parked forever
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program)
def test_no_value_lost_or_duplicated(prog: tuple[list[int], list[list[Any]], int]) -> None:
    caps, goroutines, seed = prog

    def main() -> Ledger:
        from gochan._core import get_runtime

        get_runtime().rng.seed(seed)
        ledger = Ledger([Chan[int](cap) for cap in caps])
        for ops in goroutines:
            go(run_ops, ledger, ops)
        wait_blocked(0)  # until nothing can run: the rest stay parked forever
        ledger.check()
        return ledger

    ledger = run(main)
    buffered = [v for ch in ledger.chans for v in ch._buf]
    assert len(set(ledger.received)) == len(ledger.received), "a value was received twice"
    assert sorted(ledger.received + buffered) == sorted(ledger.sent)
