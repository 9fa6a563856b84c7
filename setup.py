"""Build gochan: its core compiled with Cython where a C compiler is at hand.

The project's metadata is in pyproject.toml; this file only adds the
compiled modules.  The core's ``.py`` files are compiled as they are, in
Cython's pure Python mode, with the ``.pxd`` beside each giving the C types
(see ``gochan/_build.py`` and docs/design.md).  Without a C compiler (or
without Cython) the build warns once and installs the ``.py`` files alone,
which gochan then runs: the compiled modules are an option, never a
requirement.  ``GOCHAN_PURE_PYTHON=1`` at build time skips them too.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "gochan"))
import _build  # noqa: E402  (gochan/_build.py, alone: gochan itself needs greenlet)

del sys.path[0]

# Cython adds a made-up frame to the traceback of every exception that passes
# through compiled code, named after the compiled function and class.  The
# Python build's frames of gochan are left out of every dump and report; the
# compiled build leaves them out of tracebacks too, as C code does, but for
# the one an except clause adds as it starts, which its body may need (and
# which gochan's reports recognize: _core.is_gochan_file).
_ADD_TRACEBACK = re.compile(r"\b__Pyx_AddTraceback\((?=\")")
_NO_TRACEBACK = (
    "#define __gochan_no_traceback(funcname, c_line, py_line, filename) "
    "((void)&__Pyx_AddTraceback)\n"
)

DIRECTIVES = {
    "language_level": 3,
    # The .pxd files give the C types; the annotations are for mypy only.
    # Typing from them would also let Chan(True) through as an int.
    "annotation_typing": False,
}


def extensions() -> list[Extension]:
    import greenlet

    include = str(Path(greenlet.__file__).resolve().parent.parent)  # for greenlet/greenlet.h
    return [
        Extension(module, [module.replace(".", "/") + ".py"], include_dirs=[include])
        for module in _build.MODULES
    ]


class OptionalBuildExt(build_ext):
    """build_ext that falls back to the pure Python modules, all of them, on any failure."""

    def finalize_options(self) -> None:
        self.failure: str | None = None
        if os.environ.get(_build.PURE_ENV, "") not in ("", "0"):
            self.failure = f"{_build.PURE_ENV} is set"
        else:
            try:
                from Cython.Build import cythonize

                # force: Cython does not see that a module depends on the
                # .pxd files it cimports from a .py, and a module compiled
                # against another's old C types crashes; the core is small.
                self.distribution.ext_modules = cythonize(
                    extensions(), compiler_directives=DIRECTIVES, quiet=True, force=True
                )
                for ext in self.distribution.ext_modules:
                    for source in ext.sources:
                        _drop_tracebacks(Path(source))
            except Exception as exc:  # no Cython, or a module it cannot compile
                self.failure = f"{type(exc).__name__}: {exc}"
        super().finalize_options()

    def run(self) -> None:
        if self.failure is None:
            try:
                super().run()
            except Exception as exc:  # no C compiler, or a failed compile
                self.failure = f"{type(exc).__name__}: {exc}"
        if self.failure is not None:
            self._remove_outputs()
            self._skip(self.failure)
            return
        package = Path(self.get_ext_fullpath("gochan._build")).parent  # where gochan/ is built
        (package / _build.STAMP).write_text(_build.stamp_text(ROOT))

    def copy_extensions_to_source(self) -> None:
        # Editable installs: the compiled modules and their stamp go beside the sources.
        super().copy_extensions_to_source()
        (ROOT / "gochan" / _build.STAMP).write_text(_build.stamp_text(ROOT))

    def _remove_outputs(self) -> None:
        for module in _build.MODULES:
            Path(self.get_ext_fullpath(module)).unlink(missing_ok=True)

    @staticmethod
    def _skip(why: str) -> None:
        warnings.warn(
            f"gochan: installing the pure Python modules only, not the compiled ones ({why}). "
            "gochan works the same, slower; install a C compiler and reinstall for speed.",
            stacklevel=1,
        )


def _drop_tracebacks(c_file: Path) -> None:
    """Make the generated C file's calls to __Pyx_AddTraceback do nothing."""
    text = c_file.read_text()
    if _NO_TRACEBACK in text:
        return
    first, *rest = text.split("\n")  # Cython's header stays first: Cython looks for it
    for i, line in enumerate(rest):
        # An except clause starts with one: it hands its traceback on (to a
        # with statement's __exit__, say), which must not be NULL.
        if not (i + 1 < len(rest) and "__Pyx_GetException" in rest[i + 1]):
            rest[i] = _ADD_TRACEBACK.sub("__gochan_no_traceback(", line)
    c_file.write_text("\n".join([first, _NO_TRACEBACK.rstrip("\n"), *rest]))


setup(
    ext_modules=[Extension(m, []) for m in _build.MODULES], cmdclass={"build_ext": OptionalBuildExt}
)
