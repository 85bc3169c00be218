"""
The footer's sign-up form is on every public page and keeps them in the page cache: it carries no CSRF token,
so rendering it sets no cookie, and it posts to an endpoint that needs none.
"""

from unittest import mock

import pytest
from django.template.backends.jinja2 import Template
from django.test import Client
from django.urls import reverse

from newsletter.forms import CONSENT_TEXT
from newsletter.models import Subscriber
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    # A slow first render on a busy machine must not make the second request read the site version again.
    settings.SITE_VERSION_CHECK_SECONDS = 60


def renders():
    return mock.patch.object(Template, "render", autospec=True, side_effect=Template.render)


@pytest.mark.parametrize("page", ["home", "article", "signup"])
def test_a_page_with_the_signup_form_is_served_from_the_page_cache_and_sets_no_cookie(client, page, django_assert_num_queries):
    article = make_article()
    url = {"home": reverse("articles:home"), "article": article.get_absolute_url(), "signup": reverse("newsletter:signup")}[page]
    with renders() as render:
        first = client.get(url)
    assert render.call_count == 1
    html = first.content.decode()
    assert first.status_code == 200
    assert f'action="{reverse("newsletter:signup")}"' in html and str(CONSENT_TEXT) in html
    assert "csrfmiddlewaretoken" not in html
    assert not first.cookies and "Set-Cookie" not in first
    assert "public" in first["Cache-Control"]
    with renders() as render, django_assert_num_queries(0):
        second = client.get(url)
    assert render.call_count == 0  # not rendered again: the cached page
    assert second.content == first.content and not second.cookies


def test_the_footer_form_posts_without_a_csrf_token_and_the_pages_stay_cached(client, django_assert_num_queries):
    article = make_article()
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'name="source" value="%s"' % article.get_absolute_url() in page
    response = Client(enforce_csrf_checks=True).post(
        reverse("newsletter:signup"), {"email": "reader@example.org", "consent": "on", "source": article.get_absolute_url()}
    )
    assert response.status_code == 302
    assert Subscriber.objects.get().source_page == article.get_absolute_url()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    with django_assert_num_queries(0):  # a sign-up changes nothing readers see: the cached pages stay
        assert client.get(article.get_absolute_url()).status_code == 200


def test_a_rejected_signup_is_not_cached(client):
    first = client.post(reverse("newsletter:signup"), {"email": "nope"})
    assert first.status_code == 400
    page = client.get(reverse("newsletter:signup"))
    assert page.status_code == 200 and "Enter a valid e-mail address" not in page.content.decode()


def test_the_footer_form_is_not_repeated_on_the_newsletters_own_pages(client):
    html = client.get(reverse("newsletter:signup")).content.decode()
    assert html.count(str(CONSENT_TEXT)) == 1 and html.count('action="/newsletter/"') == 1


def test_the_footer_form_is_not_on_the_quote_pages_beside_the_patients_own_form(client):
    html = client.get(reverse("quotes:request")).content.decode()
    assert str(CONSENT_TEXT) not in html and 'id="newsletter-email"' not in html
