"""
A database that cannot be reached (magazine/faults.py): readers get the site's own page as HTTP 503 with
Retry-After, rendered without the database.

tests/test_faults_processes.py stops and starts a real PostgreSQL under the production server.
"""

import logging
from contextlib import contextmanager

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.urls import reverse

from magazine import faults
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
QUOTE = reverse("quotes:request")


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
