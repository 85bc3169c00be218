"""Mail backends and a clock for the outbox's tests."""

import contextlib
from unittest import mock

from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from outbox.models import Email
from outbox.services import queue_email


class NoMailServer(BaseEmailBackend):
    """A mail backend for code that must not talk to the mail server: any attempt fails the test."""

    def __init__(self, *args, **kwargs):
        raise AssertionError("The mail server was called")


class MailServerDown(BaseEmailBackend):
    """Every attempt fails as with a mail server that is not listening."""

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


@contextlib.contextmanager
def clock_at(moment):
    """Django's time (timezone.now, which the worker and the outbox read) stands at ``moment``."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def make_email(**fields):
    fields = {
        "topic": Email.Topic.QUOTES,
        "about": "MT-2026-ABC123",
        "subject": "Your quote request MT-2026-ABC123",
        "body": "Your reference is MT-2026-ABC123.",
        "to": ["patient@example.org"],
        **fields,
    }
    return queue_email(**fields)
