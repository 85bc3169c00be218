"""
The outbox: e-mails are written in the transaction of the change that causes them, and the worker sends each
once, trying again later while the mail server fails.
"""

import logging
import smtplib
from datetime import timedelta

import pytest
from django.db import OperationalError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from outbox import services, tasks
from outbox.models import OVERDUE_AFTER, UNCONFIRMED_AFTER, Email
from quotes.models import QuoteRequest
from quotes.services import erase_quote_requests, send_quote
from tests.conftest import run_mail_worker_command, run_queued_tasks
from tests.outbox.helpers import MailServerDown, clock_at, make_email
from tests.quotes.test_quotes import make_quote
from tests.quotes.test_views import form_data, knee  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
DELIVER = tasks.deliver.module_path


@pytest.fixture(autouse=True)
def quick_retries(settings, monkeypatch):
    settings.EMAIL_MAX_ATTEMPTS = 5
    settings.EMAIL_RETRY_SECONDS = 30
    settings.EMAIL_RETRY_MAX_SECONDS = 100
    monkeypatch.setattr(services, "RECORD_PAUSES", (0, 0))


def test_a_quote_request_is_saved_with_its_emails_and_talks_to_no_mail_server(client, knee, settings, deliver_emails):  # noqa: F811
    settings.EMAIL_BACKEND = "tests.outbox.helpers.NoMailServer"
    settings.QUOTE_TRIAGE_EMAIL = "triage@magazine.example"
    response = client.post(reverse("quotes:request"), form_data(knee))
    assert response.status_code == 302
    reference = QuoteRequest.objects.get().reference
    queued = Email.objects.order_by("subject")
    assert [(email.subject, email.recipients, email.status) for email in queued] == [
        (f"New quote request {reference}", ["triage@magazine.example"], "queued"),
        (f"Your quote request {reference}", ["maria@example.org"], "queued"),
    ]
    assert DBTaskResult.objects.filter(task_path=DELIVER, status=TaskResultStatus.READY).count() == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sent = deliver_emails()
    assert sorted(message.to[0] for message in sent) == ["maria@example.org", "triage@magazine.example"]
    assert all(reference in message.subject and reference in message.body for message in sent)
    assert {(email.status, email.body, email.attempts) for email in Email.objects.all()} == {("sent", "", 1)}
    assert all(email.sent_at for email in Email.objects.all())


def test_a_change_that_rolls_back_leaves_no_email(triage, deliver_emails):
    quote = make_quote()
    with pytest.raises(RuntimeError), transaction.atomic():
        send_quote(quote=quote, by=triage)
        assert Email.objects.count() == 1
        raise RuntimeError("the transaction fails after the e-mail was queued")
    assert not Email.objects.exists() and not DBTaskResult.objects.exists()
    assert deliver_emails() == []


def test_queueing_an_email_in_a_transaction_writes_two_rows(django_assert_num_queries):
    with transaction.atomic(), django_assert_num_queries(2):
        email = make_email()
    email.refresh_from_db()
    assert DBTaskResult.objects.get().id == email.task_id


def test_an_email_failed_once_is_sent_once_later_with_the_same_message_id(settings, deliver_emails):
    email = make_email()
    settings.EMAIL_BACKEND = "tests.outbox.helpers.MailServerDown"
    assert deliver_emails() == []
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("queued", 1)
    assert email.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert str(retry.id) == str(email.task_id) and retry.run_after == email.next_attempt_at

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_emails() == []  # not due yet
    with clock_at(email.next_attempt_at + timedelta(seconds=1)):
        (message,) = deliver_emails()
        assert deliver_emails() == [message]  # and never again
    assert message.extra_headers["Message-ID"] == email.message_id == f"<{email.pk}@localhost>"
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, "")


def test_each_failed_attempt_waits_twice_as_long_up_to_the_limit_then_the_email_fails(settings, mailoutbox, caplog):
    settings.EMAIL_BACKEND = "tests.outbox.helpers.MailServerDown"
    email = make_email(to=["maria.patient@example.org"])
    waits = []
    now = timezone.now()
    for _ in range(settings.EMAIL_MAX_ATTEMPTS):
        with clock_at(now):
            run_queued_tasks()
        email.refresh_from_db()
        waits.append(round((email.next_attempt_at - now).total_seconds()))
        now = email.next_attempt_at
    assert waits[:-1] == [30, 60, 100, 100]
    assert (email.status, email.attempts) == ("failed", 5)
    assert email.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert list(Email.objects.needs_attention()) == [email]
    assert "failed after 5 attempt(s)" in caplog.text and "maria.patient" not in caplog.text


@pytest.mark.parametrize(("code", "status"), [(550, "failed"), (450, "queued")])
def test_an_address_the_server_refuses_for_good_fails_at_once(settings, monkeypatch, code, status):
    refused = smtplib.SMTPRecipientsRefused({"nobody@example.org": (code, b"5.1.1 No such user")})
    monkeypatch.setattr(MailServerDown, "send_messages", lambda self, messages: (_ for _ in ()).throw(refused))
    settings.EMAIL_BACKEND = "tests.outbox.helpers.MailServerDown"
    email = make_email(to=["nobody@example.org"])
    run_queued_tasks()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (status, 1)
    assert "SMTPRecipientsRefused" in email.last_error and f"{code}" in email.last_error


def test_two_tasks_for_one_email_send_it_once(deliver_emails):
    email = make_email()
    tasks.deliver.enqueue(str(email.pk))
    assert len(deliver_emails()) == 1
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2


def failing_to_mark_sent(monkeypatch, times):
    """The database fails ``times`` times on the update that marks an e-mail sent."""
    update = QuerySet.update
    failures = [OperationalError("server closed the connection unexpectedly")] * times

    def failing(queryset, **fields):
        if queryset.model is Email and fields.get("status") == Email.Status.SENT and failures:
            raise failures.pop()
        return update(queryset, **fields)

    monkeypatch.setattr(QuerySet, "update", failing)


def test_a_sent_email_is_marked_sent_once_the_database_answers_again(monkeypatch, deliver_emails):
    email = make_email()
    failing_to_mark_sent(monkeypatch, times=2)
    assert len(deliver_emails()) == 1
    email.refresh_from_db()
    assert email.status == "sent"


def test_an_email_that_left_but_could_not_be_marked_sent_is_never_sent_again(monkeypatch, deliver_emails):
    email = make_email()
    failing_to_mark_sent(monkeypatch, times=len(services.RECORD_PAUSES) + 1)
    assert len(deliver_emails()) == 1
    email.refresh_from_db()
    assert email.status == "sending"
    assert services.requeue_lost() == 0
    later = timezone.now() + UNCONFIRMED_AFTER + timedelta(seconds=1)
    with clock_at(later):
        assert len(deliver_emails()) == 1
        assert list(Email.objects.needs_attention()) == [email]


def test_an_email_whose_task_was_lost_is_queued_again_when_a_worker_starts(deliver_emails):
    lost, claimed_just_now, waiting = make_email(), make_email(), make_email()
    # The worker that claimed the first task stopped before it claimed the e-mail; the second's is running now.
    DBTaskResult.objects.filter(id=lost.task_id).update(status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=2))
    DBTaskResult.objects.filter(id=claimed_just_now.task_id).update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    sent = deliver_emails()
    assert len(sent) == 1 and Email.objects.filter(status="queued").count() == 2

    run_mail_worker_command()
    assert len(sent) == 2
    assert {email.pk for email in Email.objects.filter(status="sent")} == {lost.pk, waiting.pk}
    assert DBTaskResult.objects.filter(task_path=DELIVER).count() == 4  # one new task: for the lost e-mail only


def test_a_sweep_task_keeps_looking_for_lost_emails(deliver_emails):
    services.schedule_sweep()
    services.schedule_sweep()
    sweeps = DBTaskResult.objects.filter(task_path=tasks.requeue_lost_emails.module_path)
    assert sweeps.filter(status=TaskResultStatus.READY).count() == 1
    email = make_email()
    DBTaskResult.objects.filter(id=email.task_id).update(status=TaskResultStatus.FAILED)
    now = timezone.now()
    with clock_at(now):
        assert len(deliver_emails()) == 1
    next_sweep = sweeps.get(status=TaskResultStatus.READY)
    assert next_sweep.run_after == now + services.SWEEP_EVERY


def test_erasing_a_request_erases_its_emails_sent_or_not(deliver_emails):
    quote = make_quote()
    reference = quote.quote_request.reference
    make_email(about=reference)
    sent = make_email(about=reference)
    other = make_email(about="MT-2026-OTHER1")
    Email.objects.filter(pk=sent.pk).update(status="sent", sent_at=timezone.now())
    erase_quote_requests(QuoteRequest.objects.filter(pk=quote.quote_request.pk))
    assert list(Email.objects.all()) == [other]
    assert [message.subject for message in deliver_emails()] == [other.subject]


def test_an_overdue_email_needs_attention_so_staff_know_no_worker_runs():
    email = make_email()
    assert not Email.objects.needs_attention().exists()
    with clock_at(email.next_attempt_at + OVERDUE_AFTER + timedelta(seconds=1)):
        assert list(Email.objects.needs_attention()) == [email]


def test_failed_attempts_log_no_address(settings, caplog):
    caplog.set_level(logging.DEBUG)
    settings.EMAIL_BACKEND = "tests.outbox.helpers.MailServerDown"
    make_email(to=["maria.patient@example.org"])
    run_queued_tasks()
    assert "attempt 1 failed (ConnectionRefusedError), next in 30 s" in caplog.text
    assert "maria.patient" not in caplog.text
