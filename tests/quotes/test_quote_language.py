"""A quote request records the language the patient wrote in: their e-mails, links and page are in it."""

import pytest
from django.template import loader
from django.urls import reverse
from django.utils import translation

from quotes.models import QuoteRequest
from quotes.services import patient_link, reply_to_patient, send_quote
from tests.quotes.test_admin import make_request
from tests.quotes.test_quotes import make_quote, path_of
from tests.quotes.test_views import URL, clear_cache, form_data, knee  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered_in(monkeypatch):
    """{template name: the language active when it was rendered}, for the e-mails' templates."""
    languages = {}
    real = loader.render_to_string

    def recording(template_name, *args, **kwargs):
        if "/email/" in str(template_name):
            languages[template_name] = translation.get_language()
        return real(template_name, *args, **kwargs)

    monkeypatch.setattr("quotes.services.render_to_string", recording)
    return languages


@pytest.mark.parametrize("prefix, language", [("", "en-gb"), ("/de", "de"), ("/ar", "ar")])
def test_the_request_records_the_language_of_the_form_it_was_sent_from(client, knee, prefix, language):  # noqa: F811
    response = client.post(prefix + URL, form_data(knee))
    assert response.status_code == 302 and response["Location"] == f"{prefix}/quote/thanks/"
    assert QuoteRequest.objects.get().language == language
    assert client.get(response["Location"]).status_code == 200  # the confirmation, in the same language


def test_a_request_sent_in_arabic_writes_to_the_patient_in_arabic_and_to_triage_in_english(
    client, knee, rendered_in, deliver_emails, settings  # noqa: F811
):
    settings.QUOTE_TRIAGE_EMAIL = "triage@magazine.example"
    client.post("/ar" + URL, form_data(knee))
    assert rendered_in == {
        "quotes/email/patient_confirmation.txt": "ar",
        "quotes/email/triage_notification.txt": "en-gb",
    }
    assert translation.get_language() == "en-gb"  # nothing leaks into what comes next
    sent = {tuple(message.to): message for message in deliver_emails()}
    assert "/admin/quotes/quoterequest/" in sent[("triage@magazine.example",)].body


def test_the_patient_quote_link_and_its_email_are_in_the_patient_language(triage, rendered_in, deliver_emails, settings):
    quote = make_quote(make_request(language="de"))
    assert path_of(patient_link(quote)).startswith("/de/quote/view/")
    send_quote(quote=quote, by=triage)
    assert rendered_in["quotes/email/quote_ready.txt"] == "de"
    (message,) = deliver_emails()
    assert f"{settings.SITE_URL}/de/quote/view/" in message.body
    reply_to_patient(quote_request=quote.quote_request, text="Gerne.", by=triage)
    assert rendered_in["quotes/email/new_message_patient.txt"] == "de"


def test_the_patient_page_answers_in_the_language_of_its_link(client, triage):
    quote = make_quote(make_request(language="ar"))
    send_quote(quote=quote, by=triage)
    response = client.get(path_of(patient_link(quote)))
    assert response.status_code == 200 and response["Content-Language"] == "ar"


def test_triage_sees_the_language_in_the_list_and_filters_by_it(client, triage):
    make_request(language="ar", name="Arabic patient")
    make_request(language="de", name="German patient")
    client.force_login(triage)
    changelist = reverse("admin:quotes_quoterequest_changelist")
    html = client.get(changelist).content.decode()
    assert '<td class="field-language_code"><abbr title="العربيّة">ar</abbr></td>' in html
    assert '<td class="field-language_code"><abbr title="Deutsch">de</abbr></td>' in html
    filtered = client.get(changelist, {"language__exact": "ar"}).content.decode()
    assert filtered.count('<td class="field-language_code">') == 1 and 'title="العربيّة"' in filtered
