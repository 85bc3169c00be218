"""
The editorial workflow in Chromium at 1366 px, as one journey through the admin, each person in their own browser
and logged in with their authenticator code: an editor writes a medical article with a photo and a reference; the
photo has no alt text, so submitting it is refused with the reason at the top of the form; the editor describes the
photo and submits. A medical reviewer finds it on the desk, reads it on the review screen and asks for changes; the
editor finds the comment on the desk, edits and submits again, and shares a preview link with an outside
specialist; the reviewer signs off; the editor publishes; readers find the article; the preview link stops working
once revoked. The workflow's e-mails go to the right people, and no page breaks its Content Security Policy.
"""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from articles.models import Article, AuditEvent
from editing.models import PreviewLinkUse
from outbox.models import ReviewReminderEmail
from tests.articles.test_uploads import image_bytes
from tests.browser.test_content_security_policy import watch
from tests.browser.test_editor_journey import CKEDITOR_READY, pick_author
from tests.conftest import make_author, make_category, run_queued_tasks

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}
SMALL_LAPTOP = {"width": 1024, "height": 768}
HORIZONTAL_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
TITLE = "Stem cells after stroke"
UPLOADED_IMAGE = re.compile(r"^/media/editor/.+\.jpg$")
EDITING_AREA = "CKEDITOR.instances.id_body.document.$"
IMAGE_SHOWN = f"() => [...{EDITING_AREA}.images].every((image) => image.complete && image.naturalWidth > 0)"
EDITING_AREA_OVERFLOW = f"() => {EDITING_AREA}.documentElement.scrollWidth - {EDITING_AREA}.documentElement.clientWidth"


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


def image_dialog(page):
    return page.get_by_role("dialog", name="Image Properties")


def upload_image(page, path):
    """Insert a photo from the computer with the toolbar's Image button, as an editor does, leaving its alt text empty."""
    page.locator("#cke_id_body").get_by_role("button", name="Image", exact=True).click()
    dialog = image_dialog(page)
    dialog.get_by_role("tab", name="Upload").click()
    dialog.frame_locator("iframe.cke_dialog_ui_input_file").locator("input[type=file]").set_input_files(path)
    dialog.get_by_role("button", name="Send it to the Server").click()
    expect(dialog.get_by_label("URL*")).to_have_value(UPLOADED_IMAGE)  # the photo is on the server
    dialog.get_by_role("button", name="OK").click()


@pytest.fixture
def two_factor(settings, editor, reviewer):
    """The admin as in production: staff log in with their password and their authenticator's code."""
    settings.ADMIN_REQUIRE_2FA = True
    for user in (editor, reviewer):
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_an_article_goes_from_draft_through_medical_review_to_readers(
    live_server, new_page, editor, reviewer, log_in, two_factor, settings, mailoutbox, tmp_path, django_user_model, groups
):
    settings.SITE_URL = live_server.url  # the e-mails' links lead to this server
    second_reviewer = django_user_model.objects.create_user(username="second", email="second@example.org", is_staff=True)
    second_reviewer.groups.add(groups["Medical reviewers"])
    make_category(name="Neurology", is_medical=True)
    make_author(name="Sam Writer", credentials="Health journalist")
    make_author(name="Dr Ana Ruiz", credentials="MD, neurologist", user=reviewer)
    photo = tmp_path / "physiotherapy.jpg"
    photo.write_bytes(image_bytes(width=1600, height=1000))

    # The editor writes a medical article with a photo and a reference, and submits it: refused, the photo has no
    # alt text.
    writer = staff_page(new_page, log_in, editor)
    violations = [watch(writer)]  # of the Content Security Policy, one list for each browser
    writer.get_by_role("link", name="Write a new article").click()
    body = body_editor(writer)
    writer.locator("#id_title").press_sequentially(TITLE)
    writer.locator("#id_standfirst").fill("What the trials show so far.")
    body.click()
    writer.keyboard.type("Recovery takes six weeks.")
    writer.keyboard.press("Enter")
    upload_image(writer, photo)
    expect(body.locator("img")).to_have_count(1)
    writer.wait_for_function(IMAGE_SHOWN)
    assert writer.evaluate(EDITING_AREA_OVERFLOW) <= 0  # the photo fits the editing area, as it will the page
    expect(writer.locator("#content-checks .content-check-blocking")).to_contain_text("have no alt text")
    writer.locator("#id_category").select_option(label="Neurology")
    pick_author(writer, search="Sam", name="Sam Writer")
    references = writer.locator("#references-group")
    references.locator("#id_references-0-citation").fill("Smith J et al. Stem cell therapy after ischaemic stroke. Lancet Neurol. 2023.")
    references.locator("#id_references-0-doi").fill("10.1016/S1474-4422(23)00001-1")
    writer.get_by_role("button", name="Submit for review", exact=True).last.click()
    refusal = writer.locator(".messagelist .error")  # where the page starts, above the form
    expect(refusal).to_contain_text("Not submitted for review: nothing was saved.")
    expect(refusal).to_contain_text("1 image(s) in the body have no alt text")
    assert refusal.bounding_box()["y"] < writer.locator("#article_form").bounding_box()["y"]
    expect(writer.locator(".field-body .errorlist")).to_contain_text("have no alt text")  # and beside the body
    assert not Article.objects.exists() and not ReviewReminderEmail.objects.exists()  # nothing saved, nobody told
    body = body_editor(writer)  # what was typed is all there
    expect(writer.locator("#id_title")).to_have_value(TITLE)
    expect(body.locator("p").first).to_have_text("Recovery takes six weeks.")
    expect(writer.locator("#id_references-0-doi")).to_have_value("10.1016/S1474-4422(23)00001-1")

    # The editor describes the photo in the editor's image dialog and submits again.
    body.locator("img").dblclick()
    image_dialog(writer).get_by_label("Alternative Text").fill("A physiotherapist helps a patient lift her arm")
    image_dialog(writer).get_by_role("button", name="OK").click()
    expect(writer.locator("#content-checks")).to_contain_text("Every image in the body has alt text.")
    writer.get_by_role("button", name="Submit for review", exact=True).first.click()
    expect(writer.locator(".messagelist .success").first).to_contain_text("the medical reviewers have been told")
    article = Article.objects.get()
    assert article.status == Article.Status.IN_REVIEW
    assert 'alt="A physiotherapist helps a patient lift her arm"' in article.body
    # The media library lists the photo where it is used, with the description written in the article.
    writer.goto(f"{live_server.url}{reverse('admin:articles_editorimage_changelist')}")
    [photo_row] = writer.locator("#result_list tbody tr").all()
    expect(photo_row.locator(".library-uses")).to_contain_text(TITLE)
    expect(photo_row.get_by_role("textbox")).to_have_value("A physiotherapist helps a patient lift her arm")

    # Every medical reviewer is told, not the editor who submitted it.
    run_queued_tasks()
    [told] = mailoutbox
    assert (told.subject, sorted(told.to)) == (f"For medical review: {TITLE}", ["reviewer@example.org", "second@example.org"])
    review_url = f"{live_server.url}{reverse('admin:articles_article_review', args=[article.pk])}"
    assert review_url in told.body

    # The reviewer finds it on the desk, reads it on the review screen and asks for changes.
    checker = staff_page(new_page, log_in, reviewer)
    violations.append(watch(checker))
    waiting = checker.locator(".desk-to_review")
    expect(waiting).to_contain_text(TITLE)
    assert_fits(checker)
    waiting.get_by_role("link", name=TITLE).click()
    expect(checker).to_have_url(review_url)
    expect(checker.get_by_role("heading", name="What changed since the last sign-off")).to_be_visible()
    expect(checker.locator("#body-diff")).to_contain_text("Recovery takes six weeks.")
    expect(checker.locator("#body-diff")).to_contain_text("[Image: A physiotherapist helps a patient lift her arm (physiotherapy")
    expect(checker.get_by_role("heading", name="References (1)")).to_be_visible()
    expect(checker.locator(".review-references")).to_contain_text("Lancet Neurol. 2023")
    expect(checker.get_by_role("link", name="DOI 10.1016/S1474-4422(23)00001-1")).to_be_visible()
    assert_fits(checker)
    checker.get_by_role("button", name="Request changes").click()
    expect(checker.locator(".errorlist")).to_contain_text("the author needs your comment")  # nothing was recorded
    assert Article.objects.get().status == Article.Status.IN_REVIEW
    checker.get_by_label("Comment").fill("Six weeks is too optimistic: cite the 2023 trial.")
    checker.get_by_role("button", name="Request changes").click()
    expect(checker.locator(".messagelist .success")).to_contain_text("back in draft")
    expect(checker.get_by_role("heading", name="Editorial desk")).to_be_visible()

    # The editor alone is told, with the comment.
    run_queued_tasks()
    [sent_back_email] = mailoutbox[1:]
    assert (sent_back_email.subject, sent_back_email.to) == (f"Changes requested: {TITLE}", ["editor@example.org"])
    assert "Six weeks is too optimistic: cite the 2023 trial." in sent_back_email.body

    # The editor sees the comment on the desk, changes the text and submits again.
    writer.goto(f"{live_server.url}/admin/")
    sent_back = writer.locator(".desk-sent_back")
    expect(sent_back).to_contain_text("Six weeks is too optimistic: cite the 2023 trial.")
    assert_fits(writer)
    sent_back.get_by_role("link", name=TITLE).click()
    body = body_editor(writer)
    expect(writer.get_by_role("button", name="Publish", exact=True)).to_have_count(0)  # not signed off
    body.locator("p").first.click()
    writer.keyboard.press("End")
    writer.keyboard.type(" The 2023 trial found three months.")
    writer.get_by_role("button", name="Submit for review", exact=True).first.click()
    expect(writer.locator(".messagelist .success").first).to_contain_text("the medical reviewers have been told")
    run_queued_tasks()
    assert [(message.subject, sorted(message.to)) for message in mailoutbox[2:]] == [
        (f"For medical review: {TITLE}", ["reviewer@example.org", "second@example.org"])
    ]

    # The editor makes a preview link for the neurologist interviewed, who has no account.
    writer.get_by_role("link", name="Make a preview link").click()
    writer.get_by_label("Shared with").fill("Dr Okafor")
    writer.get_by_role("button", name="Make the link").click()
    preview_url = writer.locator("#preview-url").input_value()
    assert preview_url.startswith(f"{live_server.url}/preview/")
    outsider = new_page()
    outsider.set_viewport_size(DESKTOP)
    violations.append(watch(outsider))
    response = outsider.goto(preview_url)
    assert response.status == 200 and response.headers["x-robots-tag"] == "noindex, nofollow"
    expect(outsider.locator(".preview-banner")).to_contain_text("Preview shared by the editors: this article is not published yet")
    expect(outsider.locator('meta[name="robots"]')).to_have_attribute("content", "noindex, nofollow")
    expect(outsider.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(outsider.locator(".article-body")).to_contain_text("The 2023 trial found three months.")
    assert outsider.evaluate(HORIZONTAL_OVERFLOW) <= 0
    reader = new_page()
    reader.set_viewport_size(DESKTOP)
    violations.append(watch(reader))
    assert reader.goto(f"{live_server.url}/articles/stem-cells-after-stroke/").status == 404  # not for readers yet

    # The reviewer sees what changed and signs it off.
    checker.goto(f"{live_server.url}/admin/")
    checker.locator(".desk-to_review").get_by_role("link", name=TITLE).click()
    expect(checker.locator("#body-diff")).to_contain_text("The 2023 trial found three months.")
    checker.get_by_label("Comment").fill("Checked against the 2023 trial.")
    checker.get_by_role("button", name="Sign off", exact=True).click()
    expect(checker.locator(".messagelist .success")).to_contain_text("signed off by Dr Ana Ruiz, MD, neurologist")
    expect(checker.locator(".desk-to_review")).not_to_contain_text(TITLE)

    # The editor finds it ready on the desk and publishes it; readers find it on the home page with its reviewer.
    writer.goto(f"{live_server.url}/admin/")
    ready = writer.locator(".desk-signed_off")
    expect(ready).to_contain_text(TITLE)
    ready.get_by_role("link", name=TITLE).click()
    body_editor(writer)
    writer.get_by_role("button", name="Publish", exact=True).first.click()
    expect(writer.locator(".messagelist .success").first).to_contain_text("Published.")
    reader.goto(f"{live_server.url}/")
    reader.get_by_role("link", name=TITLE).first.click()
    expect(reader).to_have_url(f"{live_server.url}/articles/stem-cells-after-stroke/")
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(reader.locator(".article-body")).to_contain_text("The 2023 trial found three months.")
    expect(reader.locator(".article-body img")).to_have_attribute("alt", "A physiotherapist helps a patient lift her arm")
    expect(reader.locator(".reviewed")).to_contain_text("Medically reviewed by Dr Ana Ruiz")

    # Once the editor revokes it, the preview link no longer opens the article.
    expect(writer.locator(".preview-links")).to_contain_text("Dr Okafor")
    writer.locator(".preview-links").get_by_role("link", name="revoke").click()
    writer.get_by_role("button", name="Revoke the link").click()
    expect(writer.locator(".messagelist .success")).to_contain_text("revoked")
    gone = outsider.goto(preview_url)
    assert gone.status == 410
    expect(outsider.get_by_role("heading", level=1)).to_have_text("This preview link no longer works")
    assert [use.outcome for use in PreviewLinkUse.objects.order_by("at")] == ["shown", "revoked"]
    reader.reload()
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)

    assert list(AuditEvent.objects.order_by("pk").values_list("action", "user__username")) == [
        ("submitted", "editor"),
        ("changes_requested", "reviewer"),
        ("submitted", "editor"),
        ("signed_off", "reviewer"),
        ("published", "editor"),
    ]
    assert len(mailoutbox) == 3  # signing off and publishing e-mail nobody
    assert violations == [[], [], [], []]


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
