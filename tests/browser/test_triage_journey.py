"""Triage in a browser: quotes from two clinics, each previewed and sent; the request list and report fit the screen;
the quote form's caution follows the chosen treatment and its error summary takes the focus."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from outbox.models import Email
from quotes.models import Quote, Treatment
from tests.conftest import make_article
from tests.quotes.test_admin import make_request

pytestmark = pytest.mark.browser


def horizontal_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def add_quote(page, live_server, quote_request, *, clinic, lines):
    page.goto(f"{live_server.url}{reverse('admin:quotes_quoterequest_change', args=[quote_request.pk])}")
    page.get_by_role("link", name="Add an itemised quote").click()
    page.locator("#id_clinic").fill(clinic)
    page.get_by_label("Valid until").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    for number, (description, quantity, price) in enumerate(lines):
        page.locator(f"#id_lines-{number}-description").fill(description)
        page.locator(f"#id_lines-{number}-quantity").fill(quantity)
        page.locator(f"#id_lines-{number}-unit_price").fill(price)
    return page


def test_triage_previews_and_sends_quotes_from_two_clinics(live_server, new_page, triage, settings, log_in):
    settings.SITE_URL = live_server.url
    quote_request = make_request()
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, triage)
    for sent_before, (clinic, lines, live_total) in enumerate([
        ("Clinica Valencia", [("Knee replacement", "1", "8000.00"), ("Hospital night", "3", "81.83")], "US$8,245.49"),
        ("Istanbul Ortho", [("Knee replacement", "1", "6500.50"), ("Hospital night", "2", "120")], "US$6,740.50"),
    ]):
        add_quote(page, live_server, quote_request, clinic=clinic, lines=lines)
        # The total while editing, before anything is saved.
        expect(page.locator(".live-total")).to_contain_text(live_total)
        page.get_by_role("button", name="Save and continue editing").click()
        expect(page.locator(".saved-total")).to_have_text(live_total)
        page.get_by_role("link", name="Send to patient").click()
        expect(page.locator(".email-subject")).to_have_text(f"Your quote {quote_request.reference} is ready")
        assert Email.objects.count() == 0 or clinic != "Clinica Valencia"  # the preview sends nothing
        with page.context.expect_page() as opened:
            page.get_by_role("link", name="the page the patient will see").click()
        patient_page = opened.value
        expect(patient_page.get_by_role("heading", name=f"Your quote {quote_request.reference}")).to_be_visible()
        # Those already sent, then this one, as the patient will see them once it is sent.
        expect(patient_page.locator(".quote-card")).to_have_count(sent_before + 1)
        expect(patient_page.locator(".quote-card").last.locator(".quote-table tbody tr")).to_have_count(2)
        expect(patient_page.locator(".quote-card").last).to_contain_text(clinic)
        expect(patient_page.locator(".quote-card-linked")).to_contain_text(clinic)
        patient_page.close()
        page.get_by_role("button", name="Confirm: send to the patient").click()
        expect(page.locator(".messagelist .success")).to_contain_text("quote sent to the patient")
    sent = Quote.objects.filter(quote_request=quote_request, sent_at__isnull=False)
    assert sorted(sent.values_list("clinic", flat=True)) == ["Clinica Valencia", "Istanbul Ortho"]
    assert Email.objects.filter(about=quote_request.reference, subject__contains="is ready").count() == 2


@pytest.mark.parametrize("width", [1366, 1024])
def test_the_request_list_and_the_report_fit_the_screen(live_server, new_page, triage, width, log_in):
    knee = Treatment.objects.create(name="Total knee replacement with robotic assistance", slug="knee")
    for n in range(5):
        make_request(treatment=knee, treatment_other="", email=f"a-very-long-address-of-patient-{n}@hospital-example.org")
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, triage)
    page.goto(f"{live_server.url}{reverse('admin:quotes_quoterequest_changelist')}")
    expect(page.locator("#result_list tbody tr")).to_have_count(5)
    expect(page.locator("#result_list thead")).to_contain_text("Accepted")
    assert horizontal_overflow(page) <= 0
    page.get_by_role("link", name="Triage report").click()
    expect(page.get_by_role("heading", name="Requests per week by status")).to_be_visible()
    assert horizontal_overflow(page) <= 0


def test_the_quote_form_caution_follows_the_choice_and_the_error_summary_takes_the_focus(live_server, new_page, settings):
    settings.QUOTE_MIN_FILL_SECONDS = 0
    article = make_article(title="Stem cells", slug="stem-cells")
    Treatment.objects.create(name="Knee replacement", slug="knee")
    Treatment.objects.create(name="Stem cell therapy", slug="stem-cell-therapy", is_experimental=True, related_article=article)
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/quote/")
    caution = page.get_by_role("heading", name="About stem cell therapy")
    expect(caution).to_be_hidden()
    page.get_by_label("Treatment:", exact=True).select_option(label="Stem cell therapy")
    expect(caution).to_be_visible()
    page.get_by_label("Treatment:", exact=True).select_option(label="Knee replacement")
    expect(caution).to_be_hidden()
    page.get_by_role("button", name="Send my request").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("choose them again")
    summary.get_by_role("link", name=re.compile("Your name")).click()
    expect(page.locator("#id_name")).to_be_focused()
    assert horizontal_overflow(page) <= 0
