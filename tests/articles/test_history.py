"""History without noise: no revision for a save that changes nothing; the public dates follow what readers read."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.utils import timezone
from reversion.models import Version

from articles.templatetags.magazine import iso_datetime
from articles.models import Article, Correction, Reference
from articles.services import sign_off
from tests.articles.test_workflow import change_url, edit_form
from tests.conftest import make_article, make_author, make_category

pytestmark = pytest.mark.django_db

JSON_LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def saved_through_the_admin(client, article, **changes):
    response = client.post(change_url(article), edit_form(article, **changes), follow=True)
    assert response.status_code == 200
    article.refresh_from_db()
    return response.content.decode()


def published_long_ago(**fields):
    """A live article last changed ten days ago, published twenty days ago."""
    article = make_article(published_at=timezone.now() - timedelta(days=20), **fields)
    Article.objects.filter(pk=article.pk).update(content_updated_at=timezone.now() - timedelta(days=10))
    article.refresh_from_db()
    return article


def shown_dates(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    data = json.loads(JSON_LD_RE.search(html).group(1))
    return ("· Updated" in html), data["dateModified"]


def test_a_save_that_changes_nothing_writes_no_revision_no_log_and_no_new_version(client, editor):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    saved_through_the_admin(client, article, title="A first change")
    versions, version = Version.objects.get_for_object(article).count(), article.version
    logs = LogEntry.objects.count()
    # CKEditor sends the body back in its own formatting: the same text once sanitised.
    html = saved_through_the_admin(client, article, body=article.body.replace(' id="first-section"', "").replace(' id="second-section"', ""))
    assert "Nothing changed, so nothing was saved." in html
    assert Version.objects.get_for_object(article).count() == versions
    assert article.version == version and LogEntry.objects.count() == logs


def test_a_real_change_still_writes_a_revision(client, editor):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    saved_through_the_admin(client, article, body="<p>New words.</p>")
    assert Version.objects.get_for_object(article).count() == 1
    assert "Changed Body" in Version.objects.get_for_object(article).get().revision.comment


def test_a_new_reference_alone_is_a_change(client, editor):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    saved_through_the_admin(client, article, **{
        "references-TOTAL_FORMS": "1", "references-0-position": "1", "references-0-citation": "NICE guideline NG128",
        "references-0-url": "", "references-0-doi": "", "references-0-pmid": "",
    })  # fmt: skip
    assert article.references.get().citation == "NICE guideline NG128"
    assert Version.objects.get_for_object(article).count() == 1


def test_featuring_an_article_does_not_move_its_updated_date(client, editor):
    article = published_long_ago()
    before = article.content_updated_at
    client.force_login(editor)
    saved_through_the_admin(client, article, featured="on")
    assert article.featured and article.content_updated_at == before
    client.logout()
    assert shown_dates(client, article) == (True, iso_datetime(before))


def test_changing_what_readers_read_moves_the_updated_date_json_ld_and_sitemap(client, editor):
    article = published_long_ago()
    client.force_login(editor)
    start = timezone.now()
    saved_through_the_admin(client, article, standfirst="A clearer summary.")
    assert article.content_updated_at >= start
    client.logout()
    updated, modified = shown_dates(client, article)
    assert updated and modified == iso_datetime(article.content_updated_at)
    sitemap = client.get("/sitemap-articles.xml").content.decode()
    assert f"<lastmod>{timezone.localdate().isoformat()}" in sitemap or timezone.now().date().isoformat() in sitemap


@pytest.mark.parametrize("change", ["reference", "correction"])
def test_a_reference_or_a_correction_is_what_readers_read(client, editor, change):
    article = published_long_ago()
    before = article.content_updated_at
    client.force_login(editor)
    if change == "reference":
        fields = {
            "references-TOTAL_FORMS": "1", "references-0-position": "1", "references-0-citation": "A new trial",
            "references-0-url": "", "references-0-doi": "", "references-0-pmid": "",
        }  # fmt: skip
    else:
        fields = {
            "corrections-TOTAL_FORMS": "1", "corrections-0-date": timezone.localdate().isoformat(),
            "corrections-0-text": "The price table now shows 2026 prices.",
        }  # fmt: skip
    saved_through_the_admin(client, article, **fields)
    assert article.content_updated_at > before
    assert (Reference if change == "reference" else Correction).objects.filter(article=article).exists()


def test_a_sign_off_does_not_move_the_updated_date(client, reviewer):
    make_author(name="Dr Ana Ruiz", user=reviewer)
    article = published_long_ago(category=make_category(is_medical=True), status=Article.Status.IN_REVIEW)
    before = article.content_updated_at
    sign_off(article=article, by=reviewer)
    article.refresh_from_db()
    assert article.is_published() and article.content_updated_at == before
    assert Version.objects.get_for_object(article).first().revision.comment == "Signed off the medical review."


def test_an_article_saved_before_fingerprints_were_kept_gets_its_date_only_from_a_real_change(client, editor):
    article = published_long_ago()
    assert article.reader_content == ""
    before = article.content_updated_at
    client.force_login(editor)
    saved_through_the_admin(client, article, featured="on")
    assert article.content_updated_at == before and article.reader_content
    saved_through_the_admin(client, article, title="A corrected title")
    assert article.content_updated_at > before


def test_restoring_a_revision_carries_its_comment(client, editor):
    article = make_article(status=Article.Status.DRAFT, title="Careful title")
    client.force_login(editor)
    saved_through_the_admin(client, article, title="Second title")
    saved_through_the_admin(client, article, title="Third title")
    oldest = Version.objects.get_for_object(article).last()
    from django.urls import reverse

    revision_url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])
    shown = client.get(revision_url).context["adminform"].form
    client.post(revision_url, edit_form(article, title="Second title", edit_version=shown["edit_version"].value()))
    assert Version.objects.get_for_object(article).first().revision.comment.startswith("Reverted to previous version")


def test_running_the_demo_loader_again_changes_no_public_date(client, media_root):
    call_command("load_demo_content", stdout=io.StringIO())
    before = dict(Article.objects.values_list("slug", "content_updated_at"))
    pages = {slug: shown_dates(client, Article.objects.get(slug=slug)) for slug in before
             if Article.objects.get(slug=slug).is_published()}  # fmt: skip
    for path in (media_root / "articles").rglob("*"):
        if path.is_file():
            path.unlink()  # its hero images are made again, and the articles saved with them
    call_command("load_demo_content", stdout=io.StringIO())
    assert dict(Article.objects.values_list("slug", "content_updated_at")) == before
    assert {slug: shown_dates(client, Article.objects.get(slug=slug)) for slug in pages} == pages
    assert not any(updated for updated, _ in pages.values())  # loaded now, but last changed when published
