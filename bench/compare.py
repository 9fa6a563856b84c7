#!/usr/bin/env python3
"""Compare two versions of gochan in one process, alternating, on the same workloads.

    python bench/compare.py OTHER_CHECKOUT [-w WORKLOAD ...] [-r 9] [--scale 0.1]

OTHER_CHECKOUT is the root of another gochan checkout (e.g. a ``git worktree``
of main); "base" is that one, "this" is the checkout this script is in. Both
packages are imported side by side (the other one copied under the name
``gochan_base``, which works because gochan imports itself only relatively),
and each repetition runs both versions, alternating which goes first, with a
raw greenlet round trip measured alongside. It prints, per workload, the
medians, each as a multiple of the raw round trip, and this/base with its
range over the repetitions. On a noisy shared machine this resolves changes
of about 5%, where separate processes (``bench/run.py``) need 30% or more.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import common as C

C.use_checkout()

import gochan  # noqa: E402

import goapi_workloads  # noqa: E402
from bench_greenlet import pingpong_raw_greenlet  # noqa: E402

DEFAULT_WORKLOADS = [
    "pingpong_unbuffered",
    "unbuffered_stream",
    "throughput_buffered",
    "fanin_select",
    "spawn",
    "worker_pool",
]
RAW_N = 20_000


def import_as(checkout: Path, name: str, tmp: Path) -> ModuleType:
    """Import the gochan package of ``checkout`` under another top-level name."""
    src = checkout / "gochan"
    if not (src / "__init__.py").exists():
        sys.exit(f"{checkout} has no gochan/__init__.py")
    shutil.copytree(src, tmp / name, ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(tmp))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(tmp))


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("other", type=Path, help="root of the other (base) gochan checkout")
    ap.add_argument("-w", "--workload", action="append", default=[], help="repeatable")
    ap.add_argument("-r", "--reps", type=int, default=9, help="repetitions (default 9)")
    ap.add_argument("--scale", type=float, default=0.1, help="N × this (default 0.1)")
    args = ap.parse_args()
    names = [w for a in args.workload for w in a.split(",") if w] or DEFAULT_WORKLOADS
    if "parked_memory" in names:
        ap.error("parked_memory needs a fresh process per measurement: use bench/run.py")

    with tempfile.TemporaryDirectory() as tmp:
        base = import_as(args.other.resolve(), "gochan_base", Path(tmp))
        versions = {
            "base": goapi_workloads.make_workloads(base),
            "this": goapi_workloads.make_workloads(gochan),
        }
        print("| workload (ns / op) | raw round trip | base | this | this / base (range) |")
        print("|---|---:|---:|---:|---:|")
        for w in names:
            n = max(1, int(C.DEFAULT_N[w] * args.scale))
            got: dict[str, list[float]] = {k: [] for k in versions}
            raw: list[float] = []
            for rep in range(args.reps):
                raw.append(pingpong_raw_greenlet(RAW_N)["seconds"] * 1e9 / RAW_N)
                order = list(versions) if rep % 2 == 0 else list(versions)[::-1]
                for k in order:
                    res = versions[k][w](n)
                    if res.get("ok") is False:
                        sys.exit(f"{k} gave a wrong result on {w}")
                    got[k].append(res.get("per_op_ns") or res["seconds"] * 1e9 / n)
            r = statistics.median(raw)
            b, t = statistics.median(got["base"]), statistics.median(got["this"])
            pairs = [x / y for x, y in zip(got["this"], got["base"], strict=True)]
            print(
                f"| {w} | {r:,.0f} | {b:,.0f} (×{b / r:.2f}) | {t:,.0f} (×{t / r:.2f}) "
                f"| {t / b:.2f} ({min(pairs):.2f}–{max(pairs):.2f}) |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
