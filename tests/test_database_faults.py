"""
A database that cannot be reached (magazine/faults.py): readers get the site's own page as HTTP 503 with
Retry-After, rendered without the database; a patient whose quote request could not be saved gets the form
back filled in, and a patient whose request was saved is told so, whatever fails after the commit.

tests/test_faults_processes.py stops and starts a real PostgreSQL under the production server.
"""

import logging
import re
from contextlib import contextmanager
from html import unescape

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError, connection
from django.urls import reverse

from magazine import faults
from quotes.models import QuoteRequest
from tests.conftest import make_article
from tests.quotes.test_views import form_data, knee, stem_cells  # noqa: F401  # fixtures

pytestmark = pytest.mark.django_db
QUOTE = reverse("quotes:request")
REFERENCE_RE = re.compile(r'class="reference">(MT-\d{4}-[A-Z0-9]{6})<')


@pytest.fixture(autouse=True)
def fresh_log_lines():
    faults._logged.clear()
    yield
    faults._logged.clear()


@contextmanager
def database_down(error=OperationalError):
    """Every query fails as it does when PostgreSQL is stopped; ``tried`` lists the queries attempted."""
    tried = []

    def refuse(execute, sql, params, many, context):
        tried.append(sql)
        raise error('connection to server at "db" (10.0.0.5), port 5432 failed: Connection refused')

    with connection.execute_wrapper(refuse):
        yield tried


def field_value(html, name):
    found = re.search(rf'<input type="[a-z]+" name="{name}" value="([^"]*)"', html)
    return unescape(found[1]) if found else None


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_readers_of_uncached_pages_get_the_friendly_page_as_503_with_retry_after(client, error):
    article = make_article(title="Knee surgery abroad")
    for url in (article.get_absolute_url(), reverse("articles:home"), QUOTE):
        with database_down(error):
            response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == str(faults.RETRY_AFTER_SECONDS)
        assert "no-store" in response["Cache-Control"]
        html = response.content.decode()
        assert "We cannot show this page right now" in html and "try again in a minute" in html
        assert "Something went wrong" not in html  # not the 500 page


def test_the_friendly_page_is_made_without_the_database():
    with database_down() as tried:
        response = faults.unavailable_page()
    assert response.status_code == 503 and "Medical Tourism Magazine" in response.content.decode()
    assert tried == []


def test_the_outage_is_logged_once_a_minute_and_not_once_per_request(client, caplog):
    article = make_article()
    with caplog.at_level(logging.INFO), database_down():
        for _ in range(20):
            assert client.get(article.get_absolute_url()).status_code == 503
    lines = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.name for record in lines] == ["magazine.faults"]
    assert "The database cannot be reached (connection to server" in lines[0].getMessage()


def test_a_quote_that_cannot_be_saved_comes_back_filled_in_with_503(client, stem_cells):
    data = form_data(stem_cells, name="Maria <Example>", phone="+44 20 7946 0000", contact_method="phone",
                     condition_summary="Ischaemic stroke in 2025, left-side weakness.")  # fmt: skip
    with database_down() as tried:
        response = client.post(QUOTE, data)
    assert tried  # it did try to save it
    assert response.status_code == 503 and response["Retry-After"] == str(faults.RETRY_AFTER_SECONDS)
    html = response.content.decode()
    assert "Your request was not sent" in html and "please send it again in a minute" in html
    assert "attach them again" in html  # files are not kept, and the page says so
    assert field_value(html, "name") == "Maria <Example>"
    assert field_value(html, "email") == "maria@example.org" and field_value(html, "phone") == "+44 20 7946 0000"
    assert "Ischaemic stroke in 2025, left-side weakness.</textarea>" in html
    assert re.search(r'<option value="GB" selected>', html)
    assert re.search(r'value="15k_30k" selected', html) and re.search(r'value="3_6_months" selected', html)
    assert re.search(r'<input type="radio" name="contact_method" value="phone"[^>]* checked', html)
    assert re.search(r'<input type="checkbox" name="consent"[^>]* checked', html)
    # The same form token: sent again, it can never make a second request.
    assert field_value(html, "form_token") == data["form_token"]
    assert field_value(html, "treatment") == str(stem_cells.pk)
    assert field_value(html, "destinations") == str(data["destinations"][0])
    assert not QuoteRequest.objects.exists()


def test_the_form_sent_again_from_that_page_is_saved_once(client, knee):
    data = form_data(knee)
    with database_down():
        html = client.post(QUOTE, data).content.decode()
    again = {name: field_value(html, name) for name in ("form_token", "treatment", "destinations", "name", "email")}
    assert again["form_token"] == data["form_token"]
    response = client.post(QUOTE, {**data, **again})
    assert response.status_code == 302
    assert client.post(QUOTE, {**data, **again}).status_code == 302  # a second click
    assert QuoteRequest.objects.count() == 1


def test_forms_that_could_not_be_saved_do_not_count_against_the_rate_limit(client, knee, settings):
    settings.QUOTE_RATE_LIMIT = 2
    data = form_data(knee)
    with database_down():
        assert [client.post(QUOTE, data).status_code for _ in range(5)] == [503] * 5
    assert client.post(QUOTE, data).status_code == 302
    assert QuoteRequest.objects.count() == 1


def test_a_refused_form_while_the_database_is_down_also_keeps_what_was_typed(client):
    data = form_data(email="not an address")
    with database_down():
        response = client.post(QUOTE, data)
    assert response.status_code == 503
    assert field_value(response.content.decode(), "email") == "not an address"


def test_a_saved_request_is_reported_received_even_if_the_session_cannot_be_written(client, knee, monkeypatch):
    """The session write after the commit failed while PostgreSQL went away: the patient was told it failed."""
    client.get(QUOTE)  # a patient with a session

    def unreachable(self, must_create=False):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "save", unreachable)
    response = client.post(QUOTE, form_data(knee), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you: we have your request" in html
    assert REFERENCE_RE.search(html)[1] == QuoteRequest.objects.get().reference


def test_the_thanks_page_needs_no_session(client, knee):
    response = client.post(QUOTE, form_data(knee))
    assert response.status_code == 302 and response["Location"] == reverse("quotes:thanks")
    assert "sessionid" not in response.cookies
    cookie = response.cookies["quote_received"]
    assert cookie["httponly"] and cookie["path"] == QUOTE and cookie["samesite"] == "Lax"
    assert REFERENCE_RE.search(client.get(reverse("quotes:thanks")).content.decode())[1] == QuoteRequest.objects.get().reference


def test_the_thanks_page_still_gives_the_reference_when_the_database_goes_away_after_saving(client, stem_cells):
    client.post(QUOTE, form_data(stem_cells))
    with database_down():
        response = client.get(reverse("quotes:thanks"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you: we have your request" in html
    assert REFERENCE_RE.search(html)[1] == QuoteRequest.objects.get().reference
    assert "This treatment is experimental" not in html  # that needs the database


def test_a_forged_or_foreign_reference_cookie_shows_nothing(client, knee):
    client.post(QUOTE, form_data(knee))
    reference = QuoteRequest.objects.get().reference
    client.cookies["quote_received"] = reference  # unsigned: as someone who knows a reference would try
    assert client.get(reverse("quotes:thanks"))["Location"] == QUOTE
