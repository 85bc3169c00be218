"""
A reader of the English stroke article switches to Arabic with the language switcher, reads the page right to left,
follows its call to action and requests a quote in Arabic: the form, its answer and the e-mail are in Arabic, and
triage sees the request's language.
"""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from quotes.models import QuoteRequest, Treatment
from tests.browser.test_reader_layout import PHONE, open_at, scrolls_sideways, site  # noqa: F401
from tests.conftest import run_queued_tasks

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"MT-\d{4}-[A-Z0-9]{6}")


@pytest.fixture
def arabic_journey(settings, live_server, site):
    settings.QUOTE_MIN_FILL_SECONDS = 0  # the form's bot check, switched off rather than waited out
    settings.SITE_URL = live_server.url
    return site


def test_a_reader_switches_to_arabic_on_an_article_and_requests_a_quote_in_arabic(
    live_server, open_at, arabic_journey, mailoutbox
):
    english = Article.objects.published().get(slug="stem-cell-therapy-after-stroke")
    arabic = english.translations.get(language="ar")
    page = open_at(PHONE)
    page.goto(live_server.url + english.get_absolute_url())
    assert page.locator("html").get_attribute("dir") == "ltr"

    # The switcher offers the article's published translations, each named in its own language.
    page.locator('.language-switcher a[hreflang="ar"]').click()
    expect(page).to_have_url(live_server.url + arabic.get_absolute_url())
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    expect(page.get_by_role("heading", level=1)).to_have_text(arabic.title)
    assert page.locator("#main").evaluate("main => getComputedStyle(main).direction") == "rtl"
    assert not scrolls_sideways(page)
    # Back to English is one link away, in English.
    back = page.locator('.language-switcher a[hreflang="en-gb"]').get_attribute("href")
    assert back.endswith(english.get_absolute_url()) and "/ar/" not in back

    # The call to action, in Arabic, leads to the Arabic quote form with the article's treatment chosen.
    page.locator("aside.cta a.button").click()
    expect(page).to_have_url(re.compile(r"/ar/quote/\?article="))
    assert page.locator("html").get_attribute("dir") == "rtl"
    treatment = Treatment.objects.get(related_article=english)
    with_arabic_name = page.locator("#id_treatment option:checked")
    expect(with_arabic_name).to_have_attribute("value", str(treatment.pk))
    page.locator("#id_name").fill("ليلى حسن")
    page.locator("#id_email").fill("layla.hassan@example.org")
    page.locator("#id_country").select_option("AE")
    page.locator("#id_condition_summary").fill("سكتة دماغية في مارس، ضعف في الذراع اليسرى.")
    page.locator("#id_budget").select_option(index=1)
    page.locator("#id_travel_window").select_option(index=1)
    page.locator("#id_consent").check()
    page.get_by_role("button", name="أرسل طلبي").click()  # "Send my request"

    # The thanks page is in Arabic, right to left, with the request's reference.
    expect(page.locator(".reference")).to_have_text(REFERENCE)
    assert page.locator("html").get_attribute("lang") == "ar"
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Thank you")
    reference = page.locator(".reference").inner_text()

    request = QuoteRequest.objects.get(reference=reference)
    assert request.language == "ar" and request.name == "ليلى حسن"
    run_queued_tasks()  # the mail worker sends what the form queued
    to_patient = next(email for email in mailoutbox if email.to == ["layla.hassan@example.org"])
    assert to_patient.subject == f"طلب عرض السعر الخاص بك {reference}"
    assert to_patient.body.startswith("مرحبًا") and f"رقمك المرجعي هو {reference}" in to_patient.body
    # Triage is told in the site's language, with no health data.
    to_triage = next(email for email in mailoutbox if email.to != ["layla.hassan@example.org"])
    assert to_triage.subject.startswith("New quote request") and "سكتة" not in to_triage.body
