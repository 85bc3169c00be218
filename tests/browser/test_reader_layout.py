"""The demo's public pages in Chromium at 1366 px and on a 390 px phone: axe finds no violation, nothing scrolls
sideways, the header keeps its search beside the name and folds its sections under a menu button on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS
from tests.validators import AXE_JS, MISSING, demo_pages

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def site(db):
    from django.test import Client

    pages = demo_pages()
    client = Client()
    for url in pages.values():
        client.get(url)  # the images' renditions made once, before the browser waits for them
    return pages


@pytest.fixture
def open_at(browser):
    """``open_at(viewport, javascript=True)``: a page in a fresh context of that size. Axe is injected from the test,
    past the site's Content Security Policy (which allows the site no script at all)."""
    contexts = []

    def open_page(viewport, *, javascript=True):
        context = browser.new_context(viewport=viewport, bypass_csp=True, java_script_enabled=javascript)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(4 * TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def violations(page):
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(str(n['target']) for n in v['nodes'][:3])}" for v in result
    ]


def scrolls_sideways(page):
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


@pytest.mark.skipif(not AXE_JS.is_file(), reason=f"axe-core {MISSING}")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366px", "390px"])
def test_axe_finds_no_violation_and_nothing_scrolls_sideways(live_server, open_at, site, viewport):
    page = open_at(viewport)
    found = {}
    for name, url in site.items():
        page.goto(live_server.url + url)
        assert not scrolls_sideways(page), f"{name} scrolls sideways at {viewport['width']} px"
        if problems := violations(page):
            found[name] = problems
    # The quote form's error state.
    page.goto(f"{live_server.url}/quote/")
    page.evaluate("document.querySelector('form.quote-form').noValidate = true")
    page.locator("form.quote-form [type=submit]").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    if problems := violations(page):
        found["quote form with errors"] = problems
    assert not found, "\n".join(f"{name}: {problem}" for name, problems in found.items() for problem in problems)


def test_at_1366_px_the_search_stays_beside_the_name(live_server, open_at, site):
    page = open_at(DESKTOP)
    page.goto(live_server.url)
    brand = page.locator(".brand").bounding_box()
    search = page.locator(".header-search").bounding_box()
    assert abs((brand["y"] + brand["height"] / 2) - (search["y"] + search["height"] / 2)) < 8
    assert search["x"] > brand["x"] + brand["width"]
    expect(page.locator(".menu-button")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Sections")
    expect(nav.get_by_role("link", name="All articles")).to_be_visible()
    assert page.locator(".site-header").bounding_box()["height"] < 130
    assert page.get_by_role("search").count() == 1


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_on_a_phone_the_header_is_compact_and_its_menu_button_opens_the_sections(live_server, open_at, site, javascript):
    page = open_at(PHONE, javascript=javascript)
    page.goto(live_server.url)
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 110, header
    nav = page.get_by_role("navigation", name="Sections")
    expect(nav.get_by_role("link", name="All articles")).to_be_hidden()
    expect(page.get_by_role("search").get_by_label("Search articles")).to_be_visible()
    page.locator(".menu-button").click()
    expect(nav.get_by_role("link", name="All articles")).to_be_visible()
    nav.get_by_role("link", name="Cardiology").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cardiology")
    assert not scrolls_sideways(page)


def test_home_page_grids_leave_no_card_alone_on_a_row(live_server, open_at, site):
    from articles.models import Article

    # One more article than fills the rows of three: the last one alone on its row takes the whole row.
    for viewport in (DESKTOP, {"width": 800, "height": 900}):
        page = open_at(viewport)
        page.goto(live_server.url)
        for grid in page.locator(".cards").all():
            cards = [card.bounding_box() for card in grid.locator(":scope > .card").all()]
            width = grid.bounding_box()["width"]
            rows = {}
            for card in cards:
                rows.setdefault(round(card["y"]), []).append(card)
            for row in rows.values():
                # Every row is filled: its cards' widths and gaps take the grid's whole width.
                assert abs(row[-1]["x"] + row[-1]["width"] - row[0]["x"] - width) < 2, (viewport, len(cards))
    assert Article.objects.published().count() > 3


def test_a_citation_leads_to_its_reference_and_back(live_server, open_at, site):
    page = open_at(DESKTOP)
    page.goto(live_server.url + site["article"])
    page.locator("sup.citation a").first.click()
    expect(page).to_have_url(f"{live_server.url}{site['article']}#ref-1")
    expect(page.locator("#ref-1")).to_be_in_viewport()
    page.locator("#ref-1 .backlink").first.click()
    expect(page.locator("#cite-1-1")).to_be_in_viewport()
