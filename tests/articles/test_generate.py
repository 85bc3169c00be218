import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import strip_tags

from articles.demo.generator import HEADINGS, TOPICS, heading_id
from articles.models import Article, Author, Category, Reference, Tag, reading_minutes
from articles.sanitize import RESERVED_IDS, add_heading_anchors, clean_html
from tests.conftest import make_author, make_category, make_tag

pytestmark = pytest.mark.django_db


def generate(*args):
    out = io.StringIO()
    call_command("generate_demo_articles", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def test_creates_exactly_the_number_of_articles_asked_for():
    output = generate(50, "--batch", 20, "--seed", 1)
    assert Article.objects.count() == 50
    assert "50/50 articles" in output and "Created 50 articles" in output


def test_bodies_are_stored_as_save_would_store_them():
    generate(50, "--seed", 2)
    for article in Article.objects.all():
        # bulk_create skips save(): the sanitiser and the heading anchors must have nothing left to do.
        assert add_heading_anchors(clean_html(article.body)) == article.body
        assert len(article.table_of_contents) >= 3
        assert 550 <= len(strip_tags(article.body).split()) <= 1000
        assert article.reading_minutes == reading_minutes(article.body) >= 3


def test_saving_a_generated_article_changes_nothing_readers_see():
    generate(20, "--seed", 3)
    for article in Article.objects.published().select_related("category"):
        before = (article.body, article.status, article.review_due, article.reading_minutes)
        article.save()
        article.refresh_from_db()
        assert (article.body, article.status, article.review_due, article.reading_minutes) == before


def test_published_medical_articles_are_reviewed_and_signed_off():
    generate(60, "--seed", 10)
    medical = Article.objects.filter(status=Article.Status.PUBLISHED, category__is_medical=True)
    assert medical.exists()
    for article in medical.select_related("category"):
        assert article.is_signed_off() and not article.needs_sign_off()
        assert article.medical_reviewer and article.last_reviewed <= timezone.localdate()
        assert article.review_due > article.last_reviewed
    assert not Article.objects.exclude(status=Article.Status.PUBLISHED).exclude(signed_off_content="").exists()


def test_every_heading_gets_an_id_of_its_own():
    for topic in TOPICS:
        values = {"Topic": topic[0], "topic": topic[1], "dest": "the Czech Republic"}
        ids = [heading_id(heading.format(**values)) for heading in HEADINGS]
        assert len(set(ids)) == len(ids) and not set(ids) & RESERVED_IDS
        assert all(len(anchor) < 60 for anchor in ids)  # add_heading_anchors cuts ids at 60 characters


def test_running_twice_adds_articles_without_slug_clashes():
    generate(30, "--seed", 4)
    generate(30, "--seed", 4)
    slugs = list(Article.objects.values_list("slug", flat=True))
    assert len(slugs) == 60 and len(set(slugs)) == 60


def test_most_articles_are_published_and_visible_to_readers():
    generate(200, "--seed", 5)
    now = timezone.now()
    published = Article.objects.published()
    assert published.count() >= 180
    assert published.count() == Article.objects.filter(status=Article.Status.PUBLISHED, published_at__lte=now).count()
    oldest = Article.objects.published().order_by("published_at").first().published_at
    assert now - timedelta(days=5 * 366) < oldest < now - timedelta(days=365)
    assert not Article.objects.filter(published_at__gt=now).exclude(status=Article.Status.PUBLISHED).exists()


def test_every_article_has_authors_a_category_tags_and_references():
    generate(40, "--seed", 6)
    assert not Article.objects.filter(authors=None).exists()
    assert not Article.objects.filter(tags=None).exists()
    assert Reference.objects.values("article").distinct().count() == 40
    reviewed = Article.objects.exclude(medical_reviewer=None)
    assert reviewed.exists() and not reviewed.filter(last_reviewed=None).exists()


def test_existing_categories_authors_and_tags_are_reused():
    category, author, tag = make_category(), make_author(), make_tag()
    generate(20, "--seed", 7)
    assert list(Category.objects.all()) == [category]
    assert list(Author.objects.all()) == [author]
    assert list(Tag.objects.all()) == [tag]
    assert Article.objects.filter(category=category, authors=author, tags=tag).count() == 20


def test_the_demo_catalogue_is_created_when_the_site_has_none():
    generate(10, "--seed", 8)
    assert Category.objects.filter(slug="regenerative-medicine").exists()
    assert Author.objects.exists() and Tag.objects.filter(slug="stem-cells").exists()


def test_a_generated_article_page_shows_its_title_and_table_of_contents(client):
    generate(5, "--seed", 9)
    article = Article.objects.published().first()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.title in response.content.decode()
    assert f'href="#{article.table_of_contents[0][0]}"' in response.content.decode()
