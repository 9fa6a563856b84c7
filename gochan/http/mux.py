"""Go 1.22's ``http.ServeMux``: routing by method, host and path patterns.

A pattern is ``[METHOD ][HOST]/[PATH]``; a path segment is a literal, a
wildcard ``{name}`` (one segment), ``{name...}`` (the rest of the path, at
the end only) or ``{$}`` (the end of the path, after a slash).  A path
ending in ``/`` matches every path below it.  When several patterns match
a request, the most specific one wins; two patterns that match some
request in common with neither more specific *conflict*, and registering
the second raises, with Go's explanation.  A pattern with a host beats one
without.

Matching walks a tree as Go's ``routing_tree.go`` does: host, then method,
then one level per path segment, trying a literal child before the
single-segment wildcard and that before the multi-segment one.  Since
registration rules out conflicts, the first leaf found this way is the
most specific match.  The comparisons of ``pattern.go`` (``_relation``)
decide conflicts.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from enum import Enum
from typing import Final
from urllib.parse import unquote

from ._handler import (
    Handler,
    HandlerFunc,
    ResponseWriter,
    clean_path,
    handler_func,
    method_not_allowed,
    not_found,
    redirect_handler,
)
from ._request import Request
from ._status import StatusBadRequest, StatusMovedPermanently
from ._url import URL, go_quote
from .header import is_token

__all__ = ["ServeMux", "default_serve_mux", "handle", "handle_func"]


@dataclass(frozen=True)
class _Segment:
    """One piece of a pattern's path.

    A literal (``wild`` false) matches one path segment equal to ``text``,
    or, when ``text`` is ``"/"``, the trailing slash of ``{$}``.  A wildcard
    matches one segment, or with ``multi`` the rest of the path; ``text`` is
    its name, ``""`` for the nameless multi of a trailing slash.
    """

    text: str
    wild: bool = False
    multi: bool = False


@dataclass(eq=False)
class _Pattern:
    text: str  # as registered
    method: str  # "" for any
    host: str  # "" for any
    segments: tuple[_Segment, ...]
    where: str  # file:line of the registering call, for conflict messages

    def __str__(self) -> str:
        return self.text

    def wildcard_names(self) -> list[str]:
        return [seg.text for seg in self.segments if seg.wild and seg.text]

    def ends_in_multi(self) -> bool:
        return self.segments[-1].multi


def _parse_pattern(text: str, where: str) -> _Pattern:
    """Parse ``[METHOD ][HOST]/[PATH]``; raise ``ValueError`` with Go's words."""

    def fail(reason: str) -> ValueError:
        return ValueError(f"parsing {go_quote(text)}: {reason}")

    if not text:
        raise ValueError("http: invalid pattern")
    method, space, rest = text.partition(" ")
    if not space:
        method, rest = "", text
    rest = rest.lstrip(" \t")
    if method and not is_token(method):
        raise fail(f"net/http: invalid method {go_quote(method)}")
    slash = rest.find("/")
    if slash < 0:
        raise fail("host/path missing /")
    host, path = rest[:slash], rest[slash:]
    if "{" in host:
        raise fail("host contains '{' (missing initial '/'?)")
    if method and method != "CONNECT" and path != _clean_keeping_slash(path):
        raise fail("non-CONNECT pattern with unclean path can never match")

    segments: list[_Segment] = []
    seen: set[str] = set()
    while path:
        path = path[1:]  # invariant: path starts with "/"
        if not path:
            segments.append(_Segment("", wild=True, multi=True))  # a trailing slash
            break
        seg, slash_rest = path.partition("/")[0], path[len(path.partition("/")[0]) :]
        path = slash_rest
        brace = seg.find("{")
        if brace < 0:
            segments.append(_Segment(unquote(seg)))
            continue
        if brace != 0:
            raise fail("bad wildcard segment (must start with '{')")
        if not seg.endswith("}"):
            raise fail("bad wildcard segment (must end with '}')")
        name = seg[1:-1]
        if name == "$":
            if path:
                raise fail("{$} not at end")
            segments.append(_Segment("/"))
            break
        multi = name.endswith("...")
        name = name.removesuffix("...")
        if multi and path:
            raise fail("{...} wildcard not at end")
        if not name:
            raise fail("empty wildcard")
        if not name.isidentifier():
            raise fail(f"bad wildcard name {go_quote(name)}")
        if name in seen:
            raise fail(f"duplicate wildcard name {go_quote(name)}")
        seen.add(name)
        segments.append(_Segment(name, wild=True, multi=multi))
    return _Pattern(text, method, host, tuple(segments), where)


# -- how two patterns relate (Go's pattern.go) -------------------------------------


class _Rel(Enum):
    EQUIVALENT = "equivalent"  # both match the same requests
    MORE_GENERAL = "moreGeneral"  # p1 matches everything p2 does, and more
    MORE_SPECIFIC = "moreSpecific"  # p2 matches everything p1 does, and more
    DISJOINT = "disjoint"  # no request matches both
    OVERLAPS = "overlaps"  # some request matches both; neither is more specific


_INVERSE: Final = {
    _Rel.MORE_GENERAL: _Rel.MORE_SPECIFIC,
    _Rel.MORE_SPECIFIC: _Rel.MORE_GENERAL,
}


def _combine(r1: _Rel, r2: _Rel) -> _Rel:
    """The relation of two patterns from the relations of two parts of them."""
    if r1 is _Rel.EQUIVALENT:
        return r2
    if r1 is _Rel.DISJOINT or r2 is _Rel.DISJOINT:
        return _Rel.DISJOINT
    if r1 is _Rel.OVERLAPS:
        return _Rel.OVERLAPS
    if r2 is _Rel.EQUIVALENT:
        return r1
    if r2 is _INVERSE[r1]:
        return _Rel.OVERLAPS
    return r2


def _compare_methods(p1: _Pattern, p2: _Pattern) -> _Rel:
    if p1.method == p2.method:
        return _Rel.EQUIVALENT
    if not p1.method:
        return _Rel.MORE_GENERAL
    if not p2.method:
        return _Rel.MORE_SPECIFIC
    if (p1.method, p2.method) == ("GET", "HEAD"):
        return _Rel.MORE_GENERAL  # GET also matches HEAD
    if (p1.method, p2.method) == ("HEAD", "GET"):
        return _Rel.MORE_SPECIFIC
    return _Rel.DISJOINT


def _compare_segments(s1: _Segment, s2: _Segment) -> _Rel:
    if s1.multi and s2.multi:
        return _Rel.EQUIVALENT
    if s1.multi:
        return _Rel.MORE_GENERAL
    if s2.multi:
        return _Rel.MORE_SPECIFIC
    if s1.wild and s2.wild:
        return _Rel.EQUIVALENT
    if s1.wild:  # a single wildcard never matches the trailing slash of {$}
        return _Rel.DISJOINT if s2.text == "/" else _Rel.MORE_GENERAL
    if s2.wild:
        return _Rel.DISJOINT if s1.text == "/" else _Rel.MORE_SPECIFIC
    return _Rel.EQUIVALENT if s1.text == s2.text else _Rel.DISJOINT


def _compare_paths(p1: _Pattern, p2: _Pattern) -> _Rel:
    segs1, segs2 = p1.segments, p2.segments
    if len(segs1) != len(segs2) and not p1.ends_in_multi() and not p2.ends_in_multi():
        return _Rel.DISJOINT
    rel = _Rel.EQUIVALENT
    for s1, s2 in zip(segs1, segs2, strict=False):
        rel = _combine(rel, _compare_segments(s1, s2))
        if rel is _Rel.DISJOINT:
            return rel
    if len(segs1) == len(segs2):
        return rel
    # The shorter one ends in a multi, more general than the rest of the longer one.
    if len(segs1) < len(segs2) and p1.ends_in_multi():
        return _combine(rel, _Rel.MORE_GENERAL)
    if len(segs2) < len(segs1) and p2.ends_in_multi():
        return _combine(rel, _Rel.MORE_SPECIFIC)
    return _Rel.DISJOINT


def _conflicts(p1: _Pattern, p2: _Pattern) -> bool:
    """Whether some request matches both with neither taking precedence."""
    if p1.host != p2.host:
        return False  # a host beats no host; two different hosts are disjoint
    methods = _compare_methods(p1, p2)
    if methods is _Rel.DISJOINT:
        return False
    return _combine(methods, _compare_paths(p1, p2)) in (_Rel.EQUIVALENT, _Rel.OVERLAPS)


def _describe_conflict(p1: _Pattern, p2: _Pattern) -> str:
    methods, paths = _compare_methods(p1, p2), _compare_paths(p1, p2)
    rel = _combine(methods, paths)
    if rel is _Rel.EQUIVALENT:
        return f"{p1} matches the same requests as {p2}"
    if paths is _Rel.OVERLAPS:
        return (
            f"{p1} and {p2} both match some paths, like {go_quote(_common_path(p1, p2))}.\n"
            "But neither is more specific than the other.\n"
            f"{p1} matches {go_quote(_difference_path(p1, p2))}, but {p2} doesn't.\n"
            f"{p2} matches {go_quote(_difference_path(p2, p1))}, but {p1} doesn't."
        )
    if methods is _Rel.MORE_GENERAL:
        return f"{p1} matches more methods than {p2}, but has a more specific path pattern"
    return f"{p1} matches fewer methods than {p2}, but has a more general path pattern"


def _written(seg: _Segment) -> str:
    """A path segment that ``seg`` matches: its literal, or its wildcard's name."""
    return "/" if seg.multi or seg.text == "/" else f"/{seg.text}"


def _common_path(p1: _Pattern, p2: _Pattern) -> str:
    """A path both patterns match (they overlap)."""
    out = [
        _written(s2 if s1.wild else s1) for s1, s2 in zip(p1.segments, p2.segments, strict=False)
    ]
    shorter = min(len(p1.segments), len(p2.segments))
    rest = p1.segments[shorter:] or p2.segments[shorter:]
    return "".join(out + [_written(seg) for seg in rest])


def _difference_path(p1: _Pattern, p2: _Pattern) -> str:
    """A path that ``p1`` matches and ``p2`` does not (they overlap)."""
    out: list[str] = []
    for s1, s2 in zip(p1.segments, p2.segments, strict=False):
        if s1.multi and s2.multi:
            return "".join([*out, "/"])
        if s1.multi:
            # A trailing slash tells them apart, unless s2 is {$}: then any segment does.
            tail = (s1.text or "x") if s2.text == "/" else ""
            return "".join([*out, f"/{tail}"])
        if s1.wild and not s2.wild and not s2.multi and s1.text == s2.text:
            out.append(f"/{s2.text}x")
        else:
            out.append(_written(s1))
    shorter = min(len(p1.segments), len(p2.segments))
    rest = p1.segments[shorter:] or p2.segments[shorter:]
    return "".join(out + [_written(seg) for seg in rest])


# -- the routing tree (Go's routing_tree.go) ---------------------------------------

# Child keys that are not literal segments.
_SINGLE: Final = ""  # a {name} wildcard
_MULTI: Final = "*"  # a {name...} wildcard or a trailing slash; "/" is {$}'s slash


@dataclass(eq=False)
class _Node:
    """A node of the tree: a leaf holds a pattern; other nodes map keys to children."""

    pattern: _Pattern | None = None
    handler: HandlerFunc | None = None
    children: dict[str, _Node] = field(default_factory=dict)

    def child(self, key: str) -> _Node:
        node = self.children.get(key)
        if node is None:
            node = self.children[key] = _Node()
        return node

    def add(self, pattern: _Pattern, handler: HandlerFunc) -> None:
        node = self.child(pattern.host).child(pattern.method)
        for seg in pattern.segments:
            node = node.child(_MULTI if seg.multi else _SINGLE if seg.wild else seg.text)
        node.pattern, node.handler = pattern, handler

    def match(self, host: str, method: str, path: str) -> tuple[_Node | None, list[str]]:
        """The leaf of the most specific pattern matching, and its wildcards' values."""
        if host:
            hosted = self.children.get(host)
            if hosted is not None:
                leaf, values = hosted._match_method_and_path(method, path)
                if leaf is not None:
                    return leaf, values
        any_host = self.children.get("")
        if any_host is None:
            return None, []
        return any_host._match_method_and_path(method, path)

    def _match_method_and_path(self, method: str, path: str) -> tuple[_Node | None, list[str]]:
        # The method itself first; a HEAD falls back on GET; then the method-less patterns.
        for key in (method, "GET", "") if method == "HEAD" else (method, ""):
            node = self.children.get(key)
            if node is not None:
                values: list[str] = []
                leaf = node._match_path(path, values)
                if leaf is not None:
                    return leaf, values
        return None, []

    def _match_path(self, path: str, values: list[str]) -> _Node | None:
        """The leaf under this node matching ``path``; wildcard values go to ``values``."""
        if not path:
            return self if self.pattern is not None else None
        seg, rest = _first_segment(path)
        literal = self.children.get(seg)
        if literal is not None:
            leaf = literal._match_path(rest, values)
            if leaf is not None:
                return leaf
        single = self.children.get(_SINGLE)
        if single is not None and seg != "/":  # a {name} never matches a trailing slash
            values.append(seg)
            leaf = single._match_path(rest, values)
            if leaf is not None:
                return leaf
            values.pop()
        multi = self.children.get(_MULTI)
        if multi is not None:
            assert multi.pattern is not None  # a multi is always last: its node is a leaf
            if multi.pattern.segments[-1].text:  # a trailing slash records no value
                values.append(unquote(path[1:]))
            return multi
        return None

    def methods_matching(self, host: str, path: str) -> set[str]:
        """The methods of the patterns that would match ``host`` and ``path``."""
        found: set[str] = set()
        for key in {host, ""}:
            by_method = self.children.get(key)
            if by_method is None:
                continue
            for method, node in by_method.children.items():
                if method and node._match_path(path, []) is not None:
                    found.add(method)
        if "GET" in found:
            found.add("HEAD")
        return found


def _first_segment(path: str) -> tuple[str, str]:
    """``path``'s first segment, unescaped, and the rest (``("/", "")`` for ``"/"``)."""
    if path == "/":
        return "/", ""
    seg, slash, rest = path[1:].partition("/")
    return unquote(seg), slash + rest


def _exact_match(leaf: _Node | None, path: str) -> bool:
    """Whether ``leaf``'s pattern matches ``path`` with no multi wildcard matching anything.

    ``/a/`` matches ``/a/`` exactly but ``/a/b`` inexactly; ``/{x}`` matches ``/a``
    exactly.  Only an inexact match is redirected to the path with a slash added.
    """
    if leaf is None or leaf.pattern is None:
        return False
    if not leaf.pattern.ends_in_multi():
        return True
    if path and not path.endswith("/"):
        return False
    return len(leaf.pattern.segments) == path.count("/")


def _clean_keeping_slash(path: str) -> str:
    """Go's ``cleanPath``: ``clean_path`` that keeps a trailing slash."""
    if not path:
        return "/"
    if not path.startswith("/"):
        path = "/" + path
    cleaned = clean_path(path)
    return cleaned + "/" if path.endswith("/") and cleaned != "/" else cleaned


def _strip_port(host: str) -> str:
    head, colon, port = host.rpartition(":")
    if not colon or (head.startswith("[") and not head.endswith("]")) or not port.isdigit():
        return host
    return head.removeprefix("[").removesuffix("]")


def _caller() -> str:
    """``file:line`` of the first caller outside this package, for conflict messages."""
    frame = sys._getframe(1)
    package = __name__.rpartition(".")[0]
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith(package):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


class ServeMux:
    """Go's ``http.ServeMux``: dispatches each request to the handler of its most specific pattern.

    Requests whose path is not clean (``/a/../b``, ``//a``) are redirected to
    the clean path with ``301``; a request for ``/tree`` when only
    ``/tree/`` is registered is redirected to ``/tree/``.  A path that
    matches patterns only of other methods gets ``405 Method Not Allowed``
    with an ``Allow`` header; one that matches nothing gets ``404``.  A
    ``ServeMux`` is a :class:`Handler`; register patterns before serving,
    from the thread that serves.
    """

    def __init__(self) -> None:
        self._tree = _Node()
        self._patterns: list[_Pattern] = []

    def handle(self, pattern: str, handler: Handler | HandlerFunc) -> None:
        """Register ``handler`` for ``pattern`` (Go's ``ServeMux.Handle``).

        Raises:
            ValueError: the pattern is invalid, or conflicts with one already
                registered (Go panics with the same message).
            TypeError: ``handler`` is ``None``.
        """
        self._register(pattern, handler_func(handler))

    def handle_func(self, pattern: str, handler: HandlerFunc) -> None:
        """Register the function ``handler`` for ``pattern`` (Go's ``ServeMux.HandleFunc``).

        Raises:
            ValueError: as :meth:`handle`.
            TypeError: ``handler`` is ``None``.
        """
        self._register(pattern, handler_func(handler))

    def _register(self, text: str, handler: HandlerFunc) -> None:
        pattern = _parse_pattern(text, _caller())
        for other in self._patterns:
            if _conflicts(pattern, other):
                raise ValueError(
                    f"pattern {go_quote(pattern.text)} (registered at {pattern.where}) "
                    f"conflicts with pattern {go_quote(other.text)} "
                    f"(registered at {other.where}):\n{_describe_conflict(pattern, other)}"
                )
        self._tree.add(pattern, handler)
        self._patterns.append(pattern)

    def handler(self, r: Request) -> tuple[HandlerFunc, str]:
        """The handler for ``r`` and the pattern that matched (Go's ``ServeMux.Handler``).

        For a path to redirect, the handler redirects and the pattern is the
        one that will match after the redirect; with no match, the handler
        answers 404 (or 405) and the pattern is ``""``.
        """
        serve, pattern, _ = self._find(r)
        return serve, pattern

    def serve_http(self, w: ResponseWriter, r: Request) -> None:
        """Dispatch ``r`` to its handler, after setting ``r.pattern`` and its path values."""
        if r.request_uri == "*":
            if r.proto_at_least(1, 1):
                w.header().set("Connection", "close")
            w.write_header(StatusBadRequest)
            return
        serve, r.pattern, values = self._find(r)
        r._path_values.update(values)
        serve(w, r)

    def _find(self, r: Request) -> tuple[HandlerFunc, str, dict[str, str]]:
        """Go's ``findHandler``: (handler, pattern text, wildcard values by name)."""
        escaped = r.url.escaped_path()
        if r.method == "CONNECT":
            host, path = r.url.host, escaped
            redirect_to, leaf, values = self._match_or_redirect(host, r.method, path, r.url)
            if redirect_to is not None:
                return (
                    redirect_handler(str(redirect_to), StatusMovedPermanently),
                    redirect_to.path,
                    {},
                )
            _, leaf, values = self._match_or_redirect(r.host, r.method, path, None)
        else:
            host, path = _strip_port(r.host), _clean_keeping_slash(escaped)
            redirect_to, leaf, values = self._match_or_redirect(host, r.method, path, r.url)
            if redirect_to is not None:
                return (
                    redirect_handler(str(redirect_to), StatusMovedPermanently),
                    redirect_to.path,
                    {},
                )
            if path != escaped:
                target = URL(path=path, raw_path=path, raw_query=r.url.raw_query)
                pattern = leaf.pattern.text if leaf is not None and leaf.pattern else ""
                return redirect_handler(str(target), StatusMovedPermanently), pattern, {}
        if leaf is None or leaf.pattern is None or leaf.handler is None:
            allowed = sorted(
                self._tree.methods_matching(host, path)
                | self._tree.methods_matching(host, path + "/")
            )
            if allowed:
                return method_not_allowed(allowed), "", {}
            return not_found, "", {}
        return (
            leaf.handler,
            leaf.pattern.text,
            dict(zip(leaf.pattern.wildcard_names(), values, strict=True)),
        )

    def _match_or_redirect(
        self, host: str, method: str, path: str, url: URL | None
    ) -> tuple[URL | None, _Node | None, list[str]]:
        """Match; without an exact match, try ``path + "/"`` and say where to redirect."""
        leaf, values = self._tree.match(host, method, path)
        if url is not None and not _exact_match(leaf, path):
            with_slash = path + "/"
            leaf2, _ = self._tree.match(host, method, with_slash)
            if _exact_match(leaf2, with_slash):
                return (
                    URL(path=_clean_keeping_slash(url.path) + "/", raw_query=url.raw_query),
                    None,
                    [],
                )
        return None, leaf, values


default_serve_mux = ServeMux()
"""The mux a server without a handler serves (Go's ``http.DefaultServeMux``)."""


def handle(pattern: str, handler: Handler | HandlerFunc) -> None:
    """Register ``handler`` for ``pattern`` on :data:`default_serve_mux` (Go's ``http.Handle``).

    Raises:
        ValueError: as :meth:`ServeMux.handle`.
        TypeError: ``handler`` is ``None``.
    """
    default_serve_mux._register(pattern, handler_func(handler))


def handle_func(pattern: str, handler: HandlerFunc) -> None:
    """Register ``handler`` for ``pattern`` on :data:`default_serve_mux` (Go's ``http.HandleFunc``).

    Raises:
        ValueError: as :meth:`ServeMux.handle`.
        TypeError: ``handler`` is ``None``.
    """
    default_serve_mux._register(pattern, handler_func(handler))
