"""Editorial actions with side effects: publishing, the medical sign-off, and their audit trail."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .caching import bump_site_version
from .models import Article, AuditEvent, Author


def record_event(*, article, action, user, detail=""):
    AuditEvent.objects.create(article=article, article_title=article.title[:200], action=action, user=user, detail=detail)


def sign_off(*, article, by):
    """
    A medical reviewer signs off the article as it stands now.

    The sign-off covers this title and body only: any later change to them sends
    the article back to review. An article that was sent back from publication
    goes live again; a first draft waits for an editor to publish it.
    """
    reviewer = Author.objects.filter(user=by).first()
    if reviewer is None:
        raise ValidationError(
            "Your account is not linked to an author profile with credentials; ask an editor to link it.",
            code="no_reviewer_profile",
        )
    with transaction.atomic():
        article.medical_reviewer = reviewer
        article.last_reviewed = timezone.localdate()
        article.signed_off_at = timezone.now()
        article.signed_off_by = by
        article.signed_off_content = article.content_fingerprint()
        back_to_live = article.status == Article.Status.IN_REVIEW and article.published_at is not None
        if back_to_live:
            article.status = Article.Status.PUBLISHED
        article.save()
        record_event(article=article, action=AuditEvent.Action.SIGNED_OFF, user=by, detail=f"version {article.version}")
        if back_to_live:
            record_event(article=article, action=AuditEvent.Action.PUBLISHED, user=by, detail="after sign-off")
    return reviewer


def publish(*, article, by):
    """Publish now (or at the article's scheduled time); refuses medical content nobody has signed off."""
    if article.needs_sign_off():
        raise ValidationError(
            "“%(title)s” is medical content that no medical reviewer has signed off in its current version.",
            code="needs_sign_off",
            params={"title": article.title},
        )
    with transaction.atomic():
        article.status = Article.Status.PUBLISHED
        article.published_at = article.published_at or timezone.now()
        article.save()
        record_event(article=article, action=AuditEvent.Action.PUBLISHED, user=by)


def unpublish(*, article, by):
    with transaction.atomic():
        article.status = Article.Status.DRAFT
        article.save()
        record_event(article=article, action=AuditEvent.Action.UNPUBLISHED, user=by)


def record_status_change(*, article, before, by, restored=False):
    """After an edit in the admin: write down what the save did to the article's publication."""
    if restored:
        record_event(article=article, action=AuditEvent.Action.RESTORED, user=by, detail=f"now version {article.version}")
    was_live = before == Article.Status.PUBLISHED
    if not was_live and article.status == Article.Status.PUBLISHED:
        record_event(article=article, action=AuditEvent.Action.PUBLISHED, user=by)
    elif was_live and article.status == Article.Status.IN_REVIEW and article.needs_sign_off():
        record_event(article=article, action=AuditEvent.Action.SENT_BACK, user=by)
    elif was_live and article.status != Article.Status.PUBLISHED:
        record_event(article=article, action=AuditEvent.Action.UNPUBLISHED, user=by)
    bump_site_version()
