"""
Editorial actions: saving an edit, publishing, unpublishing, the medical sign-off, restoring a revision, and
their audit trail. The admin calls these; ``Article.save()`` only derives fields.

The review gate itself is one model method, ``Article.may_be_published()``; ``publication_outcome`` says what
it means for a save, and is what both the admin's form (to refuse) and ``save_edit`` (to act) ask.
"""

from dataclasses import dataclass

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from editing.checks import blocking_problems
from outbox.models import Email
from outbox.services import queue_email

from .models import Article, AuditEvent, Author, EditorImage, SlugRedirect
from .renditions import forget_crops

SENT_BACK = "sent back"
PUBLISH_PERMISSION = "articles.publish_article"
REVIEW_PERMISSION = "articles.review_article"


@dataclass(frozen=True)
class Before:
    """An article as it was before an edit: what the edit's consequences depend on."""

    status: str
    slug: str
    reader_content: str

    @classmethod
    def of(cls, article):
        if not article.pk:
            return None
        # Articles saved before the fingerprint was kept have none yet: read it from what is stored.
        reader_content = article.reader_content or article.reader_content_fingerprint()
        return cls(status=article.status, slug=article.slug, reader_content=reader_content)


def record_event(*, article, action, user, detail="", comment=""):
    AuditEvent.objects.create(
        article=article, article_title=article.title[:200], action=action, user=user, detail=detail, comment=comment
    )


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


def may_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def _require_publisher(user):
    # Medical reviewers sign off; publishing, scheduling and unpublishing are the editors' decision. No user
    # (None) is a command or the shell, which the web never reaches.
    if user is not None and not may_publish(user):
        raise PermissionDenied("Only editors may publish, schedule or unpublish articles.")


def save_edit(*, article, by, before, restoring=False, submitting=False):
    """
    Save an editor's edit of ``article`` (the admin's form), ``before`` being the article as it was (None for a
    new one): the review gate, the old address of a published article kept as a redirect, and the audit trail.
    A restored revision is saved as a new draft, published again on purpose. ``submitting`` submits it for
    medical review (``submit_for_review``) with the edit. Who may publish is checked here too: a status of
    "published" from someone who may not publish is refused, whatever sent it.

    The related rows (references, corrections) are saved by the caller afterwards, then ``note_reader_changes``.
    """
    # No savepoint of its own: a failure here fails the whole edit (the admin's request) anyway.
    with transaction.atomic(savepoint=False):
        was = before.status if before is not None else Article.Status.DRAFT
        if (article.status == Article.Status.PUBLISHED) != (was == Article.Status.PUBLISHED):
            _require_publisher(by)
        if before is None:
            article.created_by = by
        if restoring:
            article.status = Article.Status.DRAFT
        if submitting:
            _mark_submitted(article, by)
        sent_back = article.status == Article.Status.PUBLISHED and (
            publication_outcome(article=article, before=before) == SENT_BACK
        )
        if sent_back:
            article.status = Article.Status.IN_REVIEW
            article.submitted_by, article.submitted_at = by, timezone.now()
        article.save()
        if before is not None and before.slug != article.slug:
            _keep_old_address(article, old_slug=before.slug, was_published=before.status == Article.Status.PUBLISHED)
        if restoring:
            record_event(article=article, action=AuditEvent.Action.RESTORED, user=by, detail=f"now version {article.version}")
        was_published = before is not None and before.status == Article.Status.PUBLISHED
        if sent_back:
            record_event(article=article, action=AuditEvent.Action.SENT_BACK, user=by)
            _email_reviewers(article, by)
        elif not was_published and article.status == Article.Status.PUBLISHED:
            record_event(article=article, action=AuditEvent.Action.PUBLISHED, user=by)
        elif was_published and article.status != Article.Status.PUBLISHED:
            record_event(article=article, action=AuditEvent.Action.UNPUBLISHED, user=by)
        if submitting:
            _tell_reviewers(article, by)
    return sent_back


def note_reader_changes(*, article, before):
    """
    After an edit is saved with its references and corrections: when what readers read (Article.READER_CONTENT)
    differs from ``before``, the article's "Updated" date moves to now. Returns whether it did.
    """
    fingerprint = article.reader_content_fingerprint()
    changed = before is not None and fingerprint != before.reader_content
    fields = {"reader_content": fingerprint}
    if changed:
        fields["content_updated_at"] = timezone.now()
    if fingerprint != article.reader_content or changed:
        Article.objects.filter(pk=article.pk).update(**fields)
        for name, value in fields.items():
            setattr(article, name, value)
    return changed


def medical_reviewers():
    """The active staff who may sign off medical reviews (by their group or their own permissions)."""
    app_label, codename = REVIEW_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(Q(groups__permissions__in=permission) | Q(user_permissions__in=permission), is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _name(user):
    if user is None:
        return "A command"
    return user.get_full_name() or user.get_username()


def _email_about(article, template, subject, to, context):
    if to:
        queue_email(
            topic=Email.Topic.REVIEWS,
            about=f"{article.title[:150]} (article {article.pk})",
            subject=subject,
            body=render_to_string(template, {"article": article, **context}),
            to=to,
        )


def submit_for_review(*, article, by):
    """
    Ask the medical reviewers to review ``article`` (saved): it waits "in review", off the site, and each
    reviewer gets an e-mail with the link to its review screen (queued in this transaction) and finds it on
    their desk.
    """
    with transaction.atomic():
        _mark_submitted(article, by)
        article.save()
        _tell_reviewers(article, by)


def _mark_submitted(article, by):
    if article.status == Article.Status.PUBLISHED:
        raise ValidationError(
            "A published article is not submitted for review: unpublish it first.", code="published"
        )
    _require_described_images(article)
    article.status = Article.Status.IN_REVIEW
    article.submitted_by, article.submitted_at = by, timezone.now()
    article.changes_requested_at = article.changes_requested_by = None


def _require_described_images(article):
    """Neither review nor readers get a body with an image that has no alt text (as for the hero image)."""
    problems = blocking_problems(article.body)
    if problems:
        raise ValidationError(problems, code="image_without_alt")


def _tell_reviewers(article, by):
    record_event(article=article, action=AuditEvent.Action.SUBMITTED, user=by)
    _email_reviewers(article, by)


def _email_reviewers(article, by):
    context = {
        "by_name": _name(by),
        "review_url": settings.SITE_URL + reverse("admin:articles_article_review", args=[article.pk]),
        "dashboard_url": settings.SITE_URL + reverse("admin:index"),
    }
    to = [user.email for user in medical_reviewers() if by is None or user.pk != by.pk]
    _email_about(article, "articles/email/submitted_for_review.txt", f"For medical review: {article.title}", to, context)


def request_changes(*, article, by, comment):
    """
    A medical reviewer sends ``article`` back to its author with ``comment``: it returns to draft (off the
    site), the author gets the comment by e-mail and on their desk, and the audit trail and history keep it.
    """
    comment = comment.strip()
    if not comment:
        raise ValidationError("Say what should change: the author needs your comment.", code="comment_required")
    if not by.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied("Only medical reviewers may ask for changes.")
    if article.status != Article.Status.IN_REVIEW:
        raise ValidationError("This article is not waiting for a medical review.", code="not_in_review")
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(f"Changes requested by the medical reviewer: {comment}"[:2000])
        article.status = Article.Status.DRAFT
        article.changes_requested_at, article.changes_requested_by = timezone.now(), by
        article.review_comment = comment
        article.save()
        record_event(article=article, action=AuditEvent.Action.CHANGES_REQUESTED, user=by, comment=comment)
        author = article.submitted_by or article.created_by
        context = {
            "by_name": _name(by),
            "comment": comment,
            "edit_url": settings.SITE_URL + reverse("admin:articles_article_change", args=[article.pk]),
        }
        to = [author.email] if author is not None and author.email and author.is_active else []
        _email_about(article, "articles/email/changes_requested.txt", f"Changes requested: {article.title}", to, context)


def _keep_old_address(article, *, old_slug, was_published):
    # Links to the old address keep working (301), once readers may have seen it; the new address is no
    # longer a redirect to anything.
    if was_published:
        SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": article})
    SlugRedirect.objects.filter(old_slug=article.slug).delete()


def sign_off(*, article, by, comment=""):
    """
    A medical reviewer signs off the article as it stands now, with an optional ``comment`` (kept in the audit
    trail and on the sign-off's revision).

    The sign-off covers this title and body only: any later change to them sends
    the article back to review. An article that was sent back from publication
    goes live again; a first draft waits for an editor to publish it.
    """
    if not by.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied("Only medical reviewers may sign off a medical review.")
    reviewer = Author.objects.filter(user=by).first()
    if reviewer is None:
        raise ValidationError(
            "Your account is not linked to an author profile with credentials; ask an editor to link it.",
            code="no_reviewer_profile",
        )
    comment = comment.strip()
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(f"Signed off the medical review: {comment}" if comment else "Signed off the medical review.")
        article.medical_reviewer = reviewer
        article.last_reviewed = timezone.localdate()
        article.signed_off_at = timezone.now()
        article.signed_off_by = by
        article.signed_off_content = article.content_fingerprint()
        article.changes_requested_at = article.changes_requested_by = None
        article.review_comment = comment
        back_to_live = article.status == Article.Status.IN_REVIEW and article.published_at is not None
        if back_to_live:
            article.status = Article.Status.PUBLISHED
        article.save()
        record_event(
            article=article, action=AuditEvent.Action.SIGNED_OFF, user=by, detail=f"version {article.version}", comment=comment
        )
        if back_to_live:
            record_event(article=article, action=AuditEvent.Action.PUBLISHED, user=by, detail="after sign-off")
    return reviewer


def publish(*, article, by):
    """Publish now (or at the article's scheduled time); refuses medical content nobody has signed off."""
    _require_publisher(by)
    with transaction.atomic(), reversion.create_revision():
        publication_outcome(article=article, before=None)  # never a way to put changed medical content back live
        _require_described_images(article)
        article.status = Article.Status.PUBLISHED
        article.save()
        reversion.set_user(by)
        reversion.set_comment(_publication_comment(article))
        record_event(article=article, action=AuditEvent.Action.PUBLISHED, user=by)


def _publication_comment(article):
    if article.published_at > timezone.now():
        return f"Scheduled to go live at {timezone.localtime(article.published_at):%d %b %Y %H:%M}."
    return "Published."


def unpublish(*, article, by):
    _require_publisher(by)
    with transaction.atomic(), reversion.create_revision():
        article.status = Article.Status.DRAFT
        article.save()
        reversion.set_user(by)
        reversion.set_comment("Unpublished (back to draft).")
        record_event(article=article, action=AuditEvent.Action.UNPUBLISHED, user=by)


def save_library_image(*, image, by):
    """
    Save an editor's change of an image of the media library (alt text, name, focal point). A moved focal point
    makes new crops: the cached names of the old ones are dropped once the change is committed.
    """
    with transaction.atomic():
        before = EditorImage.objects.filter(pk=image.pk).values_list("focal_x", "focal_y").first()
        if before is not None and before != image.focal_point:
            # Registered before the save, whose commit raises the site version: the old names are gone from the
            # cache before any process makes pictures of renditions under the new version (renditions.pictures).
            name, size = image.image.name, (image.width, image.height)
            transaction.on_commit(lambda: forget_crops(name, size))
        image.save()


# What a new translation starts from: the source's text and presentation, for the translator to rewrite. Its
# status, publication, medical review, corrections and old addresses are its own.
TRANSLATION_COPIED_FIELDS = (
    "title", "standfirst", "body", "hero_image", "hero_alt", "hero_caption", "hero_credit", "category",
    "seo_title", "seo_description",
)  # fmt: skip


def translation_languages(source):
    """The languages ``source`` (an original) has no translation into yet."""
    taken = {source.language, *source.translations.values_list("language", flat=True)}
    return [(code, name) for code, name in settings.LANGUAGES if code not in taken]


def start_translation(*, source, language, by):
    """
    Start the translation of ``source`` into ``language``: a new draft article of that language with the
    source's fields copied (its title, standfirst, body, hero image, category, tags, authors, references), for
    the translator to rewrite. It is an article of its own: its own slug, status and publication, and, for
    medical content, its own sign-off (the review gate, ``Article.may_be_published``), since a translation can
    introduce a dangerous error. Refused with a ValidationError for a translation (translate its original),
    for the source's own language and for a language it already has a translation into.
    """
    if source.translation_of_id is not None:
        raise ValidationError(
            "Translate the original article, not a translation of it.", code="translation_of_translation"
        )
    if language not in dict(settings.LANGUAGES) or language == source.language:
        raise ValidationError("Choose another of the site's languages than the article's own.", code="invalid_language")
    with transaction.atomic(), reversion.create_revision():
        existing = source.translations.filter(language=language).first()
        if existing is not None:
            raise ValidationError(
                "“%(title)s” already has a translation into that language: “%(translation)s”.",
                code="translation_exists",
                params={"title": source.title, "translation": existing.title},
            )
        translation = Article(
            **{field: getattr(source, field) for field in TRANSLATION_COPIED_FIELDS},
            language=language,
            translation_of=source,
            slug=_free_slug(f"{source.slug}-{language}"[:200]),
            status=Article.Status.DRAFT,
            created_by=by,
        )
        translation.save()
        translation.tags.set(source.tags.all())
        translation.authors.set(source.authors.all())
        for reference in source.references.all():
            reference.pk, reference.article = None, translation
            reference.save()
        note_reader_changes(article=translation, before=None)
        reversion.set_user(by)
        reversion.set_comment(f"Translation of “{source.title}” started ({dict(settings.LANGUAGES)[language]}).")
    return translation


def _free_slug(slug):
    candidate, number = slug, 1
    while Article.objects.filter(slug=candidate).exists() or SlugRedirect.objects.filter(old_slug=candidate).exists():
        number += 1
        candidate = f"{slug[:195]}-{number}"
    return candidate
