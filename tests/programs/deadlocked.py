"""Every goroutine is blocked: Go's fatal error, exit status 2."""

from gochan import Chan, go

ch = Chan[int]()
unread = Chan[int]()


def sender() -> None:
    ch.send(1)
    unread.send(2)  # goroutine 2 is parked here


go(sender)
print(ch.recv())
ch.recv()  # main is parked here
