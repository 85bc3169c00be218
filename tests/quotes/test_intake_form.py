"""The quote form's states: a direct visit, the error summary, fieldsets, unique ids, and limits that never lock a
patient out."""

import re
import time
from collections import Counter
from unittest import mock

import pytest
from django.urls import reverse

from quotes.models import QuoteRequest
from tests.quotes.test_views import form_data, knee, stem_cells  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
URL = reverse("quotes:request")


def caution_of(html, treatment):
    found = re.search(rf'<div class="caution" role="note" data-caution-for="{treatment.pk}"[^>]*>', html)
    return found[0] if found else None


def token_of(response):
    return re.search(r'<input type="hidden" name="form_token" value="([^"]+)"', response.content.decode())[1]


def ids(html):
    return Counter(re.findall(r'\sid="([^"]+)"', html))


def test_a_direct_visit_shows_no_caution_until_an_experimental_treatment_is_chosen(client, knee, stem_cells):
    html = client.get(URL).content.decode()
    caution = caution_of(html, stem_cells)
    assert caution is not None and " hidden" in caution  # there for the script, hidden until chosen
    assert "quotes/quote-form.js" in html
    assert '<option value="" selected>Choose a treatment</option>' in html
    assert '<option value="other">Other (describe below)</option>' in html


def test_the_caution_shows_without_script_when_the_chosen_treatment_is_experimental(client, knee, stem_cells):
    html = client.get(URL, {"treatment": "stem-cell-therapy"}).content.decode()
    assert " hidden" not in caution_of(html, stem_cells)
    assert "This treatment is experimental" in html
    html = client.get(URL, {"treatment": "knee-replacement"}).content.decode()
    assert " hidden" in caution_of(html, stem_cells)
    # After an error, the caution follows what the reader chose.
    html = client.post(URL, form_data(stem_cells, name="")).content.decode()
    assert " hidden" not in caution_of(html, stem_cells)


def test_the_reader_must_choose_a_treatment_and_a_country(client, knee):
    response = client.post(URL, form_data(knee, treatment="", country=""))
    html = response.content.decode()
    assert response.status_code == 200 and not QuoteRequest.objects.exists()
    assert "Choose a treatment, or “Other” and describe it below." in html
    assert "Choose the country you live in." in html
    assert '<option value="" selected>Choose your country</option>' in html and "---------" not in html


def test_other_treatment_needs_a_description_and_is_saved_as_such(client):
    html = client.post(URL, form_data(None, treatment_other="")).content.decode()
    assert "Describe the treatment you need here." in html
    assert client.post(URL, form_data(None, treatment_other="Hip revision")).status_code == 302
    saved = QuoteRequest.objects.get()
    assert (saved.treatment, saved.treatment_other) == (None, "Hip revision")


def test_the_error_summary_links_to_each_field_at_fault_and_takes_the_focus(client, knee):
    html = client.post(URL, form_data(knee, name="", email="nope", contact_method="", consent="")).content.decode()
    summary = re.search(r'<div class="form-errors error-summary"[^>]*>(.*?)</div>', html, re.DOTALL)
    assert summary is not None
    assert 'tabindex="-1" autofocus' in summary[0]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary[1])
    assert [target for target, _ in links] == ["id_name", "id_email", "id_contact_method_0", "id_consent"]
    for target, _ in links:
        assert f'id="{target}"' in html  # each link reaches its field
    assert "please choose them again" in summary[1] and "Files are not kept" in summary[1]


def test_the_error_state_has_no_duplicate_ids(client, knee):
    html = client.post(URL, form_data(knee, name="", email="nope", contact_method="phone", consent="", destinations=["999"])).content.decode()
    duplicates = {name: count for name, count in ids(html).items() if count > 1}
    assert duplicates == {}
    assert 'id="id_name_error"' in html and 'aria-describedby="id_name_error"' in html


def test_radio_and_checkbox_groups_are_fieldsets_with_a_legend(client, knee):
    html = client.get(URL).content.decode()
    for name, legend in (("contact_method", "How should we contact you?"), ("destinations", "Preferred destinations")):
        group = re.search(rf'<fieldset class="field field-group" id="id_{name}_group">\s*<legend>([^<]+)</legend>', html)
        assert group is not None and group[1] == legend, name
    assert '<label for="id_contact_method">' not in html  # no label for a group: its legend names it


def test_a_patient_who_mistyped_several_times_is_not_refused(client, knee, settings):
    settings.QUOTE_RATE_LIMIT = 2
    for _ in range(6):
        assert client.post(URL, form_data(knee, email="not-an-email")).status_code == 200
    assert client.post(URL, form_data(knee)).status_code == 302
    assert QuoteRequest.objects.count() == 1


def test_sent_requests_still_have_their_limit(client, knee, settings):
    settings.QUOTE_RATE_LIMIT = 2
    assert [client.post(URL, form_data(knee)).status_code for _ in range(3)] == [302, 302, 429]
    assert QuoteRequest.objects.count() == 2


def test_failed_forms_have_a_larger_budget_of_their_own(client, knee, settings):
    settings.QUOTE_RATE_LIMIT, settings.QUOTE_RATE_FAILED_LIMIT = 2, 4
    statuses = [client.post(URL, form_data(knee, email="not-an-email")).status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]


def test_the_429_page_says_how_to_reach_us(client, knee, settings):
    settings.QUOTE_RATE_LIMIT, settings.QUOTE_REPLY_TO_EMAIL = 1, "help@magazine.example"
    client.post(URL, form_data(knee))
    response = client.post(URL, form_data(knee))
    assert response.status_code == 429
    assert '<a href="mailto:help@magazine.example">help@magazine.example</a>' in response.content.decode()


def test_the_minimum_fill_time_counts_from_when_the_form_was_first_shown(client, knee, settings):
    settings.QUOTE_MIN_FILL_SECONDS = 3
    shown_at = time.time()
    with mock.patch("quotes.forms.time.time", return_value=shown_at):
        token = token_of(client.get(URL))
    # The reader sends it with a mistake after 10 s: the error page carries the same token along.
    with mock.patch("quotes.forms.time.time", return_value=shown_at + 10), mock.patch("django.core.signing.time.time", return_value=shown_at + 10):
        page = client.post(URL, form_data(knee, name="", form_token=token))
    carried = token_of(page)
    assert carried == token
    # Corrected and sent again a second later: not "very quick".
    with mock.patch("quotes.forms.time.time", return_value=shown_at + 11), mock.patch("django.core.signing.time.time", return_value=shown_at + 11):
        response = client.post(URL, form_data(knee, form_token=carried))
    assert response.status_code == 302 and QuoteRequest.objects.count() == 1


def test_a_form_sent_too_quickly_keeps_its_first_time(client, knee, settings):
    settings.QUOTE_MIN_FILL_SECONDS = 3
    shown_at = time.time()
    with mock.patch("quotes.forms.time.time", return_value=shown_at):
        token = token_of(client.get(URL))
    with mock.patch("quotes.forms.time.time", return_value=shown_at + 1):
        page = client.post(URL, form_data(knee, form_token=token))
    assert "That was very quick" in page.content.decode()
    assert token_of(page) == token
    with mock.patch("quotes.forms.time.time", return_value=shown_at + 4):
        assert client.post(URL, form_data(knee, form_token=token)).status_code == 302


def test_an_expired_form_gets_a_fresh_token(client, knee):
    page = client.post(URL, form_data(knee, form_token="forged"))
    assert "This form has expired" in page.content.decode()
    assert token_of(page) != "forged"
