"""Every test leaves this thread's runtime as it found it: no program running."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gochan._core import get_runtime


@pytest.fixture(autouse=True)
def _no_program_left_running() -> Iterator[None]:
    yield
    rt = get_runtime()
    leaked = rt.main is not None
    if leaked:
        stacks = rt.stacks()
        rt.end_main()
        pytest.fail(f"a gochan program was left running on this thread:\n{stacks}")
