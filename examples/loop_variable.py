"""Goroutines started in a loop, and the loop variable they see.

The exercise warns that without ``src := src`` every goroutine calls the last
source. That was true before Go 1.22; since Go 1.22 each iteration of a
``for`` loop has a variable of its own and the copy is unnecessary. Python's
closures still behave like old Go: a closure reads the variable when it runs,
and a goroutine runs only after the loop is over. Passing the value as an
argument, ``go(fn, value)``, evaluates it at the ``go`` call, as Go's
``go f(x)`` does.
"""

from __future__ import annotations

from gochan import Chan, go, run


def main() -> None:
    names = ["a", "b", "c"]
    got = Chan[str](len(names))

    for name in names:
        go(lambda: got.send(name))  # noqa: B023 (the bug shown): reads name after the loop
    print("closure:  ", sorted(got.recv() for _ in names))

    for name in names:
        go(got.send, name)  # name is evaluated now
    print("argument: ", sorted(got.recv() for _ in names))


if __name__ == "__main__":
    run(main)

# Output:
# closure:   ['c', 'c', 'c']
# argument:  ['a', 'b', 'c']
