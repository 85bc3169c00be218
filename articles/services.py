"""
Editorial actions: saving an edit, publishing, unpublishing, the medical sign-off, restoring a revision, and
their audit trail. The admin calls these; ``Article.save()`` only derives fields.

The review gate itself is one model method, ``Article.may_be_published()``; ``publication_outcome`` says what
it means for a save, and is what both the admin's form (to refuse) and ``save_edit`` (to act) ask.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Article, AuditEvent, Author, EditorImage, SlugRedirect
from .renditions import forget_crops

SENT_BACK = "sent back"


@dataclass(frozen=True)
class Before:
    """An article as it was before an edit: what the edit's consequences depend on."""

    status: str
    slug: str

    @classmethod
    def of(cls, article):
        return cls(status=article.status, slug=article.slug) if article.pk else None


def record_event(*, article, action, user, detail=""):
    AuditEvent.objects.create(article=article, article_title=article.title[:200], action=action, user=user, detail=detail)


def publication_outcome(*, article, before):
    """
    What saving ``article`` with the status "published" does under the review gate: None when it may be
    published; SENT_BACK when it was published and its medical content changed since the sign-off (the edit
    is saved, and the article waits in review, off the site); a ValidationError when it was not published and
    no medical reviewer has signed off this version.
    """
    if article.may_be_published():
        return None
    if before is not None and before.status == Article.Status.PUBLISHED:
        return SENT_BACK
    raise ValidationError(
        "“%(title)s” is medical content: it cannot be published until a medical reviewer signs off its current "
        "version. Save it as “In review”: a medical reviewer signs it off, and it can then be published.",
        code="needs_sign_off",
        params={"title": article.title},
    )


def save_edit(*, article, by, before, restoring=False):
    """
    Save an editor's edit of ``article`` (the admin's form), ``before`` being the article as it was (None for a
    new one): the review gate, the old address of a published article kept as a redirect, and the audit trail.
    A restored revision is saved as a new draft, published again on purpose.
    """
    # No savepoint of its own: a failure here fails the whole edit (the admin's request) anyway.
    with transaction.atomic(savepoint=False):
        if restoring:
            article.status = Article.Status.DRAFT
        sent_back = article.status == Article.Status.PUBLISHED and (
            publication_outcome(article=article, before=before) == SENT_BACK
        )
        if sent_back:
            article.status = Article.Status.IN_REVIEW
        article.save()
        if before is not None and before.slug != article.slug:
            _keep_old_address(article, old_slug=before.slug, was_published=before.status == Article.Status.PUBLISHED)
        if restoring:
            record_event(article=article, action=AuditEvent.Action.RESTORED, user=by, detail=f"now version {article.version}")
        was_published = before is not None and before.status == Article.Status.PUBLISHED
        if sent_back:
            record_event(article=article, action=AuditEvent.Action.SENT_BACK, user=by)
        elif not was_published and article.status == Article.Status.PUBLISHED:
            record_event(article=article, action=AuditEvent.Action.PUBLISHED, user=by)
        elif was_published and article.status != Article.Status.PUBLISHED:
            record_event(article=article, action=AuditEvent.Action.UNPUBLISHED, user=by)
    return sent_back


def _keep_old_address(article, *, old_slug, was_published):
    # Links to the old address keep working (301), once readers may have seen it; the new address is no
    # longer a redirect to anything.
    if was_published:
        SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": article})
    SlugRedirect.objects.filter(old_slug=article.slug).delete()


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
    with transaction.atomic():
        publication_outcome(article=article, before=None)  # never a way to put changed medical content back live
        article.status = Article.Status.PUBLISHED
        article.save()
        record_event(article=article, action=AuditEvent.Action.PUBLISHED, user=by)


def unpublish(*, article, by):
    with transaction.atomic():
        article.status = Article.Status.DRAFT
        article.save()
        record_event(article=article, action=AuditEvent.Action.UNPUBLISHED, user=by)


def save_library_image(*, image, by):
    """
    Save an editor's change of an image of the media library (alt text, name, focal point). A moved focal point
    makes new crops: the cached names of the old ones are dropped once the change is committed.
    """
    with transaction.atomic():
        before = EditorImage.objects.filter(pk=image.pk).values_list("focal_x", "focal_y").first()
        image.save()
        if before is not None and before != image.focal_point:
            name, size = image.image.name, (image.width, image.height)
            transaction.on_commit(lambda: forget_crops(name, size))
