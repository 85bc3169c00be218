"""
Which readers with cookies get cached pages: a session cookie alone proves nothing (anyone can make one up), so
the page cache looks the session up; deploy/nginx.conf, which cannot, skips its micro-cache for staff alone.
"""

import re
import secrets
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from articles.models import Article
from magazine.admin_site import STAFF_COOKIE_NAME
from magazine.pagecache.middleware import is_anonymous_session
from tests.conftest import make_article
from tests.quotes.test_views import form_data

pytestmark = pytest.mark.django_db
NGINX_CONF = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.SITE_VERSION_CHECK_SECONDS = 600  # the query counts below are the session lookup's alone


@pytest.fixture
def cached_article(client):
    """An article whose page is cached, then changed without raising the site version: a reader given the
    cached page reads the old title, one given a rendered page the new one."""
    article = make_article(title="Cached title")
    assert "Cached title" in client.get(article.get_absolute_url()).content.decode()
    Article.objects.filter(pk=article.pk).update(title="Rendered title")
    return article


def reader(cookies):
    browser = Client()
    browser.cookies.load(cookies)
    return browser


def session_with(**data):
    session = SessionStore()
    session.update(data)
    session.create()
    return session.session_key


def assert_cached_after_the_session_lookup(browser, url, django_assert_num_queries):
    with django_assert_num_queries(1) as queries:
        html = browser.get(url).content.decode()
    assert "django_session" in queries.captured_queries[0]["sql"]
    assert "Cached title" in html


def test_a_made_up_session_cookie_gets_the_cached_page(cached_article, django_assert_num_queries):
    browser = reader({"sessionid": secrets.token_urlsafe(24)})
    assert_cached_after_the_session_lookup(browser, cached_article.get_absolute_url(), django_assert_num_queries)


def test_a_malformed_session_cookie_gets_the_cached_page_without_a_query(cached_article, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = reader({"sessionid": "x"}).get(cached_article.get_absolute_url()).content.decode()
    assert "Cached title" in html


def test_an_anonymous_session_gets_the_cached_page(cached_article, django_assert_num_queries):
    browser = reader({"sessionid": session_with(seen_cookie_notice=True)})
    assert_cached_after_the_session_lookup(browser, cached_article.get_absolute_url(), django_assert_num_queries)


def test_a_patient_who_sent_a_quote_request_gets_the_cached_pages(client, cached_article, django_assert_num_queries):
    assert client.post(reverse("quotes:request"), form_data()).status_code == 302
    assert client.get(reverse("quotes:thanks")).status_code == 200  # a signed cookie holds the request's reference
    assert settings.SESSION_COOKIE_NAME not in client.cookies  # so no session to look up at all
    with django_assert_num_queries(0):
        assert "Rendered title" not in client.get(cached_article.get_absolute_url()).content.decode()


def test_a_logged_in_editor_never_gets_a_cached_page(cached_article, editor):
    browser = Client()
    browser.force_login(editor)
    response = browser.get(cached_article.get_absolute_url())
    assert "Rendered title" in response.content.decode() and "private" in response["Cache-Control"]


def test_readers_with_messages_waiting_get_the_page_rendered(cached_article):
    in_session = reader({"sessionid": session_with(_messages='[["__json_message",0,25,"Thank you"]]')})
    in_cookie = reader({CookieStorage.cookie_name: "anything"})
    for browser in (in_session, in_cookie):
        assert "Rendered title" in browser.get(cached_article.get_absolute_url()).content.decode()


def test_a_session_that_cannot_be_read_is_not_taken_for_an_anonymous_one(monkeypatch, caplog):
    def fail(self):
        raise DatabaseError("the session table cannot be read")

    monkeypatch.setattr(SessionStore, "load", fail)
    assert is_anonymous_session(secrets.token_urlsafe(24)) is False
    assert "The session could not be read" in caplog.text


# The cookie deploy/nginx.conf reads


def test_admin_login_sets_the_staff_cookie_for_the_session_and_logout_removes_it(client, editor, settings):
    settings.STAFF_SESSION_SECONDS = 3600
    response = client.post(reverse("admin:login"), {"username": "editor", "password": "correct-horse-battery"})
    assert response.status_code == 302
    cookie = response.cookies[STAFF_COOKIE_NAME]
    assert cookie["max-age"] == 3600 and cookie["httponly"]
    failed = Client().post(reverse("admin:login"), {"username": "editor", "password": "wrong"})
    assert STAFF_COOKIE_NAME not in failed.cookies
    response = client.post(reverse("admin:logout"))
    assert response.cookies[STAFF_COOKIE_NAME].value == "" and response.cookies[STAFF_COOKIE_NAME]["max-age"] == 0


def test_a_made_up_staff_cookie_gets_the_cached_page_from_django(cached_article):
    html = reader({STAFF_COOKIE_NAME: "1"}).get(cached_article.get_absolute_url()).content.decode()
    assert "Cached title" in html


def nginx_map(variable):
    """The patterns and values of ``map $http_cookie $variable`` in deploy/nginx.conf."""
    block = re.search(r"map \$http_cookie \$" + variable + r" \{(.*?)\}", NGINX_CONF.read_text(), re.DOTALL)
    assert block, f"no map for ${variable}"
    entries = re.findall(r'"~(.*?)"\s+(\S+);', block[1])
    default = re.search(r"default\s+(\S+);", block[1])[1]
    return entries, default


def nginx_value(variable, cookie_header):
    entries, default = nginx_map(variable)
    for pattern, value in entries:  # nginx tries the regular expressions in order
        if re.search(pattern, cookie_header):
            return value
    return default


@pytest.mark.parametrize(
    "cookie_header,skips,stores",
    [
        ("", "0", "0"),
        ("sessionid=made-up", "0", "1"),
        ("csrftoken=abc; sessionid=made-up", "0", "1"),
        ("_ga=1; theme=dark", "0", "0"),
        (f"sessionid=abc; {STAFF_COOKIE_NAME}=1", "1", "1"),
        (f"{STAFF_COOKIE_NAME}=1", "1", "1"),
        ("messages=abc", "1", "1"),
        (f"not_{STAFF_COOKIE_NAME}=1", "0", "0"),
    ],
)
def test_the_nginx_micro_cache_is_skipped_for_staff_and_messages_alone(cookie_header, skips, stores):
    assert nginx_value("magazine_skips_cache", cookie_header) == skips
    # A page asked for with any session-like cookie is served from the micro-cache but never stored in it.
    assert nginx_value("magazine_has_cookie", cookie_header) == stores


def test_the_nginx_micro_cache_bypass_reads_the_staff_map_and_ignores_vary():
    conf = NGINX_CONF.read_text()
    assert re.search(r"proxy_cache_bypass \$magazine_skips_cache \$magazine_private_path;", conf)
    assert re.search(r"proxy_no_cache \$magazine_has_cookie \$magazine_private_path \$magazine_private_response;", conf)
    # Public pages vary on Cookie: with Vary obeyed, every made-up cookie would be a page of its own.
    assert re.search(r"proxy_ignore_headers [^;]*\bVary\b", conf)
