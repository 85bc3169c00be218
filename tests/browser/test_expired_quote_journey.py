from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quotes.models import PatientMessage, Quote
from quotes.services import patient_link, send_quote
from tests.quotes.test_quotes import make_quote

pytestmark = pytest.mark.browser


def test_a_patient_who_accepts_a_quote_after_it_expired_is_told_and_can_ask_for_a_new_one(
    new_page, live_server, settings, triage
):
    settings.SITE_URL = live_server.url
    quote = make_quote()
    send_quote(quote=quote, by=triage)
    reference = quote.quote_request.reference

    patient = new_page()
    patient.goto(patient_link(quote))
    expect(patient.get_by_role("button", name="Accept this quote")).to_be_visible()
    # The page stays open past the quote's last day.
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    patient.get_by_role("button", name="Accept this quote").click()

    alert = patient.get_by_role("alert")
    expect(alert).to_contain_text("so this quote can no longer be accepted")
    expect(alert).to_contain_text(f"quoting {reference}")
    expect(patient.get_by_role("button", name="Accept this quote")).to_have_count(0)
    assert not PatientMessage.objects.exists()

    patient.get_by_label("Your message").fill("Could you send me updated prices?")
    patient.get_by_role("button", name="Send my message").click()
    expect(patient.get_by_role("status")).to_contain_text("your message has been sent")
    assert list(PatientMessage.objects.values_list("kind", flat=True)) == [PatientMessage.Kind.QUESTION]
