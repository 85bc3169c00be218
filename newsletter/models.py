import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Subscriber.Status.ACTIVE)


class Subscriber(models.Model):
    """
    A reader who asked for the newsletter. Pending until they follow the link of the confirmation e-mail (double
    opt-in); only active subscribers get the digest. The consent they gave is kept as they read it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for confirmation"
        ACTIVE = "active", "subscribed"
        UNSUBSCRIBED = "unsubscribed", "unsubscribed"

    email = models.EmailField(unique=True, help_text="Stored in lower case.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # The links in e-mails name this, never the address or the row's id.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consent_text = models.TextField(help_text="The consent text exactly as the reader saw it when signing up.")
    consent_version = models.CharField(max_length=20)
    source_page = models.CharField(max_length=500, blank=True, help_text="The page of the site they signed up on.")
    signed_up_at = models.DateTimeField(default=timezone.now, help_text="When they last asked to subscribe.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmations_sent = models.PositiveSmallIntegerField(
        default=0, help_text="Confirmation e-mails sent since confirmation_sent_at's day began (the resend limit)."
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_up_at", "-pk"]
        indexes = [models.Index(fields=["status", "id"], name="newsletter_subscriber_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="active") | Q(confirmed_at__isnull=False),
                name="newsletter_active_subscriber_confirmed",
                violation_error_message="An active subscriber has confirmed their address.",
            ),
            models.CheckConstraint(
                condition=Q(email=models.functions.Lower("email")),
                name="newsletter_subscriber_email_lower_case",
                violation_error_message="Addresses are stored in lower case.",
            ),
        ]
        permissions = [("export_subscriber", "Can export subscribers as CSV")]

    def __str__(self):
        return self.email


class Digest(models.Model):
    """
    One week's digest: the articles published since the previous digest, sent once to every active subscriber.
    A run that stopped half-way is finished by the next run of the command, never sent twice to anyone.
    """

    week = models.DateField(unique=True, help_text="The Monday of the week it is for.")
    period_start = models.DateTimeField(help_text="Articles published after this time…")
    period_end = models.DateTimeField(help_text="…up to this one.")
    articles = models.ManyToManyField("articles.Article", related_name="+", blank=True)
    subject = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When it was queued to every subscriber.")
    recipients = models.PositiveIntegerField(default=0, help_text="Subscribers it was queued to.")

    class Meta:
        ordering = ["-week"]
        get_latest_by = "week"

    def __str__(self):
        return self.subject


class DigestDelivery(models.Model):
    """A digest queued to a subscriber: at most one each, whatever runs the command."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["digest", "subscriber"], name="newsletter_one_delivery_per_subscriber")
        ]

    def __str__(self):
        return f"{self.digest} to {self.subscriber}"
