from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from articles.models import Article
from tests.conftest import make_article, make_author, make_category

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
UNPUBLISHED = {
    "draft": {"status": Article.Status.DRAFT},
    "in review": {"status": Article.Status.IN_REVIEW},
    "scheduled": {"published_at": timezone.now() + timedelta(days=1)},
    "unpublished after going live": {
        "status": Article.Status.DRAFT,
        "published_at": timezone.now() - timedelta(days=1),
    },
}


def sitemap(client):
    """The sitemap as {absolute URL: lastmod}."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ElementTree.fromstring(response.content)
    urls = root.iterfind("s:url", NS)
    return {url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS) for url in urls}


def absolute(obj):
    return f"http://testserver{obj.get_absolute_url()}"


def set_times(article, *, updated_days_ago, **fields):
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(days=updated_days_ago), **fields)


def days_ago(days):
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def test_sitemap_lists_published_articles_their_categories_and_authors_with_lastmod(client):
    author, category = make_author(), make_category()
    article = make_article(category=category, authors=[author])
    urls = sitemap(client)
    today = timezone.localdate().isoformat()
    assert urls == {absolute(article): today, absolute(category): today, absolute(author): today}


@pytest.mark.parametrize("fields", UNPUBLISHED.values(), ids=UNPUBLISHED.keys())
def test_unpublished_articles_never_appear_in_the_sitemap(client, fields):
    live = make_article()
    hidden = make_article(**fields)
    urls = sitemap(client)
    assert absolute(live) in urls
    assert absolute(hidden) not in urls


@pytest.mark.parametrize("fields", UNPUBLISHED.values(), ids=UNPUBLISHED.keys())
def test_categories_and_authors_with_only_unpublished_articles_are_left_out(client, fields):
    make_article()
    category, author = make_category(), make_author()
    make_article(category=category, authors=[author], **fields)
    urls = sitemap(client)
    assert absolute(category) not in urls and absolute(author) not in urls


def test_article_lastmod_is_the_review_date_when_later_than_the_last_update(client):
    article = make_article(published_at=timezone.now() - timedelta(days=60))
    reviewed = timezone.localdate() - timedelta(days=2)
    set_times(article, updated_days_ago=30, medical_reviewer=make_author(), last_reviewed=reviewed)
    assert sitemap(client)[absolute(article)] == days_ago(2)


def test_article_lastmod_is_the_last_update_when_later_than_the_review(client):
    article = make_article(published_at=timezone.now() - timedelta(days=60))
    reviewed = timezone.localdate() - timedelta(days=20)
    set_times(article, updated_days_ago=5, medical_reviewer=make_author(), last_reviewed=reviewed)
    assert sitemap(client)[absolute(article)] == days_ago(5)


def test_scheduled_article_lastmod_is_when_it_went_live(client):
    article = make_article(published_at=timezone.now() - timedelta(days=3))
    set_times(article, updated_days_ago=10)
    assert sitemap(client)[absolute(article)] == days_ago(3)


def test_category_and_author_lastmod_is_their_latest_published_change(client):
    category, author = make_category(), make_author()
    older = make_article(category=category, authors=[author], published_at=timezone.now() - timedelta(days=60))
    newer = make_article(category=category, authors=[author], published_at=timezone.now() - timedelta(days=50))
    draft = make_article(category=category, authors=[author], status=Article.Status.DRAFT)
    set_times(older, updated_days_ago=4)
    set_times(newer, updated_days_ago=9)
    set_times(draft, updated_days_ago=1)
    urls = sitemap(client)
    assert urls[absolute(category)] == days_ago(4)
    assert urls[absolute(author)] == days_ago(4)


def test_sitemap_uses_the_requests_host(client):
    article = make_article()
    response = client.get("/sitemap.xml", headers={"host": "localhost"})
    assert f"<loc>http://localhost{article.get_absolute_url()}</loc>" in response.content.decode()


@pytest.mark.parametrize("count", [3, 25])
def test_sitemap_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    category = make_category()
    for _ in range(count):
        make_article(category=category, authors=[make_author(), make_author()])
    with django_assert_max_num_queries(6):
        assert len(sitemap(client)) == count + 1 + 2 * count


def test_robots_txt_is_plain_text(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_points_to_the_sitemap(client):
    assert client.get("/robots.txt").content.decode() == (
        "User-agent: *\n"
        "Disallow: /admin/\n"
        "Disallow: /quote/\n"
        "Disallow: /editor/\n"
        "\n"
        "Sitemap: http://testserver/sitemap.xml\n"
    )
