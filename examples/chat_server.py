"""Go's classic chat server (The Go Programming Language, §8.10), on gochan.net.

One goroutine per connection reads the client's lines; one more per
connection writes what the client must see; a single ``broadcaster``
goroutine owns the set of clients, and everything else talks to it through
channels: ``entering``, ``leaving`` and ``messages``. No lock anywhere.
As in the book's exercise 8.14, a client's first line is its name.

``main`` plays two clients in a fixed order (each waits to see its own
message come back, so the transcript is the same on every run) and prints
what each of them saw.
"""

from __future__ import annotations

import io

from gochan import Chan, RecvChan, SendChan, go, net, recv, run, select

Client = SendChan[str]  # the outgoing messages of one client

entering = Chan[Client]()
leaving = Chan[Client]()
messages = Chan[str]()


def broadcaster() -> None:
    clients: set[Client] = set()
    while True:
        msg, arrived, left = recv(messages), recv(entering), recv(leaving)
        chosen = select(msg, arrived, left)
        if chosen is msg:
            for cli in clients:  # every client's writer gets every message
                cli.send(msg.value)
        elif chosen is arrived:
            clients.add(arrived.value)
        else:
            clients.remove(left.value)
            left.value.close()


def handle_conn(conn: net.Conn) -> None:
    ch = Chan[str]()
    go(client_writer, conn, ch)
    lines = io.BufferedReader(conn)
    who = lines.readline().decode().strip()
    ch.send(f"You are {who}")
    messages.send(f"{who} has arrived")
    entering.send(ch)
    for line in lines:  # until the client closes: Go's bufio.Scanner loop
        messages.send(f"{who}: {line.decode().strip()}")
    leaving.send(ch)
    messages.send(f"{who} has left")
    conn.close()


def client_writer(conn: net.Conn, ch: RecvChan[str]) -> None:
    for msg in ch:
        conn.write(f"{msg}\n".encode())


def serve(ln: net.Listener) -> None:
    go(broadcaster)
    while True:
        try:
            conn = ln.accept()
        except net.ErrClosed:
            return
        go(handle_conn, conn)


class Peer:
    """One chat client, driven by main: what it says, and every line it saw."""

    def __init__(self, address: str, name: str) -> None:
        self.name = name
        self.conn = net.dial("tcp", address)
        self.lines = io.BufferedReader(self.conn)
        self.seen: list[str] = []
        self.conn.write(f"{name}\n".encode())

    def say(self, text: str) -> None:
        self.conn.write(f"{text}\n".encode())
        self.read_until(f"{self.name}: {text}")  # back from the broadcaster

    def read_until(self, wanted: str) -> None:
        while not self.seen or self.seen[-1] != wanted:
            self.seen.append(self.lines.readline().decode().strip())


def main() -> None:
    with net.listen("tcp", "127.0.0.1:0") as ln:
        go(serve, ln)
        address = str(ln.addr())
        alice = Peer(address, "alice")
        alice.say("hi")
        bob = Peer(address, "bob")
        bob.say("hello, alice")
        bob.conn.close()
        alice.read_until("bob has left")
        alice.conn.close()
    for peer in (alice, bob):
        print(f"{peer.name} saw:", *peer.seen, sep="\n  ")


if __name__ == "__main__":
    run(main)

# Output:
# alice saw:
#   You are alice
#   alice: hi
#   bob has arrived
#   bob: hello, alice
#   bob has left
# bob saw:
#   You are bob
#   bob: hello, alice
