"""The conversation of a request: the patient writes on their page, triage answers from the request's admin page."""

import io
import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from outbox.models import Email
from quotes.models import AccessLog, MedicalRecord, PatientMessage, QuoteRequest
from quotes.services import erase_quote_requests, patient_link, reply_to_patient, send_quote
from tests.quotes.pdfs import PLAIN_PDF
from tests.quotes.test_admin import change_form, make_request
from tests.quotes.test_quotes import make_quote, path_of

pytestmark = pytest.mark.django_db
HEALTH_DATA = ["Maria", "Arthritis", "Hip revision", "my knee hurts", "scan.pdf", "Take two tablets"]


@pytest.fixture
def quote(triage):
    quote = make_quote()
    send_quote(quote=quote, by=triage)
    Email.objects.all().delete()  # the "quote ready" e-mail
    return quote


@pytest.fixture
def page(quote):
    return path_of(patient_link(quote))


def pdf(name="scan.pdf", content=PLAIN_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def change_url(quote_request):
    return reverse("admin:quotes_quoterequest_change", args=[quote_request.pk])


def reply_form(quote_request, text, **overrides):
    data = change_form(quote_request, **{"messages-TOTAL_FORMS": "1", "messages-0-text": text})
    data.update(overrides)
    return data


def assert_no_health_data(email):
    for words in HEALTH_DATA:
        assert words not in email.body and words not in email.subject, words


def test_the_patient_writes_with_a_record_and_triage_is_told_without_health_data(client, quote, page, deliver_emails):
    response = client.post(page, {"action": "message", "text": "my knee hurts at night", "records": [pdf()]})
    assert response.status_code == 302 and response["Location"].endswith("#conversation")
    message = PatientMessage.objects.get()
    assert (message.quote_request, message.quote, message.kind, message.text) == (
        quote.quote_request, quote, PatientMessage.Kind.QUESTION, "my knee hurts at night"
    )
    record = MedicalRecord.objects.get()
    assert (record.message, record.quote_request, record.original_name, record.content_type) == (
        message, quote.quote_request, "scan.pdf", "application/pdf"
    )
    assert record.file.read().startswith(b"%PDF-") and "/private/" in record.file.path.replace(os.sep, "/")

    [email] = deliver_emails()
    reference = quote.quote_request.reference
    assert email.to == ["triage@localhost"] and email.subject == f"New message from the patient on {reference}"
    assert change_url(quote.quote_request) in email.body and "attached 1 file" in email.body
    assert_no_health_data(email)

    html = client.get(page).content.decode()
    assert "my knee hurts at night" in html and "Attached: scan.pdf" in html and "from-patient" in html


def test_a_message_with_records_alone_is_sent(client, page):
    assert client.post(page, {"action": "message", "text": "", "records": [pdf()]}).status_code == 302
    assert PatientMessage.objects.get().text == "" and MedicalRecord.objects.count() == 1


@pytest.mark.parametrize(
    "data,error",
    [
        ({"text": ""}, "Write a message or attach a file before sending."),
        ({"text": "   "}, "Write a message or attach a file before sending."),
        ({"text": "x" * 2001}, "at most 2000 characters"),
        ({"text": "Here", "records": [SimpleUploadedFile("notes.txt", b"just text", "text/plain")]}, "is not a PDF, JPEG or PNG file"),
        ({"text": "Here", "records": [SimpleUploadedFile("fake.pdf", b"<html>hi</html>", "application/pdf")]}, "is not a PDF, JPEG or PNG file"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_keeps_the_text(client, page, data, error):
    response = client.post(page, {"action": "message", **data})
    html = response.content.decode()
    assert response.status_code == 200 and error in html
    if data["text"].strip() and len(data["text"]) <= 2000:
        assert f">\n{data['text']}</textarea>" in html
    assert not PatientMessage.objects.exists() and not MedicalRecord.objects.exists() and not Email.objects.exists()


def test_an_oversized_record_or_too_many_are_refused(client, page, settings):
    settings.QUOTE_RECORD_MAX_BYTES = 500
    html = client.post(page, {"action": "message", "text": "Here", "records": [pdf()]}).content.decode()
    assert "each file may be at most 500" in html and "choose the files to attach again" in html
    settings.QUOTE_RECORD_MAX_BYTES = 10 * 1024 * 1024
    settings.QUOTE_RECORD_MAX_FILES = 1
    html = client.post(page, {"action": "message", "text": "Here", "records": [pdf(), pdf("b.pdf")]}).content.decode()
    assert "Attach at most 1 file." in html
    assert not PatientMessage.objects.exists() and not MedicalRecord.objects.exists()


def test_writing_needs_the_csrf_token(quote, page):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(page, {"action": "message", "text": "Hello"})
    assert response.status_code == 403 and not PatientMessage.objects.exists()


def test_triage_reply_from_the_request_page_reaches_the_patient(client, triage, quote, page, deliver_emails):
    quote_request = quote.quote_request
    PatientMessage.objects.create(quote_request=quote_request, quote=quote, kind="question", text="Is the flight included?")
    client.force_login(triage)
    html = client.get(change_url(quote_request)).content.decode()
    assert "Conversation with the patient" in html and "Is the flight included?" in html

    response = client.post(change_url(quote_request), reply_form(quote_request, "Take two tablets: flights are not included."))
    assert response.status_code == 302, response.content.decode()[:2000]
    reply = PatientMessage.objects.get(kind=PatientMessage.Kind.REPLY)
    assert (reply.author, reply.quote_request, reply.text) == (triage, quote_request, "Take two tablets: flights are not included.")

    [email] = deliver_emails()
    assert email.to == [quote_request.email] and email.subject == f"A new message about your request {quote_request.reference}"
    assert "/quote/view/" in email.body
    assert_no_health_data(email)

    client.logout()
    patient_page = client.get(page).content.decode()
    assert "Take two tablets: flights are not included." in patient_page and "Our team" in patient_page
    assert patient_page.index("Is the flight included?") < patient_page.index("Take two tablets")


def test_the_link_in_a_reply_opens_the_patients_page(client, triage, quote, deliver_emails):
    reply_to_patient(quote_request=quote.quote_request, text="Answer", by=triage)
    [email] = deliver_emails()
    link = next(word for word in email.body.split() if "/quote/view/" in word)
    assert "Answer" in client.get(path_of(link)).content.decode()


def test_an_empty_reply_form_sends_nothing(client, triage, quote):
    client.force_login(triage)
    assert client.post(change_url(quote.quote_request), reply_form(quote.quote_request, "")).status_code == 302
    assert not PatientMessage.objects.exists() and not Email.objects.exists()


def test_a_reply_before_any_quote_was_sent_is_refused_with_a_clear_error(client, triage):
    quote_request = make_request()
    make_quote(quote_request)  # a draft: the patient has no page yet
    client.force_login(triage)
    response = client.post(change_url(quote_request), reply_form(quote_request, "Hello"))
    assert response.status_code == 200 and "send them a quote first" in response.content.decode()
    assert not PatientMessage.objects.exists() and not Email.objects.exists()


def test_sent_messages_cannot_be_rewritten_from_the_admin(client, triage, quote):
    message = PatientMessage.objects.create(quote_request=quote.quote_request, quote=quote, kind="question", text="Original")
    client.force_login(triage)
    data = change_form(
        quote.quote_request,
        **{"messages-TOTAL_FORMS": "1", "messages-INITIAL_FORMS": "1", "messages-0-id": message.pk, "messages-0-text": "Rewritten"},
    )
    client.post(change_url(quote.quote_request), data)
    assert PatientMessage.objects.get(pk=message.pk).text == "Original"


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_editors_and_reviewers_neither_read_nor_answer_the_conversation(client, request, who, quote):
    PatientMessage.objects.create(quote_request=quote.quote_request, quote=quote, kind="question", text="Private question")
    client.force_login(request.getfixturevalue(who))
    assert client.get(change_url(quote.quote_request)).status_code == 403
    assert client.post(change_url(quote.quote_request), reply_form(quote.quote_request, "Hi")).status_code == 403
    assert PatientMessage.objects.count() == 1 and not Email.objects.exists()


def test_triage_downloads_a_record_attached_to_a_message(client, triage, page, quote):
    client.post(page, {"action": "message", "text": "", "records": [pdf()]})
    record = MedicalRecord.objects.get()
    client.force_login(triage)
    html = client.get(change_url(quote.quote_request)).content.decode()
    download = reverse("admin:quotes_quoterequest_record", args=[quote.quote_request.pk, record.pk])
    assert f'href="{download}">scan.pdf</a>' in html
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


def test_reading_the_conversation_is_in_the_access_log(client, triage, quote):
    PatientMessage.objects.create(quote_request=quote.quote_request, quote=quote, kind="question", text="Hello")
    client.force_login(triage)
    client.get(change_url(quote.quote_request))
    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW)
    assert entry.user == triage and [r.reference for r in entry.requests.all()] == [quote.quote_request.reference]
    client.post(change_url(quote.quote_request), reply_form(quote.quote_request, "Answer"))
    assert AccessLog.objects.filter(action=AccessLog.Action.CHANGE, requests__reference=quote.quote_request.reference).exists()


def test_the_request_page_lists_the_conversation_in_a_fixed_number_of_queries(client, triage, quote, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(triage)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(change_url(quote.quote_request)).status_code == 200
        return len(captured)

    PatientMessage.objects.create(quote_request=quote.quote_request, quote=quote, kind="question", text="One")
    one = queries()
    for n in range(5):
        PatientMessage.objects.create(quote_request=quote.quote_request, quote=quote, kind="question", text=f"More {n}")
    assert queries() == one


def test_erasure_removes_the_conversation_and_its_files(client, page, quote, triage):
    client.post(page, {"action": "message", "text": "my knee hurts", "records": [pdf()]})
    reply_to_patient(quote_request=quote.quote_request, text="Answer", by=triage)
    path = MedicalRecord.objects.get().file.path
    references, files = erase_quote_requests(QuoteRequest.objects.filter(pk=quote.quote_request.pk))
    assert references == [quote.quote_request.reference] and files == 1
    assert not PatientMessage.objects.exists() and not MedicalRecord.objects.exists() and not os.path.exists(path)
    assert not Email.objects.filter(about=quote.quote_request.reference).exists()


def test_erase_patient_command_removes_the_thread(client, page, quote):
    client.post(page, {"action": "message", "text": "my knee hurts", "records": [pdf()]})
    call_command("erase_patient", quote.quote_request.email, stdout=io.StringIO())
    assert not PatientMessage.objects.exists() and not MedicalRecord.objects.exists()


def test_retention_purges_the_thread_and_a_new_message_starts_the_period_again(client, page, quote, triage):
    quote_request = quote.quote_request
    client.post(page, {"action": "message", "text": "my knee hurts", "records": [pdf()]})
    long_ago = timezone.now() - timedelta(days=800)
    QuoteRequest.objects.filter(pk=quote_request.pk).update(status="lost", updated_at=long_ago)
    reply_to_patient(quote_request=QuoteRequest.objects.get(pk=quote_request.pk), text="Are you still interested?", by=triage)
    call_command("purge_quote_requests", stdout=io.StringIO())
    assert PatientMessage.objects.count() == 2  # the reply touched the request: kept

    QuoteRequest.objects.filter(pk=quote_request.pk).update(updated_at=long_ago)
    path = MedicalRecord.objects.get().file.path
    out = io.StringIO()
    call_command("purge_quote_requests", stdout=out)
    assert quote_request.reference in out.getvalue() and "1 record file(s)" in out.getvalue()
    assert not PatientMessage.objects.exists() and not MedicalRecord.objects.exists() and not os.path.exists(path)
