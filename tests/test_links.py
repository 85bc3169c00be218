"""magazine/links.py: reverse() remembered per URLconf and script prefix."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from magazine.links import cached_reverse
from tests.conftest import make_article, make_category


def test_the_same_address_as_reverse():
    assert cached_reverse("articles:home") == reverse("articles:home") == "/"
    assert cached_reverse("articles:detail", slug="knee-surgery") == reverse("articles:detail", kwargs={"slug": "knee-surgery"})


def test_an_address_follows_the_script_prefix():
    assert cached_reverse("articles:category", slug="dental") == "/category/dental/"
    set_script_prefix("/magazine/")
    try:
        assert cached_reverse("articles:category", slug="dental") == "/magazine/category/dental/"
    finally:
        set_script_prefix("/")
    assert cached_reverse("articles:category", slug="dental") == "/category/dental/"


def test_an_address_follows_the_urlconf(settings):
    with pytest.raises(NoReverseMatch):
        cached_reverse("bench-ceiling")
    settings.ROOT_URLCONF = "bench.urls"  # the site's URLs and one more
    assert cached_reverse("bench-ceiling") == "/bench/ceiling/"


@pytest.mark.django_db
def test_each_request_links_under_its_own_script_prefix(client, settings):
    """The prefix a request reads at its first address is its own, not the previous request's."""
    path = make_article(category=make_category(name="Dental", slug="dental")).get_absolute_url()
    set_script_prefix("/magazine/")  # as Django's WSGI handler sets it for a site mounted there
    try:
        mounted = client.get(path).content.decode()
    finally:
        set_script_prefix("/")
        # Django's static files storage keeps the prefix it first saw: let the next tests start afresh.
        settings.STATIC_URL = settings.STATIC_URL
    assert 'href="/magazine/category/dental/"' in mounted and 'href="/category/dental/"' not in mounted
    plain = client.get(path).content.decode()
    assert 'href="/category/dental/"' in plain and 'href="/magazine/category/' not in plain
    # After the response, outside any request, the prefix is read again at each call.
    set_script_prefix("/elsewhere/")
    try:
        assert cached_reverse("articles:category", slug="dental") == "/elsewhere/category/dental/"
    finally:
        set_script_prefix("/")


@pytest.mark.django_db
def test_a_request_reads_the_prefix_and_urlconf_once(client, monkeypatch):
    import magazine.links as links

    path = make_article(category=make_category()).get_absolute_url()
    reads = []
    real = links.get_script_prefix
    monkeypatch.setattr(links, "get_script_prefix", lambda: reads.append(1) or real())
    html = client.get(path).content.decode()
    assert html.count('href="/') > 5  # the page's links, each from cached_reverse
    assert len(reads) == 1


LANGUAGES = [("en-gb", "English"), ("de", "German"), ("ar", "Arabic")]


def test_an_address_follows_the_active_language(settings):
    from django.utils import translation

    settings.LANGUAGES = LANGUAGES
    settings.ROOT_URLCONF = "tests.urlconfs.translated"
    assert cached_reverse("articles:category", slug="dental") == "/category/dental/"
    with translation.override("de"):
        assert cached_reverse("articles:category", slug="dental") == "/de/category/dental/"
        with translation.override("ar"):
            assert cached_reverse("articles:category", slug="dental") == "/ar/category/dental/"
        assert cached_reverse("articles:category", slug="dental") == "/de/category/dental/"
    assert cached_reverse("articles:category", slug="dental") == "/category/dental/"


def test_the_page_cache_keeps_each_language_apart(rf, settings):
    from magazine.pagecache.middleware import page_key, page_language

    settings.LANGUAGES = LANGUAGES
    english, german = rf.get("/category/dental/"), rf.get("/de/category/dental/")
    assert (page_language(english), page_language(german)) == ("en-gb", "de")
    assert page_key(english) != page_key(german)
    assert page_key(rf.get("/category/dental/")) == page_key(english)
    assert page_key(rf.get("/category/dental/"), language="de") != page_key(english)
