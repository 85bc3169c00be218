"""
The editor tools in Chromium: an editor's unsaved work comes back after the tab was closed, and the preview and the
form with its tools fit the screen. No page reports a Content Security Policy violation. The content checks that
block an image without alt text, and a preview link opened by someone without an account until it is revoked, are
steps of the editorial journey (test_workflow_journey.py).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from editing.models import ArticleAutosave
from tests.browser.test_content_security_policy import watch
from tests.browser.test_editor_journey import CKEDITOR_READY, open_add_article
from tests.conftest import make_article

pytestmark = pytest.mark.browser

AUTOSAVED = re.compile(r"/admin/articles/article/editor-tools/autosave/$")


# The article form's save button: "Save draft", or "Save changes" for a published article (the workflow's buttons).
SAVE_BUTTON = re.compile(r"^Save( draft| changes)?$")


def editor_body(page):
    return page.frame_locator("#cke_id_body .cke_wysiwyg_frame").locator("body")


def open_article(page, live_server, article):
    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}")
    page.wait_for_function(CKEDITOR_READY)


def kept_after(page, action):
    """Do ``action`` and wait until the form's autosave has answered."""
    with page.expect_response(lambda r: AUTOSAVED.search(r.url) and r.request.method == "POST" and r.ok, timeout=20_000):
        action()


def test_an_editor_gets_back_the_text_of_a_tab_closed_mid_edit(live_server, new_page, editor, log_in):
    article = make_article(title="Dental implants in Budapest", status=Article.Status.DRAFT, body="<p>Saved paragraph.</p>")
    page = new_page()
    violations = watch(page)
    log_in(page, editor)
    open_article(page, live_server, article)
    body = editor_body(page)
    body.click()
    page.keyboard.press("Control+End")

    def type_text():
        page.keyboard.press("Enter")
        page.keyboard.type("Typed before the tab closed.")

    kept_after(page, type_text)
    expect(page.locator(".autosave-status")).to_contain_text("Your unsaved changes were kept")
    context = page.context
    page.close()  # the tab closes: nothing was saved

    article.refresh_from_db()
    assert "Typed before the tab closed." not in article.body
    again = context.new_page()
    open_article(again, live_server, article)
    offer = again.locator(".autosave-offer")
    expect(offer).to_contain_text("Unsaved changes you made to this article were kept")
    offer.get_by_role("button", name="Restore my unsaved changes").click()
    expect(editor_body(again)).to_contain_text("Typed before the tab closed.")
    expect(offer).to_have_count(0)

    again.get_by_role("button", name=SAVE_BUTTON).last.click()
    expect(again.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert "Typed before the tab closed." in article.body
    assert not ArticleAutosave.objects.exists()  # saved: nothing more to offer
    again.reload()
    again.wait_for_function(CKEDITOR_READY)
    again.wait_for_timeout(1000)
    expect(again.locator(".autosave-offer")).to_have_count(0)
    assert violations == []


def test_the_work_in_a_new_article_comes_back_and_can_be_discarded(live_server, new_page, editor, log_in):
    page = new_page()
    log_in(page, editor)
    open_add_article(page)
    kept_after(page, lambda: page.locator("#id_title").press_sequentially("Cataract surgery abroad"))
    context = page.context
    page.close()

    again = context.new_page()
    again.goto(f"{live_server.url}{reverse('admin:articles_article_add')}")
    again.wait_for_function(CKEDITOR_READY)
    offer = again.locator(".autosave-offer")
    expect(offer).to_contain_text("new article")
    offer.get_by_role("button", name="Discard them").click()
    expect(offer).to_have_count(0)
    expect(again.locator("#id_title")).to_have_value("")
    expect(again.locator(".autosave-status")).to_contain_text("discarded")
    assert not ArticleAutosave.objects.exists()


@pytest.mark.parametrize("width", [390, 1366])
def test_the_preview_fits_the_screen(live_server, new_page, editor, width):
    from editing.services import create_preview_link

    article = make_article(title="A long title " * 5, status=Article.Status.DRAFT)
    _, token = create_preview_link(article=article, by=editor, days=1)
    page = new_page()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}{reverse('editing:shared-preview', args=[token])}")
    expect(page.locator(".preview-banner")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1024, 1366])
def test_the_article_form_with_its_tools_fits_the_screen(live_server, new_page, editor, log_in, width):
    article = make_article(
        status=Article.Status.DRAFT,
        body='<h3>Early</h3><p><a href="https://example.org/a/very/long/address/that/goes/on/and/on/and/on/for/ever/and/ever">x</a></p>',
    )
    page = new_page()
    page.set_viewport_size({"width": width, "height": 768})
    log_in(page, editor)
    open_article(page, live_server, article)
    panel = page.locator("#content-checks")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box["x"] + box["width"] <= width


def test_text_kept_on_an_older_version_is_not_saved_over_a_newer_one(live_server, new_page, editor, superuser, log_in):
    from datetime import timedelta

    from django.utils import timezone

    article = make_article(title="Eye surgery in Istanbul", status=Article.Status.DRAFT, body="<p>First words.</p>")
    typed_on = article.version
    article.body = "<p>Someone else's newer words.</p>"
    article.save()  # another editor's save
    ArticleAutosave.objects.create(
        user=editor, article=article, base_version=typed_on, saved_at=timezone.now() + timedelta(seconds=1),
        data={"title": article.title, "body": "<p>My kept words.</p>"},
    )  # fmt: skip
    page = new_page()
    log_in(page, editor)
    open_article(page, live_server, article)
    offer = page.locator(".autosave-offer")
    expect(offer).to_contain_text("The article has been saved since you typed them")
    offer.get_by_role("button", name="Restore my unsaved changes").click()
    expect(editor_body(page)).to_contain_text("My kept words.")
    page.get_by_role("button", name=SAVE_BUTTON).last.click()
    expect(page.locator("#container")).to_contain_text("Someone else saved this article")
    article.refresh_from_db()
    assert "Someone else's newer words." in article.body
