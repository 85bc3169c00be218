"""
The editorial workflow in Chromium at 1366 px: an editor writes and submits; the reviewer asks for changes on the
review screen; the editor finds the comment on the desk, edits and submits again; the reviewer signs off; the
editor publishes; readers find the article.
"""

import pytest
from playwright.sync_api import expect

from articles.models import Article, AuditEvent
from tests.browser.test_editor_journey import CKEDITOR_READY, pick_author
from tests.conftest import make_author, make_category

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}
SMALL_LAPTOP = {"width": 1024, "height": 768}
HORIZONTAL_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def assert_fits(page, sizes=(DESKTOP, SMALL_LAPTOP)):
    for size in sizes:
        page.set_viewport_size(size)
        assert page.evaluate(HORIZONTAL_OVERFLOW) <= 0, f"{page.url} scrolls sideways at {size['width']} px"
    page.set_viewport_size(DESKTOP)


def staff_page(new_page, log_in, user):
    page = new_page()
    page.set_viewport_size(DESKTOP)
    log_in(page, user)
    return page


def body_editor(page):
    page.wait_for_function(CKEDITOR_READY)
    return page.frame_locator("#cke_id_body .cke_wysiwyg_frame").locator("body")


def test_submit_request_changes_resubmit_sign_off_publish(live_server, new_page, editor, reviewer, log_in):
    make_category(name="Neurology", is_medical=True)
    make_author(name="Sam Writer", credentials="Health journalist")
    make_author(name="Dr Ana Ruiz", credentials="MD, neurologist", user=reviewer)

    # The editor writes a medical article and submits it.
    writer = staff_page(new_page, log_in, editor)
    writer.get_by_role("link", name="Write a new article").click()
    body = body_editor(writer)
    writer.locator("#id_title").press_sequentially("Stem cells after stroke")
    writer.locator("#id_standfirst").fill("What the trials show so far.")
    body.click()
    writer.keyboard.type("Recovery takes six weeks.")
    writer.locator("#id_category").select_option(label="Neurology")
    pick_author(writer, search="Sam", name="Sam Writer")
    writer.get_by_role("button", name="Submit for review", exact=True).last.click()
    expect(writer.locator(".messagelist .success").first).to_contain_text("the medical reviewers have been told")
    article = Article.objects.get()
    assert article.status == Article.Status.IN_REVIEW

    # The reviewer finds it on the desk, opens the review screen and asks for changes.
    checker = staff_page(new_page, log_in, reviewer)
    waiting = checker.locator(".desk-to_review")
    expect(waiting).to_contain_text("Stem cells after stroke")
    assert_fits(checker)
    waiting.get_by_role("link", name="Stem cells after stroke").click()
    expect(checker.get_by_role("heading", name="What changed since the last sign-off")).to_be_visible()
    expect(checker.locator("#body-diff")).to_contain_text("Recovery takes six weeks.")
    assert_fits(checker)
    checker.get_by_role("button", name="Request changes").click()
    expect(checker.locator(".errorlist")).to_contain_text("the author needs your comment")  # nothing was lost
    checker.get_by_label("Comment").fill("Six weeks is too optimistic: cite the 2023 trial.")
    checker.get_by_role("button", name="Request changes").click()
    expect(checker.locator(".messagelist .success")).to_contain_text("back in draft")
    expect(checker.get_by_role("heading", name="Editorial desk")).to_be_visible()

    # The editor sees the comment on the desk, changes the text and submits again.
    writer.goto(f"{live_server.url}/admin/")
    sent_back = writer.locator(".desk-sent_back")
    expect(sent_back).to_contain_text("Six weeks is too optimistic: cite the 2023 trial.")
    assert_fits(writer)
    sent_back.get_by_role("link", name="Stem cells after stroke").click()
    body = body_editor(writer)
    expect(writer.get_by_role("button", name="Publish", exact=True)).to_have_count(0)  # not signed off
    body.locator("p").click()
    writer.keyboard.press("End")
    writer.keyboard.type(" The 2023 trial found three months.")
    writer.get_by_role("button", name="Submit for review", exact=True).last.click()
    expect(writer.locator(".messagelist .success").first).to_contain_text("the medical reviewers have been told")

    # The reviewer signs it off with a comment.
    checker.goto(f"{live_server.url}/admin/")
    checker.locator(".desk-to_review").get_by_role("link", name="Stem cells after stroke").click()
    expect(checker.locator("#body-diff")).to_contain_text("The 2023 trial found three months.")
    checker.get_by_label("Comment").fill("Checked against the 2023 trial.")
    checker.get_by_role("button", name="Sign off", exact=True).click()
    expect(checker.locator(".messagelist .success")).to_contain_text("signed off by Dr Ana Ruiz, MD, neurologist")
    expect(checker.locator(".desk-to_review")).not_to_contain_text("Stem cells after stroke")

    # The editor publishes; readers find it with its reviewer.
    writer.reload()
    body_editor(writer)
    writer.get_by_role("button", name="Publish", exact=True).last.click()
    expect(writer.locator(".messagelist .success").first).to_contain_text("Published.")
    reader = new_page()
    reader.set_viewport_size(DESKTOP)
    reader.goto(f"{live_server.url}/articles/stem-cells-after-stroke/")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Stem cells after stroke")
    expect(reader.locator(".article-body")).to_contain_text("The 2023 trial found three months.")
    expect(reader.locator(".reviewed")).to_contain_text("Medically reviewed by Dr Ana Ruiz")

    assert list(AuditEvent.objects.order_by("pk").values_list("action", "user__username")) == [
        ("submitted", "editor"),
        ("changes_requested", "reviewer"),
        ("submitted", "editor"),
        ("signed_off", "reviewer"),
        ("published", "editor"),
    ]


def test_a_reviewer_is_offered_no_way_to_publish(live_server, new_page, reviewer, log_in):
    category = make_category(name="Travel", is_medical=False)
    article = Article.objects.create(title="Flying after surgery", slug="flying", standfirst="When it is safe.", category=category)
    page = staff_page(new_page, log_in, reviewer)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    body_editor(page)
    expect(page.get_by_role("button", name="Save draft", exact=True).first).to_be_visible()
    expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    page.goto(f"{live_server.url}/admin/articles/article/")
    expect(page.locator("select[name=action]")).to_have_count(0)
