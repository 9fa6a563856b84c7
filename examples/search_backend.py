"""The slow search that the four ``search`` examples run in a goroutine."""

from __future__ import annotations

from dataclasses import dataclass

from gochan import time

SEARCH_TIME = 50 * time.Millisecond


@dataclass(frozen=True)
class Result:
    text: str


def perform_search(query: str) -> Result:
    """Take SEARCH_TIME to find ``query``; knows nothing of timeouts or cancellation."""
    time.sleep(SEARCH_TIME)
    return Result(f"result for {query!r}")
