"""Factories and helpers for the newsletter's tests."""

import itertools
import re

from django.utils import timezone

from newsletter.forms import CONSENT_TEXT, CONSENT_VERSION
from newsletter.models import Subscriber
from outbox.models import Email

_counter = itertools.count(1)
LINK_RE = re.compile(r"https?://\S+/newsletter/(confirm|unsubscribe)/([^/\s]+)/")


def make_subscriber(*, email=None, status=Subscriber.Status.ACTIVE, **fields):
    now = timezone.now()
    fields.setdefault("confirmed_at", now if status == Subscriber.Status.ACTIVE else None)
    fields.setdefault("consent_text", CONSENT_TEXT)
    fields.setdefault("consent_version", CONSENT_VERSION)
    return Subscriber.objects.create(email=email or f"reader-{next(_counter)}@example.org", status=status, **fields)


def newsletter_emails():
    return list(Email.objects.filter(topic=Email.Topic.NEWSLETTER).order_by("created_at"))


def link_in(body, kind):
    """The path of the first ``kind`` ("confirm" or "unsubscribe") link in an e-mail's body."""
    for match in LINK_RE.finditer(body):
        if match.group(1) == kind:
            return f"/newsletter/{kind}/{match.group(2)}/"
    raise AssertionError(f"No {kind} link in {body!r}")


def make_new_article(**fields):
    """An article published an hour ago: in this week's digest, however many articles the test run made before."""
    from datetime import timedelta

    from tests.conftest import make_article

    fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    return make_article(**fields)
