"""No dead links: a crawl of every page reachable from the home page, on the real data, through Flask's test
client. It follows every internal link (``href``, ``src`` and the graph views' ``data-src``), query strings
included, and fails on any that answers 404 or a server error, or whose ``#fragment`` names nothing on the
page it leads to, listing each with the page that links to it."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from webapp import create_app

ORIGIN = "http://localhost"


class _Page(HTMLParser):
    """The links and the ids of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in {"href", "src", "data-src"}:
                self.links.append(value)
            elif name == "id":
                self.ids.add(value)


def crawl(client, start: str = "/"):
    """Every internal URL reachable from ``start``: ``(broken, fragments, pages)``, where ``broken`` maps a URL
    that answered 404 or 5xx to (status, a page linking to it), ``fragments`` maps ``url#fragment`` that names
    no element to a page linking to it, and ``pages`` counts the URLs fetched."""
    queue, seen = deque([(start, "(start)")]), {start}
    ids: dict[str, set[str] | None] = {}
    wanted: dict[tuple[str, str], str] = {}
    broken: dict[str, tuple[int, str]] = {}
    while queue:
        url, referrer = queue.popleft()
        response = client.get(url)
        status = response.status_code
        if status == 404 or status >= 500:
            broken[url] = (status, referrer)
        links: list[str] = []
        if 300 <= status < 400:
            links = [response.headers["Location"]]
        elif response.mimetype == "text/html":
            page = _Page()
            page.feed(response.get_data(as_text=True))
            links, ids[url] = page.links, page.ids
        response.close()
        for link in links:
            absolute = urljoin(ORIGIN + url, link)
            if not absolute.startswith(ORIGIN + "/"):
                continue  # outside the app
            target, fragment = urldefrag(absolute[len(ORIGIN) :])
            parts = urlsplit(target)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if fragment:
                wanted.setdefault((target, fragment), url)
            if target not in seen:
                seen.add(target)
                queue.append((target, url))
    fragments = {
        f"{target}#{fragment}": referrer
        for (target, fragment), referrer in wanted.items()
        if target in ids and ids[target] is not None and fragment not in ids[target]
    }
    return broken, fragments, len(seen)


@pytest.fixture(scope="module")
def client():
    app = create_app({"QUERY_WORKERS": 1, "TESTING": True})
    yield app.test_client()
    app.extensions["copgraph"].workers.close()


@pytest.fixture(scope="module")
def crawled(client):
    return crawl(client)


def test_every_page_reachable_from_the_home_page_answers(crawled):
    broken, _, pages = crawled
    assert pages > 400, "the crawl should reach every entity page"
    listing = "\n".join(f"{code} {url} (linked from {referrer})" for url, (code, referrer) in sorted(broken.items()))
    assert not broken, f"{len(broken)} of {pages} internal links are dead:\n{listing}"


def test_every_link_to_a_place_in_a_page_finds_it(crawled):
    _, fragments, _ = crawled
    listing = "\n".join(f"{url} (linked from {referrer})" for url, referrer in sorted(fragments.items()))
    assert not fragments, f"{len(fragments)} links name a place their page does not have:\n{listing}"


def test_the_crawl_reports_dead_links_and_missing_places(mini_data):
    # The crawler itself, on a page made to link to a page that does not exist and a place that is not there.
    app = create_app({"DATA": str(mini_data), "QUERY_WORKERS": 1, "TESTING": True})

    @app.route("/dead-links-for-test")
    def dead():
        return '<a href="/id/person/nobody-at-all">x</a> <a href="/ontology#NoSuchTerm">y</a> <a href="/">z</a>'

    try:
        broken, fragments, _ = crawl(app.test_client(), "/dead-links-for-test")
    finally:
        app.extensions["copgraph"].workers.close()
    assert broken == {"/id/person/nobody-at-all": (404, "/dead-links-for-test")}
    assert fragments == {"/ontology#NoSuchTerm": "/dead-links-for-test"}
