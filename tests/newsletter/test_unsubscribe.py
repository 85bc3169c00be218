"""Unsubscribing in one click: the headers of every newsletter e-mail, the one-click POST, and a GET that only asks."""

import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from newsletter import services
from newsletter.models import Subscriber
from tests.newsletter.helpers import make_new_article, make_subscriber

pytestmark = pytest.mark.django_db


def test_every_digest_email_carries_the_list_unsubscribe_headers_of_rfc_8058(settings, deliver_emails):
    settings.SITE_URL = "https://magazine.example"
    settings.DEFAULT_FROM_EMAIL = "Magazine <news@magazine.example>"
    make_new_article()
    subscriber = make_subscriber()
    services.send_digest(services.prepare_digest())
    [sent] = deliver_emails()
    header = sent.extra_headers["List-Unsubscribe"]
    match = re.fullmatch(r"<(https://magazine\.example/newsletter/unsubscribe/([^/]+)/)>, <mailto:([^?]+)\?subject=(\S+)>", header)
    assert match, header
    assert match.group(3) == "unsubscribe@magazine.example"
    assert services.subscriber_to_unsubscribe(match.group(2)) == subscriber
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    message = sent.message()
    assert message["List-Unsubscribe"] == header and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert match.group(1) in sent.body  # and a link anyone can see in the e-mail itself
    assert match.group(1) in sent.alternatives[0][0]


def test_the_mailto_address_can_be_set(settings):
    settings.NEWSLETTER_UNSUBSCRIBE_EMAIL = "leave@lists.example"
    headers = services.list_unsubscribe_headers(make_subscriber())
    assert "<mailto:leave@lists.example?subject=unsubscribe%20" in headers["List-Unsubscribe"]


def unsubscribe_path(subscriber):
    return reverse("newsletter:unsubscribe", kwargs={"signed": services.unsubscribe_signed(subscriber)})


def test_a_mail_clients_one_click_post_unsubscribes_without_a_csrf_token():
    subscriber = make_subscriber()
    client = Client(enforce_csrf_checks=True)
    response = client.post(unsubscribe_path(subscriber), "List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED and subscriber.unsubscribed_at
    assert not response.cookies
    again = client.post(unsubscribe_path(subscriber), "List-Unsubscribe=One-Click",
                        content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert again.status_code == 200
    assert Subscriber.objects.get().unsubscribed_at == subscriber.unsubscribed_at


def test_a_get_of_the_link_does_not_unsubscribe_but_shows_a_button(client):
    subscriber = make_subscriber(email="reader@example.org")
    response = client.get(unsubscribe_path(subscriber))
    page = response.content.decode()
    assert response.status_code == 200
    assert "reader@example.org" in page and '<button type="submit" class="button">Unsubscribe</button>' in page
    assert 'method="post"' in page and "noindex" in page
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE
    assert client.head(unsubscribe_path(subscriber)).status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE


def test_the_pages_button_unsubscribes(client):
    subscriber = make_subscriber()
    response = client.post(unsubscribe_path(subscriber))
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
    assert "You are unsubscribed" in client.get(unsubscribe_path(subscriber)).content.decode()


def test_an_unsubscribe_link_never_expires(client):
    from unittest import mock
    import time

    subscriber = make_subscriber()
    path = unsubscribe_path(subscriber)
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 3 * 365 * 86400):
        assert client.post(path).status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


@pytest.mark.parametrize("signed", [
    lambda s: s.token.hex,
    lambda s: signing.Signer(salt=services.CONFIRM_SALT).sign(s.token.hex),
    lambda s: signing.Signer(salt=services.UNSUBSCRIBE_SALT, key="not-ours").sign(s.token.hex),
    lambda s: services.unsubscribe_signed(s)[:-2] + "zz",
    lambda s: signing.Signer(salt=services.UNSUBSCRIBE_SALT).sign("f" * 32),
    lambda s: "%00",
], ids=["unsigned", "other-salt", "other-key", "altered", "unknown", "nul"])
def test_a_forged_unsubscribe_link_unsubscribes_nobody(client, signed):
    subscriber = make_subscriber()
    path = f"/newsletter/unsubscribe/{signed(subscriber)}/"
    for response in (client.get(path), client.post(path, "List-Unsubscribe=One-Click",
                                                    content_type="application/x-www-form-urlencoded")):
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE


def test_a_link_of_a_deleted_subscriber_is_refused(client):
    subscriber = make_subscriber()
    path = unsubscribe_path(subscriber)
    subscriber.delete()
    assert client.post(path).status_code == 400
