"""Which build of gochan's core this process runs: compiled, or pure Python.

The core modules (:data:`MODULES`) are Python files, and the same files are
compiled with Cython when gochan is installed on a machine with a C compiler
(``setup.py``; each ``.pxd`` beside a ``.py`` gives the compiled build its C
types).  The compiled modules share their C types, so it is all or none:
gochan runs them only if every one of them was built from the sources beside
it, as the stamp that the build writes records, and runs the ``.py`` files
otherwise.  ``GOCHAN_PURE_PYTHON=1`` in the environment forces the ``.py``
files.  The choice is made once, as ``gochan`` is imported, before any core
module; :data:`COMPILED` and :data:`WHY` say what it was.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

# The compiled modules, each a .py with a .pxd beside it.
MODULES = (
    "gochan._core._waitq",
    "gochan._core._goroutine",
    "gochan._core._timers",
    "gochan._core._netpoll",
    "gochan._core._sched",
    "gochan._chan",
    "gochan._select",
    "gochan._poll",
)
# Sources the compiled modules are also made of: they declare C types only.
DECLARATIONS = ("gochan/_core/_greenlet.pxd",)
STAMP = "_build.stamp"  # written by the build beside this file: "<digest> <file>" lines
PURE_ENV = "GOCHAN_PURE_PYTHON"

_ROOT = Path(__file__).resolve().parent.parent  # the directory that holds gochan/


def sources() -> list[str]:
    """Every source file of the compiled modules, relative to the directory above gochan/."""
    files = []
    for module in MODULES:
        stem = module.replace(".", "/")
        files += [f"{stem}.py", f"{stem}.pxd"]
    return files + list(DECLARATIONS)


def stamp_text(root: Path) -> str:
    """The stamp of the sources under ``root``: one ``<sha256> <file>`` line each."""
    return "".join(
        f"{hashlib.sha256((root / name).read_bytes()).hexdigest()} {name}\n" for name in sources()
    )


def _choose() -> tuple[bool, str]:
    """Whether to run the compiled modules, and why (or why not)."""
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return False, f"{PURE_ENV} is set"
    package = _ROOT / "gochan"
    for module in MODULES:
        base = _ROOT / module.replace(".", "/")
        if not any(
            base.with_name(base.name + suffix).is_file()
            for suffix in importlib.machinery.EXTENSION_SUFFIXES
        ):
            return False, "not compiled (no C compiler at install time?)"
    try:
        stamp = (package / STAMP).read_text()
        current = stamp_text(_ROOT)
    except OSError:
        return False, "not compiled (no C compiler at install time?)"
    if stamp != current:
        return False, "the compiled modules are older than their sources: reinstall gochan"
    return True, "compiled with Cython"


class _PythonSources:
    """Imports the core modules from their ``.py`` files, past their compiled twins."""

    @staticmethod
    def find_spec(
        fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in MODULES:
            return None
        return importlib.util.spec_from_file_location(
            fullname, _ROOT / (fullname.replace(".", "/") + ".py")
        )


COMPILED, WHY = _choose()
if not COMPILED and not any(isinstance(f, _PythonSources) for f in sys.meta_path):
    sys.meta_path.insert(0, _PythonSources())
