"""Go's handler interfaces and the small handlers of ``net/http``'s ``server.go``.

A handler is any function ``(w, r) -> None`` or any object with a
``serve_http(w, r)`` method; :func:`handler_func` turns either into the
plain function that the server and the mux call.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Callable
from typing import Protocol, runtime_checkable
from urllib.parse import quote

from ._request import Request
from ._status import StatusMethodNotAllowed, StatusNotFound, status_text
from ._url import parse_url
from .header import Header

__all__ = [
    "Handler",
    "HandlerFunc",
    "ResponseWriter",
    "error",
    "handler_func",
    "not_found",
    "not_found_handler",
    "redirect",
    "redirect_handler",
    "strip_prefix",
]


_PRINTABLE_ASCII = "".join(map(chr, range(0x20, 0x7F)))


class ResponseWriter(Protocol):
    """Go's ``http.ResponseWriter``: how a handler answers (and Go's ``http.Flusher``).

    Set header fields through ``header()`` before the first ``write_header``
    or ``write``; changes after that are not sent.  ``write`` sends the
    status 200 first if ``write_header`` was not called.
    """

    def header(self) -> Header:
        """The header that ``write_header`` will send."""
        ...

    def write(self, data: bytes, /) -> int:
        """Write part of the body; returns ``len(data)``.  May block on the network."""
        ...

    def write_header(self, status_code: int, /) -> None:
        """Send the status line and the header; later calls are ignored (and logged)."""
        ...

    def flush(self) -> None:
        """Send what is buffered to the client now (Go's ``http.Flusher``)."""
        ...


@runtime_checkable
class Handler(Protocol):
    """Go's ``http.Handler``: an object that answers requests through ``serve_http``."""

    def serve_http(self, w: ResponseWriter, r: Request, /) -> None:
        """Answer ``r`` through ``w``; the response is done when this returns."""
        ...


HandlerFunc = Callable[[ResponseWriter, Request], None]
"""Go's ``http.HandlerFunc``: a function that answers requests."""


def handler_func(handler: Handler | HandlerFunc) -> HandlerFunc:
    """The function that serves ``handler``'s requests: its ``serve_http``, or itself.

    Raises:
        TypeError: ``handler`` is ``None`` or neither callable nor a Handler
            (Go's ``http: nil handler``).
    """
    if isinstance(handler, Handler):
        return handler.serve_http
    if not callable(handler):
        raise TypeError("http: nil handler")
    return handler


def check_write_header_code(code: int) -> None:
    """Go's ``checkWriteHeaderCode``: a status must have three digits.

    Raises:
        ValueError: ``invalid WriteHeader code N``.
    """
    if not 100 <= code <= 999:
        raise ValueError(f"invalid WriteHeader code {code}")


def error(w: ResponseWriter, text: str, code: int) -> None:
    """Answer with status ``code`` and the plain-text body ``text`` (Go's ``http.Error``).

    Removes ``Content-Length``, sets ``Content-Type: text/plain;
    charset=utf-8`` and ``X-Content-Type-Options: nosniff``, and writes
    ``text`` and a newline.  The handler should return after it.
    """
    h = w.header()
    h.del_("Content-Length")
    h.set("Content-Type", "text/plain; charset=utf-8")
    h.set("X-Content-Type-Options", "nosniff")
    w.write_header(code)
    w.write(f"{text}\n".encode())


def not_found(w: ResponseWriter, r: Request) -> None:
    """Answer ``404 page not found`` (Go's ``http.NotFound``)."""
    error(w, "404 page not found", StatusNotFound)


def not_found_handler() -> HandlerFunc:
    """A handler that answers every request with :func:`not_found` (Go's ``NotFoundHandler``)."""
    return not_found


def method_not_allowed(allowed: list[str]) -> HandlerFunc:
    """A handler answering ``405 Method Not Allowed`` with ``Allow: <allowed>``."""

    def serve(w: ResponseWriter, r: Request) -> None:
        w.header().set("Allow", ", ".join(allowed))
        error(w, status_text(StatusMethodNotAllowed), StatusMethodNotAllowed)

    return serve


def redirect(w: ResponseWriter, r: Request, url: str, code: int) -> None:
    """Answer with a redirect to ``url`` (Go's ``http.Redirect``).

    A relative ``url`` is made absolute against the request's path and
    cleaned, keeping a trailing slash.  ``code`` should be a 3xx status,
    usually ``StatusMovedPermanently``, ``StatusFound`` or ``StatusSeeOther``.
    A GET gets a short HTML body linking to the target.
    """
    try:
        target = parse_url(url)
    except ValueError:
        target = None
    if target is not None and not target.scheme and not target.host:
        if not url.startswith("/"):
            directory = r.url.path.rpartition("/")[0] if r.url.path else ""
            url = f"{directory}/{url}"
        url, question, query = url.partition("?")
        trailing = url.endswith("/")
        url = clean_path(url)
        if trailing and not url.endswith("/"):
            url += "/"
        url += question + query
    h = w.header()
    had_content_type = "Content-Type" in h
    h.set("Location", quote(url, safe=_PRINTABLE_ASCII))  # Go's hexEscapeNonASCII
    if not had_content_type and r.method in ("GET", "HEAD"):
        h.set("Content-Type", "text/html; charset=utf-8")
    w.write_header(code)
    if not had_content_type and r.method == "GET":
        w.write(f'<a href="{html.escape(url)}">{status_text(code)}</a>.\n\n'.encode())


def redirect_handler(url: str, code: int) -> HandlerFunc:
    """A handler that redirects every request to ``url`` (Go's ``http.RedirectHandler``)."""

    def serve(w: ResponseWriter, r: Request) -> None:
        redirect(w, r, url, code)

    return serve


def strip_prefix(prefix: str, handler: Handler | HandlerFunc) -> HandlerFunc:
    """A handler that removes ``prefix`` from the request's path and calls ``handler``.

    Requests whose path does not start with ``prefix`` get :func:`not_found`
    (Go's ``http.StripPrefix``).  The handler sees a copy of the request.
    """
    serve = handler_func(handler)
    if not prefix:
        return serve

    def strip(w: ResponseWriter, r: Request) -> None:
        path = r.url.path.removeprefix(prefix)
        raw_path = r.url.raw_path.removeprefix(prefix)
        if len(path) < len(r.url.path) and (
            not r.url.raw_path or len(raw_path) < len(r.url.raw_path)
        ):
            url = r.url.copy()
            url.path, url.raw_path = path, raw_path
            stripped = r.with_context(r.context())
            stripped.url = url
            serve(w, stripped)
        else:
            not_found(w, r)

    return strip


def clean_path(path: str) -> str:
    """Go's ``path.Clean`` of a rooted path: no ``.``, ``..`` or doubled slashes.

    The result starts with ``/`` and ends with one only when it is ``/``.
    """
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    return posixpath.join("/", *parts)
