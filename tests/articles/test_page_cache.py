import time
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, SiteBlock
from tests.conftest import make_article, make_category

pytestmark = pytest.mark.django_db


def articles_sitemap():
    return reverse("sitemap-section", kwargs={"section": "articles"})


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_MAX_AGE = 60


def test_anonymous_pages_are_served_from_the_cache(client, django_assert_num_queries):
    article = make_article()
    for url in (reverse("articles:home"), article.get_absolute_url(), article.category.get_absolute_url(),
                reverse("feed-rss"), reverse("sitemap"), articles_sitemap()):
        first = client.get(url)
        assert first.status_code == 200
        assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
        with django_assert_num_queries(0):
            assert client.get(url).content == first.content


# Edits are committed for real in these tests: the site version goes up after the commit, never before.
committed = pytest.mark.django_db(transaction=True)


@committed
def test_an_edit_shows_at_once(client):
    article = make_article(title="First title")
    assert "First title" in client.get(article.get_absolute_url()).content.decode()
    assert "First title" in client.get(reverse("articles:home")).content.decode()
    article.title = "Second title"
    article.save()
    assert "Second title" in client.get(article.get_absolute_url()).content.decode()
    assert "Second title" in client.get(reverse("articles:home")).content.decode()
    assert "Second title" in client.get(reverse("feed-rss")).content.decode()


@committed
def test_unpublishing_from_the_admin_takes_the_article_off_every_page(client, editor):
    article = make_article(title="Soon withdrawn")
    url = article.get_absolute_url()
    for page in (url, reverse("articles:home"), articles_sitemap()):
        client.get(page)
    staff = client_class_login(editor)
    staff.post(reverse("admin:articles_article_changelist"), {"action": "unpublish_selected", "_selected_action": [article.pk]})
    assert client.get(url).status_code == 404
    assert "Soon withdrawn" not in client.get(reverse("articles:home")).content.decode()
    assert url not in client.get(articles_sitemap()).content.decode()


def client_class_login(user):
    from django.test import Client

    staff = Client()
    staff.force_login(user)
    return staff


@committed
def test_site_block_edit_shows_at_once(client):
    article = make_article()
    block = SiteBlock.objects.create(kind="promo", title="Old promo")
    client.get(article.get_absolute_url())
    block.title = "New promo"
    block.save()
    assert "New promo" in client.get(article.get_absolute_url()).content.decode()


def test_a_scheduled_article_appears_when_its_time_comes_without_any_edit(client):
    make_article(title="Already live")
    soon = timezone.now() + timedelta(seconds=30)
    make_article(title="Scheduled piece", published_at=soon)
    assert "Scheduled piece" not in client.get(reverse("articles:home")).content.decode()

    later = soon + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later), mock.patch(
        "django.core.cache.backends.locmem.time.time", return_value=time.time() + 31
    ):
        assert "Scheduled piece" in client.get(reverse("articles:home")).content.decode()


def test_pages_are_not_cached_past_the_next_scheduled_publication(client):
    make_article(published_at=timezone.now() + timedelta(seconds=45))
    response = client.get(reverse("articles:home"))
    max_age = int(response["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert 0 < max_age <= 45


def test_staff_are_never_served_cached_pages(client, editor):
    draft = make_article(status=Article.Status.DRAFT, title="Staff only draft")
    assert client.get(draft.get_absolute_url()).status_code == 404  # anonymous: a cached 404 is never stored
    home = client.get(reverse("articles:home"))
    staff = client_class_login(editor)
    response = staff.get(draft.get_absolute_url())
    assert response.status_code == 200 and "Preview" in response.content.decode()
    staff_home = staff.get(reverse("articles:home"))
    assert "private" in staff_home["Cache-Control"] and "public" not in staff_home["Cache-Control"]
    assert "public" in home["Cache-Control"]


def test_conditional_get_answers_304(client):
    article = make_article()
    first = client.get(article.get_absolute_url())
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_the_quote_form_is_never_cached(client):
    response = client.get(reverse("quotes:request"))
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_page_cache_can_be_turned_off(client, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article()
    client.get(article.get_absolute_url())
    response = client.get(article.get_absolute_url())
    assert "public" not in response.get("Cache-Control", "")


def test_an_expiring_article_leaves_cached_pages_when_its_time_comes(client):
    soon = timezone.now() + timedelta(seconds=20)
    article = make_article(title="Expiring piece", expires_at=soon)
    assert "Expiring piece" in client.get(reverse("articles:home")).content.decode()
    later = soon + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later), mock.patch(
        "django.core.cache.backends.locmem.time.time", return_value=time.time() + 21
    ):
        assert "Expiring piece" not in client.get(reverse("articles:home")).content.decode()
        assert client.get(article.get_absolute_url()).status_code == 404
        assert article.get_absolute_url() not in client.get(articles_sitemap()).content.decode()


def anonymous_get(rf, path="/some-page/"):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get(path)
    request.user = AnonymousUser()
    return request


def cached_view(view):
    """``view`` marked with public_page, behind the page cache middleware, as in the site's settings."""
    from magazine.pagecache.middleware import PublicPageCacheMiddleware, public_page

    return PublicPageCacheMiddleware(public_page(view))


def test_concurrent_requests_for_a_missing_page_render_it_once(rf):
    import threading

    from django.http import HttpResponse

    renders = []

    def slow_view(request):
        renders.append(1)
        time.sleep(0.3)
        return HttpResponse(f"rendered {len(renders)}")

    view = cached_view(slow_view)
    contents = []
    threads = [threading.Thread(target=lambda: contents.append(view(anonymous_get(rf)).content)) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert renders == [1]
    assert contents == [b"rendered 1"] * 5


def test_a_waiting_request_renders_the_page_itself_when_the_other_stores_nothing(rf):
    import threading

    from django.core.cache import cache
    from django.http import HttpResponseNotFound

    from magazine.pagecache.middleware import page_key
    from magazine.pagecache.version import current

    request = anonymous_get(rf)
    lock = f"{page_key(request)}:rendering:{current()}"
    cache.add(lock, 1)  # another request is rendering a page that is not cached (a 404, say)
    threading.Timer(0.1, cache.delete, [lock]).start()
    started = time.monotonic()
    response = cached_view(lambda request: HttpResponseNotFound("gone"))(request)
    assert response.status_code == 404
    assert time.monotonic() - started < 1


def test_a_waiting_request_stops_waiting_after_a_bound(rf, monkeypatch):
    from django.core.cache import cache
    from django.http import HttpResponse

    from magazine.pagecache import middleware, version

    monkeypatch.setattr(middleware, "RENDER_WAIT_SECONDS", 0.2)
    request = anonymous_get(rf)
    cache.add(f"{middleware.page_key(request)}:rendering:{version.current()}", 1)  # a request that never ends
    assert cached_view(lambda request: HttpResponse("mine"))(request).content == b"mine"


def test_a_hit_is_answered_before_sessions_and_authentication(client, django_assert_num_queries):
    from django.test import Client
    from django.test.utils import modify_settings

    article = make_article()
    first = client.get(article.get_absolute_url())
    # The stored page carries what the middleware below the cache added, and is answered without them.
    assert first["X-Frame-Options"] == "DENY" and first["ETag"]
    with modify_settings(MIDDLEWARE={"append": "tests.articles.test_page_cache.FailingMiddleware"}):
        other = Client()  # a new client loads the middleware as modified
        with pytest.raises(AssertionError, match="went past"):
            other.get(reverse("articles:search"), {"q": "not cached"})
        with django_assert_num_queries(0):
            hit = other.get(article.get_absolute_url())
    assert hit.content == first.content and hit["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in hit and "Strict-Transport-Security" not in hit  # plain HTTP test client
    assert client.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]}).status_code == 304


class FailingMiddleware:
    def __init__(self, get_response):
        pass

    def __call__(self, request):
        raise AssertionError("a cached page went past the page cache middleware")


@committed
def test_list_counts_are_cached_until_an_article_changes(client, settings, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.views import ArchiveView

    settings.PAGE_CACHE_SECONDS = 0  # the count is cached even when pages are not
    monkeypatch.setattr(ArchiveView, "paginate_by", 2)
    for _ in range(3):
        make_article()
    url = reverse("articles:archive")
    assert "Page 1 of 2" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not [query for query in queries if "COUNT(" in query["sql"]]
    make_article()
    make_article()
    assert "Page 1 of 3" in client.get(url).content.decode()


def test_a_list_count_changes_when_a_scheduled_article_goes_live(client, settings, monkeypatch):
    from articles.views import ArchiveView

    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(ArchiveView, "paginate_by", 1)
    make_article()
    make_article(published_at=timezone.now() + timedelta(seconds=30))
    url = reverse("articles:archive")
    assert "Page 1 of 1" not in client.get(url).content.decode()  # one page: no pagination at all
    later = timezone.now() + timedelta(seconds=31)
    with mock.patch("django.utils.timezone.now", return_value=later), mock.patch(
        "django.core.cache.backends.locmem.time.time", return_value=time.time() + 31
    ):
        assert "Page 1 of 2" in client.get(url).content.decode()


def test_tracking_parameters_of_a_shared_link_are_the_same_cached_page(client, django_assert_num_queries):
    article = make_article()
    url = article.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        for query in ("?utm_source=newsletter&utm_medium=email", "?fbclid=IwAR0abc", "?fbclid=IwAR0xyz&x=1"):
            assert client.get(url + query).content == first.content


def test_the_page_of_a_list_is_a_page_of_its_own(client, monkeypatch):
    from articles.views import ArchiveView

    monkeypatch.setattr(ArchiveView, "paginate_by", 1)
    make_article(title="Older piece", published_at=timezone.now() - timedelta(days=3))
    make_article(title="Newer piece", published_at=timezone.now() - timedelta(days=1))
    client.get(reverse("articles:archive"))
    second = client.get(reverse("articles:archive"), {"page": 2, "utm_campaign": "x"}).content.decode()
    assert "Older piece" in second and "Newer piece" not in second
    first = client.get(reverse("articles:archive"), {"utm_campaign": "x"}).content.decode()
    assert "Newer piece" in first and "Older piece" not in first


@committed
def test_a_process_reads_the_site_data_once_for_each_site_version(client, settings, monkeypatch):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 0  # every view renders its page
    category = make_category(name="Cardiology")
    article = make_article(category=category)
    client.get(article.get_absolute_url())
    reads = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys, *args, **kwargs: get_many(reads.extend(keys) or keys))
    html = client.get(article.get_absolute_url()).content.decode()
    assert ">Cardiology</a>" in html and not [key for key in reads if key.startswith("site:")]
    category.name = "Heart health"
    category.save()  # a new site version
    html = client.get(article.get_absolute_url()).content.decode()
    assert ">Heart health</a>" in html and ">Cardiology</a>" not in html
    assert [key for key in reads if key.startswith("site:")]


def test_the_site_version_is_read_from_the_database_at_most_once_a_second(client, settings, django_assert_num_queries):
    from magazine.pagecache import version

    settings.SITE_VERSION_CHECK_SECONDS = 1
    article = make_article(title="Latest piece")
    url = article.get_absolute_url()
    assert "Latest piece" in client.get(url).content.decode()  # rendered, and stored under the version
    with django_assert_num_queries(0):
        for _ in range(5):
            assert "Latest piece" in client.get(url).content.decode()
    with mock.patch.object(version.time, "monotonic", return_value=time.monotonic() + 1.5):
        with django_assert_num_queries(1) as context:
            assert "Latest piece" in client.get(url).content.decode()
    assert "magazine_siteversion" in context.captured_queries[0]["sql"]


def test_a_page_being_rendered_reads_its_data_under_the_version_it_was_looked_up_with(client, monkeypatch):
    from magazine.pagecache import version

    make_article(title="Latest piece")
    reads = []
    read = version._read
    monkeypatch.setattr(version, "_read", lambda: reads.append(1) or read())
    monkeypatch.setattr(version.time, "monotonic", lambda: len(reads) * 100.0)  # every check would read again
    html = client.get(reverse("articles:home")).content.decode()
    # The list's count, the next scheduled change and the site data were read under the version the page cache
    # read: once, for the whole page.
    assert "Latest piece" in html and reads == [1]


def test_a_page_is_not_stored_under_a_language_its_address_does_not_name(rf):
    from django.http import HttpResponse
    from django.utils import translation

    renders = []

    def view(request):
        renders.append(1)
        translation.activate("de")  # as a locale middleware would from a cookie: not the address's language
        return HttpResponse("Seite")

    try:
        cached = cached_view(view)
        cached(anonymous_get(rf))
        cached(anonymous_get(rf))
    finally:
        translation.activate("en-gb")
    assert renders == [1, 1]
