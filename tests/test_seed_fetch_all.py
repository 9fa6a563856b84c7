"""The exercise's tests for ``FetchAll``, ported, and tests of its advanced-challenge variants.

Sources here are plain functions, so the tests need no network; the examples
themselves run against a local HTTP server.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

import fetch_all as fetch_all_module
from fetch_all import Source, fetch_all
from fetch_all_bounded import fetch_all_bounded
from fetch_all_partial import fetch_all_partial
from fetch_all_retry import with_retries
from fetch_first import fetch_first

from gochan import (
    Canceled,
    Chan,
    DeadlineExceeded,
    context,
    gosched,
    num_goroutine,
    recv,
    run,
    select,
    time,
)


def returning(value: str) -> Source:
    return lambda ctx: value


def failing(message: str) -> Source:
    def fetch(ctx: context.Context) -> str:
        raise ConnectionError(message)

    return fetch


class UntilCancelled:
    """A source that blocks until its context is done, and remembers that it was cancelled."""

    def __init__(self) -> None:
        self.saw: Exception | None = None

    def __call__(self, ctx: context.Context) -> str:
        select(recv(ctx.done()))
        self.saw = ctx.err()
        assert self.saw is not None
        raise self.saw


def test_fetch_all_success() -> None:
    def scenario() -> None:
        values, err = fetch_all(context.background(), [returning(v) for v in ("a", "b", "c")])
        assert err is None
        assert sorted(values) == ["a", "b", "c"]
        assert num_goroutine() == 1

    run(scenario)


def test_fetch_all_error_cancels_the_other_sources() -> None:
    blocked = UntilCancelled()

    def scenario() -> None:
        values, err = fetch_all(context.background(), [blocked, failing("boom")])
        assert isinstance(err, ConnectionError)
        assert str(err) == "boom"
        assert values == []
        assert isinstance(blocked.saw, Canceled)  # the error cancelled the context
        assert num_goroutine() == 1  # no goroutine left behind

    run(scenario)


def test_fetch_all_context_cancelled_returns_at_once_and_starts_no_goroutine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_goroutine(*args: object) -> None:
        raise AssertionError("fetch_all started a goroutine")

    monkeypatch.setattr(fetch_all_module, "go", no_goroutine)

    def scenario() -> None:
        ctx, cancel = context.with_cancel(context.background())
        cancel()
        values, err = fetch_all(ctx, [returning("a")])
        assert values == []
        assert isinstance(err, Canceled)

    run(scenario)


def test_fetch_all_timeout() -> None:
    def scenario() -> None:
        ctx, cancel = context.with_timeout(context.background(), 10 * time.Millisecond)
        try:
            values, err = fetch_all(ctx, [returning("fast"), UntilCancelled()])
        finally:
            cancel()
        assert values == ["fast"]
        assert isinstance(err, DeadlineExceeded)

    run(scenario)


def test_bounded_never_runs_more_sources_than_workers() -> None:
    in_flight = 0
    most_in_flight = 0

    def counted(ctx: context.Context) -> str:
        nonlocal in_flight, most_in_flight
        in_flight += 1
        most_in_flight = max(most_in_flight, in_flight)
        gosched()  # let the other workers start theirs
        in_flight -= 1
        return "ok"

    def scenario() -> None:
        values, err = fetch_all_bounded(context.background(), [counted] * 7, workers=3)
        assert (values, err) == (["ok"] * 7, None)
        assert most_in_flight == 3

    run(scenario)


def test_partial_keeps_values_completed_after_the_error() -> None:
    release = Chan[None]()

    def after_release(ctx: context.Context) -> str:
        release.recv()
        return "late"

    def fails_then_releases(ctx: context.Context) -> str:
        release.close()  # the late source can only finish after this failure is reported
        raise ConnectionError("boom")

    def scenario() -> None:
        values, err = fetch_all_partial(context.background(), [after_release, fails_then_releases])
        assert values == ["late"]
        assert str(err) == "boom"

    run(scenario)


def test_retries_until_success_and_gives_up_after_three_attempts() -> None:
    calls = 0

    def fails_twice(ctx: context.Context) -> str:
        nonlocal calls
        calls += 1
        if calls <= 2:
            raise ConnectionResetError("dropped")
        return "ok"

    def scenario() -> None:
        assert with_retries(fails_twice)(context.background()) == "ok"
        assert calls == 3
        with pytest.raises(ConnectionError, match="down"):
            with_retries(failing("down"))(context.background())

    run(scenario)


def test_retries_stop_when_the_context_is_done() -> None:
    def scenario() -> None:
        ctx, cancel = context.with_cancel(context.background())
        calls = 0

        def fails_and_cancels(ctx: context.Context) -> str:
            nonlocal calls
            calls += 1
            cancel()
            raise ConnectionResetError("dropped")

        with pytest.raises(ConnectionResetError):
            with_retries(fails_and_cancels)(ctx)
        assert calls == 1

    run(scenario)


def test_first_win_returns_the_first_success_and_cancels_the_rest() -> None:
    loser = UntilCancelled()

    def scenario() -> None:
        assert (
            fetch_first(context.background(), [loser, failing("404"), returning("mirror")])
            == "mirror"
        )
        gosched()  # the loser wakes on the cancellation
        assert isinstance(loser.saw, Canceled)

    run(scenario)


def test_first_win_raises_the_first_error_when_every_source_fails() -> None:
    def scenario() -> None:
        with pytest.raises(ConnectionError):
            fetch_first(context.background(), [failing("one"), failing("two")])

    run(scenario)
