import secrets
import uuid
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField
from django.utils.translation import gettext_lazy as _

from magazine.i18n import default_language, language_choices

from .money import DEFAULT_LOCALE, format_money, validate_locale
from .storage import PrivateStorage

# No 0/O or 1/I/L: references are read out on the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


DEFAULT_CAUTION = _(
    "This treatment is experimental: it is still being studied, its benefits are not proven and it can have "
    "risks. Talk to your own doctor before you decide, and ask any clinic for the evidence behind what it offers."
)


def new_reference(year):
    return f"MT-{year}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


class TreatmentQuerySet(models.QuerySet):
    def in_use(self):
        """Treatments a request chose: they stay with it, whatever becomes of the catalogue."""
        return self.filter(Exists(QuoteRequest.objects.filter(treatment=OuterRef("pk"))))


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

    objects = TreatmentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    @property
    def caution(self):
        return self.caution_note or DEFAULT_CAUTION


class DestinationQuerySet(models.QuerySet):
    def in_use(self):
        """Destinations a request chose or a quote names: they stay with them, whatever becomes of the catalogue."""
        chosen = QuoteRequest.destinations.through.objects.filter(destination=OuterRef("pk"))
        quoted = Quote.objects.filter(destination=OuterRef("pk"))
        return self.filter(Exists(chosen) | Exists(quoted))


class Destination(models.Model):
    name = models.CharField(max_length=80, unique=True)
    is_active = models.BooleanField("offered", default=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = DestinationQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class QuoteRequestQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=QuoteRequest.CLOSED_STATUSES)

    def closed(self):
        return self.filter(status__in=QuoteRequest.CLOSED_STATUSES)

    def overdue(self):
        """New requests nobody has answered by their first-response time."""
        return self.filter(status=QuoteRequest.Status.NEW, first_response_due__lt=timezone.now())


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
        UNDER_5K = "under_5k", _("Under US$5,000")
        FROM_5K = "5k_15k", _("US$5,000 – 15,000")
        FROM_15K = "15k_30k", _("US$15,000 – 30,000")
        OVER_30K = "over_30k", _("Over US$30,000")
        UNSURE = "unsure", _("Not sure yet")

    class TravelWindow(models.TextChoices):
        SOON = "soon", _("Within a month")
        ONE_TO_THREE = "1_3_months", _("In 1–3 months")
        THREE_TO_SIX = "3_6_months", _("In 3–6 months")
        LATER = "later", _("In more than 6 months")
        FLEXIBLE = "flexible", _("Flexible")

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        HIGH = 3, "High"
        URGENT = 4, "Urgent"

    class ContactMethod(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")
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
    locale = models.CharField(
        max_length=20,
        default=DEFAULT_LOCALE,
        validators=[validate_locale],
        help_text="How prices are written to the patient (language and region, such as en_GB or de_DE).",
    )
    language = models.CharField(
        max_length=10,
        choices=language_choices,
        default=default_language,
        help_text="The language the patient wrote in: their e-mails and quote page are in it.",
    )
    consent_version = models.CharField(max_length=20, editable=False)
    consented_at = models.DateTimeField(editable=False)
    source_article = models.ForeignKey(
        "articles.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="quote_requests"
    )

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_quotes"
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    first_response_due = models.DateTimeField(editable=False, db_index=True)
    possible_duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="possible_duplicates",
        help_text="An earlier request with the same e-mail and treatment within 30 days.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuoteRequestQuerySet.as_manager()

    # Which status may follow which: the triage workflow.
    TRANSITIONS = {
        Status.NEW: {Status.IN_REVIEW, Status.DUPLICATE, Status.SPAM},
        Status.IN_REVIEW: {Status.AWAITING_PATIENT, Status.QUOTED, Status.LOST, Status.DUPLICATE, Status.SPAM},
        Status.AWAITING_PATIENT: {Status.IN_REVIEW, Status.QUOTED, Status.LOST},
        Status.QUOTED: {Status.WON, Status.LOST, Status.AWAITING_PATIENT, Status.IN_REVIEW},
        Status.WON: set(),
        Status.LOST: {Status.IN_REVIEW},
        Status.DUPLICATE: {Status.IN_REVIEW},
        Status.SPAM: {Status.NEW},
    }
    CLOSED_STATUSES = {Status.WON, Status.LOST, Status.DUPLICATE, Status.SPAM}

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("export_quoterequest", "Can export quote requests as CSV"),
        ]
        indexes = [models.Index(fields=["email", "created_at"], name="quote_request_email_idx")]
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

    def save(self, *args, **kwargs):
        if self.first_response_due is None:
            self.first_response_due = timezone.now() + timedelta(hours=settings.QUOTE_FIRST_RESPONSE_HOURS)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:quotes_quoterequest_change", args=[self.pk])

    @property
    def treatment_label(self):
        return self.treatment.name if self.treatment else self.treatment_other

    def allowed_statuses(self):
        return self.TRANSITIONS[self.Status(self.status)]

    def is_overdue(self):
        return self.status == self.Status.NEW and self.first_response_due < timezone.now()


class StatusChange(models.Model):
    quote_request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=QuoteRequest.Status.choices)
    to_status = models.CharField(max_length=20, choices=QuoteRequest.Status.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Note(models.Model):
    """Internal notes of the triage team; never shown to the patient."""

    quote_request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False)
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note {self.pk}"


class ReplyTemplate(models.Model):
    """A common answer triage staff start a note or a message from; it holds no patient's data."""

    title = models.CharField(max_length=120, unique=True, help_text="What staff choose it by, e.g. “Ask for recent scans”.")
    body = models.TextField(max_length=5000, help_text="The text it fills in; staff complete it for each request.")
    is_active = models.BooleanField("active", default=True, help_text="Only active templates are offered.")

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class AccessLog(models.Model):
    """
    One page, answer or file that showed quote requests' data: who, when, where, what they asked (a list's
    search and filters) and which requests it showed. Kept after the requests are erased, with their references.
    """

    class Action(models.TextChoices):
        LIST = "list", "Listed"
        LOOKUP = "lookup", "Looked up (autocomplete)"
        VIEW = "view", "Viewed"
        CHANGE = "change", "Changed"
        HISTORY = "history", "Viewed history"
        DELETE_PAGE = "delete_page", "Viewed the deletion page"
        DELETE = "delete", "Deleted"
        EXPORT = "export", "Exported"
        DOWNLOAD = "download", "Downloaded a record"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    path = models.TextField("page", blank=True)
    query = models.TextField(
        blank=True, help_text="What the page was asked for as it was typed: a list's search, filters and page number."
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}" if self.at else self.get_action_display()


class AccessedRequest(models.Model):
    """A request that an access log entry showed: its reference stays after the request is erased."""

    entry = models.ForeignKey(AccessLog, on_delete=models.CASCADE, related_name="requests")
    quote_request = models.ForeignKey(
        QuoteRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="accesses"
    )
    reference = models.CharField(max_length=20, db_index=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.reference


class Quote(models.Model):
    """An itemised quote that triage staff send to the patient."""

    class Currency(models.TextChoices):
        USD = "USD", _("US dollar")
        EUR = "EUR", _("Euro")
        GBP = "GBP", _("Pound sterling")

    quote_request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="quotes")
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    clinic = models.CharField(max_length=200, blank=True, help_text="The clinic or hospital that would treat the patient.")
    clinic_listing = models.ForeignKey(
        "clinics.Clinic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name="clinic in the directory",
        help_text="The clinic of the directory, when it is there: the patient then sees its accreditations.",
    )
    destination = models.ForeignKey(Destination, on_delete=models.SET_NULL, null=True, blank=True)
    valid_until = models.DateField(help_text="The prices hold until this day.")
    notes_to_patient = models.TextField(
        blank=True, max_length=5000, help_text="Shown to the patient with the quote: what is included, what is not."
    )
    not_included = models.TextField(
        "not included",
        blank=True,
        max_length=2000,
        help_text="What the price does not cover, one item a line (flights, a companion's stay…): shown beside the "
        "quote so that the patient compares like with like.",
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    not_chosen_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the patient accepted another quote of the request."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Quote {self.pk} for {self.quote_request.reference}"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        if self.clinic_listing_id and kwargs.get("update_fields") is None:
            # A clinic of the directory is named as the directory names it, also when triage choose another one
            # (its name follows), and the name stays with the quote if the clinic ever leaves the directory.
            self.clinic = self.clinic_listing.name
        super().save(*args, **kwargs)

    @property
    def total(self):
        return sum((line.total for line in self.lines.all()), Decimal("0.00"))

    def is_expired(self):
        return self.valid_until < timezone.localdate()

    def money(self, amount):
        """``amount`` in the quote's currency, written for the patient's locale ("€8,245.50", "8.245,50 €")."""
        return format_money(amount, self.currency, self.quote_request.locale)

    def excluded_items(self):
        return [line.strip(" -•\t") for line in self.not_included.splitlines() if line.strip(" -•\t")]


class QuoteLine(models.Model):
    class Kind(models.TextChoices):
        TREATMENT = "treatment", _("Treatment")
        HOSPITAL = "hospital", _("Hospital stay")
        TESTS = "tests", _("Tests and scans")
        TRAVEL = "travel", _("Travel")
        ACCOMMODATION = "accommodation", _("Accommodation")
        AFTERCARE = "aftercare", _("Aftercare")
        OTHER = "other", _("Other")

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TREATMENT)
    description = models.CharField(max_length=200)
    quantity = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="quote_line_quantity_positive"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="quote_line_price_not_negative"),
        ]

    def __str__(self):
        return self.description

    @property
    def total(self):
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class PatientMessage(models.Model):
    """
    One message of a request's conversation between the patient (on their quote page) and triage staff (on the
    request's admin page), or the patient's acceptance of one of its quotes. Part of the request's record: erased
    and purged with it.
    """

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", "Accepted the quote"
        QUESTION = "question", "Patient's message"
        REPLY = "reply", "Our reply"

    quote_request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="messages")
    quote = models.ForeignKey(
        Quote,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        help_text="The quote the patient's page was opened on.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPLY)
    text = models.TextField(blank=True, max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        help_text="The member of staff who replied (none for the patient).",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "message"

    def __str__(self):
        return self.get_kind_display()

    @property
    def from_patient(self):
        return self.kind != self.Kind.REPLY


RECORD_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def record_path(instance, filename):
    # A random name with the extension of the checked type: the patient's file name may itself be
    # health data, and its extension could be anything (or too long for the file system).
    return f"records/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{RECORD_EXTENSIONS.get(instance.content_type, '.bin')}"


class MedicalRecord(models.Model):
    """A document a patient attached to a request: kept outside the public media folder."""

    quote_request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="records")
    message = models.ForeignKey(
        PatientMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="records",
        help_text="The message of the conversation the patient attached it to (none: the quote form).",
    )
    file = models.FileField(upload_to=record_path, storage=PrivateStorage())
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"Record {self.pk}"

    def delete(self, *args, **kwargs):
        self.file.delete(save=False)
        return super().delete(*args, **kwargs)
