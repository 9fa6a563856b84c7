"""The per-thread runtime: run queue, park/ready, the scheduler loop.

Design (see docs/design.md):

1. One :class:`Runtime` per OS thread, created on first use.  Everything in
   it is touched only by that thread, so no check-then-act step needs a lock;
   the one exception is :meth:`Runtime.post`, the thread-safe inbox.
2. Every blocking operation goes through :meth:`Runtime.park` (``Chan.send``
   and ``Chan.recv`` carry an inlined copy of it), and ``ready(g)`` (the run
   queue's ``append``) is the only way back.
3. :meth:`Runtime.park` (and its copies) is also the only place that switches
   greenlets.  A goroutine that parks switches straight to the next runnable
   goroutine.
   The scheduler loop runs in the hub greenlet, whose record ``g0`` (as in
   Go) parks like a goroutine; it runs only when nothing is runnable, and
   once every ``_HUB_EVERY`` switches while it has work between switches
   (timers pending, posts expected from other threads, goroutines waiting
   on I/O), to fire due timers, take the inbox and poll for I/O.
4. The hub sleeps in the netpoller (see ``_netpoll``) until the next timer,
   an inbox post or I/O readiness; when nothing can ever wake anyone it
   raises :class:`~gochan.Deadlock` in the main goroutine.
5. Goroutines run on carrier greenlets, reused from one goroutine to the
   next (see :mod:`._carrier` and :meth:`Runtime.carry_on`).
6. Nothing of a program outlives it: as it ends, the hub and the carriers
   are ended too (:meth:`Runtime.end_main`), and a thread's runtime goes
   with its thread (:class:`_ThreadEnd`).
"""

from __future__ import annotations

import atexit
import contextlib
import linecache
import os
import random
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable, Container, Sequence
from threading import get_ident
from types import CodeType, FrameType, TracebackType
from typing import Any

from greenlet import greenlet

from .._build import MODULES
from .._errors import Deadlock, GoroutinePanic
from . import _goroutine, _greenlet
from ._bridge import DEFAULT_WORKERS, WorkerPool
from ._carrier import carrier_run
from ._goroutine import RUNNABLE, Goroutine, GoroutineExit, WaitQueue, WaitReason
from ._netpoll import Poller, new_poller
from ._timers import Clock, SystemClock, TimerEntry, TimerHeap, deadline_after
from ._waitq import run_queue

_HUB_EVERY = 64  # switches between two visits of the hub while goroutines stay runnable
# Goroutine records stay out of the cycle collector (compiled build only):
# docs/design.md, "Parked memory".  A module constant: cheaper to test, run as
# Python, than _greenlet's own.
_UNTRACKS = _greenlet.UNTRACKS
_SHUTDOWN_ROUNDS = 10  # times run()'s end re-interrupts goroutines whose finally blocks
_DEADLOCK_TEXT = "all goroutines are asleep - deadlock!"
# Frames of files in here are gochan's own, left out of dumps and tracebacks.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
# The file names Cython gives the frames of the compiled modules in tracebacks
# (relative: "gochan/_chan.py"); gochan's too.
_COMPILED_SOURCES = frozenset(m.replace(".", "/") + ".py" for m in MODULES)


def is_gochan_file(filename: str) -> bool:
    """Whether a frame of ``filename`` is gochan's own, which dumps and reports leave out."""
    return filename.startswith(_PACKAGE_DIR) or filename in _COMPILED_SOURCES


class Runtime:
    """One thread's scheduler.  Use :func:`get_runtime` to get this thread's."""

    def __init__(self) -> None:
        self.thread_id = get_ident()
        runq = run_queue()
        self.runq = runq
        # ready(g): make a parked goroutine runnable.  The only way back from park().
        self.ready: Callable[[Goroutine], None] = runq.append
        # The goroutine whose greenlet is running: g0 while the loop runs, None
        # before the thread has a main goroutine.  Written by park() and, as a
        # goroutine ends, by carry_on().
        self.current: Goroutine | None = None
        # The greenlet running now, written at every switch: current.glet while
        # a program runs, kept apart because current may be None and because
        # channel operations compare it with getcurrent() on every call (see
        # Chan.send), which must cost less than comparing thread ids.
        self.running: greenlet = _greenlet.getcurrent()
        self.main: Goroutine | None = None  # set while a program runs on this thread
        self.main_is_implicit = False  # main became main by blocking, not through run()
        self.goroutines: dict[int, Goroutine] = {}  # every live goroutine, main included
        self.next_id = 1
        self.g0: Goroutine | None = None  # the loop's record; its greenlet is the hub
        self.free_carriers: list[greenlet] = []  # greenlets of finished goroutines, to reuse
        # Whether the loop has work between switches: timers pending, posts
        # expected from other threads, or I/O waits.  Only then do switches count down the
        # budget to a visit of the loop (while goroutines stay runnable); set
        # by whatever creates such work, recomputed by the loop at each visit.
        self.countdown = False
        self.budget = _HUB_EVERY  # switches left before the next hub visit, if counting
        self.timers = TimerHeap()
        self.clock: Clock = SystemClock()
        self.rng = random.Random()
        # Thread-safe inbox: callbacks posted by other threads, run on the loop.
        self.inbox: deque[Callable[[], object]] = deque()
        self.external_pending = 0  # posts still expected from other threads
        # The netpoller, where the loop sleeps: made by its first sleep or
        # the first descriptor opened (netpoller()), kept for the thread's life.
        self.poller: Poller | None = None
        # True while the loop sleeps (or is about to) in the poller, so posts
        # from other threads wake it; written by the loop only.
        self.sleeping = False
        self.io_waiting = 0  # goroutines parked on descriptors (see _netpoll)
        # Set by gochan.signal while channels of this runtime are notified of
        # signals: a signal may come at any time, so the program waits for one
        # rather than deadlock (Go's os/signal loop is never asleep).
        # end_main() calls it, which ends the notifications with the program.
        self.signal_watch: Callable[[], None] | None = None
        # blocking()'s threads: made by a program's first call, closed by end_main().
        self.workers: WorkerPool | None = None
        self.max_workers = DEFAULT_WORKERS  # their bound, set by set_blocking_workers()
        self.idle_waiters: list[tuple[Goroutine, Callable[[], bool]]] = []
        self.closing = False  # run()'s main returned: goroutines are being ended
        self.shutdown_rounds = 0  # times end_main() interrupted the goroutines left
        self.atexit_registered = False
        # Called by run() in the main goroutine when main returns normally,
        # before the other goroutines are ended: gochan.testing's leak check.
        # Set and restored only by gochan.testing.leak_check().
        self.at_main_return: Callable[[], None] | None = None

    # -- goroutines -----------------------------------------------------------

    def start_main(self) -> Goroutine:
        """Make the calling greenlet this thread's main goroutine (``run()`` or implicitly).

        The greenlet is looked up here, so that only ``_core`` imports greenlet.
        """
        glet = _greenlet.getcurrent()
        if self.main is not None:
            if self.main_is_implicit and self.main.glet is glet and len(self.goroutines) == 1:
                self.end_main()  # a script that used gochan before calling run()
            else:
                raise RuntimeError(
                    "gochan: run() called while a gochan program is already running on this thread"
                )
        main = _goroutine.new_record(Goroutine, 1, None, (), None, glet, None, 0, 0)
        self.main_is_implicit = False
        self.next_id = 2
        self.main = self.current = main
        self.running = glet
        self.goroutines[1] = main
        self.g0 = self._new_hub(glet)
        return main

    def implicit_main(self) -> Goroutine:
        """The calling code becomes the main goroutine: a plain script needs no run()."""
        if self.main is not None:
            raise RuntimeError(
                "gochan: blocking call outside a goroutine (from the scheduler or a "
                "greenlet gochan does not manage)"
            )
        main = self.start_main()
        self.main_is_implicit = True
        if not self.atexit_registered and threading.current_thread() is threading.main_thread():
            # As the script ends, end its goroutines as run() would (another
            # thread's as the thread ends: see _ThreadEnd).
            atexit.register(self.end_main)
            self.atexit_registered = True
        return main

    def spawn(
        self,
        fn: Callable[..., object],
        args: tuple[Any, ...],
        kwargs: dict[str, Any] | None,
        site: FrameType,
    ) -> Goroutine:
        """Create a goroutine running ``fn(*args, **kwargs)`` and make it runnable.

        ``site`` is the frame of the ``go()`` call, named in dumps and panics.
        """
        creator = self.current
        if creator is None:
            creator = self.implicit_main()
        # A timer callback on the loop (time.after_func, context.after_func)
        # starts goroutines that g0 creates: creator id 0.
        gid = self.next_id
        self.next_id = gid + 1
        # No greenlet yet: park() gives it a carrier when it first runs.
        g = _goroutine.new_record(
            Goroutine, gid, fn, args, kwargs, None, site.f_code, site.f_lasti, creator.id
        )
        # Out of the cycle collector's reach for good (compiled build): a
        # record lets go of what it holds as it ends or as _forget() drops it
        # (docs/design.md, "Parked memory").
        if _UNTRACKS:
            _greenlet.untrack(g)
        self.goroutines[gid] = g
        self.runq.append(g)
        return g

    def crashed(self, g: Goroutine, exc: BaseException) -> None:
        """Goroutine ``g`` ends with the uncaught exception ``exc``.

        The exception crashes the program: it reaches main as it is if it is a
        KeyboardInterrupt or SystemExit, else as the cause of a GoroutinePanic.
        One raised while the program ends its goroutines (in a finally
        block) reaches nobody: it goes to ``sys.unraisablehook``.  gochan's
        own frames are left out of its traceback, as they are of dumps.
        """
        if self.main is None:
            return
        exc.__traceback__ = without_gochan_frames(exc.__traceback__)
        if self.closing:
            _report_unraisable(
                exc,
                f"Exception ignored in goroutine {g.id} ({g.name()}, started at "
                f"{g.go_site()}) while the program ended it",
            )
        else:
            self.wake_with(self.main, _crash(g, exc), first=True)

    def ready_first(self, gs: Sequence[Goroutine]) -> None:
        """Make the parked goroutines ``gs`` runnable ahead of all others, in their order.

        Go puts a goroutine readied by the running one in the ``runnext``
        slot, so it runs next; gochan's run queue is first come, first served,
        and of the ordinary wake-ups only the release of WaitGroup waiters
        takes this shortcut, where the order decides between a correct
        program and a panic (see docs/design.md, "Run order").
        """
        self.runq.extendleft(reversed(gs))

    def wake_with(self, g: Goroutine, exc: BaseException, first: bool = False) -> None:
        """Undo ``g``'s wait and make it runnable; its park() raises ``exc``.

        A pending exception is not replaced: the first crash is the one reported.
        ``first`` puts ``g`` at the head of the run queue.
        """
        self._interrupt(g, exc)
        if g is self.current:
            return
        runq = self.runq
        if first:
            if g in runq:
                runq.remove(g)
            runq.appendleft(g)
        elif g not in runq:
            runq.append(g)

    @staticmethod
    def _interrupt(g: Goroutine, exc: BaseException) -> None:
        """Set ``g``'s pending exception, unless it has one, and undo its wait."""
        if g.interrupt is None:
            g.interrupt = exc
        _undo_wait(g)

    def _interrupt_all_but_main(self) -> list[Goroutine]:
        """GoroutineExit in every started goroutine but main; returns them."""
        runnable = set(map(id, self.runq))
        interrupted = []
        for g in list(self.goroutines.values()):
            if g is self.main:
                continue
            if g.glet is None:  # never started: nothing of it ran
                self._forget(g)
                continue
            self._interrupt(g, GoroutineExit())
            interrupted.append(g)
            if id(g) not in runnable:
                self.runq.append(g)
        return interrupted

    # -- park / switch --------------------------------------------------------

    def park(self, reason: WaitReason, waitq: WaitQueue | None) -> None:
        """Block the current goroutine until something readies it.

        The one park point of gochan: it switches straight to the next
        runnable goroutine, or to the loop (g0) when none is runnable or the
        loop is due.  ``waitq`` is where the goroutine waits (its
        ``_cancel_wait`` undoes the wait), None if nothing holds it.  Raises
        what the scheduler interrupts the goroutine with (a crash reaching
        main, a deadlock, the end of ``run()``).

        ``Chan.send`` and ``Chan.recv`` inline the body below on their
        blocking paths, to save a call per blocking channel operation: a
        change here must be made there too.
        """
        g = self.current
        if g is None:
            g = self.implicit_main()
        g.wait_reason = reason
        g.waitq = waitq
        runq = self.runq
        # g0 is set whenever a goroutine can park.
        if self.countdown:
            self.budget -= 1
            nxt: Goroutine = runq.popleft() if runq and self.budget > 0 else self.g0  # type: ignore[assignment]
        else:
            nxt = runq.popleft() if runq else self.g0  # type: ignore[assignment]
        self.current = nxt
        glet = nxt.glet
        if glet is None:
            glet = self.first_run(nxt)
        self.running = glet
        try:
            _greenlet.switch_to(glet)
            if g.interrupt is not None:
                raise self.take_interrupt(g)
        except BaseException as exc:
            self.leave_park(g, exc)
            raise

    def first_run(self, g: Goroutine) -> greenlet:
        """The greenlet a park() that picked ``g``, never run yet, switches to.

        A free carrier if there is one.  Otherwise a new carrier, but made and
        started only by the loop: a greenlet inherits the Python recursion
        depth of the one that starts it, so goroutines that each started the
        next one's carrier would pile their depths up until RecursionError.
        From anywhere else, ``g`` goes back to the head of the run queue and
        the switch goes to the loop, which starts it next.
        """
        if self.free_carriers:
            glet = g.glet = self.free_carriers.pop()
            return glet
        g0 = self.g0
        assert g0 is not None
        assert g0.glet is not None
        if self.running is g0.glet:
            glet = g.glet = self._carrier()
            return glet
        self.runq.appendleft(g)
        self.current = g0
        return g0.glet

    def leave_park(self, g: Goroutine, exc: BaseException) -> None:
        """``exc`` leaves ``g``'s park(): what ``g`` was woken with, or an
        exception that came out of its switch away.

        Either way it comes out of the call that blocked as if raised there:
        park()'s own frame (the head of the traceback so far) is left out, as
        dumps leave gochan's frames out.

        An exception out of the switch is not the scheduler's doing (which
        sets ``current`` to ``g`` before switching to it): another greenlet's
        ``throw()`` resumed ``g`` (code that drives greenlets itself), or the
        hub died of an exception that reached its parent, the main goroutine
        (Ctrl-C while the loop slept).  Then ``g`` runs now: its wait is
        undone, so the exception leaves ``g``'s blocking call as any other
        would (out of a goroutine, it crashes the program), and the greenlet
        that raised it, suspended in its ``throw()``, is made runnable again.
        The hub and the free carriers ended by _end_greenlets(), and
        goroutines already let go, are left alone.
        """
        hide_frame(exc)
        thrower = self.current
        if thrower is g or g.glet is None or self.goroutines.get(g.id) is not g:
            return
        self.current = g
        self.running = g.glet
        _undo_wait(g)
        while g in self.runq:
            self.runq.remove(g)
        if thrower is None:
            return
        if thrower.glet is not None and thrower.glet.dead:  # the hub: start a fresh one
            self.g0 = self._new_hub(g.glet)
        else:
            self.runq.append(thrower)

    @staticmethod
    def take_interrupt(g: Goroutine) -> BaseException:
        """The exception ``g`` was woken with, which its park() raises."""
        exc = g.interrupt
        assert exc is not None
        g.interrupt = None
        return exc

    def _new_hub(self, main_glet: greenlet) -> Goroutine:
        hub = greenlet(self._loop, main_glet)
        # Carriers never return, but a carrier's exception would go to its parent.
        for g in self.goroutines.values():
            if g.id != 1 and g.glet is not None:
                g.glet.parent = hub
        for carrier in self.free_carriers:
            carrier.parent = hub
        return _goroutine.new_record(_LoopRecord, 0, None, (), None, hub, None, 0, 0)

    # -- carriers: the greenlets goroutines run on ----------------------------

    def carry_on(self, g: Goroutine, carrier: greenlet) -> Goroutine:
        """``g`` has ended on ``carrier``: the goroutine that carrier runs next.

        The next in the run queue if it has not started: carrying it on from
        here, as park() would, saves a switch.  Else the carrier goes to the
        free ones and parks; park() switches straight to the next goroutine,
        and the carrier resumes here when it is given another one to start.
        Called by the carriers' run (:mod:`._carrier`) as each goroutine ends.
        """
        # (One dropped by end_main() may be finished off later by the
        # garbage collector, when the runtime no longer knows it.)
        self.goroutines.pop(g.id, None)
        g.fn = g.owner = g.glet = g.kwargs = None
        if _UNTRACKS:  # its last wait (a select's state holds it) and values
            g.value = g.waitq = g.interrupt = None
        runq = self.runq
        if self.countdown:
            self.budget -= 1
        if runq and runq[0].glet is None and (not self.countdown or self.budget > 0):
            g = runq.popleft()
            g.glet = carrier
            self.current = g
            return g
        self.free_carriers.append(carrier)
        self.park(RUNNABLE, None)
        nxt = self.current  # what the switch back to this carrier gives it to run
        assert nxt is not None
        return nxt

    def _carrier(self) -> greenlet:
        g0 = self.g0
        assert g0 is not None
        return greenlet(_carry, g0.glet)

    # -- the scheduler loop (runs in the hub greenlet) ------------------------

    def _loop(self, *_: object) -> None:
        # This function must never return: a returning hub would switch to the
        # main goroutine as if whatever it was parked on had completed.
        runq = self.runq
        timers = self.timers
        slept = False  # the last round ended asleep in the poller: it just polled
        while True:
            self.budget = _HUB_EVERY
            inbox = self.inbox
            while inbox:
                inbox.popleft()()
            if timers.heap:
                for callback in timers.pop_due(self.clock.now()):
                    callback()
            if self.io_waiting and not slept:
                # A visit while goroutines run: I/O is not starved by them.
                self.poller.poll(0)  # type: ignore[union-attr]  # set by the first wait
            slept = False
            self.countdown = (
                bool(timers.heap)
                or self.external_pending > 0
                or self.io_waiting > 0
                or self.signal_watch is not None
            )
            if inbox:  # posted since it was taken; read after the store (see post())
                self.countdown = True
            if runq:
                self.park(RUNNABLE, None)  # back when nothing is runnable
                continue
            if self.closing:
                self._shutdown_step()
                continue
            if self.idle_waiters and self._wake_idle_waiters():
                continue
            deadline = timers.next_deadline()
            if deadline is None and not (
                self.external_pending or self.io_waiting or inbox or self.signal_watch is not None
            ):
                self._no_progress()
                continue
            self._sleep(deadline)
            slept = True

    def _sleep(self, deadline: float | None) -> None:
        """Wait in the poller for I/O, a post from another thread or, if any, the next timer."""
        poller = self.netpoller()
        self.sleeping = True  # before the inbox is read: see post()
        try:
            if self.inbox:
                return
            if deadline is None:
                poller.poll(None)
            else:
                self.clock.sleep_until(deadline, poller.poll)
        finally:
            self.sleeping = False

    def netpoller(self) -> Poller:
        """This runtime's poller, made on first use.  Only on the runtime's thread."""
        poller = self.poller
        if poller is None:
            poller = self.poller = new_poller(self)
        return poller

    def _wake_idle_waiters(self) -> bool:
        woke = False
        for entry in list(self.idle_waiters):
            g, condition = entry
            if condition():
                self.idle_waiters.remove(entry)
                self.ready(g)
                woke = True
        return woke

    def _no_progress(self) -> None:
        """Nothing is runnable and nothing can wake anyone."""
        main = self.main
        assert main is not None
        self.wake_with(main, Deadlock(f"{_DEADLOCK_TEXT}\n\n{self.stacks()}"))

    # -- waiting for the scheduler --------------------------------------------

    def wait_idle(self, condition: Callable[[], bool]) -> None:
        """Park until the loop is idle (nothing runnable) and ``condition()`` holds.

        The condition is evaluated by the scheduler whenever nothing else can
        run, never by polling; a condition that cannot come true ends in a
        Deadlock like any other wait that nothing can satisfy.
        """
        g = self.current
        if g is None:
            g = self.implicit_main()
        entry = (g, condition)
        self.idle_waiters.append(entry)
        self.park(WaitReason.WAIT_BLOCKED, _IdleWaiterRemover(self, entry))

    def parked(self, reason: WaitReason | None = None) -> int:
        """How many goroutines are parked (with ``reason``, if given), not counting
        those in wait_idle()."""
        runnable = set(map(id, self.runq))
        count = 0
        for g in self.goroutines.values():
            if g is self.current or id(g) in runnable or g.glet is None:
                continue
            r = g.wait_reason
            if r is WaitReason.WAIT_BLOCKED or r is WaitReason.RUNNABLE:
                continue
            if reason is None or r is reason:
                count += 1
        return count

    # -- timers and other threads ---------------------------------------------

    def add_timer(self, delay: float, callback: Callable[[], None]) -> TimerEntry:
        """Run ``callback`` on the loop ``delay`` seconds from now (at once if <= 0).

        Never, for a ``delay`` beyond Go's longest duration (see ``_timers``).
        """
        return self.add_timer_at(deadline_after(self.clock.now(), delay), callback)

    def add_timer_at(self, when: float, callback: Callable[[], None]) -> TimerEntry:
        """Run ``callback`` on the loop once the clock reads ``when``."""
        self.countdown = True
        return self.timers.add(when, callback)

    def expect_post(self) -> None:
        """Count one post that another thread will make (see :meth:`post`)."""
        self.countdown = True
        self.external_pending += 1

    def post(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` on this runtime's loop.  Thread-safe, and safe in a
        signal handler: the one entry point for other threads, which touch
        nothing else of the runtime (but the ``countdown`` flag this sets).

        A poster that makes the loop wait for it first counts itself in
        ``external_pending`` (from the runtime's thread), and its callback
        counts itself out.  The loop, if asleep in the poller, is woken
        through the poller's wake-up descriptor.  A busy loop takes the inbox
        within ``_HUB_EVERY`` switches: ``countdown`` is set after the append,
        and the loop stores its own value before it looks at the inbox again,
        so no post is missed.
        """
        self.inbox.append(callback)
        self.countdown = True
        # The loop sets ``sleeping`` before it last reads the inbox, and
        # this reads it after the append: one of the two sees the other.
        if self.sleeping:
            self.poller.wake()  # type: ignore[union-attr]  # made before sleeping is set

    # -- the end of a program -------------------------------------------------

    def end_main(self) -> None:
        """End every goroutine but main (their finally blocks run), then reset.

        Called as run()'s main returns.  Goroutines that never started are
        dropped; the others get GoroutineExit raised where they are parked.
        """
        main = self.main
        if main is None:
            return
        self.current = main
        assert main.glet is not None
        self.running = main.glet
        self.closing = True
        self.timers.clear()
        self.runq.clear()
        try:
            self.shutdown_rounds = 0
            if self._interrupt_all_but_main():
                self.park(WaitReason.SHUTDOWN, None)
            if main.interrupt is not None:
                # A crash that reached main while it ran (a goroutine resumed
                # by a throw() from main) and that no park() of main raised.
                raise self.take_interrupt(main)
        finally:
            if self.signal_watch is not None:
                self.signal_watch()
            self.runq.clear()
            for g in list(self.goroutines.values()):
                self._forget(g)
            self.idle_waiters.clear()
            self.inbox.clear()
            self.external_pending = 0
            if self.poller is not None:  # waiters dropped above may still hold slots
                self.poller.drop_waiters()
            self.io_waiting = 0
            self.countdown = False
            if self.workers is not None:  # its threads end after their current call; none is joined
                self.workers.close()
                self.workers = None
            self.closing = False
            self.main = self.current = None
            main.owner = None
            self._end_greenlets()

    def _end_greenlets(self) -> None:
        """End the hub and the free carriers, and drop them.

        Left suspended, they would never be freed, nor anything their frames
        hold (the last goroutines' arguments, channels): each one's frame
        references others, greenlet cannot collect a suspended greenlet, and
        a dropped one that is part of such a cycle is never dropped at all.
        Each is resumed with GreenletExit in its park(), which lets it out
        (see leave_park()), and returns here, its new parent.
        """
        here = _greenlet.getcurrent()
        glets = self.free_carriers
        if self.g0 is not None and self.g0.glet is not None:
            glets.append(self.g0.glet)
        self.g0 = None
        for glet in glets:
            if glet:  # started and not finished: suspended in park()
                glet.parent = here
                glet.throw()
        glets.clear()

    def _shutdown_step(self) -> None:
        # Nothing is runnable: everyone left is parked again inside a finally
        # block, or only main is left.
        main = self.main
        assert main is not None
        self.shutdown_rounds += 1
        if self.shutdown_rounds <= _SHUTDOWN_ROUNDS and self._interrupt_all_but_main():
            return
        for g in [g for g in self.goroutines.values() if g is not main]:
            self._forget(g)  # they will not end: let them go with their greenlets
        self.ready(main)

    def _forget(self, g: Goroutine) -> None:
        """Drop ``g``, which will not end, from the runtime's goroutines.

        One that never started lets go of its function, arguments and
        itself (``owner``), as one that ends does: in the compiled build its
        record is out of the cycle collector's reach, and whatever a cycle
        through it would hold would never be freed (docs/design.md, "Parked
        memory").  A started one is held by its suspended greenlet, which
        nothing frees: it keeps what it holds.
        """
        del self.goroutines[g.id]
        if g.glet is None:
            g.fn = g.owner = g.kwargs = None
            g.args = ()

    # -- dumps ----------------------------------------------------------------

    def stacks(self, only: Container[int] | None = None) -> str:
        """Every goroutine with its state and Python stack, as Go dumps them.

        ``only``: the ids of the goroutines to dump (gochan.testing's leak
        report); all of them when None.
        """
        runnable = set(map(id, self.runq))
        # blocking() calls queued behind the bound on threads: the dump says so.
        waiting_for_thread = () if self.workers is None else self.workers.queued()
        parts = []
        for g in sorted(self.goroutines.values(), key=lambda g: g.id):
            if only is not None and g.id not in only:
                continue
            # gochan's own frames are left out, so compiled code (which has
            # no frames) and Python code read the same.
            if g is self.current:
                state = WaitReason.RUNNING.value
                frame: FrameType | None = sys._getframe()
            else:
                state = "runnable" if id(g) in runnable else g.wait_reason.value
                if g in waiting_for_thread:
                    state += f", all set_blocking_workers({self.max_workers}) threads busy"
                frame = None if g.glet is None else g.glet.gr_frame
            lines = [f"goroutine {g.id} [{state}]:"]
            if frame is not None:
                lines.extend(_format_frames(frame))
            elif g.glet is None and g.fn is not None:  # not started: its function
                lines.append(_format_function(g.fn))
            if g.go_code is not None:
                lines.append(f"created by {g.created_by} in goroutine {g.creator_id}")
                lines.append(f'  File "{g.go_code.co_filename}", line {g.go_line}')
            parts.append("\n".join(lines))
        return "\n\n".join(parts) + "\n"

    # -- turns ----------------------------------------------------------------

    def turn_due(self) -> bool:
        """Count a step that did not switch towards the loop's next visit; True if others wait.

        What a goroutine that keeps going without parking (a read that
        keeps finding data: ``gochan._poll``) calls at each step, as a switch
        counts: True once the loop's visit is due or goroutines are
        runnable, for the caller to decide when to let them go first
        (``gosched()``).  Never blocks.
        """
        if self.countdown:
            self.budget -= 1
            if self.budget <= 0:
                return True
        return bool(self.runq)


class _LoopRecord(Goroutine):
    """g0: the scheduler loop's own record, ``current`` while the loop runs."""

    __slots__ = ()

    def __bool__(self) -> bool:
        # False, so ``rt.current or rt.implicit_main()`` refuses to block the
        # loop: a timer callback that blocks gets a clear RuntimeError.
        return False


class _IdleWaiterRemover:
    __slots__ = ("entry", "rt")

    def __init__(self, rt: Runtime, entry: tuple[Goroutine, Callable[[], bool]]) -> None:
        self.rt = rt
        self.entry = entry

    def _cancel_wait(self, _goroutine: object) -> None:
        self.rt.idle_waiters.remove(self.entry)


def _crash(g: Goroutine, exc: BaseException) -> BaseException:
    """What goroutine ``g``'s uncaught ``exc`` raises in main."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
        return exc
    crash = GoroutinePanic(
        f"panic in goroutine {g.id} ({g.name()}, started at {g.go_site()}): "
        f"{type(exc).__name__}: {exc}",
        g.id,
    )
    crash.__cause__ = exc
    return crash


def hide_frame(exc: BaseException) -> None:
    """Leave the frame handling ``exc`` out of its traceback, before a bare ``raise``.

    The head of the traceback of an exception being handled is the entry of
    the frame handling it, and a bare ``raise`` adds none: so the exception
    leaves that frame as if raised by its caller.
    """
    tb = exc.__traceback__
    # Only a frame of gochan's: a function of the compiled build has a frame
    # in tracebacks only where it handles an exception (see setup.py).
    if tb is not None and is_gochan_file(tb.tb_frame.f_code.co_filename):
        exc.__traceback__ = tb.tb_next


def without_gochan_frames(tb: TracebackType | None) -> TracebackType | None:
    """The traceback ``tb`` without gochan's own frames, as dumps show stacks."""
    kept = []
    while tb is not None:
        if not is_gochan_file(tb.tb_frame.f_code.co_filename):
            kept.append(tb)
        tb = tb.tb_next
    result = None
    for entry in reversed(kept):
        result = TracebackType(result, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return result


class _UnraisableHookArgs:
    """What ``sys.unraisablehook`` is called with."""

    __slots__ = ("err_msg", "exc_traceback", "exc_type", "exc_value", "object")

    def __init__(self, exc: BaseException, err_msg: str) -> None:
        self.exc_type = type(exc)
        self.exc_value: BaseException | None = exc
        self.exc_traceback = exc.__traceback__
        self.err_msg: str | None = err_msg
        self.object: object = None


def _report_unraisable(exc: BaseException, err_msg: str) -> None:
    """Hand ``exc``, which nothing can catch, to ``sys.unraisablehook``, as
    Python does an exception raised in ``__del__``."""
    hook = sys.unraisablehook
    if hook is sys.__unraisablehook__:
        # The default hook takes only an argument type of the interpreter's
        # own, which Python code cannot make: print what it prints.
        print(f"{err_msg}:", file=sys.stderr)
        traceback.print_exception(exc, file=sys.stderr)
    else:
        hook(_UnraisableHookArgs(exc, err_msg))


def _undo_wait(g: Goroutine) -> None:
    """Take ``g`` out of where it waits, unless it was completed already."""
    waitq, g.waitq = g.waitq, None
    if waitq is not None:
        with contextlib.suppress(ValueError):  # completed already: g is runnable
            waitq._cancel_wait(g)


def _format_frames(frame: FrameType) -> list[str]:
    summary = traceback.StackSummary.extract(traceback.walk_stack(frame), capture_locals=False)
    lines = []
    for fs in reversed(summary):
        if is_gochan_file(fs.filename):
            continue
        lines.append(f'  File "{fs.filename}", line {fs.lineno}, in {fs.name}')
        if fs.line:
            lines.append(f"    {fs.line.strip()}")
    return lines


def _format_function(fn: Callable[..., object]) -> str:
    target = getattr(fn, "func", fn)
    code: CodeType | None = getattr(target, "__code__", None)
    module = getattr(target, "__module__", None) or ""
    if code is None or module == "gochan" or module.startswith("gochan."):
        # No source to show: a builtin, or gochan's own (such as Chan.recv),
        # whose files dumps leave out and which may be compiled.
        return f"  {getattr(target, '__qualname__', None) or repr(target)}"
    line = linecache.getline(code.co_filename, code.co_firstlineno).strip()
    return f'  File "{code.co_filename}", line {code.co_firstlineno}, in {code.co_qualname}' + (
        f"\n    {line}" if line else ""
    )


class _ThreadEnd:
    """Ends a thread's runtime as the thread ends.

    Kept in the thread's local storage, which Python frees in that thread as
    it ends: a program the thread left running (a script-like one, never
    ended by ``run()``) ends then as ``run()``'s would, and the runtime
    leaves ``_runtimes``.  So a finished thread leaves nothing of gochan behind.
    """

    __slots__ = ("rt",)

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def __del__(self) -> None:
        rt = self.rt
        try:
            # Freed on another thread (a forked child's, or at interpreter
            # exit for a daemon thread), nothing of the runtime can run.
            main = rt.main
            if rt.thread_id == get_ident() and (
                main is None or main.glet is _greenlet.getcurrent()
            ):
                rt.end_main()
            else:  # what never started lets go of what it holds all the same
                for g in list(rt.goroutines.values()):
                    rt._forget(g)
        finally:
            if _runtimes.get(rt.thread_id) is rt:
                del _runtimes[rt.thread_id]


# Every thread's runtime by thread id, for get_runtime().  A table rather than
# the thread's local storage, because the end of a thread's program runs
# goroutines' finally blocks, which may ask for the runtime after that
# storage is gone: asking it then would make new storage that Python never frees.
_runtimes: dict[int, Runtime] = {}
_local = threading.local()  # each thread's _ThreadEnd


_main_runtime: Runtime | None = None  # the main thread's, once made


def get_runtime() -> Runtime:
    """This thread's runtime, created on first use.

    The main thread's is tested first, by the greenlet it runs: a greenlet
    runs on one thread only, so that test tells its thread without the
    thread id, which costs more.
    """
    rt = _main_runtime
    if rt is not None and rt.running is _greenlet.getcurrent():
        return rt
    return _thread_runtime()


def _thread_runtime() -> Runtime:
    """This thread's runtime, looked up by thread id; created on first use."""
    global _main_runtime
    try:
        return _runtimes[get_ident()]
    except KeyError:
        pass  # (no return in here: Cython 3.3 miscompiles one, with these temporaries)
    rt = _runtimes[get_ident()] = Runtime()
    # The main thread ends with the interpreter: atexit ends its program
    # (see implicit_main), and what is left is freed with the process.
    if rt.thread_id != threading.main_thread().ident:
        _local.end = _ThreadEnd(rt)
    else:
        _main_runtime = rt
    return rt


# The run of every carrier greenlet (Python even when this module is compiled).
_carry = carrier_run(get_runtime)
