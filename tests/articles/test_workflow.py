import io
from datetime import date, timedelta

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from reversion.models import Version

from articles.models import Article, AuditEvent, ReviewReminder
from articles.services import sign_off
from outbox.models import ReviewReminderEmail
from tests.articles.test_admin import ADD, CHANGELIST, article_form
from tests.conftest import make_article, make_author, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def medical():
    return make_category(name="Neurology", is_medical=True)


@pytest.fixture
def reviewer_profile(reviewer):
    return make_author(name="Dr Ana Ruiz", credentials="MD, neurologist", user=reviewer)


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def review_url(article):
    return reverse("admin:articles_article_review", args=[article.pk])


def edit_form(article, **overrides):
    """The change form as the admin shows it for ``article``, with ``overrides`` typed in."""
    data = article_form(
        title=article.title,
        slug=article.slug,
        standfirst=article.standfirst,
        body=article.body,
        category=article.category_id,
        authors=[author.pk for author in article.authors.all()],
        status=article.status,
        language=article.language,
        published_at_0=article.published_at.strftime("%Y-%m-%d") if article.published_at else "",
        published_at_1=article.published_at.strftime("%H:%M:%S") if article.published_at else "",
        edit_version=article.version,
        **{"references-TOTAL_FORMS": "0"},
    )
    data.pop("published_at", None)
    data.update(overrides)
    return data


def signed_off_live_article(medical, by):
    article = make_article(category=medical, status=Article.Status.IN_REVIEW, published_at=timezone.now() - timedelta(days=1))
    sign_off(article=article, by=by)
    article.refresh_from_db()
    assert article.is_published()
    return article


# The medical review gate


def test_an_editor_cannot_publish_medical_content_nobody_signed_off(client, editor, medical):
    client.force_login(editor)
    response = client.post(ADD, article_form(category=medical.pk, _action="publish"))
    assert response.status_code == 200
    assert "cannot be published until a medical reviewer signs off its current version" in response.content.decode()
    assert not Article.objects.exists()
    assert client.post(ADD, article_form(category=medical.pk, _action="submit")).status_code == 302
    assert Article.objects.get().status == Article.Status.IN_REVIEW


def test_non_medical_content_needs_no_sign_off(client, editor):
    client.force_login(editor)
    assert client.post(ADD, article_form(_action="publish")).status_code == 302
    assert Article.objects.get().is_published()


def test_a_reviewer_signs_off_and_the_editor_then_publishes(client, editor, reviewer, reviewer_profile, medical):
    article = make_article(category=medical, status=Article.Status.IN_REVIEW)
    client.force_login(reviewer)
    client.post(review_url(article), {"outcome": "sign_off", "comment": "Sources checked.", "version": article.version})
    article.refresh_from_db()
    assert article.is_signed_off() and article.signed_off_by == reviewer
    assert (article.medical_reviewer, article.last_reviewed) == (reviewer_profile, timezone.localdate())
    assert article.status == Article.Status.IN_REVIEW  # a first draft waits for its editor
    client.force_login(editor)
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.is_published()
    assert list(AuditEvent.objects.order_by("pk").values_list("action", "user__username")) == [
        ("signed_off", "reviewer"),
        ("published", "editor"),
    ]


def test_bulk_publish_refuses_unsigned_medical_articles_and_says_why(client, editor, medical):
    article = make_article(category=medical, status=Article.Status.DRAFT, title="Unchecked claims")
    client.force_login(editor)
    response = client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [article.pk]}, follow=True)
    assert "a medical reviewer must sign off their current version first: Unchecked claims" in response.content.decode()
    article.refresh_from_db()
    assert not article.is_published()


def test_changing_a_live_medical_article_sends_it_back_to_review(client, editor, reviewer, reviewer_profile, medical):
    article = signed_off_live_article(medical, reviewer)
    client.force_login(editor)
    response = client.post(change_url(article), edit_form(article, body="<p>A new claim.</p>"), follow=True)
    assert "back in review and off the site" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW and not article.is_published()
    assert client.get(article.get_absolute_url()).status_code == 200  # staff preview
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert AuditEvent.objects.filter(action="sent_back", user=editor).exists()

    sign_off(article=article, by=reviewer)
    article.refresh_from_db()
    assert article.is_published()  # it had been published: the sign-off puts it back
    assert client.get(article.get_absolute_url()).status_code == 200


def test_an_edit_outside_title_and_body_keeps_a_medical_article_live(client, editor, reviewer, reviewer_profile, medical):
    article = signed_off_live_article(medical, reviewer)
    client.force_login(editor)
    assert client.post(change_url(article), edit_form(article, featured="on")).status_code == 302
    article.refresh_from_db()
    assert article.featured and article.is_published()


def test_the_change_form_tells_why_publishing_is_blocked(client, editor, medical):
    article = make_article(category=medical, status=Article.Status.IN_REVIEW)
    client.force_login(editor)
    assert "Waiting for a medical reviewer to sign off this version." in client.get(change_url(article)).content.decode()


def test_reviewer_without_profile_cannot_sign_off(client, reviewer, medical):
    article = make_article(category=medical, status=Article.Status.IN_REVIEW)
    client.force_login(reviewer)
    response = client.post(review_url(article), {"outcome": "sign_off", "comment": "", "version": article.version})
    assert response.status_code == 200 and "not linked to an author profile" in response.content.decode()
    article.refresh_from_db()
    assert not article.is_signed_off()


# Safe concurrent editing


def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_what_was_typed(client, editor, superuser):
    article = make_article(title="Original", body="<p>Original text.</p>")
    first, second = edit_form(article, title="First editor's title"), edit_form(article, body="<p>Second editor's words.</p>")
    client.force_login(superuser)
    assert client.post(change_url(article), first).status_code == 302
    client.force_login(editor)
    response = client.post(change_url(article), second)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this article while you were editing it" in html
    assert reverse("admin:articles_article_history", args=[article.pk]) in html
    assert "Second editor&#x27;s words." in html or "Second editor's words." in html
    article.refresh_from_db()
    assert article.title == "First editor's title" and article.body == "<p>Original text.</p>"


def test_every_save_raises_the_version(client, editor):
    article = make_article()
    version = article.version
    client.force_login(editor)
    client.post(change_url(article), edit_form(article, title="Again"))
    article.refresh_from_db()
    assert article.version == version + 1


# Revisions


def test_every_admin_save_keeps_a_revision_with_who_and_when(client, editor):
    client.force_login(editor)
    client.post(ADD, article_form(title="First version"))
    article = Article.objects.get()
    client.post(change_url(article), edit_form(article, title="Second version"))
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2
    assert {version.revision.user for version in versions} == {editor}
    history = client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "Second version" in history or versions.count() == 2


def test_two_revisions_are_compared_with_a_readable_diff(client, editor):
    client.force_login(editor)
    client.post(ADD, article_form(body="<p>Recovery takes six weeks.</p>"))
    article = Article.objects.get()
    client.post(change_url(article), edit_form(article, body="<p>Recovery takes eight weeks.</p>"))
    newer, older = Version.objects.get_for_object(article)[:2]
    response = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"version_id1": older.pk, "version_id2": newer.pk}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "six" in html and "eight" in html and ("<del>" in html or "<ins>" in html)


def test_restoring_an_old_revision_makes_a_new_draft_without_rewriting_history(client, editor):
    client.force_login(editor)
    client.post(ADD, article_form(title="Careful title", _action="publish"))
    article = Article.objects.get()
    client.post(change_url(article), edit_form(article, title="Sensational title"))
    oldest = Version.objects.get_for_object(article).last()
    article.refresh_from_db()
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])
    shown = client.get(revision_url).context["adminform"].form
    assert shown["title"].value() == "Careful title"
    form = edit_form(article, title="Careful title", edit_version=shown["edit_version"].value())
    response = client.post(revision_url, form)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Careful title" and article.status == Article.Status.DRAFT
    assert Version.objects.get_for_object(article).count() == 3
    assert AuditEvent.objects.filter(action="restored", user=editor).exists()


# Review cadence


def test_the_due_date_follows_the_category_interval(medical):
    article = make_article(category=medical, status=Article.Status.IN_REVIEW, medical_reviewer=make_author(), last_reviewed=date(2025, 1, 31))
    assert article.review_due == date(2026, 1, 31)
    medical.review_interval_months = 1
    medical.save()
    article.refresh_from_db()
    assert article.review_due == date(2025, 2, 28)


def test_the_review_report_lists_due_and_overdue_articles_oldest_first(client, editor, medical):
    reviewer = make_author(name="Dr Due")
    today = timezone.localdate()
    overdue = make_article(title="Overdue", category=medical, status=Article.Status.IN_REVIEW, medical_reviewer=reviewer, last_reviewed=today - timedelta(days=400))
    due_soon = make_article(title="Due soon", category=medical, status=Article.Status.IN_REVIEW, medical_reviewer=reviewer, last_reviewed=today - timedelta(days=350))
    make_article(title="Fresh", category=medical, status=Article.Status.IN_REVIEW, medical_reviewer=reviewer, last_reviewed=today)
    client.force_login(editor)
    response = client.get(reverse("admin:articles_reviewduearticle_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [overdue, due_soon]
    assert "Dr Due" in response.content.decode()


def test_the_review_report_is_not_for_triage_staff(client, triage):
    client.force_login(triage)
    assert client.get(reverse("admin:articles_reviewduearticle_changelist")).status_code == 403


def test_daily_reminders_go_to_each_reviewer_once_a_day(reviewer, medical, deliver_emails):
    reviewer.email = "ana@example.org"
    reviewer.save()
    profile = make_author(name="Dr Ana Ruiz", user=reviewer)
    no_account = make_author(name="Dr Nobody")
    today = timezone.localdate()
    make_article(title="Stroke piece", category=medical, status=Article.Status.IN_REVIEW, medical_reviewer=profile, last_reviewed=today - timedelta(days=370))
    make_article(title="Orphan piece", category=medical, status=Article.Status.IN_REVIEW, medical_reviewer=no_account, last_reviewed=today - timedelta(days=370))
    out, err = io.StringIO(), io.StringIO()
    call_command("send_review_reminders", stdout=out, stderr=err)
    assert "Queued 1 reminder(s) for the mail worker; skipped 1." in out.getvalue()
    (message,) = deliver_emails()
    assert message.to == ["ana@example.org"] and "Stroke piece" in message.body and "(overdue)" in message.body
    assert "Orphan piece" not in message.body and "Dr Nobody has 1 article(s) due" in err.getvalue()
    call_command("send_review_reminders", stdout=io.StringIO(), stderr=io.StringIO())
    assert len(deliver_emails()) == 1 and ReviewReminder.objects.count() == 1
    assert ReviewReminderEmail.objects.get().about == f"Dr Ana Ruiz, {today}"


def test_a_reminder_is_queued_with_its_day_or_not_at_all(reviewer, medical, monkeypatch):
    reviewer.email = "ana@example.org"
    reviewer.save()
    profile = make_author(name="Dr Ana Ruiz", user=reviewer)
    make_article(category=medical, status=Article.Status.IN_REVIEW, medical_reviewer=profile, last_reviewed=timezone.localdate() - timedelta(days=370))
    monkeypatch.setattr("outbox.services.Email.save", mock.Mock(side_effect=DatabaseError("disk full")))
    with pytest.raises(DatabaseError):
        call_command("send_review_reminders", stdout=io.StringIO(), stderr=io.StringIO())
    # Tomorrow's run, or another today, reminds the reviewer: today's reminder was not recorded without its e-mail.
    assert not ReviewReminder.objects.exists() and not DBTaskResult.objects.exists()


# Audit


def test_the_audit_page_lists_who_did_what_and_cannot_be_edited(client, editor, reviewer, reviewer_profile, medical):
    article = make_article(category=medical, status=Article.Status.IN_REVIEW, title="Audited piece")
    sign_off(article=article, by=reviewer)
    client.force_login(editor)
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [article.pk]})
    client.post(CHANGELIST, {"action": "unpublish_selected", "_selected_action": [article.pk]})
    response = client.get(reverse("admin:articles_auditevent_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Audited piece") >= 3
    for action in ("Signed off the medical review", "Published", "Unpublished"):
        assert action in html
    event = AuditEvent.objects.first()
    assert client.post(reverse("admin:articles_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403


def test_no_code_can_store_changed_medical_content_as_published(reviewer, reviewer_profile, medical):
    """The review gate holds outside the admin too: a shell or command that edits a live medical article without
    going through articles.services is refused, and the article stays as its reviewer signed it off."""
    from django.core.exceptions import ValidationError

    article = signed_off_live_article(medical, reviewer)
    article.body = "<p>An unchecked claim.</p>"
    with pytest.raises(ValidationError, match="signed off"):
        article.save()
    article.refresh_from_db()
    assert "An unchecked claim" not in article.body and article.is_published()
