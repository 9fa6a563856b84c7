"""gochan's internal layering: who may import whom (STYLE.md §2), read from the source with ast.

The table below is a DAG read top to bottom; nothing inside gochan imports
``gochan`` itself, only ``gochan/_core`` imports greenlet (and the OS's
readiness APIs, ``selectors`` and ``select``), code outside
``_core`` uses ``_core``'s package API and never its private modules, and no
two modules import each other, directly or not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gochan._build import MODULES

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "gochan"

# Every unit of gochan (a module, or the _core package as a whole) and the
# units it may import.  A unit not listed here fails the test: a new module
# takes its place in the table on purpose.
_LOW = frozenset({"_errors", "_core"})
ALL_BUT_INIT = frozenset(
    {"_build", "_errors", "_core", "_chan", "runtime", "sync", "_select", "time", "context"}
    | {"errgroup", "semaphore", "singleflight", "_poll", "net", "exec", "signal", "testing"}
    | {"_pytest_plugin"}
)
MAY_IMPORT: dict[str, frozenset[str]] = {
    # Which build of the core runs: imported by __init__ before anything else.
    "_build": frozenset(),
    "_errors": frozenset(),
    "_core": frozenset({"_errors", "_build"}),
    "_chan": _LOW,
    # future_done() hands out a channel: runtime sits above _chan (still a DAG).
    "runtime": _LOW | {"_chan", "_build"},
    "sync": _LOW,
    "_select": _LOW | {"_chan"},
    "time": frozenset({"_chan", "_core"}),
    "context": _LOW | {"time", "_chan", "_select"},
    "errgroup": frozenset({"context", "sync", "runtime", "_errors"}),
    # x/sync's other two: a waiter selects on its grant and ctx.done(); a
    # call's duplicates wait on a WaitGroup, and do_chan starts a goroutine.
    "semaphore": frozenset({"context", "_select", "_chan", "_errors"}),
    "singleflight": frozenset({"sync", "_chan", "_core"}),
    # Go's internal/poll: the read and write loops on the netpoller that
    # sockets and pipes share; a read that keeps finding data yields (gosched).
    "_poll": _LOW | {"runtime"},
    # dial_context: a context stops the connect and the name lookup.
    "net": _LOW | {"_poll", "_chan", "_select", "context", "runtime"},
    # Pipes and child exits on the netpoller; a context stops a command, a
    # timer bounds its wait_delay, goroutines copy its I/O.
    "exec": _LOW | {"_poll", "_chan", "_select", "context", "runtime", "time"},
    # The close_notify write is bounded by a deadline on the runtime's clock.
    "tls": frozenset({"net", "context", "sync", "time"}),
    # Go's net/http on the netpoller: a goroutine per connection, contexts, timers.
    "http": frozenset(
        {"net", "tls", "_errors", "_chan", "_select", "runtime", "time", "context", "sync"}
    ),
    # Go's os/signal; the one module besides _core that sets signal handlers.
    "signal": _LOW | {"_chan", "_select", "context"},
    # Test support and the command line sit on top: anything but __init__.
    "testing": ALL_BUT_INIT,
    "_pytest_plugin": ALL_BUT_INIT,
    "__main__": ALL_BUT_INIT,
    "__init__": ALL_BUT_INIT,
}


@dataclass(frozen=True)
class Import:
    """One import statement's target, resolved to an absolute module name."""

    source: Path
    line: int
    module: str  # absolute, e.g. "gochan._core", "greenlet", "collections.abc"
    type_checking: bool  # under ``if TYPE_CHECKING:``: never executed

    def where(self) -> str:
        return f"{self.source.relative_to(PACKAGE_DIR.parent)}:{self.line}"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def unit(module: str) -> str:
    """The row of MAY_IMPORT that a gochan module belongs to."""
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def is_submodule(module: str) -> bool:
    relative = Path(*module.split(".")[1:])
    root = PACKAGE_DIR / relative
    return root.with_suffix(".py").is_file() or (root / "__init__.py").is_file()


def source_files() -> list[Path]:
    return sorted(PACKAGE_DIR.rglob("*.py"))


def imports(path: Path) -> Iterator[Import]:
    """Every import in ``path``, at any depth, with relative ones made absolute."""
    tree = ast.parse(path.read_text(), str(path))
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    )
    yield from _walk(tree, path, package, type_checking=False)


def _walk(node: ast.AST, path: Path, package: str, type_checking: bool) -> Iterator[Import]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and ast.unparse(child.test) in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            for stmt in child.body:
                yield from _walk_stmt(stmt, path, package, type_checking=True)
            for stmt in child.orelse:
                yield from _walk_stmt(stmt, path, package, type_checking)
            continue
        yield from _walk_stmt(child, path, package, type_checking)


def _walk_stmt(node: ast.AST, path: Path, package: str, type_checking: bool) -> Iterator[Import]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield Import(path, node.lineno, alias.name, type_checking)
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
            target = f"{base}.{node.module}" if node.module else base
        else:
            target = node.module or ""
        if target == "gochan" or (node.module is None and node.level):
            # "from . import x" / "from gochan import x": x is a submodule or a
            # name of the package itself.
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                is_sub = target.startswith("gochan") and is_submodule(sub)
                yield Import(path, node.lineno, sub if is_sub else target, type_checking)
        else:
            yield Import(path, node.lineno, target, type_checking)
    yield from _walk(node, path, package, type_checking)


def gochan_imports() -> list[Import]:
    return [
        imp
        for path in source_files()
        for imp in imports(path)
        if imp.module == "gochan" or imp.module.startswith("gochan.")
    ]


def test_every_module_has_a_row_in_the_table() -> None:
    units = {unit(module_name(path)) for path in source_files()}
    assert units - MAY_IMPORT.keys() == set(), "add the new module to MAY_IMPORT"


@pytest.mark.parametrize("path", source_files(), ids=lambda p: module_name(p))
def test_imports_follow_the_table(path: Path) -> None:
    importer = unit(module_name(path))
    allowed = MAY_IMPORT.get(importer, frozenset())
    bad = [
        f"{imp.where()}: {importer} imports {imp.module}"
        for imp in imports(path)
        if imp.module.startswith("gochan.")
        and unit(imp.module) != importer
        and unit(imp.module) not in allowed
    ]
    assert bad == []


def test_nothing_inside_gochan_imports_gochan_itself() -> None:
    bad = [f"{imp.where()}: imports gochan" for imp in gochan_imports() if imp.module == "gochan"]
    assert bad == []


def test_only_core_imports_greenlet_and_the_os_readiness_apis() -> None:
    bad = [
        f"{imp.where()}: imports {imp.module}"
        for path in source_files()
        if unit(module_name(path)) != "_core"
        for imp in imports(path)
        if imp.module.split(".")[0] in ("greenlet", "selectors", "select")
    ]
    assert bad == []


# Signal handlers are process-wide: only these units may import Python's signal.
# gochan.signal (Go's os/signal) for programs, __main__ for its SIGQUIT dump,
# _core for the scheduler's own wake-ups; exec names and sends the signals that
# end a command, and sets no handler.
SIGNAL_HANDLERS = frozenset({"signal", "__main__", "_core", "exec"})


def test_only_the_signal_package_handles_signals() -> None:
    bad = [
        f"{imp.where()}: imports {imp.module}"
        for path in source_files()
        if unit(module_name(path)) not in SIGNAL_HANDLERS
        for imp in imports(path)
        if imp.module == "signal"
    ]
    assert bad == []


def test_outside_core_only_the_core_package_api_is_used() -> None:
    # gochan/_core/__init__.py lists the core API; its modules are private to it.
    # But for _core._greenlet in the compiled modules: they take its names
    # with a star import, as their .pxd cimports the same names from
    # _greenlet.pxd (see docs/design.md, "The compiled core").
    bad = [
        f"{imp.where()}: imports {imp.module}"
        for imp in gochan_imports()
        if imp.module.startswith("gochan._core.")
        and unit(module_name(imp.source)) != "_core"
        and not (imp.module == "gochan._core._greenlet" and module_name(imp.source) in MODULES)
    ]
    assert bad == []


def test_no_import_cycles() -> None:
    # Module by module, imports that run (TYPE_CHECKING ones never do).
    graph: dict[str, set[str]] = {module_name(path): set() for path in source_files()}
    for imp in gochan_imports():
        source = module_name(imp.source)
        if not imp.type_checking and imp.module != source:
            graph[source].add(imp.module)
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        if module in done:
            return
        if module in visiting:
            cycle = [*visiting[visiting.index(module) :], module]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        visiting.append(module)
        for target in sorted(graph.get(module, ())):
            visit(target)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_the_checker_sees_relative_and_guarded_imports() -> None:
    # The parser this file relies on: a relative import from inside _core,
    # resolved to its absolute name, and a TYPE_CHECKING import marked as such.
    sched = PACKAGE_DIR / "_core" / "_sched.py"
    found = {(imp.module, imp.type_checking) for imp in imports(sched)}
    assert ("gochan._errors", False) in found
    goroutine = PACKAGE_DIR / "_core" / "_goroutine.py"
    assert ("greenlet", True) in {(imp.module, imp.type_checking) for imp in imports(goroutine)}
