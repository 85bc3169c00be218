from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import SiteBlock
from quotes.models import DEFAULT_CAUTION, PatientMessage, Quote, QuoteLine, QuoteRequest, Treatment
from quotes.services import patient_link, send_quote
from tests.browser.test_content_security_policy import watch
from tests.conftest import run_queued_tasks
from tests.quotes.test_admin import make_request

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def assert_no_horizontal_scroll(page):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"


def quote_from(quote_request, clinic, lines, *, not_included=""):
    quote = Quote.objects.create(
        quote_request=quote_request,
        currency="EUR",
        clinic=clinic,
        valid_until=timezone.localdate() + timedelta(days=30),
        not_included=not_included,
    )
    for position, (kind, description, quantity, price) in enumerate(lines):
        QuoteLine.objects.create(
            quote=quote, position=position, kind=kind, description=description, quantity=Decimal(quantity), unit_price=Decimal(price)
        )
    return quote


def test_a_patient_compares_two_quotes_on_a_phone_asks_gets_an_answer_and_accepts_one(
    live_server, new_page, settings, triage, log_in, mailoutbox
):
    settings.SITE_URL = live_server.url
    cache.clear()  # the signed link's rate limit counts in the cache, which outlives a test
    SiteBlock.objects.update_or_create(kind="disclaimer", defaults={"body": "<p>Not medical advice.</p>"})
    stem_cells = Treatment.objects.create(name="Stem cell therapy", slug="stem-cell-therapy", is_experimental=True)
    quote_request = make_request(treatment=stem_cells, treatment_other="", locale="de_DE")
    valencia = quote_from(
        quote_request,
        "Clínica Universitaria de Valencia, Departamento de Terapias Avanzadas",
        [("treatment", "Autologous stem cell infusion with bone marrow harvest", "1", "18500.00"), ("hospital", "Hospital night", "4", "420.50")],
        not_included="Flights\nA companion's hotel",
    )
    istanbul = quote_from(quote_request, "Istanbul Regenerative Centre", [("treatment", "Stem cell infusion", "1", "14250.00")])
    for quote in (valencia, istanbul):
        send_quote(quote=quote, by=triage)
    run_queued_tasks()

    patient = new_page()
    violations = watch(patient)
    patient.set_viewport_size(PHONE)
    patient.goto(patient_link(valencia))
    expect(patient.get_by_role("heading", name=f"Your quote {quote_request.reference}", level=1)).to_be_visible()
    cards = patient.locator(".quote-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("Clínica Universitaria de Valencia")  # the link's own quote first
    expect(cards.nth(0).locator(".quote-total .total")).to_have_text("20.182,00\xa0€")
    expect(cards.nth(0).locator(".not-included")).to_contain_text("A companion's hotel")
    expect(cards.nth(1).locator(".quote-total .total")).to_have_text("14.250,00\xa0€")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"], "on a phone the quotes are stacked"
    expect(patient.get_by_role("note")).to_contain_text(str(DEFAULT_CAUTION))
    expect(patient.get_by_role("complementary", name="Medical disclaimer")).to_contain_text("Not medical advice.")
    assert_no_horizontal_scroll(patient)

    patient.get_by_label("Your message").fill("Does the Istanbul price include the hospital nights?")
    patient.get_by_role("button", name="Send my message").click()
    expect(patient.get_by_role("status")).to_contain_text("your message has been sent")
    expect(patient.locator(".thread .from-patient")).to_contain_text("Does the Istanbul price include")
    assert_no_horizontal_scroll(patient)

    staff = new_page()
    staff_violations = watch(staff)
    staff.set_viewport_size({"width": 1366, "height": 900})
    log_in(staff, triage)
    staff.goto(f"{live_server.url}{reverse('admin:quotes_quoterequest_change', args=[quote_request.pk])}")
    expect(staff.locator("body")).to_contain_text("Does the Istanbul price include the hospital nights?")
    staff.get_by_role("textbox", name="Reply to the patient").fill("Yes: three nights are included in the Istanbul price.")
    staff.get_by_role("button", name="Save and continue editing").click()
    expect(staff.locator(".messagelist .success")).to_contain_text("was changed successfully")
    run_queued_tasks()
    [told] = [message for message in mailoutbox if message.subject == f"A new message about your request {quote_request.reference}"]
    assert "three nights" not in told.body and "Stem cell" not in told.body

    patient.reload()
    expect(patient.locator(".thread .from-team")).to_contain_text("three nights are included")
    assert_no_horizontal_scroll(patient)
    with patient.expect_response(lambda response: response.request.method == "POST") as posted:
        cards.nth(1).get_by_role("button", name="Accept this quote").click()
    assert posted.value.status == 302, f"{posted.value.status}: {patient.locator('body').inner_text()}"
    expect(patient.get_by_role("status")).to_contain_text("we have your acceptance")
    expect(patient.locator("p.notice")).to_contain_text("You accepted the quote from Istanbul Regenerative Centre on")
    expect(patient.get_by_role("button", name="Accept this quote")).to_have_count(0)
    expect(cards.nth(1).locator(".badge-accepted")).to_have_text("Accepted")
    expect(cards.nth(0)).to_contain_text("Not chosen")
    assert_no_horizontal_scroll(patient)

    quote_request.refresh_from_db()
    assert quote_request.status == QuoteRequest.Status.WON
    assert list(quote_request.messages.values_list("kind", flat=True)) == [
        PatientMessage.Kind.QUESTION, PatientMessage.Kind.REPLY, PatientMessage.Kind.ACCEPTED
    ]  # fmt: skip
    staff.reload()
    expect(staff.locator("body")).to_contain_text("Accepted the quote")
    staff.set_viewport_size({"width": 1024, "height": 768})  # the request's page, conversation included, at 1024 px
    assert_no_horizontal_scroll(staff)
    assert violations == [] and staff_violations == []


def test_two_quotes_sit_side_by_side_on_a_desktop(live_server, new_page, settings, triage):
    settings.SITE_URL = live_server.url
    cache.clear()
    quote_request = make_request()
    quotes = [quote_from(quote_request, f"Clinic {n}", [("treatment", "Knee replacement", "1", "9000.00")]) for n in (1, 2)]
    for quote in quotes:
        send_quote(quote=quote, by=triage)
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(patient_link(quotes[0]))
    cards = page.locator(".quote-card")
    expect(cards).to_have_count(2)
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 1 and second["x"] > first["x"] + first["width"]
    expect(cards.nth(0).locator(".quote-total .total")).to_have_text("€9,000.00")
    assert_no_horizontal_scroll(page)
