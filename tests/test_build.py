"""The two builds of the core: compiled with Cython, or the Python modules.

The suite as a whole runs on both (``.ci/run`` runs it a second time with
``GOCHAN_PURE_PYTHON=1``); these tests check the choice between them, and
that what gochan prints does not tell them apart.  Tests of the compiled
build itself are skipped where it was not built (no C compiler).
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import textwrap
import traceback
from pathlib import Path

import pytest

import gochan
from gochan import Chan, Panic, _build
from gochan.runtime import COMPILED

PACKAGE = Path(gochan.__file__).resolve().parent
TIMEOUT_SECONDS = 30

needs_compiled = pytest.mark.skipif(not COMPILED, reason="the compiled modules are not built")


def python(code: str, pure: bool, *, path: Path | None = None) -> str:
    """Run ``code`` in a fresh interpreter, with or without GOCHAN_PURE_PYTHON; its stdout."""
    env = {k: v for k, v in os.environ.items() if k != _build.PURE_ENV}
    if pure:
        env[_build.PURE_ENV] = "1"
    if path is not None:
        env["PYTHONPATH"] = str(path)
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=path,  # python -c looks in its directory first
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_the_core_modules_are_all_compiled_or_all_python() -> None:
    compiled = {
        name: not importlib.import_module(name).__file__.endswith(".py")  # type: ignore[union-attr]
        for name in _build.MODULES
    }
    assert set(compiled.values()) == {COMPILED}, compiled


def test_gochan_pure_python_forces_the_python_modules() -> None:
    out = python(
        """
        import importlib, gochan._build as b, gochan.runtime as r
        print(r.COMPILED, b.WHY)
        print(*sorted({importlib.import_module(m).__file__[-3:] for m in b.MODULES}))
        """,
        pure=True,
    )
    assert out == "False GOCHAN_PURE_PYTHON is set\n.py\n"


def test_version_names_the_build() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gochan", "--version"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=True,
    )
    assert proc.stdout.startswith("gochan ")
    assert proc.stdout.endswith(" (compiled)\n" if COMPILED else f" (pure Python: {_build.WHY})\n")


@needs_compiled
def test_compiled_modules_older_than_their_sources_are_not_used(tmp_path: Path) -> None:
    shutil.copytree(PACKAGE, tmp_path / "gochan", ignore=shutil.ignore_patterns("__pycache__"))
    chan = tmp_path / "gochan" / "_chan.py"
    chan.write_text(chan.read_text() + "\n# edited after the build\n")
    out = python(
        "import gochan._chan as c, gochan.runtime as r; print(r.COMPILED, c.__file__[-3:])",
        pure=False,
        path=tmp_path,
    )
    assert out == "False .py\n"


# A program whose goroutines wait in every way a dump shows, printed by
# stacks() and by a leak report.
DUMPS = """
import gochan
from gochan import Chan, go, recv, run, select, stacks
from gochan.testing import verify_none

def waits_in_select(a, b):
    select(recv(a), recv(b))

def main():
    a, b = Chan[int](), Chan[int](1)
    go(a.recv)                   # parked in Chan.recv, called by the carrier itself
    go(waits_in_select, a, b)    # parked in select, in a function of the program
    gochan.gosched()
    go(b.send, 1)                # not started yet
    print(stacks().replace(__file__, "PROGRAM"))
    try:
        verify_none()
    except AssertionError as leak:
        print(str(leak).replace(__file__, "PROGRAM"))

run(main)
"""


def test_dumps_and_leak_reports_read_the_same_on_both_builds(tmp_path: Path) -> None:
    program = tmp_path / "dumps.py"
    program.write_text(DUMPS)
    code = f"import runpy; runpy.run_path({str(program)!r}, run_name='__main__')"
    dumps = python(code, pure=True)
    assert python(code, pure=False) == dumps
    assert "goroutine 4 [runnable]:\n  Chan.send\n" in dumps  # gochan's own function, by name
    assert "goroutine 2 [chan receive]:\ncreated by main" in dumps  # no frame of gochan's


@needs_compiled
def test_tracebacks_have_no_frames_of_the_compiled_modules() -> None:
    ch = Chan[int]()
    ch.close()
    with pytest.raises(Panic) as raised:
        ch.close()
    files = [frame.filename for frame in traceback.extract_tb(raised.value.__traceback__)]
    assert files == [__file__]


def test_ring_does_what_deque_does() -> None:
    # The compiled build's run queue and channel buffers are Rings (_waitq.Queue);
    # this runs the same operations on one and on a deque, wrapping around and
    # growing, in whichever build runs (the Ring compiled or as Python).
    from collections import deque
    from random import Random

    from gochan._core._waitq import Ring

    rng = Random(15)
    ring, expected = Ring(), deque[int]()
    for step in range(5000):
        op = rng.randrange(8)
        if op < 3:
            ring.append(step)
            expected.append(step)
        elif op == 3:
            ring.appendleft(step)
            expected.appendleft(step)
        elif op < 6 and expected:
            assert ring.popleft() == expected.popleft()
        elif op == 6 and expected:
            victim = expected[rng.randrange(len(expected))]
            ring.remove(victim)
            expected.remove(victim)
        elif op == 7 and rng.randrange(50) == 0:
            more = [step, step + 1]
            ring.extend(more)
            expected.extend(more)
            ring.extendleft(more)
            expected.extendleft(more)
        assert len(ring) == len(expected)
        assert bool(ring) == bool(expected)
        if expected:
            assert ring[0] == expected[0]
            assert expected[-1] in ring
    assert list(ring) == list(expected)
    ring.clear()
    assert not ring
    assert list(ring) == []
    with pytest.raises(IndexError):
        ring.popleft()
    with pytest.raises(ValueError, match="not in"):
        ring.remove(1)
