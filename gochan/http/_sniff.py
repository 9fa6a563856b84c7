"""Go's ``http.DetectContentType``: the WHATWG MIME sniffing algorithm over 512 bytes.

The server uses it, as Go's does, when a handler writes a body without
setting ``Content-Type``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

SNIFF_LEN: Final = 512
_WHITESPACE = b"\t\n\x0c\r "

# HTML signatures match case-insensitively after leading whitespace and must
# be followed by a space or ">".
_HTML_TAGS = tuple(
    tag.encode()
    for tag in (
        "<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1", "<DIV", "<FONT",
        "<TABLE", "<A", "<STYLE", "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--",
    )
)  # fmt: skip

# (prefix, content type): exact matches at the start of the data.
_EXACT = (
    (b"%PDF-", "application/pdf"),
    (b"%!PS-Adobe-", "application/postscript"),
    (b"\xfe\xff", "text/plain; charset=utf-16be"),
    (b"\xff\xfe", "text/plain; charset=utf-16le"),
    (b"\xef\xbb\xbf", "text/plain; charset=utf-8"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
    (b"\x00\x00\x02\x00", "image/x-icon"),
    (b"BM", "image/bmp"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"OggS\x00", "application/ogg"),
    (b"\x1aE\xdf\xa3", "video/webm"),
    (b"Rar!\x1a\x07\x00", "application/x-rar-compressed"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b\x08", "application/x-gzip"),
    (b"\x00asm", "application/wasm"),
)

# RIFF containers: "RIFF", four bytes of length, then the form type.
_RIFF = ((b"WEBPVP", "image/webp"), (b"WAVE", "audio/wave"), (b"AVI ", "video/avi"))

# Bytes that never occur in text (WHATWG "binary data bytes").
_BINARY = frozenset([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])


# The last data sniffed and its type: a server often sends the same body again.
_last = (b"", "text/plain; charset=utf-8")


def detect_content_type(data: bytes) -> str:
    """The MIME type of ``data`` from its first 512 bytes (Go's ``http.DetectContentType``).

    Always returns a valid type: ``application/octet-stream`` when nothing
    more specific matches.  Never blocks.
    """
    global _last
    data = data[:SNIFF_LEN]
    last = _last
    if data == last[0]:
        return last[1]
    text = data.lstrip(_WHITESPACE)
    found = next(
        (found for sniff in _SNIFFERS if (found := sniff(data, text))), "application/octet-stream"
    )
    _last = (data, found)
    return found


def _html(data: bytes, text: bytes) -> str:
    if not text.startswith(b"<"):  # every signature's first byte
        return ""
    upper = text.upper()
    for tag in _HTML_TAGS:
        if upper.startswith(tag) and text[len(tag) : len(tag) + 1] in (b" ", b">"):
            return "text/html; charset=utf-8"
    return ""


def _xml(data: bytes, text: bytes) -> str:
    return "text/xml; charset=utf-8" if text.startswith(b"<?xml") else ""


_EXACT_PREFIXES = tuple(prefix for prefix, _ in _EXACT)


def _exact(data: bytes, text: bytes) -> str:
    if not data.startswith(_EXACT_PREFIXES):  # the usual case, tested at once
        return ""
    return next((ct for prefix, ct in _EXACT if data.startswith(prefix)), "")


def _riff(data: bytes, text: bytes) -> str:
    if not data.startswith(b"RIFF"):
        return ""
    return next((ct for form, ct in _RIFF if data[8:].startswith(form)), "")


def _mp4(data: bytes, text: bytes) -> str:
    if len(data) < 12 or data[4:8] != b"ftyp":
        return ""
    box = int.from_bytes(data[:4], "big")
    if box % 4 or len(data) < box:
        return ""
    brands = (data[i : i + 3] for i in range(8, box, 4) if i != 12)
    return "video/mp4" if b"mp4" in brands else ""


def _plain_text(data: bytes, text: bytes) -> str:
    return "" if _BINARY.intersection(text) else "text/plain; charset=utf-8"


# In the order of Go's table: the text check comes last.
_SNIFFERS: tuple[Callable[[bytes, bytes], str], ...] = (
    _html,
    _xml,
    _exact,
    _riff,
    _mp4,
    _plain_text,
)
