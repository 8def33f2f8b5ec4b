"""The web app in a real headless Chromium (Debian's), driven by Playwright, with every request outside the
app blocked. Screenshots go to tests/artifacts/.

Skips with a reason where Chromium or Playwright is missing, unless COPGRAPH_REQUIRE_BROWSER is set (as
.ci/run sets it), in which case a missing browser fails the run.
"""

import os
import shutil
from pathlib import Path

import pytest
from conftest import live_server

from webapp import create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

if not CHROMIUM or not __import__("importlib").util.find_spec("playwright"):
    if os.environ.get("COPGRAPH_REQUIRE_BROWSER"):
        raise RuntimeError("COPGRAPH_REQUIRE_BROWSER is set but Chromium or Playwright is not installed.")
    pytest.skip("browser tests need Debian's chromium and the playwright package", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def server(hostile_data):
    app = create_app({"QUERY_WORKERS": 1, "TESTING": True})
    try:
        with live_server(app, threads=4) as url:
            yield url
    finally:
        app.extensions["copgraph"].workers.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside = []

    def guard(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert outside == [], f"the page asked for outside resources: {outside}"
    assert errors == [], f"script errors: {errors}"


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_the_explore_page_draws_its_graph(page, server):
    page.goto(server + "/explore?kind=community&kind=theme")
    graph = page.locator("#graph")
    page.wait_for_selector("#graph[data-ready='true']", timeout=60_000)
    expected = page.locator("details.twin table").first.locator("tbody tr").count()
    assert int(graph.get_attribute("data-node-count")) == expected
    assert page.locator("#graph canvas").count() == 1
    drawn = page.evaluate("""() => { const c = document.querySelector('#graph canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let painted = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) painted++; } return painted; }""")
    assert drawn > 1000, "the canvas is blank"
    shot(page, "explore")


def test_clicking_a_node_opens_its_summary_beside_the_graph_and_a_link_to_its_page(page, server):
    page.goto(server + "/explore?focus=id/community/sel-polypharmacy&hops=1")
    page.wait_for_selector("#graph[data-ready='true']", timeout=60_000)
    position = page.evaluate("""() => { const n = window.copgraphNetwork;
        const id = 'https://w3id.org/copgraph/id/organisation/health-innovation-network';
        return n.canvasToDOM(n.getPositions([id])[id]); }""")
    box = page.locator("#graph").bounding_box()
    before = page.url
    page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
    panel = page.locator("#panel")
    panel.wait_for(state="visible")
    assert page.url == before  # the page stays
    assert page.locator("#panel-title").inner_text() == "Health Innovation Network South London"
    assert page.locator("#panel-page").get_attribute("href") == "/id/organisation/health-innovation-network"
    assert "SEL Polypharmacy Community of Practice" in panel.inner_text()  # its neighbour in this view
    shot(page, "explore-panel-1280x900")
    with page.expect_navigation():
        page.locator("#panel-page").click()
    assert page.locator("h1").inner_text() == "Health Innovation Network South London"


def test_the_sparql_page_runs_an_example_and_shows_the_table(page, server):
    page.goto(server + "/query")
    with page.expect_navigation():
        page.get_by_role("link", name="When did the SEL Polypharmacy CoP meet, and what did each meeting ask?").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Run").click()
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 4
    assert "How do we see our situation?" in rows.first.inner_text()
    shot(page, "sparql")


def test_a_hostile_name_shows_as_text(browser, hostile_data):
    app = create_app({"DATA": str(hostile_data), "QUERY_WORKERS": 1, "TESTING": True})
    try:
        with live_server(app, threads=2) as url:
            context = browser.new_context()
            page = context.new_page()
            dialogs = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(f"{url}/id/person/mallory")
            assert page.locator("h1").inner_text() == "<script>alert('name')</script>Mallory"
            page.goto(f"{url}/explore")
            page.wait_for_selector("#graph[data-ready='true']", timeout=60_000)
            shot(page, "hostile")
            assert dialogs == []
            context.close()
    finally:
        app.extensions["copgraph"].workers.close()
