"""A web crawler with bounded parallelism (*The Go Programming Language*, §8.6, ``crawl2``).

Go's program::

    // tokens is a counting semaphore used to
    // enforce a limit of 20 concurrent requests.
    var tokens = make(chan struct{}, 20)

    func crawl(url string) []string {
        fmt.Println(url)
        tokens <- struct{}{} // acquire a token
        list, err := links.Extract(url)
        <-tokens // release the token
        if err != nil {
            log.Print(err)
        }
        return list
    }

``main`` keeps a worklist channel of link lists and counts the sends still
to come, so it knows when the crawl is over without closing anything.
``extract`` is the book's ``links.Extract``: GET the page with ``http.get``,
fail on a status other than 200, and resolve each ``href`` against the URL
of the response's request (``resp.Request.URL.Parse``), which, after a
redirect, is the page's final URL: ``/old-news`` is crawled, and its
links are those of ``/news``, where it leads.

The site is local, an ``httptest`` server with a dozen pages, a redirect, a
broken link and a link to another host (which the crawler leaves alone).
Each page takes 20 ms to serve, and the server counts the requests in
flight: never more than ``LIMIT``.  The crawl order varies from run to run,
so the program prints the pages sorted.
"""

from __future__ import annotations

from html.parser import HTMLParser

from gochan import Chan, go, http, run, time
from gochan.http import httptest

LIMIT = 3  # concurrent requests

# path -> (title, hrefs); hrefs are relative to the page, as on a real site.
PAGES = {
    "/": ("Home", ["go/", "python/", "about", "old-news"]),
    "/go/": ("Go", ["channels", "select", "/"]),
    "/go/channels": ("Channels", ["select", "../python/greenlets", "missing"]),
    "/go/select": ("Select", ["channels", "../go/"]),
    "/python/": ("Python", ["greenlets", "/go/"]),
    "/python/greenlets": ("Greenlets", ["https://example.com/elsewhere"]),
    "/about": ("About", ["/"]),
    "/news": ("News", ["/go/select", "/about"]),
}
REDIRECTS = {"/old-news": "/news"}


class Site:
    """The pages above, each served after 20 ms; counts the requests in flight."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0

    def serve_http(self, w: http.ResponseWriter, r: http.Request) -> None:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            time.sleep(20 * time.Millisecond)
            if r.url.path in REDIRECTS:
                http.redirect(w, r, REDIRECTS[r.url.path], http.StatusMovedPermanently)
                return
            if r.url.path not in PAGES:
                http.not_found(w, r)
                return
            title, hrefs = PAGES[r.url.path]
            links = "".join(f'<li><a href="{href}">{href}</a></li>' for href in hrefs)
            w.header().set("Content-Type", "text/html; charset=utf-8")
            w.write(f"<html><title>{title}</title><ul>{links}</ul></html>".encode())
        finally:
            self.in_flight -= 1


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def extract(url: str) -> list[str]:
    """The links of the page at ``url``, made absolute (the book's ``links.Extract``)."""
    with http.get(url) as resp:
        if resp.status_code != http.StatusOK:
            raise OSError(f"getting {url}: {resp.status}")
        parser = _Links()
        parser.feed(resp.body.read().decode())
    assert resp.request is not None  # the client sets it: the last request made
    return [str(resp.request.url.parse(href)) for href in parser.hrefs]


def main() -> None:
    site = Site()
    with httptest.new_server(site) as srv:
        tokens = Chan[None](LIMIT)  # a counting semaphore: at most LIMIT requests at once
        crawled: list[str] = []
        errors: list[str] = []

        def crawl(url: str) -> list[str]:
            crawled.append(url)
            tokens.send(None)  # acquire a token
            try:
                return [link for link in extract(url) if link.startswith(srv.url)]
            except OSError as err:
                errors.append(str(err))
                return []
            finally:
                tokens.recv()  # release the token

        worklist = Chan[list[str]]()

        def crawl_into_worklist(link: str) -> None:
            worklist.send(crawl(link))

        n = 1  # the number of pending sends to worklist
        go(worklist.send, [srv.url + "/"])
        seen: set[str] = set()
        while n > 0:
            links = worklist.recv()
            n -= 1
            for link in links:
                if link not in seen:
                    seen.add(link)
                    n += 1
                    go(crawl_into_worklist, link)

    print(f"crawled {len(crawled)} URLs, at most {site.peak} requests at a time:")
    for url in sorted(crawled):
        print("  " + url.removeprefix(srv.url))
    for err in errors:
        print(err.replace(srv.url, ""))


if __name__ == "__main__":
    run(main)

# Output:
# crawled 9 URLs, at most 3 requests at a time:
#   /
#   /about
#   /go/
#   /go/channels
#   /go/missing
#   /go/select
#   /old-news
#   /python/
#   /python/greenlets
# getting /go/missing: 404 Not Found
