import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import Article


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Links that still open their preview: not revoked, not expired."""
        now = timezone.now() if now is None else now
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class PreviewLink(models.Model):
    """
    A link that shows an article as readers will see it to someone without an account (an outside specialist,
    the interviewed doctor). Only the hash of its token is stored: the link itself is shown once, when made.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    note = models.CharField(
        "shared with", max_length=200, blank=True, help_text="Who the link is for, e.g. “Dr Okafor, for a fact check”."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="preview_link_expires_after_creation",
                violation_error_message="A preview link must expire after it was made.",
            )
        ]

    def __str__(self):
        return f"Preview of “{self.article}”" + (f" for {self.note}" if self.note else "")

    @property
    def state(self):
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"


class PreviewLinkUse(models.Model):
    """One opening of a preview link: when and from where (the address as the site sees it, and the browser)."""

    link = models.ForeignKey(PreviewLink, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=10, default="shown", help_text="shown, expired or revoked")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} from {self.address}" if self.at else self.address


class ArticleAutosave(models.Model):
    """
    The unsaved work in one user's article form: one copy per user and article (or per user for a new article),
    replaced every few seconds while they type, deleted when they save the article. Never shown to readers and
    never a revision.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    data = models.JSONField(help_text="The form's fields by name, as typed.")
    base_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version of the article the form was opened at."
    )
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="one_autosave_per_user_and_article"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(article__isnull=True), name="one_autosave_per_user_of_a_new_article"
            ),
        ]

    def __str__(self):
        return f"Autosave of {self.article or 'a new article'} by {self.user}"


class BrokenLink(models.Model):
    """An external link of a published article that did not answer well at the last check (manage.py check_links)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="broken_links")
    url = models.URLField("URL", max_length=2000)
    status = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    first_seen_at = models.DateTimeField()
    checked_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-checked_at", "article", "url"]
        constraints = [models.UniqueConstraint(fields=["article", "url"], name="one_broken_link_per_article_and_url")]

    def __str__(self):
        return self.url
