"""The cohorts, boundaries, synergies, explore and query pages in a real headless Chromium (Debian's), driven by
Playwright against a real waitress server, every request outside the app blocked and every script error or
Content-Security-Policy refusal failing the test. Screenshots of each page at 1280x800 and 390x844 go to
tests/artifacts/ (``<page>-<width>x<height>.png``).

Skips with a reason where Chromium or Playwright is missing, unless COPGRAPH_REQUIRE_BROWSER is set.
"""

import re
from urllib.parse import urlencode

import pytest
from test_browser import ARTIFACTS, browser, server  # noqa: F401 (fixtures, shared with the other browser tests)

DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}
PAGES = {
    "cohorts": "/cohorts",
    "boundaries": "/boundaries",
    "synergies": "/synergies",
    "explore": "/explore",
    "query": "/query?example=communities-working-on-medicines",
}


@pytest.fixture
def open_page(browser, server):  # noqa: F811
    """Open a path of the app at a size; fails the test on outside requests, script errors and CSP refusals."""
    contexts, problems = [], []

    def open_(path: str, viewport: dict = DESKTOP):
        context = browser.new_context(viewport=viewport, accept_downloads=True)
        contexts.append(context)

        def guard(route):
            if route.request.url.startswith(server):
                route.continue_()
            else:
                problems.append(f"outside request: {route.request.url}")
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on(
            "console",
            lambda m: problems.append(f"console: {m.text}") if "Content Security Policy" in m.text else None,
        )
        page.goto(server + path)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert problems == []


def ready(page) -> None:
    page.wait_for_selector("#graph[data-ready='true']", timeout=60_000)


def shot(page, name: str, viewport: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{viewport['width']}x{viewport['height']}.png"), full_page=False)


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_each_page_fits_its_width_and_is_photographed(open_page, name, viewport):
    page = open_page(PAGES[name], viewport)
    if name == "explore":
        ready(page)
    if name == "query":
        page.wait_for_selector("body[data-editor='ready']")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{name} scrolls sideways at {viewport['width']} px: {width} px wide"
    shot(page, name, viewport)


def test_the_cohort_page_shows_both_cohorts_themes(open_page):
    page = open_page("/cohorts")
    new = page.locator("section.change-new")
    dropped = page.locator("section.change-dropped")
    shared = page.locator("section.change-shared")
    assert "New in the 2023-24 cohort" in new.inner_text() and "Polypharmacy" in new.inner_text()
    assert "Only in the 2019-20 cohort" in dropped.inner_text() and "E-prescribing" in dropped.inner_text()
    assert "Medicines optimisation" in shared.inner_text()
    for section in (new, dropped, shared):
        assert section.is_visible()
    notes = page.locator("section[aria-labelledby='facet-sectors'] .note").inner_text()
    assert "names no participants" in notes


LEGEND_MATCHES_DRAWING = """() => {
    const network = window.copgraphNetwork, canvas = document.querySelector('#graph canvas');
    const legend = {};
    document.querySelectorAll('#legend li').forEach(li => {
        legend[li.dataset.kind] = li.querySelector('svg [fill]').getAttribute('fill').toLowerCase(); });
    const context = canvas.getContext('2d'), ratio = canvas.width / canvas.clientWidth;
    const positions = network.getPositions(), ids = Object.keys(positions);
    const out = {drawn: [], sampled: []};
    ids.forEach(id => {
        const node = network.body.nodes[id], kind = node.options.group;
        out.drawn.push([id, kind, node.options.color.background.toLowerCase(), legend[kind]]);
        const p = network.canvasToDOM(positions[id]), c = positions[id];
        // a node whose centre no other node, and no other label (with its white outline), is drawn over
        const inside = (box, margin) => c.x >= box.left - margin && c.x <= box.right + margin &&
            c.y >= box.top - margin && c.y <= box.bottom + margin;
        const alone = ids.every(other => {
            if (other === id) return true;
            const o = network.body.nodes[other], l = o.labelModule.size;
            const box = {left: l.left, right: l.left + l.width, top: l.top, bottom: l.top + l.height};
            return !inside(network.getBoundingBox(other), 4) && !(o.options.label && inside(box, 4));
        });
        if (!alone || p.x < 5 || p.y < 5 || p.x > canvas.clientWidth - 5 || p.y > canvas.clientHeight - 5) return;
        const d = context.getImageData(Math.round(p.x * ratio), Math.round(p.y * ratio), 1, 1).data;
        const hex = '#' + [d[0], d[1], d[2]].map(v => v.toString(16).padStart(2, '0')).join('');
        out.sampled.push([id, hex, legend[node.options.group]]);
    });
    return out;
}"""


@pytest.mark.parametrize(
    "path", ["/explore", "/explore?focus=id/community/sel-polypharmacy&hops=2"], ids=["first view", "focus"]
)
def test_the_legend_colours_are_the_drawn_nodes_colours(open_page, path):
    page = open_page(path)
    ready(page)
    found = page.evaluate(LEGEND_MATCHES_DRAWING)
    assert found["drawn"]
    for node, kind, drawn, legend in found["drawn"]:
        assert drawn == legend, f"{node} ({kind}) is drawn {drawn}, the legend says {legend}"
    assert len(found["sampled"]) >= 5, "too few nodes stand apart to read their pixels"
    for node, pixel, legend in found["sampled"]:
        # the same colour, give or take the rounding a canvas does when it scales and blends (a step or two of 255)
        drawn_rgb = [int(pixel[i : i + 2], 16) for i in (1, 3, 5)]
        legend_rgb = [int(legend[i : i + 2], 16) for i in (1, 3, 5)]
        assert max(abs(a - b) for a, b in zip(drawn_rgb, legend_rgb, strict=True)) <= 3, (
            f"the pixel at {node} is {pixel}, the legend says {legend}"
        )


def test_the_layout_is_the_same_on_every_load(open_page):
    positions = []
    for _ in range(2):
        page = open_page("/explore")
        ready(page)
        positions.append(page.evaluate("window.copgraphNetwork.getPositions()"))
    assert positions[0] and positions[0] == positions[1]


def test_labels_are_legible_at_the_first_zoom(open_page):
    page = open_page("/explore")
    ready(page)
    sizes = page.evaluate("""() => { const n = window.copgraphNetwork, scale = n.getScale();
        return Object.values(n.body.nodes).filter(node => node.options.label)
            .map(node => node.options.font.size * scale); }""")
    assert len(sizes) >= 20 and min(sizes) >= 11.5


def test_the_keyboard_selects_nodes_and_the_panel_follows(open_page):
    page = open_page("/explore")
    ready(page)
    page.locator("#graph").focus()
    page.keyboard.press("Home")
    first = page.locator("#graph").get_attribute("data-selected")
    assert first and page.locator("#panel").is_visible()
    page.keyboard.press("ArrowRight")
    second = page.locator("#graph").get_attribute("data-selected")
    assert second and second != first
    assert page.locator("#panel-title").inner_text() == page.evaluate(f"window.copgraphNodes.get({second!r}).name")
    page.keyboard.press("Escape")
    assert page.locator("#panel").is_hidden() and page.locator("#graph").get_attribute("data-selected") is None


def test_the_focus_box_suggests_names_as_you_type(open_page):
    page = open_page("/explore")
    page.locator("#focus").press_sequentially("polyph", delay=30)
    page.wait_for_selector("#focus-names option", state="attached")
    options = page.eval_on_selector_all("#focus-names option", "os => os.map(o => o.value)")
    assert "SEL Polypharmacy Community of Practice" in options
    page.locator("#focus").fill("SEL Polypharmacy Community of Practice")
    with page.expect_navigation():
        page.locator("#focus").press("Enter")
    ready(page)
    assert "Showing SEL Polypharmacy Community of Practice" in page.locator(".note").first.inner_text()
    assert page.locator("#panel-title").inner_text() == "SEL Polypharmacy Community of Practice"


def test_layers_colour_by_cluster_and_draw_suggested_links_dashed(open_page):
    page = open_page("/explore?focus=id/person/phil-southworth&hops=2")
    ready(page)
    page.locator("#layer-clusters").check()
    assert page.locator("#cluster-legend").is_visible() and page.locator("#legend").is_hidden()
    legend = set(page.eval_on_selector_all("#cluster-legend li", "ls => ls.map(l => l.dataset.color.toLowerCase())"))
    drawn = set(
        page.evaluate(
            "Object.values(window.copgraphNetwork.body.nodes).map(n => n.options.color.background.toLowerCase())"
        )
    )
    assert drawn <= legend
    page.locator("#layer-suggested").check()
    page.wait_for_selector("#graph[data-suggested]")
    dashed = page.evaluate("Object.values(window.copgraphNetwork.body.edges).filter(e => e.options.dashes).length")
    assert dashed == int(page.locator("#graph").get_attribute("data-suggested")) > 0


def test_the_view_downloads_as_png(open_page):
    page = open_page("/explore")
    ready(page)
    with page.expect_download() as download:
        page.locator("#export-png").click()
    path = download.value.path()
    assert download.value.suggested_filename == "copgraph-view.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_ctrl_enter_runs_the_query_in_the_editor(open_page):
    page = open_page("/query")
    page.wait_for_selector("body[data-editor='ready']")
    page.evaluate("""() => { const v = window.copgraphEditor.view;
        v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: ''}}); }""")
    page.locator(".cm-content").click()
    page.keyboard.type("SELECT ?name WHERE { ?c a cop:Cohort ; rdfs:label ?name } ORDER BY ?name")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 2 and rows.first.inner_text() == "2019-20 cohort"


def test_a_syntax_error_puts_the_caret_at_its_line_and_column(open_page):
    page = open_page("/query?query=SELECT+%3Fx%0AWHERE+%7B+%3Fx+a+%7D")
    page.wait_for_selector("body[data-editor='ready']")
    message = page.locator("#query-error").inner_text()
    found = re.search(r"at line (\d+), column (\d+)", message)
    assert found and found.group(1) == "2", message
    expected = (int(found.group(1)), int(found.group(2)))
    line, column = page.evaluate("""() => { const v = window.copgraphEditor.view, head = v.state.selection.main.head;
        const line = v.state.doc.lineAt(head); return [line.number, head - line.from + 1]; }""")
    assert (line, column) == expected
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")


def test_results_show_labels_beside_iris_a_chart_and_downloads(open_page):
    query = (
        "SELECT ?cohort (COUNT(?s) AS ?sessions) WHERE { ?s a cop:Session ; cop:cohort ?cohort } "
        "GROUP BY ?cohort ORDER BY ?cohort"
    )
    page = open_page("/query?" + urlencode({"query": query}))
    first = page.locator("table.results tbody tr").first
    assert "2019-20 cohort" in first.inner_text() and "cohort:2019-20" in first.inner_text()
    assert page.locator("figure.query-chart svg rect").count() >= 2
    for fmt in ("CSV", "JSON", "TSV"):
        with page.expect_download() as download:
            page.get_by_role("link", name=fmt, exact=True).click()
        assert download.value.suggested_filename == f"copgraph-results.{fmt.lower()}"
    assert page.locator(".query-side .schema li").count() > 20
