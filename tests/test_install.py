"""gochan as the README installs it: a user's own program, outside the checkout, type-checks.

The checks run only where gochan is installed from this very checkout (the
README's ``pip install -e '.[dev,dask]'``, or ``pip install .``), as .ci/run
does; they then hide ``PYTHONPATH``, so the type checker finds gochan the way
a user's does, through the installation alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import distributions
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 120  # mypy with a cold cache, over gochan and the program

USER_PROGRAM = """\
from gochan import Chan, RecvChan, go, run


def count(n: int) -> RecvChan[int]:
    out = Chan[int]()

    def send_all() -> None:
        for i in range(n):
            out.send(i)
        out.close()

    go(send_all)
    return out


print(run(lambda: list(count(3))))
"""


def installed_from_this_checkout() -> bool:
    """Whether an installed gochan distribution (editable or not) was built from CHECKOUT."""
    for dist in distributions(name="gochan"):
        direct_url = dist.read_text("direct_url.json")
        if direct_url is not None and json.loads(direct_url).get("url") == CHECKOUT.as_uri():
            return True
    return False


@pytest.mark.skipif(
    not installed_from_this_checkout(),
    reason="gochan is not installed from this checkout (README: pip install -e '.[dev,dask]')",
)
def test_a_users_program_outside_the_checkout_type_checks_against_the_installed_gochan(
    tmp_path: Path,
) -> None:
    program = tmp_path / "user_program.py"
    program.write_text(USER_PROGRAM)
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", program.name],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("Success"), checked.stdout
    ran = subprocess.run(
        [sys.executable, program.name],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert (ran.returncode, ran.stdout) == (0, "[0, 1, 2]\n"), ran.stderr
