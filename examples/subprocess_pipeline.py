"""A pipeline over subprocess output: a goroutine per command, channels between them.

Three commands print their logs at once. A goroutine per command reads its
standard output line by line, Go's ``bufio.Scanner`` over ``StdoutPipe``::

    stdout, _ := cmd.StdoutPipe()
    cmd.Start()
    scanner := bufio.NewScanner(stdout)
    for scanner.Scan() { lines <- scanner.Text() }
    cmd.Wait()

and sends the lines down one channel; a filter stage keeps the errors; the
last stage writes them into ``sort`` through its standard input while main
reads what ``sort`` prints. Each command runs in its own process while the
goroutines of this one go on: a read, a write or a wait for an exit parks
only its goroutine, on the netpoller. Everything runs under one context
with a timeout (Go's ``exec.CommandContext``), which would kill the commands
left if the pipeline got stuck. Since the logs interleave differently from
run to run, ``sort`` puts them in one order.

Last, ``grep -q FATAL`` finds no fatal error and exits with status 1:
``exec.ExitError``, with Go's message.
"""

from __future__ import annotations

import io

from gochan import Chan, RecvChan, WaitGroup, background, exec, go, run, with_timeout
from gochan.context import Context

LOGS = {
    "api": ["api INFO listening", "api ERROR timeout on /users", "api INFO shutting down"],
    "db": ["db ERROR disk almost full", "db INFO vacuum done"],
    "cache": ["cache INFO warm", "cache ERROR eviction storm", "cache INFO cold"],
}


def read_log(ctx: Context, name: str, lines: Chan[str]) -> None:
    """One command's output, line by line, into ``lines``."""
    cmd = exec.command_context(ctx, "printf", r"%s\n", *LOGS[name])
    stdout = cmd.stdout_pipe()
    cmd.start()
    for line in io.BufferedReader(stdout):
        lines.send(line.decode().rstrip("\n"))
    cmd.wait()  # after the last read: wait() closes the pipe


def errors_only(lines: RecvChan[str]) -> RecvChan[str]:
    out = Chan[str]()

    def keep() -> None:
        try:
            for line in lines:
                if " ERROR " in line:
                    out.send(line)
        finally:
            out.close()

    go(keep)
    return out


def sort_lines(ctx: Context, lines: RecvChan[str]) -> list[str]:
    """``sort``'s output for ``lines``: a goroutine feeds it while this reads."""
    cmd = exec.command_context(ctx, "sort")
    stdin, stdout = cmd.stdin_pipe(), cmd.stdout_pipe()
    cmd.start()

    def feed() -> None:
        with stdin:  # sort prints once its input ends
            for line in lines:
                stdin.write(f"{line}\n".encode())

    go(feed)
    result = [line.decode().rstrip("\n") for line in io.BufferedReader(stdout)]
    cmd.wait()
    return result


def main() -> None:
    ctx, cancel = with_timeout(background(), 10)
    try:
        lines = Chan[str]()
        wg = WaitGroup()
        for name in LOGS:
            wg.go(read_log, ctx, name, lines)

        def close_when_read() -> None:  # the readers' channel closes after the last one
            wg.wait()
            lines.close()

        go(close_when_read)
        errors = sort_lines(ctx, errors_only(lines))
    finally:
        cancel()
    print("sorted errors:")
    for line in errors:
        print(" ", line)
    print(f"{len(errors)} errors from {len(LOGS)} commands")

    grep = exec.command("grep", "-q", "FATAL")
    grep.stdin = "\n".join(errors).encode()
    try:
        grep.run()
    except exec.ExitError as err:
        print(f"grep FATAL: {err} (exit code {err.exit_code})")


if __name__ == "__main__":
    run(main)

# Output:
# sorted errors:
#   api ERROR timeout on /users
#   cache ERROR eviction storm
#   db ERROR disk almost full
# 3 errors from 3 commands
# grep FATAL: exit status 1 (exit code 1)
