"""
The newsletter's writes: sign-up (double opt-in), confirmation, unsubscription, and the weekly digest.

Every e-mail goes through the outbox (outbox.queue_email) in the transaction of the change that causes it. The
links in e-mails are signed: a confirmation link expires after NEWSLETTER_CONFIRM_DAYS, an unsubscribe link
never does (a reader may unsubscribe from an e-mail of last year), and neither can be made up.
"""

from datetime import timedelta
from email.utils import parseaddr
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from articles.models import Article
from magazine.locales import display_date
from outbox.models import Email
from outbox.services import forget, queue_email

from .models import Digest, DigestDelivery, Subscriber

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
# Stands for each subscriber's own unsubscribe address in a digest rendered once for all of them.
UNSUBSCRIBE_PLACEHOLDER = "__unsubscribe_url__"


class BadLink(Exception):
    """A confirmation or unsubscribe link that was made up, altered, or has expired."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


# Links


def confirm_url(subscriber):
    signed = signing.TimestampSigner(salt=CONFIRM_SALT).sign(subscriber.token.hex)
    return settings.SITE_URL + reverse("newsletter:confirm", kwargs={"signed": signed})


def unsubscribe_signed(subscriber):
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(subscriber.token.hex)


def unsubscribe_url(subscriber):
    return settings.SITE_URL + reverse("newsletter:unsubscribe", kwargs={"signed": unsubscribe_signed(subscriber)})


def unsubscribe_mailto():
    if settings.NEWSLETTER_UNSUBSCRIBE_EMAIL:
        return settings.NEWSLETTER_UNSUBSCRIBE_EMAIL
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"unsubscribe@{domain}"


def list_unsubscribe_headers(subscriber):
    """RFC 2369 and RFC 8058: a mail client's own "unsubscribe" button, which POSTs to the link in one click."""
    mailto = f"mailto:{unsubscribe_mailto()}?subject={quote('unsubscribe ' + unsubscribe_signed(subscriber))}"
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _subscriber_of(signed, *, salt, max_age=None):
    signer = signing.TimestampSigner(salt=salt) if max_age is not None else signing.Signer(salt=salt)
    try:
        value = signer.unsign(signed, max_age=max_age) if max_age is not None else signer.unsign(signed)
    except signing.SignatureExpired:
        raise BadLink("expired") from None
    except signing.BadSignature:
        raise BadLink("invalid") from None
    subscriber = Subscriber.objects.filter(token=value).first() if len(value) == 32 else None
    if subscriber is None:  # deleted by staff since
        raise BadLink("invalid")
    return subscriber


def subscriber_to_confirm(signed):
    return _subscriber_of(signed, salt=CONFIRM_SALT, max_age=timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS))


def subscriber_to_unsubscribe(signed):
    return _subscriber_of(signed, salt=UNSUBSCRIBE_SALT)


# Sign-up, confirmation, unsubscription


def _may_send_confirmation(subscriber, now):
    """The resend limit: one confirmation every NEWSLETTER_RESEND_MINUTES, NEWSLETTER_CONFIRMATIONS_PER_DAY a day."""
    last = subscriber.confirmation_sent_at
    if last is None:
        return True
    if now - last < timedelta(minutes=settings.NEWSLETTER_RESEND_MINUTES):
        return False
    return last < now - timedelta(days=1) or subscriber.confirmations_sent < settings.NEWSLETTER_CONFIRMATIONS_PER_DAY


def about(subscriber):
    """What the outbox files a subscriber's e-mails under, so that erasing the subscriber erases them too."""
    return f"subscriber {subscriber.pk}"


def _queue_confirmation(subscriber, now):
    context = {"confirm_url": confirm_url(subscriber), "magazine_name": settings.MAGAZINE_NAME,
               "days": settings.NEWSLETTER_CONFIRM_DAYS}  # fmt: skip
    queue_email(
        topic=Email.Topic.NEWSLETTER,
        about=about(subscriber),
        subject=gettext("Confirm your subscription to the %(magazine)s newsletter") % {"magazine": settings.MAGAZINE_NAME},
        body=render_to_string("newsletter/email/confirm.txt", context),
        to=[subscriber.email],
    )
    recent = subscriber.confirmation_sent_at and subscriber.confirmation_sent_at >= now - timedelta(days=1)
    subscriber.confirmations_sent = subscriber.confirmations_sent + 1 if recent else 1
    subscriber.confirmation_sent_at = now


def sign_up(*, email, consent_text, consent_version, source_page=""):
    """
    Ask for the newsletter: a new or unsubscribed address becomes pending and gets a confirmation e-mail; a
    pending one gets it again within the resend limit; an active one is left as it is. The caller answers the
    same whatever happened, so that the form tells nobody whether an address is subscribed.
    Returns ``(subscriber, sent)``: whether a confirmation e-mail was queued.
    """
    email = email.strip().lower()
    now = timezone.now()
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
            if subscriber is None:
                subscriber = Subscriber(email=email)
            elif subscriber.status == Subscriber.Status.ACTIVE:
                return subscriber, False
            elif subscriber.status == Subscriber.Status.PENDING and not _may_send_confirmation(subscriber, now):
                return subscriber, False
            subscriber.status = Subscriber.Status.PENDING
            subscriber.consent_text, subscriber.consent_version = consent_text, consent_version
            subscriber.source_page = source_page[:500]
            subscriber.signed_up_at = now
            subscriber.save()  # first, for its id
            _queue_confirmation(subscriber, now)
            subscriber.save(update_fields=["confirmation_sent_at", "confirmations_sent"])
    except IntegrityError:
        # The same address signed up twice at once: the other request made the subscriber and sent its e-mail.
        return Subscriber.objects.get(email=email), False
    return subscriber, True


def confirm(subscriber):
    """The reader followed the confirmation link: pending becomes active. Returns whether it was pending."""
    with transaction.atomic():
        updated = Subscriber.objects.filter(pk=subscriber.pk, status=Subscriber.Status.PENDING).update(
            status=Subscriber.Status.ACTIVE, confirmed_at=timezone.now(), unsubscribed_at=None
        )
    subscriber.refresh_from_db()
    return bool(updated)


def unsubscribe(subscriber):
    """No more e-mails to this address (from a link, a mail client's button or staff). Idempotent."""
    with transaction.atomic():
        updated = Subscriber.objects.filter(pk=subscriber.pk).exclude(status=Subscriber.Status.UNSUBSCRIBED).update(
            status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
        )
    subscriber.refresh_from_db()
    return bool(updated)


def erase(subscribers):
    """Delete subscribers with every e-mail of theirs in the outbox, sent or not: no address is left behind."""
    subscribers = list(subscribers)
    with transaction.atomic():
        forget(topic=Email.Topic.NEWSLETTER, about=[about(subscriber) for subscriber in subscribers])
        return Subscriber.objects.filter(pk__in=[subscriber.pk for subscriber in subscribers]).delete()[1].get(
            Subscriber._meta.label, 0
        )


def purge_unconfirmed(*, now=None):
    """
    Erase the sign-ups never confirmed within NEWSLETTER_PENDING_DAYS: an address nobody confirmed is not kept
    (its confirmation link expired long before). Returns how many.
    """
    now = now or timezone.now()
    stale = Subscriber.objects.filter(
        status=Subscriber.Status.PENDING, signed_up_at__lt=now - timedelta(days=settings.NEWSLETTER_PENDING_DAYS)
    )
    erased = 0
    while batch := list(stale.only("pk")[:500]):
        erased += erase(batch)
    return erased


# The weekly digest


def week_of(moment):
    """The Monday of the week of ``moment``, in the site's time zone."""
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


def digest_articles(*, since, until):
    """
    What readers can see that was published after ``since`` and up to ``until`` (Article.objects.published()), in
    the site's language: subscribers signed up to the magazine in it.
    """
    return (
        Article.objects.published(now=until)
        .in_language(settings.LANGUAGE_CODE)
        .filter(published_at__gt=since)
        .select_related("category")
        .order_by("-published_at", "-pk")
    )


def prepare_digest(*, now=None, first_period=timedelta(days=7)):
    """
    This week's digest: the one already made (a run that stopped half-way is finished), or a new one of the
    articles published since the previous digest (``first_period`` back for the first); None when there is
    nothing new, or this week's digest went out already.
    """
    now = now or timezone.now()
    week = week_of(now)
    digest = Digest.objects.filter(week=week).first()
    if digest is not None:
        return None if digest.completed_at else digest
    previous = Digest.objects.order_by("-period_end").first()
    since = previous.period_end if previous else now - first_period
    articles = list(digest_articles(since=since, until=now))
    if not articles:
        return None
    subject = gettext("%(magazine)s: the week of %(date)s") % {"magazine": settings.MAGAZINE_NAME, "date": display_date(week)}
    try:
        with transaction.atomic():
            digest = Digest.objects.create(week=week, period_start=since, period_end=now, subject=subject)
            digest.articles.set(articles)
    except IntegrityError:  # another run made it at the same moment
        digest = Digest.objects.get(week=week)
        return None if digest.completed_at else digest
    return digest


def render_digest(digest):
    """(text, html) of the digest, with UNSUBSCRIBE_PLACEHOLDER where each subscriber's own link goes."""
    articles = digest.articles.select_related("category").order_by("-published_at", "-pk")
    context = {
        "digest": digest,
        "articles": [
            {"article": article, "url": settings.SITE_URL + article.get_absolute_url()} for article in articles
        ],
        "site_url": settings.SITE_URL,
        "magazine_name": settings.MAGAZINE_NAME,
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
    }
    return (
        render_to_string("newsletter/email/digest.txt", context),
        render_to_string("newsletter/email/digest.html", context),
    )


def send_digest(digest, *, batch_size=500):
    """
    Queue the digest to every active subscriber who has not had it, ``batch_size`` at a time, each batch in a
    transaction of its own (its delivery records and its e-mails), so that memory stays bounded and a run that
    stops keeps what it queued. Returns how many e-mails this run queued.
    """
    text, html = render_digest(digest)
    queued, after = 0, 0
    while True:
        batch = list(
            Subscriber.objects.active()
            .filter(pk__gt=after)
            .exclude(pk__in=DigestDelivery.objects.filter(digest=digest).values("subscriber_id"))
            .order_by("pk")
            .only("pk", "email", "token")[:batch_size]
        )
        if not batch:
            break
        after = batch[-1].pk
        try:
            with transaction.atomic():
                DigestDelivery.objects.bulk_create(DigestDelivery(digest=digest, subscriber=s) for s in batch)
                for subscriber in batch:
                    link = unsubscribe_url(subscriber)
                    queue_email(
                        topic=Email.Topic.NEWSLETTER,
                        about=about(subscriber),
                        subject=digest.subject,
                        body=text.replace(UNSUBSCRIBE_PLACEHOLDER, link),
                        html_body=html.replace(UNSUBSCRIBE_PLACEHOLDER, link),
                        to=[subscriber.email],
                        headers=list_unsubscribe_headers(subscriber),
                    )
        except IntegrityError:
            # Another run queued some of these subscribers at the same time: look again at who is left.
            after = batch[0].pk - 1
            continue
        queued += len(batch)
    with transaction.atomic():
        Digest.objects.filter(pk=digest.pk).update(
            completed_at=timezone.now(), recipients=DigestDelivery.objects.filter(digest=digest).count()
        )
    digest.refresh_from_db()
    return queued
