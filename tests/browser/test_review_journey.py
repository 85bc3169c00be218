from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from articles.services import sign_off
from tests.browser.test_editor_journey import CKEDITOR_READY
from tests.conftest import make_article, make_author, make_category

pytestmark = pytest.mark.browser


@pytest.fixture
def live_medical_article(reviewer):
    make_author(name="Dr Ana Ruiz", credentials="MD, neurologist", user=reviewer)
    article = make_article(
        title="Stem cells after stroke",
        category=make_category(name="Neurology", is_medical=True),
        status=Article.Status.IN_REVIEW,
        published_at=timezone.now() - timedelta(days=3),
        body="<h2>Evidence</h2><p>Trials are early.</p>",
    )
    sign_off(article=article, by=reviewer)
    return article


def test_an_editors_change_to_a_medical_article_waits_for_sign_off_then_goes_live(
    live_server, new_page, editor, reviewer, live_medical_article, log_in
):
    article_url = f"{live_server.url}{live_medical_article.get_absolute_url()}"
    reader = new_page()
    reader.goto(article_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Stem cells after stroke")

    editor_page = new_page()
    log_in(editor_page, editor)
    editor_page.goto(f"{live_server.url}/admin/articles/article/{live_medical_article.pk}/change/")
    editor_page.wait_for_function(CKEDITOR_READY)
    body = editor_page.frame_locator("#cke_id_body .cke_wysiwyg_frame").locator("body")
    body.locator("p").click()
    editor_page.keyboard.press("End")
    editor_page.keyboard.type(" A phase 3 trial has now reported.")
    editor_page.get_by_role("button", name="Save changes", exact=True).last.click()
    expect(editor_page.locator(".messagelist .warning")).to_contain_text("back in review and off the site")

    reader.goto(article_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text("We couldn’t find that page")

    reviewer_page = new_page()
    log_in(reviewer_page, reviewer)
    reviewer_page.goto(f"{live_server.url}/admin/articles/article/{live_medical_article.pk}/change/")
    expect(reviewer_page.locator(".field-review_status")).to_contain_text("Changed since the last sign-off")
    reviewer_page.get_by_role("link", name="Review", exact=True).first.click()
    expect(reviewer_page.locator("#body-diff ins")).to_contain_text("A phase 3 trial has now reported.")
    reviewer_page.get_by_role("button", name="Sign off", exact=True).click()
    expect(reviewer_page.locator(".messagelist .success")).to_contain_text("signed off by Dr Ana Ruiz, MD, neurologist")

    reader.goto(article_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Stem cells after stroke")
    expect(reader.locator(".article-body")).to_contain_text("A phase 3 trial has now reported.")
    expect(reader.locator(".reviewed")).to_contain_text("Medically reviewed by Dr Ana Ruiz")
