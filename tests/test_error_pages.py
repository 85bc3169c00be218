"""
The site's own error pages (magazine/errors.py), also for a request whose body Django refuses to read: a form
declaring a charset other than UTF-8, which Django refuses again at every read of ``request.POST``.
"""

import logging
import urllib.error
import urllib.request

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from magazine.errors import server_error
from quotes.models import PatientMessage, QuoteRequest
from quotes.services import patient_link, send_quote
from tests.conftest import make_article, make_category
from tests.live_site import live_site
from tests.quotes.test_quotes import make_quote, path_of

pytestmark = pytest.mark.django_db

LATIN_1_FORM = "application/x-www-form-urlencoded; charset=latin-1"
CSRF_SECRET = "k" * 32  # a well-formed CSRF cookie; the form sends it back as its token
BAD_REQUEST_PAGE = "We couldn’t read what your browser sent"


@pytest.fixture
def form_urls(editor, triage):
    """Every address that takes a form, and who is logged in to send it."""
    quote = make_quote()
    send_quote(quote=quote, by=triage)
    article = make_article()
    return {
        "quote form": ("/quote/", None),
        "search": ("/search/", None),
        "admin login": (reverse("admin:login"), None),
        "patient's quote page": (path_of(patient_link(quote)), None),
        "editor upload": (reverse("articles:editor-upload"), editor),
        "admin article form": (reverse("admin:articles_article_change", args=[article.pk]), editor),
        "admin quote request form": (reverse("admin:quotes_quoterequest_change", args=[quote.quote_request.pk]), triage),
        "admin logout": (reverse("admin:logout"), editor),
    }


def post_latin_1(client, path, **fields):
    body = "&".join(f"{name}={value}" for name, value in {"csrfmiddlewaretoken": CSRF_SECRET, **fields}.items())
    return client.generic("POST", path, body.encode("latin-1"), content_type=LATIN_1_FORM)


FORMS = [
    "quote form", "search", "admin login", "patient's quote page", "editor upload", "admin article form",
    "admin quote request form", "admin logout",
]  # fmt: skip


@pytest.mark.parametrize("form", FORMS)
def test_a_form_in_another_charset_gets_the_sites_400_page(form, form_urls, caplog):
    path, user = form_urls[form]
    # The CSRF check on, as in production: it is the first to read the body.
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_SECRET
    if user:
        client.force_login(user)
    requests = QuoteRequest.objects.count()
    with caplog.at_level(logging.WARNING):
        response = post_latin_1(client, path, name="Mar%EDa", action="accept", q="h%E9patite")
    html = response.content.decode()
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert BAD_REQUEST_PAGE in html and "Nothing was saved." in html
    assert '<header class="site-header">' in html  # the site's page, not Django's bare one
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert QuoteRequest.objects.count() == requests and not PatientMessage.objects.exists()


@pytest.mark.parametrize("form", ["quote form", "admin login", "patient's quote page", "editor upload", "admin article form"])
def test_views_that_read_the_form_themselves_answer_400_too(form, form_urls):
    # The test client skips the CSRF check: here the view is the first to read the body.
    path, user = form_urls[form]
    client = Client()
    if user:
        client.force_login(user)
    response = post_latin_1(client, path, action="accept")
    assert response.status_code == 400 and BAD_REQUEST_PAGE in response.content.decode()
    assert not PatientMessage.objects.exists()


def test_after_the_400_page_the_body_reads_as_an_empty_form(client):
    # What runs after the handler (error logging, an e-mail to ADMINS) may describe the request's POST.
    response = post_latin_1(client, "/quote/", name="Mar%EDa")
    assert response.status_code == 400
    assert response.wsgi_request.POST == {} and response.wsgi_request.FILES == {}


def test_an_unknown_address_posted_in_another_charset_gets_the_sites_404_page():
    make_category(name="Cardiology")
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_SECRET
    response = post_latin_1(client, "/no-such-page/", q="h%E9patite")
    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()


def test_the_400_page_reads_only_the_site_data(client, django_assert_max_num_queries):
    # The site version and the navigation, categories and footer pages; no session, no write.
    with django_assert_max_num_queries(4):
        response = post_latin_1(client, "/quote/", name="Mar%EDa")
    assert response.status_code == 400


def test_an_error_in_a_view_gets_the_standalone_500_page(client, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("articles.views.HomeView.get", fail)
    client.raise_request_exception = False
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "site-header" not in html


def test_the_500_page_needs_no_request_data():
    request = RequestFactory().generic("POST", "/quote/", "name=Mar%EDa", content_type=LATIN_1_FORM)
    response = server_error(request)
    assert response.status_code == 500 and "Something went wrong on our side" in response.content.decode()
    assert request.POST == {}


def post_raw(browser, path, body, content_type):
    request = urllib.request.Request(browser.url + path, data=body.encode("latin-1"), headers={"Content-Type": content_type})
    try:
        with browser.opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read().decode()


@pytest.mark.processes
def test_the_production_server_answers_a_form_in_another_charset_with_the_sites_400_page(tmp_path):
    # gunicorn's bare 500 was what people saw: Django's handlers failed again on the body.
    with live_site(tmp_path, workers=1) as site:
        browser = site.session()
        answers = {}
        for path in ["/quote/", "/admin/login/", "/search/", "/no-such-page/"]:
            browser.get(path if path != "/no-such-page/" else "/quote/")  # the CSRF cookie
            body = f"csrfmiddlewaretoken={browser.cookie('csrftoken')}&name=Zorblax+Mar%EDa"
            answers[path] = post_raw(browser, path, body, LATIN_1_FORM)
        log = site.log.read_text()

    for path in ["/quote/", "/admin/login/", "/search/"]:
        status, headers, html = answers[path]
        assert status == 400, path
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert BAD_REQUEST_PAGE in html and '<header class="site-header">' in html
    status, _, html = answers["/no-such-page/"]
    assert status == 404 and "We couldn’t find that page" in html
    assert "During handling of the above exception" not in log and "Internal Server Error" not in log
    assert "Zorblax" not in log
