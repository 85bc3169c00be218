"""
The outbox: e-mails written in the transaction of the change that causes them, sent by the worker.

``queue_email`` writes the e-mail and the task that sends it (Django's tasks framework, database backend) in the
caller's transaction: both exist once it commits, neither if it rolls back, and the request that caused them
never talks to the mail server. The worker (``manage.py mail_worker``, any number on any machines) runs
``deliver``, which claims the e-mail before it talks to the server, so that two workers, or two tasks for one
e-mail, never send it twice; a failed attempt is tried again later, a bit longer each time.

What is guaranteed: an e-mail is sent at most once by the outbox, and it is sent unless the mail server refuses
it for good or fails EMAIL_MAX_ATTEMPTS times. One case is left to staff: a worker that stops (killed, its
machine gone, its database unreachable for long) between claiming an e-mail and writing down how sending went
leaves it "being sent". It may have left, so it is never sent again by itself: it is listed under "needs
attention" with the failed ones, where staff can send it again.
"""

import logging
import smtplib
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import tasks
from .models import Email

logger = logging.getLogger(__name__)

# How long a worker keeps trying to write down the outcome of an attempt while its database does not answer.
RECORD_PAUSES = (0.5, 1, 2, 4, 8, 15, 30)
# A task claimed this long ago whose e-mail is still waiting was claimed by a worker that stopped: the claim of
# the e-mail follows the claim of its task within milliseconds.
CLAIM_GRACE = timedelta(seconds=60)
SWEEP_EVERY = timedelta(minutes=5)


# Headers the outbox sets itself, or that name the message's envelope: no caller may set them.
RESERVED_HEADERS = {"message-id", "from", "to", "cc", "bcc", "reply-to", "subject", "date"}


def queue_email(*, topic, about, subject, body, to, html_body="", headers=None):
    """
    Write an e-mail to the outbox, to be sent once the current transaction commits (never if it rolls back).
    ``html_body`` adds an HTML alternative to the text ``body``; ``headers`` are extra headers such as
    List-Unsubscribe (not Message-ID, which the outbox keeps the same through every attempt).
    """
    headers = dict(headers or {})
    reserved = sorted(name for name in headers if name.lower() in RESERVED_HEADERS)
    if reserved:
        raise ValueError(f"The outbox sets these headers itself: {', '.join(reserved)}")
    if any("\n" in f"{name}{value}" or "\r" in f"{name}{value}" for name, value in headers.items()):
        raise ValueError("A header name or value cannot contain a line break.")
    email = Email(
        topic=topic, about=about, subject=subject, body=body, html_body=html_body, headers=headers,
        recipients=list(to),
    )  # fmt: skip
    # Part of the caller's transaction when there is one (no savepoint of its own), a transaction of its own if not.
    with transaction.atomic(savepoint=False):
        email.task_id = tasks.deliver.enqueue(str(email.pk)).id
        email.save(force_insert=True)
    return email


def reply_to(email):
    """Where a reply goes: e-mails about quote requests come from a no-reply address, answers reach the triage inbox."""
    if email.topic == Email.Topic.QUOTES and settings.QUOTE_REPLY_TO_EMAIL:
        return [settings.QUOTE_REPLY_TO_EMAIL]
    return None


def retry_delay(attempts):
    """The wait after the ``attempts``-th failed attempt: EMAIL_RETRY_SECONDS, doubled each time, capped."""
    return timedelta(
        seconds=min(settings.EMAIL_RETRY_SECONDS * 2 ** (attempts - 1), settings.EMAIL_RETRY_MAX_SECONDS)
    )


def deliver(email_id):
    """One attempt at sending an e-mail, by the worker. Does nothing unless the e-mail is waiting to be sent."""
    now = timezone.now()
    # The claim: a single conditional UPDATE, which one worker wins on every database.
    claimed = Email.objects.filter(pk=email_id, status=Email.Status.QUEUED).update(
        status=Email.Status.SENDING, attempts=F("attempts") + 1, last_attempt_at=now
    )
    if not claimed:
        return  # sent, failed, being sent by another worker, or erased with its quote request
    email = Email.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        email.subject,
        email.body,
        to=email.recipients,
        reply_to=reply_to(email),
        headers={**email.headers, "Message-ID": email.message_id},
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    try:
        message.send()
    except Exception as error:
        _record(lambda: _failed(email, error))
    else:
        being_sent = Email.objects.filter(pk=email.pk, status=Email.Status.SENDING)
        sent = {"status": Email.Status.SENT, "body": "", "html_body": "", "headers": {}, "last_error": ""}
        _record(lambda: being_sent.update(sent_at=timezone.now(), **sent))


def _failed(email, error):
    # The reason may name the recipient: it is kept with the e-mail for its staff, and kept out of the logs.
    reason = f"{type(error).__name__}: {error}"[:2000]
    being_sent = Email.objects.filter(pk=email.pk, status=Email.Status.SENDING)
    if _refused_for_good(error) or email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        being_sent.update(status=Email.Status.FAILED, last_error=reason)
        logger.error("E-mail %s failed after %d attempt(s): %s", email.pk, email.attempts, type(error).__name__)
        return
    delay = retry_delay(email.attempts)
    next_attempt_at = timezone.now() + delay
    with transaction.atomic():
        task_id = tasks.deliver.using(run_after=next_attempt_at).enqueue(str(email.pk)).id
        being_sent.update(
            status=Email.Status.QUEUED, last_error=reason, next_attempt_at=next_attempt_at, task_id=task_id
        )
    logger.warning(
        "E-mail %s: attempt %d failed (%s), next in %g s",
        email.pk, email.attempts, type(error).__name__, delay.total_seconds(),
    )  # fmt: skip


def _refused_for_good(error):
    """The server refused every recipient with a permanent (5xx) answer: no later attempt can do better."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) and all(
        500 <= code < 600 for code, _ in error.recipients.values()
    )


def _record(write):
    """
    Write down the outcome of an attempt, waiting out a database that does not answer (a restart, a fail-over):
    an e-mail that left and is not marked sent would stay "being sent" for staff to look at.
    """
    for pause in RECORD_PAUSES:
        try:
            return write()
        except DatabaseError:
            logger.warning("Could not write down the outcome of an e-mail; trying again in %s s", pause)
            if connection.connection is not None and not connection.is_usable():
                connection.close()  # the next query opens a new connection
            time.sleep(pause)
    return write()


def send_again(email):
    """Queue a failed e-mail, or one that needs attention, for sending again (staff, from the admin)."""
    if not Email.objects.needs_attention().filter(pk=email.pk).exists():
        raise ValidationError("This e-mail is sent or on its way.", code="not_stuck")
    with transaction.atomic():
        task_id = tasks.deliver.enqueue(str(email.pk)).id
        Email.objects.filter(pk=email.pk).update(
            status=Email.Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), task_id=task_id
        )


def requeue_lost(now=None):
    """
    Queue again the e-mails that wait for a task no worker will run: its worker stopped between claiming the task
    and claiming the e-mail, or failed on the database in between. Returns how many.
    """
    now = now or timezone.now()
    live = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.READY) | Q(status=TaskResultStatus.RUNNING, started_at__gte=now - CLAIM_GRACE)
    )
    lost = Email.objects.filter(status=Email.Status.QUEUED).exclude(task_id__in=live.values("id"))
    requeued = 0
    for email_id in lost.values_list("pk", flat=True):
        with transaction.atomic():
            task_id = tasks.deliver.enqueue(str(email_id)).id
            requeued += Email.objects.filter(pk=email_id, status=Email.Status.QUEUED).update(task_id=task_id)
    if requeued:
        logger.warning("Queued again %d e-mail(s) whose task was lost", requeued)
    return requeued


def schedule_sweep(*, after=timedelta(0)):
    """Make sure a task looks for lost e-mails regularly: one waits in the queue, whoever started it."""
    sweep = tasks.requeue_lost_emails
    if not DBTaskResult.objects.filter(task_path=sweep.module_path, status=TaskResultStatus.READY).exists():
        sweep.using(run_after=timezone.now() + after).enqueue()


def forget(*, topic, about):
    """Delete the e-mails about these quote requests (or reviewers), sent or not: erasure leaves no address behind."""
    return Email.objects.filter(topic=topic, about__in=list(about)).delete()[0]
