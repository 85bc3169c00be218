import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from editing.models import ArticleAutosave
from tests.articles.test_admin import article_form
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

AUTOSAVE = reverse("admin:articles_article_autosave")


def keep(client, article, data, **extra):
    return client.post(AUTOSAVE, {"article": article, "data": json.dumps(data), **extra})


def kept(client, article):
    return client.get(AUTOSAVE, {"article": article}).json()["autosave"]


@pytest.fixture
def article():
    return make_article(title="Knee surgery", status=Article.Status.DRAFT, body="<p>Saved words.</p>")


def test_the_form_carries_what_its_script_needs(client, editor, article):
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert f'data-autosave-url="{AUTOSAVE}"' in html and f'data-article="{article.pk}"' in html
    assert "editing/editor-tools.js" in html and "editing/editor-tools.css" in html
    new = client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'data-article="new"' in new


def test_editor_keeps_one_copy_per_article_and_gets_it_back(client, editor, article):
    client.force_login(editor)
    assert keep(client, article.pk, {"title": "Knee", "body": "<p>First</p>"}, base_version=article.version).status_code == 200
    assert keep(client, article.pk, {"title": "Knee surgery abroad", "body": "<p>Typed words</p>"}).status_code == 200
    assert ArticleAutosave.objects.count() == 1
    autosave = kept(client, article.pk)
    assert autosave["data"] == {"title": "Knee surgery abroad", "body": "<p>Typed words</p>"}
    # Never the article itself, nor a revision of it.
    article.refresh_from_db()
    assert article.title == "Knee surgery" and "Saved words." in article.body
    assert not Version.objects.exists()


def test_a_new_article_is_kept_per_user(client, editor, superuser):
    client.force_login(editor)
    keep(client, "new", {"title": "Editor's draft"})
    client.force_login(superuser)
    keep(client, "new", {"title": "Admin's draft"})
    assert kept(client, "new")["data"] == {"title": "Admin's draft"}
    client.force_login(editor)
    assert kept(client, "new")["data"] == {"title": "Editor's draft"}
    assert ArticleAutosave.objects.filter(article=None).count() == 2


def test_each_user_sees_only_their_own_copy(client, editor, superuser, article):
    client.force_login(editor)
    keep(client, article.pk, {"body": "<p>Mine</p>"})
    client.force_login(superuser)
    assert kept(client, article.pk) is None


def test_the_body_is_sanitised_before_it_is_kept(client, editor, article):
    client.force_login(editor)
    keep(client, article.pk, {"body": '<p onclick="steal()">Words</p><script>alert(1)</script>', "title": "<b>kept as typed</b>"})
    data = ArticleAutosave.objects.get().data
    assert data == {"body": "<p>Words</p>", "title": "<b>kept as typed</b>"}


def test_saving_the_article_clears_its_copy(client, editor, article):
    client.force_login(editor)
    keep(client, article.pk, {"body": "<p>Typed</p>"})
    form = article_form(title="Knee surgery", slug=article.slug, edit_version=article.version, body="<p>Typed</p>")
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), form)
    assert response.status_code == 302
    assert not ArticleAutosave.objects.exists()


def test_adding_the_article_clears_the_copy_of_the_new_form(client, editor):
    client.force_login(editor)
    keep(client, "new", {"title": "Knee replacement abroad"})
    response = client.post(reverse("admin:articles_article_add"), article_form())
    assert response.status_code == 302
    assert not ArticleAutosave.objects.exists()


def test_a_refused_save_keeps_the_copy(client, editor, article):
    client.force_login(editor)
    keep(client, article.pk, {"body": "<p>Typed</p>"})
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), article_form(title=""))
    assert response.status_code == 200
    assert ArticleAutosave.objects.count() == 1


def test_a_copy_older_than_the_articles_last_save_is_not_offered_and_goes(client, editor, article):
    client.force_login(editor)
    keep(client, article.pk, {"body": "<p>Old</p>"})
    ArticleAutosave.objects.update(saved_at=timezone.now() - timedelta(hours=1))
    assert kept(client, article.pk) is None
    assert not ArticleAutosave.objects.exists()


def test_discard_drops_the_copy(client, editor, article):
    client.force_login(editor)
    keep(client, article.pk, {"body": "<p>Typed</p>"})
    assert client.post(AUTOSAVE, {"article": article.pk, "discard": "1"}).json() == {"discarded": True}
    assert not ArticleAutosave.objects.exists()


@pytest.mark.parametrize(
    "data",
    ["not json", json.dumps(["a", "list"]), json.dumps({"title": 3}), json.dumps({"nested": {"x": "y"}})],
)
def test_unreadable_data_is_refused_with_a_reason_and_nothing_kept(client, editor, article, data):
    client.force_login(editor)
    response = client.post(AUTOSAVE, {"article": article.pk, "data": data})
    assert response.status_code == 400 and "not kept" in response.json()["error"]
    assert not ArticleAutosave.objects.exists()


def test_too_much_text_is_refused(client, editor, article):
    client.force_login(editor)
    response = keep(client, article.pk, {"body": "x" * 2_100_000})
    assert response.status_code == 413
    assert not ArticleAutosave.objects.exists()


def test_an_unknown_article_is_404_and_a_bad_id_too(client, editor):
    client.force_login(editor)
    assert keep(client, 999999, {"title": "x"}).status_code == 404
    assert keep(client, "abc", {"title": "x"}).status_code == 404


def test_the_previous_copy_stays_when_a_bad_one_comes(client, editor, article):
    client.force_login(editor)
    keep(client, article.pk, {"body": "<p>Good</p>"})
    client.post(AUTOSAVE, {"article": article.pk, "data": "{broken"})
    assert ArticleAutosave.objects.get().data == {"body": "<p>Good</p>"}


def test_reviewers_may_keep_their_edits_of_an_article_but_not_start_new_ones(client, reviewer, article):
    client.force_login(reviewer)
    assert keep(client, article.pk, {"body": "<p>Reviewer's fix</p>"}).status_code == 200
    assert keep(client, "new", {"title": "x"}).status_code == 403


def test_triage_staff_cannot_keep_or_read_copies(client, triage, editor, article):
    client.force_login(editor)
    keep(client, article.pk, {"body": "<p>Typed</p>"})
    client.force_login(triage)
    assert keep(client, article.pk, {"body": "<p>x</p>"}).status_code == 403
    assert client.get(AUTOSAVE, {"article": article.pk}).status_code == 403
    assert ArticleAutosave.objects.get().data == {"body": "<p>Typed</p>"}


def test_anonymous_visitors_are_sent_to_the_login(client, article):
    response = keep(client, article.pk, {"body": "<p>x</p>"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not ArticleAutosave.objects.exists()


def test_the_autosave_needs_the_csrf_token(editor, article):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert keep(client, article.pk, {"body": "<p>x</p>"}).status_code == 403
    assert not ArticleAutosave.objects.exists()


def test_readers_never_see_a_kept_copy(client, editor):
    live = make_article(title="Live", body="<p>Published words.</p>")
    client.force_login(editor)
    keep(client, live.pk, {"body": "<p>Secret unsaved words</p>"})
    client.logout()
    html = client.get(live.get_absolute_url()).content.decode()
    assert "Published words." in html and "Secret unsaved words" not in html
