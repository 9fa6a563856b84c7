"""Go's ``http.FileServer`` over a directory (``http.Dir``).

Files are read through ``blocking()``: disk reads have no readiness to
wait on, so they run on a worker thread while other goroutines run.
"""

from __future__ import annotations

import email.utils
import html
import mimetypes
import os
import stat
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from ..runtime import blocking
from ._handler import HandlerFunc, ResponseWriter, clean_path, error
from ._request import Request
from ._sniff import SNIFF_LEN, detect_content_type
from ._status import (
    StatusForbidden,
    StatusInternalServerError,
    StatusMovedPermanently,
    StatusNotFound,
    StatusNotModified,
)

__all__ = ["Dir", "file_server"]

_INDEX_PAGE = "/index.html"
_CHUNK = 32 * 1024


class Dir(str):
    """Go's ``http.Dir``: a directory whose files :func:`file_server` serves.

    Requests cannot reach outside it: every path is cleaned as rooted
    before it is joined to the directory.  (Symbolic links inside are
    followed, as in Go.)
    """

    def path_of(self, name: str) -> Path:
        """The file that the slash-separated ``name`` names inside the directory."""
        return Path(self or ".", *clean_path("/" + name).split("/"))


def file_server(root: Dir | str | os.PathLike[str]) -> HandlerFunc:
    """A handler serving the files under ``root`` (Go's ``http.FileServer(http.Dir(root))``).

    The request's path names the file; a directory is answered by its
    ``index.html`` or by an HTML listing.  As in Go: ``…/index.html`` is
    redirected to ``…/``, a directory without its trailing slash to the
    path with one, and a file with one to the path without; the
    ``Content-Type`` comes from the extension or from the first bytes; a
    ``Last-Modified`` header is sent and ``If-Modified-Since`` answered with
    ``304``.  Missing files are ``404``, unreadable ones ``403``.  Byte
    ranges are not supported: the whole file is sent.  Use it with
    :func:`strip_prefix` to serve a directory below a path prefix.
    """
    directory = Dir(os.fspath(root))

    def serve(w: ResponseWriter, r: Request) -> None:
        upath = r.url.path if r.url.path.startswith("/") else "/" + r.url.path
        _serve_file(w, r, directory, clean_path(upath))

    return serve


def _serve_file(w: ResponseWriter, r: Request, directory: Dir, name: str) -> None:
    if r.url.path.endswith(_INDEX_PAGE):
        _local_redirect(w, r, "./")
        return
    path = directory.path_of(name)
    try:
        info = blocking(os.stat, path)
    except OSError as err:
        _error_for(w, err)
        return
    url_path = r.url.path
    if stat.S_ISDIR(info.st_mode):
        if not url_path.endswith("/"):
            _local_redirect(w, r, url_path.rpartition("/")[2] + "/")
            return
        index = path / "index.html"
        try:
            index_info = blocking(os.stat, index)
        except OSError:
            _list_directory(w, r, path, info)
            return
        path, info = index, index_info
    elif url_path.endswith("/"):
        _local_redirect(w, r, "../" + url_path.rstrip("/").rpartition("/")[2])
        return
    try:
        file = blocking(open, path, "rb")
    except OSError as err:
        _error_for(w, err)
        return
    try:
        _serve_content(w, r, path.name, info, file)
    finally:
        file.close()


def _serve_content(
    w: ResponseWriter, r: Request, name: str, info: os.stat_result, file: BinaryIO
) -> None:
    if _not_modified(r, info):
        w.write_header(StatusNotModified)
        return
    header = w.header()
    first = blocking(file.read, SNIFF_LEN)
    if "Content-Type" not in header:
        header.set("Content-Type", _type_by_extension(name) or detect_content_type(first))
    header.set("Last-Modified", email.utils.formatdate(info.st_mtime, usegmt=True))
    header.set("Content-Length", str(info.st_size))
    w.write_header(200)
    if r.method == "HEAD":
        return
    chunk = first
    while chunk:
        w.write(chunk)
        chunk = blocking(file.read, _CHUNK)


def _not_modified(r: Request, info: os.stat_result) -> bool:
    if r.method not in ("GET", "HEAD"):
        return False
    since = r.header.get("If-Modified-Since")
    if not since:
        return False
    try:
        when = email.utils.parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError):
        return False
    return int(info.st_mtime) <= when  # HTTP dates have whole seconds


def _type_by_extension(name: str) -> str:
    """The type of a file name's extension, ``text/*`` with ``charset=utf-8`` as Go gives it."""
    found, _ = mimetypes.guess_type(name, strict=False)
    if found is None:
        return ""
    if found.startswith("text/") and "charset" not in found:
        return f"{found}; charset=utf-8"
    return found


def _list_directory(w: ResponseWriter, r: Request, path: Path, info: os.stat_result) -> None:
    if _not_modified(r, info):
        w.write_header(StatusNotModified)
        return
    try:
        entries = blocking(lambda: sorted((e.name, e.is_dir()) for e in os.scandir(path)))
    except OSError:
        error(w, "Error reading directory", StatusInternalServerError)
        return
    w.header().set("Content-Type", "text/html; charset=utf-8")
    w.header().set("Last-Modified", email.utils.formatdate(info.st_mtime, usegmt=True))
    lines = ['<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n']
    for entry, is_dir in entries:
        shown = entry + "/" if is_dir else entry
        lines.append(f'<a href="{quote(shown)}">{html.escape(shown)}</a>\n')
    lines.append("</pre>\n")
    w.write("".join(lines).encode())


def _local_redirect(w: ResponseWriter, r: Request, target: str) -> None:
    """Redirect to ``target``, relative to the request's path, keeping its query."""
    if r.url.raw_query:
        target += "?" + r.url.raw_query
    w.header().set("Location", target)
    w.write_header(StatusMovedPermanently)


def _error_for(w: ResponseWriter, err: OSError) -> None:
    """Go's ``toHTTPError``: missing → 404, not permitted → 403, else 500."""
    if isinstance(err, FileNotFoundError | NotADirectoryError):
        error(w, "404 page not found", StatusNotFound)
    elif isinstance(err, PermissionError):
        error(w, "403 Forbidden", StatusForbidden)
    else:
        error(w, "500 Internal Server Error", StatusInternalServerError)
