import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editing.models import PreviewLink, PreviewLinkUse, token_hash
from editing.services import create_preview_link
from tests.conftest import make_article, make_author
from tests.editing.helpers import queries_of

pytestmark = pytest.mark.django_db

URL_RE = re.compile(r'value="(http://testserver/preview/[^"/]+/)"')


def make_link(article, user, days=7, note="Dr Okafor"):
    link, token = create_preview_link(article=article, by=user, days=days, note=note)
    return link, reverse("editing:shared-preview", args=[token])


@pytest.fixture
def draft():
    return make_article(title="Hip replacement in Lisbon", status=Article.Status.DRAFT, body="<h2>Costs</h2><p>Draft words.</p>")


def test_editor_makes_a_link_shown_once_whose_token_is_stored_hashed(client, editor, draft):
    client.force_login(editor)
    page = reverse("admin:articles_article_preview_link", args=[draft.pk])
    form = client.get(page)
    assert form.status_code == 200 and "Make the link" in form.content.decode()
    response = client.post(page, {"days": "3", "note": "Dr Okafor, fact check"})
    assert response.status_code == 200
    url = URL_RE.search(response.content.decode()).group(1)
    token = url.rstrip("/").rsplit("/", 1)[1]
    link = PreviewLink.objects.get()
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    assert (link.article, link.created_by, link.note) == (draft, editor, "Dr Okafor, fact check")
    assert timedelta(days=3) - timedelta(minutes=1) < link.expires_at - timezone.now() <= timedelta(days=3)
    # The article's page lists it, with a way to revoke it, but not the link itself.
    change = client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert "Dr Okafor, fact check" in change and reverse("admin:editing_previewlink_revoke", args=[link.pk]) in change
    assert token not in change


def test_a_link_for_more_than_30_days_is_refused_with_the_reason(client, editor, draft):
    client.force_login(editor)
    response = client.post(reverse("admin:articles_article_preview_link", args=[draft.pk]), {"days": "365"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not PreviewLink.objects.exists()


def test_someone_without_an_account_sees_the_draft_as_readers_will_marked_as_a_preview(client, editor, draft):
    link, url = make_link(draft, editor)
    response = client.get(url, HTTP_USER_AGENT="Mozilla/5.0 Specialist", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hip replacement in Lisbon" in html and "Draft words." in html
    assert 'class="article-body"' in html  # the readers' article template
    assert "Preview shared by the editors" in html and "not published yet" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    use = PreviewLinkUse.objects.get()
    assert (use.link, use.address, use.user_agent, use.outcome) == (link, "203.0.113.9", "Mozilla/5.0 Specialist", "shown")


def test_a_published_article_previewed_is_still_marked_and_not_indexed(client, editor):
    article = make_article(title="Live article")
    _, url = make_link(article, editor)
    response = client.get(url)
    html = response.content.decode()
    assert "Preview shared by the editors" in html and "<strong>published</strong>" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_the_page_cache_never_keeps_a_preview_and_logs_every_opening(client, editor, draft, settings):
    settings.PAGE_CACHE_SECONDS = 600
    link, url = make_link(draft, editor)
    assert "Draft words." in client.get(url).content.decode()
    Article.objects.filter(pk=draft.pk).update(body="<p>Changed words.</p>")  # no watched save: the cache is not told
    second = client.get(url)
    assert "Changed words." in second.content.decode()
    assert PreviewLinkUse.objects.filter(link=link).count() == 2


def test_an_expired_link_answers_410_with_a_clear_page_and_is_logged(client, editor, draft):
    link, url = make_link(draft, editor, days=1)
    PreviewLink.objects.filter(pk=link.pk).update(
        created_at=timezone.now() - timedelta(days=1, seconds=1), expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(url)
    assert response.status_code == 410
    html = response.content.decode()
    assert "This preview link has expired" in html and "Draft words." not in html
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex, nofollow"
    assert PreviewLinkUse.objects.get().outcome == "expired"


def test_a_revoked_link_answers_410(client, editor, draft):
    link, url = make_link(draft, editor)
    client.force_login(editor)
    response = client.post(reverse("admin:editing_previewlink_revoke", args=[link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == editor
    client.logout()
    gone = client.get(url)
    assert gone.status_code == 410 and "no longer works" in gone.content.decode()
    assert "Draft words." not in gone.content.decode()


def test_an_unknown_or_truncated_token_answers_404(client, editor, draft):
    _, url = make_link(draft, editor)
    response = client.get(url[:-5] + "/")
    assert response.status_code == 404 and "couldn’t find this preview" in response.content.decode()
    assert not PreviewLinkUse.objects.exists()


def test_revoke_selected_action_revokes_active_links_only(client, editor, draft):
    first, _ = make_link(draft, editor)
    second, _ = make_link(draft, editor)
    PreviewLink.objects.filter(pk=second.pk).update(revoked_at=timezone.now() - timedelta(days=1))
    client.force_login(editor)
    response = client.post(
        reverse("admin:editing_previewlink_changelist"),
        {"action": "revoke_selected", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "1 preview link(s) revoked" in response.content.decode()
    assert PreviewLink.objects.usable().count() == 0


def test_revoke_page_of_a_revoked_link_says_so(client, editor, draft):
    link, _ = make_link(draft, editor)
    client.force_login(editor)
    client.post(reverse("admin:editing_previewlink_revoke", args=[link.pk]))
    assert "already revoked" in client.get(reverse("admin:editing_previewlink_revoke", args=[link.pk])).content.decode()


# Who may do what


@pytest.mark.parametrize("who", ["reviewer", "triage"])
def test_reviewers_and_triage_cannot_make_links(client, request, who, draft):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("admin:articles_article_preview_link", args=[draft.pk]), {"days": "7"})
    assert response.status_code == 403
    assert not PreviewLink.objects.exists()


@pytest.mark.parametrize("who", ["reviewer", "triage"])
def test_reviewers_and_triage_cannot_revoke_links(client, request, who, editor, draft):
    link, url = make_link(draft, editor)
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("admin:editing_previewlink_revoke", args=[link.pk])).status_code == 403
    assert PreviewLink.objects.usable().count() == 1


def test_reviewers_see_the_links_list_but_not_triage(client, reviewer, triage, editor, draft):
    make_link(draft, editor)
    client.force_login(reviewer)
    assert client.get(reverse("admin:editing_previewlink_changelist")).status_code == 200
    client.force_login(triage)
    assert client.get(reverse("admin:editing_previewlink_changelist")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_for_the_admin_pages(client, editor, draft):
    link, _ = make_link(draft, editor)
    for url in (
        reverse("admin:articles_article_preview_link", args=[draft.pk]),
        reverse("admin:editing_previewlink_revoke", args=[link.pk]),
        reverse("admin:editing_previewlink_changelist"),
    ):
        response = client.post(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert PreviewLink.objects.usable().count() == 1


def test_nobody_adds_or_deletes_links_through_the_admin(client, editor, draft):
    link, _ = make_link(draft, editor)
    client.force_login(editor)
    assert client.get(reverse("admin:editing_previewlink_add")).status_code == 403
    assert client.post(reverse("admin:editing_previewlink_delete", args=[link.pk])).status_code == 403


def test_links_list_runs_the_same_queries_for_two_or_twelve_links(client, editor):
    client.force_login(editor)
    url = reverse("admin:editing_previewlink_changelist")
    for _ in range(2):
        link, _ = make_link(make_article(authors=[make_author()]), editor)
        PreviewLinkUse.objects.create(link=link, address="x")
    few = queries_of(client, url)
    for _ in range(10):
        make_link(make_article(), editor)
    assert queries_of(client, url) == few


def test_the_article_form_lists_links_in_a_fixed_number_of_queries(client, editor, draft):
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    make_link(draft, editor)
    few = queries_of(client, url)
    for _ in range(4):
        link, _ = make_link(draft, editor)
        PreviewLinkUse.objects.create(link=link, address="x")
    assert queries_of(client, url) == few
