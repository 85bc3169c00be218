import pytest
from playwright.sync_api import expect

from tests.conftest import make_article

pytestmark = pytest.mark.browser


@pytest.fixture
def stem_cell_article(db):
    make_article(title="Knee replacement abroad", body="<h2>Costs</h2><p>Prices of knee surgery.</p>")
    return make_article(
        title="Stem cell therapy after stroke",
        standfirst="What trials show, and how to judge a clinic.",
        body=(
            "<h2>What the trials show</h2>" + "<p>Early trials of stem cell infusions after a stroke.</p>" * 30
            + "<h2>Questions to ask a clinic</h2><p>Ask for the protocol and the ethics approval.</p>"
        ),
    )


def test_reader_searches_opens_the_result_and_follows_the_table_of_contents(live_server, new_page, stem_cell_article):
    page = new_page()
    page.goto(live_server.url)
    search = page.get_by_role("search").first
    search.get_by_label("Search articles").fill("stem cell")
    search.get_by_role("button", name="Search").click()

    expect(page.get_by_role("status")).to_have_text("1 result for “stem cell”")
    expect(page.locator(".snippet mark").first).to_have_text("stem")
    page.get_by_role("link", name="Stem cell therapy after stroke").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Stem cell therapy after stroke")
    toc = page.get_by_role("navigation", name="In this article")
    toc.get_by_role("link", name="Questions to ask a clinic").click()
    expect(page).to_have_url(f"{live_server.url}{stem_cell_article.get_absolute_url()}#questions-to-ask-a-clinic")
    expect(page.locator("#questions-to-ask-a-clinic")).to_be_in_viewport()
