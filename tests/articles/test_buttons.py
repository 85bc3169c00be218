"""The article form's buttons (Save draft, Submit for review, Publish / Schedule, Unpublish) and who gets which."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, AuditEvent
from articles.services import sign_off
from outbox.models import ReviewReminderEmail
from tests.articles.test_admin import ADD, article_form
from tests.articles.test_workflow import change_url, edit_form
from tests.conftest import make_article, make_author, make_category

pytestmark = pytest.mark.django_db

BUTTON_RE = re.compile(r'<button type="submit" name="_action" value="(\w+)"[^>]*>([^<]*)</button>')


def buttons(html):
    """The form's workflow buttons, once (they are shown above and below the form), as {action: label}."""
    return dict(BUTTON_RE.findall(html))


@pytest.fixture
def medical():
    return make_category(name="Neurology", is_medical=True)


@pytest.fixture
def reviewer_profile(reviewer):
    return make_author(name="Dr Ana Ruiz", credentials="MD, neurologist", user=reviewer)


def test_the_status_is_no_dropdown_any_more(client, editor):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    html = client.get(change_url(article)).content.decode()
    assert '<select name="status"' not in html and "Draft" in html


def test_an_editor_gets_save_draft_submit_and_publish_on_a_medical_draft(client, editor, medical):
    article = make_article(category=medical, status=Article.Status.DRAFT)
    client.force_login(editor)
    html = client.get(change_url(article)).content.decode()
    assert buttons(html) == {"save": "Save draft", "submit": "Submit for review"}  # not signed off: no Publish
    assert html.count('name="_action" value="submit"') == 2  # above and below the form


def test_an_editor_gets_publish_on_a_non_medical_draft_and_schedule_for_a_future_time(client, editor):
    draft = make_article(status=Article.Status.DRAFT)
    later = make_article(status=Article.Status.DRAFT, published_at=timezone.now() + timedelta(days=3))
    client.force_login(editor)
    assert buttons(client.get(change_url(draft)).content.decode()) == {"save": "Save draft", "publish": "Publish"}
    assert buttons(client.get(change_url(later)).content.decode())["publish"] == "Schedule"


def test_a_live_article_offers_save_and_unpublish_to_editors_only(client, editor, reviewer):
    article = make_article()
    client.force_login(editor)
    assert buttons(client.get(change_url(article)).content.decode()) == {"save": "Save changes", "unpublish": "Unpublish"}
    client.force_login(reviewer)
    assert buttons(client.get(change_url(article)).content.decode()) == {"save": "Save changes"}


def test_a_reviewer_gets_no_publish_button_even_on_signed_off_content(client, reviewer, reviewer_profile, medical):
    article = make_article(category=medical, status=Article.Status.IN_REVIEW)
    sign_off(article=article, by=reviewer)
    client.force_login(reviewer)
    html = client.get(change_url(article)).content.decode()
    assert "publish" not in buttons(html)
    assert f"/admin/articles/article/{article.pk}/review/" in html  # still in review: the screen is a link away


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_a_reviewer_who_sends_publish_or_unpublish_anyway_is_refused_with_the_reason_at_the_top(
    client, reviewer, reviewer_profile, medical, action
):
    article = make_article(category=medical, status=Article.Status.IN_REVIEW)
    sign_off(article=article, by=reviewer)
    if action == "unpublish":
        article.status = Article.Status.PUBLISHED
        article.save()
    article.refresh_from_db()
    client.force_login(reviewer)
    response = client.post(change_url(article), edit_form(article, _action=action, title="Changed by the reviewer"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Only editors may publish, schedule or unpublish articles" in html
    assert html.index("Only editors may publish") < html.index('name="title"')
    assert "Please correct the error" not in html
    before = article.status
    article.refresh_from_db()
    assert article.status == before and article.title != "Changed by the reviewer"


def test_publishing_unsigned_medical_content_is_refused_at_the_top_and_keeps_what_was_typed(client, editor, medical):
    article = make_article(category=medical, status=Article.Status.DRAFT)
    client.force_login(editor)
    response = client.post(change_url(article), edit_form(article, _action="publish", standfirst="Typed, not lost."))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<ul class="messagelist">' in html and "cannot be published until a medical reviewer signs off" in html
    assert html.index("cannot be published until") < html.index('name="title"')
    assert "Please correct the error" not in html
    assert "Typed, not lost." in html
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.standfirst != "Typed, not lost."


def test_a_field_error_still_says_where_it_is(client, editor):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    response = client.post(change_url(article), edit_form(article, title=""))
    assert response.status_code == 200 and "Please correct the error below." in response.content.decode()


def test_submit_for_review_puts_the_article_in_review_tells_the_reviewers_and_stays_on_the_form(
    client, editor, reviewer, medical, deliver_emails, django_user_model, groups
):
    second = django_user_model.objects.create_user(username="second", email="second@example.org", is_staff=True)
    second.groups.add(groups["Medical reviewers"])
    gone = django_user_model.objects.create_user(username="gone", email="gone@example.org", is_staff=True, is_active=False)
    gone.groups.add(groups["Medical reviewers"])
    article = make_article(category=medical, status=Article.Status.DRAFT, title="Stem cells after stroke")
    client.force_login(editor)
    response = client.post(change_url(article), edit_form(article, _action="submit"), follow=True)
    assert response.redirect_chain[-1][0] == change_url(article)
    assert "Submitted for medical review: the medical reviewers have been told." in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW and not article.is_published()
    assert (article.submitted_by, article.changes_requested_at) == (editor, None)
    assert AuditEvent.objects.filter(article=article, action=AuditEvent.Action.SUBMITTED, user=editor).exists()
    (email,) = ReviewReminderEmail.objects.all()
    assert sorted(email.recipients) == ["reviewer@example.org", "second@example.org"]
    sent = deliver_emails()
    assert len(sent) == 1 and sent[0].subject == "For medical review: Stem cells after stroke"
    assert f"/admin/articles/article/{article.pk}/review/" in sent[0].body


def test_a_new_article_can_be_submitted_at_once(client, editor, reviewer, medical):
    client.force_login(editor)
    assert client.post(ADD, article_form(category=medical.pk, _action="submit")).status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.IN_REVIEW and article.created_by == editor
    assert ReviewReminderEmail.objects.get().recipients == ["reviewer@example.org"]


def test_the_submission_and_its_email_are_one_transaction(client, editor, reviewer, medical, monkeypatch):
    from django.db import DatabaseError

    article = make_article(category=medical, status=Article.Status.DRAFT)
    monkeypatch.setattr("outbox.services.Email.save", lambda *args, **kwargs: (_ for _ in ()).throw(DatabaseError("disk full")))
    client.force_login(editor)
    client.raise_request_exception = False
    assert client.post(change_url(article), edit_form(article, _action="submit")).status_code == 500
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SUBMITTED).exists()


def test_a_published_article_cannot_be_submitted(client, editor):
    article = make_article()
    client.force_login(editor)
    response = client.post(change_url(article), edit_form(article, _action="submit"))
    assert response.status_code == 200 and "unpublish it before submitting it for review" in response.content.decode()
    article.refresh_from_db()
    assert article.is_published()


def test_publish_and_unpublish_buttons_record_who_and_why_in_the_history(client, editor):
    from reversion.models import Version

    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    response = client.post(change_url(article), edit_form(article, _action="publish"), follow=True)
    assert "Published." in response.content.decode()
    article.refresh_from_db()
    assert article.is_published()
    assert Version.objects.get_for_object(article).first().revision.comment.startswith("Published.")
    response = client.post(change_url(article), edit_form(article, _action="unpublish"), follow=True)
    assert "Unpublished: the article is a draft again" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert Version.objects.get_for_object(article).first().revision.comment.startswith("Unpublished")
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == ["published", "unpublished"]


def test_scheduling_says_when_it_goes_live(client, editor):
    article = make_article(status=Article.Status.DRAFT)
    later = timezone.localtime(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    client.force_login(editor)
    form = edit_form(article, _action="publish", published_at_0=later.strftime("%Y-%m-%d"), published_at_1=later.strftime("%H:%M:%S"))
    response = client.post(change_url(article), form, follow=True)
    assert f"Scheduled to go live at {later:%d %b %Y %H:%M}." in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and not article.is_published()


def test_an_unknown_action_is_a_plain_save(client, editor):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    client.post(change_url(article), edit_form(article, _action="delete_everything", title="Still a draft"))
    article.refresh_from_db()
    assert article.title == "Still a draft" and article.status == Article.Status.DRAFT


def test_triage_staff_and_anonymous_visitors_get_no_article_form(client, triage):
    article = make_article(status=Article.Status.DRAFT)
    assert client.post(change_url(article), edit_form(article, _action="publish")).status_code == 302  # to the login
    client.force_login(triage)
    assert client.post(change_url(article), edit_form(article, _action="publish")).status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_a_superuser_may_publish(client, superuser):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(superuser)
    assert client.post(change_url(article), edit_form(article, _action="publish")).status_code == 302
    article.refresh_from_db()
    assert article.is_published()


def test_a_live_medical_article_sent_back_by_an_edit_tells_the_reviewers(client, editor, reviewer, reviewer_profile, medical):
    article = make_article(category=medical, status=Article.Status.IN_REVIEW, published_at=timezone.now() - timedelta(days=1))
    sign_off(article=article, by=reviewer)
    article.refresh_from_db()
    assert article.is_published()
    client.force_login(editor)
    client.post(change_url(article), edit_form(article, body="<p>A new claim.</p>"))
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW and article.awaiting_review and article.submitted_by == editor
    (email,) = ReviewReminderEmail.objects.all()
    assert email.recipients == ["reviewer@example.org"] and email.subject.startswith("For medical review:")


def test_the_publishing_services_refuse_a_reviewer_whatever_calls_them(reviewer):
    from django.core.exceptions import PermissionDenied

    from articles.services import publish, unpublish

    draft, live = make_article(status=Article.Status.DRAFT), make_article()
    with pytest.raises(PermissionDenied):
        publish(article=draft, by=reviewer)
    with pytest.raises(PermissionDenied):
        unpublish(article=live, by=reviewer)
    draft.refresh_from_db()
    live.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and live.is_published()
