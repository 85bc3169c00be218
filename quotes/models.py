import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django_countries.fields import CountryField

# No 0/O or 1/I/L: references are read out on the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


DEFAULT_CAUTION = (
    "This treatment is experimental: it is still being studied, its benefits are not proven and it can have "
    "risks. Talk to your own doctor before you decide, and ask any clinic for the evidence behind what it offers."
)


def new_reference(year):
    return f"MT-{year}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


class Treatment(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True, help_text="One or two plain sentences shown to patients.")
    is_experimental = models.BooleanField(
        "experimental",
        default=False,
        help_text="Experimental treatments show a caution note on the quote form and in the confirmation.",
    )
    caution_note = models.TextField(
        blank=True,
        help_text="Plain-language caution for experimental treatments; a standard note is shown when empty.",
    )
    related_article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="treatments",
        help_text="An article that explains the treatment and its evidence.",
    )
    is_active = models.BooleanField("offered", default=True, help_text="Only offered treatments appear on the form.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    @property
    def caution(self):
        return self.caution_note or DEFAULT_CAUTION


class Destination(models.Model):
    name = models.CharField(max_length=80, unique=True)
    is_active = models.BooleanField("offered", default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class QuoteRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        AWAITING_PATIENT = "awaiting_patient", "Awaiting patient"
        QUOTED = "quoted", "Quoted"
        WON = "won", "Won"
        LOST = "lost", "Lost"
        DUPLICATE = "duplicate", "Duplicate"
        SPAM = "spam", "Spam"

    class Budget(models.TextChoices):
        UNDER_5K = "under_5k", "Under US$5,000"
        FROM_5K = "5k_15k", "US$5,000 – 15,000"
        FROM_15K = "15k_30k", "US$15,000 – 30,000"
        OVER_30K = "over_30k", "Over US$30,000"
        UNSURE = "unsure", "Not sure yet"

    class TravelWindow(models.TextChoices):
        SOON = "soon", "Within a month"
        ONE_TO_THREE = "1_3_months", "In 1–3 months"
        THREE_TO_SIX = "3_6_months", "In 3–6 months"
        LATER = "later", "In more than 6 months"
        FLEXIBLE = "flexible", "Flexible"

    class ContactMethod(models.TextChoices):
        EMAIL = "email", "E-mail"
        PHONE = "phone", "Phone"
        WHATSAPP = "whatsapp", "WhatsApp"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    submission_key = models.UUIDField(
        unique=True, editable=False, help_text="One per rendered form, so a resubmitted form creates one request."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)

    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=40, blank=True)
    country = CountryField("country of residence")
    treatment = models.ForeignKey(Treatment, on_delete=models.PROTECT, null=True, blank=True, related_name="requests")
    treatment_other = models.CharField("other treatment", max_length=200, blank=True)
    condition_summary = models.TextField(max_length=2000)
    destinations = models.ManyToManyField(Destination, blank=True, related_name="requests")
    budget = models.CharField(max_length=20, choices=Budget.choices)
    travel_window = models.CharField(max_length=20, choices=TravelWindow.choices)
    contact_method = models.CharField(max_length=20, choices=ContactMethod.choices, default=ContactMethod.EMAIL)
    consent_version = models.CharField(max_length=20, editable=False)
    consented_at = models.DateTimeField(editable=False)
    source_article = models.ForeignKey(
        "articles.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="quote_requests"
    )

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_quotes"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(treatment__isnull=False) | ~models.Q(treatment_other=""),
                name="quote_request_names_a_treatment",
                violation_error_message="Choose a treatment or describe another one.",
            ),
        ]

    def __str__(self):
        # Only the reference: admin history and logs must never hold a name or a condition.
        return self.reference

    def get_absolute_url(self):
        return reverse("admin:quotes_quoterequest_change", args=[self.pk])

    @property
    def treatment_label(self):
        return self.treatment.name if self.treatment else self.treatment_other
