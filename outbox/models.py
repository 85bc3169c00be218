import uuid
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# A worker claims an e-mail, then answers within EMAIL_TIMEOUT or so: one still "being sent" long after that was
# being sent by a worker that stopped (or lost its database) before it could say whether the server took it.
UNCONFIRMED_AFTER = timedelta(minutes=5)
# A working queue sends an e-mail within seconds of its time: one still waiting long after has no worker.
OVERDUE_AFTER = timedelta(minutes=10)


class EmailQuerySet(models.QuerySet):
    def needs_attention(self, now=None):
        """Failed e-mails, and those no worker is going to send or that a worker could not report on."""
        now = now or timezone.now()
        return self.filter(
            Q(status=Email.Status.FAILED)
            | Q(status=Email.Status.SENDING, last_attempt_at__lt=now - UNCONFIRMED_AFTER)
            | Q(status=Email.Status.QUEUED, next_attempt_at__lt=now - OVERDUE_AFTER)
        )


class Email(models.Model):
    """
    One e-mail the site sends, written in the transaction of the change that causes it and sent by the worker
    (outbox/services.py). It holds references and links only, never health data.
    """

    class Topic(models.TextChoices):
        QUOTES = "quotes", "quote requests"
        REVIEWS = "reviews", "medical review reminders"
        NEWSLETTER = "newsletter", "newsletter"

    class Status(models.TextChoices):
        QUEUED = "queued", "waiting to be sent"
        SENDING = "sending", "being sent"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"

    # Known before the row is written, so that its task and its Message-ID can name it.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.CharField(max_length=20, choices=Topic.choices)
    about = models.CharField(
        max_length=200, help_text="The quote request's reference, or the reviewer and day, the e-mail is about."
    )
    recipients = models.JSONField(help_text="The addresses it goes to.")
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True, help_text="Emptied once the e-mail is sent: it may hold a patient's quote link.")
    html_body = models.TextField(blank=True, help_text="The HTML version, if any; emptied once the e-mail is sent.")
    headers = models.JSONField(
        default=dict, blank=True, help_text="Extra headers (List-Unsubscribe…); emptied once the e-mail is sent."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, help_text="Why the last attempt failed, as the mail server said it.")
    task_id = models.UUIDField(null=True, editable=False, help_text="The queued task that sends it next.")

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "e-mail"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_email_status_idx"),
            models.Index(fields=["topic", "about"], name="outbox_email_about_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="outbox_sent_email_has_sent_at",
                violation_error_message="A sent e-mail has the time it was sent.",
            )
        ]

    def __str__(self):
        return self.subject

    @property
    def message_id(self):
        """The same Message-ID at every attempt: a mail system that got one copy already can tell a second apart."""
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
        return f"<{self.id}@{domain}>"


class TopicManager(models.Manager.from_queryset(EmailQuerySet)):
    def __init__(self, topic):
        super().__init__()
        self.topic = topic

    def get_queryset(self):
        return super().get_queryset().filter(topic=self.topic)


class QuoteEmail(Email):
    """The e-mails about quote requests, for triage staff."""

    objects = TopicManager(Email.Topic.QUOTES)

    class Meta:
        proxy = True
        verbose_name = "e-mail about a quote request"
        permissions = [("resend_quoteemail", "Can send a failed e-mail about a quote request again")]


class NewsletterEmail(Email):
    """The newsletter's confirmations and digests, for the staff who run the newsletter."""

    objects = TopicManager(Email.Topic.NEWSLETTER)

    class Meta:
        proxy = True
        verbose_name = "newsletter e-mail"
        permissions = [("resend_newsletteremail", "Can send a failed newsletter e-mail again")]


class ReviewReminderEmail(Email):
    """The reviewers' reminders, for editors."""

    objects = TopicManager(Email.Topic.REVIEWS)

    class Meta:
        proxy = True
        verbose_name = "medical review reminder e-mail"
        permissions = [("resend_reviewreminderemail", "Can send a failed review reminder again")]
