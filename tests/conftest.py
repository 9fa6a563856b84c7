"""The suite dogfoods gochan's pytest plugin (``gochan._pytest_plugin``).

Every test is seeded (a failure prints its seed; ``--gochan-seed=N`` replays
it) and every program it runs with ``run()`` is leak-checked as its main
returns.  A test that leaves goroutines for ``run()`` to end on purpose says
so with ``@pytest.mark.gochan_leak_check(False)``.  Afterwards, no program may
be left running on the thread (a plain script's implicit main goroutine).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gochan._core import get_runtime

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _gochan_checks(gochan_seed: int, gochan_leak_check: None) -> Iterator[None]:
    yield
    rt = get_runtime()
    if rt.main is not None:
        stacks = rt.stacks()
        rt.end_main()
        pytest.fail(f"a gochan program was left running on this thread:\n{stacks}")
