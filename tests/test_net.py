"""gochan.net: Go's net on the netpoller.  Loopback (127.0.0.1, ::1) and Unix sockets only."""

from __future__ import annotations

import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gochan import (
    Canceled,
    Chan,
    DeadlineExceeded,
    Deadlock,
    WaitGroup,
    background,
    go,
    net,
    run,
    with_cancel,
    with_timeout,
)
from gochan._core import get_runtime
from gochan.testing import wait_blocked


def has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


def echo(conn: net.Conn) -> None:
    with conn:
        while data := conn.read(65536):
            conn.write(data)


def serve(ln: net.Listener, handler: object = echo) -> None:
    """Go's accept loop: a goroutine per connection, until the listener closes."""
    while True:
        try:
            conn = ln.accept()
        except net.ErrClosed:
            return
        go(handler, conn)  # type: ignore[arg-type]


@pytest.fixture
def sock_path(tmp_path: Path) -> str:
    return str(tmp_path / "s.sock")


# -- addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hostport", "split"),
    [
        ("127.0.0.1:80", ("127.0.0.1", "80")),
        ("[::1]:443", ("::1", "443")),
        (":0", ("", "0")),
        ("localhost:http", ("localhost", "http")),
    ],
)
def test_split_and_join_host_port(hostport: str, split: tuple[str, str]) -> None:
    assert net.split_host_port(hostport) == split
    assert net.join_host_port(*split) == hostport


@pytest.mark.parametrize(
    ("hostport", "message"),
    [
        ("127.0.0.1", "address 127.0.0.1: missing port in address"),
        ("::1:80", "address ::1:80: too many colons in address"),
        ("[::1", "address [::1: missing ']' in address"),
    ],
)
def test_bad_addresses_get_gos_messages(hostport: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message.replace('[', '.')}$"):
        net.split_host_port(hostport)


def test_addresses_print_as_go_prints_them() -> None:
    assert str(net.TCPAddr("127.0.0.1", 80)) == "127.0.0.1:80"
    assert str(net.TCPAddr("::1", 80)) == "[::1]:80"
    assert str(net.UDPAddr("::1", 53)) == "[::1]:53"
    assert str(net.UnixAddr("/tmp/s")) == "/tmp/s"
    assert [a.network() for a in (net.TCPAddr("", 0), net.UDPAddr("", 0), net.UnixAddr(""))] == [
        "tcp",
        "udp",
        "unix",
    ]


def test_unknown_network() -> None:
    with pytest.raises(ValueError, match="unknown network sctp"):
        net.listen("sctp", "127.0.0.1:0")


# -- TCP and Unix streams ----------------------------------------------------------------


def round_trip(network: str, listen_address: str) -> tuple[str, bytes, str, str]:
    def main() -> tuple[str, bytes, str, str]:
        with net.listen(network, listen_address) as ln:
            go(serve, ln)
            with net.dial(network, str(ln.addr())) as conn:
                conn.write(b"hello")
                reply = conn.read(100)
                return str(ln.addr()), reply, str(conn.local_addr()), str(conn.remote_addr())

    return run(main)


def test_tcp4_echo_and_addresses() -> None:
    addr, reply, local, remote = round_trip("tcp", "127.0.0.1:0")
    assert reply == b"hello"
    assert addr.startswith("127.0.0.1:")
    assert addr != "127.0.0.1:0"  # port 0 picked a free port
    assert remote == addr
    assert local.startswith("127.0.0.1:")


@pytest.mark.skipif(not has_ipv6_loopback(), reason="no IPv6 loopback")
def test_tcp6_echo_and_bracketed_addresses() -> None:
    addr, reply, local, remote = round_trip("tcp6", "[::1]:0")
    assert reply == b"hello"
    assert addr.startswith("[::1]:")
    assert remote == addr
    assert local.startswith("[::1]:")


def test_unix_echo_and_path_addresses(sock_path: str) -> None:
    addr, reply, _, remote = round_trip("unix", sock_path)
    assert (addr, reply, remote) == (sock_path, b"hello", sock_path)
    assert not Path(sock_path).exists()  # the listener's close removed it


def test_dial_resolves_names_on_a_worker_thread() -> None:
    def main() -> bytes:
        with net.listen("tcp4", "127.0.0.1:0") as ln:
            go(serve, ln)
            port = net.split_host_port(str(ln.addr()))[1]
            with net.dial("tcp4", f"localhost:{port}") as conn:
                assert get_runtime().workers is not None  # the lookup ran on a thread
                conn.write(b"by name")
                return conn.read(100)

    assert run(main) == b"by name"


def test_read_returns_empty_bytes_at_the_end_of_the_stream_after_close_write() -> None:
    def main() -> tuple[bytes, bytes]:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            go(serve, ln)
            with net.dial("tcp", str(ln.addr())) as conn:
                conn.write(b"last words")
                conn.close_write()  # the echo server sees the end, echoes and closes
                got = b""
                while chunk := conn.read(3):
                    got += chunk
                return got, conn.read(10)

    assert run(main) == (b"last words", b"")


def test_write_sends_everything_even_past_the_socket_buffers() -> None:
    payload = bytes(range(256)) * 16_384  # 4 MiB: many waits for room

    def main() -> bytes:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            go(serve, ln)
            with net.dial("tcp", str(ln.addr())) as conn:
                received = bytearray()

                def reader() -> None:
                    while len(received) < len(payload):
                        received.extend(conn.read(65536))

                wg = WaitGroup()
                wg.go(reader)
                assert conn.write(payload) == len(payload)
                wg.wait()
                assert conn.write(memoryview(payload)[:10]) == 10
                received.extend(conn.read(10))
                return bytes(received)

    assert run(main) == payload + payload[:10]


def test_a_conn_is_a_binary_stream_for_buffered_readers() -> None:
    def main() -> list[bytes]:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            go(serve, ln)
            conn = net.dial("tcp", str(ln.addr()))
            with io.BufferedReader(conn) as lines:  # Go's bufio.Scanner
                conn.write(b"one\ntwo\n")
                first = lines.readline()
                conn.write(b"three\n")
                conn.close_write()
                return [first, *lines]

    assert run(main) == [b"one\n", b"two\n", b"three\n"]


def test_nagle_is_off_by_default_and_can_be_turned_back_on() -> None:
    def nodelay(conn: net.Conn) -> int:
        return conn._s.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)

    def main() -> tuple[int, int, int]:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            accepted = Chan[net.Conn](1)
            go(lambda: accepted.send(ln.accept()))
            with net.dial("tcp", str(ln.addr())) as conn, accepted.recv() as other:
                before = nodelay(conn)
                conn.set_no_delay(False)
                return before, nodelay(conn), nodelay(other)

    before, after, accepted = run(main)
    assert before != 0
    assert after == 0
    assert accepted != 0


def test_listeners_reuse_the_address() -> None:
    def main() -> int:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            return ln._s.sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)

    assert run(main) != 0


def test_dial_to_a_closed_port_is_refused() -> None:
    def main() -> None:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            address = str(ln.addr())
        net.dial("tcp", address)

    with pytest.raises(ConnectionRefusedError):
        run(main)


# -- closing -----------------------------------------------------------------------------


def test_close_from_another_goroutine_wakes_a_blocked_reader_with_err_closed() -> None:
    def main() -> str:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            go(serve, ln, lambda conn: None)  # accepts and never writes
            conn = net.dial("tcp", str(ln.addr()))
            err = Chan[BaseException](1)

            def reader() -> None:
                try:
                    conn.read(10)
                except net.ErrClosed as exc:
                    err.send(exc)

            go(reader)
            wait_blocked(2, "IO wait")  # the reader, and the accept loop
            conn.close()
            exc = err.recv()
            assert isinstance(exc, OSError)
            conn.close()  # again: nothing
            with pytest.raises(net.ErrClosed):
                conn.write(b"x")
            with pytest.raises(net.ErrClosed):
                conn.set_deadline(None)
            return str(exc)

    assert run(main) == "use of closed network connection"


def test_close_wakes_a_blocked_accept_with_err_closed() -> None:
    def main() -> str:
        ln = net.listen("tcp", "127.0.0.1:0")
        err = Chan[str](1)

        def acceptor() -> None:
            try:
                ln.accept()
            except net.ErrClosed as exc:
                err.send(str(exc))

        go(acceptor)
        wait_blocked(1, "IO wait")
        ln.close()
        return err.recv()

    assert run(main) == "use of closed network connection"


# -- deadlines -----------------------------------------------------------------------


def test_an_expired_read_deadline_raises_i_o_timeout_and_a_new_one_clears_it() -> None:
    def main() -> bytes:
        rt = get_runtime()
        with net.listen("tcp", "127.0.0.1:0") as ln:
            go(serve, ln)
            with net.dial("tcp", str(ln.addr())) as conn:
                conn.set_read_deadline(rt.clock.now() + 0.02)
                start = time.monotonic()
                with pytest.raises(net.ErrDeadlineExceeded, match=r"^i/o timeout$") as info:
                    conn.read(10)  # nothing comes
                assert time.monotonic() - start >= 0.015
                assert isinstance(info.value, TimeoutError)
                with pytest.raises(net.ErrDeadlineExceeded):
                    conn.read(10)  # still expired
                conn.set_read_deadline(None)
                conn.write(b"usable")
                return conn.read(10)

    assert run(main) == b"usable"


def test_a_deadline_set_while_a_read_waits_applies_to_that_wait() -> None:
    def main() -> str:
        rt = get_runtime()
        with net.listen("tcp", "127.0.0.1:0") as ln:
            go(serve, ln)
            with net.dial("tcp", str(ln.addr())) as conn:
                err = Chan[str](1)

                def reader() -> None:
                    try:
                        conn.read(10)
                    except TimeoutError as exc:
                        err.send(str(exc))

                go(reader)
                wait_blocked(3, "IO wait")  # the reader, the server's read, the accept
                conn.set_deadline(rt.clock.now() - 1)  # in the past: at once
                return err.recv()

    assert run(main) == "i/o timeout"


def test_a_write_deadline_stops_a_write_the_peer_never_reads() -> None:
    def main() -> None:
        rt = get_runtime()
        with net.listen("tcp", "127.0.0.1:0") as ln:
            go(serve, ln, lambda conn: None)  # never reads
            with net.dial("tcp", str(ln.addr())) as conn:
                conn.set_write_deadline(rt.clock.now() + 0.05)
                with pytest.raises(net.ErrDeadlineExceeded):
                    conn.write(b"x" * 64 * 1024 * 1024)

    run(main)


# -- dialing with a timeout or a context ---------------------------------------------


@pytest.fixture
def full_backlog() -> Iterator[str]:
    """A loopback listener whose accept queue is full: further connects hang."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    fillers = []
    try:
        for _ in range(4):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(server.getsockname())
            fillers.append(s)
        yield f"127.0.0.1:{server.getsockname()[1]}"
    finally:
        for s in fillers:
            s.close()
        server.close()


def test_dial_timeout_raises_i_o_timeout(full_backlog: str) -> None:
    with pytest.raises(net.ErrDeadlineExceeded, match="i/o timeout"):
        run(net.dial, "tcp", full_backlog, timeout=0.05)


def test_dial_context_deadline_raises_the_contexts_error(full_backlog: str) -> None:
    def main() -> None:
        ctx, cancel = with_timeout(background(), 0.05)
        try:
            net.dial_context(ctx, "tcp", full_backlog)
        finally:
            cancel()

    with pytest.raises(DeadlineExceeded):
        run(main)


def test_dial_context_cancel_aborts_the_connect(full_backlog: str) -> None:
    def main() -> None:
        ctx, cancel = with_cancel(background())

        def canceller() -> None:
            wait_blocked(1, "IO wait")  # the connect
            cancel()

        go(canceller)
        net.dial_context(ctx, "tcp", full_backlog)

    with pytest.raises(Canceled):
        run(main)


def test_dial_context_with_a_cancelled_context_does_not_dial() -> None:
    def main() -> None:
        ctx, cancel = with_cancel(background())
        cancel()
        net.dial_context(ctx, "tcp", "127.0.0.1:1")

    with pytest.raises(Canceled):
        run(main)


def test_dial_context_connects_when_the_context_allows() -> None:
    def main() -> bytes:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            go(serve, ln)
            ctx, cancel = with_timeout(background(), 5)
            try:
                with net.dial_context(ctx, "tcp", str(ln.addr())) as conn:
                    conn.write(b"ok")
                    return conn.read(10)
            finally:
                cancel()

    assert run(main) == b"ok"


# -- UDP -----------------------------------------------------------------------------


def test_udp_read_from_and_write_to() -> None:
    def main() -> tuple[bytes, bytes, str]:
        with net.listen_packet("udp", "127.0.0.1:0") as server:

            def reflect() -> None:
                data, addr = server.read_from(1500)
                server.write_to(data.upper(), addr)  # the address read_from returned

            go(reflect)
            with net.listen_packet("udp", "127.0.0.1:0") as client:
                client.write_to(b"ping", str(server.local_addr()))  # a host:port string
                reply, sender = client.read_from(1500)
                client.set_read_deadline(get_runtime().clock.now() + 0.02)
                with pytest.raises(net.ErrDeadlineExceeded):
                    client.read_from(1500)
                return b"ping", reply, str(sender)

    sent, reply, sender = run(main)
    assert reply == sent.upper()
    assert sender.startswith("127.0.0.1:")


# -- the runtime ---------------------------------------------------------------------


def test_a_hundred_idle_connections_do_not_stall_busy_ones() -> None:
    def main() -> int:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            go(serve, ln)
            address = str(ln.addr())
            idle = [net.dial("tcp", address) for _ in range(100)]
            done = Chan[int]()

            def client() -> None:
                with net.dial("tcp", address) as conn:
                    for i in range(100):
                        message = b"%d\n" % i
                        conn.write(message)
                        got = b""
                        while len(got) < len(message):
                            got += conn.read(100)
                        assert got == message
                done.send(100)

            for _ in range(10):
                go(client)
            total = sum(done.recv() for _ in range(10))
            assert threading.active_count() <= 2  # no thread per connection
            for conn in idle:
                conn.close()
            return total

    start = time.monotonic()
    assert run(main) == 1000
    assert time.monotonic() - start < 20


BACKLOG_BYTES = 20_000  # waiting on the busy connection: fits the socket buffers
STEP = 10  # bytes per read: 2,000 reads that each find data at once


def read_backlog_until(conn: net.Conn, served: list[int]) -> int:
    """Read BACKLOG_BYTES in STEPs; the bytes read when ``served`` got its first entry."""
    read = 0
    while read < BACKLOG_BYTES:
        read += len(conn.read(STEP))
        if served and served[0] < 0:
            served[0] = read
    return served[0] if served else read


def test_a_reader_that_always_finds_data_lets_runnable_goroutines_run() -> None:
    # A keep-alive client that sends its next request as soon as it has the
    # last answer keeps data waiting: the server's reader never parks, and
    # the goroutines that can run must still get their turn (Go preempts).
    def main() -> int:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            busy_out = net.dial("tcp", str(ln.addr()))
            busy_in = ln.accept()
            busy_out.write(b"x" * BACKLOG_BYTES)
            served: list[int] = []
            go(served.append, -1)  # runnable from now on
            at = read_backlog_until(busy_in, served)
            busy_in.close()
            busy_out.close()
            return at

    assert run(main) < BACKLOG_BYTES // 10


def test_a_reader_that_always_finds_data_lets_the_loop_poll() -> None:
    # Nothing else is runnable, but another connection's data has come: the
    # loop must get to poll for it although the reader never parks.
    def main() -> int:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            address = str(ln.addr())
            busy_out, busy_in = net.dial("tcp", address), ln.accept()
            other_out, other_in = net.dial("tcp", address), ln.accept()
            busy_out.write(b"x" * BACKLOG_BYTES)
            served: list[int] = []

            def other() -> None:
                other_in.read(1)
                served.append(-1)

            go(other)
            wait_blocked(1, "IO wait")
            other_out.write(b"y")  # other is ready, but only a poll can tell
            at = read_backlog_until(busy_in, served)
            for conn in (busy_out, busy_in, other_out, other_in):
                conn.close()
            return at

    assert run(main) < BACKLOG_BYTES // 10


def test_the_end_of_run_ends_goroutines_blocked_in_io() -> None:
    closed: list[str] = []

    def handler(conn: net.Conn) -> None:
        try:
            conn.read(10)
        finally:
            conn.close()
            closed.append("handler")

    def main() -> None:
        ln = net.listen("tcp", "127.0.0.1:0")

        def acceptor() -> None:
            try:
                serve(ln, handler)
            finally:
                ln.close()
                closed.append("listener")

        go(acceptor)
        conns = [net.dial("tcp", str(ln.addr())) for _ in range(3)]
        wait_blocked(4, "IO wait")
        for conn in conns:
            conn.close()
        # Main returns: run() ends the four goroutines parked in IO wait.

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(get_runtime(), "at_main_return", None)  # left for run() on purpose
        run(main)
    assert sorted(closed) == ["handler"] * 3 + ["listener"]
    assert get_runtime().io_waiting == 0


def test_deadlock_is_found_while_connections_are_open_but_nobody_waits_on_them() -> None:
    def main() -> None:
        with net.listen("tcp", "127.0.0.1:0") as ln, net.dial("tcp", str(ln.addr())):
            Chan[int]().recv()

    with pytest.raises(Deadlock):
        run(main)


def test_waiting_on_a_peer_in_another_thread_is_not_a_deadlock() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def peer() -> None:
        conn, _ = server.accept()
        with conn:
            time.sleep(0.05)
            conn.sendall(b"from a thread")

    thread = threading.Thread(target=peer)
    thread.start()
    try:

        def main() -> bytes:
            with net.dial("tcp", f"127.0.0.1:{server.getsockname()[1]}") as conn:
                return conn.read(100)  # only the thread can wake this

        assert run(main) == b"from a thread"
    finally:
        thread.join()
        server.close()


def test_a_conn_belongs_to_its_runtime_thread() -> None:
    def main() -> str:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            go(serve, ln)
            with net.dial("tcp", str(ln.addr())) as conn:
                errors: list[BaseException] = []

                def elsewhere() -> None:
                    try:
                        conn.write(b"x")
                    except RuntimeError as exc:
                        errors.append(exc)

                thread = threading.Thread(target=elsewhere)
                thread.start()
                thread.join()
                return str(errors[0])

    assert "belongs to the gochan runtime of thread" in run(main)


# -- a read that emptied the socket: the next one parks without trying --------------
# A read that gets fewer bytes than it asks for marks the socket drained, and the
# next read parks at once; these are the cases where no new edge would come.


def conn_pair(ln: net.Listener) -> tuple[net.Conn, net.Conn]:
    """A dialled connection and its accepted end, on ``ln``."""
    client = net.dial("tcp", str(ln.addr()))
    return client, ln.accept()


def drained(conn: net.Conn) -> bool:
    """Whether ``conn``'s next read parks without trying."""
    return conn._s.r.drained


def read_to_end(conn: net.Conn, n: int = 100) -> list[bytes]:
    """Every read until the end of the stream, each of up to ``n`` bytes; at most 5 s."""
    conn.set_read_deadline(get_runtime().clock.now() + 5)
    reads = [conn.read(n)]
    while reads[-1]:
        reads.append(conn.read(n))
    return reads


@pytest.mark.parametrize("close", ["close", "close_write"])
def test_data_and_the_end_of_the_stream_in_one_edge_are_both_read(close: str) -> None:
    # The reader waits; the data and the FIN arrive before the loop polls, so
    # one edge reports both: the short read that gets the data must not mark
    # the socket drained, or the end, which brings no other edge, is never read.
    def main() -> list[bytes]:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            client, server = conn_pair(ln)
            reads = Chan[list[bytes]](1)
            go(lambda: reads.send(read_to_end(server)))
            wait_blocked(1, "IO wait")
            client.write(b"last words")
            getattr(client, close)()
            got = reads.recv()
            client.close()
            server.close()
            return got

    assert run(main) == [b"last words", b""]


def test_data_then_the_end_of_the_stream_in_two_edges_are_both_read() -> None:
    def main() -> list[bytes]:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            client, server = conn_pair(ln)
            got = []
            with client, server:
                client.write(b"first")
                got.append(server.read(100))  # short: drained
                assert drained(server)
                client.close_write()
                got += read_to_end(server)
                server.write(b"still open")  # half-closed: the other way still works
                got.append(client.read(100))
            return got

    assert run(main) == [b"first", b"", b"still open"]


def test_a_read_that_fills_its_size_leaves_the_socket_ready() -> None:
    # Twelve bytes arrive in one edge: reads of 4 get 4, 4 (not short: more may
    # be queued, so the next one tries), a readinto 3, then 1, short: drained.
    def main() -> tuple[list[bytes], bytearray]:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            client, server = conn_pair(ln)
            with client, server:
                client.write(b"0123456789ab")
                server.set_read_deadline(get_runtime().clock.now() + 5)
                reads = []
                for _ in range(2):
                    reads.append(server.read(4))
                    assert not drained(server)
                buffer = bytearray(3)
                assert server.readinto(buffer) == 3  # as full: not drained
                assert not drained(server)
                reads.append(server.read(4))
                assert drained(server)
                client.write(b"more")  # a new edge clears the mark
                reads.append(server.read(4))
                return reads, buffer

    assert run(main) == ([b"0123", b"4567", b"b", b"more"], bytearray(b"89a"))


def test_a_deadline_applies_to_a_drained_socket_and_a_new_one_lets_it_read() -> None:
    def main() -> bytes:
        rt = get_runtime()
        with net.listen("tcp", "127.0.0.1:0") as ln:
            client, server = conn_pair(ln)
            with client, server:
                client.write(b"x")
                assert server.read(10) == b"x"
                server.set_read_deadline(rt.clock.now() - 1)
                with pytest.raises(net.ErrDeadlineExceeded):
                    server.read(10)
                server.set_read_deadline(rt.clock.now() + 5)
                client.write(b"after")
                return server.read(10)

    assert run(main) == b"after"


def test_two_goroutines_reading_one_socket_both_get_their_data() -> None:
    # One read drains the socket; the other goroutine's read parks at once, and
    # every later edge wakes both.
    def main() -> list[bytes]:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            client, server = conn_pair(ln)
            with client, server:
                server.set_read_deadline(get_runtime().clock.now() + 5)
                got = Chan[bytes](2)
                client.write(b"a")
                assert server.read(10) == b"a"
                for _ in range(2):
                    go(lambda: got.send(server.read(10)))
                wait_blocked(2, "IO wait")
                client.write(b"b")
                first = got.recv()
                client.write(b"c")
                return sorted([first, got.recv()])

    assert run(main) == [b"b", b"c"]


def test_a_read_through_a_duplicate_descriptor_leaves_the_mark_sound() -> None:
    # Another reader of the same socket (a dup) only empties it further: a read
    # that finds the socket drained waits for the next data.
    def main() -> bytes:
        with net.listen("tcp", "127.0.0.1:0") as ln:
            client, server = conn_pair(ln)
            dup = socket.socket(fileno=os.dup(server._s.fd))
            with client, server, dup:
                server.set_read_deadline(get_runtime().clock.now() + 5)
                client.write(b"a")
                assert server.read(10) == b"a"
                client.write(b"b")
                assert dup.recv(10) == b"b"  # the edge comes, the data is gone
                got = Chan[bytes](1)
                go(lambda: got.send(server.read(10)))
                wait_blocked(1, "IO wait")
                client.write(b"c")
                return got.recv()

    assert run(main) == b"c"
