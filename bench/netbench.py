"""What the network benchmarks' runners share: Go programs, servers in processes, /proc.

``bench/echo.py``, ``bench/http_client_bench.py`` and
``bench/http_server_bench.py`` run each runtime under test in a process of
its own, drive it with a program that is none of them (a Go program, or
``wrk``), and read the process's CPU time, peak RSS and threads from
/proc.  Linux only, stdlib only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


def build_go(source: str, workdir: Path) -> Path:
    """``go build`` the one-file program ``bench/<source>`` into ``workdir``; the binary."""
    go = shutil.which("go")
    if go is None:
        sys.exit(f"bench/{source} needs Go: apt-get install golang-go")
    binary = workdir / Path(source).stem
    subprocess.run(
        [go, "build", "-o", str(binary), str(HERE / source)],
        check=True,
        cwd=workdir,
        env={**os.environ, "GOCACHE": str(workdir / "gocache"), "GO111MODULE": "off"},
    )
    return binary


def cpu_seconds(pid: int) -> float:
    """The user + system CPU time of process ``pid`` so far, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def status(pid: int, key: str) -> str:
    """The ``key`` line of /proc/PID/status (``VmHWM``, ``Threads`` ...), or ``"?"``."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # gone already
        return "?"
    for line in text.splitlines():
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].strip()
    return "?"


def peak_rss_mb(pid: int) -> float:
    """The peak resident set of process ``pid``, in MB."""
    return int(status(pid, "VmHWM").split()[0]) / 1024


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as ``uptime`` shows them."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


class Server:
    """A server under test in a process of its own, started by ``argv``.

    The program prints ``ready PORT`` once it listens on 127.0.0.1:PORT.
    A context manager: leaving it kills the process (by its pid) and
    waits for it.
    """

    def __init__(self, argv: Sequence[str]) -> None:
        self.proc = subprocess.Popen(list(argv), stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().split()
        if line[:1] != ["ready"]:
            self.close()
            raise RuntimeError(f"{argv[-1]} server did not start: {line}")
        self.port = int(line[1])
        self.pid = self.proc.pid

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class ThreadWatch:
    """The most threads process ``pid`` had, sampled every 20 ms while in ``with``."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while True:
            threads = status(self.pid, "Threads")
            if threads.isdigit():
                self.most = max(self.most, int(threads))
            if self._stop.wait(0.02):
                return

    def __enter__(self) -> ThreadWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
