#!/usr/bin/env python3
"""The echo workload: a task per connection, on every runtime, driven by one Go client.

    python bench/echo.py [--conns 100,1000,10000] [--idle 100] [--seconds 3]
                         [--runtimes gochan,gevent,asyncio,trio,threads]

Each server (``bench/echo_servers.py``) runs in a process of its own; the
load client (``bench/echo_client.go``, built once with ``go build``, Debian's
``golang-go``) is none of the runtimes under test.  Per runtime and busy
connection count, with ``--idle`` silent connections opened first, it
reports messages per second, the server's CPU time per message (user +
system, from /proc, over the measured seconds), the p50 and p99 round trip, the server's peak RSS and
its threads, then the ratios of gochan to gevent and to asyncio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


def build_client(workdir: Path) -> Path:
    go = shutil.which("go")
    if go is None:
        sys.exit("bench/echo.py needs Go for its load client: apt-get install golang-go")
    binary = workdir / "echo_client"
    subprocess.run(
        [go, "build", "-o", str(binary), str(HERE / "echo_client.go")],
        check=True,
        cwd=workdir,
        env={**os.environ, "GOCACHE": str(workdir / "gocache"), "GO111MODULE": "off"},
    )
    return binary


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def status(pid: int, key: str) -> str:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].strip()
    return "?"


def measure(client: Path, runtime: str, conns: int, idle: int, seconds: float) -> dict[str, Any]:
    server = subprocess.Popen(
        [sys.executable, str(HERE / "echo_servers.py"), runtime],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline().split()
        if line[:1] != ["ready"]:
            return {"error": f"server did not start: {line}"}
        client_proc = subprocess.Popen(
            [
                str(client),
                f"-addr=127.0.0.1:{line[1]}",
                f"-conns={conns}",
                f"-idle={idle}",
                f"-seconds={seconds}",
                "-warmup=1",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert client_proc.stdout is not None
        cpu = 0.0
        for marker in ("start", "stop"):
            if client_proc.stdout.readline().strip() != marker:
                break
            cpu = cpu_seconds(server.pid) - cpu
        out = client_proc.stdout.read()  # readline() may have buffered it already
        client_proc.wait(timeout=120 + conns / 50)
        if client_proc.returncode:
            assert client_proc.stderr is not None
            return {"error": client_proc.stderr.read().strip()[-200:]}
        result: dict[str, Any] = json.loads(out)
        result["rss_mb"] = int(status(server.pid, "VmHWM").split()[0]) / 1024
        result["threads"] = int(status(server.pid, "Threads"))
        result["cpu_seconds"] = cpu
        return result
    finally:
        server.kill()
        server.wait()


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--conns", default="100,1000,10000")
    ap.add_argument("--idle", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--runtimes", default="gochan,gevent,asyncio,trio,threads")
    ap.add_argument(
        "--threads-max",
        type=int,
        default=1000,
        help="skip the threads server above this many connections (default 1000: "
        "10,000 threads overload a shared 2-core machine)",
    )
    args = ap.parse_args()
    runtimes = args.runtimes.split(",")
    print(
        "| runtime | conns | msgs/s | server CPU µs/msg | p50 µs | p99 µs | RSS MB | threads | errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    results: dict[tuple[str, int], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        client = build_client(Path(tmp))
        for conns in map(int, args.conns.split(",")):
            for runtime in runtimes:
                if runtime == "threads" and conns > args.threads_max:
                    print(f"| threads | {conns:,} | – | – | – | – | – | – | skipped |")
                    continue
                r = measure(client, runtime, conns, args.idle, args.seconds)
                results[runtime, conns] = r
                if "error" in r or not r["msgs"]:
                    r.setdefault("error", "no message in the measured seconds")
                    print(f"| {runtime} | {conns} | – | – | – | – | – | – | {r['error']} |")
                    continue
                rate = r["msgs"] / r["seconds"]
                cpu_per_msg = r["cpu_seconds"] / max(r["msgs"], 1) * 1e6
                print(
                    f"| {runtime} | {conns:,} | {rate:,.0f} | {cpu_per_msg:.1f} "
                    f"| {r['p50_us']:,.0f} | {r['p99_us']:,.0f} | {r['rss_mb']:.0f} "
                    f"| {r['threads']} | {r['errors']} |",
                    flush=True,
                )
    print()
    for peer in ("gevent", "asyncio"):
        for conns in map(int, args.conns.split(",")):
            ours, theirs = results.get(("gochan", conns)), results.get((peer, conns))
            if not ours or not theirs or "error" in ours or "error" in theirs:
                continue
            speed = (ours["msgs"] / ours["seconds"]) / (theirs["msgs"] / theirs["seconds"])
            cpu = (ours["cpu_seconds"] / ours["msgs"]) / (theirs["cpu_seconds"] / theirs["msgs"])
            print(
                f"- {conns:,} connections: gochan / {peer}: msgs/s ×{speed:.2f}, CPU/msg ×{cpu:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
