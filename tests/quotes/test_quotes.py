import re
import time
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from outbox.models import Email
from quotes.models import PatientMessage, Quote, QuoteLine, QuoteRequest
from quotes.services import patient_link, send_quote
from tests.quotes.test_admin import make_request

pytestmark = pytest.mark.django_db


def make_quote(quote_request=None, *, lines=((1, "12000.00"), (3, "85.50")), **fields):
    quote = Quote.objects.create(
        quote_request=quote_request or make_request(),
        valid_until=fields.pop("valid_until", timezone.localdate() + timedelta(days=30)),
        clinic="Clinica Example",
        **fields,
    )
    for position, (quantity, price) in enumerate(lines):
        QuoteLine.objects.create(
            quote=quote, position=position, description=f"Line {position}", quantity=Decimal(quantity), unit_price=Decimal(price)
        )
    return quote


def path_of(link):
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_totals_are_exact_decimals():
    quote = make_quote(lines=((1, "12000.00"), (3, "85.50"), ("0.5", "0.01"), ("2", "0.10")))
    assert quote.total == Decimal("12256.71")
    assert isinstance(quote.total, Decimal)
    assert make_quote(lines=()).total == Decimal("0.00")


def test_sending_emails_a_link_and_moves_the_request_to_quoted(triage, deliver_emails):
    quote = make_quote()
    send_quote(quote=quote, by=triage)
    quote.refresh_from_db()
    quote_request = quote.quote_request
    quote_request.refresh_from_db()
    assert quote.sent_at is not None
    assert quote_request.status == QuoteRequest.Status.QUOTED
    assert [(c.from_status, c.to_status) for c in quote_request.status_changes.all()] == [("new", "in_review"), ("in_review", "quoted")]
    (message,) = deliver_emails()
    assert message.to == [quote_request.email] and quote_request.reference in message.subject
    assert "/quote/view/" in message.body
    assert "Arthritis" not in message.body and "Maria" not in message.body


def test_patient_link_shows_the_breakdown_total_validity_and_disclaimer_without_login(client, triage):
    from articles.models import SiteBlock

    SiteBlock.objects.update_or_create(kind="disclaimer", defaults={"body": "<p>Not medical advice.</p>"})
    quote = make_quote()
    send_quote(quote=quote, by=triage)
    response = client.get(path_of(patient_link(quote)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "US$12,000.00" in html and "US$256.50" in html and "3 × US$85.50" in html
    assert '<strong class="total">US$12,256.50</strong>' in html
    assert quote.valid_until.strftime("%-d %B %Y") in html
    assert "Not medical advice." in html
    assert response["Referrer-Policy"] == "same-origin" and "no-cache" in response["Cache-Control"]


def test_tampered_link_is_refused(client, triage):
    quote = make_quote()
    send_quote(quote=quote, by=triage)
    path = path_of(patient_link(quote))
    # One character changed, always to another one.
    tampered = re.sub(r"/view/(.)", lambda match: "/view/" + ("y" if match[1] == "x" else "x"), path)
    assert tampered != path and client.get(tampered).status_code == 404
    end = "abc/" if not path.endswith("abc/") else "abd/"
    assert client.get(path[:-4] + end).status_code == 404
    assert client.get(reverse("quotes:patient-quote", kwargs={"signed": "nonsense"})).status_code == 404


def test_expired_link_is_gone_with_a_clear_message(client, triage, settings):
    settings.QUOTE_LINK_MAX_AGE_DAYS = 60
    quote = make_quote()
    send_quote(quote=quote, by=triage)
    path = path_of(patient_link(quote))
    later = time.time() + 61 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.get(path)
    assert response.status_code == 410
    assert "This quote link has expired" in response.content.decode()


def test_link_of_an_unsent_quote_does_not_open(client):
    quote = make_quote()
    assert client.get(path_of(patient_link(quote))).status_code == 404


def test_patient_accepts_and_triage_sees_it(client, triage, deliver_emails):
    quote = make_quote()
    send_quote(quote=quote, by=triage)
    path = path_of(patient_link(quote))
    deliver_emails().clear()
    response = client.post(path, {"action": "accept"}, follow=True)
    assert "we have your acceptance" in response.content.decode()
    quote.refresh_from_db()
    assert quote.accepted_at is not None
    assert quote.messages.get().kind == PatientMessage.Kind.ACCEPTED
    assert deliver_emails()[0].subject == f"Quote accepted on {quote.quote_request.reference}"
    client.force_login(triage)
    html = client.get(reverse("admin:quotes_quoterequest_change", args=[quote.quote_request.pk])).content.decode()
    assert "Accepted the quote" in html


def test_patient_asks_a_question(client, triage):
    quote = make_quote()
    send_quote(quote=quote, by=triage)
    path = path_of(patient_link(quote))
    empty = client.post(path, {"action": "message", "text": ""})
    assert empty.status_code == 200 and "Write a message or attach a file before sending." in empty.content.decode()
    too_long = client.post(path, {"action": "message", "text": "x" * 2001})
    assert "at most 2000 characters" in too_long.content.decode()
    assert not quote.messages.exists()
    client.post(path, {"action": "message", "text": "Is the flight included?"})
    assert quote.messages.get().text == "Is the flight included?"


def test_an_empty_or_out_of_date_quote_is_not_sent(triage):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at least one line"):
        send_quote(quote=make_quote(lines=()), by=triage)
    with pytest.raises(ValidationError, match="validity date has passed"):
        send_quote(quote=make_quote(valid_until=timezone.localdate() - timedelta(days=1)), by=triage)
    assert not Email.objects.exists()


def test_a_closed_request_cannot_be_quoted(triage):
    from django.core.exceptions import ValidationError

    quote = make_quote(make_request(status="won"))
    with pytest.raises(ValidationError, match="cannot go from “Won” to “Quoted”"):
        send_quote(quote=quote, by=triage)
    quote.refresh_from_db()
    assert quote.sent_at is None


def quote_form(quote_request, **overrides):
    data = {
        "quote_request": quote_request.pk,
        "currency": "EUR",
        "clinic": "Clinica Example",
        "destination": "",
        "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "notes_to_patient": "Flights not included.",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-position": "1",
        "lines-0-kind": "treatment",
        "lines-0-description": "Knee replacement",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "9500.00",
        "lines-1-position": "2",
        "lines-1-kind": "hospital",
        "lines-1-description": "Hospital night",
        "lines-1-quantity": "4",
        "lines-1-unit_price": "180.00",
        "messages-TOTAL_FORMS": "0",
        "messages-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_triage_builds_a_two_line_quote_and_sends_it_from_the_admin(client, triage):
    quote_request = make_request()
    client.force_login(triage)
    add_page = client.get(reverse("admin:quotes_quote_add"), {"quote_request": quote_request.pk})
    assert add_page.status_code == 200
    response = client.post(reverse("admin:quotes_quote_add"), quote_form(quote_request))
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert quote.total == Decimal("10220.00") and quote.created_by == triage
    response = client.post(
        reverse("admin:quotes_quote_changelist"), {"action": "send_to_patient", "_selected_action": [quote.pk]}
    )
    assert response["Location"] == reverse("admin:quotes_quote_send", args=[quote.pk])  # the preview first
    quote_request.refresh_from_db()
    assert quote_request.status == "new" and Quote.objects.get().sent_at is None
    response = client.post(response["Location"], follow=True)
    assert "quote sent to the patient" in response.content.decode()
    quote_request.refresh_from_db()
    assert quote_request.status == "quoted"


def test_negative_prices_and_zero_quantities_are_refused(client, triage):
    quote_request = make_request()
    client.force_login(triage)
    response = client.post(
        reverse("admin:quotes_quote_add"),
        quote_form(quote_request, **{"lines-0-unit_price": "-5", "lines-1-quantity": "0"}),
    )
    assert response.status_code == 200
    assert not Quote.objects.exists()
    html = response.content.decode()
    assert "Ensure this value is greater than or equal to 0." in html
    assert "Ensure this value is greater than or equal to 0.01." in html


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_editors_and_reviewers_cannot_see_quotes(client, request, who):
    client.force_login(request.getfixturevalue(who))
    quote = make_quote()
    assert client.get(reverse("admin:quotes_quote_changelist")).status_code == 403
    assert client.get(reverse("admin:quotes_quote_change", args=[quote.pk])).status_code == 403
