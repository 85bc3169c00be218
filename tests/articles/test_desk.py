"""The desk (the admin's index page) for each role, each of its lists a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import dashboard
from articles.models import Article
from articles.services import request_changes, sign_off, submit_for_review
from tests.quotes.test_admin import make_request
from tests.conftest import make_article, make_author, make_category

pytestmark = pytest.mark.django_db

DESK = reverse("admin:index")


@pytest.fixture
def medical():
    return make_category(name="Neurology", is_medical=True)


def articles_of_every_kind(*, editor, reviewer, medical, n):
    """``n`` articles of each list of the desk."""
    make_author(name=f"Dr Reviewer {n}", user=reviewer) if not hasattr(reviewer, "author") else None
    for i in range(n):
        draft = make_article(title=f"My draft {n}-{i}", status=Article.Status.DRAFT, created_by=editor)
        waiting = make_article(title=f"Waiting {n}-{i}", category=medical, status=Article.Status.DRAFT, created_by=editor)
        submit_for_review(article=waiting, by=editor)
        back = make_article(title=f"Sent back {n}-{i}", category=medical, status=Article.Status.DRAFT, created_by=editor)
        submit_for_review(article=back, by=editor)
        request_changes(article=back, by=reviewer, comment=f"Fix the dosage {n}-{i}.")
        make_article(title=f"Scheduled {n}-{i}", published_at=timezone.now() + timedelta(days=i % 14, hours=1))
        make_article(title=f"Live {n}-{i}")
        make_article(
            title=f"Due {n}-{i}", category=medical, status=Article.Status.IN_REVIEW,
            medical_reviewer=make_author(), last_reviewed=timezone.localdate() - timedelta(days=400),
        )  # fmt: skip
        assert draft.pk


def test_an_editor_sees_drafts_sent_back_with_the_comment_in_review_scheduled_due_and_recent(client, editor, reviewer, medical):
    articles_of_every_kind(editor=editor, reviewer=reviewer, medical=medical, n=1)
    client.force_login(editor)
    response = client.get(DESK)
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("Your drafts", "Sent back to you", "In medical review", "Medical re-reviews due",
                    "Recently published", "Scheduled in the next 14 days"):  # fmt: skip
        assert heading in html, heading
    assert "Waiting for your review" not in html
    assert "My draft 1-0" in html and "Sent back 1-0" in html and "Fix the dosage 1-0." in html
    assert "Waiting 1-0" in html and "Scheduled 1-0" in html and "Live 1-0" in html and "Due 1-0" in html
    assert reverse("admin:articles_article_change", args=[Article.objects.get(title="Sent back 1-0").pk]) in html
    assert "Write a new article" in html
    assert 'class="app-articles module' in html  # the app list is still there


def test_a_reviewer_sees_what_waits_for_their_review_with_a_link_to_the_review_screen(client, editor, reviewer, medical):
    articles_of_every_kind(editor=editor, reviewer=reviewer, medical=medical, n=1)
    client.force_login(reviewer)
    html = client.get(DESK).content.decode()
    assert "Waiting for your review" in html and "Signed off, ready to publish" not in html
    waiting = Article.objects.get(title="Waiting 1-0")
    assert reverse("admin:articles_article_review", args=[waiting.pk]) in html
    assert "Write a new article" not in html  # reviewers do not add articles


def test_a_signed_off_article_leaves_the_review_list_for_the_editors_ready_to_publish(client, editor, reviewer, medical):
    make_author(user=reviewer)
    article = make_article(title="Checked piece", category=medical, status=Article.Status.DRAFT, created_by=editor)
    submit_for_review(article=article, by=editor)
    sign_off(article=article, by=reviewer)
    (waiting,) = [panel for panel in dashboard.editorial_panels(reviewer) if panel.key == "to_review"]
    assert waiting.rows == []
    (ready,) = [panel for panel in dashboard.editorial_panels(editor) if panel.key == "signed_off"]
    assert ready.rows == [article]
    client.force_login(editor)
    article.refresh_from_db()
    from tests.articles.test_workflow import change_url, edit_form

    client.post(change_url(article), edit_form(article, body="<p>Changed after the sign-off.</p>"))
    (waiting,) = [panel for panel in dashboard.editorial_panels(reviewer) if panel.key == "to_review"]
    assert [row.title for row in waiting.rows] == ["Checked piece"]  # to be reviewed again


def test_sent_back_goes_to_whoever_submitted_it_and_leaves_it_once_resubmitted(client, editor, reviewer, medical, django_user_model, groups):
    other = django_user_model.objects.create_user(username="other", password="x", is_staff=True)
    other.groups.add(groups["Editors"])
    article = make_article(title="Knee costs", category=medical, status=Article.Status.DRAFT, created_by=editor)
    submit_for_review(article=article, by=editor)
    request_changes(article=article, by=reviewer, comment="Add the sources.")
    client.force_login(other)
    assert "Add the sources." not in client.get(DESK).content.decode()
    client.force_login(editor)
    assert "Add the sources." in client.get(DESK).content.decode()
    submit_for_review(article=article, by=editor)
    html = client.get(DESK).content.decode()
    assert "Add the sources." not in html and "Knee costs" in html  # now in review


def test_the_calendar_lists_fourteen_days_with_what_goes_live_each_day(medical):
    now = timezone.now()
    soon = make_article(title="Tomorrow", published_at=now + timedelta(days=1))
    make_article(title="Too late", published_at=now + timedelta(days=20))
    make_article(title="Already live", published_at=now - timedelta(hours=1))
    make_article(title="Draft with a time", status=Article.Status.DRAFT, published_at=now + timedelta(days=2))
    days = dashboard.schedule_calendar(now)
    assert len(days) == 14 and days[0][0] == timezone.localdate(now)
    listed = [article for _, articles in days for article in articles]
    assert listed == [soon]
    assert dict(days)[timezone.localdate(soon.published_at)] == [soon]


def test_counts_go_beyond_the_rows_shown(client, editor):
    for i in range(dashboard.LIST_SIZE + 3):
        make_article(title=f"Draft {i}", status=Article.Status.DRAFT, created_by=editor)
    (drafts,) = [panel for panel in dashboard.editorial_panels(editor) if panel.key == "drafts"]
    assert drafts.count == dashboard.LIST_SIZE + 3 and len(drafts.rows) == dashboard.LIST_SIZE
    client.force_login(editor)
    assert f"All {dashboard.LIST_SIZE + 3}" in client.get(DESK).content.decode()


def test_drafts_of_an_author_profile_are_theirs_too(editor):
    make_article(title="Signed by me", status=Article.Status.DRAFT, authors=[make_author(user=editor)])
    make_article(title="Someone else's", status=Article.Status.DRAFT)
    (drafts,) = [panel for panel in dashboard.editorial_panels(editor) if panel.key == "drafts"]
    assert [article.title for article in drafts.rows] == ["Signed by me"]


# The desk of an editor or a reviewer, as counted: the session and the user (2), the user's permissions (2),
# the lists of a count and a page each (editors 6: 12; reviewers 5: 10), the calendar (1), and the admin log of
# the sidebar (1).
DESK_QUERIES = {"editor": 18, "reviewer": 16}


@pytest.mark.parametrize("who", ["editor", "reviewer"])
@pytest.mark.parametrize("n", [1, 12])
def test_the_desk_is_a_fixed_number_of_queries_however_many_articles(
    client, request, who, n, editor, reviewer, medical, django_assert_num_queries
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    articles_of_every_kind(editor=editor, reviewer=reviewer, medical=medical, n=n)
    with django_assert_num_queries(DESK_QUERIES[who]):
        assert client.get(DESK).status_code == 200


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_each_list_is_at_most_two_queries(who, request, editor, reviewer, medical, django_assert_max_num_queries):
    user = request.getfixturevalue(who)
    articles_of_every_kind(editor=editor, reviewer=reviewer, medical=medical, n=10)
    user.has_perm("articles.view_article")  # the permissions, read once per request
    lists = {"editor": 6, "reviewer": 5}[who]
    with django_assert_max_num_queries(2 * lists):
        shown = dashboard.editorial_panels(user)
    assert len(shown) == lists
    with django_assert_max_num_queries(1):
        dashboard.schedule_calendar()


def test_triage_staff_see_their_requests_summary_and_no_article(client, triage, editor):
    make_article(title="Editorial secret", status=Article.Status.DRAFT, created_by=editor)
    client.force_login(triage)
    response = client.get(DESK)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Quote requests" in html and reverse("admin:quotes_quoterequest_changelist") in html
    assert "Editorial secret" not in html and "Your drafts" not in html


def test_the_quote_summary_counts_without_showing_a_patient(client, triage):
    make_request(name="Pat Patient", email="pat@example.org")
    client.force_login(triage)
    html = client.get(DESK).content.decode()
    assert "<strong>1</strong> new" in html and "Pat Patient" not in html and "pat@example.org" not in html


def test_editors_get_no_quote_summary(client, editor):
    client.force_login(editor)
    html = client.get(DESK).content.decode()
    assert "Quote requests" not in html


def test_anonymous_visitors_get_the_login(client):
    response = client.get(DESK)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_superuser_sees_both_desks(client, superuser, reviewer, medical):
    make_author(user=superuser)
    article = make_article(title="Waiting for anyone", category=medical, status=Article.Status.DRAFT)
    submit_for_review(article=article, by=reviewer)
    client.force_login(superuser)
    html = client.get(DESK).content.decode()
    assert "Waiting for your review" in html and "Waiting for anyone" in html and "Quote requests" in html
    sign_off(article=article, by=superuser)
