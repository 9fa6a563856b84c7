"""gochan's pytest plugin: :mod:`gochan.testing` driven by markers, fixtures and options.

Registered through the ``pytest11`` entry point, so installing gochan makes
it available; it changes nothing until a test asks for it:

* ``@pytest.mark.gochan(clock="real", seed=None, ignore=(), leak_check=True)``,
  or the fixtures ``gochan_program`` and ``virtual_clock``: the test
  function runs as a gochan program, its body the main goroutine; leaked
  goroutines fail it.
* ``gochan_seed``: seeds this thread's scheduler for a test that calls
  ``run()`` itself; ``gochan_leak_check`` (configured by the
  ``gochan_leak_check`` marker) checks every program such a test runs.
* ``--gochan-seed=N``: the seed of every test that uses one; a failing test
  prints its seed, and running it again with that seed replays it.

Nothing is shared between tests or processes: each test draws its own seed,
so the plugin works the same under pytest-xdist.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import pytest

from .runtime import run
from .testing import VirtualClock, leak_check, seed, verify_none

_PROGRAM_FIXTURES = frozenset({"gochan_program", "virtual_clock"})


@dataclass
class _Settings:
    """What one test asked of gochan: read once from its markers, fixtures and options."""

    program: bool  # the test function runs as the main goroutine
    clock: VirtualClock | None  # installed around the program; None: the real clock
    seed: int
    leak_check: bool
    ignore: Sequence[str | Callable[..., object]]
    seeded: bool = False  # set once the seed was applied: a failure report names it


_SETTINGS = pytest.StashKey[_Settings]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gochan")
    group.addoption(
        "--gochan-seed",
        type=int,
        default=None,
        metavar="N",
        help="seed the gochan scheduler of every test that uses a seed with N "
        "(default: a random seed per test, printed when the test fails)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "gochan(clock='real', seed=None, ignore=(), leak_check=True): run the test "
        "function as a gochan program, its body the main goroutine; clock='virtual' "
        "runs it on a VirtualClock; leaked goroutines fail it unless ignored",
    )
    config.addinivalue_line(
        "markers",
        "gochan_leak_check(enabled=True, *, ignore=()): configure the gochan_leak_check "
        "fixture for a test that calls gochan.run() itself",
    )


def pytest_report_header(config: pytest.Config) -> str | None:
    n = config.getoption("gochan_seed")
    return None if n is None else f"gochan: --gochan-seed={n}"


def _program_options(
    *,
    clock: str = "real",
    seed: int | None = None,
    ignore: Sequence[str | Callable[..., object]] = (),
    leak_check: bool = True,
) -> tuple[str, int | None, Sequence[str | Callable[..., object]], bool]:
    """The signature of the ``gochan`` marker: Python rejects anything else."""
    if clock not in ("real", "virtual"):
        raise ValueError(f"clock must be 'real' or 'virtual', not {clock!r}")
    return clock, seed, ignore, leak_check


def _leak_options(
    enabled: bool = True, *, ignore: Sequence[str | Callable[..., object]] = ()
) -> tuple[bool, Sequence[str | Callable[..., object]]]:
    """The signature of the ``gochan_leak_check`` marker."""
    return enabled, ignore


def _settings(item: pytest.Item) -> _Settings:
    """This test's settings, read on first use."""
    settings = item.stash.get(_SETTINGS, None)
    if settings is not None:
        return settings
    fixtures = item.fixturenames if isinstance(item, pytest.Function) else ()
    mark = item.get_closest_marker("gochan")
    leak_mark = item.get_closest_marker("gochan_leak_check")
    program = mark is not None or not _PROGRAM_FIXTURES.isdisjoint(fixtures)
    try:
        if program:
            if leak_mark is not None:
                raise ValueError(
                    "gochan_leak_check is for tests that call run() themselves; a gochan "
                    "program test takes @pytest.mark.gochan(ignore=..., leak_check=...)"
                )
            clock, n, ignore, check = (
                _program_options() if mark is None else _program_options(*mark.args, **mark.kwargs)
            )
            if "virtual_clock" in fixtures:
                if mark is not None and "clock" in mark.kwargs and clock != "virtual":
                    raise ValueError("the virtual_clock fixture needs clock='virtual'")
                clock = "virtual"
        else:
            clock, n = "real", None
            check, ignore = (
                (True, ())
                if leak_mark is None
                else _leak_options(*leak_mark.args, **leak_mark.kwargs)
            )
    except (TypeError, ValueError) as exc:
        raise pytest.UsageError(f"{item.nodeid}: {exc}") from None
    if n is None:
        n = item.config.getoption("gochan_seed")
    if n is None:
        n = random.SystemRandom().getrandbits(32)
    settings = _Settings(
        program=program,
        clock=VirtualClock() if clock == "virtual" else None,
        seed=n,
        leak_check=check,
        ignore=ignore,
    )
    item.stash[_SETTINGS] = settings
    return settings


def _apply_seed(settings: _Settings) -> None:
    seed(settings.seed)
    settings.seeded = True


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run a gochan program test: its function is the main goroutine."""
    __tracebackhide__ = True
    settings = _settings(pyfuncitem)
    if not settings.program:
        return None
    fn = pyfuncitem.obj
    if inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn):
        raise pytest.UsageError(
            f"{pyfuncitem.nodeid}: a gochan program test is a plain function, not {fn!r}"
        )
    funcargs = pyfuncitem.funcargs
    testargs = {name: funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}

    def main() -> None:
        __tracebackhide__ = True
        fn(**testargs)
        if not settings.leak_check:
            return
        try:
            verify_none(settings.ignore)
        except AssertionError as exc:  # verify_none's one failure: a leak
            leaks = str(exc)
        else:
            return
        pytest.fail(leaks, pytrace=False)  # outside the except: no "during handling" chain

    clock: AbstractContextManager[object] = settings.clock or nullcontext()
    with clock:
        _apply_seed(settings)
        run(main)
    return True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    settings = item.stash.get(_SETTINGS, None)
    if report.failed and settings is not None and settings.seeded:
        report.sections.append(
            ("gochan", f"seed {settings.seed}: replay with --gochan-seed={settings.seed}")
        )
    return report


@pytest.fixture
def gochan_program() -> None:
    """Run the test function as a gochan program, as ``@pytest.mark.gochan`` does."""


@pytest.fixture
def virtual_clock(request: pytest.FixtureRequest) -> VirtualClock:
    """Run the test function as a gochan program on a :class:`VirtualClock`, and return it.

    The same as ``@pytest.mark.gochan(clock="virtual")``, with the clock in hand.
    """
    clock = _settings(request.node).clock
    assert clock is not None
    return clock


@pytest.fixture
def gochan_seed(request: pytest.FixtureRequest) -> int:
    """Seed this thread's scheduler for the test and return the seed.

    The seed is ``@pytest.mark.gochan(seed=...)``'s, else ``--gochan-seed``,
    else a random one; a failing test prints it.
    """
    settings = _settings(request.node)
    _apply_seed(settings)
    return settings.seed


@pytest.fixture
def gochan_leak_check(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test when a program it runs with ``run()`` leaks goroutines.

    Each program is checked as its main returns (:func:`gochan.testing.leak_check`).
    ``@pytest.mark.gochan_leak_check(False)`` turns the check off for a test,
    ``@pytest.mark.gochan_leak_check(ignore=[...])`` ignores goroutines by
    function name.  A gochan program test is checked by the plugin already.
    """
    settings = _settings(request.node)
    if settings.program or not settings.leak_check:
        yield
        return
    with leak_check(settings.ignore):
        yield
