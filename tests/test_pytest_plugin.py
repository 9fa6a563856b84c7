"""The pytest plugin, exercised by running small test files through pytester.

Each test writes a test file, runs pytest on it in this process and checks
the outcomes and the report: markers and fixtures, the leak check, seeds and
their replay, the virtual clock, usage errors, and pytest-xdist.
"""

from __future__ import annotations

import re

import pytest

# The inner sessions run programs on this thread; their checks are their own.
pytestmark = pytest.mark.gochan_leak_check(False)

HEADER = """
import pytest
import gochan
from gochan import Chan, go, recv, select
from gochan import time as gotime
from gochan._core import get_runtime
"""


# Plugins the inner sessions do without: hypothesis alone takes seconds to start.
QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")


def run_file(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(HEADER + source)
    return pytester.runpytest(*QUIET, *args)


def test_the_marker_and_the_fixture_run_the_body_as_the_main_goroutine(
    pytester: pytest.Pytester,
) -> None:
    result = run_file(
        pytester,
        """
def check_main():
    rt = get_runtime()
    assert rt.current is rt.main and rt.current.id == 1
    assert gochan.stacks().startswith("goroutine 1 [running]:")
    ch = Chan[int]()
    go(ch.send, 1)
    assert ch.recv() == 1

@pytest.mark.gochan
def test_marker():
    check_main()

def test_fixture(gochan_program):
    assert gochan_program is None
    check_main()

@pytest.fixture
def value():
    return 41

@pytest.mark.gochan
def test_fixtures_still_reach_the_body(value, tmp_path):
    assert value + 1 == 42 and tmp_path.exists()

def test_a_test_that_asks_for_nothing_is_left_alone():
    assert get_runtime().main is None
""",
    )
    result.assert_outcomes(passed=4)


def test_a_leak_fails_the_test_listing_each_goroutine_and_the_seed(
    pytester: pytest.Pytester,
) -> None:
    result = run_file(
        pytester,
        """
def worker(ch):
    ch.recv()

@pytest.mark.gochan
def test_leaky():
    go(worker, Chan[int]())

@pytest.mark.gochan
def test_clean():
    ch = Chan[int]()
    go(worker, ch)
    ch.send(1)
""",
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_leaky _*",
            "found unexpected goroutines:",
            "",
            "goroutine 2 [[]chan receive[]]:",
            '  File "*test_a_leak_fails_the_test*.py", line *, in worker',
            "    ch.recv()",
            "created by test_leaky in goroutine 1",
            "*- gochan -*",
            "seed *: replay with --gochan-seed=*",
        ]
    )


def test_ignored_goroutines_and_a_disabled_check_pass(pytester: pytest.Pytester) -> None:
    result = run_file(
        pytester,
        """
def background(ch):
    ch.recv()

@pytest.mark.gochan(ignore=["background"])
def test_ignored_by_name():
    go(background, Chan[int]())

@pytest.mark.gochan(ignore=[background])
def test_ignored_by_function():
    go(background, Chan[int]())

@pytest.mark.gochan(leak_check=False)
def test_not_checked():
    go(background, Chan[int]())
""",
    )
    result.assert_outcomes(passed=3)


def test_tests_that_call_run_themselves_use_the_seed_and_leak_check_fixtures(
    pytester: pytest.Pytester,
) -> None:
    result = run_file(
        pytester,
        """
def leaky_main():
    go(Chan[int]().recv)

def test_leaks(gochan_seed, gochan_leak_check):
    print(f"the seed is {gochan_seed}")
    gochan.run(leaky_main)

@pytest.mark.gochan_leak_check(ignore=["Chan.recv"])
def test_ignores(gochan_leak_check):
    gochan.run(leaky_main)

@pytest.mark.gochan_leak_check(False)
def test_off(gochan_leak_check):
    gochan.run(leaky_main)

def test_without_the_fixture_nothing_is_checked():
    gochan.run(leaky_main)
""",
    )
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: found unexpected goroutines:*"])
    printed = re.search(r"the seed is (\d+)", result.stdout.str())
    reported = re.search(r"seed (\d+): replay with --gochan-seed=(\d+)", result.stdout.str())
    assert printed is not None
    assert reported is not None
    assert printed[1] == reported[1] == reported[2]


SELECT_HEAVY = """
def trace():
    a, b, c = Chan[int](50), Chan[int](50), Chan[int](50)
    for i in range(50):
        a.send(i)
        b.send(100 + i)
        c.send(200 + i)
    out = []
    for _ in range(60):
        chosen = select(recv(a), recv(b), recv(c))
        out.append(chosen.value)
    return out

@pytest.mark.gochan
def test_random():
    print("TRACE", trace())
    assert False

@pytest.mark.gochan(seed=1234)
def test_fixed():
    print("FIXED", trace())
    assert False
"""


def traces(result: pytest.RunResult) -> dict[str, str]:
    return dict(re.findall(r"^(TRACE|FIXED) (.*)$", result.stdout.str(), re.MULTILINE))


def test_a_failing_test_prints_its_seed_and_that_seed_replays_it(
    pytester: pytest.Pytester,
) -> None:
    first = run_file(pytester, SELECT_HEAVY)
    first.assert_outcomes(failed=2)
    seeds = re.findall(r"seed (\d+): replay with --gochan-seed=\1$", first.stdout.str(), re.M)
    assert len(seeds) == 2
    assert seeds[1] == "1234"
    seed = seeds[0]

    replay = pytester.runpytest(*QUIET, f"--gochan-seed={seed}")
    replay.assert_outcomes(failed=2)
    assert traces(replay) == traces(first)
    replay.stdout.fnmatch_lines([f"gochan: --gochan-seed={seed}"])  # the header

    other = pytester.runpytest(*QUIET, f"--gochan-seed={int(seed) + 1}")
    assert traces(other)["TRACE"] != traces(first)["TRACE"]
    assert traces(other)["FIXED"] == traces(first)["FIXED"]


def test_a_passing_test_prints_no_seed(pytester: pytest.Pytester) -> None:
    result = run_file(
        pytester,
        """
@pytest.mark.gochan
def test_ok():
    pass
""",
        "-rA",
    )
    result.assert_outcomes(passed=1)
    assert "replay with" not in result.stdout.str()


def test_the_virtual_clock_marker_and_fixture(pytester: pytest.Pytester) -> None:
    result = run_file(
        pytester,
        """
import time

@pytest.mark.gochan(clock="virtual")
def test_an_hour_in_no_time():
    started = time.monotonic()
    gotime.sleep(gotime.Hour)
    assert get_runtime().clock.now() == gotime.Hour
    assert time.monotonic() - started < 1

def test_fixture(virtual_clock):
    ticker = gotime.new_ticker(60)
    for minute in range(1, 4):
        assert ticker.c.recv() == minute * 60.0
    ticker.stop()
    assert virtual_clock.now() == 180.0

@pytest.mark.gochan(clock="virtual")
def test_fixture_with_the_marker(virtual_clock):
    gotime.sleep(1)
    assert virtual_clock.now() == 1.0

@pytest.mark.gochan
def test_the_real_clock_is_back():
    assert type(get_runtime().clock).__name__ == "SystemClock"

@pytest.mark.gochan(clock="virtual")
def test_deadlock_is_still_reported():
    gotime.sleep(5)
    Chan[int]().recv()
""",
    )
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(["*Deadlock: all goroutines are asleep - deadlock!*"])


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            '@pytest.mark.gochan(clock="sundial")\ndef test_x():\n    pass',
            "clock must be 'real' or 'virtual', not 'sundial'",
        ),
        (
            '@pytest.mark.gochan(clock="real")\ndef test_x(virtual_clock):\n    pass',
            "the virtual_clock fixture needs clock='virtual'",
        ),
        (
            "@pytest.mark.gochan(colour=1)\ndef test_x():\n    pass",
            "got an unexpected keyword argument 'colour'",
        ),
        (
            "@pytest.mark.gochan\n@pytest.mark.gochan_leak_check(False)\ndef test_x():\n    pass",
            "gochan_leak_check is for tests that call run() themselves*",
        ),
        (
            "@pytest.mark.gochan\nasync def test_x():\n    pass",
            "*a gochan program test is a plain function*",
        ),
    ],
)
def test_misuse_is_reported(pytester: pytest.Pytester, source: str, message: str) -> None:
    result = run_file(pytester, source)
    assert result.ret != 0
    result.stdout.fnmatch_lines([f"*{message}*"])


def test_under_xdist_each_worker_seeds_and_checks_its_own_tests(
    pytester: pytest.Pytester,
) -> None:
    pytest.importorskip("xdist")
    result = run_file(
        pytester,
        SELECT_HEAVY
        + """
@pytest.mark.gochan(clock="virtual")
def test_leak_on_a_worker():
    go(gotime.sleep, 10)

@pytest.mark.parametrize("n", range(4))
def test_clean_on_a_worker(n, virtual_clock):
    gotime.sleep(n)
    assert virtual_clock.now() == n
""",
        "-n",
        "2",
    )
    result.assert_outcomes(passed=4, failed=3)
    result.stdout.fnmatch_lines(["goroutine 2 [[]sleep[]]:"])
    seeds = re.findall(r"seed (\d+): replay with", result.stdout.str())
    assert len(seeds) == 3
    assert "1234" in seeds
    assert traces(result)["FIXED"] == traces(run_file(pytester, SELECT_HEAVY))["FIXED"]
