"""Go's ``http.Request`` and ``http.Response``, and the body streams they carry.

These are plain data: the client fills a ``Response`` and the server a
``Request`` from what the protocol library parsed; a ``Request`` made by
:func:`new_request` is sent by the client.  Bodies are read through the
netpoller by whatever made them, so reading one blocks only the calling
goroutine.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Protocol, runtime_checkable

from ..context import Context, background
from ._url import URL, Values, go_quote, parse_query, parse_url
from .header import Header, is_token

__all__ = [
    "ReadCloser",
    "Reader",
    "Request",
    "Response",
    "new_request",
    "new_request_with_context",
    "no_body",
]

# Go's defaultMaxMemory for ParseForm's URL-encoded bodies: 10 MB.
_MAX_FORM_BODY = 10 << 20


@runtime_checkable
class Reader(Protocol):
    """Go's ``io.Reader``, as Python streams spell it: ``read(n)``, ``b""`` at the end.

    ``read(-1)`` reads to the end.  ``io.BytesIO`` and files opened in binary
    mode are readers.
    """

    def read(self, n: int = -1, /) -> bytes: ...


@runtime_checkable
class ReadCloser(Reader, Protocol):
    """Go's ``io.ReadCloser``: a :class:`Reader` that must be closed."""

    def close(self) -> None: ...


class _NoBody:
    """Go's ``http.NoBody``: a body with no bytes, which needs no closing."""

    def read(self, n: int = -1, /) -> bytes:
        return b""

    def close(self) -> None:
        pass

    def __repr__(self) -> str:
        return "no_body"


no_body: ReadCloser = _NoBody()
"""A body with no bytes (Go's ``http.NoBody``): ``read()`` gives ``b""`` at once."""


class _CloseIgnored:
    """Go's ``io.NopCloser``: a reader given a ``close()`` that does nothing."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    def read(self, n: int = -1, /) -> bytes:
        return self._reader.read(n)

    def close(self) -> None:
        pass


@dataclass(eq=False, repr=False)
class Request:
    """Go's ``http.Request``: a request the server received or the client will send.

    ``body`` is :data:`no_body` when there is none (where Go's is nil), so
    ``r.body.read()`` always works.  On the server, ``remote_addr`` is the
    client's ``host:port``, ``request_uri`` the target of the request line,
    and ``context()`` is cancelled when the client goes away, the handler
    returns, or the server shuts down.  On the client, ``content_length``
    ``-1`` means unknown (the body is sent chunked); the transport closes
    ``body`` when the body is sent.  Made by :func:`new_request` on the
    client side.
    """

    method: str = "GET"
    url: URL = field(default_factory=URL)
    proto: str = "HTTP/1.1"
    proto_major: int = 1
    proto_minor: int = 1
    header: Header = field(default_factory=Header)
    body: ReadCloser = no_body
    # Returns a fresh copy of the body, so a redirect can send it again (Go's GetBody).
    get_body: Callable[[], ReadCloser] | None = None
    content_length: int = 0
    transfer_encoding: list[str] = field(default_factory=list)
    close: bool = False
    host: str = ""
    form: Values | None = None  # set by parse_form(): query and URL-encoded body fields
    post_form: Values | None = None  # set by parse_form(): the body's fields only
    remote_addr: str = ""
    request_uri: str = ""
    pattern: str = ""  # the ServeMux pattern that matched (Go 1.23's Request.Pattern)
    response: Response | None = None  # the redirect that caused this request, on the client
    _ctx: Context = field(default_factory=background)
    # Makes _ctx on the first context() call: the server's, which costs a
    # watcher goroutine, is made only for handlers that ask for it.
    _make_ctx: Callable[[], Context] | None = None
    _path_values: dict[str, str] = field(default_factory=dict)

    def context(self) -> Context:
        """The request's context (Go's ``Request.Context``); never ``None``.

        On the server it is cancelled when the client's connection closes,
        when the handler returns, or when the server shuts down.  On the
        client, cancelling it aborts the request, wherever it is.
        """
        if self._make_ctx is not None:
            self._ctx = self._make_ctx()
            self._make_ctx = None
        return self._ctx

    def with_context(self, ctx: Context) -> Request:
        """A shallow copy of the request with ``ctx`` as its context (Go's ``WithContext``)."""
        return replace(self, _ctx=ctx, _make_ctx=None)

    def clone(self, ctx: Context) -> Request:
        """A deep copy of the request (header, URL, path values) with ``ctx`` (Go's ``Clone``).

        The body is shared, as in Go.
        """
        return replace(
            self,
            url=self.url.copy(),
            header=self.header.clone(),
            transfer_encoding=list(self.transfer_encoding),
            _ctx=ctx,
            _make_ctx=None,
            _path_values=dict(self._path_values),
        )

    def path_value(self, name: str) -> str:
        """The value of the wildcard ``{name}`` of the matching pattern (Go's ``PathValue``).

        ``""`` when the pattern has no such wildcard, or when the request did
        not go through a :class:`~gochan.http.ServeMux`.
        """
        return self._path_values.get(name, "")

    def set_path_value(self, name: str, value: str) -> None:
        """Set what :meth:`path_value` returns for ``name`` (Go's ``SetPathValue``)."""
        self._path_values[name] = value

    def proto_at_least(self, major: int, minor: int) -> bool:
        """Whether the request's protocol is at least HTTP/``major``.``minor``."""
        return (self.proto_major, self.proto_minor) >= (major, minor)

    def user_agent(self) -> str:
        """The ``User-Agent`` header, ``""`` if absent (Go's ``UserAgent``)."""
        return self.header.get("User-Agent")

    def parse_form(self) -> Values:
        """Fill and return ``form``, and fill ``post_form`` (Go's ``ParseForm``); idempotent.

        ``form`` gets the URL-encoded body's fields (for POST, PUT and PATCH
        with ``Content-Type: application/x-www-form-urlencoded``), then the
        URL's query; ``post_form`` the body's alone.  Reading the body blocks
        the calling goroutine until it has arrived.

        Raises:
            ValueError: the body is larger than 10 MB (``http: POST too large``).
        """
        if self.form is not None:
            return self.form
        post = Values()
        content_type = self.header.get("Content-Type").split(";", 1)[0].strip().lower()
        if (
            self.method in ("POST", "PUT", "PATCH")
            and content_type == "application/x-www-form-urlencoded"
        ):
            data = read_at_most(self.body, _MAX_FORM_BODY + 1)
            if len(data) > _MAX_FORM_BODY:
                raise ValueError("http: POST too large")
            post = parse_query(data.decode("latin-1"))
        form = Values({key: list(values) for key, values in post.items()})
        for key, values in self.url.query().items():
            form.setdefault(key, []).extend(values)
        self.post_form, self.form = post, form
        return form

    def form_value(self, key: str) -> str:
        """The first value of ``key`` in the body's form fields or the query (Go's ``FormValue``).

        Calls :meth:`parse_form` first; ``""`` when absent.

        Raises:
            ValueError: as :meth:`parse_form`.
        """
        return self.parse_form().get(key)

    def post_form_value(self, key: str) -> str:
        """The first value of ``key`` in the body's form fields (Go's ``PostFormValue``).

        Calls :meth:`parse_form` first; the query is not looked at; ``""``
        when absent.

        Raises:
            ValueError: as :meth:`parse_form`.
        """
        self.parse_form()
        return self.post_form.get(key) if self.post_form is not None else ""

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.url}>"


@dataclass(eq=False, repr=False)
class Response:
    """Go's ``http.Response``: the status line, header and body of an answer.

    ``body`` must be read and closed, as in Go: a body read to its end and
    closed lets the client reuse the connection.  A ``Response`` is also a
    context manager that closes its body.  ``content_length`` is ``-1`` when
    the server did not say (a chunked or close-delimited body).
    """

    status: str = "200 OK"
    status_code: int = 200
    proto: str = "HTTP/1.1"
    proto_major: int = 1
    proto_minor: int = 1
    header: Header = field(default_factory=Header)
    body: ReadCloser = no_body
    content_length: int = -1
    transfer_encoding: list[str] = field(default_factory=list)
    close: bool = False
    request: Request | None = None

    def location(self) -> URL:
        """The ``Location`` header resolved against the request's URL (Go's ``Location``).

        Raises:
            LookupError: the response has no ``Location`` header (Go's ``ErrNoLocation``).
            ValueError: the header is not a valid URL.
        """
        location = self.header.get("Location")
        if not location:
            raise LookupError("http: no Location header in response")
        if self.request is not None:
            return self.request.url.parse(location)
        return parse_url(location)

    def __enter__(self) -> Response:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.body.close()

    def __repr__(self) -> str:
        return f"<Response {self.status}>"


def new_request(method: str, url: str, body: Reader | bytes | None = None) -> Request:
    """A client request with the background context (Go's ``http.NewRequest``).

    See :func:`new_request_with_context`.

    Raises:
        ValueError: the method or the URL is invalid.
    """
    return new_request_with_context(background(), method, url, body)


def new_request_with_context(
    ctx: Context, method: str, url: str, body: Reader | bytes | None = None
) -> Request:
    """A client request carrying ``ctx`` (Go's ``http.NewRequestWithContext``).

    ``method`` ``""`` means ``GET``.  A ``bytes`` body or an ``io.BytesIO``
    gets its ``content_length`` and a ``get_body`` (so a 307 or 308
    redirect can send it again); any other reader is sent chunked.  Nothing
    is sent: :meth:`Client.do` sends it.  Never blocks.

    Raises:
        ValueError: the method is not an HTTP token, or the URL does not parse.
    """
    method = method or "GET"
    if not is_token(method):
        raise ValueError(f"net/http: invalid method {go_quote(method)}")
    parsed = parse_url(url)
    request = Request(method=method, url=parsed, host=_remove_empty_port(parsed.host), _ctx=ctx)
    if isinstance(body, bytes | io.BytesIO):
        data = body if isinstance(body, bytes) else body.getvalue()[body.tell() :]
        request.content_length = len(data)
        request.get_body = lambda: io.BytesIO(data)
        request.body = request.get_body() if data else no_body
    elif body is not None:
        request.body = body if isinstance(body, ReadCloser) else _CloseIgnored(body)
    return request


def read_at_most(reader: Reader, limit: int) -> bytes:
    """Read until the end or ``limit`` bytes, whichever comes first (Go's ``io.LimitReader``)."""
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = reader.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def outgoing_length(request: Request) -> int:
    """The body length to announce: ``-1`` for unknown (chunked), as Go's ``outgoingLength``.

    Go's rule: a body with ``content_length`` 0 is of unknown length,
    unless it is ``no_body``.
    """
    if request.body is no_body:
        return 0
    if request.content_length != 0:
        return request.content_length
    return -1


def _remove_empty_port(host: str) -> str:
    return host.removesuffix(":") if host.endswith(":") and host.count(":") == 1 else host
