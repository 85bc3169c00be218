from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Reference, SiteBlock
from tests.conftest import listed_titles, make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_blocks(db):
    return {
        # Migrations create these two: the test gives them wording of its own.
        "disclaimer": SiteBlock.objects.update_or_create(
            kind="disclaimer", defaults={"title": "Medical disclaimer", "body": "<p>Not medical advice.</p>"}
        )[0],
        "quote_cta": SiteBlock.objects.update_or_create(
            kind="quote_cta",
            defaults={
                "title": "Considering treatment abroad?", "body": "<p>Ask us.</p>",
                "link_text": "Get a free quote", "link_url": "/quote/",
            },
        )[0],
        "promo": SiteBlock.objects.create(
            kind="promo", title="Become a Certified Medical Tourism Professional", body="<p>Learn.</p>",
            link_text="Learn about certification", link_url="https://example.org/cmtp",
        ),
    }


@pytest.fixture
def reviewed_article(site_blocks):
    reviewer = make_author(name="Dr Ana Ruiz", credentials="MD, neurologist")
    article = make_article(
        title="Stem cells after stroke",
        standfirst="What the trials show.",
        body="<h2>The evidence</h2><p>Early trials.</p><h2>Costs</h2><p>Varied.</p>",
        authors=[make_author(name="Sam Writer", credentials="Health journalist"), make_author(name="Kim Second")],
        medical_reviewer=reviewer,
        last_reviewed=timezone.localdate() - timedelta(days=3),
        tags=[make_tag(name="Stroke")],
    )
    Reference.objects.create(article=article, position=2, citation="Second citation", pmid="12345678")
    Reference.objects.create(article=article, position=1, citation="First citation", doi="10.1161/STROKEAHA.120.029")
    return article


def test_article_page_shows_everything_a_reader_needs(client, reviewed_article):
    response = client.get(reviewed_article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Stem cells after stroke" in html and "What the trials show." in html
    assert "Sam Writer" in html and "Kim Second" in html
    assert "Medically reviewed by" in html and "Dr Ana Ruiz</a>, MD, neurologist" in html
    assert '<a href="#the-evidence">The evidence</a>' in html and '<h2 id="the-evidence">' in html
    assert "1 min read" in html
    assert html.index("First citation") < html.index("Second citation")
    assert "https://doi.org/10.1161/STROKEAHA.120.029" in html
    assert "https://pubmed.ncbi.nlm.nih.gov/12345678/" in html
    assert html.count("Not medical advice.") == 1
    assert f'href="/quote/?article={reviewed_article.slug}"' in html and "Get a free quote" in html
    assert "Become a Certified Medical Tourism Professional" in html
    assert 'href="/tags/' in html


def test_site_blocks_are_editable_copy_not_hard_coded(client, reviewed_article, site_blocks):
    site_blocks["promo"].title = "Train with us"
    site_blocks["promo"].save()
    site_blocks["disclaimer"].is_active = False
    site_blocks["disclaimer"].save()
    html = client.get(reviewed_article.get_absolute_url()).content.decode()
    assert "Train with us" in html
    assert "Not medical advice." not in html


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.IN_REVIEW},
        {"published_at": "future"},
    ],
)
def test_unpublished_articles_are_404_for_readers(client, fields):
    if fields.get("published_at") == "future":
        fields = {"published_at": timezone.now() + timedelta(days=1)}
    article = make_article(**fields)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()


def test_staff_preview_a_draft_with_a_banner_and_no_caching(client, editor):
    article = make_article(status=Article.Status.DRAFT, title="Secret draft")
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: this article is <strong>draft</strong>" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_logged_in_non_staff_cannot_preview(client, django_user_model):
    user = django_user_model.objects.create_user(username="reader", password="x")
    client.force_login(user)
    assert client.get(make_article(status=Article.Status.DRAFT).get_absolute_url()).status_code == 404


def test_staff_without_article_permission_cannot_preview(client, triage):
    client.force_login(triage)
    assert client.get(make_article(status=Article.Status.DRAFT).get_absolute_url()).status_code == 404


def test_home_shows_featured_then_latest_published_only(client):
    featured = make_article(title="Featured piece", featured=True)
    latest = make_article(title="Latest piece")
    make_article(title="Draft piece", status=Article.Status.DRAFT)
    make_article(title="Future piece", published_at=timezone.now() + timedelta(hours=2))
    response = client.get(reverse("articles:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Featured piece") < html.index("Latest piece")
    assert html.count("Featured piece") == 1
    assert "Draft piece" not in html and "Future piece" not in html
    featured_section, latest_section = html.split('id="latest-heading"')
    assert listed_titles(featured_section) == [featured.title]
    assert listed_titles(latest_section) == [latest.title]


def test_later_home_pages_leave_the_featured_articles_out_without_loading_them(
    client, settings, monkeypatch, django_assert_max_num_queries
):
    from articles import views

    monkeypatch.setattr(views.HomeView, "paginate_by", 2)
    settings.PAGE_CACHE_SECONDS = 0  # every request renders its page
    now = timezone.now()
    featured = make_article(title="Featured piece", featured=True, published_at=now - timedelta(hours=1))
    latest = [make_article(title=f"Piece {n}", published_at=now - timedelta(days=n)) for n in range(1, 4)]
    first = client.get(reverse("articles:home")).content.decode()
    assert listed_titles(first) == [featured.title, latest[0].title, latest[1].title]
    client.get(reverse("articles:home"), {"page": 2})  # the list's count is cached now
    with django_assert_max_num_queries(3):  # the featured ids, then the page's articles and their authors
        second = client.get(reverse("articles:home"), {"page": 2}).content.decode()
    assert listed_titles(second) == [latest[2].title] and "Featured piece" not in second


def test_category_author_and_tag_pages_list_their_published_articles(client):
    category, author, tag = make_category(name="Cardiology"), make_author(name="Sam"), make_tag(name="Heart")
    mine = make_article(title="Mine", category=category, authors=[author], tags=[tag])
    make_article(title="Other")
    make_article(title="Hidden", category=category, authors=[author], tags=[tag], status=Article.Status.DRAFT)
    for url in (category.get_absolute_url(), author.get_absolute_url(), tag.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert listed_titles(response.content.decode()) == [mine.title], url


def test_unknown_category_author_and_tag_are_404(client):
    for name in ("category", "author", "tag", "detail"):
        assert client.get(reverse(f"articles:{name}", kwargs={"slug": "nope"})).status_code == 404


def test_lists_are_paginated(client, settings):
    category = make_category()
    for _ in range(14):
        make_article(category=category)
    first = client.get(category.get_absolute_url()).content.decode()
    second = client.get(category.get_absolute_url() + "?page=2").content.decode()
    assert len(listed_titles(first)) == 12 and len(listed_titles(second)) == 2
    assert 'rel="next" href="?page=2"' in first
    assert client.get(category.get_absolute_url() + "?page=9").status_code == 404
    assert client.get(category.get_absolute_url() + "?page=abc").status_code == 404


def _fill_archive(count):
    categories = [make_category() for _ in range(3)]
    authors = [make_author() for _ in range(3)]
    tags = [make_tag() for _ in range(3)]
    for i in range(count):
        article = make_article(category=categories[i % 3], authors=authors[: 1 + i % 3], tags=tags[: i % 3], featured=i < 3)
        Reference.objects.create(article=article, citation="A citation")
    return article


# The site version and the site-wide data (navigation, site blocks, footer pages) are read at the first page
# view and kept until an edit: the budgets are for a site that has served a page, and these more when cold.
SITE_WIDE_QUERIES = 4


@pytest.mark.parametrize("count", [3, 30])
def test_article_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, site_blocks, count):
    article = _fill_archive(count)
    # The article, its four relations, the related articles and its versions in other languages (one query on
    # PostgreSQL: tests/articles/test_article_page.py).
    with django_assert_max_num_queries(7 + SITE_WIDE_QUERIES):
        assert client.get(article.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_home_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, site_blocks, count):
    _fill_archive(count)
    with django_assert_max_num_queries(8 + SITE_WIDE_QUERIES):
        assert client.get(reverse("articles:home")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("articles:home")).status_code == 200


@pytest.mark.django_db(transaction=True)  # the edits commit, and the site version goes up after each commit
def test_editing_site_wide_data_shows_at_once(client, site_blocks):
    article = make_article()
    client.get(article.get_absolute_url())
    site_blocks["promo"].title = "New promo title"
    site_blocks["promo"].save()
    make_category(name="Oncology")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "New promo title" in html and "Oncology" in html


@pytest.mark.parametrize("count", [3, 30])
def test_list_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    article = _fill_archive(count)
    author, tag = article.authors.first(), article.tags.first()
    urls = (reverse("articles:archive"), article.category.get_absolute_url(), author.get_absolute_url(), tag.get_absolute_url())
    for url in urls:
        # With nothing cached: the site data (navigation, blocks, footer), the list's count, the next scheduled
        # changes (articles, accreditations), the object named by the URL, the articles and their authors.
        with django_assert_max_num_queries(9):
            assert client.get(url).status_code == 200
    for url in urls:
        # Then the object, the articles and their authors.
        with django_assert_max_num_queries(3):
            assert client.get(url).status_code == 200


def test_pages_have_landmarks_skip_link_and_one_h1(client, reviewed_article):
    for url in (reverse("articles:home"), reviewed_article.get_absolute_url(), reviewed_article.category.get_absolute_url()):
        html = client.get(url).content.decode()
        assert html.count("<h1") == 1, url
        assert '<main id="main"' in html and "<header" in html and "<footer" in html and "<nav" in html
        assert 'href="#main"' in html
        assert '<html lang="en" dir="ltr">' in html


def test_hero_image_has_alt_text_and_dimensions(client, reviewed_article):
    from django.core.files.base import ContentFile

    from tests.articles.test_uploads import image_bytes

    reviewed_article.hero_alt = "A scan of a brain"
    reviewed_article.hero_image.save("hero.jpg", ContentFile(image_bytes(width=320, height=180)))
    html = client.get(reviewed_article.get_absolute_url()).content.decode()
    assert 'alt="A scan of a brain" width="320" height="180"' in html


def boom(request):
    raise RuntimeError("broken")


urlpatterns = [__import__("django.urls").urls.path("boom/", boom)]


def test_server_error_page_is_friendly(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_a_deep_page_of_a_list_finds_its_articles_in_two_steps(client, monkeypatch, django_assert_max_num_queries):
    from articles import views

    monkeypatch.setattr(views, "DEEP_PAGE_OFFSET", 2)
    monkeypatch.setattr(views.ArchiveView, "paginate_by", 2)
    now = timezone.now()
    titles = [make_article(title=f"Piece {n}", published_at=now - timedelta(days=n)).title for n in range(7)]
    pages = [listed_titles(client.get(reverse("articles:archive"), {"page": n}).content.decode()) for n in (1, 2, 3, 4)]
    assert pages == [titles[0:2], titles[2:4], titles[4:6], titles[6:]]
    with django_assert_max_num_queries(4):  # the ids, the articles and their authors (counted already)
        page = client.get(reverse("articles:archive"), {"page": 3})
    assert listed_titles(page.content.decode()) == titles[4:6]
