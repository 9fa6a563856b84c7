#!/usr/bin/env python3
"""The echo workload: a task per connection, on every runtime, driven by one Go client.

    python bench/echo.py [--conns 100,1000,10000] [--idle 100] [--seconds 3]
                         [--runtimes gochan,gevent,asyncio,trio,threads]

Each server (``bench/echo_servers.py``) runs in a process of its own; the
load client (``bench/echo_client.go``, built once with ``go build``, Debian's
``golang-go``) is none of the runtimes under test.  Per runtime and busy
connection count, with ``--idle`` silent connections opened first, it
reports messages per second, the server's CPU time per message (user +
system, from /proc, over the measured seconds), the p50 and p99 round
trip, the server's peak RSS, the most threads it had and the load average;
then the ratios of gochan to gevent and to asyncio against the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import netbench
from netbench import HERE

# Issue #13's targets, at TARGET_CONNS connections and more: (peer, the least
# messages/s ratio of gochan's, the most CPU/message ratio or None).
TARGETS: list[tuple[str, float, float | None]] = [("gevent", 1.3, 0.8), ("asyncio", 2.0, None)]
TARGET_CONNS = 1000


def measure(client: Path, runtime: str, conns: int, idle: int, seconds: float) -> dict[str, Any]:
    try:
        server = netbench.Server([sys.executable, str(HERE / "echo_servers.py"), runtime])
    except RuntimeError as err:
        return {"error": str(err)}
    with server, netbench.ThreadWatch(server.pid) as threads:
        client_proc = subprocess.Popen(
            [
                str(client),
                f"-addr=127.0.0.1:{server.port}",
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
            cpu = netbench.cpu_seconds(server.pid) - cpu
        out = client_proc.stdout.read()  # readline() may have buffered it already
        client_proc.wait(timeout=120 + conns / 50)
        if client_proc.returncode:
            assert client_proc.stderr is not None
            return {"error": client_proc.stderr.read().strip()[-200:]}
        result: dict[str, Any] = json.loads(out)
        result["rss_mb"] = netbench.peak_rss_mb(server.pid)
        result["threads"] = threads.most
        result["load"] = os.getloadavg()[0]
        result["cpu_seconds"] = cpu
        return result


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
    print(f"load average at the start: {netbench.load_average()} ({os.cpu_count()} CPUs)\n")
    print(
        "| runtime | conns | msgs/s | server CPU µs/msg | p50 µs | p99 µs | RSS MB | threads "
        "| errors | load |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    results: dict[tuple[str, int], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        client = netbench.build_go("echo_client.go", Path(tmp))
        for conns in map(int, args.conns.split(",")):
            for runtime in runtimes:
                if runtime == "threads" and conns > args.threads_max:
                    print(f"| threads | {conns:,} | – | – | – | – | – | – | skipped | |")
                    continue
                r = measure(client, runtime, conns, args.idle, args.seconds)
                results[runtime, conns] = r
                if "error" in r or not r["msgs"]:
                    r.setdefault("error", "no message in the measured seconds")
                    print(f"| {runtime} | {conns:,} | – | – | – | – | – | – | {r['error']} | |")
                    continue
                rate = r["msgs"] / r["seconds"]
                cpu_per_msg = r["cpu_seconds"] / max(r["msgs"], 1) * 1e6
                print(
                    f"| {runtime} | {conns:,} | {rate:,.0f} | {cpu_per_msg:.1f} "
                    f"| {r['p50_us']:,.0f} | {r['p99_us']:,.0f} | {r['rss_mb']:.0f} "
                    f"| {r['threads']} | {r['errors']} | {r['load']:.1f} |",
                    flush=True,
                )
    print(f"\nload average at the end: {netbench.load_average()}\n")
    for peer, least_speed, most_cpu in TARGETS:
        for conns in map(int, args.conns.split(",")):
            ours, theirs = results.get(("gochan", conns)), results.get((peer, conns))
            if not ours or not theirs or "error" in ours or "error" in theirs:
                continue
            speed = (ours["msgs"] / ours["seconds"]) / (theirs["msgs"] / theirs["seconds"])
            cpu = (ours["cpu_seconds"] / ours["msgs"]) / (theirs["cpu_seconds"] / theirs["msgs"])
            targets = conns >= TARGET_CONNS
            print(
                f"- {conns:,} connections: gochan / {peer}: msgs/s ×{speed:.2f}"
                + (f" (target ≥ {least_speed}: {verdict(speed >= least_speed)})" if targets else "")
                + f", CPU/msg ×{cpu:.2f}"
                + (
                    f" (target ≤ {most_cpu}: {verdict(cpu <= most_cpu)})"
                    if targets and most_cpu is not None
                    else ""
                )
            )
    return 0


def verdict(met: bool) -> str:
    return "met" if met else "missed"


if __name__ == "__main__":
    sys.exit(main())
