"""Go's ``os/exec``: run commands, their pipes and exits awaited on the netpoller.

``command(name, *args)`` makes a :class:`Cmd`; ``run()``, ``output()`` and
``combined_output()`` start it and wait for it, ``start()`` and ``wait()``
split the two, ``stdin_pipe()``, ``stdout_pipe()`` and ``stderr_pipe()``
connect the calling program to it.  Waiting blocks the calling goroutine
only: pipes are read and written through the runtime's netpoller (``IO wait``
in ``stacks()``), and the child's exit is awaited there too (Linux: a pidfd,
readable once the child exits; elsewhere, ``waitpid`` on a worker thread).
So ten commands started together run together, and a goroutine waiting on
a command is never taken for a deadlock.

As in Go, no shell is involved: ``command("ls", "-l", path)`` runs ``ls``
with exactly those arguments.  A program that cannot be found raises
:class:`ErrNotFound`, an unsuccessful exit :class:`ExitError` (message
``exit status N``, or ``signal: killed`` ...); Go's errors for misuse
(``exec: already started``, ``exec: not started`` ...) raise ``RuntimeError``.

A command, its pipes and its process belong to the runtime of the thread
that started it, as a channel does.
"""

from __future__ import annotations

import errno
import functools
import io
import json
import operator
import os
import re
import signal as _signal
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeAlias

from . import context
from ._chan import Chan
from ._core import PollError, Runtime, call_blocking, get_runtime
from ._poll import FD
from ._select import default, recv, select, send
from .runtime import go
from .time import Timer, new_timer

if TYPE_CHECKING:
    import resource

    from _typeshed import ReadableBuffer, WriteableBuffer

__all__ = [
    "Cmd",
    "ErrDot",
    "ErrNotFound",
    "ErrProcessDone",
    "ErrWaitDelay",
    "ExitError",
    "PipeReader",
    "PipeWriter",
    "Process",
    "ProcessState",
    "command",
    "command_context",
    "look_path",
]

_COPY_SIZE = 32 * 1024  # what each copying goroutine moves at once: Go's io.Copy buffer
_STDERR_KEPT = 32 * 1024  # output() keeps this much of the start and of the end of stderr


# -- command ------------------------------------------------------------------------------


def command(name: str, *args: str) -> Cmd:
    """A :class:`Cmd` to run the program ``name`` with ``args`` (Go's ``exec.Command``).

    If ``name`` has no slash, it is looked up in ``$PATH`` (:func:`look_path`)
    now; the error, if any, is kept in ``err`` and raised by :meth:`Cmd.start`.
    ``args[0]`` of the command is ``name`` itself, not the path found.
    Never blocks.
    """
    cmd = Cmd(name, [name, *args])
    if name and "/" not in name:
        try:
            cmd.path = look_path(name)
        except ErrDot as exc:
            cmd.path = exc.path
            cmd.err = exc
        except OSError as exc:
            cmd.err = exc
    return cmd


def command_context(ctx: context.Context, name: str, *args: str) -> Cmd:
    """As :func:`command`, with ``ctx`` stopping the command (Go's ``exec.CommandContext``).

    When ``ctx`` is done before the command has finished, ``cancel`` is
    called, killing the process by default; set ``cmd.cancel`` to do
    something else (send ``SIGTERM``, close a pipe), and ``cmd.wait_delay``
    to bound how long :meth:`Cmd.wait` then waits before killing it anyway.
    See :meth:`Cmd.wait` for the error it raises.  Never blocks.
    """
    cmd = command(name, *args)
    cmd._ctx = ctx
    cmd.cancel = cmd._kill
    return cmd


# -- Cmd ----------------------------------------------------------------------------------


class _Reader(Protocol):
    def read(self, n: int, /) -> bytes: ...


class _Writer(Protocol):
    def write(self, data: bytes, /) -> object: ...


class _HasFileno(Protocol):
    def fileno(self) -> int: ...


# What Cmd.stdin may be: bytes to feed, a reader to copy from, or a file
# the child reads directly.  What Cmd.stdout and Cmd.stderr may be: a
# bytearray to append to, a writer to copy to, or a file the child writes.
_Source: TypeAlias = "bytes | _Reader | _HasFileno | None"
_Sink: TypeAlias = "bytearray | _Writer | _HasFileno | None"


@dataclass
class _CtxResult:
    """What the context watcher hands to wait() (Go's ``ctxResult``)."""

    err: Exception | None
    timer: Timer | None  # runs out wait_delay after the context was done; None if no delay


class _Copying:
    """The goroutines copying between a command's pipes and its stdin, stdout
    and stderr (Go's ``Cmd.goroutine``).

    ``done`` receives, once every copy has finished, the first exception one
    raised or None.  Single-threaded: ``running`` needs no lock.
    """

    def __init__(self, copies: list[Callable[[], None]]) -> None:
        self.running = len(copies)
        self.first_err: Exception | None = None
        self.done: Chan[Exception | None] = Chan(1)
        for copy in copies:
            go(self._run, copy)

    def _run(self, copy: Callable[[], None]) -> None:
        try:
            copy()
        except Exception as exc:
            if self.first_err is None:
                self.first_err = exc
        self.running -= 1
        if self.running == 0:
            self.done.send(self.first_err)


class Cmd:
    """An external command being prepared or run (Go's ``*exec.Cmd``).

    Make one with :func:`command` or :func:`command_context`, set its fields,
    then :meth:`run` it (or :meth:`start` and :meth:`wait`).  A command runs
    once.  The fields, as Go's:

    - ``path``: the program to run; relative to ``dir`` if relative.
    - ``args``: the arguments, the program's name first (``args[0]`` is what
      the program sees as its name); empty means ``[path]``.
    - ``env``: the environment as ``"KEY=value"`` strings (the last of
      duplicate keys wins); None means this process's (see :meth:`environ`).
    - ``dir``: the working directory; ``""`` means this process's.
    - ``stdin``: None (``/dev/null``), ``bytes`` to feed, a file-like with a
      real ``fileno()`` (the child reads it directly), or any object with
      ``read(n) -> bytes`` (a goroutine copies it in, as Go's does for an
      ``io.Reader``).
    - ``stdout``, ``stderr``: None (``/dev/null``), a ``bytearray`` to append
      to, a file-like with a real ``fileno()`` (the child writes it
      directly), or any object with ``write(data)`` (a goroutine copies to
      it).  The same object for both gets both through one pipe.
    - ``process``: the :class:`Process`, once started; ``process_state``:
      its :class:`ProcessState`, once waited for.
    - ``err``: the :func:`look_path` error of :func:`command`, raised by
      :meth:`start`; clear it to run anyway.
    - ``cancel``: for :func:`command_context`, what the context's end calls
      (by default, killing the process); None: nothing.
    - ``wait_delay``: if not 0, how long, in seconds, :meth:`wait` waits for
      the process after the context's end before killing it, and for the
      pipes after the process has exited before closing them (Go's ``WaitDelay``).
    """

    def __init__(self, path: str = "", args: list[str] | None = None) -> None:
        """A command running ``path`` with ``args``, no lookup (Go's ``&exec.Cmd{Path: path, Args: args}``)."""
        self.path = path
        self.args: list[str] = [] if args is None else args
        self.env: list[str] | None = None
        self.dir = ""
        self.stdin: _Source = None
        self.stdout: _Sink = None
        self.stderr: _Sink = None
        self.process: Process | None = None  # set by start()
        self.process_state: ProcessState | None = None  # set by wait()
        self.err: Exception | None = None
        self.cancel: Callable[[], object] | None = None
        self.wait_delay = 0.0
        self._ctx: context.Context | None = None  # command_context's
        # The ends of the pipes this process keeps (stdout_pipe()'s and the
        # copying goroutines'): closed by wait(), or by a failed start().
        self._parent_pipes: list[PipeReader | PipeWriter] = []
        # The child's ends of stdin_pipe()'s and stdout_pipe()'s pipes: closed by start().
        self._child_fds: list[int] = []
        self._copying: _Copying | None = None  # None once wait() has seen the copies end
        self._ctx_result: Chan[_CtxResult] | None = None  # the context watcher's, if any

    # -- running ------------------------------------------------------------------------

    def run(self) -> None:
        """Start the command and wait for it to finish (Go's ``Run``).

        Blocks the calling goroutine only.  See :meth:`start` and :meth:`wait`.

        Raises:
            ExitError: the command exited unsuccessfully.
            ErrNotFound: the program is not in ``$PATH``.
            RuntimeError: the command was started already.
            OSError: it could not be started, or copying its I/O failed.
            Canceled: its context was cancelled before the start, or made it
                stop while it would have succeeded (see :meth:`wait`).
            DeadlineExceeded: likewise, for its context's deadline.
        """
        self.start()
        self.wait()

    def output(self) -> bytes:
        """Run the command and return its standard output (Go's ``Output``).

        If ``stderr`` is None, what the command writes to its standard error
        is kept and lands in the :class:`ExitError`'s ``stderr``.  On any
        error, what was read is in ``cmd.stdout``, a ``bytearray``.  Blocks
        the calling goroutine only.

        Raises:
            RuntimeError: ``stdout`` is set already (``exec: Stdout already set``).
            ExitError: the command exited unsuccessfully.
            Exception: as :meth:`run`.
        """
        if self.stdout is not None:
            raise RuntimeError("exec: Stdout already set")
        out = self.stdout = bytearray()
        saver = None
        if self.stderr is None:
            saver = self.stderr = _PrefixSuffixSaver(_STDERR_KEPT)
        try:
            self.run()
        except ExitError as exc:
            if saver is not None:
                exc.stderr = saver.bytes()
            raise
        return bytes(out)

    def combined_output(self) -> bytes:
        """Run the command and return its standard output and error, interleaved (Go's ``CombinedOutput``).

        Blocks the calling goroutine only.

        Raises:
            RuntimeError: ``stdout`` or ``stderr`` is set already.
            ExitError: the command exited unsuccessfully.
            Exception: as :meth:`run`.
        """
        if self.stdout is not None:
            raise RuntimeError("exec: Stdout already set")
        if self.stderr is not None:
            raise RuntimeError("exec: Stderr already set")
        out = self.stdout = self.stderr = bytearray()
        self.run()
        return bytes(out)

    def start(self) -> None:
        """Start the command; do not wait for it (Go's ``Start``).

        Sets ``process``.  Starts a goroutine for each of ``stdin``,
        ``stdout`` and ``stderr`` that must be copied, and, for
        :func:`command_context`, one that watches the context.  Call
        :meth:`wait` afterwards to release the process and its pipes.  The
        start itself (``fork`` and ``exec``) holds the thread briefly, as in
        Go.

        Raises:
            RuntimeError: the command was started already (``exec: already
                started``), or ``cancel`` is set without a context.
            ErrNotFound: the program is not in ``$PATH`` (``err``).
            ErrDot: it was found relative to the current directory (``err``).
            ValueError: no ``path`` (``exec: no command``), or an ``env``
                entry with a NUL.
            TypeError: ``stdin``, ``stdout`` or ``stderr`` is of no kind above.
            Canceled: the context was cancelled already.
            DeadlineExceeded: the context's deadline has passed already.
            OSError: the program could not be run (``fork/exec PATH:
                permission denied``), or ``dir`` is no directory (``chdir
                DIR: no such file or directory``).
        """
        if self.process is not None:
            raise RuntimeError("exec: already started")
        rt = get_runtime()
        ctx = self._ctx
        started = False
        child_fds = self._child_fds
        copies: list[Callable[[], None]] = []
        try:
            if not self.path and self.err is None:
                self.err = ValueError("exec: no command")
            if self.err is not None:
                raise self.err
            if self.cancel is not None and self._ctx is None:
                raise RuntimeError(
                    "exec: command with a non-nil Cancel was not created with CommandContext"
                )
            if ctx is not None and (ctx_err := ctx.err()) is not None:
                raise ctx_err
            stdin = self._child_stdin(rt, copies)
            stdout = self._child_output(rt, self.stdout, copies)
            stderr = (
                stdout
                if self.stderr is not None and self.stderr is self.stdout
                else self._child_output(rt, self.stderr, copies)
            )
            env = self._environ(strict=True)
            argv = self.args or [self.path]
            files = (stdin, stdout, stderr)
            self.process = _start_process(rt, self.path, argv, self.dir, env, files)
            started = True
        finally:
            for fd in child_fds:
                os.close(fd)
            child_fds.clear()
            if not started:
                self._close_parent_pipes()
        if copies:
            self._copying = _Copying(copies)
        watched = ctx is not None and bool(ctx.done())  # Go's ctx.Done() != nil
        if watched and (self.cancel is not None or self.wait_delay):
            assert ctx is not None
            resultc = self._ctx_result = Chan[_CtxResult]()
            go(self._watch_ctx, ctx, resultc)

    def wait(self) -> None:
        """Wait for the command to exit and its copying goroutines to finish (Go's ``Wait``).

        Sets ``process_state``, then closes the pipes: those of
        :meth:`stdin_pipe`, :meth:`stdout_pipe` and :meth:`stderr_pipe`
        too, so read those to their end *before* calling ``wait()``, as Go
        requires.  Blocks the calling goroutine only.

        As Go 1.20's: when a :func:`command_context`'s context ends first
        and ``cancel`` stopped the command, an unsuccessful exit still
        raises :class:`ExitError` (``signal: killed`` for the default
        cancel), and a successful one raises the context's error instead,
        since its output may be cut short.  An error copying I/O is raised
        only if the command otherwise succeeded.

        Raises:
            RuntimeError: the command was not started (``exec: not started``),
                or was waited for already (``exec: Wait was already called``).
            ExitError: the command exited unsuccessfully.
            Canceled: the context was cancelled, ``cancel`` ran, and the
                command then exited successfully.
            DeadlineExceeded: likewise, for the context's deadline.
            ErrWaitDelay: ``wait_delay`` passed before the output pipes
                were done, and the command otherwise succeeded.
            Exception: copying ``stdin``, ``stdout`` or ``stderr`` failed
                (the reader's or writer's own error), and the command
                otherwise succeeded.
        """
        process = self.process
        if process is None:
            raise RuntimeError("exec: not started")
        if self.process_state is not None:
            raise RuntimeError("exec: Wait was already called")
        err: Exception | None = None
        try:
            state = process.wait()
        except OSError as exc:  # waited for already, through cmd.process: Go goes on too
            err = exc
        else:
            if not state.success():
                err = ExitError(state)
            self.process_state = state
        timer = None
        if self._ctx_result is not None:
            watch = self._ctx_result.recv()
            timer = watch.timer
            if err is None:
                err = watch.err
        copy_err = self._await_copying(timer)
        if err is None:
            err = copy_err
        self._close_parent_pipes()
        if err is not None:
            raise err

    def _await_copying(self, timer: Timer | None) -> Exception | None:
        """The copies' first error, once they are done; ErrWaitDelay if ``timer`` ran out first.

        Go's ``awaitGoroutines``: with ``wait_delay`` and no timer yet, the
        delay starts now.
        """
        copying = self._copying
        try:
            if copying is None:
                return None
            if timer is None:
                if not self.wait_delay:
                    return copying.done.recv()
                finished = recv(copying.done)
                if select(finished, default) is finished:
                    return finished.value
                timer = new_timer(self.wait_delay)
            finished = recv(copying.done)
            if select(finished, recv(timer.c)) is finished:
                return finished.value
            self._close_parent_pipes()
            copying.done.recv()  # their errors come from the close: ignored
            return ErrWaitDelay()
        finally:
            if timer is not None:
                timer.stop()
            self._copying = None

    def _watch_ctx(self, ctx: context.Context, resultc: Chan[_CtxResult]) -> None:
        """The context watcher (Go's ``watchCtx``): runs from :meth:`start` until :meth:`wait` takes its result."""
        handed = send(resultc, _CtxResult(None, None))
        if select(handed, recv(ctx.done())) is handed:
            return
        err: Exception | None = None
        if self.cancel is not None:
            try:
                self.cancel()
            except ErrProcessDone:
                pass  # it had exited already: nothing to report
            except Exception as exc:
                err = _wrapped("exec: canceling Cmd", exc)
            else:
                # Interrupted: any behaviour from now on may be the context's doing.
                err = ctx.err()
        if not self.wait_delay:
            resultc.send(_CtxResult(err, None))
            return
        timer = new_timer(self.wait_delay)
        handed = send(resultc, _CtxResult(err, timer))
        if select(handed, recv(timer.c)) is handed:
            return  # wait() has the process's exit, and the timer for the copies
        process = self.process
        assert process is not None  # start() set it before starting this goroutine
        killed = False
        try:
            process.kill()
            killed = True  # the exit status tells: no error of our own
        except ErrProcessDone:
            pass
        except Exception as exc:
            err = _wrapped("exec: killing Cmd", exc)
        copying = self._copying
        if copying is not None:
            finished = recv(copying.done)
            if select(finished, default) is finished:
                if err is None and not killed:
                    err = finished.value
            else:
                # A child it left behind may hold the pipes: close them, after
                # the kill, so that it dies of SIGKILL rather than SIGPIPE.
                self._close_parent_pipes()
                copying.done.recv()
                if err is None:
                    err = ErrWaitDelay()
            self._copying = None
        resultc.send(_CtxResult(err, None))

    def _kill(self) -> None:
        """command_context's default ``cancel``: Go's ``cmd.Process.Kill()``."""
        process = self.process
        assert process is not None  # cancel runs only once started
        process.kill()

    # -- the child's standard descriptors --------------------------------------------------

    def _child_stdin(self, rt: Runtime, copies: list[Callable[[], None]]) -> int:
        """The descriptor the child reads as its standard input."""
        source = self.stdin
        if source is None:
            return subprocess.DEVNULL
        fd = _real_fileno(source)
        if fd is not None:
            return _inheritable(fd)
        data = b""
        read: Callable[[int], bytes] | None = None
        if isinstance(source, bytes):
            data = source
        else:
            read = getattr(source, "read", None)
            if read is None:
                raise TypeError(
                    f"exec: Cmd.stdin must be bytes, a file or a reader, not {type(source).__name__}"
                )
        writer, child = self._input_pipe(rt)

        def copy() -> None:
            try:
                _feed(writer, data, read)
            finally:
                writer.close()

        copies.append(copy)
        return child

    def _child_output(self, rt: Runtime, sink: _Sink, copies: list[Callable[[], None]]) -> int:
        """The descriptor the child writes to for ``sink``, its stdout or stderr."""
        if sink is None:
            return subprocess.DEVNULL
        fd = _real_fileno(sink)
        if fd is not None:
            flush = getattr(sink, "flush", None)
            if flush is not None:
                flush()  # what Python buffered comes first, as it was written first
            return _inheritable(fd)
        write: Callable[[bytes], object] | None = (
            sink.extend if isinstance(sink, bytearray) else getattr(sink, "write", None)
        )
        if write is None:
            raise TypeError(
                f"exec: Cmd.stdout and Cmd.stderr must be a bytearray, a file or a writer, "
                f"not {type(sink).__name__}"
            )
        reader, child = self._output_pipe(rt)

        def copy() -> None:
            try:
                while data := reader.read(_COPY_SIZE):
                    write(data)
            finally:
                reader.close()  # also after a failed write: the child then gets EPIPE

        copies.append(copy)
        return child

    def _input_pipe(self, rt: Runtime) -> tuple[PipeWriter, int]:
        """A pipe into the child: this process's end, and the child's descriptor."""
        child, parent = os.pipe()  # blocking and not inherited: start() passes the child's on
        self._child_fds.append(child)
        writer = PipeWriter(_poll_file(rt, parent, "|1"))
        self._parent_pipes.append(writer)
        return writer, child

    def _output_pipe(self, rt: Runtime) -> tuple[PipeReader, int]:
        """A pipe out of the child: this process's end, and the child's descriptor."""
        parent, child = os.pipe()
        self._child_fds.append(child)
        reader = PipeReader(_poll_file(rt, parent, "|0"))
        self._parent_pipes.append(reader)
        return reader, child

    def _close_parent_pipes(self) -> None:
        for pipe in self._parent_pipes:
            pipe.close()
        self._parent_pipes.clear()

    # -- pipes ----------------------------------------------------------------------------

    def stdin_pipe(self) -> PipeWriter:
        """A pipe to the command's standard input, once it starts (Go's ``StdinPipe``).

        Close it when done writing: a command reading to the end of its
        input exits only then.  :meth:`wait` closes it too, once the command
        has exited.  Never blocks.

        Raises:
            RuntimeError: ``stdin`` is set already (``exec: Stdin already
                set``), or the command has started.
        """
        if self.stdin is not None:
            raise RuntimeError("exec: Stdin already set")
        if self.process is not None:
            raise RuntimeError("exec: StdinPipe after process started")
        pipe, child = self._input_pipe(get_runtime())
        self.stdin = _ChildEnd(child)
        return pipe

    def stdout_pipe(self) -> PipeReader:
        """A pipe from the command's standard output, once it starts (Go's ``StdoutPipe``).

        :meth:`wait` closes it once the command has exited, so read it to
        its end before calling ``wait()``, and do not use :meth:`run` with
        it (Go's rule).  Never blocks.

        Raises:
            RuntimeError: ``stdout`` is set already (``exec: Stdout already
                set``), or the command has started.
        """
        if self.stdout is not None:
            raise RuntimeError("exec: Stdout already set")
        if self.process is not None:
            raise RuntimeError("exec: StdoutPipe after process started")
        pipe, child = self._output_pipe(get_runtime())
        self.stdout = _ChildEnd(child)
        return pipe

    def stderr_pipe(self) -> PipeReader:
        """A pipe from the command's standard error, once it starts (Go's ``StderrPipe``).

        As :meth:`stdout_pipe`.

        Raises:
            RuntimeError: ``stderr`` is set already (``exec: Stderr already
                set``), or the command has started.
        """
        if self.stderr is not None:
            raise RuntimeError("exec: Stderr already set")
        if self.process is not None:
            raise RuntimeError("exec: StderrPipe after process started")
        pipe, child = self._output_pipe(get_runtime())
        self.stderr = _ChildEnd(child)
        return pipe

    # -- the rest ---------------------------------------------------------------------------

    def environ(self) -> list[str]:
        """The environment the command would run with, as it is set now (Go's ``Environ``).

        ``env``, or this process's environment if None, in which case a set
        ``dir`` also sets ``PWD`` (Go's rule); of duplicate keys, the last
        one is kept, in its place.  Entries with a NUL are left out
        (:meth:`start` refuses them).  Never blocks.
        """
        return self._environ(strict=False)

    def _environ(self, strict: bool) -> list[str]:
        """Go's ``environ``; ``strict``: raise ``ValueError`` for an entry with a NUL."""
        env = self.env
        if env is None:
            env = [f"{key}={value}" for key, value in os.environ.items()]
            if self.dir:
                env.append("PWD=" + os.path.abspath(self.dir))
        kept: dict[object, str] = {}
        for entry in env:
            if "\0" in entry:
                if strict:
                    raise ValueError("exec: environment variable contains NUL")
                continue
            # An entry that is no "key=value" stays, as it is, as in Go.
            key = entry.partition("=")[0] if "=" in entry else object()
            kept.pop(key, None)  # the last one wins, in the last one's place
            kept[key] = entry
        return list(kept.values())

    def __str__(self) -> str:
        """Go's ``String()``: the path and the arguments, for debugging (not for a shell)."""
        if self.err is not None:
            return " ".join(self.args)
        return " ".join([self.path, *self.args[1:]])

    def __repr__(self) -> str:
        return f"<gochan.exec.Cmd {self}>"


@dataclass(frozen=True)
class _ChildEnd:
    """The child's end of a pipe made by a ``*_pipe()`` method, standing in
    ``Cmd.stdin``, ``stdout`` or ``stderr`` (Go sets them to the ``*os.File``)."""

    fd: int

    def fileno(self) -> int:
        return self.fd


def _real_fileno(obj: object) -> int | None:
    """``obj``'s descriptor, or None if it has none (``io.BytesIO``, a reader, bytes)."""
    fileno = getattr(obj, "fileno", None)
    if fileno is None:
        return None
    try:
        fd: int = fileno()
    except (io.UnsupportedOperation, OSError, ValueError):
        return None
    return fd


def _inheritable(fd: int) -> int:
    """``fd``, in blocking mode for the child, as Go's ``File.Fd`` does before a start."""
    if not os.get_blocking(fd):
        os.set_blocking(fd, True)
    return fd


def _feed(writer: PipeWriter, data: bytes, read: Callable[[int], bytes] | None) -> None:
    """Write ``data``, or what ``read`` gives to its end, to the child's input.

    A child that exits without reading it all is no error (Go's
    ``skipStdinCopyError``): its exit status tells.
    """
    try:
        if read is None:
            writer.write(data)
            return
        while chunk := read(_COPY_SIZE):
            writer.write(chunk)
    except BrokenPipeError:
        pass


def _split_entry(entry: str) -> tuple[str, str, str]:
    return entry.partition("=")


def _wrapped(prefix: str, exc: Exception) -> RuntimeError:
    """Go's ``wrappedError``: ``prefix: exc``, with ``exc`` as the cause."""
    wrapped = RuntimeError(f"{prefix}: {exc}")
    wrapped.__cause__ = exc
    return wrapped


def _start_process(
    rt: Runtime,
    path: str,
    argv: list[str],
    directory: str,
    env: list[str],
    files: tuple[int, int, int],
) -> Process:
    """Fork and exec (Go's ``os.StartProcess``), with Go's error messages."""
    if directory:
        # Go checks the directory first, for a clearer error than exec's.
        try:
            os.stat(directory)
        except OSError as exc:
            code = exc.errno or errno.EINVAL
            raise _os_error(code, f"chdir {directory}: {_errno_text(code)}") from None
    # A path without a slash is relative to dir, never searched for in $PATH.
    executable = path if "/" in path else "./" + path
    try:
        popen = subprocess.Popen(
            argv,
            executable=executable,
            stdin=files[0],
            stdout=files[1],
            stderr=files[2],
            cwd=directory or None,
            # Python's exec takes a mapping: an entry that is no "key=value" is dropped.
            env={key: value for key, sep, value in map(_split_entry, env) if sep},
        )
    except OSError as exc:
        code = exc.errno or errno.EINVAL
        raise _os_error(code, f"fork/exec {path}: {_errno_text(code)}") from None
    return Process(rt, popen)


class _PrefixSuffixSaver:
    """Keeps the first and the last ``n`` bytes written to it (Go's ``prefixSuffixSaver``).

    What :meth:`Cmd.output` keeps of standard error for :class:`ExitError`.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.prefix = bytearray()
        self.suffix = bytearray()  # the last n bytes after the prefix
        self.skipped = 0  # bytes dropped between the two

    def write(self, data: bytes) -> int:
        room = self.n - len(self.prefix)  # never negative
        self.prefix += data[:room]
        self.suffix += data[room:]
        excess = len(self.suffix) - self.n
        if excess > 0:
            del self.suffix[:excess]
            self.skipped += excess
        return len(data)

    def bytes(self) -> bytes:
        if not self.skipped:
            return bytes(self.prefix + self.suffix)
        return b"%s\n... omitting %d bytes ...\n%s" % (self.prefix, self.skipped, self.suffix)


# -- look_path -----------------------------------------------------------------------------


def look_path(name: str) -> str:
    """The path of the executable ``name``, searched for in ``$PATH`` (Go's ``exec.LookPath``).

    A name with a slash is checked as it is, ``$PATH`` unused.  Otherwise
    each directory of ``$PATH`` is tried in turn (an empty entry is the
    current directory), and the first executable regular file found wins;
    one found relative to the current directory raises :class:`ErrDot`
    (Go 1.19's rule).  Does not block for long: a few ``stat`` calls.

    Raises:
        ErrNotFound: no directory of ``$PATH`` has an executable ``name``.
        ErrDot: the one found is relative to the current directory.
        FileNotFoundError: ``name`` has a slash and does not exist
            (``exec: "./prog": stat ./prog: no such file or directory``).
        PermissionError: ``name`` has a slash and is not executable
            (``exec: "./prog": permission denied``).
        IsADirectoryError: ``name`` has a slash and is a directory.
    """
    if "/" in name:
        try:
            _check_executable(name)
        except OSError as exc:
            raise _os_error(exc.errno or errno.EINVAL, f"exec: {_quote(name)}: {exc}") from None
        return name
    search = os.environ.get("PATH", "")
    for directory in search.split(os.pathsep) if search else ():
        path = os.path.normpath(os.path.join(directory or ".", name))
        try:
            _check_executable(path)
        except OSError:
            continue
        if not os.path.isabs(path):
            raise ErrDot(name, path)
        return path
    raise ErrNotFound(name)


def _check_executable(path: str) -> None:
    """Raise, with Go's message, unless ``path`` is a file this process may execute."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        code = exc.errno or errno.EINVAL
        raise _os_error(code, f"stat {path}: {_errno_text(code)}") from None
    if stat.S_ISDIR(mode):
        raise _os_error(errno.EISDIR, _errno_text(errno.EISDIR))
    effective = os.access in os.supports_effective_ids
    if not os.access(path, os.X_OK, effective_ids=effective):
        raise _os_error(errno.EACCES, _errno_text(errno.EACCES))


# -- Process and ProcessState --------------------------------------------------------------


class Process:
    """A started process (Go's ``*os.Process``): ``Cmd.process`` once started.

    ``pid`` is its id.  :meth:`wait` blocks the calling goroutine only: on
    Linux the exit is awaited on the netpoller through a pidfd, which also
    makes :meth:`signal` safe against a reused pid; elsewhere ``waitpid``
    runs on a worker thread (``blocking``).
    """

    def __init__(self, rt: Runtime, popen: subprocess.Popen[bytes]) -> None:
        self.pid = popen.pid
        self._rt = rt
        # Kept so that Python's own bookkeeping sees the exit: wait() writes
        # its returncode, and one dropped unwaited reaps the child later.
        self._popen = popen
        self._pidfd = _open_pidfd(rt, popen.pid)  # None: waited for on a thread
        self._done = False  # set once wait() has reaped the process

    def wait(self) -> ProcessState:
        """Wait for the process to exit; how it ended (Go's ``Process.Wait``).

        Blocks the calling goroutine only.  Unlike :meth:`Cmd.wait`, it
        closes no pipe and raises nothing for an unsuccessful exit.

        Raises:
            ChildProcessError: it was waited for already (``wait: no child processes``).
        """
        if self._done:
            raise _os_error(errno.ECHILD, "wait: no child processes")
        try:
            pid, status, usage = self._reap()
        except ChildProcessError:
            raise _os_error(errno.ECHILD, "wait: no child processes") from None
        self._done = True
        self._popen.returncode = os.waitstatus_to_exitcode(status)
        if self._pidfd is not None:
            self._pidfd.close()
        return ProcessState(pid, status, usage)

    def _reap(self) -> tuple[int, int, resource.struct_rusage]:
        pidfd = self._pidfd
        if pidfd is None:
            return call_blocking(self._rt, functools.partial(os.wait4, self.pid, 0))
        while True:
            # Try first, then park with no switch in between: the pidfd's
            # edge (the exit) cannot come unseen.
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                return pid, status, usage
            if pidfd.r.wait():  # closed: another goroutine's wait() reaped it
                raise ChildProcessError(errno.ECHILD, "no child processes")

    def signal(self, sig: int) -> None:
        """Send ``sig`` to the process (Go's ``Process.Signal``).  Never blocks.

        Raises:
            ErrProcessDone: the process has finished and was waited for.
            OSError: the OS's error (``PermissionError`` ...).
        """
        if self._done:
            raise ErrProcessDone()
        try:
            if self._pidfd is not None:
                _signal.pidfd_send_signal(self._pidfd.fd, sig)
            else:
                os.kill(self.pid, sig)
        except ProcessLookupError:
            raise ErrProcessDone() from None

    def kill(self) -> None:
        """Kill the process at once, with ``SIGKILL`` (Go's ``Process.Kill``).  Never blocks.

        Raises:
            ErrProcessDone: the process has finished and was waited for.
        """
        self.signal(_signal.SIGKILL)

    def __del__(self) -> None:
        pidfd = self.__dict__.get("_pidfd")
        if pidfd is not None:
            pidfd.collect()

    def __repr__(self) -> str:
        return f"<gochan.exec.Process pid={self.pid}{' done' if self._done else ''}>"


def _open_pidfd(rt: Runtime, pid: int) -> FD | None:
    """A pidfd for ``pid`` on the netpoller; None where the OS has none."""
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is None:
        return None
    try:
        fd = pidfd_open(pid)
    except OSError:  # ENOSYS before Linux 5.3; EPERM under some seccomp filters
        return None
    return _poll_file(rt, fd, "pidfd")


class ProcessState:
    """How a process ended (Go's ``*os.ProcessState``): ``str()`` is Go's ``String()``.

    Made by :meth:`Process.wait`, from what ``wait4`` returned.
    """

    __slots__ = ("_pid", "_status", "_usage")

    def __init__(self, pid: int, status: int, usage: resource.struct_rusage) -> None:
        self._pid = pid
        self._status = status  # the wait status, as waitpid returns it
        self._usage = usage

    def pid(self) -> int:
        """The process id (Go's ``Pid``)."""
        return self._pid

    def exited(self) -> bool:
        """Whether it exited on its own, rather than by a signal (Go's ``Exited``)."""
        return os.WIFEXITED(self._status)

    def exit_code(self) -> int:
        """Its exit status, or -1 if a signal ended it (Go's ``ExitCode``)."""
        return os.WEXITSTATUS(self._status) if os.WIFEXITED(self._status) else -1

    def success(self) -> bool:
        """Whether it exited with status 0 (Go's ``Success``)."""
        return self.exit_code() == 0

    def sys(self) -> int:
        """The raw wait status, for ``os.WIFSIGNALED`` and friends (Go's ``Sys``)."""
        return self._status

    def user_time(self) -> float:
        """Its user CPU time, in seconds (Go's ``UserTime``)."""
        return self._usage.ru_utime

    def system_time(self) -> float:
        """Its system CPU time, in seconds (Go's ``SystemTime``)."""
        return self._usage.ru_stime

    def __str__(self) -> str:
        # Exited or signalled: wait() asks for no stops and continues.
        status = self._status
        if os.WIFEXITED(status):
            text = f"exit status {os.WEXITSTATUS(status)}"
        else:
            text = f"signal: {_signal_text(os.WTERMSIG(status))}"
        if os.WCOREDUMP(status):
            text += " (core dumped)"
        return text

    def __repr__(self) -> str:
        return f"<gochan.exec.ProcessState pid={self._pid} {self}>"


# -- pipes: descriptors on the netpoller -------------------------------------------------


def _poll_file(rt: Runtime, fd: int, name: str) -> FD:
    """``fd``, a pipe's end or a pidfd, made non-blocking and watched by the netpoller.

    Go's ``internal/poll.FD`` for an ``os.File``.  ``name`` is what Go's
    errors call it: ``|0`` for a pipe's reading end, ``|1`` for its writing end.
    """
    os.set_blocking(fd, False)
    return FD(rt, fd, functools.partial(os.close, fd), functools.partial(_closed_error, name))


def _closed_error(name: str, op: str, _err: int) -> ValueError:
    """Go's ``os.ErrClosed`` as Python's files say it: a ``ValueError``.

    A file has no deadlines: closing is the one way its waits end early.
    """
    return ValueError(f"{op} {name}: file already closed")


def _readinto(fd: int, buffer: WriteableBuffer) -> int:
    return os.readv(fd, [buffer])


class _Pipe(io.RawIOBase):
    """One end of a pipe to or from a command: what :class:`PipeReader` and
    :class:`PipeWriter` share (Go's ``*os.File``)."""

    def __init__(self, f: FD) -> None:
        super().__init__()
        self._f = f

    def fileno(self) -> int:
        """The descriptor (Go's ``File.Fd``).

        Given as another command's ``stdin``, ``stdout`` or ``stderr``, the
        pipe connects the two processes directly; :meth:`Cmd.start` then
        puts it in blocking mode, as Go's ``Fd`` does, and this process must
        use it no more.

        Raises:
            ValueError: the pipe is closed.
        """
        f = self._f
        if f.pd.closing:
            raise f.error("fileno", PollError.CLOSING)
        return f.fd

    def close(self) -> None:
        """Close this end: a goroutine blocked on it wakes with ``ValueError``;
        the command reads the end of its input once its writing end is closed.

        Closing again does nothing.  Never blocks.

        Raises:
            RuntimeError: called on another thread than the pipe's runtime's.
        """
        f = self._f
        if not f.pd.closing:
            f.check_thread(self)
            f.close()
        super().close()

    def __del__(self) -> None:
        f = self.__dict__.get("_f")
        if f is not None:
            f.collect()

    def __repr__(self) -> str:
        state = " closed" if self._f.pd.closing else ""
        return f"<gochan.exec.{type(self).__name__} fd={self._f.fd}{state}>"


class PipeReader(_Pipe):
    """The reading end of a pipe from a command: what :meth:`Cmd.stdout_pipe` and
    :meth:`Cmd.stderr_pipe` return (Go's ``io.ReadCloser``, an ``*os.File``).

    :meth:`read` blocks the calling goroutine only, on the netpoller.  It is
    a Python binary stream too: wrap it in ``io.BufferedReader`` for
    ``readline()`` and ``for line in reader`` (Go's ``bufio.Scanner``).
    :meth:`Cmd.wait` closes it once the command has exited: read it to its
    end before calling ``wait()``.
    """

    def __init__(self, f: FD) -> None:
        super().__init__(f)
        self._read = functools.partial(os.read, f.fd)
        self._readinto = functools.partial(_readinto, f.fd)

    def read(self, n: int = -1, /) -> bytes:
        """Read what is there, up to ``n`` bytes; ``b""`` once the writers are gone (Go's ``Read``).

        Blocks until at least one byte is there or the pipe's end.  With
        ``n < 0``, reads to the end.

        Raises:
            ValueError: the pipe is closed, also by another goroutine (or
                :meth:`Cmd.wait`) while this waits: ``read |0: file already closed``.
            RuntimeError: called on another thread than the pipe's runtime's.
        """
        if n < 0:
            return self.readall()
        f = self._f
        return f.read(self, self._read, n, n, len)

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        """Read into ``buffer``, what is there up to its size; 0 at the end.

        As :meth:`read`, without a copy: what ``io.BufferedReader`` calls.

        Raises:
            ValueError: the pipe is closed.
            RuntimeError: called on another thread than the pipe's runtime's.
        """
        f = self._f
        return f.read(self, self._readinto, buffer, memoryview(buffer).nbytes, operator.index)

    def readable(self) -> bool:
        """True: this end reads."""
        return True


class PipeWriter(_Pipe):
    """The writing end of a pipe to a command: what :meth:`Cmd.stdin_pipe` returns
    (Go's ``io.WriteCloser``, an ``*os.File``).

    :meth:`write` blocks the calling goroutine only, on the netpoller.
    Close it when done: most commands read their input to its end.
    """

    def __init__(self, f: FD) -> None:
        super().__init__(f)
        self._write = functools.partial(os.write, f.fd)

    def write(self, data: ReadableBuffer, /) -> int:
        """Write all of ``data``; its length (Go's ``Write``).

        Blocks while the pipe is full.  Either all of ``data`` is written,
        or it raises.

        Raises:
            BrokenPipeError: the command no longer reads (it exited, or closed its input).
            ValueError: the pipe is closed: ``write |1: file already closed``.
            RuntimeError: called on another thread than the pipe's runtime's.
        """
        f = self._f
        return f.write_all(self, data, self._write)

    def writable(self) -> bool:
        """True: this end writes."""
        return True


# -- errors ------------------------------------------------------------------------------


class ErrNotFound(FileNotFoundError):
    """No executable file of that name in ``$PATH`` (Go's ``exec.ErrNotFound``).

    Raised by :func:`look_path`, and by the methods that start a command
    made by :func:`command` with such a name.  Its message is Go's:
    ``exec: "name": executable file not found in $PATH``; ``name`` is the
    name looked for.
    """

    def __init__(self, name: str) -> None:
        super().__init__(f"exec: {_quote(name)}: executable file not found in $PATH")
        self.errno = errno.ENOENT
        self.name = name


class ErrDot(Exception):
    """The ``$PATH`` search found the program relative to the current directory (Go's ``exec.ErrDot``).

    Go 1.19's rule against running ``./prog`` by accident, kept: an empty
    or ``.`` entry of ``$PATH`` finds nothing unless the caller says so.
    :func:`command` stores it in ``Cmd.err`` with ``Cmd.path`` set to the
    relative ``path``; clear ``cmd.err`` to run it anyway.
    """

    def __init__(self, name: str, path: str) -> None:
        super().__init__(
            f"exec: {_quote(name)}: cannot run executable found relative to current directory"
        )
        self.name = name
        self.path = path


class ErrProcessDone(ProcessLookupError):
    """The process has finished and was waited for (Go's ``os.ErrProcessDone``).

    Raised by :meth:`Process.signal` and :meth:`Process.kill`; message
    ``os: process already finished``.
    """

    def __init__(self) -> None:
        super().__init__("os: process already finished")
        self.errno = errno.ESRCH


class ErrWaitDelay(Exception):
    """``Cmd.wait_delay`` passed before the command's pipes were done (Go's ``exec.ErrWaitDelay``).

    Raised by :meth:`Cmd.wait` when the process itself succeeded but
    something (a child it left behind) still held its output pipes open, so
    ``wait()`` closed them.  Message ``exec: WaitDelay expired before I/O complete``.
    """

    def __init__(self) -> None:
        super().__init__("exec: WaitDelay expired before I/O complete")


class ExitError(Exception):
    """A command ran and exited unsuccessfully (Go's ``*exec.ExitError``).

    Its message is Go's ``ProcessState.String()``: ``exit status 2``,
    ``signal: killed``, ``signal: segmentation fault (core dumped)``.
    ``exit_code`` is the status the process exited with, -1 if a signal
    ended it (Go's ``ExitCode()``); ``process_state`` the whole state.
    ``stderr`` holds, when :meth:`Cmd.output` raised it and the command's
    ``stderr`` was not set, what the command wrote to its standard error
    (its first and last 32 KiB, as Go keeps); ``b""`` otherwise.
    """

    def __init__(self, process_state: ProcessState, stderr: bytes = b"") -> None:
        super().__init__(str(process_state))
        self.process_state = process_state
        self.exit_code = process_state.exit_code()
        self.stderr = stderr


def _quote(name: str) -> str:
    """``name`` in double quotes, as Go's ``strconv.Quote`` writes printable text."""
    return json.dumps(name, ensure_ascii=False)


def _os_error(code: int, message: str) -> OSError:
    """The ``OSError`` subclass of ``code`` (``FileNotFoundError`` ...) with Go's message.

    ``str()`` of it is ``message`` alone, without Python's ``[Errno N]``.
    """
    exc_type = type(OSError(code, ""))
    exc = exc_type(message)
    exc.errno = code
    return exc


def _first_lower(text: str) -> str:
    # How Go's generated tables turn C's messages into its own: "Bad" -> "bad",
    # but "STREAM" stays.
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _errno_text(code: int) -> str:
    """Go's text for an errno: ``no such file or directory``, ``permission denied``."""
    return _first_lower(os.strerror(code))


def _signal_text(signum: int) -> str:
    """Go's ``syscall.Signal.String()``: ``killed``, ``terminated``, ``signal 40``."""
    text = _signal.strsignal(signum) if 0 < signum < 32 else None
    if not text or text.startswith("Unknown signal"):
        return f"signal {signum}"
    return _first_lower(re.sub(r": \d+$", "", text))  # macOS adds ": 9"
