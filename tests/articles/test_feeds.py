from datetime import timedelta

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.articles.test_uploads import image_bytes
from tests.conftest import make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db

FEED_FORMATS = [("feed-rss", "rss20"), ("feed-atom", "atom10")]
UNPUBLISHED = {
    "draft": {"status": Article.Status.DRAFT},
    "in review": {"status": Article.Status.IN_REVIEW},
    "scheduled": {"published_at": timezone.now() + timedelta(days=1)},
    "unpublished after going live": {
        "status": Article.Status.DRAFT,
        "published_at": timezone.now() - timedelta(days=1),
    },
}


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content, response_headers={"content-type": response["Content-Type"]})
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def feed_url(name, category=None):
    if category is None:
        return reverse(name)
    return reverse(f"category-{name}", kwargs={"slug": category.slug})


def add_hero_image(article, name, content):
    article.hero_image.save(name, ContentFile(content))
    # FieldFile.save() leaves the dimensions empty; admin uploads store them (see test_admin).
    Article.objects.filter(pk=article.pk).update(hero_width=40, hero_height=30)


@pytest.fixture
def category():
    return make_category(name="Cardiology", slug="cardiology", description="Hearts, valves and bypasses.")


@pytest.mark.parametrize("name, version", FEED_FORMATS)
@pytest.mark.parametrize("per_category", [False, True], ids=["site", "category"])
def test_feeds_parse_without_error(client, category, name, version, per_category):
    make_article(category=category, standfirst="Prices < £5,000 & “falling” — for now.", tags=[make_tag()])
    feed = fetch(client, feed_url(name, category if per_category else None))
    assert feed.version == version
    assert feed.feed.title == ("Medical Tourism Magazine: Cardiology" if per_category else "Medical Tourism Magazine")
    assert len(feed.entries) == 1


@pytest.mark.parametrize("name, _", FEED_FORMATS)
def test_feed_links_to_the_site_and_describes_itself(client, name, _):
    feed = fetch(client, reverse(name))
    assert feed.feed.link == "http://testserver/"
    assert feed.feed.subtitle == "The latest medically reviewed articles from Medical Tourism Magazine."


@pytest.mark.parametrize("name, _", FEED_FORMATS)
def test_category_feed_uses_the_category_page_and_description(client, category, name, _):
    feed = fetch(client, feed_url(name, category))
    assert feed.feed.link == "http://testserver/category/cardiology/"
    assert feed.feed.subtitle == "Hearts, valves and bypasses."


@pytest.mark.parametrize("name, _", FEED_FORMATS)
def test_feed_entry_has_title_link_summary_authors_categories_and_dates(client, category, name, _):
    article = make_article(
        title="Heart surgery abroad",
        standfirst="What a bypass costs and how to choose a clinic.",
        category=category,
        authors=[make_author(name="Sam Writer"), make_author(name="Kim Second"), make_author(name="Lee Third")],
        tags=[make_tag(name="Costs"), make_tag(name="Bypass")],
    )
    (entry,) = fetch(client, reverse(name)).entries
    url = f"http://testserver{article.get_absolute_url()}"
    assert entry.title == "Heart surgery abroad"
    assert entry.link == url and entry.id == url
    assert entry.summary == "What a bypass costs and how to choose a clinic."
    assert entry.author == "Kim Second, Lee Third and Sam Writer"
    assert sorted(tag.term for tag in entry.tags) == ["Bypass", "Cardiology", "Costs"]
    assert entry.published_parsed[:6] == article.published_at.utctimetuple()[:6]
    assert not entry.enclosures


def test_atom_entry_is_updated_when_the_article_changes(client):
    article = make_article(published_at=timezone.now() - timedelta(days=10))
    (entry,) = fetch(client, reverse("feed-atom")).entries
    assert entry.updated_parsed[:6] == article.content_updated_at.utctimetuple()[:6]
    assert entry.published_parsed < entry.updated_parsed


@pytest.mark.parametrize("name, _", FEED_FORMATS)
def test_feed_summary_keeps_plain_text_standfirst_as_text(client, name, _):
    make_article(standfirst="Prices < £5,000 & <b>no</b> hidden fees.")
    (entry,) = fetch(client, reverse(name)).entries
    assert entry.summary == "Prices &lt; £5,000 &amp; &lt;b&gt;no&lt;/b&gt; hidden fees."


@pytest.mark.parametrize("name, _", FEED_FORMATS)
def test_feed_entry_has_the_hero_image_as_an_absolute_enclosure(client, name, _):
    article = make_article(hero_alt="A surgeon in theatre")
    content = image_bytes()
    add_hero_image(article, "hero.jpg", content)
    (entry,) = fetch(client, reverse(name)).entries
    (enclosure,) = entry.enclosures
    assert enclosure.href == f"http://testserver{article.hero_image.url}"
    assert enclosure.href.startswith("http://testserver/media/articles/hero/")
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == len(content)


def test_png_hero_image_enclosure_has_png_type(client):
    article = make_article(hero_alt="A chart")
    add_hero_image(article, "chart.png", image_bytes(image_format="PNG"))
    (entry,) = fetch(client, reverse("feed-rss")).entries
    assert entry.enclosures[0].type == "image/png"


def test_hero_image_missing_from_storage_gives_an_unknown_length(client):
    article = make_article(hero_alt="A surgeon in theatre")
    add_hero_image(article, "hero.jpg", image_bytes())
    article.hero_image.storage.delete(article.hero_image.name)
    (entry,) = fetch(client, reverse("feed-rss")).entries
    assert entry.enclosures[0].length == "0"


@pytest.mark.parametrize("name, _", FEED_FORMATS)
@pytest.mark.parametrize("per_category", [False, True], ids=["site", "category"])
@pytest.mark.parametrize("fields", UNPUBLISHED.values(), ids=UNPUBLISHED.keys())
def test_unpublished_articles_never_appear_in_feeds(client, category, name, _, per_category, fields):
    live = make_article(category=category)
    make_article(category=category, title="Not for readers", **fields)
    feed = fetch(client, feed_url(name, category if per_category else None))
    assert [entry.title for entry in feed.entries] == [live.title]


@pytest.mark.parametrize("name, _", FEED_FORMATS)
def test_category_feed_lists_only_that_categorys_articles(client, category, name, _):
    heart = make_article(category=category)
    make_article(category=make_category())
    feed = fetch(client, feed_url(name, category))
    assert [entry.title for entry in feed.entries] == [heart.title]


@pytest.mark.parametrize("name, _", FEED_FORMATS)
def test_feed_lists_the_latest_20_articles_newest_first(client, name, _):
    now = timezone.now()
    articles = [make_article(published_at=now - timedelta(days=days)) for days in range(25)]
    feed = fetch(client, reverse(name))
    assert [entry.title for entry in feed.entries] == [article.title for article in articles[:20]]


@pytest.mark.parametrize("name", ["category-feed-rss", "category-feed-atom"])
def test_unknown_category_feed_is_404(client, name):
    assert client.get(reverse(name, kwargs={"slug": "no-such-category"})).status_code == 404


@pytest.mark.parametrize("name, _", FEED_FORMATS)
@pytest.mark.parametrize("per_category", [False, True], ids=["site", "category"])
@pytest.mark.parametrize("count", [3, 25])
def test_feeds_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, category, name, _, per_category, count
):
    tags = [make_tag(), make_tag()]
    for _n in range(count):
        make_article(category=category, authors=[make_author(), make_author()], tags=tags)
    with django_assert_max_num_queries(4 if per_category else 3):
        fetch(client, feed_url(name, category if per_category else None))


def test_pages_advertise_the_rss_and_atom_feeds(client):
    html = client.get(reverse("articles:home")).content.decode()
    rss = 'type="application/rss+xml" title="Medical Tourism Magazine (RSS)" href="/feeds/rss/"'
    atom = 'type="application/atom+xml" title="Medical Tourism Magazine (Atom)" href="/feeds/atom/"'
    assert f'<link rel="alternate" {rss}>' in html and f'<link rel="alternate" {atom}>' in html
