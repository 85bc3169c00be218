from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from outbox.models import Email
from quotes.models import PatientMessage, Quote
from quotes.services import accept_quote, patient_link, send_quote
from tests.quotes.test_quotes import make_quote, path_of

pytestmark = pytest.mark.django_db
ACCEPT_BUTTON = '<input type="hidden" name="action" value="accept">'


@pytest.fixture
def sent_quote(triage):
    quote = make_quote()
    send_quote(quote=quote, by=triage)
    Email.objects.all().delete()  # the "quote ready" e-mail: these tests look at what comes after
    return quote


def expire(quote, days_ago=1):
    # The link still works (it lasts QUOTE_LINK_MAX_AGE_DAYS); the prices do not.
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - timedelta(days=days_ago))
    quote.refresh_from_db()


def test_accepting_an_expired_quote_is_refused_with_a_clear_message(client, sent_quote, django_capture_on_commit_callbacks):
    path = path_of(patient_link(sent_quote))
    assert ACCEPT_BUTTON in client.get(path).content.decode()  # the page opened while the quote held
    expire(sent_quote)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(path, {"action": "accept"})

    html = response.content.decode()
    assert response.status_code == 409
    expiry = sent_quote.valid_until.strftime("%-d %B %Y")
    assert f"These prices held until {expiry}, so this quote can no longer be accepted." in html
    assert "Ask us for an updated quote with the form below" in html and sent_quote.quote_request.reference in html
    assert ACCEPT_BUTTON not in html and 'name="text"' in html  # the question form is there to ask
    sent_quote.refresh_from_db()
    assert sent_quote.accepted_at is None and not PatientMessage.objects.exists()
    assert callbacks == [] and not Email.objects.exists()  # triage is not told of an acceptance


def test_the_service_refuses_to_record_the_acceptance_of_an_expired_quote(sent_quote, django_capture_on_commit_callbacks):
    expire(sent_quote, days_ago=30)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError) as refusal:
            accept_quote(quote=sent_quote)
    assert refusal.value.code == "expired_quote"
    assert not PatientMessage.objects.exists() and callbacks == [] and not Email.objects.exists()
    assert Quote.objects.get(pk=sent_quote.pk).accepted_at is None


def test_a_quote_can_be_accepted_on_its_last_valid_day(client, sent_quote):
    expire(sent_quote, days_ago=0)
    response = client.post(path_of(patient_link(sent_quote)), {"action": "accept"}, follow=True)
    assert response.status_code == 200 and "we have your acceptance" in response.content.decode()
    assert Quote.objects.get(pk=sent_quote.pk).accepted_at is not None


def test_the_patient_can_still_ask_about_an_expired_quote(client, sent_quote, deliver_emails):
    expire(sent_quote)
    path = path_of(patient_link(sent_quote))
    page = client.get(path).content.decode()
    assert ACCEPT_BUTTON not in page and "ask us for an updated quote" in page
    response = client.post(path, {"action": "message", "text": "Can you update the prices?"})
    assert response.status_code == 302
    assert PatientMessage.objects.get().kind == PatientMessage.Kind.QUESTION
    assert [message.subject for message in deliver_emails()] == [f"New message from the patient on {sent_quote.quote_request.reference}"]


def test_refusing_an_expired_acceptance_writes_nothing(client, sent_quote, django_assert_max_num_queries):
    expire(sent_quote)
    path = path_of(patient_link(sent_quote))
    # The quote with its request and treatment; the request's quotes and their lines; the conversation and its
    # records; the site data of the page. No write.
    with django_assert_max_num_queries(8) as queries:
        assert client.post(path, {"action": "accept"}).status_code == 409
    assert not [query for query in queries.captured_queries if query["sql"].startswith(("INSERT", "UPDATE"))]
