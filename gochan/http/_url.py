"""The part of Go's ``net/url`` that HTTP needs: ``URL``, ``Values``, ``parse_url``.

Parsing is ``urllib.parse``'s; this module gives it Go's shape: a mutable
``URL`` whose ``path`` is unescaped (with ``raw_path`` keeping a non-default
escaping), a ``query()`` returning ``Values``, and reference resolution
for redirects.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit

__all__ = ["URL", "Values", "parse_query", "parse_request_uri", "parse_url"]

# Characters a path segment keeps unescaped (RFC 3986 pchar, plus "/" between segments).
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
# What an escaped path may hold as it is (Go's validEncoded): the above, letters,
# digits, the brackets browsers leave alone, and "%" of the escapes.
_VALID_ENCODED = frozenset(_PATH_SAFE + "[]%" + string.ascii_letters + string.digits)
# A path that unescaping and escaping again leave as it is.
_PLAIN_PATH = re.compile("[" + re.escape(_PATH_SAFE) + "A-Za-z0-9]*")


class Values(dict[str, list[str]]):
    """Go's ``url.Values``: query parameters or form fields, each with any number of values.

    Keys are case-sensitive, unlike a :class:`~gochan.http.Header`'s.
    """

    def get(self, key: str, default: str = "") -> str:  # type: ignore[override]
        """The first value of ``key``, or ``""`` (Go's ``Values.Get``)."""
        values = super().get(key)
        return values[0] if values else default

    def set(self, key: str, value: str) -> None:
        """Make ``value`` the one value of ``key`` (Go's ``Values.Set``)."""
        self[key] = [value]

    def add(self, key: str, value: str) -> None:
        """Append ``value`` to the values of ``key`` (Go's ``Values.Add``)."""
        self.setdefault(key, []).append(value)

    def del_(self, key: str) -> None:
        """Remove every value of ``key`` (Go's ``Values.Del``)."""
        self.pop(key, None)

    def has(self, key: str) -> bool:
        """Whether ``key`` is set, even to an empty value (Go's ``Values.Has``)."""
        return key in self

    def encode(self) -> str:
        """The URL encoding, ``"a=1&b=2"``, sorted by key as Go's ``Values.Encode``."""
        return urlencode([(key, value) for key in sorted(self) for value in self[key]])


def parse_query(query: str) -> Values:
    """Parse a URL-encoded query string (Go's ``url.ParseQuery``).

    Raises:
        ValueError: a field is badly encoded (Go returns the fields it could parse and an error).
    """
    values = Values()
    for key, value in parse_qsl(query, keep_blank_values=True, strict_parsing=False):
        values.add(key, value)
    return values


@dataclass
class URL:
    """Go's ``url.URL``: ``scheme://user@host/path?raw_query#fragment``.

    ``path`` is unescaped; ``raw_path`` holds the escaped form only when it
    differs from the default escaping of ``path`` (``/a%2Fb`` for the path
    ``/a/b``, which the default would write ``/a/b``).  ``str(url)`` puts the
    parts back together.  Fields can be changed in place, as in Go.
    """

    scheme: str = ""
    user: str = ""  # the userinfo, "name" or "name:password", escaped
    host: str = ""  # "host" or "host:port"
    path: str = ""
    raw_path: str = ""
    raw_query: str = ""
    fragment: str = ""

    def escaped_path(self) -> str:
        """The escaped form of ``path`` (Go's ``EscapedPath``).

        ``raw_path`` when it is a valid escaping of ``path``, else the default
        escaping: ``/sp ace`` becomes ``/sp%20ace``.
        """
        raw = self.raw_path
        if raw and unquote(raw) == self.path and _VALID_ENCODED.issuperset(raw):
            return raw
        return quote(self.path, safe=_PATH_SAFE)

    def request_uri(self) -> str:
        """What a request line names: the escaped path (``/`` if empty) and ``?query``."""
        uri = self.escaped_path() or "/"
        return f"{uri}?{self.raw_query}" if self.raw_query else uri

    def query(self) -> Values:
        """The parsed ``raw_query`` (Go's ``URL.Query``); a fresh ``Values`` each call."""
        return parse_query(self.raw_query)

    def hostname(self) -> str:
        """``host`` without its port and IPv6 brackets (Go's ``URL.Hostname``)."""
        host, _ = _split_port(self.host)
        return host.removeprefix("[").removesuffix("]")

    def port(self) -> str:
        """The port of ``host``, ``""`` when it has none (Go's ``URL.Port``)."""
        return _split_port(self.host)[1]

    def is_abs(self) -> bool:
        """Whether the URL has a scheme (Go's ``URL.IsAbs``)."""
        return self.scheme != ""

    def parse(self, ref: str) -> URL:
        """Resolve ``ref`` against this URL, as a browser does (Go's ``URL.Parse``).

        Raises:
            ValueError: ``ref`` is not a valid URL.
        """
        return parse_url(urljoin(str(self), ref))

    def copy(self) -> URL:
        """A copy (Go copies the ``URL`` struct by value)."""
        return replace(self)

    def __str__(self) -> str:
        out = f"{self.scheme}:" if self.scheme else ""
        if self.scheme or self.host or self.user:
            out += "//"
            if self.user:
                out += f"{self.user}@"
            out += self.host
        path = self.escaped_path()
        if path and not path.startswith("/") and self.host:
            path = "/" + path
        out += path
        if self.raw_query:
            out += f"?{self.raw_query}"
        if self.fragment:
            out += "#" + quote(self.fragment, safe=_PATH_SAFE + "?")
        return out


def parse_url(raw: str) -> URL:
    """Parse an absolute or relative URL (Go's ``url.Parse``).

    Raises:
        ValueError: the URL is malformed, with Go's wording: ``parse "…": …``.
    """
    _check_controls(raw)  # first: urlsplit() silently drops tabs and newlines
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - reading it validates the port
    except ValueError as err:
        raise ValueError(f"parse {go_quote(raw)}: {err}") from None
    user, _, host = parts.netloc.rpartition("@")
    url = URL(scheme=parts.scheme.lower(), user=user, host=host, fragment=unquote(parts.fragment))
    _set_path(url, parts.path, parts.query)
    return url


def parse_request_uri(raw: str) -> URL:
    """Parse the target of a request line (Go's ``url.ParseRequestURI``).

    The target is an absolute path (``//a/b`` is a path, not a host), an
    absolute URL, or ``*``; it has no fragment.

    Raises:
        ValueError: anything else, or a malformed URL, with Go's wording.
    """
    if raw == "*":
        return URL(path="*")
    if not raw.startswith("/"):
        url = parse_url(raw)
        if not url.scheme:
            raise ValueError(f"parse {go_quote(raw)}: invalid URI for request")
        return url
    _check_controls(raw)
    url = URL()
    path, _, query = raw.partition("?")
    _set_path(url, path, query)
    return url


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _check_controls(raw: str) -> None:
    """Go's ``stringContainsCTLByte`` check.

    Raises:
        ValueError: ``raw`` holds an ASCII control character.
    """
    if _CONTROL.search(raw):
        raise ValueError(f"parse {go_quote(raw)}: net/url: invalid control character in URL")


def _set_path(url: URL, escaped: str, query: str) -> None:
    if _PLAIN_PATH.fullmatch(escaped):  # nothing escaped, nothing to escape: the usual path
        url.path, url.raw_path = escaped, ""
    else:
        url.path = unquote(escaped)
        url.raw_path = escaped if quote(url.path, safe=_PATH_SAFE) != escaped else ""
    url.raw_query = query


def _split_port(host: str) -> tuple[str, str]:
    """``host:port`` split at the port's colon; ``(host, "")`` without one."""
    head, colon, port = host.rpartition(":")
    if colon and port.isdigit() and (not head.startswith("[") or head.endswith("]")):
        return head, port
    return host, ""


def go_quote(s: str) -> str:
    """``s`` in double quotes, as Go's ``%q`` writes a plain string."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
