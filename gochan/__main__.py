"""``python -m gochan FILE.py [args]``: run a script as a Go program.

The script's top level is the main goroutine from its first line, with
``sys.argv`` set to ``[FILE, *args]`` and the script's directory first on
``sys.path``, as ``python FILE.py`` would.  As in a plain script, the script
may call :func:`gochan.run` itself (before it starts any goroutine), and when
its top level ends every goroutine still alive is ended as ``run()`` ends
them.  The program ends the way a Go program does:

- a goroutine that crashes the program (:class:`~gochan.GoroutinePanic`), or a
  Go run-time panic (:class:`~gochan.Panic`) that the main goroutine does not
  handle, prints ``panic: <message>``, a blank line, the panicking goroutine
  as ``goroutine N [running]:`` with its Python traceback, then every other
  goroutine, to stderr, and exits with status 2;
- a :class:`~gochan.Deadlock` prints ``fatal error: all goroutines are asleep -
  deadlock!`` and every goroutine, and exits with status 2;
- ``SIGQUIT`` (Ctrl-\\) prints ``SIGQUIT: quit`` and every goroutine, and
  exits with status 2 at once: like Go, it runs no ``finally`` block;
- otherwise the exit status is the script's own, as under ``python FILE.py``:
  0 when it ends, ``sys.exit``'s code (from any goroutine), 1 with Python's
  traceback for any other exception.

``python -m gochan --version`` prints gochan's version and which build of its
core runs: compiled, or pure Python and why (:data:`gochan.runtime.COMPILED`).

The dumps are :func:`gochan.stacks`'s, without the frames of gochan and of the
launcher (runpy) above the script.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import runpy
import signal
import sys
import traceback
from types import FrameType, TracebackType

from . import _build
from ._core import get_runtime, is_gochan_file
from ._errors import Deadlock, GoroutinePanic, Panic

EXIT_CRASH = 2  # Go's exit status after a panic, a fatal error or SIGQUIT

_RUNPY_FILES = frozenset({"<frozen runpy>", runpy.__file__})
_FRAME_PREFIX = '  File "'  # how stacks() and tracebacks start a frame's line


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m gochan FILE.py [args]``; return the exit status.

    Blocks until the script's main goroutine returns.  The script's
    ``SystemExit`` and ``KeyboardInterrupt`` propagate unchanged.
    """
    parser = argparse.ArgumentParser(
        prog="python -m gochan",
        description="Run a Python script as a Go program: its top level is the main "
        "goroutine; a panic or a deadlock prints every goroutine and exits with status 2.",
    )
    parser.add_argument("--version", action="version", version=version())
    parser.add_argument("file", help="the script to run")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the script's arguments")
    options = parser.parse_args(argv)
    path: str = options.file
    if not os.path.isfile(path):
        parser.error(f"can't open file {path!r}")
    sys.argv = [path, *options.args]
    sys.path[0] = os.path.dirname(os.path.abspath(path))
    if hasattr(signal, "SIGQUIT"):
        signal.signal(signal.SIGQUIT, _on_sigquit)
    try:
        report = _run_script(path)
    except (GoroutinePanic, Deadlock, Panic) as exc:
        # Raised as the program was ended: no goroutine is left to show.
        report = _crash_report(exc)
    except Exception as exc:
        traceback.print_exception(type(exc), exc, _from_script(exc.__traceback__, path))
        return 1
    if report is None:
        return 0
    sys.stdout.flush()
    sys.stderr.write(report)
    return EXIT_CRASH


def version() -> str:
    """``gochan <version> (<build>)``: the build is ``compiled`` or ``pure Python: <why>``."""
    try:
        number = importlib.metadata.version("gochan")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout, not installed
        number = "(not installed)"
    build = "compiled" if _build.COMPILED else f"pure Python: {_build.WHY}"
    return f"gochan {number} ({build})"


def _run_script(path: str) -> str | None:
    """Run the script as the main goroutine.  Returns a crash report or None.

    The main goroutine is the implicit one of a plain script, not ``run()``'s,
    so that a script which calls ``run(main)`` works as it does under
    ``python FILE.py``.
    """
    rt = get_runtime()
    rt.implicit_main()
    try:
        runpy.run_path(path, run_name="__main__")
    except (GoroutinePanic, Deadlock, Panic) as exc:
        # Reported now, while the other goroutines are still parked where they
        # were; end_main() ends them (their finally blocks run) before the
        # report is printed.
        return _crash_report(exc)
    finally:
        rt.end_main()
    return None


def _crash_report(exc: GoroutinePanic | Deadlock | Panic) -> str:
    """What Go prints as a panic or a deadlock ends the program: the error, then every goroutine.

    Called in the main goroutine, where ``exc`` was raised.  Goroutines other
    than main come from :meth:`Runtime.stacks`; none are shown once the
    program has ended (a script's own ``run()`` ends it before its exception
    comes out).
    """
    if isinstance(exc, Deadlock):
        # The Deadlock text holds the dump taken when the deadlock was found.
        return f"fatal error: {_without_launcher(str(exc)).rstrip()}\n"
    sections = [f"panic: {exc}"]
    rt = get_runtime()
    main_g = rt.main
    if isinstance(exc, GoroutinePanic):
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        sections.append(f"goroutine {exc.goroutine_id} [running]:\n{_python_traceback(cause)}")
        if main_g is not None:
            # GoroutinePanic is raised where main is parked: its traceback is main's stack.
            sections.append(f"goroutine 1 [{main_g.wait_reason}]:\n{_format_tb(exc.__traceback__)}")
    else:
        sections.append(f"goroutine 1 [running]:\n{_format_tb(exc.__traceback__)}")
    if main_g is not None:
        others = _without_launcher(rt.stacks()).rstrip().split("\n\ngoroutine ")[1:]
        sections.extend(f"goroutine {section}" for section in others)
    return "\n\n".join(section.rstrip() for section in sections) + "\n"


def _on_sigquit(signum: int, frame: FrameType | None) -> None:
    """Go's SIGQUIT: print every goroutine and exit with status 2, running no finally."""
    rt = get_runtime()
    dump = _without_launcher(rt.stacks()) if rt.main is not None else ""
    sys.stdout.flush()
    sys.stderr.write(f"SIGQUIT: quit\n\n{dump}")
    sys.stderr.flush()
    os._exit(EXIT_CRASH)


def _is_internal(filename: str) -> bool:
    """A frame of gochan itself or of the launcher: left out of every dump."""
    return is_gochan_file(filename) or filename in _RUNPY_FILES


def _without_launcher(dump: str) -> str:
    """``dump`` without the runpy frames above the script (gochan's are out already)."""
    lines = []
    skipping = False
    for line in dump.split("\n"):
        if line.startswith(_FRAME_PREFIX):
            skipping = _is_internal(line[len(_FRAME_PREFIX) :].split('"', 1)[0])
        elif not line.startswith("    "):
            skipping = False  # a header or a blank line: not a frame's source line
        if not skipping:
            lines.append(line)
    return "\n".join(lines)


def _format_tb(tb: TracebackType | None) -> str:
    """A traceback's frames, as :func:`gochan.stacks` prints a goroutine's."""
    frames = [fs for fs in traceback.extract_tb(tb) if not _is_internal(fs.filename)]
    return "".join(
        f'  File "{fs.filename}", line {fs.lineno}, in {fs.name}\n'
        + (f"    {fs.line.strip()}\n" if fs.line else "")
        for fs in frames
    )


def _python_traceback(exc: BaseException) -> str:
    """Python's traceback of ``exc`` and its chain, without gochan's frames."""
    te = traceback.TracebackException.from_exception(exc)
    seen: set[int] = set()
    pending: list[traceback.TracebackException | None] = [te]
    while pending:
        item = pending.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        item.stack[:] = [fs for fs in item.stack if not _is_internal(fs.filename)]
        pending += [item.__cause__, item.__context__]
    return "".join(te.format())


def _from_script(tb: TracebackType | None, path: str) -> TracebackType | None:
    """``tb`` from the script's first frame on, as ``python FILE.py`` shows it."""
    start = tb
    while start is not None and start.tb_frame.f_code.co_filename != path:
        start = start.tb_next
    return tb if start is None else start


if __name__ == "__main__":
    sys.exit(main())
