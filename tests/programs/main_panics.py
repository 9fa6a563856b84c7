"""A Go run-time panic in the main goroutine: exit status 2."""

from gochan import Chan, go

ch = Chan[int]()
go(ch.recv)
ch.close()
ch.send(1)  # send on closed channel
