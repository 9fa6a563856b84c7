"""The exercise's behaviour table for ``ProcessNumbers``, ported (examples/process_numbers.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

import process_numbers as process_numbers_module
from process_numbers import NegativeNumberError, process_numbers

from gochan import Canceled, context, num_goroutine, run


@pytest.mark.parametrize("workers", [1, 2, 3, 8])
def test_all_non_negative_returns_every_square(workers: int) -> None:
    nums = [0, 1, 2, 3, 4, 5, 6]

    def scenario() -> None:
        squares, err = process_numbers(context.background(), nums, workers)
        assert err is None
        assert sorted(squares) == [n * n for n in nums]  # order does not matter
        assert num_goroutine() == 1  # every worker and the closer have exited

    run(scenario)


def test_empty_input() -> None:
    assert run(process_numbers, context.background(), [], 2) == ([], None)


def test_negative_number_with_one_worker_returns_only_the_squares_before_it() -> None:
    def scenario() -> None:
        squares, err = process_numbers(context.background(), [2, -1, 5, 7], 1)
        assert squares == [4]
        assert isinstance(err, NegativeNumberError)
        assert str(err) == "negative number"
        assert num_goroutine() == 1

    run(scenario)


@pytest.mark.parametrize("workers", [2, 3, 4])
def test_negative_number_with_several_workers_reports_the_error(workers: int) -> None:
    def scenario() -> None:
        squares, err = process_numbers(context.background(), [2, -1, 5, 7], workers)
        assert str(err) == "negative number"
        assert set(squares) <= {4, 25, 49}
        assert num_goroutine() == 1

    run(scenario)


def test_cancelled_context_returns_at_once_and_starts_no_goroutine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_goroutine(*args: object) -> None:
        raise AssertionError("process_numbers started a goroutine")

    monkeypatch.setattr(process_numbers_module, "go", no_goroutine)

    def scenario() -> None:
        ctx, cancel = context.with_cancel(context.background())
        cancel()
        squares, err = process_numbers(ctx, [1, 2, 3], 2)
        assert squares == []
        assert isinstance(err, Canceled)

    run(scenario)
