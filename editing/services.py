"""
Writes of the editor tools: preview links (made, revoked, each use logged), autosaves (kept, discarded) and the
link checker's findings.
"""

import logging
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.sanitize import clean_html

from .models import ArticleAutosave, BrokenLink, PreviewLink, PreviewLinkUse, token_hash

logger = logging.getLogger(__name__)

PREVIEW_MAX_DAYS = 30
AUTOSAVE_MAX_BYTES = 2_000_000  # a body of a few hundred pages; more is not an article being typed
RICH_TEXT_FIELDS = ("body",)


def create_preview_link(*, article, by, days, note=""):
    """A new preview link of ``article``, valid ``days`` days: (the link's row, its token). The token is shown
    once; only its hash is stored."""
    if not 1 <= days <= PREVIEW_MAX_DAYS:
        raise ValidationError(f"A preview link lasts 1 to {PREVIEW_MAX_DAYS} days.", code="invalid_days")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = PreviewLink.objects.create(
            article=article, token_hash=token_hash(token), note=note[:200], created_by=by,
            expires_at=timezone.now() + timedelta(days=days),
        )  # fmt: skip
    logger.info("Preview link %s of article %s made by user %s, valid %d days", link.pk, article.pk, by.pk, days)
    return link, token


def revoke_preview_links(*, links, by):
    """Revoke the links that are not revoked yet; returns how many were."""
    with transaction.atomic():
        count = links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)
    logger.info("%d preview link(s) revoked by user %s", count, by.pk)
    return count


def open_preview_link(*, token, address, user_agent):
    """
    The link of ``token`` and what opening it gives: (link, "shown" | "expired" | "revoked"), each opening
    logged; (None, None) for a token that was never made.
    """
    link = PreviewLink.objects.select_related("article").filter(token_hash=token_hash(token)).first()
    if link is None:
        return None, None
    outcome = "revoked" if link.revoked_at else "expired" if link.expires_at <= timezone.now() else "shown"
    with transaction.atomic():
        PreviewLinkUse.objects.create(link=link, address=address[:64], user_agent=user_agent[:300], outcome=outcome)
    logger.info("Preview link %s of article %s opened from %s: %s", link.pk, link.article_id, address, outcome)
    return link, outcome


def save_autosave(*, user, article, data, base_version=None):
    """Keep ``data`` (the form's fields by name) as the one autosave of ``user`` for ``article`` (None: a new
    article), replacing the one before."""
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValidationError("An autosave is a set of form fields and their text.", code="invalid")
    data = {name: clean_html(value) if name in RICH_TEXT_FIELDS else value for name, value in data.items()}
    values = {"data": data, "base_version": base_version, "saved_at": timezone.now()}
    for attempt in range(2):
        try:
            with transaction.atomic():
                autosave, _ = ArticleAutosave.objects.update_or_create(user=user, article=article, defaults=values)
            return autosave
        except IntegrityError:
            # Two saves of the same form at once both found none and both inserted: the second updates.
            if attempt:
                raise
    return None  # not reached


def discard_autosave(*, user, article):
    # One statement, in the transaction of the article's save when it follows one (no savepoint of its own).
    with transaction.atomic(savepoint=False):
        ArticleAutosave.objects.filter(user=user, article=article).delete()


def record_link_results(*, article_links, results, checked_at):
    """
    Store the link checker's results: ``article_links`` {article id: urls checked}, ``results`` {url: (status,
    error)} for the broken ones. A link that works again, or that an article no longer has, is taken off the
    list; a broken one keeps the time it was first seen.
    """
    with transaction.atomic():
        for article_id, urls in article_links.items():
            broken = {url for url in urls if url in results}
            BrokenLink.objects.filter(article_id=article_id).exclude(url__in=broken).delete()
            for url in sorted(broken):
                status, error = results[url]
                BrokenLink.objects.update_or_create(
                    article_id=article_id, url=url,
                    defaults={"status": status, "error": error[:300], "checked_at": checked_at},
                    create_defaults={"status": status, "error": error[:300], "checked_at": checked_at, "first_seen_at": checked_at},
                )  # fmt: skip
        BrokenLink.objects.exclude(article_id__in=article_links).delete()
