import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from playwright.sync_api import expect

from articles.models import SiteBlock
from quotes.models import DEFAULT_CAUTION, Destination, Note, PatientMessage, QuoteRequest, Treatment
from tests.conftest import make_article, run_queued_tasks

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"MT-\d{4}-[A-Z0-9]{6}")


@pytest.fixture
def quote_settings(settings, live_server):
    # The live server runs in this process, so it sees these overrides. The form refuses a submission sent less
    # than QUOTE_MIN_FILL_SECONDS after it was shown (a bot check): switched off rather than waited out.
    settings.QUOTE_MIN_FILL_SECONDS = 0
    # The patient's link in the e-mail must point at the live server, not at the default site address.
    settings.SITE_URL = live_server.url
    # The form's rate limit counts in the cache, which outlives a test.
    cache.clear()
    return settings


@pytest.fixture
def stem_cell_article(db):
    article = make_article(title="Stem cell therapy after stroke", slug="stem-cell-therapy-after-stroke")
    Treatment.objects.create(
        name="Stem cell therapy", slug="stem-cell-therapy", is_experimental=True, related_article=article
    )
    Destination.objects.create(name="Spain")
    # Migrations create both blocks; the database of a live server may have been emptied since.
    SiteBlock.objects.update_or_create(
        kind="quote_cta",
        defaults={"title": "Considering treatment abroad?", "link_url": "/quote/", "link_text": "Get a free quote"},
    )
    SiteBlock.objects.update_or_create(kind="disclaimer", defaults={"body": "<p>Not medical advice.</p>"})
    return article


def expect_success(page, text):
    expect(page.locator(".messagelist .success, .errornote, .messagelist .error").first).to_be_visible()
    assert not page.locator(".errornote, .messagelist .error").count(), page.locator(
        ".errornote, .errorlist li, .messagelist .error"
    ).all_inner_texts()
    expect(page.locator(".messagelist .success")).to_contain_text(text)


def request_a_quote(page, live_server, article):
    """A reader follows the article's call to action and sends the quote form; returns the reference shown."""
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    cta = page.get_by_role("complementary", name="Considering treatment abroad?")
    cta.get_by_role("link", name="Get a free quote").click()

    expect(page.get_by_role("heading", name="Get a free treatment quote", level=1)).to_be_visible()
    expect(page.get_by_label("Treatment:", exact=True).locator("option:checked")).to_have_text("Stem cell therapy")
    expect(page.get_by_role("note")).to_contain_text(str(DEFAULT_CAUTION))

    page.get_by_label("Your name").fill("Maria Jones")
    page.get_by_label("E-mail address").fill("maria.jones@example.org")
    page.get_by_label("Country of residence").select_option(label="United Kingdom")
    page.get_by_label("Your condition in a few words").fill("Ischaemic stroke in March, weakness in the left arm.")
    page.get_by_role("checkbox", name="Spain").check()
    page.get_by_label("Budget").select_option(label="US$15,000 – 30,000")
    page.get_by_label("Travel window").select_option(label="In 1–3 months")
    page.get_by_role("checkbox", name="I agree that").check()
    page.get_by_role("button", name="Send my request").click()

    expect(page.get_by_role("heading", name="Thank you: we have your request")).to_be_visible()
    expect(page.locator(".reference")).to_have_text(REFERENCE)
    expect(page.get_by_role("note")).to_contain_text(str(DEFAULT_CAUTION))
    return page.locator(".reference").inner_text()


def open_admin_list(page, name):
    page.locator("#site-name").get_by_role("link").click()  # the header's link to the admin index
    page.get_by_role("rowheader", name=name, exact=True).get_by_role("link").click()


def run_action(page, *, row, action):
    """Tick one row of an admin changelist and run a bulk action on it, as staff do."""
    page.get_by_role("checkbox", name=f"Select this object for an action - {row}").check()
    page.get_by_label("Action:").select_option(label=action)
    page.get_by_role("button", name="Go").click()


def send_after_preview(page, live_server, quote):
    """From the quote's page: Send to patient, read the preview, confirm."""
    page.goto(f"{live_server.url}{reverse('admin:quotes_quote_change', args=[quote.pk])}")
    page.get_by_role("link", name="Send to patient").click()
    expect(page.locator(".email-subject")).to_have_text(f"Your quote {quote.quote_request.reference} is ready")
    page.get_by_role("button", name="Confirm: send to the patient").click()
    expect_success(page, f"{quote.quote_request.reference}: quote sent to the patient.")


def triage_the_request(page, reference):
    """Find the request, assign it to oneself, leave an internal note."""
    open_admin_list(page, "Quote requests")
    page.locator("#searchbar").fill(reference)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)

    run_action(page, row=reference, action="Assign selected requests to me")
    expect_success(page, "1 request(s) assigned to you.")

    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", name="Change quote request")).to_be_visible()
    expect(page.get_by_label("Assignee").locator("option:checked")).to_have_text("triage")
    page.locator("#id_notes-0-text").fill("Asked the clinic in Valencia for the trial protocol.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect_success(page, "was changed successfully")


def write_quote(page, *, valid_until, lines):
    """From the request's page, add an itemised quote with its lines."""
    page.get_by_role("link", name="Add an itemised quote").click()
    expect(page.get_by_role("heading", name="Add quote")).to_be_visible()
    page.get_by_label("Currency").select_option("USD")
    page.get_by_label("Valid until").fill(valid_until.isoformat())
    for number, (kind, description, quantity, unit_price) in enumerate(lines):
        row = page.locator(f"#lines-{number}")
        row.locator(f"#id_lines-{number}-kind").select_option(label=kind)
        row.locator(f"#id_lines-{number}-description").fill(description)
        row.locator(f"#id_lines-{number}-quantity").fill(quantity)
        row.locator(f"#id_lines-{number}-unit_price").fill(unit_price)
    page.get_by_role("button", name="Save", exact=True).click()
    expect_success(page, "was added successfully")


def patient_link_from_email(mailoutbox, live_server):
    run_queued_tasks()  # the mail worker sends what the admin queued
    [message] = [message for message in mailoutbox if "is ready" in message.subject]
    match = re.search(re.escape(live_server.url) + r"/quote/view/\S+/", message.body)
    assert match, message.body
    return match.group()


def accept_quote(page):
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Accept this quote").click()
    # Fails at once, with the reason, rather than after waiting for a message that a refused form never shows.
    assert posted.value.status == 302, f"{posted.value.status}: {page.locator('body').inner_text()}"
    expect(page.get_by_role("status")).to_contain_text("Thank you: we have your acceptance")


def test_reader_requests_a_quote_and_triage_sends_it_to_the_patient(
    live_server, new_page, quote_settings, stem_cell_article, triage, mailoutbox, log_in
):
    reader = new_page()
    reference = request_a_quote(reader, live_server, stem_cell_article)

    quote_request = QuoteRequest.objects.get()
    assert (quote_request.reference, quote_request.source_article) == (reference, stem_cell_article)

    staff = new_page()
    log_in(staff, triage)
    triage_the_request(staff, reference)
    valid_until = timezone.localdate() + timedelta(days=30)
    write_quote(
        staff,
        valid_until=valid_until,
        lines=[
            ("Treatment", "Stem cell infusion", "1", "9500.00"),
            ("Hospital stay", "Hospital night", "3", "200.00"),
        ],
    )
    quote = quote_request.quotes.get()
    send_after_preview(staff, live_server, quote)

    patient = new_page()
    patient.goto(patient_link_from_email(mailoutbox, live_server))
    expect(patient.get_by_role("heading", name=f"Your quote {reference}")).to_be_visible()
    lines = patient.locator(".quote-card .quote-table tbody tr")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("Stem cell infusion")
    expect(lines.nth(1)).to_contain_text("Hospital night")
    # In the locale of the browser that sent the form (Chromium's en-US).
    assert quote_request.locale == "en_US"
    expect(patient.locator(".quote-card .quote-table .total")).to_have_text("$10,100.00")
    expect(patient.get_by_text("Prices hold until")).to_contain_text(format_date(valid_until, "j F Y"))
    expect(patient.get_by_role("complementary", name="Medical disclaimer")).to_contain_text("Not medical advice.")
    accept_quote(patient)

    quote_request.refresh_from_db()
    assert (quote_request.status, quote_request.assignee) == (QuoteRequest.Status.WON, triage)
    assert list(Note.objects.filter(quote_request=quote_request).values_list("author", "text")) == [
        (triage.pk, "Asked the clinic in Valencia for the trial protocol.")
    ]
    assert list(quote.messages.values_list("kind", flat=True)) == [PatientMessage.Kind.ACCEPTED]
