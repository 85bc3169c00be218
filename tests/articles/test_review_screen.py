"""The medical review screen: the diff since the last sign-off, the references, and its two outcomes."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, AuditEvent, Reference
from articles.review import readable_text
from outbox.models import ReviewReminderEmail
from tests.articles.test_workflow import change_url, edit_form
from tests.conftest import make_article, make_author, make_category

pytestmark = pytest.mark.django_db


def review_url(article):
    return reverse("admin:articles_article_review", args=[article.pk])


@pytest.fixture
def medical():
    return make_category(name="Neurology", is_medical=True)


@pytest.fixture
def reviewer_profile(reviewer):
    return make_author(name="Dr Ana Ruiz", credentials="MD, neurologist", user=reviewer)


@pytest.fixture
def submitted(client, editor, medical):
    """A medical article the editor wrote and submitted through the admin."""
    client.force_login(editor)
    article = make_article(
        category=medical, status=Article.Status.DRAFT, title="Stem cells after stroke",
        body="<h2>Evidence</h2><p>Recovery takes six weeks.</p>",
    )  # fmt: skip
    Reference.objects.create(article=article, citation="Cochrane review 2019", doi="10.1002/14651858.CD007231.pub3")
    assert client.post(change_url(article), edit_form(article, _action="submit")).status_code == 302
    article.refresh_from_db()
    client.logout()
    return article


def decide(client, article, outcome, comment=""):
    return client.post(review_url(article), {"outcome": outcome, "comment": comment, "version": article.version})


def test_the_review_screen_shows_the_text_its_references_and_the_two_outcomes(client, reviewer, submitted):
    client.force_login(reviewer)
    response = client.get(review_url(submitted))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Never signed off: everything below is new to review." in html
    assert "Recovery takes six weeks." in html and "Cochrane review 2019" in html
    assert "https://doi.org/10.1002/14651858.CD007231.pub3" in html
    assert 'value="sign_off"' in html and 'value="request_changes"' in html
    assert 'name="comment"' in html
    assert "Submitted for medical review" in html  # the recent steps


def test_request_changes_sends_the_comment_to_the_author_and_the_article_back_to_draft(
    client, editor, reviewer, submitted, deliver_emails
):
    client.force_login(reviewer)
    response = decide(client, submitted, "request_changes", "Cite the 2023 trial; six weeks is too optimistic.")
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.DRAFT and not submitted.is_signed_off()
    assert submitted.changes_requested_by == reviewer
    assert submitted.review_comment == "Cite the 2023 trial; six weeks is too optimistic."
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGES_REQUESTED)
    assert (event.user, event.comment) == (reviewer, "Cite the 2023 trial; six weeks is too optimistic.")
    revision = Version.objects.get_for_object(submitted).first().revision
    assert revision.user == reviewer and "six weeks is too optimistic" in revision.comment
    email = ReviewReminderEmail.objects.get(subject="Changes requested: Stem cells after stroke")
    assert email.recipients == [editor.email]
    (sent,) = [message for message in deliver_emails() if message.subject.startswith("Changes requested")]
    assert "six weeks is too optimistic" in sent.body and change_url(submitted) in sent.body


def test_request_changes_needs_a_comment_and_loses_nothing(client, reviewer, submitted):
    client.force_login(reviewer)
    response = decide(client, submitted, "request_changes", "   ")
    assert response.status_code == 200
    assert "Say what should change: the author needs your comment." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.IN_REVIEW
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CHANGES_REQUESTED).exists()


def test_sign_off_records_the_comment_in_the_trail_and_the_revision(client, reviewer, reviewer_profile, submitted):
    client.force_login(reviewer)
    response = decide(client, submitted, "sign_off", "Sources checked against the Cochrane review.")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.is_signed_off() and submitted.signed_off_by == reviewer
    assert submitted.status == Article.Status.IN_REVIEW  # a first draft waits for its editor to publish it
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGNED_OFF)
    assert event.comment == "Sources checked against the Cochrane review."
    revision = Version.objects.get_for_object(submitted).first().revision
    assert revision.comment == "Signed off the medical review: Sources checked against the Cochrane review."


def test_a_sign_off_of_a_text_changed_meanwhile_is_refused(client, editor, reviewer, reviewer_profile, submitted):
    client.force_login(reviewer)
    seen_version = submitted.version
    client.force_login(editor)
    client.post(change_url(submitted), edit_form(submitted, body="<p>Recovery takes two weeks.</p>"))
    client.force_login(reviewer)
    response = client.post(review_url(submitted), {"outcome": "sign_off", "comment": "", "version": seen_version})
    assert response.status_code == 200
    assert "The article was changed while you were reviewing it" in response.content.decode()
    submitted.refresh_from_db()
    assert not submitted.is_signed_off()


def test_the_diff_shows_what_changed_since_the_last_sign_off(client, editor, reviewer, reviewer_profile, submitted):
    client.force_login(reviewer)
    decide(client, submitted, "sign_off")
    submitted.refresh_from_db()
    client.force_login(editor)
    form = edit_form(submitted, title="Stem cells after a stroke", body="<h2>Evidence</h2><p>Recovery takes eight weeks.</p>")
    assert client.post(change_url(submitted), form).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.IN_REVIEW and not submitted.is_signed_off()
    client.force_login(reviewer)
    html = client.get(review_url(submitted)).content.decode()
    assert "Compared with the version signed off by reviewer" in html
    body = html[html.index('id="body-diff"') :]
    assert "<del>six</del>" in body or "<del>Recovery takes six weeks.</del>" in body
    assert "<ins>eight</ins>" in body or "<ins>Recovery takes eight weeks.</ins>" in body
    assert "Title <span" not in html[: html.index('id="title-diff"')].rsplit("<h3>", 1)[1]  # the title changed


def test_a_photo_swapped_since_the_sign_off_shows_in_the_diff(client, editor, reviewer, reviewer_profile, submitted):
    photo = '<p><img src="/media/editor/2026/12/physio-1.jpg" alt="A physiotherapist with a patient"></p>'
    submitted.body += photo
    submitted.save()
    client.force_login(reviewer)
    decide(client, submitted, "sign_off")
    submitted.refresh_from_db()
    client.force_login(editor)
    form = edit_form(submitted, body=submitted.body.replace("physio-1.jpg", "physio-2.jpg"))
    assert client.post(change_url(submitted), form).status_code == 302
    client.force_login(reviewer)
    html = client.get(review_url(submitted)).content.decode()
    assert "Body <span" not in html[: html.index('id="body-diff"')].rsplit("<h3>", 1)[1]  # not "(unchanged)"
    body = html[html.index('id="body-diff"') : html.index("</pre>", html.index('id="body-diff"'))]
    assert "[Image: A physiotherapist with a patient (physio-<del>1</del><ins>2</ins>.jpg)]" in body


def test_an_unchanged_title_says_so(client, reviewer, submitted):
    client.force_login(reviewer)
    html = client.get(review_url(submitted)).content.decode()
    assert "(unchanged)" not in html  # never signed off: all of it is new
    submitted.signed_off_content = submitted.content_fingerprint()
    Article.objects.filter(pk=submitted.pk).update(signed_off_content=submitted.signed_off_content)
    html = client.get(review_url(submitted)).content.decode()
    assert html.count("(unchanged)") == 2


def test_an_article_not_in_review_sends_the_reviewer_to_its_page(client, reviewer):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(reviewer)
    response = client.get(review_url(article), follow=True)
    assert response.redirect_chain[-1][0] == change_url(article)
    assert "is not waiting for a medical review" in response.content.decode()
    response = decide(client, article, "request_changes", "No.")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.changes_requested_at is None


@pytest.mark.parametrize("who", ["editor", "triage"])
def test_only_medical_reviewers_reach_the_review_screen(client, request, who, submitted):
    client.force_login(request.getfixturevalue(who))
    assert client.get(review_url(submitted)).status_code == 403
    assert decide(client, submitted, "sign_off", "Looks fine to me").status_code == 403
    submitted.refresh_from_db()
    assert not submitted.is_signed_off() and submitted.status == Article.Status.IN_REVIEW


def test_anonymous_visitors_are_sent_to_the_login(client, submitted):
    response = client.get(review_url(submitted))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_superuser_reaches_the_review_screen(client, superuser, submitted):
    client.force_login(superuser)
    assert client.get(review_url(submitted)).status_code == 200


def test_an_unknown_article_is_404(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("admin:articles_article_review", args=[999999])).status_code == 404
    assert client.get("/admin/articles/article/x/review/").status_code == 404


def test_the_review_screen_is_a_fixed_number_of_queries(client, reviewer, submitted, django_assert_max_num_queries):
    for n in range(10):
        Reference.objects.create(article=submitted, citation=f"Reference {n}")
    client.force_login(reviewer)
    client.get(review_url(submitted))
    with django_assert_max_num_queries(12):
        assert client.get(review_url(submitted)).status_code == 200


def test_readable_text_puts_each_paragraph_on_its_own_line():
    assert readable_text("<h2 id='a'>Title</h2><p>One &amp; two.</p><ul><li>A</li><li>B</li></ul>") == "Title\nOne & two.\nA\nB"


def test_readable_text_writes_each_image_as_its_alt_text_and_file_name():
    body = (
        '<p>Walk.</p><p><img src="/media/editor/2026/12/physio.jpg" alt="A physio &amp; a &lt;patient&gt;"></p>'
        '<p><img src="https://example.org/x.png?size=2"></p>'
    )
    assert readable_text(body) == "Walk.\n[Image: A physio & a <patient> (physio.jpg)]\n[Image: no alt text (x.png)]"
