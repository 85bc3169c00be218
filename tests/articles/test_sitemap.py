from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from articles.models import Article, Page
from articles.sitemaps import ArticleSitemap
from tests.conftest import make_article, make_author, make_category, make_tag

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


def get_xml(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ElementTree.fromstring(response.content)


def sitemap_files(client):
    """The sitemap index as {absolute URL of a sitemap file: lastmod}."""
    root = get_xml(client, "/sitemap.xml")
    assert root.tag == "{%s}sitemapindex" % NS["s"]
    files = root.iterfind("s:sitemap", NS)
    return {file.findtext("s:loc", namespaces=NS): file.findtext("s:lastmod", namespaces=NS) for file in files}


def sitemap(client):
    """Every URL of the sitemap, through its index, as {absolute URL: lastmod}."""
    urls = {}
    for file in sitemap_files(client):
        root = get_xml(client, file.removeprefix("http://testserver"))
        for url in root.iterfind("s:url", NS):
            loc = url.findtext("s:loc", namespaces=NS)
            assert loc not in urls, f"{loc} is listed twice"
            urls[loc] = url.findtext("s:lastmod", namespaces=NS)
    return urls


def absolute(obj):
    return f"http://testserver{obj.get_absolute_url()}"


def set_times(article, *, updated_days_ago, **fields):
    Article.objects.filter(pk=article.pk).update(content_updated_at=timezone.now() - timedelta(days=updated_days_ago), **fields)


def days_ago(days):
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def test_sitemap_lists_published_articles_their_categories_and_authors_with_lastmod(client):
    author, category = make_author(), make_category()
    article = make_article(category=category, authors=[author])
    urls = sitemap(client)
    today = timezone.localdate().isoformat()
    # The article in its own language; the home page, archive, category and author pages in every language.
    assert urls == {
        absolute(article): today,
        **{
            f"http://testserver{prefix}{path}": today
            for prefix in ("", "/de", "/ar")
            for path in ("/", "/articles/", category.get_absolute_url(), author.get_absolute_url())
        },
    }


def test_sitemap_lists_the_site_pages_and_the_tags_and_authors_with_published_articles(client):
    tag, lonely_tag, draft_tag = make_tag(name="Stroke"), make_tag(name="Unused"), make_tag(name="Draft only")
    writer, reviewer_only, draft_writer = make_author(), make_author(), make_author()
    make_article(tags=[tag], authors=[writer], published_at=timezone.now() - timedelta(days=3))
    make_article(tags=[draft_tag], authors=[draft_writer], status=Article.Status.DRAFT)
    about = Page.objects.create(slug="about", title="About us", summary="Who we are.", body="<p>Us.</p>")
    privacy = Page.objects.create(slug="privacy", title="Privacy", summary="Your data.", body="<p>Data.</p>")
    urls = sitemap(client)
    assert urls[absolute(tag)] == timezone.localdate().isoformat()  # its article changed today
    assert absolute(writer) in urls
    assert absolute(about) in urls and absolute(privacy) in urls
    assert urls[absolute(about)] == timezone.localdate().isoformat()
    for hidden in (lonely_tag, draft_tag, reviewer_only, draft_writer):
        assert absolute(hidden) not in urls
    assert "http://testserver/" in urls and "http://testserver/articles/" in urls


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


def test_article_lastmod_is_when_what_readers_read_last_changed_not_its_review(client):
    article = make_article(published_at=timezone.now() - timedelta(days=60))
    reviewed = timezone.localdate() - timedelta(days=2)
    set_times(article, updated_days_ago=30, medical_reviewer=make_author(), last_reviewed=reviewed)
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now(), featured=True)  # saved, nothing read changed
    assert sitemap(client)[absolute(article)] == days_ago(30)


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
    index = client.get("/sitemap.xml", headers={"host": "localhost"}).content.decode()
    assert "<loc>http://localhost/sitemap-articles.xml</loc>" in index
    articles = client.get("/sitemap-articles.xml", headers={"host": "localhost"}).content.decode()
    assert f"<loc>http://localhost{article.get_absolute_url()}</loc>" in articles


def test_a_large_archive_is_listed_in_several_files_each_article_once(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    articles = [make_article(published_at=timezone.now() - timedelta(days=n)) for n in range(5)]
    files = sitemap_files(client)
    assert [url for url in files if "articles" in url] == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-articles.xml?p=2",
        "http://testserver/sitemap-articles.xml?p=3",
    ]
    urls = sitemap(client)
    assert {absolute(article) for article in articles} <= set(urls)
    # Oldest first: a new article changes only the last file.
    first = get_xml(client, "/sitemap-articles.xml")
    assert [url.findtext("s:loc", namespaces=NS) for url in first.iterfind("s:url", NS)] == [
        absolute(articles[4]),
        absolute(articles[3]),
    ]


def test_the_index_gives_each_sections_latest_change(client):
    category, author = make_category(), make_author()
    article = make_article(category=category, authors=[author], published_at=timezone.now() - timedelta(days=60))
    set_times(article, updated_days_ago=8, medical_reviewer=make_author(), last_reviewed=timezone.localdate() - timedelta(days=3))
    files = sitemap_files(client)
    assert files["http://testserver/sitemap-articles.xml"].startswith(days_ago(8))
    assert files["http://testserver/sitemap-categories.xml"].startswith(days_ago(8))
    assert files["http://testserver/sitemap-authors.xml"].startswith(days_ago(8))


@pytest.mark.parametrize("count", [3, 25])
def test_sitemap_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    category = make_category()
    for _ in range(count):
        make_article(category=category, authors=[make_author(), make_author()])
    # The index: per section, its size and its latest change (the clinics' two sections included).
    with django_assert_max_num_queries(16):
        sitemap_files(client)
    for section in ("sections", "articles", "categories", "tags", "authors", "pages", "clinics", "destinations"):
        # The articles' file also reads their versions in other languages.
        with django_assert_max_num_queries(3 if section == "articles" else 2):
            get_xml(client, f"/sitemap-{section}.xml")
    languages = 3
    assert len(sitemap(client)) == count + languages * (2 + 1 + 2 * count)


def test_an_unknown_sitemap_section_or_page_is_not_found(client):
    make_article()
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-articles.xml?p=9").status_code == 404
    assert client.get("/sitemap-articles.xml?p=x").status_code == 404


def test_robots_txt_is_plain_text(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_points_to_the_sitemap(client):
    # Not /quote/: its pages say "noindex" themselves, which a crawler kept out would never read.
    assert client.get("/robots.txt").content.decode() == (
        "User-agent: *\n"
        "Disallow: /admin/\n"
        "Disallow: /editor/\n"
        "\n"
        "Sitemap: http://testserver/sitemap.xml\n"
    )
