"""``python -m gochan FILE.py``: a script run as a Go program, checked in a subprocess.

The scripts are in tests/programs/; each run has its own timeout, so a program
that hangs fails its test instead of the whole session.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAMS = Path(__file__).resolve().parent / "programs"
RUN_TIMEOUT_SECONDS = 30  # interpreter start-up plus a few switches; only a hang gets near it


def gochan_main(program: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gochan", str(PROGRAMS / program), *args],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )


def frame(program: str, marker: str, function: str = "<module>") -> str:
    """The two dump lines of the frame at the line of ``program`` that contains ``marker``."""
    path = PROGRAMS / program
    lines = path.read_text().splitlines()
    (lineno,) = [n for n, line in enumerate(lines, 1) if marker in line]
    return f'  File "{path}", line {lineno}, in {function}\n    {lines[lineno - 1].strip()}\n'


# A frame of gochan's own code, in whichever copy of the package the program
# ran: ".../gochan/NAME.py" or ".../gochan/_core/NAME.py".  Any other path with a
# directory named gochan in it is not one: the checkout holding tests/programs/
# may well be named gochan.
_SEP = re.escape(os.sep)
GOCHAN_FRAME = re.compile(rf'File "[^"]*{_SEP}gochan{_SEP}(?:_core{_SEP})?\w+\.py"')


def assert_no_launcher_frames(dump: str) -> None:
    assert "runpy" not in dump
    assert GOCHAN_FRAME.search(dump) is None, dump


def test_launcher_frames_are_told_from_a_checkout_named_gochan() -> None:
    checkout = os.path.join(os.sep, "src", "gochan")
    program = os.path.join(checkout, "tests", "programs", "deadlocked.py")
    assert_no_launcher_frames(f'  File "{program}", line 3, in <module>\n')
    for module in (("__main__.py",), ("_core", "_sched.py")):
        launcher = os.path.join(checkout, "gochan", *module)
        with pytest.raises(AssertionError):
            assert_no_launcher_frames(f'  File "{launcher}", line 1, in run\n')


def test_goroutine_panic_prints_go_panic_then_every_goroutine_and_exits_2() -> None:
    proc = gochan_main("panicking_goroutine.py")
    assert proc.returncode == 2, proc.stderr
    # Output printed before the crash is kept; the parked goroutines are ended
    # (their finally blocks run) before the report is written.
    assert proc.stdout == "before the crash\ncleanup ran\n"
    program = PROGRAMS / "panicking_goroutine.py"
    site = f"{program}:{program.read_text().splitlines().index('go(worker)') + 1}"
    panic, crashed, main, *others = proc.stderr.split("\n\ngoroutine ")
    assert panic == f"panic: panic in goroutine 4 (worker, started at {site}): ValueError: boom"
    # The panicking goroutine shows its Python traceback, the chain included.
    assert crashed.startswith("4 [running]:\nTraceback (most recent call last):\n")
    assert frame("panicking_goroutine.py", '["key"]', "worker") in crashed
    assert "KeyError: 'key'\n\nThe above exception was the direct cause" in crashed
    assert frame("panicking_goroutine.py", "# the panic", "worker") in crashed
    assert crashed.endswith("ValueError: boom")
    assert (
        main == "1 [chan receive]:\n" + frame("panicking_goroutine.py", "main is parked").rstrip()
    )
    assert [o.split("\n", 1)[0] for o in others] == ["2 [chan send]:", "3 [chan receive]:"]
    assert frame("panicking_goroutine.py", "goroutine 2 [chan send]", "stuck") in others[0]
    assert "created by <module> in goroutine 1" in others[0]
    assert proc.stderr.endswith("\n")
    assert not proc.stderr.endswith("\n\n")
    assert_no_launcher_frames(proc.stderr)


def test_deadlock_prints_go_fatal_error_then_every_goroutine_and_exits_2() -> None:
    proc = gochan_main("deadlocked.py")
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == "1\n"
    fatal, main, sender = proc.stderr.split("\n\n")
    assert fatal == "fatal error: all goroutines are asleep - deadlock!"
    assert (
        main == "goroutine 1 [chan receive]:\n" + frame("deadlocked.py", "main is parked").rstrip()
    )
    assert sender.startswith("goroutine 2 [chan send]:\n")
    assert frame("deadlocked.py", "goroutine 2 is parked", "sender") in sender
    assert_no_launcher_frames(proc.stderr)


def test_panic_in_main_goroutine_prints_go_panic_and_exits_2() -> None:
    proc = gochan_main("main_panics.py")
    assert proc.returncode == 2, proc.stderr
    panic, main, *_ = proc.stderr.split("\n\n")
    assert panic == "panic: send on closed channel"
    assert main == "goroutine 1 [running]:\n" + frame("main_panics.py", "ch.send(1)").rstrip()
    assert_no_launcher_frames(proc.stderr)


def test_script_gets_argv_runs_as_main_and_sys_exit_in_a_goroutine_sets_the_status() -> None:
    proc = gochan_main("exits_with.py", "7", "--flag")
    assert (proc.returncode, proc.stderr) == (7, "")
    assert proc.stdout == "__main__ ['7', '--flag']\n"


def test_ordinary_exception_gives_python_traceback_and_status_1() -> None:
    proc = gochan_main("raises.py")
    assert proc.returncode == 1
    # As under python FILE.py: the traceback starts at the script's top level.
    assert proc.stderr.startswith(
        "Traceback (most recent call last):\n" + frame("raises.py", "# the call")
    )
    assert frame("raises.py", "# the raise", "fail") in proc.stderr
    assert proc.stderr.endswith("LookupError: not a panic\n")
    assert_no_launcher_frames(proc.stderr)


def test_script_calling_run_itself_and_importing_from_its_directory_exits_0() -> None:
    proc = gochan_main("runs_main.py")
    assert (proc.returncode, proc.stderr) == (0, "")
    # After run(main), the top level is the main goroutine again, and its end
    # ends the goroutines still parked, as run() would.
    assert proc.stdout == "42\ntop level done\nTrue\nfinally ran\n"


def sigquit(program: str) -> tuple[int, str, str]:
    """Run ``program``, send it SIGQUIT once it prints "ready"; its status, stdout and stderr."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "gochan", str(PROGRAMS / program)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n"
        proc.send_signal(signal.SIGQUIT)
        stdout, stderr = proc.communicate(timeout=RUN_TIMEOUT_SECONDS)
    finally:
        proc.kill()
        proc.wait()
    return proc.returncode, stdout, stderr


def goroutine_sections(dump: str) -> dict[int, str]:
    """A dump's goroutine sections, by goroutine id."""
    sections = dump.rstrip("\n").split("\n\n")
    return {int(s.split(" ", 2)[1]): s + "\n" for s in sections if s.startswith("goroutine ")}


needs_sigquit = pytest.mark.skipif(not hasattr(signal, "SIGQUIT"), reason="no SIGQUIT here")


@needs_sigquit
def test_sigquit_while_the_scheduler_sleeps_prints_every_goroutine_and_exits_2() -> None:
    status, stdout, stderr = sigquit("sleeps_until_sigquit.py")
    assert status == 2, stderr
    assert stdout == ""  # Go's SIGQUIT runs no deferred call: no finally block ran
    assert stderr.startswith("SIGQUIT: quit\n\ngoroutine ")
    goroutines = goroutine_sections(stderr)
    assert goroutines[1] == "goroutine 1 [sleep]:\n" + frame(
        "sleeps_until_sigquit.py", "main is here when SIGQUIT"
    )
    assert goroutines[2].startswith("goroutine 2 [chan receive]:\n")
    assert frame("sleeps_until_sigquit.py", "goroutine 2 is parked", "receiver") in goroutines[2]
    # The goroutine that printed "ready" may still be finishing when the signal lands.
    assert set(goroutines) <= {1, 2, 3}
    assert_no_launcher_frames(stderr)


@needs_sigquit
def test_sigquit_in_the_running_main_goroutine_prints_every_goroutine_and_exits_2() -> None:
    status, stdout, stderr = sigquit("waits_for_sigquit.py")
    assert status == 2, stderr
    assert stdout == ""
    goroutines = goroutine_sections(stderr)
    assert set(goroutines) == {1, 2}
    # The signal lands as main prints "ready" or once it waits outside gochan.
    assert goroutines[1].startswith("goroutine 1 [running]:\n")
    assert 'waits_for_sigquit.py", line' in goroutines[1]
    assert goroutines[2].startswith("goroutine 2 [chan receive]:\n")
    assert frame("waits_for_sigquit.py", "goroutine 2 is parked", "receiver") in goroutines[2]
    assert_no_launcher_frames(stderr)


def test_missing_script_is_a_usage_error() -> None:
    proc = gochan_main("no_such_program.py")
    assert proc.returncode == 2
    assert "can't open file" in proc.stderr
