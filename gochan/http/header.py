"""Go's ``http.Header``: a message's header fields, keyed by canonical name.

A :class:`Header` is a ``dict[str, list[str]]``, as Go's is a
``map[string][]string``: the methods canonicalize the key
(``content-type`` → ``Content-Type``), while indexing the dict itself does
not, exactly as indexing Go's map does not.
"""

from __future__ import annotations

__all__ = ["Header", "canonical_header_key"]

# RFC 9110's token characters: what a field name or a method may be made of.
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def is_token(s: str) -> bool:
    """Whether ``s`` is a non-empty RFC 9110 token (a valid method or field name)."""
    return bool(s) and all(c in _TOKEN for c in s)


def _canonical(key: str) -> str:
    if not is_token(key):
        return key
    return "-".join(part[:1].upper() + part[1:].lower() for part in key.split("-"))


# Go's commonHeader table: the field names most messages carry, found by a
# dict lookup in their canonical and their lower-case spelling.
_COMMON = {
    spelling: canonical
    for canonical in (
        "Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language", "Accept-Ranges",
        "Cache-Control", "Cc", "Connection", "Content-Id", "Content-Language",
        "Content-Length", "Content-Transfer-Encoding", "Content-Type", "Cookie", "Date",
        "Dkim-Signature", "Etag", "Expires", "From", "Host", "If-Modified-Since",
        "If-None-Match", "In-Reply-To", "Last-Modified", "Location", "Message-Id",
        "Mime-Version", "Pragma", "Received", "Return-Path", "Server", "Set-Cookie",
        "Subject", "To", "Transfer-Encoding", "User-Agent", "Via", "X-Forwarded-For",
        "X-Imforwards", "X-Powered-By",
    )
    for spelling in (canonical, canonical.lower())
}  # fmt: skip


def canonical_header_key(key: str) -> str:
    """The canonical form of a header field name (Go's ``http.CanonicalHeaderKey``).

    The first letter and every letter after a hyphen are upper case, the
    rest lower case: ``accept-encoding`` becomes ``Accept-Encoding``.  A key
    holding a space or any other character that is not a token character
    is returned unchanged, as Go does.  Never blocks.
    """
    found = _COMMON.get(key)
    return found if found is not None else _canonical(key)


# Field names as they came on the wire and their canonical keys: messages
# repeat the same few spellings.
_WIRE_KEYS: dict[bytes, str] = {}
_WIRE_KEYS_MAX = 1024


def wire_key(name: bytes) -> str:
    """:func:`canonical_header_key` of a field name as received, remembered for the next time."""
    key = _WIRE_KEYS.get(name)
    if key is None:
        key = canonical_header_key(name.decode("latin-1"))
        if len(_WIRE_KEYS) < _WIRE_KEYS_MAX:
            _WIRE_KEYS[name] = key
    return key


def add_received(fields: dict[str, list[str]], key: str, value: bytes) -> None:
    """Add a field's ``value`` as received under its canonical ``key``.

    Reads ``fields`` through ``dict.get``, past :meth:`Header.get`'s
    canonicalization: ``key`` is canonical already.
    """
    values = dict.get(fields, key)
    if values is None:
        fields[key] = [value.decode("latin-1")]
    else:
        values.append(value.decode("latin-1"))


class Header(dict[str, list[str]]):
    """Go's ``http.Header``: header fields with canonical keys and any number of values.

    ``add``, ``set``, ``get``, ``values`` and ``del_`` canonicalize the key;
    plain indexing (``h["X-Id"]``) does not, as with Go's map.  Values keep
    the order they were added in.  Not safe to share between threads.
    """

    def add(self, key: str, value: str) -> None:
        """Append ``value`` to the values of ``key`` (Go's ``Header.Add``)."""
        self.setdefault(canonical_header_key(key), []).append(value)

    def set(self, key: str, value: str) -> None:
        """Make ``value`` the one value of ``key``, replacing any (Go's ``Header.Set``)."""
        self[canonical_header_key(key)] = [value]

    def get(self, key: str, default: str = "") -> str:  # type: ignore[override]
        """The first value of ``key``, or ``""`` when there is none (Go's ``Header.Get``).

        This replaces ``dict.get``: the key is canonicalized and the result is
        a string, as in Go.  ``default`` is returned instead of ``""`` when given.
        """
        values = super().get(canonical_header_key(key))
        return values[0] if values else default

    def values(self, key: str) -> list[str]:  # type: ignore[override]
        """Every value of ``key``, in order; ``[]`` when there is none (Go's ``Header.Values``).

        This replaces ``dict.values``; iterate ``items()`` to walk every field.
        The list returned is the header's own, as the slice Go returns is.
        """
        return super().get(canonical_header_key(key), [])

    def del_(self, key: str) -> None:
        """Remove every value of ``key``; nothing happens when it has none (Go's ``Header.Del``)."""
        self.pop(canonical_header_key(key), None)

    def clone(self) -> Header:
        """A copy whose value lists are copies too (Go's ``Header.Clone``)."""
        return Header({key: list(values) for key, values in self.items()})
