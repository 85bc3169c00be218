"""The demo's Arabic home, article and quote form pages in Chromium at 1366 px and on a 390 px phone: the layout
mirrors (right to left), axe finds no violation, nothing scrolls sideways. A screenshot of each is kept in the test's
folder, or in $SCREENSHOT_DIR when it is set (to look at them after the run)."""

import os
from pathlib import Path

import pytest

from tests.browser.test_reader_layout import DESKTOP, PHONE, open_at, scrolls_sideways, site, violations  # noqa: F401
from tests.validators import AXE_JS, MISSING

pytestmark = pytest.mark.browser


@pytest.fixture
def arabic(site):
    """The demo's pages in Arabic, at their addresses: /ar/…, and the Arabic translation of the stroke article."""
    from django.test import Client

    from articles.models import Article

    article = Article.objects.published().get(translation_of__slug="stem-cell-therapy-after-stroke", language="ar")
    pages = {"home": "/ar/", "article": article.get_absolute_url(), "quote form": "/ar/quote/"}
    client = Client()
    for url in pages.values():
        assert client.get(url).status_code == 200, url  # renditions made before the browser waits for them
    return pages


def box(page, selector):
    return page.locator(selector).first.bounding_box()


@pytest.mark.skipif(not AXE_JS.is_file(), reason=f"axe-core {MISSING}")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366px", "390px"])
@pytest.mark.parametrize("name", ["home", "article", "quote form"])
def test_the_arabic_page_mirrors_and_axe_finds_no_violation(live_server, open_at, arabic, viewport, name, tmp_path):
    page = open_at(viewport)
    page.goto(live_server.url + arabic[name])
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    assert page.locator("#main").evaluate("main => getComputedStyle(main).direction") == "rtl"

    # The brand starts the header on the right; the search ends it on the left, or on a phone starts the row under
    # it on the right, as the brand does, with the languages on the left.
    brand, search = box(page, ".brand"), box(page, ".header-search")
    assert brand["x"] + brand["width"] > viewport["width"] / 2
    if viewport == DESKTOP:
        assert search["x"] < brand["x"]
    else:
        assert search["y"] > brand["y"] and abs((search["x"] + search["width"]) - (brand["x"] + brand["width"])) < 2
        languages = box(page, ".language-switcher")
        assert languages["x"] + languages["width"] <= search["x"] + 1
    if name == "article":
        # The reviewed-by box and the disclaimer have their rule on the right, the side a line of Arabic starts.
        for selector in (".reviewed", ".disclaimer"):
            borders = page.locator(selector).evaluate("el => [getComputedStyle(el).borderRightWidth, getComputedStyle(el).borderLeftWidth]")
            assert borders == ["4px", "0px"], selector
        # An arrow that points onwards ("Learn more →") points left.
        arrow = page.locator(".promo .arrow")
        if arrow.count():
            assert arrow.evaluate("el => getComputedStyle(el).transform") == "matrix(-1, 0, 0, 1, 0, 0)"

    assert violations(page) == []
    assert not scrolls_sideways(page)
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"arabic-{name.replace(' ', '-')}-{viewport['width']}px.png", full_page=True)


def test_an_english_page_stays_left_to_right(live_server, open_at, site):
    page = open_at(DESKTOP)
    page.goto(live_server.url + site["article"])
    assert page.locator("html").get_attribute("dir") == "ltr"
    borders = page.locator(".reviewed").evaluate("el => [getComputedStyle(el).borderLeftWidth, getComputedStyle(el).borderRightWidth]")
    assert borders == ["4px", "0px"]
    brand = box(page, ".brand")
    assert brand["x"] < DESKTOP["width"] / 2
