"""Sign-up with double opt-in: a pending subscription and a confirmation e-mail; the click makes it active."""

from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from newsletter import services
from newsletter.forms import CONSENT_TEXT, CONSENT_VERSION
from newsletter.models import Subscriber
from tests.conftest import make_article
from tests.newsletter.helpers import link_in, make_subscriber, newsletter_emails
from tests.outbox.helpers import clock_at

pytestmark = pytest.mark.django_db
SIGNUP = reverse("newsletter:signup")


def sign_up(client, email="Reader@Example.org", **data):
    return client.post(SIGNUP, {"email": email, "consent": "on", "source": "/articles/", **data})


def test_signing_up_makes_a_pending_subscriber_with_the_consent_shown_and_queues_a_confirmation(client, deliver_emails):
    before = timezone.now()
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"] == reverse("newsletter:thanks")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reader@example.org"
    assert subscriber.status == Subscriber.Status.PENDING and subscriber.confirmed_at is None
    assert subscriber.consent_text == CONSENT_TEXT and subscriber.consent_version == CONSENT_VERSION
    assert subscriber.source_page == "/articles/"
    assert subscriber.signed_up_at >= before
    [email] = newsletter_emails()
    assert email.recipients == ["reader@example.org"] and "Confirm your subscription" in email.subject
    [sent] = deliver_emails()
    assert sent.to == ["reader@example.org"]
    assert "/newsletter/confirm/" in sent.body
    assert "List-Unsubscribe" not in sent.extra_headers  # a confirmation is no newsletter


def test_the_consent_text_stored_is_the_one_the_forms_show(client):
    make_article()
    home = client.get(reverse("articles:home")).content.decode()
    page = client.get(SIGNUP).content.decode()
    assert str(CONSENT_TEXT) in home and str(CONSENT_TEXT) in page
    sign_up(client)
    assert Subscriber.objects.get().consent_text in home


def test_following_the_link_shows_a_button_and_only_the_post_confirms(client, deliver_emails):
    sign_up(client)
    [sent] = deliver_emails()
    link = link_in(sent.body, "confirm")
    page = client.get(link)
    assert page.status_code == 200 and "Yes, subscribe me" in page.content.decode()
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING  # a mail scanner's GET confirms nothing

    before = timezone.now()
    response = client.post(link)
    assert response.status_code == 200 and "you are subscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.confirmed_at >= before
    assert client.post(link).status_code == 200  # a second click changes nothing
    assert Subscriber.objects.get().confirmed_at == subscriber.confirmed_at


def test_an_expired_confirmation_link_is_refused_with_a_way_forward(client, settings, deliver_emails):
    settings.NEWSLETTER_CONFIRM_DAYS = 7
    sign_up(client)
    [sent] = deliver_emails()
    link = link_in(sent.body, "confirm")
    with clock_at(timezone.now() + timedelta(days=8)), _signing_clock(days=8):
        for response in (client.get(link), client.post(link)):
            assert response.status_code == 400
            assert "has expired" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def _signing_clock(*, days):
    from unittest import mock

    import time as time_module

    return mock.patch("django.core.signing.time.time", return_value=time_module.time() + days * 86400)


@pytest.mark.parametrize("make_link", [
    lambda s: f"/newsletter/confirm/{s.token.hex}/",  # unsigned
    lambda s: f"/newsletter/confirm/{signing.TimestampSigner(salt=services.UNSUBSCRIBE_SALT).sign(s.token.hex)}/",
    lambda s: f"/newsletter/confirm/{signing.TimestampSigner(salt=services.CONFIRM_SALT, key='other').sign(s.token.hex)}/",
    lambda s: services.confirm_url(s).replace(settings_site_url(), "")[:-3] + "xx/",  # altered signature
    lambda s: f"/newsletter/confirm/{signing.TimestampSigner(salt=services.CONFIRM_SALT).sign('0' * 32)}/",  # nobody
], ids=["unsigned", "other-salt", "other-key", "altered", "unknown-token"])
def test_a_forged_confirmation_link_confirms_nothing(client, make_link):
    subscriber = make_subscriber(status=Subscriber.Status.PENDING)
    link = make_link(subscriber)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def settings_site_url():
    from django.conf import settings

    return settings.SITE_URL


def test_a_confirmation_link_no_longer_subscribes_an_address_unsubscribed_since(client):
    subscriber = make_subscriber(status=Subscriber.Status.PENDING)
    link = services.confirm_url(subscriber).replace(settings_site_url(), "")
    services.unsubscribe(subscriber)
    response = client.post(link)
    assert response.status_code == 400 and "unsubscribed after the link was sent" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


@pytest.mark.parametrize("status", [Subscriber.Status.ACTIVE, Subscriber.Status.PENDING, None])
def test_signing_up_gives_the_same_answer_whether_or_not_the_address_is_known(client, status):
    if status:
        make_subscriber(email="known@example.org", status=status)
    response = sign_up(client, "known@example.org")
    assert response.status_code == 302 and response["Location"] == reverse("newsletter:thanks")
    thanks = client.get(response["Location"]).content.decode()
    assert "If this address is not subscribed yet" in thanks


def test_an_active_subscriber_signing_up_again_gets_no_email_and_keeps_their_consent(client):
    subscriber = make_subscriber(email="known@example.org", consent_version="2020-01", source_page="/old/")
    sign_up(client, "KNOWN@example.org")
    assert newsletter_emails() == []
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert (subscriber.consent_version, subscriber.source_page) == ("2020-01", "/old/")


def test_signing_up_again_resends_the_confirmation_within_the_resend_limit(client, settings):
    settings.NEWSLETTER_RESEND_MINUTES = 10
    settings.NEWSLETTER_CONFIRMATIONS_PER_DAY = 3
    settings.NEWSLETTER_RATE_LIMIT = 100
    start = timezone.now()
    for minutes in (0, 1, 5, 9):  # within ten minutes: one e-mail
        with clock_at(start + timedelta(minutes=minutes)):
            assert sign_up(client).status_code == 302
    assert len(newsletter_emails()) == 1
    for minutes in (11, 15, 22, 33, 44):  # then one every ten minutes, three a day in all
        with clock_at(start + timedelta(minutes=minutes)):
            sign_up(client)
    assert len(newsletter_emails()) == 3
    with clock_at(start + timedelta(days=1, minutes=30)):  # a day later, again
        sign_up(client)
    assert len(newsletter_emails()) == 4
    assert Subscriber.objects.count() == 1


def test_an_unsubscribed_reader_signing_up_again_must_confirm_again(client):
    make_subscriber(email="back@example.org", status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    sign_up(client, "back@example.org")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert len(newsletter_emails()) == 1


@pytest.mark.parametrize("data,error", [
    ({"email": "", "consent": "on"}, "Enter your e-mail address."),
    ({"email": "not-an-address", "consent": "on"}, "Enter a valid e-mail address"),
    ({"email": "a@" + "b" * 300 + ".org", "consent": "on"}, "Ensure this value has at most 254 characters"),
    ({"email": "reader@example.org"}, "Tick the box to agree to receive the newsletter."),
], ids=["empty", "invalid", "too-long", "no-consent"])
def test_bad_input_is_shown_on_the_page_with_what_was_typed(client, data, error):
    response = client.post(SIGNUP, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page and 'role="alert"' in page
    if data["email"] and len(data["email"]) < 100:
        assert f'value="{data["email"]}"' in page
    assert Subscriber.objects.count() == 0 and newsletter_emails() == []


def test_a_source_page_that_is_not_a_path_of_the_site_is_not_stored(client):
    for source in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        sign_up(client, f"{len(source)}@example.org", source=source)
    assert set(Subscriber.objects.values_list("source_page", flat=True)) == {""}


def test_sign_ups_are_rate_limited_per_address(client, settings):
    settings.NEWSLETTER_RATE_LIMIT = 2
    answers = [sign_up(client, f"reader{n}@example.org").status_code for n in range(4)]
    assert answers == [302, 302, 429, 429]
    assert Subscriber.objects.count() == 2
    assert "Too many sign-ups" in sign_up(client, "late@example.org").content.decode()


def test_sign_ups_go_through_while_redis_is_down_with_one_log_line(client, settings, caplog):
    """The rate limit fails open (magazine/ratelimit.py): a reader's sign-up matters more than a few minutes of flood."""
    import logging
    import socket

    from magazine import faults
    from magazine.cache import _clients
    from tests.test_cache_failures import redis_cache_at

    with socket.socket() as probe:  # a port where connections are refused: a Redis that is stopped
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.NEWSLETTER_RATE_LIMIT = 1
    _clients.clear()
    faults._logged.clear()
    try:
        with redis_cache_at(f"redis://127.0.0.1:{port}/0"), caplog.at_level(logging.WARNING):
            answers = [sign_up(client, f"reader{n}@example.org").status_code for n in range(3)]
    finally:
        _clients.clear()
        faults._logged.clear()
    assert answers == [302, 302, 302]
    assert Subscriber.objects.count() == 3
    lines = [r.getMessage() for r in caplog.records if "cannot be counted" in r.getMessage()]
    assert lines == ["The newsletter sign-ups' rate limit cannot be counted: letting forms through."]
