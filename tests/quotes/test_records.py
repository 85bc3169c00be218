import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from quotes.models import AccessedRequest, AccessLog, MedicalRecord, Note, QuoteRequest
from quotes.services import log_access
from tests.articles.test_uploads import image_bytes
from tests.quotes.pdfs import PLAIN_PDF as PDF
from tests.quotes.test_admin import make_request
from tests.quotes.test_quotes import make_quote
from tests.quotes.test_views import URL, clear_cache, form_data, knee, shown_errors  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def pdf(name="scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_patient_attaches_records_that_are_stored_outside_public_media(client, knee, settings):  # noqa: F811
    png = SimpleUploadedFile("mri.png", image_bytes(image_format="PNG"), content_type="image/png")
    response = client.post(URL, form_data(knee, records=[pdf(), png]))
    assert response.status_code == 302
    records = list(QuoteRequest.objects.get().records.all())
    assert [(r.original_name, r.content_type) for r in records] == [("scan.pdf", "application/pdf"), ("mri.png", "image/png")]
    for record in records:
        path = record.file.path
        assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
        assert not path.startswith(str(settings.MEDIA_ROOT))
        assert "scan" not in path and "mri" not in path
        with pytest.raises(ValueError):
            record.file.url


@pytest.mark.parametrize(
    "upload,message",
    [
        (SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script>", "application/pdf"), "is not a PDF, JPEG or PNG"),
        (SimpleUploadedFile("scan.jpg", b"MZ\x90\x00 windows exe", "image/jpeg"), "is not a PDF, JPEG or PNG"),
        (SimpleUploadedFile("x.svg", b"<svg onload=alert(1)>", "image/svg+xml"), "is not a PDF, JPEG or PNG"),
        (SimpleUploadedFile("old.gif", image_bytes(image_format="GIF"), "image/gif"), "is not a PDF, JPEG or PNG"),
    ],
)
def test_records_are_checked_by_content_not_by_name(client, knee, upload, message):  # noqa: F811
    response = client.post(URL, form_data(knee, records=[upload]))
    assert response.status_code == 200
    assert message in shown_errors(response.content.decode(), "records")
    assert not QuoteRequest.objects.exists() and not MedicalRecord.objects.exists()


def test_record_size_and_count_limits(client, knee, settings):  # noqa: F811
    settings.QUOTE_RECORD_MAX_BYTES = 20
    response = client.post(URL, form_data(knee, records=[pdf()]))
    assert "each file may be at most 20" in shown_errors(response.content.decode(), "records")
    settings.QUOTE_RECORD_MAX_BYTES = 10_000
    settings.QUOTE_RECORD_MAX_FILES = 2
    response = client.post(URL, form_data(knee, records=[pdf(f"{n}.pdf") for n in range(3)]))
    assert "Attach at most 2 files." in shown_errors(response.content.decode(), "records")
    assert not QuoteRequest.objects.exists()


def download_url(record):
    return reverse("admin:quotes_quoterequest_record", args=[record.quote_request_id, record.pk])


@pytest.fixture
def record(client, knee):  # noqa: F811
    client.post(URL, form_data(knee, records=[pdf()]))
    client.logout()
    return MedicalRecord.objects.get()


def test_triage_downloads_a_record_as_an_attachment_and_it_is_logged(client, triage, record):
    client.force_login(triage)
    response = client.get(download_url(record))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert record.quote_request.reference in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    with record.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    assert AccessLog.objects.filter(action="download", user=triage).count() == 1


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_other_staff_cannot_download_records(client, request, who, record):
    client.force_login(request.getfixturevalue(who))
    assert client.get(download_url(record)).status_code == 403


def test_anonymous_users_cannot_download_records(client, record):
    assert client.get(download_url(record))["Location"].startswith(reverse("admin:login"))


def test_a_record_of_another_request_is_not_found(client, triage, record):
    other = make_request()
    client.force_login(triage)
    assert client.get(reverse("admin:quotes_quoterequest_record", args=[other.pk, record.pk])).status_code == 404


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_purge_deletes_old_closed_requests_with_their_files(record, triage):
    old_closed = record.quote_request
    QuoteRequest.objects.filter(pk=old_closed.pk).update(status="lost", updated_at=timezone.now() - timedelta(days=800))
    Note.objects.create(quote_request=old_closed, author=triage, text="Patient chose another clinic.")
    make_quote(old_closed)
    old_open = make_request()
    QuoteRequest.objects.filter(pk=old_open.pk).update(updated_at=timezone.now() - timedelta(days=800))
    recent_closed = make_request(status="spam")
    log_access(quote_requests=[old_closed], user=triage, action=AccessLog.Action.LIST, query="q=maria")
    path = record.file.path

    assert old_closed.reference in run("purge_quote_requests", "--days", "730", "--dry-run")
    assert QuoteRequest.objects.filter(pk=old_closed.pk).exists()

    output = run("purge_quote_requests", "--days", "730")
    assert f"Deleted 1 closed request(s) older than 730 days and 1 record file(s): {old_closed.reference}." in output
    assert set(QuoteRequest.objects.values_list("pk", flat=True)) == {old_open.pk, recent_closed.pk}
    assert not Note.objects.exists() and not MedicalRecord.objects.exists()
    assert not __import__("os").path.exists(path)
    accessed = AccessedRequest.objects.get()
    assert (accessed.reference, accessed.quote_request, accessed.entry.user) == (old_closed.reference, None, triage)
    assert accessed.entry.query == "(erased with the patient's requests)"  # the search may have named the patient
    assert "Deleted 0" in run("purge_quote_requests")


def test_purge_refuses_a_nonsense_retention():
    with pytest.raises(CommandError, match="at least one day"):
        run("purge_quote_requests", "--days", "0")


def test_erase_patient_removes_all_their_requests_and_reports_it(record):
    quote_request = record.quote_request
    second = make_request(email=quote_request.email.upper())
    other = make_request(email="someone.else@example.org")
    output = run("erase_patient", quote_request.email)
    assert "Erased 2 request(s)" in output and quote_request.reference in output and second.reference in output
    assert "1 record file(s)" in output
    assert list(QuoteRequest.objects.all()) == [other]
    assert "nothing to erase" in run("erase_patient", quote_request.email)


@pytest.mark.parametrize("how", ["delete view", "bulk action"])
def test_deleting_requests_in_the_admin_deletes_their_record_files(client, superuser, record, how):
    path = record.file.path
    client.force_login(superuser)
    if how == "delete view":
        url, data = reverse("admin:quotes_quoterequest_delete", args=[record.quote_request_id]), {"post": "yes"}
    else:
        url = reverse("admin:quotes_quoterequest_changelist")
        data = {"action": "delete_selected", "_selected_action": [record.quote_request_id], "post": "yes"}
    assert client.post(url, data).status_code == 302
    assert not QuoteRequest.objects.exists() and not MedicalRecord.objects.exists()
    assert not __import__("os").path.exists(path)


def test_erase_patient_refuses_what_is_not_an_email():
    with pytest.raises(CommandError, match="is not an e-mail address"):
        run("erase_patient", "not-an-email")


def test_a_polyglot_record_is_stored_without_its_html_and_downloaded_as_an_attachment(client, triage, knee):  # noqa: F811
    # A PDF followed by HTML: accepted as a PDF and rewritten without what followed it, and in any case never
    # rendered by the browser.
    polyglot = PDF + b"<html><script>alert(document.cookie)</script></html>"
    client.post(URL, form_data(knee, records=[pdf("report.pdf", polyglot)]))
    record = MedicalRecord.objects.get()
    client.force_login(triage)
    response = client.get(download_url(record))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-") and b"<script>" not in content


def test_an_image_header_followed_by_html_is_refused(client, knee):  # noqa: F811
    fake = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "image/png")
    response = client.post(URL, form_data(knee, records=[fake]))
    assert "is not a PDF, JPEG or PNG" in shown_errors(response.content.decode(), "records")
    assert not QuoteRequest.objects.exists()
