import calendar
import hashlib
import math
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connections, models
from django.db.models import Exists, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import slugify

from magazine.i18n import default_language, language_choices, reader_language
from magazine.links import cached_reverse

from .sanitize import add_heading_anchors, clean_html, plain_text
from .text import cut_at_word
from .words import synonym_phrases

WORDS_PER_MINUTE = 230
REVIEW_WARNING_DAYS = 30

H2_RE = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.DOTALL)


def reading_minutes(body):
    """Minutes to read sanitised HTML, at WORDS_PER_MINUTE; one at least."""
    return max(1, math.ceil(len(plain_text(body).split()) / WORDS_PER_MINUTE))


def content_fingerprint(title, body):
    """What a medical sign-off covers: the title and the (sanitised) body."""
    sanitised = add_heading_anchors(clean_html(body))
    return hashlib.sha256(f"{title}\x00{sanitised}".encode()).hexdigest()


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def fill_image_dimensions(image, instance, width_field, height_field):
    """Store an image's size when it was saved without it, so that pages never open the file to measure it."""
    if image and getattr(instance, width_field) is None:
        try:
            setattr(instance, width_field, image.width)
            setattr(instance, height_field, image.height)
        except (OSError, ValueError):
            pass  # a missing file: the page simply has no size for it


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(
        blank=True, help_text="One or two sentences shown at the top of the category page."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Categories are listed in the navigation in this order."
    )
    is_medical = models.BooleanField(
        "medical",
        default=True,
        help_text="Articles of a medical category go live only once a medical reviewer has signed them off.",
    )
    review_interval_months = models.PositiveSmallIntegerField(
        "re-review every (months)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="How often a medical reviewer must review its articles again.",
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        previous = Category.objects.filter(pk=self.pk).values_list("review_interval_months", flat=True).first()
        super().save(*args, **kwargs)
        if previous is not None and previous != self.review_interval_months:
            # The due dates of its articles follow the new interval.
            for pk, last_reviewed in self.articles.filter(last_reviewed__isnull=False).values_list("pk", "last_reviewed"):
                Article.objects.filter(pk=pk).update(review_due=add_months(last_reviewed, self.review_interval_months))

    def get_absolute_url(self):
        return cached_reverse("articles:category", slug=self.slug)


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return cached_reverse("articles:tag", slug=self.slug)


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    credentials = models.CharField(
        max_length=120, blank=True, help_text='Qualifications shown after the name, e.g. "MD, neurologist".'
    )
    role = models.CharField(
        max_length=120, blank=True, help_text='What they do for the magazine, e.g. "Senior health writer" or "Medical reviewer".'
    )
    bio = models.TextField(
        blank=True, help_text="A short biography in plain text, shown in the author box under their articles."
    )
    profile_url = models.URLField(
        "profile URL",
        max_length=300,
        blank=True,
        help_text="Optional: a public professional profile (ORCID, a hospital's staff page, LinkedIn).",
    )
    photo = models.ImageField(upload_to="authors/", blank=True, width_field="photo_width", height_field="photo_height")
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="The staff account of this author or reviewer, if they have one.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        fill_image_dimensions(self.photo, self, "photo_width", "photo_height")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return cached_reverse("articles:author", slug=self.slug)

    @property
    def name_with_credentials(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """The single rule for what readers can see (at ``now``, the present by default)."""
        now = timezone.now() if now is None else now
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now).exclude(expires_at__lte=now)

    def in_language(self, language=None):
        """The articles written in ``language``: the reader's (the page's language), by default. Every list
        readers see is ``published().in_language()``: a page never mixes languages."""
        return self.filter(language=reader_language(language))

    def versions_of(self, article):
        """
        The other language versions of ``article``: its source and the source's other translations, or, for an
        original, its translations. ``article`` is an Article, or for a subquery of a query of articles any object
        whose ``pk`` and ``source_id`` are expressions of the outer row (article_page.py).
        """
        return self.filter(Q(pk=article.source_id) | Q(translation_of_id=article.source_id)).exclude(pk=article.pk)

    def outdated_translations(self):
        """
        Translations whose source changed what readers read (``content_updated_at``) after the translation was
        last changed or signed off: the text may no longer say what the source says.
        """
        checked = Greatest("content_updated_at", Coalesce("signed_off_at", "content_updated_at"))
        return self.filter(translation_of__isnull=False, translation_of__content_updated_at__gt=checked)

    def missing_translation(self, language):
        """Published originals not written in ``language`` with no translation into it (of any status)."""
        return (
            self.published()
            .filter(translation_of__isnull=True)
            .exclude(language=language)
            .exclude(Exists(Article.objects.filter(translation_of=OuterRef("pk"), language=language)))
        )

    def related_to(self, article, count=3, *, now=None):
        """
        The ``count`` most recent published articles, other than ``article``, of its category or sharing one of
        its tags, most recent first. ``article`` is an Article; or, for a subquery of a query of articles, any
        object whose ``pk`` and ``category_id`` are ``OuterRef("pk")`` and ``OuterRef("category_id")``.
        """

        def outer(value, levels):
            # ``article`` as a subquery ``levels`` deep under the result sees it: an outer row is that much further out.
            for _ in range(levels if isinstance(value, OuterRef) else 0):
                value = OuterRef(value)
            return value

        now = timezone.now() if now is None else now
        recent = self.published(now=now).order_by("-published_at", "-pk")
        links = Article.tags.through.objects

        def same_language(queryset, levels):
            # In the article's language only: a page never mixes languages.
            return queryset.filter(language=outer(article.language, levels))

        # The two short lists below are joined in a UNION, each in a subquery of its own where a part of a UNION
        # cannot have a LIMIT (SQLite): their subqueries are then one level further in.
        wrapped = not connections[self.db].features.supports_slicing_ordering_in_compound
        level = 2 if wrapped else 1

        def others_of_the_category(levels):
            return same_language(recent, levels).filter(category_id=outer(article.category_id, levels)).exclude(
                pk=outer(article.pk, levels)
            )

        # None of the ``count`` most recent can be older than the count-th most recent of the category alone, so the
        # articles sharing a tag are looked for down the index of publication times as far as that one only: a
        # bounded walk at any size of the archive, however rare the tags. (A category with fewer articles gives no
        # such bound: the walk may then go as far as the first article.)
        not_before = Coalesce(
            Subquery(others_of_the_category(level + 1).values("published_at")[count - 1 : count]),
            Subquery(Article.objects.exclude(published_at=None).order_by("published_at").values("published_at")[:1]),
        )
        # distinct(): PostgreSQL then reads the article's tags once, and not again for each article of the walk.
        own_tags = links.filter(article_id=outer(article.pk, level + 2)).values("tag_id").distinct()
        sharing_a_tag = (
            same_language(recent, level)
            .filter(Exists(links.filter(article_id=OuterRef("pk"), tag_id__in=own_tags)))
            .filter(published_at__gte=not_before)
            .filter(Exists(links.filter(article_id=outer(article.pk, level + 1))))  # without tags: no walk at all
            .exclude(pk=outer(article.pk, level))
        )
        parts = [others_of_the_category(level).values("pk")[:count], sharing_a_tag.values("pk")[:count]]
        if wrapped:
            parts = [Article.objects.filter(pk__in=part).order_by().values("pk") for part in parts]
        return recent.filter(pk__in=parts[0].union(parts[1], all=True))[:count]

    def for_listing(self):
        return self.select_related("category").prefetch_related("authors")

    def due_for_review(self, within_days=REVIEW_WARNING_DAYS):
        """Medical articles whose re-review falls due within ``within_days`` or is overdue."""
        return self.filter(
            category__is_medical=True,
            review_due__lte=timezone.localdate() + timedelta(days=within_days),
        ).exclude(status=Article.Status.DRAFT)

    def next_visibility_change(self, now):
        """
        The next time after ``now`` at which ``published()`` changes by itself, with no edit: a scheduled
        article goes live or a live one expires. None when nothing is scheduled.
        """
        upcoming = self.filter(status=Article.Status.PUBLISHED).aggregate(
            publication=Min("published_at", filter=Q(published_at__gt=now)),
            expiry=Min("expires_at", filter=Q(expires_at__gt=now)),
        )
        return min((moment for moment in upcoming.values() if moment), default=None)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="The last part of the article's address.")
    standfirst = models.TextField(
        max_length=400, help_text="The summary under the title, also used in lists and feeds (at most 400 characters)."
    )
    body = models.TextField(
        blank=True,
        help_text="Use “Heading 2” for sections: they make the table of contents. Cite a reference with its number "
        "in square brackets, e.g. [1], [2, 3] or [2–4]: it becomes a link to the reference.",
    )
    hero_image = models.ImageField(
        upload_to="articles/hero/%Y/%m/", blank=True, width_field="hero_width", height_field="hero_height"
    )
    hero_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_alt = models.CharField(
        "hero image alt text",
        max_length=250,
        blank=True,
        help_text="Describe the image for readers who cannot see it. Required with a hero image.",
    )
    hero_caption = models.CharField(max_length=250, blank=True)
    hero_credit = models.CharField(max_length=120, blank=True, help_text="Photographer or source.")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    authors = models.ManyToManyField(Author, related_name="articles")
    medical_reviewer = models.ForeignKey(
        Author,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_articles",
        help_text="The qualified reviewer who checked the medical content.",
    )
    last_reviewed = models.DateField("last medically reviewed", null=True, blank=True)
    review_due = models.DateField(
        "medical review due",
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="The last review date plus the category's re-review interval.",
    )
    signed_off_at = models.DateTimeField("signed off", null=True, blank=True, editable=False)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    signed_off_content = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Fingerprint of the title and body the reviewer signed off."
    )
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Goes up at every save.")
    reading_minutes = models.PositiveIntegerField(
        "reading time", default=1, editable=False, help_text="Minutes to read the body, counted when it is saved."
    )
    seo_title = models.CharField(
        "SEO title", max_length=70, blank=True, help_text="For search engines; the title is used when empty."
    )
    seo_description = models.CharField(
        "SEO description",
        max_length=160,
        blank=True,
        help_text="For search engines; the standfirst is used when empty.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        db_index=True,
        help_text="A time in the future schedules the article: it goes live by itself at that time.",
    )
    expires_at = models.DateTimeField(
        "unpublication time",
        null=True,
        blank=True,
        help_text="Optional: the article leaves every page, feed and the sitemap by itself at this time.",
    )
    featured = models.BooleanField(default=False, help_text="Featured articles lead the home page.")
    language = models.CharField(
        max_length=10,
        choices=language_choices,
        default=default_language,
        help_text="The language the article is written in: it is listed on that language's pages only.",
    )
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="translations",
        help_text="The original this article translates (empty for an original). A source article cannot be "
        "deleted while it has translations.",
    )
    translator = models.ForeignKey(
        Author,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="translated_articles",
        help_text="Who translated it, named on the article page.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    content_updated_at = models.DateTimeField(
        "content last changed",
        default=timezone.now,
        editable=False,
        help_text="When what readers read last changed (READER_CONTENT): the article's “Updated” date.",
    )
    reader_content = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Fingerprint of what readers read, as last saved."
    )
    # The editorial workflow (articles/services.py): who started it, who asked for the review, what came back.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    submitted_at = models.DateTimeField("submitted for review", null=True, blank=True, editable=False)
    changes_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    changes_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    review_comment = models.TextField(
        blank=True, editable=False, help_text="The medical reviewer's last comment to the author."
    )
    awaiting_review = models.BooleanField(
        default=False, editable=False, help_text="In review, and its current title and body not signed off yet."
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("review_article", "Can mark an article medically reviewed"),
            ("publish_article", "Can publish, schedule and unpublish articles"),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_pub_idx"),
            # The home page's featured articles: a few rows, whatever the size of the archive.
            models.Index(
                fields=["-published_at"], condition=Q(featured=True, status="published"), name="article_featured_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message="A published article needs a publication time.",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(published_at__isnull=True) | Q(expires_at__gt=F("published_at")),
                name="article_expires_after_publication",
                violation_error_message="The unpublication time must come after the publication time.",
            ),
            models.CheckConstraint(
                condition=Q(hero_image="") | ~Q(hero_alt=""),
                name="article_hero_has_alt",
                violation_error_message="A hero image needs alt text.",
            ),
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                name="one_translation_per_language",
                violation_error_message="This article already has a translation into that language.",
            ),
            models.CheckConstraint(
                condition=~Q(translation_of=F("pk")),
                name="article_not_its_own_translation",
                violation_error_message="An article cannot be a translation of itself.",
            ),
            models.CheckConstraint(
                condition=Q(medical_reviewer__isnull=True, last_reviewed__isnull=True)
                | Q(medical_reviewer__isnull=False, last_reviewed__isnull=False),
                name="article_review_has_reviewer_and_date",
                violation_error_message="A medical review needs both the reviewer and the date.",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.translation_of_id is not None:
            source = self.translation_of
            if source.translation_of_id is not None:
                raise ValidationError(
                    {"translation_of": "Translate the original article, not another translation of it."},
                    code="translation_of_translation",
                )
            if source.language == self.language:
                raise ValidationError(
                    {"language": "A translation is in another language than its source."}, code="same_language"
                )
        # Before the constraints are validated, which read the derived fields ("published" with no time).
        self.derive_fields()

    def save(self, *args, **kwargs):
        self.derive_fields()
        if self.status == self.Status.PUBLISHED and not self.may_be_published():
            # Not a decision (articles/services.py sends changed medical content back to review, or refuses to
            # publish it): the review gate holds whichever code saves the article.
            raise ValidationError(
                "This medical article cannot be stored as published: no medical reviewer has signed off its "
                "current version. Send it back to review or have it signed off (articles/services.py).",
                code="needs_sign_off",
            )
        if self.pk:
            self.version += 1
        if kwargs.get("update_fields") is not None:
            fields = set(kwargs["update_fields"])
            kwargs["update_fields"] = {"version", *fields, *(d for f in fields for d in self.DERIVED_FROM.get(f, ()))}
        super().save(*args, **kwargs)

    # The fields derive_fields() sets from each field: saved with it when a save names the fields it saves.
    DERIVED_FROM = {
        "body": ("reading_minutes", "awaiting_review"),
        "status": ("published_at", "awaiting_review"),
        "category": ("review_due",),
        "last_reviewed": ("review_due",),
        "title": ("slug", "awaiting_review"),
        "hero_image": ("hero_width", "hero_height"),
        "signed_off_content": ("awaiting_review",),
    }

    def derive_fields(self):
        """
        The fields that follow from the others. Decisions (publishing, the medical review, sending back,
        keeping old addresses) are articles/services.py's.
        """
        self.body = add_heading_anchors(clean_html(self.body))
        self.reading_minutes = reading_minutes(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()  # "published" with no time means now
        if self.category_id is not None:
            self.review_due = (
                add_months(self.last_reviewed, self.category.review_interval_months) if self.last_reviewed else None
            )
        if not self.slug:
            self.slug = slugify(self.title)[:200]
        fill_image_dimensions(self.hero_image, self, "hero_width", "hero_height")
        self.awaiting_review = self.status == self.Status.IN_REVIEW and not self.is_signed_off()

    def get_absolute_url(self):
        """The article's address in its own language's part of the site (``/de/articles/…`` for German)."""
        if self.language == translation.get_language():
            return cached_reverse("articles:detail", slug=self.slug)
        with translation.override(self.language):
            return cached_reverse("articles:detail", slug=self.slug)

    @property
    def source_id(self):
        """The original of this article's translations: its source, or itself."""
        return self.translation_of_id or self.pk

    def content_fingerprint(self):
        return content_fingerprint(self.title, self.body)

    # What readers read: a change to any of these (and only these) moves the article's "Updated" date,
    # dateModified and the sitemap's lastmod. Featuring, the medical sign-off or a save that changes nothing do not.
    READER_CONTENT = {
        "fields": ("title", "standfirst", "body"),
        "references": ("position", "citation", "url", "doi", "pmid"),
        "corrections": ("date", "text"),
    }

    def reader_content_fingerprint(self):
        """A fingerprint of READER_CONTENT as stored (one query for each related list)."""
        parts = [repr([getattr(self, name) for name in self.READER_CONTENT["fields"]])]
        for relation in ("references", "corrections"):
            rows = getattr(self, relation).order_by("pk").values_list(*self.READER_CONTENT[relation])
            parts.append(repr([[str(value) for value in row] for row in rows]))
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()

    def is_signed_off(self):
        return bool(self.signed_off_content) and self.signed_off_content == self.content_fingerprint()

    def needs_sign_off(self):
        """The review gate: medical content goes live only in a version a medical reviewer signed off."""
        return bool(self.category_id) and self.category.is_medical and not self.is_signed_off()

    def may_be_published(self):
        return not self.needs_sign_off()

    def is_published(self):
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    @property
    def state(self):
        """Live, scheduled, expired or not published, as editors think of it."""
        if self.is_published():
            return "live"
        if self.status == self.Status.PUBLISHED:
            return "expired" if self.expires_at and self.expires_at <= timezone.now() else "scheduled"
        return self.get_status_display().lower()

    @property
    def was_updated(self):
        """Whether what readers read changed on a later day than the article went live (its "Updated" date)."""
        return bool(self.published_at) and self.content_updated_at.date() > self.published_at.date()

    @property
    def modified_at(self):
        """When readers' version last changed: dateModified, Last-Modified and the sitemap's lastmod."""
        return max(self.content_updated_at, self.published_at) if self.published_at else self.content_updated_at

    @cached_property
    def table_of_contents(self):
        return [(anchor, strip_tags(text).strip()) for anchor, text in H2_RE.findall(self.body)]

    def related(self, count=3):
        """Published articles of the same category or sharing a tag, most recent first."""
        return Article.objects.related_to(self, count).select_related("category")

    @property
    def meta_title(self):
        return self.seo_title or self.title

    @property
    def meta_description(self):
        return self.seo_description or cut_at_word(self.standfirst)


class Reference(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(default=0)
    citation = models.TextField(help_text="The citation as it should read, e.g. authors, title, journal, year.")
    url = models.URLField("URL", max_length=500, blank=True)
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        validators=[RegexValidator(r"^10\.\d{4,9}/\S+$", "Enter a DOI such as 10.1161/STROKEAHA.120.029.")],
    )
    pmid = models.CharField(
        "PMID",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{1,10}$", "A PubMed ID is a number.")],
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.citation[:80]

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pmid_url(self):
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""


def validate_link(value):
    if not (value.startswith("/") and not value.startswith("//")) and not re.match(r"^https?://", value):
        raise ValidationError("Enter a path on this site (such as /quote/) or an http(s) URL.", code="invalid_link")


class SiteBlock(models.Model):
    """Site-wide copy that editors manage: the medical disclaimer and the calls to action."""

    class Kind(models.TextChoices):
        DISCLAIMER = "disclaimer", "Medical disclaimer"
        QUOTE_CTA = "quote_cta", "Free quote call to action"
        PROMO = "promo", "Certification promo"

    kind = models.CharField(max_length=20, choices=Kind.choices, unique=True)
    title = models.CharField(max_length=120, blank=True)
    body = models.TextField(blank=True)
    link_text = models.CharField(max_length=80, blank=True)
    link_url = models.CharField(
        "link URL", max_length=300, blank=True, validators=[validate_link], help_text="A full URL or a path on this site such as /quote/."
    )
    is_active = models.BooleanField("shown", default=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        super().save(*args, **kwargs)


class EditorImage(models.Model):
    """
    An image of the media library: uploaded from the rich-text editor (kept re-encoded and stripped of
    metadata), or an article's hero image, entered here when the article is saved (articles/library.py).
    """

    image = models.ImageField(upload_to="editor/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    original_name = models.CharField("name", max_length=255, blank=True)
    alt_text = models.CharField(
        "alt text",
        max_length=250,
        blank=True,
        help_text="Describe the image for readers who cannot see it. Shown wherever an article gives the image "
        "no alt text of its own.",
    )
    focal_x = models.FloatField(
        "focal point, across",
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="From 0 (left edge) to 1 (right edge). Cropped copies of the image keep this point in view.",
    )
    focal_y = models.FloatField(
        "focal point, down",
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="From 0 (top edge) to 1 (bottom edge).",
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "image"
        verbose_name_plural = "media library"
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="editorimage_focal_point_in_image",
                violation_error_message="The focal point must lie within the image (0 to 1 each way).",
            ),
        ]

    def __str__(self):
        return self.original_name or self.image.name.rsplit("/", 1)[-1]

    @property
    def focal_point(self):
        return (self.focal_x, self.focal_y)


class ImageUse(models.Model):
    """Where an image of the media library appears: recorded whenever an article is saved (articles/library.py)."""

    class Role(models.TextChoices):
        HERO = "hero", "Hero image"
        BODY = "body", "Body"

    image = models.ForeignKey(EditorImage, on_delete=models.PROTECT, related_name="uses")
    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="image_uses")
    role = models.CharField(max_length=4, choices=Role.choices)

    class Meta:
        ordering = ["role", "article_id"]
        constraints = [models.UniqueConstraint(fields=["image", "article", "role"], name="one_image_use_per_role")]

    def __str__(self):
        return f"{self.image} in {self.article_id} ({self.get_role_display()})"


class ReviewDueArticle(Article):
    """The report of medical articles due for re-review."""

    class Meta:
        proxy = True
        verbose_name = "medical review due"
        verbose_name_plural = "medical reviews due"


class SlugRedirect(models.Model):
    """An old address of a published article, answered with a permanent redirect."""

    old_slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="slug_redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"


class Correction(models.Model):
    """A dated note telling readers what changed in an article after it was published."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    date = models.DateField(default=timezone.localdate)
    text = models.TextField(max_length=1000, help_text="What was wrong and what it now says, in a sentence or two.")

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"Correction of {self.date:%d %b %Y}"


class Page(models.Model):
    """A standing page such as the editorial policy or how medical review works."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.CharField(max_length=300, help_text="One sentence for search engines and link previews.")
    body = models.TextField()
    in_footer = models.BooleanField("link in the footer", default=True)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return cached_reverse("articles:page", slug=self.slug)


class AuditEvent(models.Model):
    """Who published, unpublished, signed off, sent back or restored which article, and when."""

    class Action(models.TextChoices):
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        SIGNED_OFF = "signed_off", "Signed off the medical review"
        SENT_BACK = "sent_back", "Sent back to review (content changed)"
        RESTORED = "restored", "Restored an earlier revision"
        SUBMITTED = "submitted", "Submitted for medical review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested by the medical reviewer"

    article = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, related_name="audit_events")
    article_title = models.CharField(max_length=200)
    action = models.CharField(max_length=20, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    detail = models.CharField(max_length=300, blank=True)
    comment = models.TextField(blank=True, help_text="What the reviewer wrote with a sign-off or a request for changes.")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "editorial audit event"

    def __str__(self):
        return f"{self.get_action_display()}: {self.article_title}"


class ReviewReminder(models.Model):
    """One reminder e-mail a day per reviewer, so that the daily command can run more than once."""

    reviewer = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="review_reminders")
    sent_on = models.DateField()
    article_count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reviewer", "sent_on"], name="one_review_reminder_a_day")]

    def __str__(self):
        return f"{self.reviewer} {self.sent_on}"


class SearchSynonym(models.Model):
    """Words readers use for the same thing: a search for any of them finds articles that use the others."""

    terms = models.CharField(
        max_length=300,
        unique=True,
        help_text="Two or more words or phrases that mean the same, separated by commas: for example "
        "“heart attack, myocardial infarction”. A search for one also finds articles that use another.",
    )
    is_active = models.BooleanField("in use", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["terms"]

    def __str__(self):
        return self.terms

    def clean(self):
        phrases = synonym_phrases(self.terms)
        if len(phrases) < 2:
            raise ValidationError(
                {"terms": "Enter at least two words or phrases, separated by commas."}, code="too_few_synonyms"
            )
        self.terms = ", ".join(" ".join(phrase) for phrase in phrases)


class SearchWord(models.Model):
    """
    A word of an article title, tag or category name: what a misspelt search is corrected to (articles/search.py).

    Words of drafts are kept too: a correction is offered only when it finds published articles.
    """

    word = models.CharField(max_length=40, unique=True)

    def __str__(self):
        return self.word
