"""An ordinary exception at the top level: Python's traceback, exit status 1."""


def fail() -> None:
    raise LookupError("not a panic")  # the raise


fail()  # the call
