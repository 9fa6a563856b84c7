"""gochan.exec: Go's os/exec, pipes and exits awaited on the netpoller.

The commands are /bin/sh, cat, echo, sleep and this interpreter, each
bounded in time: a command that could hang is killed by its context.
"""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gochan import (
    Canceled,
    Chan,
    WaitGroup,
    after,
    background,
    exec,
    go,
    recv,
    run,
    select,
    stacks,
    with_cancel,
    with_timeout,
)
from gochan._core import get_runtime
from gochan.testing import wait_blocked

PYTHON = sys.executable


def python(code: str) -> exec.Cmd:
    return exec.command(PYTHON, "-c", code)


def script(directory: Path, name: str, body: str, mode: int = 0o755) -> Path:
    path = directory / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(mode)
    return path


# -- look_path and command -----------------------------------------------------------------


def test_look_path_searches_path_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    script(first, "prog", "exit 0", mode=0o644)  # not executable: skipped
    found = script(second, "prog", "exit 0")
    monkeypatch.setenv("PATH", f"{first}:{second}")
    assert exec.look_path("prog") == str(found)
    assert exec.command("prog", "x").path == str(found)
    assert exec.command("prog", "x").args == ["prog", "x"]  # args[0] is the name, as in Go


def test_a_program_not_in_path_raises_err_not_found_with_gos_message() -> None:
    with pytest.raises(exec.ErrNotFound) as caught:
        exec.look_path("gochan-no-such-program")
    err = caught.value
    assert str(err) == 'exec: "gochan-no-such-program": executable file not found in $PATH'
    assert isinstance(err, FileNotFoundError)
    assert err.errno == 2
    assert err.name == "gochan-no-such-program"

    def main() -> None:
        cmd = exec.command("gochan-no-such-program")
        assert isinstance(cmd.err, exec.ErrNotFound)  # found out by command(), raised by start()
        with pytest.raises(exec.ErrNotFound):
            cmd.run()
        with pytest.raises(exec.ErrNotFound):
            cmd.output()
        assert cmd.process is None
        with pytest.raises(RuntimeError, match=r"^exec: not started$"):
            cmd.wait()

    run(main)


def test_look_path_checks_a_name_with_a_slash_as_it_is(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope")
    with pytest.raises(FileNotFoundError) as not_found:
        exec.look_path(missing)
    assert str(not_found.value) == f'exec: "{missing}": stat {missing}: no such file or directory'
    assert not isinstance(not_found.value, exec.ErrNotFound)  # as Go: not a $PATH search
    plain = script(tmp_path, "plain", "exit 0", mode=0o644)
    with pytest.raises(PermissionError, match=f'^exec: "{plain}": permission denied$'):
        exec.look_path(str(plain))
    with pytest.raises(IsADirectoryError, match=f'^exec: "{tmp_path}/": is a directory$'):
        exec.look_path(f"{tmp_path}/")
    assert exec.look_path("/bin/sh") == "/bin/sh"


def test_a_program_found_relative_to_the_current_directory_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script(tmp_path, "prog", "echo ran")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", f":{os.defpath}")  # the empty entry is the current directory
    with pytest.raises(exec.ErrDot) as caught:
        exec.look_path("prog")
    assert str(caught.value) == (
        'exec: "prog": cannot run executable found relative to current directory'
    )

    def main() -> bytes:
        cmd = exec.command("prog")
        assert cmd.path == "prog"
        with pytest.raises(exec.ErrDot):
            cmd.run()
        cmd = exec.command("prog")
        cmd.err = None  # Go's way to run it anyway
        return cmd.output()

    assert run(main) == b"ran\n"


def test_str_of_a_command_is_gos_string() -> None:
    assert str(exec.command("/bin/echo", "a", "b")) == "/bin/echo a b"
    assert str(exec.command("gochan-no-such-program", "x")) == "gochan-no-such-program x"
    assert repr(exec.command("/bin/echo", "a")) == "<gochan.exec.Cmd /bin/echo a>"


# -- exit statuses -------------------------------------------------------------------------


def test_success() -> None:
    def main() -> exec.Cmd:
        cmd = exec.command("/bin/sh", "-c", "exit 0")
        cmd.run()
        return cmd

    cmd = run(main)
    state = cmd.process_state
    assert state is not None
    assert cmd.process is not None
    assert (str(state), state.success(), state.exited(), state.exit_code()) == (
        "exit status 0",
        True,
        True,
        0,
    )
    assert state.pid() == cmd.process.pid
    assert state.user_time() >= 0
    assert state.system_time() >= 0


def test_a_non_zero_exit_raises_exit_error_with_gos_message() -> None:
    def main() -> None:
        with pytest.raises(exec.ExitError) as caught:
            exec.command("/bin/sh", "-c", "exit 3").run()
        err = caught.value
        assert str(err) == "exit status 3"
        assert err.exit_code == 3
        assert err.process_state.exited()
        assert not err.process_state.success()
        assert err.stderr == b""  # kept by output() only

    run(main)


@pytest.mark.parametrize(
    ("sig", "message"),
    [(signal.SIGKILL, "signal: killed"), (signal.SIGTERM, "signal: terminated")],
)
def test_death_by_signal(sig: int, message: str) -> None:
    def main() -> None:
        with pytest.raises(exec.ExitError) as caught:
            exec.command("/bin/sh", "-c", f"kill -{int(sig)} $$").run()
        assert str(caught.value) == message
        assert caught.value.exit_code == -1  # Go's ExitCode() for a signal
        assert not caught.value.process_state.exited()

    run(main)


def test_output_keeps_stderr_for_the_exit_error_and_stdout_in_the_command() -> None:
    def main() -> None:
        cmd = exec.command("/bin/sh", "-c", "echo partial; echo boom >&2; exit 1")
        with pytest.raises(exec.ExitError) as caught:
            cmd.output()
        assert caught.value.stderr == b"boom\n"
        assert cmd.stdout == bytearray(b"partial\n")  # Go returns it beside the error

    run(main)


def test_output_keeps_the_start_and_the_end_of_a_long_stderr() -> None:
    saver = exec._PrefixSuffixSaver(4)
    for chunk in (b"ab", b"cdef", b"ghij", b"klmn"):
        saver.write(chunk)
    assert saver.bytes() == b"abcd\n... omitting 6 bytes ...\nklmn"
    short = exec._PrefixSuffixSaver(4)
    short.write(b"abcdef")
    assert short.bytes() == b"abcdef"

    def main() -> bytes:
        cmd = python("import sys; sys.stderr.write('x' * 70000 + 'end'); sys.exit(2)")
        with pytest.raises(exec.ExitError) as caught:
            cmd.output()
        return caught.value.stderr

    kept = 32 * 1024
    assert run(main) == (
        b"x" * kept + b"\n... omitting 4467 bytes ...\n" + b"x" * (kept - 3) + b"end"
    )

    run(main)


# -- standard input and output -------------------------------------------------------------


def test_bytes_in_and_out_larger_than_the_pipes() -> None:
    data = bytes(range(256)) * 4096  # 1 MiB: both pipes fill up many times

    def main() -> bytes:
        cmd = exec.command("cat")
        cmd.stdin = data
        return cmd.output()

    assert run(main) == data


def test_readers_and_writers_are_copied_by_goroutines() -> None:
    def main() -> tuple[bytes, bytes]:
        out, err = io.BytesIO(), bytearray()
        cmd = exec.command("/bin/sh", "-c", "cat; echo done >&2")
        cmd.stdin = io.BytesIO(b"from a reader")
        cmd.stdout = out
        cmd.stderr = err
        cmd.run()
        return out.getvalue(), bytes(err)

    assert run(main) == (b"from a reader", b"done\n")


def test_files_are_given_to_the_child_directly(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.write_bytes(b"file contents")

    def main() -> None:
        with source.open("rb") as stdin, (tmp_path / "out").open("wb") as stdout:
            stdout.write(b"python first, ")  # buffered: flushed before the child writes
            cmd = exec.command("cat")
            cmd.stdin = stdin
            cmd.stdout = stdout
            cmd.run()

    run(main)
    assert (tmp_path / "out").read_bytes() == b"python first, file contents"


def test_combined_output_and_one_sink_for_both() -> None:
    def main() -> tuple[bytes, bytes]:
        both = exec.command("/bin/sh", "-c", "echo 1; echo 2 >&2; echo 3").combined_output()
        sink = bytearray()
        cmd = exec.command("/bin/sh", "-c", "echo a; echo b >&2; echo c")
        cmd.stdout = cmd.stderr = sink  # one pipe: the order is kept
        cmd.run()
        return both, bytes(sink)

    assert run(main) == (b"1\n2\n3\n", b"a\nb\nc\n")


def test_pipes_read_what_is_there_and_write_all() -> None:
    # An interactive child: each line written to it comes back at once.
    def main() -> list[bytes]:
        cmd = python(
            "import sys\nfor line in sys.stdin: sys.stdout.write(line.upper()); sys.stdout.flush()"
        )
        stdin, stdout = cmd.stdin_pipe(), cmd.stdout_pipe()
        cmd.start()
        got = []
        for word in (b"one\n", b"two\n"):
            assert stdin.write(word) == len(word)
            got.append(stdout.read(100))  # what is there: one line, not 100 bytes
        stdin.close()
        got.append(stdout.read(100))  # the end
        cmd.wait()
        return got

    assert run(main) == [b"ONE\n", b"TWO\n", b""]


def read_to_end_within(
    pipe: exec.PipeReader, seconds: float, then: Callable[[], object]
) -> list[bytes]:
    """Every read of up to 100 bytes until the end, read by a goroutine, which
    waits when ``then()`` is called; AssertionError if the end has not come
    within ``seconds`` (the goroutine is left parked)."""
    reads = Chan[list[bytes]](1)

    def reader() -> None:
        got = [pipe.read(100)]
        while got[-1]:
            got.append(pipe.read(100))
        reads.send(got)

    go(reader)
    wait_blocked(1, "IO wait")
    then()
    got = recv(reads)
    assert select(got, recv(after(seconds))) is got, "the end of the pipe was never read"
    return got.value


def test_data_and_the_writers_close_in_one_edge_are_both_read() -> None:
    # The reader waits; the data and the writer's close (EPOLLHUP) come before the
    # loop polls: the short read that gets the data must not mark the pipe drained,
    # or the end, which brings no other edge, is never read.
    def main() -> list[bytes]:
        r, w = os.pipe()
        pipe = exec.PipeReader(exec._poll_file(get_runtime(), r, "|0"))

        def write_and_close() -> None:
            os.write(w, b"last words")
            os.close(w)

        with pipe:
            return read_to_end_within(pipe, 5, write_and_close)

    assert run(main) == [b"last words", b""]


def test_a_commands_last_output_and_exit_are_both_read() -> None:
    def main() -> list[bytes]:
        cmd = exec.command("cat")
        stdin, stdout = cmd.stdin_pipe(), cmd.stdout_pipe()
        cmd.start()

        def write_and_close() -> None:
            stdin.write(b"bye")
            stdin.close()

        got = read_to_end_within(stdout, 5, write_and_close)
        cmd.wait()
        return got

    assert run(main) == [b"bye", b""]


def test_a_pipe_under_a_buffered_reader_reads_lines() -> None:
    def main() -> list[bytes]:
        cmd = exec.command("/bin/sh", "-c", "echo a; echo b; echo c")
        lines = io.BufferedReader(cmd.stdout_pipe())
        cmd.start()
        got = list(lines)  # Go's bufio.Scanner: read all before wait()
        cmd.wait()
        return got

    assert run(main) == [b"a\n", b"b\n", b"c\n"]


def test_a_pipe_from_one_command_is_the_input_of_the_next() -> None:
    def main() -> bytes:
        first = exec.command("/bin/sh", "-c", "echo b; echo a; echo c")
        second = exec.command("sort")
        second.stdin = first.stdout_pipe()  # the two processes talk directly
        first.start()
        out = second.output()
        first.wait()
        return out

    assert run(main) == b"a\nb\nc\n"


def test_wait_closes_the_pipes() -> None:
    def main() -> None:
        cmd = exec.command("/bin/sh", "-c", "echo unread")
        stdout = cmd.stdout_pipe()
        stdin = cmd.stdin_pipe()
        cmd.run()  # wrong with a pipe, as in Go: the output is lost
        with pytest.raises(ValueError, match=r"^read \|0: file already closed$"):
            stdout.read(10)
        with pytest.raises(ValueError, match=r"^write \|1: file already closed$"):
            stdin.write(b"x")

    run(main)


def test_closing_a_pipe_wakes_its_reader() -> None:
    def main() -> None:
        cmd = exec.command("cat")
        stdin, stdout = cmd.stdin_pipe(), cmd.stdout_pipe()
        cmd.start()
        errs = Chan[Exception](1)

        def reader() -> None:
            try:
                stdout.read(10)
            except ValueError as exc:
                errs.send(exc)

        go(reader)
        wait_blocked(1, "IO wait")
        assert "IO wait" in stacks()
        stdout.close()
        assert str(errs.recv()) == "read |0: file already closed"
        stdin.close()
        cmd.wait()

    run(main)


def test_writing_to_a_command_that_exited_is_a_broken_pipe() -> None:
    def main() -> None:
        cmd = exec.command("/bin/sh", "-c", "exit 0")
        stdin = cmd.stdin_pipe()
        cmd.start()
        cmd.process.wait()  # type: ignore[union-attr]
        with pytest.raises(BrokenPipeError):
            stdin.write(b"x" * 100_000)
        stdin.close()

    run(main)


def test_input_the_command_does_not_read_is_no_error() -> None:
    def main() -> None:
        cmd = exec.command("/bin/sh", "-c", "exit 0")
        cmd.stdin = b"x" * 1_000_000  # Go's skipStdinCopyError: EPIPE is ignored
        cmd.run()

    run(main)


def test_an_error_copying_output_is_raised_when_the_command_succeeded() -> None:
    class Failing:
        def write(self, data: bytes) -> int:
            raise OSError("disk full")

    def main() -> None:
        cmd = exec.command("/bin/sh", "-c", "echo hi")
        cmd.stdout = Failing()
        with pytest.raises(OSError, match=r"^disk full$"):
            cmd.run()

    run(main)


# -- misuse: Go's errors ------------------------------------------------------------------


def test_gos_errors_for_misuse() -> None:
    def main() -> None:
        cmd = exec.command("/bin/sh", "-c", "exit 0")
        with pytest.raises(RuntimeError, match=r"^exec: not started$"):
            cmd.wait()
        cmd.stdout_pipe()
        with pytest.raises(RuntimeError, match=r"^exec: Stdout already set$"):
            cmd.output()
        with pytest.raises(RuntimeError, match=r"^exec: Stdout already set$"):
            cmd.stdout_pipe()
        cmd.stderr = bytearray()
        with pytest.raises(RuntimeError, match=r"^exec: Stderr already set$"):
            cmd.stderr_pipe()
        cmd.stdin = b""
        with pytest.raises(RuntimeError, match=r"^exec: Stdin already set$"):
            cmd.stdin_pipe()
        cmd.start()
        with pytest.raises(RuntimeError, match=r"^exec: already started$"):
            cmd.start()
        cmd.wait()
        with pytest.raises(RuntimeError, match=r"^exec: Wait was already called$"):
            cmd.wait()
        cmd.stdin = cmd.stdout = cmd.stderr = None
        for pipe, name in ((cmd.stdin_pipe, "Stdin"), (cmd.stdout_pipe, "Stdout"),
                           (cmd.stderr_pipe, "Stderr")):  # fmt: skip
            with pytest.raises(RuntimeError, match=f"^exec: {name}Pipe after process started$"):
                pipe()

        fresh = exec.command("/bin/sh")
        fresh.stderr = bytearray()
        with pytest.raises(RuntimeError, match=r"^exec: Stderr already set$"):
            fresh.combined_output()
        with pytest.raises(ValueError, match=r"^exec: no command$"):
            exec.Cmd().run()
        fresh.cancel = lambda: None
        with pytest.raises(
            RuntimeError,
            match=r"^exec: command with a non-nil Cancel was not created with CommandContext$",
        ):
            fresh.run()
        bad = exec.command("cat")
        bad.stdin = "text"  # type: ignore[assignment]
        with pytest.raises(TypeError, match="must be bytes, a file or a reader, not str"):
            bad.run()

    run(main)


# -- environment and directory -------------------------------------------------------------


def test_env_keeps_the_last_of_duplicate_keys(tmp_path: Path) -> None:
    def main() -> bytes:
        cmd = exec.command("/bin/sh", "-c", 'echo "$A $B"; pwd')
        cmd.env = ["A=1", "B=2", "A=3"]
        cmd.dir = str(tmp_path)
        assert cmd.environ() == ["B=2", "A=3"]
        return cmd.output()

    assert run(main) == f"3 2\n{tmp_path}\n".encode()


def test_environ_inherits_and_sets_pwd_with_dir(tmp_path: Path) -> None:
    cmd = exec.command("/bin/sh")
    assert cmd.environ() == [f"{k}={v}" for k, v in os.environ.items()]
    cmd.dir = str(tmp_path)
    assert cmd.environ()[-1] == f"PWD={tmp_path}"


def test_an_env_entry_with_a_nul_is_refused() -> None:
    cmd = exec.command("/bin/sh", "-c", "exit 0")
    cmd.env = ["A=1", "B=\0"]
    assert cmd.environ() == ["A=1"]
    with pytest.raises(ValueError, match=r"^exec: environment variable contains NUL$"):
        run(cmd.run)


def test_start_failures_have_gos_messages(tmp_path: Path) -> None:
    plain = script(tmp_path, "plain", "exit 0", mode=0o644)

    def main() -> None:
        cmd = exec.command("/bin/sh")
        cmd.dir = str(tmp_path / "nope")
        with pytest.raises(FileNotFoundError) as chdir:
            cmd.run()
        assert str(chdir.value) == f"chdir {tmp_path}/nope: no such file or directory"
        cmd = exec.command("./plain")  # a slash: no lookup, so the start fails
        cmd.dir = str(tmp_path)
        with pytest.raises(PermissionError) as denied:
            cmd.run()
        assert str(denied.value) == "fork/exec ./plain: permission denied"

    assert plain.exists()
    run(main)


def test_a_path_without_a_slash_is_relative_to_dir(tmp_path: Path) -> None:
    script(tmp_path, "prog", "echo here")

    def main() -> bytes:
        cmd = exec.Cmd("prog", ["prog"])  # Go's &exec.Cmd{...}: no $PATH search
        cmd.dir = str(tmp_path)
        return cmd.output()

    assert run(main) == b"here\n"


# -- command_context -----------------------------------------------------------------------


def test_a_cancelled_context_kills_the_command() -> None:
    def main() -> None:
        ctx, cancel = with_cancel(background())
        cmd = exec.command_context(ctx, "sleep", "10")
        cmd.start()
        cancel()
        with pytest.raises(exec.ExitError, match=r"^signal: killed$"):
            cmd.wait()  # Go 1.20: the exit status comes first

    run(main)


def test_a_context_timeout_kills_the_command() -> None:
    def main() -> float:
        ctx, cancel = with_timeout(background(), 0.1)
        started = time.monotonic()
        with pytest.raises(exec.ExitError, match=r"^signal: killed$"):
            exec.command_context(ctx, "sleep", "10").run()
        cancel()
        return time.monotonic() - started

    assert run(main) < 5


def test_a_context_done_before_the_start_starts_nothing() -> None:
    def main() -> None:
        ctx, cancel = with_cancel(background())
        cancel()
        cmd = exec.command_context(ctx, "/bin/sh", "-c", "exit 0")
        with pytest.raises(Canceled):
            cmd.run()
        assert cmd.process is None

    run(main)


def test_a_command_stopped_by_its_context_that_exits_well_raises_the_contexts_error() -> None:
    def main() -> None:
        ctx, cancel = with_cancel(background())
        cmd = exec.command_context(
            ctx, "/bin/sh", "-c", "trap 'exit 0' TERM; echo ready; while :; do sleep 0.01; done"
        )
        cmd.cancel = lambda: cmd.process.signal(signal.SIGTERM)  # type: ignore[union-attr]
        stdout = cmd.stdout_pipe()
        cmd.start()
        assert stdout.read(100) == b"ready\n"  # the trap is set
        cancel()
        with pytest.raises(Canceled):
            cmd.wait()  # its output may be cut short: the context's error, as Go's
        assert cmd.process_state is not None
        assert cmd.process_state.success()

    run(main)


def test_errors_of_cancel() -> None:
    def done() -> None:
        raise exec.ErrProcessDone()

    def fails() -> None:
        raise OSError("no way")

    def main() -> None:
        for cancel_fn, expected in ((done, None), (fails, "^exec: canceling Cmd: no way$")):
            ctx, cancel = with_cancel(background())
            cmd = exec.command_context(ctx, "cat")
            cmd.cancel = cancel_fn
            stdin = cmd.stdin_pipe()
            cmd.start()
            cancel()
            wait_blocked(0)  # the watcher has called cancel_fn
            stdin.close()  # cat ends well
            if expected is None:
                cmd.wait()
            else:
                with pytest.raises(RuntimeError, match=expected) as caught:
                    cmd.wait()
                assert isinstance(caught.value.__cause__, OSError)

    run(main)


def test_wait_delay_kills_a_command_its_cancel_did_not_stop() -> None:
    def main() -> None:
        ctx, cancel = with_cancel(background())
        cmd = exec.command_context(ctx, "sleep", "10")
        cmd.cancel = None  # nothing at the context's end, but the delay
        cmd.wait_delay = 0.05
        cmd.start()
        cancel()
        with pytest.raises(exec.ExitError, match=r"^signal: killed$"):
            cmd.wait()

    run(main)


def test_wait_delay_closes_pipes_a_child_left_open() -> None:
    def main() -> bytes:
        # The shell exits at once; the sleep it leaves holds its stdout.
        cmd = exec.command("/bin/sh", "-c", "sleep 10 & echo $!")
        cmd.wait_delay = 0.1
        with pytest.raises(
            exec.ErrWaitDelay, match=r"^exec: WaitDelay expired before I/O complete$"
        ):
            cmd.output()
        assert cmd.process_state is not None
        assert cmd.process_state.success()
        return bytes(cmd.stdout)  # type: ignore[arg-type]

    orphan = int(run(main))
    os.kill(orphan, signal.SIGKILL)


def test_a_context_that_is_never_done_costs_no_watcher() -> None:
    def main() -> None:
        cmd = exec.command_context(background(), "/bin/sh", "-c", "exit 0")
        cmd.start()
        assert cmd._ctx_result is None
        cmd.wait()

    run(main)


# -- Process -------------------------------------------------------------------------------


def test_process_signal_kill_and_wait() -> None:
    def main() -> None:
        cmd = exec.command("sleep", "10")
        cmd.start()
        process = cmd.process
        assert process is not None
        assert process.pid > 0
        process.signal(signal.SIGTERM)
        state = process.wait()
        assert str(state) == "signal: terminated"
        with pytest.raises(exec.ErrProcessDone, match=r"^os: process already finished$"):
            process.kill()
        with pytest.raises(ChildProcessError, match=r"^wait: no child processes$"):
            process.wait()

    run(main)


def test_wait_after_the_process_was_waited_for_still_releases_the_command() -> None:
    def main() -> None:
        ctx, cancel = with_cancel(background())
        cmd = exec.command_context(ctx, "/bin/sh", "-c", "echo out")
        cmd.stdout = bytearray()
        cmd.start()
        cmd.process.wait()  # type: ignore[union-attr]
        with pytest.raises(ChildProcessError, match=r"^wait: no child processes$"):
            cmd.wait()  # as Go's: the error, once the watcher and the copy are done
        assert cmd.stdout == bytearray(b"out\n")
        cancel()

    run(main)  # the leak check: no goroutine left


# -- the scheduler -------------------------------------------------------------------------


def test_ten_commands_started_together_run_together() -> None:
    def main() -> float:
        started = time.monotonic()
        wg = WaitGroup()
        for _ in range(10):
            wg.go(exec.command("sleep", "0.3").run)
        wg.wait()
        return time.monotonic() - started

    elapsed = run(main)
    assert 0.3 <= elapsed < 2


def test_goroutines_run_while_one_waits_for_a_command() -> None:
    # cat ends only once the goroutine closes its input: a wait that held
    # the thread would never let it run.
    def main() -> int:
        cmd = exec.command("cat")
        stdin = cmd.stdin_pipe()
        cmd.start()
        ping, pong = Chan[int](), Chan[int]()
        rounds = 0

        def player() -> None:
            for n in ping:
                pong.send(n + 1)

        def driver() -> None:
            nonlocal rounds
            for n in range(100):
                ping.send(n)
                rounds += pong.recv() - n
            ping.close()
            stdin.close()

        go(player)
        go(driver)
        cmd.wait()
        return rounds

    assert run(main) == 100


def test_a_goroutine_waiting_on_a_command_is_no_deadlock() -> None:
    def main() -> bytes:
        cmd = exec.command("/bin/sh", "-c", "sleep 0.1; echo late")
        stdout = cmd.stdout_pipe()
        cmd.start()
        data = stdout.read(100)  # alone, parked on the pipe: work pending
        cmd.wait()  # alone, parked on the exit
        return data

    assert run(main) == b"late\n"


def test_the_end_of_run_ends_goroutines_parked_on_pipes_and_exits() -> None:
    ended: list[str] = []
    cmd = exec.command("cat")
    stdin = cmd.stdin_pipe()
    stdout = cmd.stdout_pipe()

    def parked(name: str, fn: object) -> None:
        try:
            fn()  # type: ignore[operator]
        finally:
            ended.append(name)

    def main() -> None:
        cmd.start()
        go(parked, "reader", lambda: stdout.read(10))
        go(parked, "waiter", cmd.process.wait)  # type: ignore[union-attr]
        wait_blocked(2, "IO wait")
        # Main returns: run() ends both goroutines.

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(get_runtime(), "at_main_return", None)  # left for run() on purpose
        run(main)
    assert sorted(ended) == ["reader", "waiter"]
    assert get_runtime().io_waiting == 0
    assert stdout._f.pd.r.g is None  # no goroutine left waiting on the pipe

    def cleanup() -> None:
        stdin.close()
        cmd.wait()

    run(cleanup)
    assert cmd.process_state is not None
    assert cmd.process_state.success()


def test_without_pidfd_the_exit_is_awaited_on_a_worker_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(os, "pidfd_open", raising=False)

    def main() -> None:
        cmd = exec.command("sleep", "10")
        cmd.start()
        waited = Chan[str](1)
        go(lambda: waited.send(str(cmd.process.wait())))  # type: ignore[union-attr]
        wait_blocked(1, "blocking")
        cmd.process.kill()  # type: ignore[union-attr]
        assert waited.recv() == "signal: killed"
        assert exec.command("/bin/sh", "-c", "echo x").output() == b"x\n"

    run(main)


def test_a_pipe_belongs_to_its_runtimes_thread() -> None:
    def main() -> None:
        cmd = exec.command("/bin/sh", "-c", "exit 0")
        stdout = cmd.stdout_pipe()
        cmd.start()
        errors: list[Exception] = []

        def other() -> None:
            try:
                stdout.read(1)
            except RuntimeError as exc:
                errors.append(exc)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert "belongs to the gochan runtime of thread" in str(errors[0])
        assert stdout.read(1) == b""
        cmd.wait()

    run(main)
