"""Checked by mypy only (``mypy --strict tests``); pytest never collects it.

Go's timer, ticker and context idioms, ported as a Go programmer writes them,
type-check as written: no assert, cast or ignore narrows away a ``None``.
Where Go hands out a nil channel (``tick`` of a non-positive period, an
``after_func`` timer's ``C``, ``Done()`` of a context that can never be
cancelled), gochan hands out a channel that is never ready, not ``None``.
"""

from __future__ import annotations

from typing import assert_type

from gochan import RecvChan, after_func, context, new_timer, recv, select, tick


def timer_channel(d: float) -> float:
    timer = new_timer(d)
    return timer.c.recv()  # Go's <-timer.C


def after_func_timer_channel(d: float) -> RecvChan[float]:
    return after_func(d, lambda: None).c  # Go's nil channel: never ready


def ranging_over_a_ticker(d: float) -> None:
    for t in tick(d):  # Go's for t := range time.Tick(d)
        assert_type(t, float)


def a_rate_limiter(d: float) -> float:
    limiter = tick(d)
    return limiter.recv()  # Go's <-limiter


def waiting_for_cancellation(ctx: context.Context) -> None:
    ctx.done().recv()  # Go's <-ctx.Done()


def selecting_on_cancellation(ctx: context.Context, jobs: RecvChan[int]) -> int | None:
    got = recv(jobs)
    if select(got, recv(ctx.done())) is got:  # Go's case <-ctx.Done():
        return got.value
    return None
