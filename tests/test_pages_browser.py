"""The pages a convenor reads, in a real headless Chromium (Debian's) against a real waitress server, on the
real data: answers visible without scrolling, no sideways scrolling on a phone, no serious accessibility
problem by axe-core (tests/vendor, injected from the test, never served by the app), names suggested as you
type, and a source's excerpt shown on focus. Screenshots of every page at both sizes go to tests/artifacts/,
named ``page-<name>-<width>x<height>.png``.

Skips with a reason where Chromium or Playwright is missing, unless COPGRAPH_REQUIRE_BROWSER is set.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import live_server

from webapp import create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TESTS = Path(__file__).resolve().parent
ARTIFACTS = TESTS / "artifacts"
AXE = TESTS / "vendor" / "axe.min.js"

if not CHROMIUM or not __import__("importlib").util.find_spec("playwright"):
    if os.environ.get("COPGRAPH_REQUIRE_BROWSER"):
        raise RuntimeError("COPGRAPH_REQUIRE_BROWSER is set but Chromium or Playwright is not installed.")
    pytest.skip("browser tests need Debian's chromium and the playwright package", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

#: The pages checked at both sizes, by the name their screenshots carry.
PAGES = {
    "home": "/",
    "community": "/id/community/sel-polypharmacy",
    "idea": "/id/community/2019-20-ambulance-services",
    "person": "/id/person/phil-southworth",
    "organisation": "/id/organisation/health-innovation-network",
    "theme": "/vocab/theme/medicines-optimisation",
    "search": "/search?q=Phil",
    "search-nothing": "/search?q=Cleo+Buterworth",
    "source": "/source/report-2023-24/sel-polypharmacy?lines=288#L288",
    "report": "/source/report-2023-24",
    "derived": "/graph/derived",
    "ontology": "/ontology",
    "vocabulary": "/vocab/theme",
}

#: The other main pages, checked for accessibility too (their screenshots are tests/test_browser_views.py's).
OTHER_MAIN_PAGES = {
    "cohorts": "/cohorts",
    "boundaries": "/boundaries",
    "synergies": "/synergies",
    "explore": "/explore",
    "query": "/query?example=communities-by-theme",
}


@pytest.fixture(scope="module")
def server():
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
                "--no-first-run",
                "--disable-background-networking",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, server):
    """Open an app page at a size, with every request outside the app refused and script errors collected."""
    contexts, outside, errors = [], [], []

    def open_(path: str, viewport: dict):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)

        def guard(route):
            if route.request.url.startswith(server):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        response = page.goto(server + path)
        assert response.status == 200, path
        return page

    yield open_
    for context in contexts:
        context.close()
    assert outside == [], f"the page asked for outside resources: {outside}"
    assert errors == [], f"script errors: {errors}"


def shot(page, name: str, viewport: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"page-{name}-{viewport['width']}x{viewport['height']}.png"))


def test_the_sel_polypharmacy_answers_are_visible_without_scrolling(open_page):
    page = open_page("/id/community/sel-polypharmacy", DESKTOP)
    for title in ("People to invite", "Communities to talk to"):
        heading = page.get_by_role("heading", name=title, exact=True)
        first = page.locator(f"section.answer:has(h3:text-is('{title}')) ol.intros > li").first
        for what in (heading, first):
            box = what.bounding_box()
            assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= DESKTOP["height"], (title, box)
    assert page.evaluate("window.scrollY") == 0


@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(open_page, name):
    page = open_page(PAGES[name], PHONE)
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    shot(page, name, PHONE)
    assert widths[0] <= widths[1], f"{PAGES[name]} is {widths[0]} px wide on a {widths[1]} px screen"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", [*PAGES, *OTHER_MAIN_PAGES])
def test_axe_finds_no_serious_accessibility_problem(open_page, name, viewport):
    page = open_page(PAGES.get(name) or OTHER_MAIN_PAGES[name], viewport)
    if viewport is DESKTOP and name in PAGES:
        shot(page, name, DESKTOP)
    page.evaluate(AXE.read_text(encoding="utf-8"))  # through the browser's debugging protocol, not the page
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"], "where": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == [], json.dumps(serious, indent=1)


def test_names_are_suggested_as_you_type_and_a_chosen_name_opens_its_page(open_page):
    page = open_page("/", DESKTOP)
    box = page.locator("#big-q")
    box.press_sequentially("phi", delay=30)
    page.locator("#names-big-q option").nth(1).wait_for(state="attached")
    offered = page.eval_on_selector_all("#names-big-q option", "options => options.map(o => o.value)")
    assert "Phil Southworth" in offered and "Philip Lusty" in offered
    # Picking from the list replaces the text at once, as the browser's own list does.
    with page.expect_navigation():
        page.evaluate(
            """() => { const box = document.getElementById('big-q'); box.value = 'Philip Lusty';
                       box.dispatchEvent(new InputEvent('input', {inputType: 'insertReplacementText'})); }"""
        )
    assert page.url.endswith("/id/person/philip-lusty")


def test_a_sources_excerpt_shows_on_focus(open_page):
    page = open_page("/id/community/sel-polypharmacy", DESKTOP)
    group = page.locator(".fact-group", has=page.locator("dt", has_text="organised by"))
    source, excerpt = group.locator("a.src").first, group.locator(".excerpt").first
    assert not excerpt.is_visible()
    source.focus()
    assert excerpt.is_visible()
    assert "Integrated Care Board (ICB) established" in excerpt.inner_text()
    shot(page, "community-excerpt", DESKTOP)
