"""Generate docs/reference.md, the API reference, from gochan's docstrings.

    python docs/gen_reference.py           # rewrite docs/reference.md
    python docs/gen_reference.py --check   # exit 1 if it is out of date
    python docs/gen_reference.py --stdout  # print it instead

The output depends only on the source: sections come in the order of
``SECTIONS``, names within a section in the order they are defined in its
source modules, and signatures are printed as written.  Every name that
``gochan`` or one of its public submodules exports must land in a section,
or generation fails: the reference cannot silently miss a name.

It reads gochan's Python modules, never the compiled ones (it sets
``GOCHAN_PURE_PYTHON`` before gochan is imported): signatures as written
come from Python functions only.  Where a class declares its typed
signatures under ``if TYPE_CHECKING:`` (as ``Chan`` does for the compiled
class below it), those are the ones shown.
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib
import inspect
import os
import re
import sys
from abc import ABC
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic

REFERENCE = Path(__file__).resolve().parent / "reference.md"
os.environ["GOCHAN_PURE_PYTHON"] = "1"  # before gochan is imported (see the docstring)

# The modules whose __all__ must be covered.
PUBLIC_MODULES = (
    "gochan",
    "gochan.runtime",
    "gochan.sync",
    "gochan.context",
    "gochan.time",
    "gochan.errgroup",
    "gochan.semaphore",
    "gochan.singleflight",
    "gochan.net",
    "gochan.exec",
    "gochan.signal",
    "gochan.testing",
    "gochan.tls",
    "gochan.http",
    "gochan.http.httptest",
)


@dataclass(frozen=True)
class Section:
    """One public area of the reference."""

    title: str
    exporter: str  # the module whose __all__ lists the section's names
    sources: tuple[str, ...]  # the modules that define them, in reading order
    names: tuple[str, ...] | None = None  # only these (default: every name not taken earlier)
    intro: str | None = None  # default: the exporter's docstring


SECTIONS = (
    Section("Goroutines and the runtime", "gochan.runtime", ("gochan.runtime",)),
    Section(
        "Channels and select",
        "gochan",
        ("gochan._chan", "gochan._select"),
        intro="Go's channels, with their directional views, and ``select``.  "
        "``None`` in place of a channel is Go's nil channel: a select case on it "
        "is never ready.",
    ),
    Section("sync", "gochan.sync", ("gochan.sync",)),
    Section("context", "gochan.context", ("gochan.context",)),
    Section("time", "gochan.time", ("gochan.time",)),
    Section("errgroup", "gochan.errgroup", ("gochan.errgroup",)),
    Section("semaphore", "gochan.semaphore", ("gochan.semaphore",)),
    Section("singleflight", "gochan.singleflight", ("gochan.singleflight",)),
    Section("net", "gochan.net", ("gochan.net", "gochan._errors")),
    Section("exec", "gochan.exec", ("gochan.exec",)),
    Section(
        "Threads and futures",
        "gochan.runtime",
        ("gochan.runtime",),
        names=("blocking", "set_blocking_workers", "wait_future", "future_done"),
        intro="Calls that leave this thread's goroutines: a blocking call run on a "
        "worker thread, or a ``concurrent.futures.Future`` waited for, while the "
        "calling goroutine is parked and the others keep running.",
    ),
    Section(
        "Errors",
        "gochan",
        ("gochan._errors",),
        intro="Every exception gochan raises.  Go's run-time panics are subclasses "
        "of ``Panic`` whose messages are Go's own, word for word.",
    ),
    Section("signal", "gochan.signal", ("gochan.signal",)),
    Section("testing", "gochan.testing", ("gochan.testing",)),
    Section("tls", "gochan.tls", ("gochan.tls",)),
    Section(
        "http",
        "gochan.http",
        (
            "gochan.http.client",
            "gochan.http.server",
            "gochan.http._handler",
            "gochan.http.mux",
            "gochan.http._request",
            "gochan.http.header",
            "gochan.http._url",
            "gochan.http._fs",
            "gochan.http._sniff",
            "gochan.http._status",
        ),
    ),
    Section("httptest", "gochan.http.httptest", ("gochan.http.httptest",)),
)

# The pytest plugin's fixtures close the testing section; it is read, not
# imported, as importing it needs pytest.
PLUGIN_SOURCE = Path(__file__).resolve().parent.parent / "gochan" / "_pytest_plugin.py"

# Dunder methods that are part of a class's public behaviour (shown when documented).
PROTOCOL_METHODS = ("__iter__", "__len__", "__enter__", "__exit__", "__call__")

GOOGLE_SECTIONS = frozenset(
    {"Args", "Returns", "Yields", "Raises", "Example", "Examples", "Note", "Warning"}
)
LISTED_SECTIONS = frozenset({"Args", "Raises"})  # one "name: text" entry per item


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    parser.add_argument("--stdout", action="store_true", help="print it instead of writing it")
    options = parser.parse_args(argv)
    text = render()
    if options.stdout:
        sys.stdout.write(text)
        return 0
    if options.check:
        if REFERENCE.read_text() != text:
            print(f"{REFERENCE} is out of date: run python docs/gen_reference.py")
            return 1
        return 0
    REFERENCE.write_text(text)
    return 0


def render() -> str:
    """The whole reference, as Markdown."""
    if importlib.import_module("gochan.runtime").COMPILED:
        raise RuntimeError(
            "the reference is read from the Python modules: run it in a fresh process"
        )
    placed = _place_names()
    gochan = importlib.import_module("gochan")
    out = [
        "# API reference",
        "",
        "<!-- Generated by docs/gen_reference.py from gochan's docstrings: do not edit. -->",
        "",
        "Every name is shown with the shortest import that reaches it: `gochan.X` "
        "for the names of the top-level package, `gochan.<module>.X` for the names "
        "only a public submodule exports.  The names of `gochan.runtime`, "
        "`gochan.sync`, `gochan.context`, `gochan.time`, `gochan.errgroup` and "
        "`gochan.semaphore` are importable from both (the one exception: "
        "`gochan.after_func` is `gochan.time.after_func`; the context one is "
        "`gochan.context.after_func`); those of `gochan.singleflight` only from "
        "it, as its `Group` would shadow errgroup's.",
        "",
    ]
    out += [f"- [{section.title}](#{_anchor(section.title)})" for section in SECTIONS]
    for section in SECTIONS:
        exporter = importlib.import_module(section.exporter)
        intro = section.intro or inspect.getdoc(exporter) or ""
        out += ["", f"## {section.title}", "", _markdown(intro)]
        for name, definition in placed[section.title]:
            obj = getattr(exporter, name)
            qualname = (
                f"gochan.{name}"
                if getattr(gochan, name, None) is obj
                else f"{section.exporter}.{name}"
            )
            out += ["", *_entry(qualname, obj, definition)]
        if section.exporter == "gochan.testing":
            out += ["", *_plugin()]
    return "\n".join(out).rstrip() + "\n"


def _place_names() -> dict[str, list[tuple[str, Definition]]]:
    """Each section's names, in source order; fails if a public name has no section.

    Sections that list their names take them first; the others take every
    name of their exporter defined in their sources and not taken yet.
    """
    taken: set[tuple[str, str]] = set()  # (exporter, name)
    placed: dict[str, list[tuple[str, Definition]]] = {}
    for section in sorted(SECTIONS, key=lambda s: s.names is None):
        exporter = importlib.import_module(section.exporter)
        definitions = _definitions(section.sources)
        exported = list(exporter.__all__)
        wanted = section.names if section.names is not None else exported
        missing = [n for n in wanted if n not in exported]
        if missing:
            raise ValueError(f"{section.title}: {section.exporter} does not export {missing}")
        names = [n for n in wanted if n in definitions and (section.exporter, n) not in taken]
        taken.update((section.exporter, n) for n in names)
        placed[section.title] = [
            (n, definitions[n]) for n in sorted(names, key=lambda n: definitions[n].order)
        ]
    documented = {id(_resolve(exporter, n)) for exporter, n in taken}
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if id(obj) not in documented and not inspect.ismodule(obj):
                raise ValueError(f"{module_name}.{name} is in no section of the reference")
    return placed


def _resolve(module_name: str, name: str) -> object:
    return getattr(importlib.import_module(module_name), name)


@dataclass(frozen=True)
class Definition:
    """Where a top-level name is defined, and for an assignment what it says."""

    order: tuple[int, int]  # (index of the module among the section's sources, line)
    value: str | None  # the assigned expression as written; None for a def or class
    doc: str | None  # an assignment's attribute docstring (a string right below it)
    decorators: tuple[str, ...]  # a def's decorators as written ("contextmanager")


def _definitions(module_names: tuple[str, ...]) -> dict[str, Definition]:
    """Every top-level definition in the given modules, first one winning."""
    found: dict[str, Definition] = {}
    for index, module_name in enumerate(module_names):
        module = importlib.import_module(module_name)
        body = ast.parse(inspect.getsource(module)).body
        for node, after in zip(body, [*body[1:], None], strict=True):
            value = None
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                value = ast.unparse(node.value)
            doc = None
            if (
                value is not None
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                doc = inspect.cleandoc(after.value.value)
            decorators: tuple[str, ...] = ()
            if isinstance(node, ast.FunctionDef):
                decorators = tuple(ast.unparse(d) for d in node.decorator_list)
            for name in _defined_names(node):
                found.setdefault(name, Definition((index, node.lineno), value, doc, decorators))
    return found


def _defined_names(node: ast.stmt) -> Iterator[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield node.name
    elif isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Name):
                yield target.id
    elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        yield node.target.id


# -- one entry ---------------------------------------------------------------------


def _entry(qualname: str, obj: object, definition: Definition) -> list[str]:
    """The Markdown of one public name."""
    if inspect.isclass(obj):
        return _class_entry(qualname, obj)
    heading = [f"### `{qualname}`", ""]
    if definition.value is None and callable(obj):  # a function, shown with its decorators
        decorators = "".join(f"@{d}\n" for d in definition.decorators)
        return [*heading, *_code(f"{decorators}{qualname}{_signature(obj)}"), *_doc(obj)]
    # A constant, a type alias or an instance: as assigned, with its attribute
    # docstring, else the docstring of its type if gochan defines it.
    doc = definition.doc
    kind = type(obj)
    if doc is None and kind.__module__.split(".", 1)[0] == "gochan":
        doc = inspect.getdoc(kind)
    return [
        *heading,
        *_code(f"{qualname} = {definition.value}"),
        *(["", _markdown(doc)] if doc else []),
    ]


def _public_bases(cls: type) -> list[str]:
    """The bases to name: a private base is an implementation detail (its
    public members are listed with the class's), so its own bases stand in."""
    names: list[str] = []
    for b in cls.__bases__:
        if b in (object, ABC, Generic):
            continue
        if b.__qualname__.startswith("_"):
            names += _public_bases(b)
        else:
            names.append(b.__qualname__)
    return names


def _class_entry(qualname: str, cls: type) -> list[str]:
    params = ", ".join(p.__name__ for p in getattr(cls, "__parameters__", ()))
    header = f"class {qualname}" + (f"[{params}]" if params else "")
    # A protocol's __init__ is typing's; a class without an __init__ of its own
    # in gochan takes its base's (for exceptions, a builtin without a signature).
    protocol = getattr(cls, "_is_protocol", False)
    if not protocol and any("__init__" in vars(k) for k in _gochan_mro(cls)):
        header += _signature(cls)
    bases = _public_bases(cls)
    out = [f"### `{qualname}`", "", *_code(header)]
    if bases:
        out += ["", "Subclass of " + ", ".join(f"`{b}`" for b in bases) + "."]
    out += _doc(cls)
    init = vars(cls).get("__init__")
    if init is not None and init.__doc__:
        out += ["", _markdown(inspect.cleandoc(init.__doc__))]
    short = qualname.rsplit(".", 1)[1]
    for name, member in _members(cls):
        out += ["", *_member_entry(f"{short}.{name}", cls, name, member)]
    return out


def _members(cls: type) -> list[tuple[str, object]]:
    """Public attributes defined by ``cls`` and its gochan bases, in definition order."""
    seen: dict[str, object] = {}
    for klass in _gochan_mro(cls):
        for name, member in vars(klass).items():
            public = not name.startswith("_") or name in PROTOCOL_METHODS
            if public and name not in seen:
                seen[name] = member
    return [
        (name, member)
        for name, member in seen.items()
        if (isinstance(member, property | classmethod | staticmethod) or inspect.isfunction(member))
        and (not name.startswith("_") or inspect.getdoc(getattr(cls, name)))
    ]


def _gochan_mro(cls: type) -> list[type]:
    """``cls`` and its bases defined in gochan."""
    return [k for k in cls.__mro__ if k.__module__.split(".", 1)[0] == "gochan"]


def _member_entry(qualname: str, cls: type, name: str, member: object) -> list[str]:
    if isinstance(member, property):
        returns = inspect.signature(member.fget).return_annotation if member.fget else None
        kind = f": {_annotation(returns)}" if returns not in (None, inspect.Signature.empty) else ""
        return [f"#### `{qualname}`", "", *_code(f"{name}{kind}  # property"), *_doc(member)]
    function: Callable[..., Any] = getattr(cls, name)  # a classmethod comes bound
    decorator = "@classmethod\n" if isinstance(member, classmethod) else ""
    decorator = "@staticmethod\n" if isinstance(member, staticmethod) else decorator
    doc = inspect.getdoc(function)
    signature = _typed_stub(cls, name) or _signature(function, drop_self=decorator == "")
    return [
        f"#### `{qualname}`",
        "",
        *_code(f"{decorator}{name}{signature}"),
        *(["", _markdown(doc)] if doc else []),
    ]


def _typed_stub(cls: type, name: str) -> str | None:
    """The signature of method ``name`` as a class in ``cls``'s MRO declares it
    under ``if TYPE_CHECKING:``, without ``self``; None if none does."""
    for klass in _gochan_mro(cls):
        for block in _class_body(klass):
            if not (isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"):
                continue
            for node in block.body:
                if isinstance(node, ast.FunctionDef) and node.name == name:
                    args = node.args
                    params = ast.arguments(
                        posonlyargs=[],
                        args=args.args[1:],
                        vararg=args.vararg,
                        kwonlyargs=args.kwonlyargs,
                        kw_defaults=args.kw_defaults,
                        kwarg=args.kwarg,
                        defaults=args.defaults,
                    )
                    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
                    return f"({ast.unparse(params)}){returns}"
    return None


def _class_body(cls: type) -> list[ast.stmt]:
    """The statements of ``cls``'s body, found among the sources of the reference's
    sections (a re-exported class's ``__module__`` is its package's)."""
    for module_name in dict.fromkeys(s for section in SECTIONS for s in section.sources):
        for node in _module_tree(module_name).body:
            if isinstance(node, ast.ClassDef) and node.name == cls.__qualname__:
                return node.body
    return []


@functools.cache
def _module_tree(module_name: str) -> ast.Module:
    return ast.parse(inspect.getsource(importlib.import_module(module_name)))


def _doc(obj: object) -> list[str]:
    doc = inspect.getdoc(obj)
    return ["", _markdown(doc)] if doc else []


def _code(text: str) -> list[str]:
    return ["```python", text, "```"]


def _plugin() -> list[str]:
    """The pytest plugin's docstring and fixtures, read from its source (it imports pytest)."""
    tree = ast.parse(PLUGIN_SOURCE.read_text())
    out = ["### The pytest plugin", "", _markdown(ast.get_docstring(tree) or "")]
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(_is_fixture(d) for d in node.decorator_list):
            out += ["", f"#### fixture `{node.name}`"]
            doc = ast.get_docstring(node)
            if doc:
                out += ["", _markdown(doc)]
    return out


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ast.unparse(target) in ("pytest.fixture", "fixture")


# -- signatures --------------------------------------------------------------------


class _Source(str):
    """An annotation string printed as written, not quoted (``from __future__ import annotations``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def _annotation(annotation: object) -> str:
    if isinstance(annotation, str):
        return annotation
    return inspect.formatannotation(annotation)


def _signature(obj: Callable[..., Any] | type, drop_self: bool = False) -> str:
    try:
        sig = inspect.signature(obj)
    except ValueError:  # a builtin without a signature
        return "(...)"
    params = list(sig.parameters.values())
    if drop_self and params and params[0].name in ("self", "cls"):
        params = params[1:]
    params = [
        p.replace(annotation=_Source(_annotation(p.annotation)))
        if p.annotation is not p.empty
        else p
        for p in params
    ]
    returns = sig.return_annotation
    if inspect.isclass(obj) or returns is sig.empty:
        return str(sig.replace(parameters=params, return_annotation=sig.empty))
    return str(sig.replace(parameters=params, return_annotation=_Source(_annotation(returns))))


def _anchor(title: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")


# -- docstrings: reST roles and Google sections to Markdown ----------------------------

_ROLE = re.compile(r":(?:py:)?[a-z]+:`([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")


def _inline(text: str) -> str:
    def role(match: re.Match[str]) -> str:
        target = match.group(1)
        if "<" in target:
            target = target.split("<", 1)[0].strip()
        elif target.startswith("~"):
            target = target.rsplit(".", 1)[-1]
        return f"`{target}`"

    return _LITERAL.sub(r"`\1`", _ROLE.sub(role, text))


def _markdown(doc: str) -> str:
    """A cleaned docstring as Markdown: inline markup, Google sections, literal blocks."""
    lines = _inline(doc).splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        header = line.strip()[:-1] if line.endswith(":") and not line.startswith(" ") else ""
        if header in GOOGLE_SECTIONS:
            body, i = _indented_block(lines, i + 1)
            out += [f"**{header}:**", ""]
            if header in LISTED_SECTIONS:
                out += _listed(body)
            elif header.startswith("Example"):
                out += ["```python", *body, "```"]
            else:
                out += body
            out.append("")
            continue
        if line.rstrip().endswith("::") and i + 1 < len(lines) and not lines[i + 1].strip():
            text = line.rstrip()[:-2].rstrip()
            if text:
                out.append(text + ":")
            block, i = _indented_block(lines, i + 1)
            out += ["", "```python", *block, "```", ""]
            continue
        out.append(line)
        i += 1
    return "\n".join(out).strip()


def _indented_block(lines: list[str], start: int) -> tuple[list[str], int]:
    """The dedented lines from ``start`` up to the next unindented one; and where it ends."""
    end = start
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith(" ")):
        end += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    block = lines[start:end]
    indent = min((len(b) - len(b.lstrip()) for b in block if b.strip()), default=0)
    block = [b[indent:] for b in block]
    while block and not block[0].strip():
        block = block[1:]
    return block, end


def _listed(body: list[str]) -> list[str]:
    """``name: text`` items, with their deeper-indented continuation lines, as a list."""
    items: list[str] = []
    for line in body:
        if line and not line.startswith(" ") and ":" in line:
            name, text = line.split(":", 1)
            items.append(f"- `{name.strip()}`: {text.strip()}")
        elif items and line.strip():
            items[-1] += f" {line.strip()}"
    return items


if __name__ == "__main__":
    sys.exit(main())
