"""The quote forms' rate limit writes one line when an address goes over it, not one per refused request."""

import logging

import pytest
from django.urls import reverse

from tests.quotes.test_views import form_data, knee  # noqa: F401  # fixture

pytestmark = pytest.mark.django_db
URL = reverse("quotes:request")


def test_refusals_are_logged_once_per_address_and_window(client, knee, settings, caplog):
    settings.QUOTE_RATE_LIMIT, settings.QUOTE_RATE_WINDOW = 1, 3600
    settings.TRUST_X_REAL_IP = True
    with caplog.at_level(logging.INFO):
        statuses = [client.post(URL, form_data(knee), HTTP_X_REAL_IP="203.0.113.7").status_code for _ in range(6)]
        statuses += [client.post(URL, form_data(knee), HTTP_X_REAL_IP="198.51.100.9").status_code for _ in range(3)]
    assert statuses == [302, 429, 429, 429, 429, 429, 302, 429, 429]
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.getMessage() for record in warnings] == [
        "203.0.113.7 sent more than 1 forms within 3600 s: refusing the next ones in this window.",
        "198.51.100.9 sent more than 1 forms within 3600 s: refusing the next ones in this window.",
    ]
    assert not [record for record in caplog.records if record.name == "django.request"]


def test_other_client_errors_are_still_logged(client, caplog):
    with caplog.at_level(logging.WARNING):
        assert client.get("/no-such-page/").status_code == 404
    assert [record.name for record in caplog.records] == ["django.request"]
