#!/usr/bin/env python3
"""Run gochan's benchmarks against its peers and print one markdown table.

gochan runs twice: compiled (column "gochan compiled", where the compiled
core is built; the targets are its) and as Python ("gochan Python", the same
program with GOCHAN_PURE_PYTHON=1).

    python bench/run.py                 # full: standard N, 3 repetitions
    python bench/run.py --quick         # N / 10, 3 repetitions (about a minute)
    python bench/run.py -w spawn -w pingpong_unbuffered -r 5
    python bench/run.py --million       # RSS of 1,000,000 parked goroutines (not in --quick)
    python bench/run.py --quick --at HEAD   # gochan as committed, whatever the work tree holds
    python bench/run.py --table bench/results/run-*.jsonl   # re-render saved runs

Every (runtime, workload) runs in a fresh subprocess (``bench_<runtime>.py
-w <workload>``).  The repetitions alternate: for each repetition and each
workload, every runtime runs once, in an order rotated by one per repetition,
so that the cells compared in one row were measured close together in time.
The table shows the median over the repetitions, each ns-per-op cell also as
a multiple of the raw greenlet round trip (two bare ``switch`` calls) of the
same run, and then the issue's targets: gochan's median over the named
reference's median, with the range of the per-repetition ratios.

The machine is shared and noisy: quote ratios and medians from one run,
never a lone absolute time.  Raw records go to ``bench/results/`` (ignored
by git) unless ``--no-save``.
"""

from __future__ import annotations

import argparse
import atexit
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import common as C

Record = dict[str, Any]

# Column order of the table; each is bench/bench_<name>.py.
RUNTIMES = ["gochan", "gochan-py", "greenlet", "gevent", "asyncio", "trio", "threads"]
COLUMN = {"greenlet": "raw greenlet", "gochan": "gochan compiled", "gochan-py": "gochan Python"}
# gochan-py: gochan's pure Python build, the same program with GOCHAN_PURE_PYTHON=1;
# "gochan" runs the compiled build where it is built (docs/design.md, "The compiled core").
PROGRAM = {"gochan-py": "gochan"}
PURE_PYTHON = {"gochan-py"}
RAW = ("greenlet", "pingpong_raw_greenlet")  # the floor every ns/op cell is divided by


@dataclass(frozen=True)
class Row:
    workload: str
    label: str
    field: str  # the record field shown
    per_raw: bool  # also shown as a multiple of the raw greenlet round trip


ROWS = [
    Row("pingpong_raw_greenlet", "raw greenlet round trip (ns / round trip)", "per_op_ns", True),
    Row("pingpong_unbuffered", "ping-pong, unbuffered (ns / round trip)", "per_op_ns", True),
    Row("unbuffered_stream", "unbuffered stream 1→1 (ns / msg)", "per_op_ns", True),
    Row("throughput_buffered", "buffered stream cap 128 (ns / msg)", "per_op_ns", True),
    Row("fanin_select", "fan-in by select 4→1 (ns / msg)", "per_op_ns", True),
    Row("spawn", "spawn + wait (ns / goroutine)", "per_op_ns", True),
    Row("parked_memory", "parked memory (bytes / goroutine)", "bytes_per_goroutine", False),
    Row("worker_pool", "worker pool of 8 (ns / job)", "per_op_ns", True),
    Row("timers", "timers 0–50 ms (ns / sleeper over the longest sleep)", "per_op_ns", False),
]


@dataclass(frozen=True)
class Target:
    label: str
    workload: str
    ref_runtime: str
    ref_workload: str
    field: str
    limit: float


TARGETS = [
    Target("ping-pong / raw greenlet round trip", "pingpong_unbuffered", *RAW, "per_op_ns", 1.5),
    Target("unbuffered stream / raw greenlet round trip", "unbuffered_stream", *RAW, "per_op_ns", 1.0),
    Target("buffered stream / gevent Queue", "throughput_buffered", "gevent", "throughput_buffered", "per_op_ns", 0.6),
    Target("fan-in by select / gevent fan-in", "fanin_select", "gevent", "fanin_select", "per_op_ns", 0.4),
    Target("spawn + wait / asyncio TaskGroup", "spawn", "asyncio", "spawn", "per_op_ns", 0.15),
    Target("worker pool / gevent", "worker_pool", "gevent", "worker_pool", "per_op_ns", 0.45),
    Target("parked memory / bare parked greenlet", "parked_memory", "greenlet", "parked_memory", "bytes_per_goroutine", 1.1),
]  # fmt: skip

QUICK_SCALE = 0.1
MILLION = 1_000_000
MILLION_WARM_GB = 16.0  # about twice what the largest million-goroutine process takes


def program(runtime: str) -> Path:
    return C.BENCH_DIR / f"bench_{PROGRAM.get(runtime, runtime)}.py"


def runtime_env(runtime: str, env: dict[str, str]) -> dict[str, str]:
    """The environment of a cell: GOCHAN_PURE_PYTHON set for gochan-py only."""
    env = {k: v for k, v in env.items() if k != "GOCHAN_PURE_PYTHON"}
    if runtime in PURE_PYTHON:
        env["GOCHAN_PURE_PYTHON"] = "1"
    return env


def available(runtimes: Sequence[str]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Ask each program which workloads it has; note the ones that cannot start."""
    have: dict[str, list[str]] = {}
    missing: dict[str, str] = {}
    for rt in runtimes:
        p = subprocess.run(
            [sys.executable, str(program(rt)), "--list"], capture_output=True, text=True
        )
        if p.returncode == 0:
            have[rt] = p.stdout.split()
        else:
            last = (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1]
            missing[rt] = last
    return have, missing


def run_cell(runtime: str, workload: str, env: dict[str, str], timeout: float) -> Record:
    rec: Record = {"runtime": runtime, "workload": workload}
    t0 = time.perf_counter()
    try:
        p = subprocess.run(
            [sys.executable, str(program(runtime)), "-w", workload],
            capture_output=True,
            text=True,
            env=runtime_env(runtime, env),
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        rec["error"] = f"timeout after {timeout:.0f} s"
        return rec
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if lines:
        rec = json.loads(lines[-1])
        rec["runtime"] = runtime  # gochan-py's program calls itself gochan
    if p.returncode != 0 and "error" not in rec:
        tail = (p.stderr.strip().splitlines() or [""])[-1]
        rec["error"] = f"exit {p.returncode}: {tail}"
    rec["wall_s"] = round(time.perf_counter() - t0, 3)
    return rec


def schedule(
    reps: int, workloads: Sequence[str], have: dict[str, list[str]]
) -> list[tuple[int, str, str]]:
    """(rep, runtime, workload) in run order: runtimes alternate within each workload."""
    runtimes = list(have)
    cells: list[tuple[int, str, str]] = []
    for rep in range(reps):
        k = rep % len(runtimes) if runtimes else 0
        order = runtimes[k:] + runtimes[:k]
        for w in workloads:
            cells.extend((rep, rt, w) for rt in order if w in have[rt])
    return cells


def export_commit(rev: str) -> str:
    """Extract ``gochan/`` as of commit ``rev`` into a temporary directory.

    Points ``GOCHAN_PATH`` there, so every cell of the run imports that exact
    code, whatever happens to the work tree meanwhile.  Returns the short hash.
    """
    git = ["git", "-C", str(C.REPO_ROOT)]
    short = subprocess.run(
        [*git, "rev-parse", "--short", rev], capture_output=True, text=True, check=True
    ).stdout.strip()
    archive = subprocess.run(
        [*git, "archive", "--format=tar", short, "gochan"], capture_output=True, check=True
    ).stdout
    dest = tempfile.mkdtemp(prefix=f"gochan-{short}-")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    os.environ["GOCHAN_PATH"] = dest
    os.environ["GOCHAN_LABEL"] = short
    return short


def gochan_commit() -> str:
    """The commit of the gochan under test, with "+dirty" for local changes."""
    if os.environ.get("GOCHAN_LABEL"):
        return os.environ["GOCHAN_LABEL"]
    root = os.environ.get("GOCHAN_PATH") or str(C.REPO_ROOT)
    try:
        head = subprocess.run(
            ["git", "-C", root, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", root, "status", "--porcelain", "--", "gochan"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def measure(args: argparse.Namespace) -> list[Record]:
    runtimes = [r for r in RUNTIMES if not args.runtime or r in args.runtime]
    have, missing = available(runtimes)
    for rt, why in missing.items():
        print(f"# {rt}: not run ({why})", file=sys.stderr)
    workloads = [w for w in C.WORKLOADS if not args.workload or w in args.workload]
    if args.workload:
        # the references the table divides by always come along
        workloads = [w for w in C.WORKLOADS if w in args.workload or w == RAW[1]]
    env = dict(os.environ)
    env.pop("BENCH_SCALE", None)
    if args.quick:
        env["BENCH_SCALE"] = str(QUICK_SCALE)
    cells = schedule(args.reps, workloads, have)
    meta: Record = {
        "meta": True,
        "mode": "quick" if args.quick else "full",
        "reps": args.reps,
        "scale": QUICK_SCALE if args.quick else 1.0,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load1": os.getloadavg()[0],
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "gochan": gochan_commit(),
        "missing": missing,
    }
    records: list[Record] = [meta]
    t_start = time.perf_counter()
    for i, (rep, rt, w) in enumerate(cells, 1):
        load1 = os.getloadavg()[0]
        rec = run_cell(rt, w, env, args.timeout)
        rec["rep"] = rep
        rec["run"] = meta["started"]
        rec["load1"] = round(load1, 2)
        records.append(rec)
        shown = rec.get("error") or f"{rec.get('per_op_ns', '?')} ns/op"
        print(
            f"[{i}/{len(cells)}] rep {rep + 1} {rt:8} {w:22} {shown}  ({rec.get('wall_s', '?')} s)",
            file=sys.stderr,
            flush=True,
        )
    meta["seconds"] = round(time.perf_counter() - t_start, 1)
    meta["load1_end"] = os.getloadavg()[0]
    return records


def warm_memory(limit_gb: float) -> float:
    """Write to ``limit_gb`` of fresh memory (less if less is free) and free it; returns GB.

    On a virtual machine the first write to a page of guest memory that the
    host has not backed yet costs several times a write to one it has: a
    process that needs more memory than the machine's recent processes used
    pays for the difference, whoever it is.  A million parked goroutines need
    6 GB, and a cold run took twice as long as a warm one (docs/performance.md,
    "1,000,000 parked goroutines"), so every runtime is measured warm.
    """
    free_gb = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    gb = max(0.0, min(limit_gb, free_gb - 2.0))
    code = (
        "import mmap, sys\n"
        "size = int(float(sys.argv[1]) * 2**30) & ~(2**26 - 1)\n"
        "m = mmap.mmap(-1, size)\n"
        "chunk = b'\\1' * 2**26\n"
        "for _ in range(size // 2**26): m.write(chunk)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(gb)], check=True)
    return round(gb, 1)


def measure_million(args: argparse.Namespace) -> list[Record]:
    """1,000,000 parked goroutines: gochan and the bare parked greenlet, ``-r`` times each.

    The repetitions alternate the runtimes, as the other workloads' do, after
    the machine's memory is warmed up (see :func:`warm_memory`).
    """
    env = dict(os.environ)
    env.pop("BENCH_SCALE", None)
    env["BENCH_N_PARKED_MEMORY"] = str(MILLION)
    meta: Record = {
        "meta": True,
        "mode": "million",
        "reps": args.reps,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load1": os.getloadavg()[0],
        "python": platform.python_version(),
        "gochan": gochan_commit(),
        "mem_total_gb": round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1),
    }
    meta["warmed_gb"] = warm_memory(MILLION_WARM_GB)
    records: list[Record] = [meta]
    runtimes = [
        r for r in ("gochan", "gochan-py", "greenlet") if not args.runtime or r in args.runtime
    ]
    for rep in range(args.reps):
        for rt in runtimes[rep % len(runtimes) :] + runtimes[: rep % len(runtimes)]:
            rec = run_cell(rt, "parked_memory", env, max(args.timeout, 1800.0))
            rec["rep"] = rep
            records.append(rec)
            shown = (
                rec.get("error") or f"{rec.get('rss_parked_mb')} MB parked, {rec.get('seconds')} s"
            )
            print(f"# rep {rep + 1} {rt}: {shown}", file=sys.stderr)
    return records


# ---------------------------------------------------------------- rendering


def fmt(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


class Results:
    """Records of one or more runs, indexed by (runtime, workload)."""

    def __init__(self, records: Iterable[Record]) -> None:
        self.meta: list[Record] = []
        self.cells: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for r in records:
            if r.get("meta"):
                self.meta.append(r)
            elif "workload" in r:
                self.cells[r["runtime"], r["workload"]].append(r)

    def values(self, runtime: str, workload: str, field: str) -> list[float]:
        return [
            float(r[field])
            for r in self.cells.get((runtime, workload), [])
            if field in r and "error" not in r
        ]

    def median(self, runtime: str, workload: str, field: str) -> float | None:
        v = self.values(runtime, workload, field)
        return statistics.median(v) if v else None

    def by_rep(self, runtime: str, workload: str, field: str) -> dict[tuple[str, int], float]:
        out = {}
        for r in self.cells.get((runtime, workload), []):
            if field in r and "error" not in r:
                out[r.get("run", ""), r.get("rep", 0)] = float(r[field])
        return out

    def runtimes(self) -> list[str]:
        seen = {rt for rt, _ in self.cells}
        return [r for r in RUNTIMES if r in seen] + sorted(seen - set(RUNTIMES))


def render(res: Results) -> str:
    out: list[str] = []
    rts = res.runtimes()
    raw = res.median(*RAW, "per_op_ns")
    notes: dict[str, int] = {}

    def note_mark(text: str) -> str:
        k = notes.setdefault(text, len(notes) + 1)
        return f"<sup>{k}</sup>"

    meta = res.meta[0] if res.meta else {}
    if meta:
        out.append(
            f"Mode: **{meta.get('mode')}** (N × {meta.get('scale', 1)}), "
            f"median of {meta.get('reps')} repetitions per cell, each cell in a fresh process; "
            f"gochan {meta.get('gochan', '?')}, started {meta.get('started')}, Python {meta.get('python')}, "
            f"{meta.get('cpus', '?')} CPUs, load average {meta.get('load1', 0):.2f} at the start"
            + (f", took {meta['seconds']:.0f} s." if "seconds" in meta else ".")
            + (f" Pooled with {len(res.meta) - 1} more run(s)." if len(res.meta) > 1 else "")
        )
        out.append("")
    out.append("| workload | " + " | ".join(COLUMN.get(r, r) for r in rts) + " |")
    out.append("|---|" + "---:|" * len(rts))
    for row in ROWS:
        cells = []
        present = False
        for rt in rts:
            recs = res.cells.get((rt, row.workload), [])
            med = res.median(rt, row.workload, row.field)
            if not recs:
                cells.append("")
                continue
            present = True
            if med is None:
                err = next((r["error"] for r in recs if "error" in r), "no value")
                cells.append("✗ " + str(err).split(":")[0])
                continue
            text = fmt(med)
            if row.per_raw and raw:
                text += f" (×{med / raw:.2f})"
            if any(r.get("ok") is False for r in recs):
                text += " ✗wrong result"
            if any(r.get("n_reduced") for r in recs):
                text += note_mark("smaller N (one OS thread per goroutine)")
            note = next((r["note"] for r in recs if r.get("note")), None)
            if note and rt != RAW[0]:
                text += note_mark(note)
            cells.append(text)
        if present:
            out.append(f"| {row.label} | " + " | ".join(cells) + " |")
    out.append("")
    if raw:
        out.append(
            f"(×r) = multiple of the raw greenlet round trip of this run, {fmt(raw)} ns "
            "(two bare `greenlet.switch` calls, no scheduler, no channel)."
        )
    for text, k in notes.items():
        out.append(f"<sup>{k}</sup> {text}")
    out.append("")
    out.extend(render_targets(res))
    return "\n".join(out)


def render_targets(res: Results) -> list[str]:
    out = [
        "| target | gochan | reference | ratio (per-rep range) | limit | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    any_row = False
    same_process = False
    for t in TARGETS:
        g = res.median("gochan", t.workload, t.field)
        ref = res.median(t.ref_runtime, t.ref_workload, t.field)
        paired: list[float] = []
        label = t.label
        if (t.ref_runtime, t.ref_workload) == RAW:
            # The raw round trip measured in the gochan process itself, just
            # before the workload: no other process's noise in the ratio.
            recs = [
                r
                for r in res.cells.get(("gochan", t.workload), [])
                if "error" not in r and r.get("raw_rt_ns") and t.field in r
            ]
            if recs:
                paired = [r[t.field] / r["raw_rt_ns"] for r in recs]
                ref = statistics.median(r["raw_rt_ns"] for r in recs)
                label += " <sup>†</sup>"
                same_process = True
        if g is None or ref is None or ref == 0:
            if ("gochan", t.workload) in res.cells:
                out.append(
                    f"| {t.label} | {fmt(g) if g else '✗'} | — | — | ≤ {t.limit} | not measured |"
                )
                any_row = True
            continue
        any_row = True
        if paired:
            ratio = statistics.median(paired)
        else:
            ratio = g / ref
            gr = res.by_rep("gochan", t.workload, t.field)
            rr = res.by_rep(t.ref_runtime, t.ref_workload, t.field)
            paired = [gr[k] / rr[k] for k in gr if rr.get(k)]
        spread = f" ({min(paired):.2f}–{max(paired):.2f})" if len(paired) > 1 else ""
        verdict = "**met**" if ratio <= t.limit else "**missed**"
        shown = f"{ratio:.2f}" if round(ratio, 2) != t.limit else f"{ratio:.3f}"
        out.append(
            f"| {label} | {fmt(g)} | {fmt(ref)} | {shown}{spread} | ≤ {t.limit} | {verdict} |"
        )
    if same_process:
        out += [
            "",
            "<sup>†</sup> against the raw greenlet round trip measured in the same process as each "
            "gochan cell, just before it: the median of the per-cell ratios (the reference column "
            "is the median of those in-process round trips).",
        ]
    out.append(
        "Other ratios: gochan's median over the reference's median; the range is over the "
        "repetitions, each gochan cell against the reference cell of the same repetition."
    )
    return out if any_row else []


def render_million(res: Results) -> str:
    meta = res.meta[0] if res.meta else {}
    out = [
        f"gochan {meta.get('gochan', '?')}, started {meta.get('started', '?')}, "
        f"Python {meta.get('python', '?')}, {meta.get('mem_total_gb', '?')} GB of RAM; "
        f"RSS of the whole process once every goroutine is parked; median of "
        f"{meta.get('reps', 1)} runs each (range), alternating, after "
        f"{meta.get('warmed_gb', 0)} GB of memory were warmed up.",
        "",
        "| 1,000,000 parked goroutines | RSS parked (MB) | bytes / goroutine | peak RSS (MB) | spawn + park (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for rt in ("gochan", "gochan-py", "greenlet"):
        cells = res.cells.get((rt, "parked_memory"), [])
        errors = [r["error"] for r in cells if "error" in r]
        ok = [r for r in cells if "error" not in r]
        if errors:
            out.append(f"| {COLUMN.get(rt, rt)} | ✗ {errors[0]} | | | |")
        if not ok:
            continue
        secs = sorted(r["seconds"] for r in ok)
        spread = f" ({secs[0]:.1f}–{secs[-1]:.1f})" if len(secs) > 1 else ""
        out.append(
            f"| {COLUMN.get(rt, rt)}{' (bare parked greenlet)' if rt == 'greenlet' else ''} "
            f"| {statistics.median(r['rss_parked_mb'] for r in ok):,.0f} "
            f"| {statistics.median(r['bytes_per_goroutine'] for r in ok):,.0f} "
            f"| {max(r['peak_rss_mb'] for r in ok):,.0f} "
            f"| {statistics.median(secs):.1f}{spread} |"
        )
    return "\n".join(out)


def load(paths: Sequence[str]) -> list[Record]:
    records: list[Record] = []
    for p in paths:
        with open(p) as f:
            records.extend(json.loads(ln) for ln in f if ln.strip())
    return records


def save(records: list[Record], tag: str) -> Path:
    d = C.BENCH_DIR / "results"
    d.mkdir(exist_ok=True)
    path = d / f"{tag}-{time.strftime('%Y%m%d-%H%M%S')}.jsonl"
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help=f"N × {QUICK_SCALE} (under 2 minutes)")
    ap.add_argument("-r", "--reps", type=int, default=3, help="repetitions per cell (default 3)")
    ap.add_argument(
        "-w", "--workload", action="append", default=[], help="only these workloads (repeatable)"
    )
    ap.add_argument(
        "--runtime", action="append", default=[], help=f"only these runtimes, of {RUNTIMES}"
    )
    ap.add_argument(
        "--timeout", type=float, default=600.0, help="seconds per cell before it is killed"
    )
    ap.add_argument(
        "--million", action="store_true", help="measure 1,000,000 parked goroutines instead"
    )
    ap.add_argument(
        "--at",
        metavar="REV",
        help="measure gochan as of this commit (exported from git), not the work tree",
    )
    ap.add_argument("--table", nargs="+", metavar="JSONL", help="render saved records, run nothing")
    ap.add_argument("--no-save", action="store_true", help="do not write bench/results/*.jsonl")
    args = ap.parse_args()
    args.workload = [w for a in args.workload for w in a.split(",") if w]
    args.runtime = [r for a in args.runtime for r in a.split(",") if r]
    unknown = set(args.workload) - set(C.WORKLOADS)
    if unknown:
        ap.error(f"unknown workload(s) {sorted(unknown)}; known: {C.WORKLOADS}")

    if args.table:
        records = load(args.table)
        million = any(r.get("mode") == "million" for r in records if r.get("meta"))
        print(render_million(Results(records)) if million else render(Results(records)))
        return 0
    if args.at:
        print(f"# gochan as of {export_commit(args.at)}", file=sys.stderr)
        atexit.register(shutil.rmtree, os.environ["GOCHAN_PATH"], True)
    if args.million:
        records = measure_million(args)
        table = render_million(Results(records))
        tag = "million"
    else:
        records = measure(args)
        table = render(Results(records))
        tag = "quick" if args.quick else "full"
    if not args.no_save:
        print(f"# records: {save(records, tag)}", file=sys.stderr)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
