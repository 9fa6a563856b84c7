"""Run every program in examples/ and compare what it prints with its ``# Output:`` block.

This is Go's ``example_test.go`` habit: each example ends with a comment block

    # Output:
    # Result: 2

and the test runs ``python examples/NAME.py`` in a subprocess and compares its
standard output, line by line, with that block. An example must exit with
status 0; programs that show a deadlock or a panic catch it and print it, so
what they demonstrate is part of their output.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"

# Modules that other examples import; they have no program of their own.
HELPER_MODULES = {"local_http.py", "results.py", "search_backend.py"}

OUTPUT_MARKER = "# Output:"

# The slowest examples sleep a little over a second, or start a local Dask
# cluster (some 10 s on a loaded machine); the rest is interpreter start-up,
# so this bound only catches a program that hangs.
RUN_TIMEOUT_SECONDS = 45


def example_programs() -> list[Path]:
    return sorted(p for p in EXAMPLES_DIR.glob("*.py") if p.name not in HELPER_MODULES)


def expected_output(program: Path) -> list[str]:
    """The lines of the trailing ``# Output:`` block, without their ``# `` prefix."""
    lines = program.read_text().splitlines()
    start = lines.index(OUTPUT_MARKER) + 1
    expected = []
    for line in lines[start:]:
        if line != "#" and not line.startswith("# "):
            raise AssertionError(f"{program.name}: the Output block must end the file: {line!r}")
        expected.append(line[2:])
    return expected


@pytest.mark.parametrize("program", example_programs(), ids=lambda p: p.stem)
def test_example_output(program: Path) -> None:
    assert OUTPUT_MARKER in program.read_text().splitlines(), f"{program.name} has no Output block"
    completed = subprocess.run(
        [sys.executable, str(program)],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        cwd=EXAMPLES_DIR.parent,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == expected_output(program), completed.stderr


def test_every_helper_module_exists() -> None:
    # A renamed helper would otherwise silently turn into a program without an Output block.
    missing = {name for name in HELPER_MODULES if not (EXAMPLES_DIR / name).exists()}
    assert not missing


def test_every_example_is_listed_in_the_readme() -> None:
    readme = (EXAMPLES_DIR / "README.md").read_text()
    unlisted = [p.name for p in EXAMPLES_DIR.glob("*.py") if f"]({p.name})" not in readme]
    assert not unlisted
