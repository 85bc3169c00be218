import re
import time
import uuid
from html import unescape
from unittest import mock

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from outbox.models import Email
from quotes.forms import CONSENT_VERSION, TOKEN_SALT, new_form_token
from quotes.models import Destination, QuoteRequest, Treatment
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
URL = reverse("quotes:request")


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def stem_cells():
    article = make_article(title="Stem cells after stroke", slug="stem-cells-after-stroke")
    return Treatment.objects.create(
        name="Stem cell therapy", slug="stem-cell-therapy", is_experimental=True, related_article=article
    )


@pytest.fixture
def knee():
    return Treatment.objects.create(name="Knee replacement", slug="knee-replacement")


def shown_errors(html, field):
    """The error messages the page shows for the form field ``field`` (Django's list with id ``id_FIELD_error``)."""
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.DOTALL)
    return " ".join(unescape(item) for item in re.findall(r"<li>(.*?)</li>", found[1])) if found else ""


def old_token(seconds=60):
    return signing.dumps({"key": str(uuid.uuid4()), "t": time.time() - seconds}, salt=TOKEN_SALT)


def form_data(chosen=None, **overrides):
    destination, _ = Destination.objects.get_or_create(name="Spain")
    data = {
        "name": "Maria Example",
        "email": "maria@example.org",
        "phone": "",
        "country": "GB",
        "treatment": chosen.pk if chosen else "other",
        "treatment_other": "" if chosen else "Hip revision",
        "condition_summary": "Ischaemic stroke in 2025, left-side weakness.",
        "destinations": [destination.pk],
        "budget": "15k_30k",
        "travel_window": "3_6_months",
        "contact_method": "email",
        "consent": "on",
        "website": "",
        "form_token": old_token(),
        "article": "",
    }
    data.update(overrides)
    return data


def test_form_page_offers_the_treatments_and_an_unticked_consent(client, knee):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Knee replacement" in html and "Other (describe below)" in html
    assert 'name="consent"' in html and 'name="consent" required id="id_consent" checked' not in html
    assert "checked" not in html.split('name="consent"')[1].split(">")[0]
    assert "no-cache" in response["Cache-Control"]


def test_call_to_action_prefills_treatment_and_article(client, stem_cells):
    html = client.get(URL, {"article": "stem-cells-after-stroke"}).content.decode()
    assert f'<option value="{stem_cells.pk}" selected>Stem cell therapy</option>' in html
    assert '<input type="hidden" name="article" value="stem-cells-after-stroke" id="id_article">' in html
    assert "This treatment is experimental" in html
    assert 'href="/articles/stem-cells-after-stroke/"' in html


def test_submitting_saves_one_request_and_shows_the_reference(client, knee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(knee))
    assert response.status_code == 302 and response["Location"] == reverse("quotes:thanks")
    quote_request = QuoteRequest.objects.get()
    assert quote_request.reference.startswith("MT-") and len(quote_request.reference) == 14
    assert quote_request.status == QuoteRequest.Status.NEW
    assert quote_request.consent_version == CONSENT_VERSION and quote_request.consented_at
    assert list(quote_request.destinations.values_list("name", flat=True)) == ["Spain"]
    page = client.get(response["Location"]).content.decode()
    assert quote_request.reference in page


def test_source_article_is_recorded_for_attribution(client, stem_cells):
    client.post(URL, form_data(stem_cells, article="stem-cells-after-stroke"))
    assert QuoteRequest.objects.get().source_article == stem_cells.related_article


def test_experimental_treatment_caution_on_the_confirmation(client, stem_cells):
    client.post(URL, form_data(stem_cells))
    html = client.get(reverse("quotes:thanks")).content.decode()
    assert "This treatment is experimental" in html


def test_emails_go_out_without_health_data(client, stem_cells, deliver_emails, settings):
    settings.QUOTE_TRIAGE_EMAIL = "triage@magazine.example"
    client.post(URL, form_data(stem_cells))
    quote_request = QuoteRequest.objects.get()
    sent = sorted(deliver_emails(), key=lambda message: message.to != ["maria@example.org"])
    assert [message.to for message in sent] == [["maria@example.org"], ["triage@magazine.example"]]
    for message in sent:
        text = message.subject + message.body
        assert quote_request.reference in text
        for health_data in ("Stem cell", "stroke", "weakness", "Maria", "Spain"):
            assert health_data.lower() not in text.lower()
    assert f"/admin/quotes/quoterequest/{quote_request.pk}/change/" in sent[1].body


def test_a_mail_server_that_fails_loses_neither_the_request_nor_its_emails(client, knee, settings, deliver_emails, caplog):
    settings.EMAIL_BACKEND = "tests.outbox.helpers.MailServerDown"
    response = client.post(URL, form_data(knee))
    assert response.status_code == 302
    assert QuoteRequest.objects.count() == 1
    assert deliver_emails() == []
    assert "attempt 1 failed (ConnectionRefusedError)" in caplog.text
    assert sorted(Email.objects.values_list("status", "attempts")) == [("queued", 1), ("queued", 1)]


def test_resubmitting_the_same_form_creates_one_request(client, knee):
    data = form_data(knee)
    client.post(URL, data)
    second = client.post(URL, data)
    assert second.status_code == 302
    assert QuoteRequest.objects.count() == 1


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"name": ""}, "name", "This field is required."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"country": "XX"}, "country", "Select a valid choice."),
        ({"treatment": "", "treatment_other": "Hip revision"}, "treatment", "Choose a treatment, or “Other” and describe it below."),
        ({"treatment": "other", "treatment_other": " "}, "treatment_other", "Describe the treatment you need here."),
        ({"country": ""}, "country", "Choose the country you live in."),
        ({"condition_summary": "x" * 2001}, "condition_summary", "at most 2000 characters"),
        ({"name": "x" * 121}, "name", "at most 120 characters"),
        ({"budget": "millions"}, "budget", "Select a valid choice."),
        ({"contact_method": "phone"}, "phone", "Give a phone number"),
        ({"consent": ""}, "consent", "only prepare a quote with your consent"),
        ({"form_token": "forged"}, "form_token", "This form has expired"),
        ({"form_token": "fresh"}, "form_token", "That was very quick"),
        ({"destinations": ["999"]}, "destinations", "Select a valid choice"),
    ],
)
def test_bad_input_gets_field_errors_keeps_the_input_and_saves_nothing(client, knee, overrides, field, message):
    if overrides.get("form_token") == "fresh":
        overrides = {"form_token": new_form_token()}
    response = client.post(URL, form_data(knee, **overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in shown_errors(html, field)
    assert not QuoteRequest.objects.exists()
    assert 'value="maria@example.org"' in html or field == "email"
    assert "Ischaemic stroke in 2025" in html or field == "condition_summary"


def test_a_filled_honeypot_is_refused_without_saying_why(client, knee):
    response = client.post(URL, form_data(knee, website="http://spam.example"))
    html = response.content.decode()
    assert response.status_code == 200 and not QuoteRequest.objects.exists()
    assert "Please correct the fields marked below" in html
    assert shown_errors(html, "website") == ""  # bots read the page too


def test_rate_limit_answers_429_with_a_clear_message(client, knee, settings):
    settings.QUOTE_RATE_LIMIT = 2
    for _ in range(2):
        client.post(URL, form_data(knee))
    response = client.post(URL, form_data(knee))
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert QuoteRequest.objects.count() == 2


def test_csrf_is_enforced(knee):
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, form_data(knee)).status_code == 403
    assert not QuoteRequest.objects.exists()


def test_thanks_page_without_a_request_goes_back_to_the_form(client):
    assert client.get(reverse("quotes:thanks"))["Location"] == URL


def test_unknown_or_unpublished_article_is_ignored(client, knee):
    response = client.get(URL, {"article": "nope"})
    assert response.status_code == 200
    assert '<input type="hidden" name="article" id="id_article">' in response.content.decode()
    client.post(URL, form_data(knee, article="nope"))
    assert QuoteRequest.objects.get().source_article is None


def test_health_data_is_hidden_from_error_reports():
    from quotes.views import QuoteRequestView

    view = QuoteRequestView.as_view()
    from django.test import RequestFactory
    from django.views.debug import SafeExceptionReporterFilter

    request = RequestFactory().post(URL, {"condition_summary": "secret condition", "name": "Maria"})
    request.user = mock.Mock(is_authenticated=False)
    request.session = {}
    with mock.patch.object(QuoteRequestView, "post", side_effect=RuntimeError("boom")):
        with pytest.raises(RuntimeError):
            view(request)
    filtered = SafeExceptionReporterFilter().get_post_parameters(request)
    assert filtered["condition_summary"] != "secret condition" and filtered["name"] != "Maria"


def test_a_second_request_for_the_same_treatment_is_flagged_as_possible_duplicate(client, knee):
    client.post(URL, form_data(knee))
    client.post(URL, form_data(knee, email="MARIA@example.org"))
    first, second = QuoteRequest.objects.order_by("created_at", "pk")
    assert second.possible_duplicate_of == first and first.possible_duplicate_of is None


def test_new_request_is_due_for_a_first_response_within_the_setting(client, knee, settings):
    settings.QUOTE_FIRST_RESPONSE_HOURS = 24
    client.post(URL, form_data(knee))
    quote_request = QuoteRequest.objects.get()
    hours = (quote_request.first_response_due - quote_request.created_at).total_seconds() / 3600
    assert 23.9 < hours < 24.1


def test_health_data_never_reaches_the_logs(client, knee, caplog, settings, deliver_emails):
    import logging

    caplog.set_level(logging.DEBUG)
    settings.EMAIL_BACKEND = "tests.outbox.helpers.MailServerDown"
    client.post(URL, form_data(knee))
    client.post(URL, form_data(knee, email="bad"))  # a refused form too
    deliver_emails()
    assert caplog.text  # something was logged (the e-mail failures)
    for health_data in ("Ischaemic stroke", "left-side weakness", "Maria Example", "Knee replacement", "maria@"):
        assert health_data not in caplog.text


def test_behind_a_proxy_the_rate_limit_counts_each_reader_apart(client, knee, settings):
    settings.QUOTE_RATE_LIMIT = 1
    settings.TRUST_X_REAL_IP = True
    assert client.post(URL, form_data(knee), HTTP_X_REAL_IP="203.0.113.1").status_code == 302
    assert client.post(URL, form_data(knee), HTTP_X_REAL_IP="203.0.113.2").status_code == 302
    assert client.post(URL, form_data(knee), HTTP_X_REAL_IP="203.0.113.1").status_code == 429


def test_the_real_ip_header_is_ignored_unless_trusted(client, knee, settings):
    settings.QUOTE_RATE_LIMIT = 1
    settings.TRUST_X_REAL_IP = False
    client.post(URL, form_data(knee), HTTP_X_REAL_IP="203.0.113.1")
    assert client.post(URL, form_data(knee), HTTP_X_REAL_IP="203.0.113.9").status_code == 429
