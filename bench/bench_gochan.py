#!/usr/bin/env python3
"""gochan (this checkout): the workloads of goapi_workloads.py on gochan."""

from __future__ import annotations

import sys

import common as C

C.use_checkout()

import gochan  # noqa: E402

import goapi_workloads  # noqa: E402
from bench_greenlet import pingpong_raw_greenlet  # noqa: E402

if __name__ == "__main__":
    version = "gochan " + str(getattr(gochan, "__version__", "(checkout)"))
    sys.exit(
        C.main(
            "gochan",
            goapi_workloads.make_workloads(gochan),
            version=version,
            raw_reference=pingpong_raw_greenlet,
        )
    )
