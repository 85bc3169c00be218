import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, connection
from django.utils import timezone

from articles.models import Article, SiteBlock, reading_minutes
from tests.conftest import make_article, make_author

pytestmark = pytest.mark.django_db


def test_published_contains_only_published_articles_whose_time_has_come():
    live = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(status=Article.Status.IN_REVIEW)
    make_article(published_at=timezone.now() + timedelta(hours=1))
    assert list(Article.objects.published()) == [live]


def test_is_published_says_of_one_article_what_published_says_of_all():
    """``Article.is_published()`` is ``published()`` for one article in memory: every state, the same answer."""
    now = timezone.now()
    times = [None, now - timedelta(days=1), now + timedelta(hours=1)]
    articles = [
        make_article(status=status, published_at=published, expires_at=expires)
        for status in Article.Status.values
        for published in times
        for expires in [None, now - timedelta(minutes=1), now + timedelta(days=2)]
        if not (status == Article.Status.PUBLISHED and published is None)  # refused by the database
        and not (expires and published and expires <= published)
    ]
    live = set(Article.objects.published().values_list("pk", flat=True))
    assert {article.pk for article in articles if article.is_published()} == live
    assert 0 < len(live) < len(articles)


def test_scheduled_article_goes_live_by_itself_when_its_time_comes():
    article = make_article(published_at=timezone.now() + timedelta(seconds=60))
    assert not article.is_published()
    assert article.state == "scheduled"
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    article.refresh_from_db()
    assert article.is_published()
    assert list(Article.objects.published()) == [article]


def test_publishing_without_a_time_stamps_it_now():
    article = make_article(status=Article.Status.DRAFT)
    article.status = Article.Status.PUBLISHED
    article.save()
    assert article.published_at is not None
    assert article.is_published()


def test_state_labels():
    assert make_article().state == "live"
    assert make_article(status=Article.Status.DRAFT).state == "draft"
    assert make_article(status=Article.Status.IN_REVIEW).state == "in review"


def test_database_refuses_a_published_article_without_a_time():
    article = make_article()
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(published_at=None)


def test_database_refuses_a_hero_image_without_alt_text():
    article = make_article()
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(hero_image="articles/hero/x.jpg", hero_alt="")


def test_database_refuses_a_review_date_without_a_reviewer():
    article = make_article()
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(last_reviewed=timezone.localdate())


def test_table_of_contents_comes_from_h2_headings():
    article = make_article(body="<h2>Why it <em>matters</em></h2><p>x</p><h3>Detail</h3><h2>Costs</h2>")
    assert article.table_of_contents == [("why-it-matters", "Why it matters"), ("costs", "Costs")]


def test_reading_time_counts_words():
    article = make_article(body="<p>" + "word " * 700 + "</p>")
    assert article.reading_minutes == 4
    assert make_article(body="").reading_minutes == 1


def test_reading_time_is_stored_with_the_body():
    article = make_article(body="<p>" + "word " * 700 + "</p>")
    assert Article.objects.values_list("reading_minutes", flat=True).get(pk=article.pk) == 4
    article.body = "<p>" + "word " * 2000 + "</p>"
    article.save(update_fields=["body"])
    assert Article.objects.values_list("reading_minutes", flat=True).get(pk=article.pk) == 9


def test_the_migration_counts_the_reading_time_of_articles_saved_before(monkeypatch):
    migration = importlib.import_module("articles.migrations.0009_article_reading_minutes")
    monkeypatch.setattr(migration, "BATCH", 1)  # one update per changed article: every batch path runs
    long, short = make_article(body="<p>" + "word " * 1000 + "</p>"), make_article(body="<p>Short</p>")
    Article.objects.update(reading_minutes=1)  # as the new column leaves them
    migration.count_reading_time(django_apps, SimpleNamespace(connection=connection))
    assert dict(Article.objects.values_list("pk", "reading_minutes")) == {long.pk: 5, short.pk: 1}
    assert all(article.reading_minutes == reading_minutes(article.body) for article in Article.objects.all())


def test_seo_fields_fall_back_to_title_and_standfirst():
    article = make_article(title="A title", standfirst="Stem cells " * 30)
    assert article.meta_title == "A title"
    # Cut after a whole word, within 160 characters.
    assert article.meta_description == ("Stem cells " * 14) + "Stem…"
    article.seo_title, article.seo_description = "SEO", "Desc"
    assert (article.meta_title, article.meta_description) == ("SEO", "Desc")


def test_reviewer_credentials_are_shown_with_the_name():
    assert make_author(name="Dr Ana Ruiz", credentials="MD, neurologist").name_with_credentials == "Dr Ana Ruiz, MD, neurologist"
    assert make_author(name="Sam Lee").name_with_credentials == "Sam Lee"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "//evil.example", "ftp://x", "quote"])
def test_site_block_link_must_be_a_path_or_http_url(link):
    from django.core.exceptions import ValidationError

    block = SiteBlock(kind=SiteBlock.Kind.PROMO, link_url=link)
    with pytest.raises(ValidationError):
        block.full_clean()


def test_site_block_accepts_paths_and_https_urls():
    # Of the links alone: the migrations have created a call to action already.
    SiteBlock(kind=SiteBlock.Kind.PROMO, link_url="/quote/").full_clean(validate_unique=False)
    SiteBlock(kind=SiteBlock.Kind.QUOTE_CTA, link_url="https://example.org/cmtp").full_clean(validate_unique=False)


def test_images_saved_from_code_get_their_dimensions_stored():
    from django.core.files.base import ContentFile

    from tests.articles.test_uploads import image_bytes

    article = make_article()
    article.hero_alt = "A picture"
    article.hero_image.save("hero.jpg", ContentFile(image_bytes(width=64, height=48)), save=True)
    author = make_author()
    author.photo.save("face.jpg", ContentFile(image_bytes(width=20, height=30)), save=True)
    assert Article.objects.values_list("hero_width", "hero_height").get(pk=article.pk) == (64, 48)
    author.refresh_from_db()
    assert (author.photo_width, author.photo_height) == (20, 30)


def test_an_expired_article_leaves_the_public_site_by_itself():
    live = make_article(expires_at=timezone.now() + timedelta(hours=1))
    expired = make_article(published_at=timezone.now() - timedelta(days=2), expires_at=timezone.now() - timedelta(seconds=1))
    assert list(Article.objects.published()) == [live]
    assert live.is_published() and not expired.is_published()
    assert expired.state == "expired"


def test_database_refuses_an_expiry_before_publication():
    article = make_article()
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(expires_at=article.published_at - timedelta(minutes=1))
