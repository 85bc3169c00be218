"""Failed e-mails in the admin: each kind for the staff whose business it is, never their bodies."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outbox.models import UNCONFIRMED_AFTER, Email
from tests.conftest import _staff, run_queued_tasks
from tests.outbox.helpers import clock_at, make_email

pytestmark = pytest.mark.django_db
QUOTE_EMAILS = reverse("admin:outbox_quoteemail_changelist")
REMINDERS = reverse("admin:outbox_reviewreminderemail_changelist")
QUOTE_LINK = "http://127.0.0.1:8000/quote/view/a-signed-token/"


@pytest.fixture
def manager(django_user_model, groups):
    return _staff(django_user_model, "manager", groups["Triage managers"])


def failed(**fields):
    email = make_email(**fields)
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.FAILED, attempts=12, last_error="SMTPRecipientsRefused: 550 No such user"
    )
    return email


@pytest.fixture
def failed_quote_email():
    return failed(subject="Your quote MT-2026-ABC123 is ready", body=f"Your quote: {QUOTE_LINK}")


@pytest.fixture
def failed_reminder():
    return failed(topic=Email.Topic.REVIEWS, about="Dr Ana Ruiz, 2026-11-30", subject="2 medical review(s) due", to=["ana@example.org"])


@pytest.mark.parametrize(
    ("who", "quote_emails", "reminders"),
    [("triage", 200, 403), ("manager", 200, 403), ("editor", 403, 200), ("reviewer", 403, 403), ("superuser", 200, 200)],
)
def test_each_kind_of_email_is_shown_to_its_staff_only(client, request, who, quote_emails, reminders, failed_quote_email, failed_reminder):
    client.force_login(request.getfixturevalue(who))
    assert client.get(QUOTE_EMAILS).status_code == quote_emails
    assert client.get(reverse("admin:outbox_quoteemail_change", args=[failed_quote_email.pk])).status_code == quote_emails
    assert client.get(REMINDERS).status_code == reminders
    assert client.get(reverse("admin:outbox_reviewreminderemail_change", args=[failed_reminder.pk])).status_code == reminders


def test_triage_staff_see_why_an_email_failed_but_never_its_body(client, triage, failed_quote_email, failed_reminder, django_assert_max_num_queries):
    make_email(subject="Your quote request MT-2026-SENT01")
    client.force_login(triage)
    with django_assert_max_num_queries(12):
        response = client.get(QUOTE_EMAILS, {"attention": "yes"})
    html = response.content.decode()
    assert "Your quote MT-2026-ABC123 is ready" in html and "patient@example.org" in html
    assert "failed" in html and "SMTPRecipientsRefused: 550 No such user" in html
    assert "MT-2026-SENT01" not in html and "medical review(s) due" not in html
    page = client.get(reverse("admin:outbox_quoteemail_change", args=[failed_quote_email.pk])).content.decode()
    assert "SMTPRecipientsRefused" in page
    assert QUOTE_LINK not in html + page and "a-signed-token" not in html + page


def test_an_email_the_worker_could_not_report_on_is_listed_as_unconfirmed(client, triage):
    email = make_email()
    Email.objects.filter(pk=email.pk).update(status=Email.Status.SENDING, last_attempt_at=timezone.now())
    client.force_login(triage)
    assert "Your quote request" not in client.get(QUOTE_EMAILS, {"attention": "yes"}).content.decode()
    with clock_at(timezone.now() + UNCONFIRMED_AFTER + timedelta(seconds=1)):
        html = client.get(QUOTE_EMAILS, {"attention": "yes"}).content.decode()
    assert "unconfirmed: the worker stopped while sending it, so it may have left" in html


def test_sending_a_failed_email_again_queues_it_for_the_worker(client, triage, failed_quote_email, mailoutbox):
    client.force_login(triage)
    response = client.post(QUOTE_EMAILS, {"action": "send_again", "_selected_action": [failed_quote_email.pk]}, follow=True)
    assert "1 e-mail(s) queued to be sent again." in response.content.decode()
    failed_quote_email.refresh_from_db()
    assert (failed_quote_email.status, failed_quote_email.attempts) == ("queued", 0)
    run_queued_tasks()
    assert [message.subject for message in mailoutbox] == ["Your quote MT-2026-ABC123 is ready"]
    failed_quote_email.refresh_from_db()
    assert failed_quote_email.status == "sent" and failed_quote_email.last_error == ""


def test_an_email_sent_or_on_its_way_is_not_sent_again(client, triage, mailoutbox):
    on_its_way = make_email(subject="On its way MT-2026-QUEUE1")
    sent = make_email(subject="Sent MT-2026-SENT01")
    Email.objects.filter(pk=sent.pk).update(status=Email.Status.SENT, sent_at=timezone.now())
    client.force_login(triage)
    response = client.post(QUOTE_EMAILS, {"action": "send_again", "_selected_action": [on_its_way.pk, sent.pk]}, follow=True)
    html = response.content.decode()
    assert "0 e-mail(s) queued" not in html and "Not sent again, as they are sent or on their way" in html
    run_queued_tasks()
    assert [message.subject for message in mailoutbox] == ["On its way MT-2026-QUEUE1"]


def test_only_staff_allowed_to_send_again_get_the_action(client, django_user_model, failed_quote_email):
    from django.contrib.auth.models import Permission

    viewer = _staff(django_user_model, "viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_quoteemail"))
    client.force_login(viewer)
    assert 'value="send_again"' not in client.get(QUOTE_EMAILS).content.decode()
    client.post(QUOTE_EMAILS, {"action": "send_again", "_selected_action": [failed_quote_email.pk]})
    failed_quote_email.refresh_from_db()
    assert failed_quote_email.status == "failed"


def test_nobody_adds_changes_or_deletes_an_email_in_the_admin(client, triage, failed_quote_email):
    client.force_login(triage)
    assert client.get(reverse("admin:outbox_quoteemail_add")).status_code == 403
    assert client.post(reverse("admin:outbox_quoteemail_delete", args=[failed_quote_email.pk]), {"post": "yes"}).status_code == 403
    assert Email.objects.filter(pk=failed_quote_email.pk).exists()
