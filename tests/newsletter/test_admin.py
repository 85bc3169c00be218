"""The subscribers in the admin: for the staff who run the newsletter, and nobody else unless given."""

import csv
import io

import pytest
from django.urls import reverse

from newsletter import services
from newsletter.models import Digest, Subscriber
from outbox.models import Email
from outbox.services import queue_email
from tests.newsletter.helpers import make_new_article, make_subscriber

pytestmark = pytest.mark.django_db

ROLES = ["editor", "reviewer", "triage", "manager", "newsletter", "superuser"]
CHANGELIST = reverse("admin:newsletter_subscriber_changelist")


@pytest.fixture
def manager(django_user_model, groups):
    user = django_user_model.objects.create_user(username="manager", password="x", is_staff=True)
    user.groups.add(groups["Triage managers"])
    return user


@pytest.fixture
def newsletter(django_user_model, groups):
    user = django_user_model.objects.create_user(username="newsletter", password="x", is_staff=True)
    user.groups.add(groups["Newsletter managers"])
    return user


@pytest.fixture
def objects(db):
    make_new_article()
    subscriber = make_subscriber()
    digest = services.prepare_digest()
    services.send_digest(digest)
    return {"subscriber": subscriber, "digest": digest, "email": Email.objects.get(topic=Email.Topic.NEWSLETTER)}


PAGES = [
    ("admin:newsletter_subscriber_changelist", None, {"newsletter": 200, "superuser": 200}),
    ("admin:newsletter_subscriber_change", "subscriber", {"newsletter": 200, "superuser": 200}),
    ("admin:newsletter_subscriber_delete", "subscriber", {"newsletter": 200, "superuser": 200}),
    ("admin:newsletter_subscriber_add", None, {}),
    ("admin:newsletter_digest_changelist", None, {"newsletter": 200, "editor": 200, "superuser": 200}),
    ("admin:newsletter_digest_change", "digest", {"newsletter": 200, "editor": 200, "superuser": 200}),
    ("admin:outbox_newsletteremail_changelist", None, {"newsletter": 200, "superuser": 200}),
    ("admin:outbox_newsletteremail_change", "email", {"newsletter": 200, "superuser": 200}),
]


@pytest.mark.parametrize("name,target,allowed", PAGES, ids=[page[0].split(":")[1] for page in PAGES])
def test_newsletter_admin_permission_matrix(client, request, objects, name, target, allowed):
    url = reverse(name, args=[objects[target].pk] if target else [])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    for role in ROLES:
        client.force_login(request.getfixturevalue(role))
        assert client.get(url).status_code == allowed.get(role, 403), (role, name)


@pytest.mark.parametrize("role", ["editor", "reviewer", "triage", "manager"])
def test_the_admin_index_shows_no_subscribers_to_other_staff(client, request, role):
    client.force_login(request.getfixturevalue(role))
    html = client.get(reverse("admin:index")).content.decode()
    assert "Subscribers" not in html


def test_triage_staff_given_the_permission_see_the_subscribers(client, triage, django_user_model):
    from django.contrib.auth.models import Permission

    make_subscriber(email="reader@example.org")
    assert client.get(CHANGELIST).status_code == 302
    triage.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    client.force_login(django_user_model.objects.get(pk=triage.pk))
    response = client.get(CHANGELIST)
    assert response.status_code == 200 and "reader@example.org" in response.content.decode()


def test_the_list_filters_by_status_and_searches_addresses_with_a_bounded_number_of_queries(
    client, newsletter, django_assert_max_num_queries
):
    for n in range(30):
        make_subscriber(email=f"active{n}@example.org")
    make_subscriber(email="waiting@example.org", status=Subscriber.Status.PENDING)
    make_subscriber(email="gone@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    client.force_login(newsletter)
    client.get(CHANGELIST)  # the session and permissions cached as in any later request
    with django_assert_max_num_queries(12):
        page = client.get(CHANGELIST, {"status__exact": "pending"}).content.decode()
    assert "waiting@example.org" in page and "active1@example.org" not in page and "gone@" not in page
    page = client.get(CHANGELIST, {"q": "gone@"}).content.decode()
    assert "gone@example.org" in page and "waiting@example.org" not in page
    with django_assert_max_num_queries(12):
        assert client.get(CHANGELIST).status_code == 200


def test_staff_cannot_add_nor_edit_a_subscription(client, newsletter):
    subscriber = make_subscriber(status=Subscriber.Status.PENDING)
    client.force_login(newsletter)
    url = reverse("admin:newsletter_subscriber_change", args=[subscriber.pk])
    client.post(url, {"status": "active", "email": "other@example.org"})
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING and subscriber.email != "other@example.org"


def test_the_unsubscribe_action(client, newsletter):
    chosen = [make_subscriber(), make_subscriber(status=Subscriber.Status.PENDING)]
    kept = make_subscriber()
    client.force_login(newsletter)
    response = client.post(CHANGELIST, {"action": "unsubscribe_selected", "_selected_action": [s.pk for s in chosen]}, follow=True)
    assert "2 subscriber(s) unsubscribed." in response.content.decode()
    assert {s.status for s in Subscriber.objects.filter(pk__in=[s.pk for s in chosen])} == {"unsubscribed"}
    assert all(s.unsubscribed_at for s in Subscriber.objects.filter(pk__in=[s.pk for s in chosen]))
    assert Subscriber.objects.get(pk=kept.pk).status == "active"


def test_deleting_subscribers_erases_their_emails_too(client, newsletter):
    make_new_article()
    doomed, kept, also_doomed = make_subscriber(), make_subscriber(), make_subscriber()
    services.send_digest(services.prepare_digest())
    assert Email.objects.count() == 3
    client.force_login(newsletter)
    response = client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes"})
    assert response.status_code == 302
    assert set(Subscriber.objects.all()) == {kept, also_doomed}
    response = client.post(reverse("admin:newsletter_subscriber_delete", args=[also_doomed.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert list(Subscriber.objects.all()) == [kept]
    assert [email.recipients for email in Email.objects.all()] == [[kept.email]]


def test_csv_export_guards_against_formulas(client, newsletter):
    make_subscriber(email="reader@example.org", source_page="/articles/")
    make_subscriber(email="=cmd@example.org", source_page="=HYPERLINK(\"http://evil\")")
    make_subscriber(email="+1@example.org", source_page="-2+3")
    make_subscriber(email="@sum@example.org", source_page="@SUM(A1)")
    client.force_login(newsletter)
    response = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": list(Subscriber.objects.values_list("pk", flat=True))})
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_email = {row["email"]: row for row in rows}
    assert set(by_email) == {"reader@example.org", "'=cmd@example.org", "'+1@example.org", "'@sum@example.org"}
    assert by_email["'=cmd@example.org"]["source_page"] == "'=HYPERLINK(\"http://evil\")"
    assert by_email["'+1@example.org"]["source_page"] == "'-2+3"
    reader = by_email["reader@example.org"]
    assert reader["status"] == "subscribed" and reader["source_page"] == "/articles/" and reader["confirmed_at"]
    assert reader["consent_text"] == Subscriber.objects.get(email="reader@example.org").consent_text


def test_export_needs_its_own_permission(client, superuser, django_user_model):
    from django.contrib.auth.models import Permission

    subscriber = make_subscriber()
    viewer = django_user_model.objects.create_user(username="viewer", password="x", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_subscriber", "change_subscriber"]))
    client.force_login(viewer)
    choices = client.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert "export_csv" not in [name for name, _ in choices]
    response = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [subscriber.pk]})
    assert not response.get("Content-Type", "").startswith("text/csv")


def test_a_failed_newsletter_email_can_be_sent_again_by_newsletter_staff(client, newsletter):
    email = queue_email(topic=Email.Topic.NEWSLETTER, about="confirmation", subject="Confirm", body="x", to=["r@example.org"])
    Email.objects.filter(pk=email.pk).update(status=Email.Status.FAILED)
    client.force_login(newsletter)
    url = reverse("admin:outbox_newsletteremail_changelist")
    response = client.post(url, {"action": "send_again", "_selected_action": [email.pk]}, follow=True)
    assert "1 e-mail(s) queued to be sent again." in response.content.decode()
    assert Email.objects.get(pk=email.pk).status == Email.Status.QUEUED


def test_digests_are_listed_with_their_articles(client, editor):
    make_new_article(title="In the digest")
    make_subscriber()
    services.send_digest(services.prepare_digest())
    client.force_login(editor)
    page = client.get(reverse("admin:newsletter_digest_change", args=[Digest.objects.get().pk])).content.decode()
    assert "In the digest" in page
