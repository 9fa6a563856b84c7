"""A port checker: many dials, at most ``LIMIT`` at once, each bounded by a timeout.

Each port gets a goroutine; a buffered channel of ``LIMIT`` slots is the
semaphore (Go's idiom), so no more than ``LIMIT`` connects are ever under
way. Each dial runs under ``context.with_timeout``: a port that neither
accepts nor refuses (a firewall dropping packets) costs at most ``TIMEOUT``,
and ``dial_context`` raises the context's ``DeadlineExceeded``. A refused
port fails at once with ``ConnectionRefusedError``.

``main`` opens three listeners on 127.0.0.1 and finds three free ports, then
checks all six.
"""

from __future__ import annotations

from gochan import Chan, WaitGroup, background, context, net, run

LIMIT = 4
TIMEOUT = 0.5  # seconds per dial


def is_open(ctx: context.Context, address: str) -> bool:
    ctx, cancel = context.with_timeout(ctx, TIMEOUT)
    try:
        with net.dial_context(ctx, "tcp", address):
            return True
    except OSError:  # refused, unreachable, or the timeout (a TimeoutError)
        return False
    finally:
        cancel()


def check_all(addresses: list[str]) -> tuple[dict[str, bool], int]:
    """Whether each address accepts connections; and the most dials seen at once."""
    results: dict[str, bool] = {}
    slots = Chan[None](LIMIT)
    in_flight = peak = 0
    wg = WaitGroup()

    def check(address: str) -> None:
        nonlocal in_flight, peak
        slots.send(None)  # take a slot: blocks while LIMIT dials are under way
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            results[address] = is_open(background(), address)
        finally:
            in_flight -= 1
            slots.recv()  # give it back

    for address in addresses:
        wg.go(check, address)
    wg.wait()
    return results, peak


def main() -> None:
    listeners = [net.listen("tcp", "127.0.0.1:0") for _ in range(3)]
    free = []
    for _ in range(3):
        with net.listen("tcp", "127.0.0.1:0") as ln:  # a port nobody listens on once closed
            free.append(str(ln.addr()))
    names = {str(ln.addr()): f"listener {i}" for i, ln in enumerate(listeners, 1)}
    names.update({address: f"free port {i}" for i, address in enumerate(free, 1)})
    results, peak = check_all(list(names))
    for address, name in names.items():
        print(f"{name}: {'open' if results[address] else 'closed'}")
    print(f"at most {LIMIT} dials at once: {peak <= LIMIT}")
    for ln in listeners:
        ln.close()


if __name__ == "__main__":
    run(main)

# Output:
# listener 1: open
# listener 2: open
# listener 3: open
# free port 1: closed
# free port 2: closed
# free port 3: closed
# at most 4 dials at once: True
