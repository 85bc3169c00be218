from datetime import datetime, time, timedelta

from django.conf import global_settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from articles.models import Article
from magazine.links import cached_reverse
from magazine.locales import reader_locale
from quotes.models import Quote, Treatment
from quotes.money import format_money

# The languages staff choose from for a clinic: Django's own list, with their English names.
LANGUAGES = sorted(global_settings.LANGUAGES, key=lambda language: language[1])
LANGUAGE_NAMES = dict(global_settings.LANGUAGES)

# Paths under /clinics/ that are not clinics: a clinic can never take one of them as its slug.
RESERVED_SLUGS = {"country", "treatment", "filter"}

# Links on public pages lead to web pages only (no ftp:, no javascript:).
web_address = URLValidator(schemes=["http", "https"], message="Enter a web address starting with https:// or http://.")


def validate_clinic_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError("This address is used by the clinic list: choose another.", code="reserved_slug")


def money(amount, currency):
    """``US$8,500`` or ``€12,000.50`` (``8.500 $`` in German): in the reader's locale, cents only when there are some."""
    return format_money(amount, currency, reader_locale(), cents=False)


def start_of_day(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class AccreditationQuerySet(models.QuerySet):
    def valid(self, on=None):
        """The single rule for an accreditation that counts: valid until ``on`` (today by default) or later."""
        return self.filter(valid_until__gte=timezone.localdate() if on is None else on)

    def expired(self, on=None):
        return self.filter(valid_until__lt=timezone.localdate() if on is None else on)

    def next_expiry(self, now):
        """When ``valid()`` next changes by itself: the start of the day after the soonest valid-until date."""
        soonest = self.valid(on=timezone.localdate(now)).aggregate(day=models.Min("valid_until"))["day"]
        return start_of_day(soonest + timedelta(days=1)) if soonest else None


def valid_accreditations(prefix="", on=None):
    """A prefetch of each clinic's valid accreditations into ``valid_accreditations`` (``prefix`` leads to the clinic)."""
    return Prefetch(
        f"{prefix}accreditations",
        queryset=Accreditation.objects.valid(on=on).order_by("body", "valid_until"),
        to_attr="valid_accreditations",
    )


class ClinicQuerySet(models.QuerySet):
    def listed(self):
        """The single rule for the clinics readers see."""
        return self.filter(is_listed=True)

    def for_listing(self, on=None):
        return self.prefetch_related(
            Prefetch("treatments", queryset=Treatment.objects.order_by("name")), valid_accreditations(on=on)
        )


class Clinic(models.Model):
    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("Hospital")
        CLINIC = "clinic", _("Clinic")

    name = models.CharField(max_length=160)
    slug = models.SlugField(
        max_length=160, unique=True, validators=[validate_clinic_slug], help_text="The clinic page's address."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.HOSPITAL)
    city = models.CharField(max_length=100)
    country = CountryField()
    treatments = models.ManyToManyField(
        "quotes.Treatment",
        blank=True,
        related_name="clinics",
        help_text="The treatments of the quote form's catalogue that this clinic offers.",
    )
    languages = models.JSONField(
        "languages spoken", default=list, blank=True, help_text="Languages in which patients are looked after."
    )
    website = models.URLField(max_length=300, blank=True, validators=[web_address], help_text="The clinic's own site (https://…).")
    description = models.TextField(
        blank=True,
        max_length=2000,
        help_text="A few plain sentences of fact: specialities, size, what patients from abroad are offered. No praise.",
    )
    is_listed = models.BooleanField(
        "listed", default=True, help_text="Only listed clinics have a public page and appear in lists."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["is_listed", "country", "name"], name="clinic_listing_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return cached_reverse("clinics:detail", slug=self.slug)

    @property
    def language_names(self):
        # Django's names of languages are in its own catalogues: "German", "Deutsch", "الألمانيّة".
        return sorted(gettext(LANGUAGE_NAMES.get(code, code)) for code in self.languages)

    def current_accreditations(self):
        """The valid accreditations: prefetched ones when a list loaded them (``valid_accreditations``)."""
        if hasattr(self, "valid_accreditations"):
            return self.valid_accreditations
        return list(self.accreditations.valid().order_by("body", "valid_until"))


class Accreditation(models.Model):
    class Body(models.TextChoices):
        JCI = "jci", "Joint Commission International (JCI)"
        TEMOS = "temos", "TEMOS"
        ISO_9001 = "iso9001", "ISO 9001"
        ACI = "aci", "Accreditation Canada International"
        QHA = "qha", "QHA Trent"
        OTHER = "other", "Other"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="accreditations")
    body = models.CharField("accrediting body", max_length=10, choices=Body.choices)
    body_other = models.CharField(
        "other body", max_length=120, blank=True, help_text="The body's name, when it is not in the list."
    )
    valid_until = models.DateField(help_text="The last day of validity on the certificate. Afterwards it is shown nowhere as valid.")
    certificate_url = models.URLField(
        max_length=300, blank=True, validators=[web_address], help_text="Where the body confirms it (its directory of accredited organisations)."
    )

    objects = AccreditationQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_until", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(body="other") & ~Q(body_other="")) | (~Q(body="other") & Q(body_other="")),
                name="accreditation_other_body_named",
                violation_error_message="Name the body when it is “Other”, and only then.",
            ),
        ]

    def __str__(self):
        return self.body_name

    @property
    def body_name(self):
        return self.body_other if self.body == self.Body.OTHER else self.get_body_display()

    def is_valid(self, on=None):
        return self.valid_until >= (timezone.localdate() if on is None else on)


class DestinationPageQuerySet(models.QuerySet):
    def published(self):
        """The single rule for the destination pages readers see."""
        return self.filter(is_published=True)


class DestinationPage(models.Model):
    """A treatment in a country ("Knee replacement in Turkey"): its typical price and the clinics offering it."""

    treatment = models.ForeignKey("quotes.Treatment", on_delete=models.PROTECT, related_name="destination_pages")
    country = CountryField()
    title = models.CharField(max_length=160, help_text="For example “Knee replacement in Turkey”.")
    slug = models.SlugField(max_length=160, unique=True)
    intro = models.TextField(
        max_length=4000, help_text="Plain text: what patients should know about this treatment in this country."
    )
    price_low = models.DecimalField(
        "typical price from", max_digits=10, decimal_places=2, null=True, blank=True
    )
    price_high = models.DecimalField("typical price to", max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, choices=Quote.Currency.choices, default=Quote.Currency.USD)
    price_date = models.DateField("price as of", null=True, blank=True, help_text="When the prices were checked.")
    price_source = models.CharField(
        max_length=200, blank=True, help_text="Where the prices come from, e.g. “Quotes from 6 JCI hospitals, 2026”."
    )
    price_source_url = models.URLField(max_length=300, blank=True, validators=[web_address])
    tags = models.ManyToManyField(
        "articles.Tag", blank=True, related_name="destination_pages",
        help_text="Published articles with these tags are listed as further reading, with the treatment's own article.",
    )  # fmt: skip
    is_published = models.BooleanField("published", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DestinationPageQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["treatment", "country"],
                name="destination_page_one_per_treatment_and_country",
                violation_error_message="There is already a page for this treatment in this country.",
            ),
            models.CheckConstraint(
                condition=Q(price_low__isnull=True, price_high__isnull=True)
                | Q(price_low__isnull=False, price_high__isnull=False, price_low__lte=models.F("price_high")),
                name="destination_page_price_range",
                violation_error_message="Give both ends of the price range, the lower one first.",
            ),
            models.CheckConstraint(
                condition=Q(price_low__isnull=True, price_date__isnull=True, price_source="")
                | (Q(price_low__isnull=False, price_date__isnull=False) & ~Q(price_source="")),
                name="destination_page_price_dated_and_sourced",
                violation_error_message="A price range needs the date it was checked and its source.",
            ),
            models.CheckConstraint(
                condition=Q(price_low__gte=0) | Q(price_low__isnull=True), name="destination_page_price_not_negative"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return cached_reverse("clinics:destination", slug=self.slug)

    @property
    def has_price(self):
        return self.price_low is not None

    @property
    def price_range(self):
        if not self.has_price:
            return ""
        low, high = money(self.price_low, self.currency), money(self.price_high, self.currency)
        return low if low == high else f"{low} – {high}"

    def clinics(self, on=None):
        """The listed clinics in this country that offer this treatment."""
        return Clinic.objects.listed().filter(country=self.country, treatments=self.treatment_id).for_listing(on=on)

    def related_articles(self, count=4):
        """Published articles with one of the page's tags, or the treatment's own article, most recent first."""
        links = Article.tags.through.objects.filter(article_id=OuterRef("pk"), tag__destination_pages=self.pk)
        condition = Exists(links)
        if self.treatment.related_article_id:
            condition |= Q(pk=self.treatment.related_article_id)
        articles = Article.objects.published().in_language().filter(condition).for_listing()
        return articles.order_by("-published_at", "-pk")[:count]
