"""The weekly digest: the articles readers can see that are new since the last digest, to active subscribers."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from newsletter import services
from newsletter.models import Digest, DigestDelivery, Subscriber
from tests.conftest import make_article
from tests.newsletter.helpers import make_new_article, make_subscriber, newsletter_emails
from tests.outbox.helpers import clock_at

pytestmark = pytest.mark.django_db


def run_command(*args):
    out = io.StringIO()
    call_command("send_newsletter_digest", *args, stdout=out)
    return out.getvalue()


def test_the_digest_holds_what_readers_can_see_published_since_the_last_one(deliver_emails):
    now = timezone.now()
    make_article(title="New & noteworthy", published_at=now - timedelta(days=1))
    make_article(title="Too old", published_at=now - timedelta(days=9))
    make_article(title="A draft", status=Article.Status.DRAFT)
    make_article(title="Scheduled", published_at=now + timedelta(days=1))
    make_article(title="Withdrawn", published_at=now - timedelta(days=2), expires_at=now - timedelta(hours=1))
    make_subscriber(email="reader@example.org")
    output = run_command()
    assert "queued to 1 subscriber(s)" in output
    digest = Digest.objects.get()
    assert [article.title for article in digest.articles.all()] == ["New & noteworthy"]
    [sent] = deliver_emails()
    assert sent.to == ["reader@example.org"] and sent.subject == digest.subject
    assert "New & noteworthy" in sent.body and "Too old" not in sent.body  # the text part is not HTML-escaped
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html" and "New &amp; noteworthy" in html
    for hidden in ("A draft", "Scheduled", "Withdrawn", "Too old"):
        assert hidden not in html


def test_only_active_subscribers_get_it():
    make_new_article()
    make_subscriber(email="active@example.org")
    make_subscriber(email="pending@example.org", status=Subscriber.Status.PENDING)
    make_subscriber(email="gone@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    run_command()
    assert [email.recipients for email in newsletter_emails()] == [["active@example.org"]]


def test_nothing_new_means_no_digest():
    make_article(published_at=timezone.now() - timedelta(days=30))
    make_subscriber()
    assert "No digest to send" in run_command()
    assert not Digest.objects.exists() and newsletter_emails() == []


def test_a_second_run_in_the_same_week_sends_nothing_again():
    make_new_article()
    make_subscriber()
    run_command()
    make_new_article()  # new, but this week's digest is gone
    make_subscriber()
    assert "No digest to send" in run_command()
    assert Digest.objects.count() == 1 and len(newsletter_emails()) == 1


def test_next_weeks_digest_starts_where_the_last_one_ended():
    start = timezone.now()
    make_new_article(title="Week one")
    make_subscriber()
    run_command()
    with clock_at(start + timedelta(days=7)):
        make_article(title="Week two", published_at=start + timedelta(days=3))
        run_command()
    digests = list(Digest.objects.order_by("week"))
    assert [[a.title for a in d.articles.all()] for d in digests] == [["Week one"], ["Week two"]]
    assert digests[1].period_start == digests[0].period_end
    assert len(newsletter_emails()) == 2


def test_subscribers_are_queued_in_batches_each_read_with_a_limit(django_assert_max_num_queries):
    make_new_article()
    for _ in range(7):
        make_subscriber()
    digest = services.prepare_digest()
    with CaptureQueriesContext(connection) as queries:
        assert services.send_digest(digest, batch_size=3) == 7
    reads = [q["sql"] for q in queries if 'FROM "newsletter_subscriber"' in q["sql"] and q["sql"].startswith("SELECT")]
    assert len(reads) == 4  # 3 + 3 + 1, then an empty batch
    assert all("LIMIT 3" in sql for sql in reads)
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "newsletter_digestdelivery"')]
    assert len(inserts) == 3  # one bulk insert per batch
    assert DigestDelivery.objects.filter(digest=digest).count() == 7
    assert Digest.objects.get().recipients == 7 and Digest.objects.get().completed_at


def test_a_run_that_stops_half_way_is_finished_by_the_next_without_sending_anyone_twice():
    make_new_article()
    subscribers = [make_subscriber() for _ in range(5)]
    queue_email = services.queue_email
    calls = []

    def fail_on_the_fourth(**kwargs):
        calls.append(kwargs)
        if len(calls) == 4:
            raise ConnectionError("the database went away")
        return queue_email(**kwargs)

    with mock.patch.object(services, "queue_email", side_effect=fail_on_the_fourth):
        with pytest.raises(ConnectionError):
            run_command("--batch=2")
    # The first two batches are kept; the third rolled back with its delivery records.
    assert len(newsletter_emails()) == 2
    assert Digest.objects.get().completed_at is None
    assert "queued to 3 subscriber(s) now, 5 in all" in run_command("--batch=2")
    recipients = sorted(email.recipients[0] for email in newsletter_emails())
    assert recipients == sorted(subscriber.email for subscriber in subscribers)
    assert "No digest to send" in run_command()


def test_a_subscriber_already_sent_this_digest_is_skipped():
    make_new_article()
    subscriber = make_subscriber()
    other = make_subscriber()
    digest = services.prepare_digest()
    DigestDelivery.objects.create(digest=digest, subscriber=subscriber)
    assert services.send_digest(digest) == 1
    assert [email.recipients for email in newsletter_emails()] == [[other.email]]


def test_each_subscriber_gets_their_own_unsubscribe_link():
    make_new_article()
    first, second = make_subscriber(), make_subscriber()
    run_command()
    bodies = {email.recipients[0]: email for email in newsletter_emails()}
    for subscriber in (first, second):
        link = services.unsubscribe_url(subscriber)
        email = bodies[subscriber.email]
        assert link in email.body and link in email.html_body and link in email.headers["List-Unsubscribe"]
        assert services.UNSUBSCRIBE_PLACEHOLDER not in email.body + email.html_body
    assert services.unsubscribe_url(first) not in bodies[second.email].body


def test_each_run_erases_sign_ups_never_confirmed_within_the_pending_days(settings):
    settings.NEWSLETTER_PENDING_DAYS = 30
    old = make_subscriber(status=Subscriber.Status.PENDING, signed_up_at=timezone.now() - timedelta(days=31))
    services.sign_up(email="recent@example.org", consent_text="I agree.", consent_version="1")
    services.sign_up(email="stale@example.org", consent_text="I agree.", consent_version="1")
    Subscriber.objects.filter(email="stale@example.org").update(signed_up_at=timezone.now() - timedelta(days=40))
    active = make_subscriber(signed_up_at=timezone.now() - timedelta(days=400))
    assert "Erased 2 sign-up(s) never confirmed." in run_command()
    assert set(Subscriber.objects.values_list("email", flat=True)) == {"recent@example.org", active.email}
    assert [email.recipients for email in newsletter_emails()] == [["recent@example.org"]]
    assert not Subscriber.objects.filter(pk=old.pk).exists()
