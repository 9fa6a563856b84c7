#!/usr/bin/env python3
"""gevent: gevent.queue.Channel (unbuffered rendezvous) and Queue(maxsize).

The queue-style workloads (queue_workloads.py).  gevent has no select and no
close(); the WaitGroup equivalent is a counter plus gevent.event.Event.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

import gevent  # type: ignore[import-untyped]
import gevent.event  # type: ignore[import-untyped]
import gevent.queue  # type: ignore[import-untyped]

import common as C
import queue_workloads as Q


class WaitGroup(Q.EventWaitGroup):
    __slots__ = ()
    Event = gevent.event.Event


rt = SimpleNamespace(
    spawn=gevent.spawn,
    Unbuffered=gevent.queue.Channel,
    Buffered=gevent.queue.Queue,
    WaitGroup=WaitGroup,
    sleep=gevent.sleep,
)

if __name__ == "__main__":
    sys.exit(
        C.main(
            "gevent", Q.make_workloads(rt), notes=Q.NOTES, version="gevent " + gevent.__version__
        )
    )
