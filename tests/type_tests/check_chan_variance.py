"""Checked by mypy only (``mypy --strict tests``); pytest never collects it.

This file does nothing at run time.  It proves the static typing promises of
the API: channel directions and their variance, select cases that respect the
direction, and ``go()``/``run()`` checking the arguments they pass on
(ParamSpec).  Each ``# type: ignore[code]`` marks a line mypy must reject:
``--strict`` includes ``--warn-unused-ignores``, so if the error went away,
mypy would fail on the now useless ignore.
"""

from __future__ import annotations

from typing import assert_type

from gochan import Chan, RecvCase, RecvChan, SendCase, SendChan, go, recv, run, send


class Animal: ...


class Dog(Animal): ...


def feed(ch: SendChan[Dog]) -> None:
    ch.send(Dog())


def adopt(ch: RecvChan[Animal]) -> Animal:
    return ch.recv()


def directions(animals: Chan[Animal], dogs: Chan[Dog]) -> None:
    # A Chan is both directions.
    feed(dogs)
    adopt(animals)
    # SendChan is contravariant: a channel that takes any Animal takes Dogs.
    feed(animals)
    # RecvChan is covariant: a channel that gives Dogs gives Animals.
    adopt(dogs)
    # The other way round would send an Animal where only Dogs go, or give
    # an Animal where a Dog is expected.
    dog_sender: SendChan[Dog] = animals
    animal_sender: SendChan[Animal] = dogs  # type: ignore[assignment]
    animal_receiver: RecvChan[Animal] = dogs
    dog_receiver: RecvChan[Dog] = animals  # type: ignore[assignment]
    # Chan itself is invariant.
    same: Chan[Animal] = dogs  # type: ignore[assignment]
    del dog_sender, animal_sender, animal_receiver, dog_receiver, same


def one_way(out: SendChan[int], inp: RecvChan[int]) -> None:
    out.send(1)
    out.close()
    assert_type(inp.recv(), int)
    assert_type(inp.recv_ok(), tuple[int, bool])
    for value in inp:
        assert_type(value, int)
    # No receiving on a send-only channel, no sending on a receive-only one.
    out.recv()  # type: ignore[attr-defined]
    inp.send(1)  # type: ignore[attr-defined]
    inp.close()  # type: ignore[attr-defined]
    out.send("one")  # type: ignore[arg-type]


def select_cases(out: SendChan[int], inp: RecvChan[int]) -> None:
    assert_type(recv(inp), RecvCase[int])
    assert_type(recv(inp).value, int)
    assert_type(send(out, 1), SendCase[int])
    recv(None)  # Go's nil channel
    recv(out)  # type: ignore[arg-type]
    send(inp, 1)  # type: ignore[arg-type]


def worker(n: int, name: str, *, verbose: bool = False) -> str:
    return f"{name}{n}{verbose}"


def program(limit: int) -> list[int]:
    return list(range(limit))


def paramspec() -> None:
    go(worker, 1, "w")
    go(worker, 1, "w", verbose=True)
    go(worker, "1", "w")  # type: ignore[arg-type]
    go(worker, 1)  # type: ignore[call-arg]
    go(worker, 1, "w", loud=True)  # type: ignore[call-arg]
    assert_type(run(program, 3), list[int])
    run(program, "3")  # type: ignore[arg-type]
    run(program)  # type: ignore[call-arg]
