#!/usr/bin/env python3
"""The hello-world HTTP server workload: keep-alive requests/s, one load generator for all.

    python bench/http_server_bench.py [--conns 100,1000] [--seconds 5] [--threads 2]
                                      [--servers gochan,gevent,gevent-nagle,aiohttp,go]

Each server (``bench/http_servers.py``; ``go`` is Go's net/http, from
``bench/http_peer.go -mode hello``, for reference; ``gevent-nagle`` is
pywsgi as it comes, whose keep-alive answers wait for delayed ACKs) runs
in a process of its own and is driven by ``wrk`` (``apt-get install
wrk``), none of the runtimes under test: a 1 s warm-up run, then
``--seconds`` with ``--conns`` keep-alive connections over ``--threads``
wrk threads.  Per server and
connection count it reports requests per second, the server's CPU time
per request (user + system, from /proc, over the measured run), wrk's p50
and p99 latency, the server's peak RSS and threads, wrk's errors (socket
errors, timeouts, non-2xx answers) and the load average; then the ratios
of gochan to its peers.
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

import netbench
from netbench import HERE

SERVERS = "gochan,gevent,gevent-nagle,aiohttp,go"

# (theirs, the least requests/s ratio of gochan's asked for): issue #14's targets.
TARGETS = [("gevent", 1.2), ("aiohttp", 1.0)]


def wrk(url: str, conns: int, threads: int, seconds: float) -> dict[str, Any]:
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(threads, conns)}",
            f"-c{conns}",
            f"-d{seconds:g}s",
            "--timeout=10s",
            f"--script={HERE / 'wrk_report.lua'}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    report: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return report


def measure(peer: Path, server_name: str, conns: int, args: argparse.Namespace) -> dict[str, Any]:
    if server_name == "go":
        argv = [str(peer), "-mode=hello"]
    else:
        argv = [sys.executable, str(HERE / "http_servers.py"), server_name]
    try:
        server = netbench.Server(argv)
    except RuntimeError as err:
        return {"error": str(err)}
    with server, netbench.ThreadWatch(server.pid) as threads:
        url = f"http://127.0.0.1:{server.port}/"
        try:
            wrk(url, conns, args.threads, 1)  # warm-up
            cpu0 = netbench.cpu_seconds(server.pid)
            result = wrk(url, conns, args.threads, args.seconds)
            result["cpu_seconds"] = netbench.cpu_seconds(server.pid) - cpu0
        except subprocess.CalledProcessError as err:
            return {"error": f"wrk failed: {err.stderr.strip()[-200:]}"}
        result["rss_mb"] = netbench.peak_rss_mb(server.pid)
    result["threads"] = threads.most
    result["load"] = os.getloadavg()[0]
    return result


def rate(r: dict[str, Any]) -> float:
    return float(r["requests"] / (r["duration_us"] / 1e6))


def cpu_per_request(r: dict[str, Any]) -> float:
    return float(r["cpu_seconds"] / r["requests"])


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--conns", default="100,1000", help="keep-alive connections, per run")
    ap.add_argument("--seconds", type=float, default=5, help="measured seconds per run")
    ap.add_argument("--threads", type=int, default=2, help="wrk's threads")
    ap.add_argument("--servers", default=SERVERS)
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/http_server_bench.py needs wrk: apt-get install wrk")
    print(f"load average at the start: {netbench.load_average()} ({os.cpu_count()} CPUs)\n")
    print(
        "| server | conns | requests/s | server CPU µs/req | p50 ms | p99 ms | RSS MB | threads "
        "| errors | load |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    conn_counts = [int(c) for c in args.conns.split(",")]
    results: dict[tuple[str, int], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        peer = netbench.build_go("http_peer.go", Path(tmp))
        for conns in conn_counts:
            for name in args.servers.split(","):
                r = measure(peer, name, conns, args)
                if "error" not in r and not r["requests"]:
                    r["error"] = "no request answered"
                if "error" in r:
                    print(f"| {name} | {conns:,} | – | – | – | – | – | – | {r['error']} | |")
                    continue
                results[name, conns] = r
                errors = r["socket_errors"] + r["timeouts"] + r["bad_status"]
                print(
                    f"| {name} | {conns:,} | {rate(r):,.0f} | {cpu_per_request(r) * 1e6:.1f} "
                    f"| {r['p50_us'] / 1e3:,.1f} | {r['p99_us'] / 1e3:,.1f} | {r['rss_mb']:.0f} "
                    f"| {r['threads']} | {errors} | {r['load']:.1f} |",
                    flush=True,
                )
    print(f"\nload average at the end: {netbench.load_average()}\n")
    for conns in conn_counts:
        ours = results.get(("gochan", conns))
        if ours is None:
            continue
        for theirs_name, least in [*TARGETS, ("gevent-nagle", None), ("go", None)]:
            theirs = results.get((theirs_name, conns))
            if theirs is None:
                continue
            speed = rate(ours) / rate(theirs)
            cpu = cpu_per_request(ours) / cpu_per_request(theirs)
            target = ""
            if least is not None:
                target = f" (target ≥ {least}: {'met' if speed >= least else 'missed'})"
            print(
                f"- {conns:,} connections: gochan / {theirs_name}: requests/s ×{speed:.2f}"
                f"{target}, CPU/request ×{cpu:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
