"""docs/reference.md is what docs/gen_reference.py makes of the docstrings today.

When a docstring or a public name changes, this fails until the reference is
regenerated with ``python docs/gen_reference.py``.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import gochan

DOCS = Path(__file__).resolve().parent.parent / "docs"
REFERENCE = DOCS / "reference.md"
SHOWN_DIFF_CHARS = 6000  # enough to see what changed; the rest is in the file


def render_reference() -> str:
    # In a process of its own: it reads the Python modules, which this one may
    # not run (the compiled build).
    return subprocess.run(
        [sys.executable, str(DOCS / "gen_reference.py"), "--stdout"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GOCHAN_PURE_PYTHON": "1"},
    ).stdout


def test_committed_reference_matches_the_docstrings() -> None:
    expected = render_reference()
    committed = REFERENCE.read_text()
    if committed != expected:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                expected.splitlines(keepends=True),
                "docs/reference.md (committed)",
                "docs/reference.md (from the docstrings)",
                n=1,
            )
        )
        pytest.fail(
            "docs/reference.md is out of date: run python docs/gen_reference.py\n"
            + diff[:SHOWN_DIFF_CHARS]
        )


def test_generation_is_deterministic() -> None:
    assert render_reference() == render_reference()


def test_every_top_level_name_has_an_entry() -> None:
    text = REFERENCE.read_text()
    missing = [name for name in gochan.__all__ if f"### `gochan.{name}`" not in text]
    assert missing == []
