"""A goroutine calls sys.exit(int(argv[1])): the program exits with that status."""

import sys

from gochan import Chan, go

print(__name__, sys.argv[1:])
go(sys.exit, int(sys.argv[1]))
Chan[int]().recv()
