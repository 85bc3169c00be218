"""
From request to treatment in one go, through the site's own pages in Chromium: a reader asks for a quote; triage
(logged in with their authenticator code) writes quotes from two clinics of the directory and sends each after
its preview; the patient compares them on a phone, asks a question, reads the answer triage wrote from a reply
template and accepts one; the request's list and page in the admin show the acceptance.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from playwright.sync_api import expect

from articles.models import SiteBlock
from clinics.models import Accreditation
from quotes.models import Destination, PatientMessage, Quote, QuoteRequest, ReplyTemplate, StatusChange, Treatment
from tests.browser.test_content_security_policy import watch
from tests.browser.test_patient_page_journey import PHONE, assert_no_horizontal_scroll
from tests.browser.test_quote_journey import REFERENCE, expect_success, quote_settings  # noqa: F401  (fixture)
from tests.clinics.factories import make_accreditation, make_clinic
from tests.conftest import run_queued_tasks
from tests.quotes.test_admin import make_request

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1366, "height": 900}

CONDITION = "Osteoarthritis of the right knee, bone on bone on the last X-ray; I walk with a stick."
QUESTION = "Do both prices include the physiotherapy after the operation?"
TEMPLATE = "Yes: the price includes [sessions] sessions of physiotherapy before you leave the hospital."
ANSWER = "Yes: the price includes six sessions of physiotherapy before you leave the hospital."
# What no e-mail may hold: the patient's name and health data, and what would reveal it (treatment, clinics, prices).
HEALTH_DATA = [
    "Knee", "knee", "Osteoarthritis", "X-ray", "Bosphorus", "Vistula", "physiotherapy", "8,102", "7,400", "€", "Maria",
]


@pytest.fixture
def journey_data(db, settings, quote_settings):  # noqa: F811  (the fixture imported above)
    settings.ADMIN_REQUIRE_2FA = True  # as in production: staff log in with their authenticator code
    knee = Treatment.objects.create(name="Knee replacement", slug="knee-replacement")
    Treatment.objects.create(name="Hip replacement", slug="hip-replacement")
    Destination.objects.create(name="Turkey")
    Destination.objects.create(name="Poland")
    istanbul = make_clinic(
        name="Bosphorus Orthopaedic Hospital", slug="bosphorus-orthopaedic", city="Istanbul", treatments=[knee],
        accreditations=[(Accreditation.Body.JCI, timezone.localdate() + timedelta(days=400))],
    )  # fmt: skip
    make_clinic(name="Bosphorus Dental Clinic", slug="bosphorus-dental", city="Istanbul")
    krakow = make_clinic(
        name="Vistula Joint Centre", slug="vistula-joint", kind="clinic", country="PL", city="Kraków", treatments=[knee],
        accreditations=[(Accreditation.Body.ISO_9001, timezone.localdate() + timedelta(days=200))],
    )  # fmt: skip
    make_accreditation(clinic=krakow, body=Accreditation.Body.TEMOS, valid_until=timezone.localdate() - timedelta(days=1))
    ReplyTemplate.objects.create(title="Physiotherapy included", body=TEMPLATE)
    SiteBlock.objects.update_or_create(kind="disclaimer", defaults={"body": "<p>Not medical advice.</p>"})
    # Another request, in review and never accepted: the list's filter of acceptances leaves it out.
    earlier = make_request(reference="MT-2026-EARLY1", status=QuoteRequest.Status.IN_REVIEW)
    return {"istanbul": istanbul, "krakow": krakow, "earlier": earlier}


def request_a_knee_quote(page, live_server):
    page.goto(f"{live_server.url}/quote/")
    page.get_by_label("Treatment:", exact=True).select_option(label="Knee replacement")
    page.get_by_label("Your name").fill("Maria Jones")
    page.get_by_label("E-mail address").fill("maria.jones@example.org")
    page.get_by_label("Country of residence").select_option(label="United Kingdom")
    page.get_by_label("Your condition in a few words").fill(CONDITION)
    page.get_by_role("checkbox", name="Turkey").check()
    page.get_by_role("checkbox", name="Poland").check()
    page.get_by_label("Budget").select_option(label="US$5,000 – 15,000")
    page.get_by_label("Travel window").select_option(label="In 3–6 months")
    page.get_by_role("checkbox", name="I agree that").check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", name="Thank you: we have your request")).to_be_visible()
    expect(page.locator(".reference")).to_have_text(REFERENCE)
    return page.locator(".reference").inner_text()


def choose_clinic(page, *, search, name):
    """Name the quote's clinic from the directory: the autocomplete beside "Clinic in the directory"."""
    page.locator("#id_clinic_listing + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill(search)
    options = page.locator(".select2-results__option")
    expect(options.filter(has_text=name)).to_have_count(1)
    options.filter(has_text=name).click()
    expect(page.locator("#select2-id_clinic_listing-container")).to_have_text(re.compile(re.escape(name)))


def write_quote(page, *, clinic, search, lines, not_included, valid_until, live_totals, mistaken=None):
    """
    From the request's page: a quote in euros from a clinic of the directory, its total followed as lines change.
    A ``mistaken`` clinic is chosen first, saved, then corrected.
    """
    page.get_by_role("link", name="Add an itemised quote").click()
    expect(page.get_by_role("heading", name="Add quote")).to_be_visible()
    page.get_by_label("Currency").select_option("EUR")
    choose_clinic(page, search=search, name=mistaken or clinic)
    page.get_by_label("Valid until").fill(valid_until.isoformat())
    page.get_by_label("Not included").fill(not_included)
    live_total = page.locator(".live-total")
    for number, (kind, description, quantity, price) in enumerate(lines):
        page.locator(f"#id_lines-{number}-kind").select_option(label=kind)
        page.locator(f"#id_lines-{number}-description").fill(description)
        page.locator(f"#id_lines-{number}-quantity").fill(quantity)
        page.locator(f"#id_lines-{number}-unit_price").fill(price)
    expect(live_total).to_have_text(f"While editing: {live_totals[0]} (save to keep)")
    # A line edited: one more hospital night. The total follows before anything is saved.
    page.locator("#id_lines-1-quantity").fill(str(int(lines[1][2]) + 1))
    expect(live_total).to_have_text(f"While editing: {live_totals[1]} (save to keep)")
    page.get_by_role("button", name="Save and continue editing").click()
    expect_success(page, "was added successfully")
    expect(page.locator(".saved-total")).to_have_text(live_totals[1])
    if mistaken:
        expect(page.get_by_label("Clinic:", exact=True)).to_have_value(mistaken)
        choose_clinic(page, search=search, name=clinic)
        page.get_by_role("button", name="Save and continue editing").click()
        expect_success(page, "was changed successfully")
        expect(page.get_by_label("Clinic:", exact=True)).to_have_value(clinic)  # the name follows the directory's
    return Quote.objects.get(clinic_listing__name=clinic)


def send_after_preview(page, quote, *, clinic, total, valid_until):
    page.get_by_role("link", name="Send to patient").click()
    reference = quote.quote_request.reference
    expect(page.locator(".email-subject")).to_have_text(f"Your quote {reference} is ready")
    intro = page.locator(".send-preview > p").first
    expect(intro).to_contain_text(f"Quote total: {total}, prices valid until {format_date(valid_until, 'j F Y')}, clinic: {clinic}.")
    body = without_links(page.locator(".email-body").inner_text())
    assert all(words not in body for words in HEALTH_DATA), body
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="the page the patient will see").click()
    preview = opened.value
    expect(preview.get_by_role("status")).to_contain_text("Preview for our team")
    # The quotes already sent, then this one, marked: as the patient will see them.
    expect(preview.locator(".quote-card").last.locator(".quote-clinic-name")).to_have_text(clinic)
    expect(preview.locator(".quote-card-linked .quote-clinic-name")).to_have_text(clinic)
    preview.close()
    assert not Quote.objects.get(pk=quote.pk).sent_at  # the preview sent nothing
    page.get_by_role("button", name="Confirm: send to the patient").click()
    expect_success(page, f"{reference}: quote sent to the patient.")


def without_links(text):
    # A link's random token could spell a word by chance.
    return re.sub(r"https?://\S+", "", text)


def emails(mailoutbox, subject):
    run_queued_tasks()  # the mail worker sends what the site queued
    return [message for message in mailoutbox if message.subject == subject]


def link_in(message, live_server):
    match = re.search(re.escape(live_server.url) + r"/\S+", message.body)
    assert match, message.body
    return match.group()


def expect_quote_card(card, *, clinic, place, accreditation, lines, not_included, total, valid_until):
    """What a patient compares on each quote: the clinic, its accreditation, what is and is not included, the
    total and how long it holds."""
    expect(card.locator(".quote-clinic-name").get_by_role("link", name=clinic)).to_be_visible()
    expect(card.locator(".quote-clinic-place")).to_have_text(place)
    expect(card.get_by_role("list", name="Valid accreditations")).to_have_text(accreditation)
    expect(card.locator(".quote-table tbody tr")).to_have_count(len(lines))
    for row, line in zip(card.locator(".quote-table tbody tr").all(), lines):
        expect(row).to_contain_text(line)
    expect(card.locator(".not-included li")).to_have_text(not_included)
    expect(card.locator(".quote-total .total")).to_have_text(total)
    expect(card.locator(".quote-validity")).to_have_text(f"Prices hold until {format_date(valid_until, 'j F Y')}.")


def test_from_the_request_to_an_accepted_quote_of_a_directory_clinic(
    live_server, new_page, journey_data, triage, log_in, mailoutbox
):
    istanbul, krakow = journey_data["istanbul"], journey_data["krakow"]
    valid_until = timezone.localdate() + timedelta(days=30)

    # A reader asks for a quote for a knee replacement.
    reader = new_page()
    reader_violations = watch(reader)
    reader.set_viewport_size(PHONE)
    reference = request_a_knee_quote(reader, live_server)
    quote_request = QuoteRequest.objects.get(reference=reference)
    assert (quote_request.treatment.name, quote_request.status) == ("Knee replacement", QuoteRequest.Status.NEW)

    # Triage, with their authenticator code, from the desk's new requests to the request.
    staff = new_page()
    staff_violations = watch(staff)
    staff.set_viewport_size(DESKTOP)
    log_in(staff, triage)
    staff.get_by_role("link", name="1 new").click()
    staff.get_by_role("link", name=reference, exact=True).click()
    expect(staff.get_by_role("heading", name="Change quote request")).to_be_visible()
    expect(staff.locator("#id_condition_summary")).to_have_value(CONDITION)
    request_url = staff.url

    quotes = {}
    for clinic, search, mistaken, lines, not_included, totals in [
        (
            istanbul, "bosph", "Bosphorus Dental Clinic",  # a name alike, chosen first by mistake
            [("Treatment", "Total knee replacement", "1", "7200.00"), ("Hospital stay", "Hospital night", "4", "180.50")],
            "Flights\nA companion's hotel", ["€7,922.00", "€8,102.50"],
        ),
        (
            krakow, "vistula", None,
            [("Treatment", "Total knee replacement", "1", "6800.00"), ("Hospital stay", "Hospital night", "3", "150")],
            "Flights\nPhysiotherapy at home", ["€7,250.00", "€7,400.00"],
        ),
    ]:  # fmt: skip
        staff.goto(request_url)
        quote = write_quote(
            staff, clinic=clinic.name, search=search, lines=lines, not_included=not_included, valid_until=valid_until,
            live_totals=totals, mistaken=mistaken,
        )  # fmt: skip
        assert (quote.quote_request, quote.clinic_listing, quote.clinic) == (quote_request, clinic, clinic.name)
        send_after_preview(staff, quote, clinic=clinic.name, total=totals[1], valid_until=valid_until)
        quotes[clinic.pk] = quote
    quote_request.refresh_from_db()
    assert quote_request.status == QuoteRequest.Status.QUOTED

    # The patient opens their page from the first e-mail, on a phone, and compares the two quotes.
    ready = emails(mailoutbox, f"Your quote {reference} is ready")
    assert len(ready) == 2
    patient = new_page()
    patient_violations = watch(patient)
    patient.set_viewport_size(PHONE)
    patient.goto(link_in(ready[0], live_server))
    expect(patient.get_by_role("heading", name=f"Your quote {reference}", level=1)).to_be_visible()
    expect(patient.locator(".lead")).to_have_text("Knee replacement: 2 quotes from different clinics, to compare.")
    cards = patient.locator(".quote-card")
    expect(cards).to_have_count(2)
    expect_quote_card(
        cards.nth(0), clinic="Bosphorus Orthopaedic Hospital", place="Hospital · Istanbul, Türkiye",
        accreditation=f"Joint Commission International (JCI), valid until {format_date(istanbul.accreditations.get().valid_until, 'j F Y')}",
        lines=["Total knee replacement", "Hospital night"], not_included=["Flights", "A companion's hotel"],
        total="€8,102.50", valid_until=valid_until,
    )  # fmt: skip
    expect_quote_card(
        cards.nth(1), clinic="Vistula Joint Centre", place="Clinic · Kraków, Poland",
        accreditation=f"ISO 9001, valid until {format_date(krakow.accreditations.valid().get().valid_until, 'j F Y')}",
        lines=["Total knee replacement", "Hospital night"], not_included=["Flights", "Physiotherapy at home"],
        total="€7,400.00", valid_until=valid_until,
    )  # fmt: skip
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"], "on a phone the quotes are stacked, one above the other"
    assert_no_horizontal_scroll(patient)

    # They ask a question.
    patient.get_by_label("Your message").fill(QUESTION)
    patient.get_by_role("button", name="Send my message").click()
    expect(patient.get_by_role("status")).to_contain_text("your message has been sent")
    expect(patient.locator(".thread .from-patient")).to_contain_text(QUESTION)
    assert_no_horizontal_scroll(patient)

    # Triage follows their e-mail to the request and answers from a reply template.
    [told] = emails(mailoutbox, f"New message from the patient on {reference}")
    staff.goto(link_in(told, live_server))
    expect(staff.get_by_role("heading", name="Change quote request")).to_be_visible()
    expect(staff.locator("#messages-group")).to_contain_text(QUESTION)
    reply = staff.get_by_role("textbox", name="Reply to the patient")
    staff.locator("#messages-group").get_by_role("combobox", name="Reply template").select_option(label="Physiotherapy included")
    expect(reply).to_have_value(TEMPLATE)
    reply.fill(reply.input_value().replace("[sessions]", "six"))
    staff.get_by_role("button", name="Save and continue editing").click()
    expect_success(staff, "was changed successfully")
    [reply_message] = PatientMessage.objects.filter(kind=PatientMessage.Kind.REPLY)
    assert (reply_message.text, reply_message.author) == (ANSWER, triage)

    # The patient reads the answer from the link of the e-mail that told them, and accepts the quote from Kraków.
    [answered] = emails(mailoutbox, f"A new message about your request {reference}")
    patient.goto(link_in(answered, live_server))
    expect(patient.locator(".thread .from-team")).to_contain_text(ANSWER)
    assert_no_horizontal_scroll(patient)
    with patient.expect_response(lambda response: response.request.method == "POST") as posted:
        cards.nth(1).get_by_role("button", name="Accept this quote").click()
    assert posted.value.status == 302, f"{posted.value.status}: {patient.locator('body').inner_text()}"
    expect(patient.get_by_role("status")).to_contain_text("we have your acceptance")
    expect(patient.locator("p.notice")).to_contain_text("You accepted the quote from Vistula Joint Centre on")
    expect(cards.nth(1).locator(".badge-accepted")).to_have_text("Accepted")
    expect(cards.nth(0).locator(".badge")).to_have_text("Not chosen")
    expect(patient.get_by_role("button", name="Accept this quote")).to_have_count(0)
    assert_no_horizontal_scroll(patient)

    # The request's list shows the acceptance in its column and its filter, and the request has moved on.
    staff.goto(f"{live_server.url}{reverse('admin:quotes_quoterequest_changelist')}")
    rows = staff.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    staff.locator("#changelist-filter").get_by_role("link", name="Accepted a quote").click()
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".field-reference")).to_have_text(reference)
    expect(rows.first.locator(".field-status")).to_have_text("Won")
    expect(rows.first.locator(".field-accepted")).to_have_text(format_date(timezone.localdate(), "j M Y"))
    staff.locator("#changelist-filter").get_by_role("link", name="Not accepted").click()
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".field-reference")).to_have_text(journey_data["earlier"].reference)
    staff.goto(request_url)
    accepted = quotes[krakow.pk]
    expect(staff.locator(".field-acceptance")).to_contain_text(f"{accepted} (Vistula Joint Centre), accepted by the patient on")
    expect(staff.locator("#id_status")).to_have_value(QuoteRequest.Status.WON)
    expect(staff.locator("#status_changes-group tbody tr.has_original").last).to_contain_text("Won")
    assert list(quote_request.status_changes.values_list("to_status", flat=True)) == [
        QuoteRequest.Status.IN_REVIEW, QuoteRequest.Status.QUOTED, QuoteRequest.Status.WON,
    ]  # fmt: skip
    assert StatusChange.objects.filter(quote_request=quote_request, to_status=QuoteRequest.Status.WON, changed_by=None).exists()
    assert list(quote_request.messages.values_list("kind", flat=True)) == [
        PatientMessage.Kind.QUESTION, PatientMessage.Kind.REPLY, PatientMessage.Kind.ACCEPTED,
    ]  # fmt: skip

    # Every e-mail of the journey: the patient's and triage's, none with health data.
    run_queued_tasks()
    subjects = sorted(message.subject for message in mailoutbox)
    assert subjects == sorted([
        f"Your quote request {reference}", f"New quote request {reference}",
        f"Your quote {reference} is ready", f"Your quote {reference} is ready",
        f"New message from the patient on {reference}", f"A new message about your request {reference}",
        f"Quote accepted on {reference}",
    ])  # fmt: skip
    for message in mailoutbox:
        for words in HEALTH_DATA + [CONDITION, QUESTION, ANSWER]:
            assert words not in message.subject and words not in without_links(message.body), (message.subject, words)
    assert reader_violations == [] and staff_violations == [] and patient_violations == []
