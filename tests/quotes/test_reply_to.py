"""E-mails about quote requests come from a no-reply address and carry the triage inbox as their Reply-To."""

import pytest

from outbox.models import Email
from outbox.services import queue_email
from quotes.services import send_quote
from tests.quotes.test_quotes import make_quote
from tests.quotes.test_views import URL, form_data, knee  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_every_quote_email_replies_to_the_triage_inbox(client, knee, triage, settings, deliver_emails):
    settings.QUOTE_TRIAGE_EMAIL = "triage@magazine.example"
    settings.QUOTE_REPLY_TO_EMAIL = "help@magazine.example"
    settings.DEFAULT_FROM_EMAIL = "Magazine <no-reply@magazine.example>"
    client.post(URL, form_data(knee))
    send_quote(quote=make_quote(), by=triage)
    sent = deliver_emails()
    assert len(sent) == 3
    for message in sent:
        assert message.reply_to == ["help@magazine.example"], message.subject
        assert message.from_email == "Magazine <no-reply@magazine.example>"
        assert "reply to tell us" not in message.body


def test_the_confirmation_names_the_address_to_write_to(client, knee, settings, deliver_emails):
    settings.QUOTE_REPLY_TO_EMAIL = "help@magazine.example"
    client.post(URL, form_data(knee))
    confirmation = next(message for message in deliver_emails() if message.to == ["maria@example.org"])
    assert "write to help@magazine.example" in confirmation.body


def test_other_emails_have_no_reply_to(settings, deliver_emails):
    queue_email(topic=Email.Topic.REVIEWS, about="article-1", subject="Review due", body="Please review.", to=["r@example.org"])
    (message,) = deliver_emails()
    assert message.reply_to == []
