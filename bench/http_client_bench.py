#!/usr/bin/env python3
"""The concurrent-GET client workload: 1,000 GETs at once against a slow backend.

    python bench/http_client_bench.py [--conc 1000] [--rounds 5] [--warmup 1] [--delay 50ms]
                                      [--clients gochan,gochan-http,gevent,...,go]

The backend is Go's net/http (``bench/http_peer.go -mode backend``, built
once with ``go build``, Debian's ``golang-go``): none of the runtimes under
test.  It answers every GET after ``--delay`` with a 13-byte body and
``Connection: close``, so every GET is a connect, a request, a response
and a close, in every client.  Each client (``bench/http_clients.py``)
runs in a process of its own, one after the other against the same
backend: ``--warmup`` rounds, then ``--rounds`` rounds of ``--conc`` GETs
started at once.  ``go`` is Go's net/http client, for reference.

Per client it reports GETs per second (the measured GETs over the measured
rounds' wall time), the client's CPU time per GET (user + system), the p50
and p99 latency of a GET, the client's peak RSS, the most threads it had
and the load average; then the ratios of gochan's two clients to their
peers.  With 1,000 GETs in flight and 50 ms per answer, a client could
make 20,000 GETs/s: what limits them is their CPU, so CPU per GET is the
robust figure on a shared machine.
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

CLIENTS = "gochan,gochan-http,gevent-raw,gevent,asyncio,aiohttp,trio,threads,go"

# (ours, theirs, the least GETs/s ratio asked for, where from): the targets.
TARGETS = [
    ("gochan", "gevent-raw", 1.0, "#13, raw HTTP/1.1 on both"),
    ("gochan", "gevent", 1.0, "#13, gevent with http.client"),
    ("gochan-http", "gevent", 1.0, "#14"),
    ("gochan-http", "aiohttp", 1.0, "#14"),
]
OTHER_RATIOS = [("gochan", "asyncio"), ("gochan", "trio"), ("gochan-http", "go")]


def measure(peer: Path, client: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    rounds = [f"--conc={args.conc}", f"--rounds={args.rounds}", f"--warmup={args.warmup}"]
    if client == "go":
        argv = [str(peer), "-mode=client", f"-url={url}", *rounds]
    else:
        argv = [sys.executable, str(HERE / "http_clients.py"), client, url, *rounds]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with netbench.ThreadWatch(proc.pid) as threads:
            out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return {"error": "timed out"}
    if proc.returncode:
        return {"error": err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}"}
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["threads"] = threads.most
    result["load"] = os.getloadavg()[0]
    return result


def rate(r: dict[str, Any]) -> float:
    return float(r["gets"] / r["seconds"])


def cpu_per_get(r: dict[str, Any]) -> float:
    return float(r["cpu_seconds"] / r["gets"])


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--conc", type=int, default=1000, help="GETs started at once per round")
    ap.add_argument("--rounds", type=int, default=5, help="measured rounds")
    ap.add_argument("--warmup", type=int, default=1, help="unmeasured rounds first")
    ap.add_argument("--delay", default="50ms", help="the backend's time to answer (Go duration)")
    ap.add_argument("--clients", default=CLIENTS)
    args = ap.parse_args()
    print(f"load average at the start: {netbench.load_average()} ({os.cpu_count()} CPUs)\n")
    print(
        "| client | GETs/s | client CPU µs/GET | p50 ms | p99 ms | RSS MB | threads | errors | load |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        peer = netbench.build_go("http_peer.go", Path(tmp))
        with netbench.Server([str(peer), "-mode=backend", f"-delay={args.delay}"]) as backend:
            url = f"http://127.0.0.1:{backend.port}/"
            for client in args.clients.split(","):
                r = measure(peer, client, url, args)
                if "error" not in r and not r["gets"]:
                    r["error"] = r.get("first_error") or "no GET succeeded"
                if "error" in r:
                    print(f"| {client} | – | – | – | – | – | – | {r['error']} | |", flush=True)
                    continue
                results[client] = r
                errors = f"{r['errors']} {r.get('first_error', '')}".strip()
                print(
                    f"| {client} | {rate(r):,.0f} | {cpu_per_get(r) * 1e6:,.0f} "
                    f"| {r['p50_us'] / 1e3:,.0f} | {r['p99_us'] / 1e3:,.0f} | {r['rss_mb']:.0f} "
                    f"| {r['threads']} | {errors} | {r['load']:.1f} |",
                    flush=True,
                )
    print(f"\nload average at the end: {netbench.load_average()}\n")
    for ours, theirs, least, source in TARGETS:
        if ours in results and theirs in results:
            a, b = results[ours], results[theirs]
            speed = rate(a) / rate(b)
            verdict = "met" if speed >= least else "missed"
            print(
                f"- {ours} / {theirs}: GETs/s ×{speed:.2f} (target ≥ {least}, {source}: "
                f"{verdict}), CPU/GET ×{cpu_per_get(a) / cpu_per_get(b):.2f}"
            )
    for ours, theirs in OTHER_RATIOS:
        if ours in results and theirs in results:
            a, b = results[ours], results[theirs]
            print(
                f"- {ours} / {theirs}: GETs/s ×{rate(a) / rate(b):.2f}, "
                f"CPU/GET ×{cpu_per_get(a) / cpu_per_get(b):.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
