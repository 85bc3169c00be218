"""queue_email's HTML alternative and extra headers (the newsletter's List-Unsubscribe), and its older callers."""

import pytest

from outbox.models import Email
from outbox.services import queue_email
from tests.outbox.helpers import make_email

pytestmark = pytest.mark.django_db
HEADERS = {"List-Unsubscribe": "<https://magazine.example/u/1/>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def test_an_email_queued_as_before_is_sent_as_plain_text_with_its_message_id(deliver_emails):
    email = make_email()
    [sent] = deliver_emails()
    assert sent.body == "Your reference is MT-2026-ABC123." and sent.alternatives == []
    assert sent.extra_headers == {"Message-ID": email.message_id}
    assert sent.message()["Message-ID"] == email.message_id


def test_the_html_alternative_and_the_extra_headers_are_sent(deliver_emails):
    email = make_email(topic=Email.Topic.NEWSLETTER, html_body="<p>Hello</p>", headers=HEADERS)
    [sent] = deliver_emails()
    assert sent.alternatives == [("<p>Hello</p>", "text/html")]
    message = sent.message()
    assert message["List-Unsubscribe"] == HEADERS["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] == email.message_id
    assert message.is_multipart()
    email.refresh_from_db()
    assert (email.status, email.body, email.html_body, email.headers) == ("sent", "", "", {})


def test_the_headers_are_kept_for_the_next_attempt(settings, deliver_emails, mailoutbox):
    settings.EMAIL_BACKEND = "tests.outbox.helpers.MailServerDown"
    email = make_email(html_body="<p>Hi</p>", headers=HEADERS)
    deliver_emails()
    email.refresh_from_db()
    assert email.status == "queued" and email.headers == HEADERS and email.html_body == "<p>Hi</p>"


@pytest.mark.parametrize("headers", [{"Message-ID": "<forged@x>"}, {"to": "other@example.org"}, {"Bcc": "x@example.org"}])
def test_headers_the_outbox_sets_itself_are_refused(headers):
    with pytest.raises(ValueError, match="sets these headers itself"):
        make_email(headers=headers)
    assert not Email.objects.exists()


def test_a_header_with_a_line_break_is_refused():
    with pytest.raises(ValueError, match="line break"):
        queue_email(topic="quotes", about="x", subject="s", body="b", to=["a@example.org"],
                    headers={"X-Test": "a\r\nBcc: victim@example.org"})  # fmt: skip
    assert not Email.objects.exists()
